/**
 * Redis connection settings for the distributed evaluator and its workers: a
 * `redis://` or `rediss://` URL (user, password, host, port, database) parsed
 * once into ioredis options, plus everything needed to keep the password out of
 * logs.
 *
 * Secrets policy: the URL itself is never printed. `describe` is the URL with the
 * password replaced by `***` and without any query or fragment; a user name
 * given without a password (`redis://SECRET@host`, a common slip for
 * `redis://:SECRET@host`) is masked too, as it may well be the password. And
 * `redact(text)` replaces every occurrence of each secret (password, such a
 * user name, query and fragment; raw and percent-encoded) in any text — error
 * messages from the client, BullMQ failure reasons — before it reaches a log
 * line or an exception a user sees. `rediss://` turns TLS on (Node's `tls.connect` options pass
 * through, e.g. a private CA); plain `redis://` with TLS options is refused
 * rather than silently ignoring them.
 *
 * No Redis client is loaded here: the CLI parses and checks the URL before it
 * imports BullMQ.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { UsageError } from '../../engine/errors.js';

/** The ioredis options derived from a URL (BullMQ takes the same object). */
export interface RedisClientOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: TlsOptions;
}

/** A parsed Redis URL. */
export interface RedisConnection {
  /** Options for ioredis / BullMQ connections. */
  options: RedisClientOptions;
  /** The URL without its password, for logs: `rediss://user:***@host:6380/0`. */
  describe: string;
  /** True for `rediss://`. */
  tls: boolean;
  /** Replace every secret (the password, raw and percent-encoded) in `text` with `***`. */
  redact(text: string): string;
}

/** Options of {@link parseRedisUrl}. */
export interface ParseRedisUrlOptions {
  /** TLS options for `tls.connect` (CA, client certificate, servername ...); only with `rediss://`. */
  tls?: TlsOptions;
  /** Where the URL came from, for error messages (default `--redis`). */
  source?: string;
}

const MASK = '***';

/** Replace each of `secrets` (longest first; empty ones ignored) in `text` with `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return out;
}

/**
 * The URL for logs: its password replaced by `***`, a user name without a
 * password masked whole (it may be a password written in the wrong place), no
 * query and no fragment. Text that is not a URL keeps its scheme and what
 * follows the last `@` (the host), with everything between masked.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.host;
    const path = u.pathname === '/' ? '' : u.pathname;
    const user = u.password !== '' ? `${u.username}:${MASK}@` : u.username !== '' ? `${MASK}@` : '';
    return `${u.protocol}//${user}${host}${path}`;
  } catch {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*@)?([^@/?#]*)/i.exec(url);
    return m ? `${m[1]}${m[2] !== undefined ? `${MASK}@` : ''}${m[3]}` : MASK;
  }
}

/**
 * Parse a `redis://[user[:password]@]host[:port][/db]` or `rediss://...` URL.
 * Throws `UsageError` (whose message never contains the password) for another
 * scheme, a missing host, a bad port or database, query options, or TLS options
 * given with `redis://`.
 */
export function parseRedisUrl(url: string, options: ParseRedisUrlOptions = {}): RedisConnection {
  const source = options.source ?? '--redis';
  if (typeof url !== 'string' || url.trim() === '') throw new UsageError(`${source}: expected a redis:// or rediss:// URL, got an empty value`);
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    // Not echoed: a value that is not a URL may be a bare password.
    throw new UsageError(`${source}: not a valid URL (value not shown: it may hold a password); expected redis://[user:password@]host[:port][/db] or rediss://...`);
  }
  const shown = redactUrl(u.href);
  if (u.search !== '' || u.hash !== '') {
    throw new UsageError(`${source}: query strings and fragments are not supported in a Redis URL (${shown}; the rest is not shown: it may hold a password); give the password as redis://:PASSWORD@host and TLS files with --tls-ca/--tls-cert/--tls-key`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`${source}: scheme must be redis:// or rediss:// (TLS), got "${u.protocol}//" in ${shown}`);
  }
  const tls = u.protocol === 'rediss:';
  // IPv6 literals come bracketed from URL: ioredis wants them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new UsageError(`${source}: no host in ${shown}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${source}: port must be 1-65535 in ${shown}`);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isInteger(db) || db < 0) throw new UsageError(`${source}: database must be a non-negative integer, got "/${path}" in ${shown}`);
  if (!tls && options.tls !== undefined) throw new UsageError(`${source}: TLS options need a rediss:// URL, got ${shown}`);
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new UsageError(`${source}: bad percent-encoding in the user or password of ${shown}`);
    }
  };
  const username = u.username === '' ? undefined : decode(u.username);
  const password = u.password === '' ? undefined : decode(u.password);
  const secrets = [
    ...(password === undefined ? [] : [password, u.password, encodeURIComponent(password)]),
    // a user name alone may be a password given as redis://PASSWORD@host; a short one would mask common words
    ...(password === undefined && username !== undefined && username.length >= 3 ? [username, u.username, encodeURIComponent(username)] : []),
  ];
  const clientOptions: RedisClientOptions = {
    host,
    port,
    db,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tls ? { tls: { ...(options.tls ?? {}), ...(options.tls?.servername === undefined && !/^[\d.:]+$/.test(host) ? { servername: host } : {}) } } : {}),
  };
  return {
    options: clientOptions,
    describe: shown,
    tls,
    redact: (text) => redactSecrets(text, secrets),
  };
}

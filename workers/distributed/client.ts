/**
 * Opening the plain Redis connection that the coordinator and the workers use
 * for blobs (BullMQ opens its own), and what to tell a user when Redis cannot
 * be used. The first connection is checked with a PING so a wrong address,
 * password or TLS setting fails at once (ioredis would otherwise retry quietly
 * for ever) as a {@link RedisUnavailableError}: the user's environment, not a
 * bug (exit 2), with the likely cause and what to do, and never a secret.
 */
import { Redis } from 'ioredis';
import { GreenwaveError } from '../../engine/errors.js';
import type { RedisConnection } from './connection.js';

/**
 * Redis cannot be reached or used (refused, unknown host, wrong password, TLS
 * mismatch, lost for too long). The message names the URL without secrets, the
 * cause and what to do.
 */
export class RedisUnavailableError extends GreenwaveError {
  override readonly name: string = 'RedisUnavailableError';
}

/** The likely cause of a Redis failure `reason` (already redacted), and what to do about it. */
export function redisAdvice(reason: string, conn: Pick<RedisConnection, 'describe' | 'tls' | 'options'>): string {
  const where = `${conn.options.host}:${conn.options.port}`;
  if (/ECONNREFUSED/.test(reason)) return `nothing accepts connections at ${where}: start Redis there, or check the host and port of the URL`;
  if (/ENOTFOUND|EAI_AGAIN/.test(reason)) return `the host "${conn.options.host}" is not known: check the URL`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(reason)) {
    return `Redis refused the password${conn.options.password === undefined && conn.options.username !== undefined ? ' (the URL has a user name but no password: write the password as redis://:PASSWORD@host)' : ''}: check it`;
  }
  if (/NOAUTH|Authentication required/i.test(reason)) {
    return `Redis requires a password: give it in the URL as redis://:PASSWORD@host (GREENWAVE_REDIS_URL keeps it off the command line)${conn.options.username !== undefined && conn.options.password === undefined ? '; the URL has a user name but no password' : ''}`;
  }
  if (/SSL|TLS|certificate|self[- ]signed|wrong version number|packet length/i.test(reason)) {
    return conn.tls
      ? 'the TLS handshake failed: if this Redis does not use TLS, use redis:// instead of rediss://; otherwise give its CA with --tls-ca'
      : 'the server expects TLS: use rediss://';
  }
  if (/ETIMEDOUT|timed? ?out|Connection is closed|ECONNRESET|EPIPE/i.test(reason)) {
    return `no usable answer from ${where}${conn.tls ? ' (if this Redis does not use TLS, use redis:// instead of rediss://)' : ' (if this Redis uses TLS, use rediss://)'}: check that Redis runs there and that a firewall lets the connection through`;
  }
  return 'check that Redis runs at the URL and accepts this client';
}

/**
 * Connect and PING. Rejects with {@link RedisUnavailableError} ("cannot use
 * Redis at <url without secrets>: <reason>; <advice>"), the reason being the
 * server's (WRONGPASS, NOAUTH ...) when it gave one. `onError` receives later
 * connection errors, redacted.
 */
export async function openRedis(conn: RedisConnection, { connectTimeoutMs = 10_000, onError }: { connectTimeoutMs?: number; onError?: (message: string) => void } = {}): Promise<Redis> {
  const redis = new Redis({ ...conn.options, lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 3 });
  let firstError: string | undefined;
  let connected = false;
  redis.on('error', (error: Error) => {
    const message = conn.redact(error.message);
    if (!connected) firstError ??= message;
    else onError?.(message);
  });
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), connectTimeoutMs + 2000, `timed out after ${(connectTimeoutMs + 2000) / 1000} s`);
    connected = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = firstError ?? conn.redact(error instanceof Error ? error.message : String(error));
    throw new RedisUnavailableError(`cannot use Redis at ${conn.describe}: ${reason}; ${redisAdvice(reason, conn)}`);
  }
}

/** `promise`, or a rejection with `message` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

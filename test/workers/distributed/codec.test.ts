/**
 * The distributed evaluator's parts that need no Redis: URL parsing and
 * redaction of secrets, the content-addressed wire format (bit-exact metrics,
 * hashes that change with every input), the `greenwave worker` option checks,
 * and that nothing about Redis is loaded unless a Redis URL is given.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../../../engine/index.js';
import { createInProcessEvaluator, type EvaluationScenario } from '../../../engine/optimise/index.js';
import { expandDemand, createRandom } from '../../../engine/index.js';
import { parseRedisUrl, redactSecrets, redactUrl } from '../../../workers/distributed/connection.js';
import {
  decodeCandidate, decodeMetrics, decodeScenario, encodeCandidate, encodeMetrics, encodeScenario, isHash, sha256, taskKey,
} from '../../../workers/distributed/codec.js';
import { main } from '../../../cli/main.js';
import { distributedCandidates, distributedScenario, plan as fixedTime } from '../../../bench/distributed-scenario.js';

const run = promisify(execFile);

describe('parseRedisUrl', () => {
  it('parseRedisUrl() reads user, password, host, port and database; defaults port 6379 and db 0', () => {
    const c = parseRedisUrl('redis://alice:p%40ss%3Aw0rd@redis.internal:6380/2');
    expect(c.options).toEqual({ host: 'redis.internal', port: 6380, db: 2, username: 'alice', password: 'p@ss:w0rd' });
    expect(c.tls).toBe(false);
    expect(c.describe).toBe('redis://alice:***@redis.internal:6380/2');
    expect(parseRedisUrl('redis://127.0.0.1').options).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://[::1]:7000').options.host).toBe('::1');
  });

  it('parseRedisUrl() turns TLS on for rediss:// and passes TLS options through', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\n...');
    const c = parseRedisUrl('rediss://:secret@cache.example.org:6380', { tls: { ca } });
    expect(c.tls).toBe(true);
    expect(c.options.tls).toEqual({ ca, servername: 'cache.example.org' });
    expect(parseRedisUrl('rediss://10.0.0.5').options.tls).toEqual({}); // no SNI for an IP address
    expect(c.describe).toBe('rediss://:***@cache.example.org:6380');
  });

  it('parseRedisUrl() rejects other schemes, bad ports and databases, queries and TLS options without rediss, never echoing the password', () => {
    const cases: Array<[string, RegExp, object?]> = [
      ['http://:hunter22@host', /scheme must be redis:\/\/ or rediss:\/\//],
      ['redis://:hunter22@host:99999', /not a valid URL|port/],
      ['redis://:hunter22@host/abc', /database must be a non-negative integer/],
      ['redis://:hunter22@host/0?tls=true', /query strings/],
      ['redis://:hunter22@host', /TLS options need a rediss:\/\/ URL/, { tls: { ca: 'x' } }],
      ['not a url hunter22', /not a valid URL/],
      ['', /empty/],
    ];
    for (const [url, message, options] of cases) {
      let error: unknown;
      try {
        parseRedisUrl(url, options);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(UsageError);
      expect((error as Error).message, url).toMatch(message);
      expect((error as Error).message, url).not.toContain('hunter22');
    }
  });

  it('redact() removes the password, raw and percent-encoded, from any text', () => {
    const c = parseRedisUrl('redis://:s%2Fe%40cret@h:1');
    expect(c.redact('AUTH s/e@cret failed for redis://:s%2Fe%40cret@h:1')).toBe('AUTH *** failed for redis://:***@h:1');
    expect(parseRedisUrl('redis://h').redact('nothing to hide')).toBe('nothing to hide');
  });

  it('redactUrl() and redactSecrets() mask passwords in URLs and text', () => {
    expect(redactUrl('redis://u:pw@h:6379/0')).toBe('redis://u:***@h:6379/0');
    expect(redactUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(redactUrl('redis://u:p w@h')).not.toContain('p w');
    expect(redactSecrets('a-secret and secret', ['secret', 'a-secret', ''])).toBe('*** and ***');
  });
});

describe('wire format', () => {
  const sc = distributedScenario();

  it('encodeScenario() round-trips the network bytes and variants (Infinity, trip tables) and hashes stably', () => {
    const trips = expandDemand(sc.network, sc.variants[0].demand as never, createRandom(3).fork('demand'));
    const withTable: EvaluationScenario = { network: sc.network, variants: [...sc.variants, { name: 'fixed', demand: trips }] };
    const bytes = encodeScenario(withTable);
    expect(sha256(bytes)).toBe(sha256(encodeScenario(withTable)));
    const back = decodeScenario(bytes);
    expect(new Uint8Array(back.network.buffer)).toEqual(new Uint8Array(sc.network.buffer));
    expect(back.network.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(back.variants[1].options?.routingInterval).toBe(Infinity);
    expect(back.variants[0]).toEqual(sc.variants[0]);
    const table = back.variants[2].demand as typeof trips;
    expect(table.depart).toBeInstanceOf(Float64Array);
    expect(table.routeOffsets).toEqual(trips.routeOffsets);
    expect(table.ids).toEqual(trips.ids);
  });

  it('encodeScenario() rejects a function in a variant (it cannot travel) with UsageError', () => {
    expect(() => encodeScenario({ network: sc.network, variants: [{ demand: sc.variants[0].demand, options: { progress: () => {} } }] }))
      .toThrow(/scenario\.variants\[0\]\.options\.progress is a function/);
  });

  it('decodeScenario() rejects bytes that are not a bundle of this version', () => {
    const bytes = encodeScenario(sc);
    expect(() => decodeScenario(bytes.subarray(0, 10))).toThrow(/too short/);
    const other = bytes.slice();
    other[4] = 99;
    expect(() => decodeScenario(other)).toThrow(/version 99/);
    other.set(bytes.subarray(0, 8));
    other[0] ^= 1;
    expect(() => decodeScenario(other)).toThrow(/magic/);
  });

  it('encodeMetrics() is bit-exact for in-process metrics, NaN and -0 included', async () => {
    const evaluator = createInProcessEvaluator(sc);
    const batch = await evaluator.evaluate({ candidates: [distributedCandidates(sc.network)[1]], seeds: [1], variants: [0], detail: 'full' });
    const m = batch.results[0].metrics;
    expect(decodeMetrics(encodeMetrics(m), sc.network)).toEqual(m);
    const odd = { ...m, network: { ...m.network, meanDelay: Number.NaN, meanStops: -0 } };
    const back = decodeMetrics(encodeMetrics(odd), sc.network);
    expect(back.network.meanDelay).toBeNaN();
    expect(Object.is(back.network.meanStops, -0)).toBe(true);
    const networkOnly = { network: m.network, endTime: m.endTime };
    expect(decodeMetrics(encodeMetrics(networkOnly), sc.network)).toEqual(networkOnly);
  });

  it('encodeCandidate() round-trips programs and plans with their control; decodeCandidate() rejects anything else', () => {
    const plan = fixedTime(sc.network, 35, 7);
    expect(decodeCandidate(encodeCandidate(plan))).toEqual(plan);
    const actuated = { programs: plan, control: { kind: 'actuated' as const, gap: 2.5 } };
    expect(decodeCandidate(encodeCandidate(actuated))).toEqual(actuated);
    expect(sha256(encodeCandidate(actuated))).not.toBe(sha256(encodeCandidate(plan)));
    expect(() => decodeCandidate(encodeScenario(sc))).toThrow();
  });

  it('encodeMetrics() carries the whole simulation result with detail all, equal to in-process', async () => {
    const evaluator = createInProcessEvaluator(sc);
    const batch = await evaluator.evaluate({ candidates: [{ programs: [], control: { kind: 'max-pressure' } }], seeds: [2], variants: [0], detail: 'all' });
    const m = batch.results[0].metrics;
    expect(m.result?.trips).toBeDefined();
    expect(decodeMetrics(encodeMetrics(m), sc.network)).toEqual(m);
  });

  it('taskKey() changes with every input a result depends on', () => {
    const s = sha256('scenario');
    const c = sha256('candidate');
    const base = taskKey(s, c, 0, 1, 'network');
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(taskKey(s, c, 0, 1, 'network')).toBe(base);
    const variants = [taskKey(sha256('other'), c, 0, 1, 'network'), taskKey(s, sha256('other'), 0, 1, 'network'), taskKey(s, c, 1, 1, 'network'), taskKey(s, c, 0, 2, 'network'), taskKey(s, c, 0, 1, 'full')];
    expect(new Set([base, ...variants]).size).toBe(6);
    expect(isHash(s)).toBe(true);
    expect(isHash('abc')).toBe(false);
  });
});

describe('greenwave worker (without Redis)', () => {
  it('main(worker) exits 2 for a bad URL, a missing URL or an unreadable TLS file, without printing the password', async () => {
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { writes.push(String(chunk)); return true; }) as typeof process.stderr.write;
    const saved = process.env.GREENWAVE_REDIS_URL;
    delete process.env.GREENWAVE_REDIS_URL;
    try {
      expect(await main(['node', 'greenwave', 'worker', '--redis', 'http://:hunter22@h'])).toBe(2);
      expect(await main(['node', 'greenwave', 'worker'])).toBe(2);
      expect(await main(['node', 'greenwave', 'worker', '--redis', 'rediss://:hunter22@h', '--tls-ca', '/nonexistent/ca.pem'])).toBe(2);
      expect(await main(['node', 'greenwave', 'worker', '--redis', 'redis://h', '--concurrency', '0'])).toBe(2);
    } finally {
      process.stderr.write = write;
      if (saved !== undefined) process.env.GREENWAVE_REDIS_URL = saved;
      process.exitCode = undefined;
    }
    const text = writes.join('');
    expect(text).toMatch(/scheme must be redis:\/\/ or rediss:\/\//);
    expect(text).toMatch(/GREENWAVE_REDIS_URL/);
    expect(text).toMatch(/--tls-ca: cannot read \/nonexistent\/ca\.pem: ENOENT/);
    expect(text).toMatch(/--concurrency must be an integer in \[1, 256\]/);
    expect(text).not.toContain('hunter22');
  });

  it('nothing about Redis is loaded without --redis: workers/index, evaluatorFor() with a local pool and the CLI load no bullmq or ioredis', async () => {
    // A resolve hook that throws when bullmq, ioredis or msgpackr is resolved.
    const hook = `export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (/node_modules\\/(bullmq|ioredis|msgpackr)\\//.test(r.url)) throw new Error('REDIS CLIENT LOADED: ' + r.url);
      return r;
    }`;
    const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const local = `
      const { evaluatorFor } = await import('./workers/index.ts');
      const { program } = await import('./cli/main.ts');
      const { compile, corridor } = await import('./engine/index.ts');
      const ev = await evaluatorFor({ network: compile(corridor(2, 200)), variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.1, begin: 0, end: 300 }] } }] }, { workers: 1 });
      const b = await ev.evaluate({ candidates: [[]], seeds: [1] });
      await ev.close();
      program();
      console.log('arrived', b.results[0].metrics.network.arrived);`;
    const args = (script: string) => ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args(local), { cwd: process.cwd() });
    expect(stdout).toMatch(/arrived 30/);
    // The hook does catch them: importing the distributed module fails under it.
    const remote = `await import('./workers/distributed/index.ts');`;
    await expect(run(process.execPath, args(remote), { cwd: process.cwd() })).rejects.toThrow(/REDIS CLIENT LOADED: .*node_modules\/(bullmq|ioredis|msgpackr)\//);
  });
});

/**
 * The distributed evaluator end to end: a real redis-server (with a password) on
 * 127.0.0.1, `greenwave worker` processes, and a coordinator. Checks that a
 * worker SIGKILLed mid-batch loses nothing and every task arrives exactly once
 * with the in-process and local-pool results; that a restarted coordinator
 * resumes without re-running finished tasks; that a task failing on every
 * attempt is reported with its candidate and seed; that a slow worker's late
 * result is dropped; that workers refuse scenarios they cannot verify; and that
 * the password appears in no output.
 *
 * Skips (with the reason in the suite name) when redis-server is not installed
 * and cannot be installed (see test/fixtures/redis-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createInProcessEvaluator, type BatchResult, type EvaluationRequest, type EvaluationScenario } from '../../../engine/optimise/index.js';
import { createPoolEvaluator } from '../../../workers/index.js';
import { createQueueEvaluator, evaluatorFor, type QueueEvaluator } from '../../../workers/distributed/index.js';
import { blobKey, bullJobId } from '../../../workers/distributed/protocol.js';
import { encodeScenario, sha256, taskKey } from '../../../workers/distributed/codec.js';
import { finishedByPolling } from '../../../workers/distributed/finished.js';
import { redisServerAvailable, startRedis, type RunningRedis } from '../../../bench/redis-server.js';
import { distributedCandidates, distributedScenario, plan as fixedTime } from '../../../bench/distributed-scenario.js';
import { greenwaveArgs } from '../../fixtures/cli.js';

const availability = redisServerAvailable();
if (availability.reason !== undefined) console.warn(`distributed-queue tests skipped: ${availability.reason}`);

/** Password with characters that need percent-encoding in a URL. */
const PASSWORD = 'gw-S3cret:p@ss/word';
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD)];

/** A child process whose output is collected and can be waited on. */
interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, count?: number, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
const allOutput: Array<() => string> = [];
const coordinatorLog: string[] = [];

/** Node's arguments for a TypeScript fixture. */
const TSX = ['--import', 'tsx'];

/** Start `node ...args`. */
function launch(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    text += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: Proc = {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, count = 1, timeoutMs = 600_000) => new Promise<void>((resolve, reject) => {
      const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
      const check = (): boolean => (text.match(global)?.length ?? 0) >= count;
      if (check()) return resolve();
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`timed out waiting for ${pattern} x${count}; output:\n${text}`));
      }, timeoutMs);
      const listener = (): void => {
        if (check()) {
          clearTimeout(timer);
          listeners.delete(listener);
          resolve();
        }
      };
      listeners.add(listener);
      void exited.then(() => {
        if (!check()) {
          clearTimeout(timer);
          listeners.delete(listener);
          reject(new Error(`process exited before ${pattern} x${count}; output:\n${text}`));
        }
      });
    }),
  };
  procs.push(proc);
  allOutput.push(proc.output);
  return proc;
}

function cliWorker(url: string, queue: string, stallTimeoutS: number): Proc {
  return launch(greenwaveArgs('worker', '--concurrency', '1', '--queue', queue, '--stall-timeout', String(stallTimeoutS), '--verbose'), { GREENWAVE_REDIS_URL: url });
}

/** The deterministic part of a batch: task refs and metrics (no timings, no attempt counts). */
function comparable(batch: BatchResult): unknown {
  return {
    results: batch.results.map(({ task, candidate, variant, seed, metrics }) => ({ task, candidate, variant, seed, metrics })),
    failures: batch.failures.map(({ task, candidate, variant, seed, error }) => ({ task, candidate, variant, seed, kind: error.kind, name: error.name })),
    notRun: batch.notRun,
  };
}

describe.skipIf(availability.path === undefined)(`distributed evaluator on a real redis-server${availability.reason ? ` (SKIPPED: ${availability.reason})` : ''}`, () => {
  const sc: EvaluationScenario = distributedScenario();
  const candidates = distributedCandidates(sc.network);
  const request: EvaluationRequest = { candidates, seeds: [1, 2], detail: 'full' };
  let redis: RunningRedis;
  let url: string;
  let reference: BatchResult;
  let queued: BatchResult | undefined;
  let replacement: Proc | undefined;
  let faulty: Proc[] = [];
  const log = (line: string): void => { coordinatorLog.push(line); };
  /** Fault-injecting workers on their own queue: a pool thread exits on every run of seed 3; after the first run of seed 2 the main thread blocks 3 s. */
  const faultEnv = (): Record<string, string> => ({
    GREENWAVE_REDIS_URL: url, GW_QUEUE: 'faults', GW_STALL_TIMEOUT_S: '1', GW_FAULTS: JSON.stringify({ exitSeeds: [3], stallSeed: 2, stallMs: 3000 }),
  });

  beforeAll(async () => {
    redis = await startRedis(availability.path!, { password: PASSWORD });
    url = redis.url;
    const workers = [cliWorker(url, 'main', 2), cliWorker(url, 'main', 2)];
    faulty = [launch(TSX.concat('test/fixtures/distributed-worker.ts'), faultEnv()), launch(TSX.concat('test/fixtures/distributed-worker.ts'), faultEnv())];
    const inProcess = createInProcessEvaluator(sc);
    reference = await inProcess.evaluate(request);
    await inProcess.close();
    await Promise.all(workers.map((w) => w.waitFor(/ready: queue "main"/)));
    await Promise.all(faulty.map((w) => w.waitFor(/ready: queue "faults"/)));
  });

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await redis?.stop();
  });

  it('evaluate() loses nothing when a worker is SIGKILLed mid-batch: each task once, results identical to in-process', async () => {
    const [victim, survivor] = procs;
    const evaluator = await createQueueEvaluator(sc, { redis: url, queue: 'main', jobId: 'sigkill', log });
    expect(evaluator.concurrency).toBe(2); // two workers announced one thread each
    const seen: number[] = [];
    // Kill the victim as soon as it starts its second task: that task is mid-run.
    const killed = victim.waitFor(/: started \(attempt/, 2).then(() => victim.child.kill('SIGKILL'));
    const batch = await evaluator.evaluate(request, { onProgress: (e) => seen.push(e.outcome.task) });
    await killed;
    expect(await victim.exited).toBe(null); // killed by a signal
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: batch.total }, (_, i) => i)); // exactly once each
    expect(batch.total).toBe(12);
    expect(batch.failures).toEqual([]);
    expect(batch.notRun).toEqual([]);
    expect(comparable(batch)).toEqual(comparable(reference));
    // The task the victim held was run again by the survivor after the stall timeout.
    const rerun = batch.results.filter((r) => r.attempts >= 2);
    expect(rerun.length).toBeGreaterThanOrEqual(1);
    expect(survivor.output()).toMatch(/stalled|attempt 2/);
    expect(evaluator.stats).toMatchObject({ enqueued: 12, duplicates: 0 });
    expect(await evaluator.close()).toMatchObject({ completed: 12, failed: 0, cancelled: 0 });
    queued = batch;
    replacement = cliWorker(url, 'main', 2); // back to two workers for the next tests
  });

  it('evaluate() gives the local pool\'s results for the same seeds', async () => {
    const pool = createPoolEvaluator(sc, { threads: 2 });
    const local = await pool.evaluate(request);
    await pool.close();
    expect(queued).toBeDefined();
    expect(comparable(queued!)).toEqual(comparable(local));
    expect(queued!.results[0].metrics.links?.meanTravelTime).toBeInstanceOf(Float64Array);
  });

  it('a coordinator restarted with the same jobId resumes: finished tasks are not run again', async () => {
    await replacement?.waitFor(/ready: queue "main"/);
    const env = { GREENWAVE_REDIS_URL: url, GW_JOB_ID: 'restart', GW_QUEUE: 'main', GW_SEEDS: '1,2', GW_DETAIL: 'full' };
    const first = launch(TSX.concat('test/fixtures/distributed-coordinator.ts'), env);
    await first.waitFor(/progress 3\n/);
    first.child.kill('SIGKILL');
    await first.exited;
    const again = await createQueueEvaluator(sc, { redis: url, queue: 'main', jobId: 'restart', log });
    const batch = await again.evaluate(request);
    await again.close();
    expect(batch.results).toHaveLength(12);
    expect(batch.failures).toEqual([]);
    expect(again.stats.resumed).toBeGreaterThanOrEqual(3);
    expect(again.stats.resumed + again.stats.adopted + again.stats.enqueued).toBe(12);
    // Each task of the job was started exactly once on the workers.
    const starts = procs.map((p) => p.output().match(/task restart\.[0-9a-f]{32} \(candidate \d+, variant \d+, seed \d+\): started/g) ?? []).flat();
    expect(starts).toHaveLength(12);
    expect(new Set(starts).size).toBe(12);
    expect(batch.results.every((r) => r.attempts === 1)).toBe(true);
    expect(comparable(batch)).toEqual(comparable(reference));
  });

  it('evaluate() reports a task that fails on every attempt with its candidate and seed; a slow worker\'s late result is dropped', async () => {
    const evaluator = await createQueueEvaluator(sc, { redis: url, queue: 'faults', jobId: 'faults', attempts: 2, backoffMs: 100, log });
    const seen: number[] = [];
    const batch = await evaluator.evaluate({ candidates: [candidates[1]], seeds: [1, 2, 3], variants: [0], detail: 'full' }, { onProgress: (e) => seen.push(e.outcome.task) });
    expect(seen.sort()).toEqual([0, 1, 2]);
    expect(batch.failures.map((f) => ({ candidate: f.candidate, variant: f.variant, seed: f.seed, kind: f.error.kind, attempts: f.attempts }))).toEqual([
      { candidate: 0, variant: 0, seed: 3, kind: 'worker', attempts: 2 },
    ]);
    expect(batch.failures[0].error.message).toMatch(/simulation thread died/);
    expect(coordinatorLog.join('\n')).toMatch(/candidate 0, variant 0, seed 3\) failed after 2 run\(s\)/);
    // Seed 2: its first worker stalled after the run, its lock expired and another run finished it.
    const slow = batch.results.find((r) => r.seed === 2)!;
    expect(slow.attempts).toBe(2);
    const expected = reference.results.filter((r) => r.candidate === 1 && r.variant === 0);
    expect(batch.results.map((r) => r.metrics)).toEqual(expected.map((r) => r.metrics));
    // The late result reached BullMQ, was refused there (lock lost) and never reached the coordinator.
    await Promise.race(faulty.map((w) => w.waitFor(/late result dropped/)));
    expect(evaluator.stats.duplicates).toBe(0);
    expect(await evaluator.close()).toMatchObject({ completed: 2, failed: 1 });
    for (const w of faulty) w.child.kill('SIGTERM');
    await Promise.all(faulty.map((w) => w.exited));
  });

  it('workers refuse a task whose scenario does not verify or is unknown, and the coordinator reports it', async () => {
    // A scenario no worker has cached yet; its published bytes are then replaced.
    const other: EvaluationScenario = { network: sc.network, variants: [{ demand: sc.variants[0].demand, options: { end: 4000 } }] };
    const evaluator = await createQueueEvaluator(other, { redis: url, queue: 'main', jobId: 'tampered', log });
    const client = new Redis(redis.port, '127.0.0.1', { password: PASSWORD });
    const tampered = encodeScenario({ network: sc.network, variants: [{ demand: sc.variants[0].demand, options: { end: 3000 } }] });
    await client.set(blobKey('greenwave', 'scenario', evaluator.scenarioHash), Buffer.from(tampered));
    const batch = await evaluator.evaluate({ candidates: [[]], seeds: [1, 2] });
    expect(batch.results).toEqual([]);
    expect(batch.failures.map((f) => [f.candidate, f.seed, f.error.name, f.error.kind])).toEqual([[0, 1, 'TaskRefused', 'error'], [0, 2, 'TaskRefused', 'error']]);
    expect(batch.failures[0].error.message).toMatch(new RegExp(`refused: scenario ${evaluator.scenarioHash} cannot be verified`));
    await evaluator.close();
    // A task naming a hash never published.
    const queue = new Queue('main', { connection: { port: redis.port, host: '127.0.0.1', password: PASSWORD }, prefix: 'greenwave' });
    const unknown = sha256('never published');
    const key = taskKey(unknown, unknown, 0, 1, 'network');
    const job = await queue.add('simulate', { job: 'rogue', key, scenario: unknown, candidate: unknown, variant: 0, seed: 1, detail: 'network', label: { candidate: 0, task: 0 } }, { jobId: bullJobId('rogue', key), attempts: 3 });
    // Its state is read from Redis: a QueueEvents opened after the add can miss a refusal that comes at once (see finished.ts).
    const refused = await finishedByPolling(queue, job.id!, 50, new AbortController().signal).then(() => undefined, (e: unknown) => e as Error);
    expect(refused?.message).toMatch(/refused: scenario [0-9a-f]{64} is not published/);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1); // refused: not retried
    await queue.close();
    client.disconnect();
  });

  it('evaluatorFor() picks the queue with a Redis URL (one queued task for a plan given twice; actuated plans with detail all) and the local pool without', async () => {
    const remote = await evaluatorFor(sc, { redis: url, queue: 'main', jobId: 'select' }) as QueueEvaluator;
    const seen: number[] = [];
    expect(remote.jobId).toBe('select');
    expect(remote.connection).toBe(`redis://:***@127.0.0.1:${redis.port}`);
    // The same plan twice in a batch: one task on the queue, recorded under both task indices.
    const twice = await remote.evaluate({ candidates: [[], []], seeds: [1], variants: [0] }, { onProgress: (e) => seen.push(e.outcome.task) });
    expect(seen.sort()).toEqual([0, 1]);
    expect(twice.results.map((r) => [r.task, r.candidate])).toEqual([[0, 0], [1, 1]]);
    expect(twice.results[1].metrics.network).toEqual(reference.results[0].metrics.network);
    expect(twice.results[0].metrics).toEqual(twice.results[1].metrics);
    expect((remote as QueueEvaluator).stats).toMatchObject({ enqueued: 1, duplicates: 0 });
    // An actuated plan with the whole simulation result (what a CLI writes its files from).
    const all: EvaluationRequest = { candidates: [{ programs: fixedTime(sc.network, 20, 0), control: { kind: 'actuated' } }], seeds: [1], variants: [0], detail: 'all' };
    const inProcess = createInProcessEvaluator(sc);
    const expected = await inProcess.evaluate(all);
    const got = await remote.evaluate(all);
    expect(got.results[0].metrics.result?.trips).toBeDefined();
    expect(got.results[0].metrics).toEqual(expected.results[0].metrics);
    await remote.close();
    const local = await evaluatorFor(sc, { workers: 1 });
    expect('pool' in local).toBe(true);
    await local.close();
    await expect(evaluatorFor(sc, { redis: url, workers: 2 })).rejects.toThrow(/--concurrency/);
  });

  it('a wrong password is reported without the password, by the library and by greenwave worker (exit 2: the environment, not a bug)', async () => {
    const wrong = 'wrong-Pa55word!';
    const badUrl = `redis://:${encodeURIComponent(wrong)}@127.0.0.1:${redis.port}`;
    const error = await createQueueEvaluator(sc, { redis: badUrl }).then(() => new Error('connected'), (e: unknown) => e as Error);
    expect(error.message).toMatch(/WRONGPASS|invalid|auth/i);
    expect(error.message).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(encodeURIComponent(wrong));
    const cli = launch(greenwaveArgs('worker', '--redis', badUrl, '--concurrency', '1'), {});
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(cli.output()).not.toContain(wrong);
    expect(cli.output()).not.toContain(encodeURIComponent(wrong));
  });

  it('no worker output and no coordinator log line contains the password', async () => {
    // Stop the CLI workers cleanly so their shutdown lines are included too.
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    const text = [...allOutput.map((o) => o()), ...coordinatorLog].join('\n');
    expect(text).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1/); // the URL was logged, masked
    expect(text).toMatch(/stopped: \d+ task\(s\) done/);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

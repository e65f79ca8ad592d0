/**
 * The worker pool and its Evaluator: determinism across worker counts and
 * in-process, faults (throwing tasks, dying workers, out of memory), cancellation,
 * backpressure, resources sent once per worker, and close().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compile, grid, defaultProgram, programToSpec, UsageError, type CompiledNetwork, type SignalProgramSpec } from '../../engine/index.js';
import { CONTROL_CODE } from '../../engine/network/index.js';
import { createInProcessEvaluator, type BatchResult, type Candidate, type EvaluationScenario, type EvaluationResult } from '../../engine/optimise/index.js';
import { SimulationPool, createPoolEvaluator, type FaultContext } from '../../workers/index.js';

/** A 4x4 signalised grid with edge stubs; OD demand between the stubs, ~900 trips in 20 min. */
function scenario(): EvaluationScenario {
  const net = compile(grid(4, 4, { spacing: 200, attachLength: 150, drivingSide: 'left', signals: 'intersections' }));
  const zones: string[] = [];
  for (let j = 0; j < net.junctionCount; j++) if (!/^r\d+c\d+$/.test(net.junctionKey(j))) zones.push(net.junctionKey(j));
  const perPair = 2700 / (zones.length * (zones.length - 1));
  return {
    network: net,
    variants: [
      { demand: { od: [{ zones, trips: zones.map((_, o) => zones.map((__, d) => (o === d ? 0 : perPair))), begin: 0, end: 1200 }] }, options: { end: 3600 } },
      { name: 'heavier', demand: { od: [{ zones, trips: zones.map((_, o) => zones.map((__, d) => (o === d ? 0 : 1.5 * perPair))), begin: 0, end: 1200 }] }, options: { end: 3600 } },
    ],
  };
}

/** Fixed-time plans on every signal with the given green and offset step. */
function plan(net: CompiledNetwork, green: number, offsetStep: number): SignalProgramSpec[] {
  const specs: SignalProgramSpec[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.junctionControl[j] !== CONTROL_CODE.signal) continue;
    specs.push(programToSpec(net, defaultProgram(net, j, { green, offset: (j * offsetStep) % (2 * green + 10) })));
  }
  return specs;
}

/** The deterministic part of a batch: task refs and metrics (no timings, no attempt counts). */
function comparable(batch: BatchResult): unknown {
  return {
    results: batch.results.map(({ task, candidate, variant, seed, metrics }) => ({ task, candidate, variant, seed, metrics })),
    failures: batch.failures.map(({ task, candidate, variant, seed, error }) => ({ task, candidate, variant, seed, kind: error.kind, name: error.name, path: error.path })),
    notRun: batch.notRun,
  };
}

/** Every task exactly once across results, failures and notRun. */
function expectEachTaskOnce(batch: BatchResult): void {
  const seen = [...batch.results, ...batch.failures, ...batch.notRun].map((r) => r.task).sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: batch.total }, (_, i) => i));
}

const sc = scenario();
const candidates: Candidate[] = [[], plan(sc.network, 20, 0), plan(sc.network, 35, 7)];
const seeds = [1, 2, 3];
let reference: BatchResult;

beforeAll(async () => {
  const inProcess = createInProcessEvaluator(sc);
  reference = await inProcess.evaluate({ candidates, seeds, detail: 'full' });
  await inProcess.close();
});

describe('createPoolEvaluator', () => {
  it('evaluate() returns the in-process results, task for task, with 1, 2 and 4 workers', async () => {
    expect(reference.results).toHaveLength(candidates.length * 2 * seeds.length);
    expect(reference.failures).toEqual([]);
    for (const threads of [1, 2, 4]) {
      const evaluator = createPoolEvaluator(sc, { threads });
      const batch = await evaluator.evaluate({ candidates, seeds, detail: 'full' });
      expect(comparable(batch)).toEqual(comparable(reference));
      expect(batch.results[0].metrics.links?.entered).toBeInstanceOf(Int32Array);
      expect(batch.results[0].metrics.junctions?.levelOfService).toEqual(reference.results[0].metrics.junctions?.levelOfService);
      const report = await evaluator.close();
      expect(report).toEqual({ completed: batch.total, failed: 0, cancelled: 0, retried: 0 });
      // Each worker got the network and each demand at most once.
      expect(evaluator.pool.stats.networksSent).toBeLessThanOrEqual(threads);
      expect(evaluator.pool.stats.demandsSent).toBeLessThanOrEqual(threads * 2);
    }
  });

  it('evaluate() keeps common random numbers: same seed, same demand across candidates', () => {
    const bySeed = (c: number, v: number, s: number): EvaluationResult => reference.results.find((r) => r.candidate === c && r.variant === v && r.seed === s)!;
    expect(bySeed(0, 0, 1).metrics.network.trips).toBe(bySeed(2, 0, 1).metrics.network.trips);
    expect(bySeed(0, 0, 1).metrics.network.trips).not.toBe(bySeed(0, 0, 2).metrics.network.trips);
  });

  it('evaluate() reports throwing tasks and dead workers with their candidate and seed, and loses nothing', async () => {
    const faults = ({ candidate, variant, seed, attempt }: FaultContext) => {
      if (variant !== 0) return undefined;
      if (candidate === 1 && seed === 2 && attempt === 0) return 'exit' as const; // dies once, retried
      if (candidate === 2 && seed === 1) return 'exit' as const; // dies every time: reported after one retry
      if (candidate === 0 && seed === 3) return 'throw' as const;
      return undefined;
    };
    const bad: Candidate = [{ junction: 'nowhere', phases: [{ green: [], duration: 30 }] }];
    const evaluator = createPoolEvaluator(sc, { threads: 2, faults });
    const progress: number[] = [];
    const batch = await evaluator.evaluate({ candidates: [...candidates, bad], seeds, variants: [0] }, { onProgress: (e) => progress.push(e.done) });
    expectEachTaskOnce(batch);
    expect(progress).toEqual(Array.from({ length: batch.total }, (_, i) => i + 1));
    const failures = batch.failures.map((f) => ({ candidate: f.candidate, seed: f.seed, kind: f.error.kind, name: f.error.name, attempts: f.attempts }));
    expect(failures).toEqual([
      { candidate: 0, seed: 3, kind: 'error', name: 'Error', attempts: 1 },
      { candidate: 2, seed: 1, kind: 'worker', name: 'Error', attempts: 2 },
      { candidate: 3, seed: 1, kind: 'error', name: 'InputError', attempts: 1 },
      { candidate: 3, seed: 2, kind: 'error', name: 'InputError', attempts: 1 },
      { candidate: 3, seed: 3, kind: 'error', name: 'InputError', attempts: 1 },
    ]);
    expect(batch.failures[1].error.message).toMatch(/exited with code: 1/);
    expect(batch.failures[2].error.path).toBe('programs[0].junction');
    const retried = batch.results.find((r) => r.candidate === 1 && r.seed === 2)!;
    expect(retried.attempts).toBe(2);
    // Every success equals the in-process result of the same task.
    for (const r of batch.results) {
      const ref = reference.results.find((x) => x.candidate === r.candidate && x.variant === r.variant && x.seed === r.seed)!;
      expect(r.metrics.network).toEqual(ref.metrics.network);
    }
    expect(evaluator.pool.stats).toMatchObject({ workerDeaths: 3, retried: 2 });
    expect(await evaluator.close()).toEqual({ completed: 7, failed: 5, cancelled: 0, retried: 2 });
  });

  it('evaluate() survives a worker running out of memory', async () => {
    const evaluator = createPoolEvaluator(sc, {
      threads: 2,
      resourceLimits: { maxOldGenerationSizeMb: 128 },
      faults: ({ candidate, seed }) => (candidate === 1 && seed === 1 ? 'oom' : undefined),
    });
    const batch = await evaluator.evaluate({ candidates: candidates.slice(0, 2), seeds: [1, 2], variants: [0] });
    expectEachTaskOnce(batch);
    expect(batch.failures.map((f) => [f.candidate, f.seed, f.error.kind, f.attempts])).toEqual([[1, 1, 'worker', 2]]);
    expect(batch.failures[0].error.message).toMatch(/memory/i);
    expect(batch.results).toHaveLength(3);
    await evaluator.close();
  });

  it('evaluate() stops on abort, resolves with what finished, and the pool goes on', async () => {
    const evaluator = createPoolEvaluator(sc, { threads: 2 });
    const controller = new AbortController();
    const batch = await evaluator.evaluate({ candidates, seeds: [1, 2, 3, 4] }, {
      signal: controller.signal,
      onProgress: (e) => { if (e.done === 3) controller.abort(); },
    });
    expect(batch.aborted).toBe(true);
    expect(batch.results.length).toBeGreaterThanOrEqual(3);
    expect(batch.notRun.length).toBeGreaterThan(0);
    expectEachTaskOnce(batch);
    expect(evaluator.pool.stats.inFlight).toBe(0);
    const again = await evaluator.evaluate({ candidates: [[]], seeds: [1], variants: [0] });
    expect(again.results[0].metrics.network).toEqual(reference.results[0].metrics.network);
    await evaluator.close();
  });

  it('evaluate() never hands out more than maxInFlight tasks', async () => {
    const evaluator = createPoolEvaluator(sc, { threads: 2 });
    expect(evaluator.pool.maxInFlight).toBe(4);
    let most = 0;
    await evaluator.evaluate({ candidates, seeds: [1, 2] }, { onProgress: () => { most = Math.max(most, evaluator.pool.stats.inFlight); } });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    await evaluator.close();
  });

  it('close() during a batch cancels the rest, and evaluate() then rejects', async () => {
    const evaluator = createPoolEvaluator(sc, { threads: 2 });
    let closing: Promise<unknown> | undefined;
    const batch = await evaluator.evaluate({ candidates, seeds: [1, 2, 3, 4] }, { onProgress: (e) => { if (e.done === 2) closing ??= evaluator.close(); } });
    const report = await closing;
    expect(batch.aborted).toBe(true);
    expectEachTaskOnce(batch);
    expect(report).toMatchObject({ completed: batch.results.length, failed: 0, cancelled: batch.notRun.length });
    await expect(evaluator.evaluate({ candidates, seeds })).rejects.toBeInstanceOf(UsageError);
  });

  it('evaluate() rejects a malformed request with UsageError', async () => {
    const evaluator = createInProcessEvaluator(sc);
    await expect(evaluator.evaluate({ candidates, seeds: [1.5] })).rejects.toBeInstanceOf(UsageError);
    await expect(evaluator.evaluate({ candidates, seeds, variants: [2] })).rejects.toThrow(/variants\[0\]/);
    await evaluator.close();
  });
});

describe('SimulationPool', () => {
  let pool: SimulationPool;
  let network: string;
  let demand: string;
  afterAll(async () => { await pool.close(); });

  it('run() queues beyond maxInFlight and close() waits for running tasks', async () => {
    pool = new SimulationPool({ threads: 2, maxInFlight: 2 });
    network = pool.addNetwork(sc.network);
    expect(pool.addNetwork(sc.network)).toBe(network);
    demand = pool.addDemand(network, sc.variants[0].demand);
    const runs = [1, 2, 3, 4, 5].map((seed) => pool.run({ network, demand, programs: [], seed, options: { end: 3600 } }));
    expect(pool.stats.inFlight).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(pool.stats.inFlight).toBe(2);
    expect(pool.stats.waiting).toBe(3);
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const first = outcomes[0];
    expect(first.status === 'ok' && first.metrics.network).toEqual(reference.results[0].metrics.network);
  });

  it('run() rejects unknown keys with UsageError', async () => {
    await expect(pool.run({ network, demand: 'd99', programs: [], seed: 1 })).rejects.toBeInstanceOf(UsageError);
    expect(() => pool.addDemand('n99', {})).toThrow(UsageError);
  });

  it('close() reports totals; later runs are cancelled', async () => {
    const pending = [1, 2, 3, 4].map((seed) => pool.run({ network, demand, programs: [], seed, options: { end: 3600 } }));
    const report = await pool.close(); // the first two have slots, the others wait
    const statuses = (await Promise.all(pending)).map((o) => o.status);
    expect(statuses.slice(0, 2)).toEqual(['ok', 'ok']); // running: finished
    expect(statuses.slice(2)).toEqual(['cancelled', 'cancelled']); // waiting: cancelled
    expect(report).toMatchObject({ completed: 7, cancelled: 2, inFlight: 0, waiting: 0, forced: false });
    expect((await pool.run({ network, demand, programs: [], seed: 1 })).status).toBe('cancelled');
  });
});

describe('the built worker entry (dist/)', () => {
  it.skipIf(!existsSync('dist/workers/index.js'))('runs a batch from dist/ with plain node', async () => {
    const script = `
      import { compile, corridor } from './dist/engine/index.js';
      import { createPoolEvaluator } from './dist/workers/index.js';
      const net = compile(corridor(3, 300));
      const ev = createPoolEvaluator({ network: net, variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.2, begin: 0, end: 600 }] } }] }, { threads: 2 });
      const b = await ev.evaluate({ candidates: [[]], seeds: [1, 2] });
      await ev.close();
      console.log(JSON.stringify(b.results.map((r) => r.metrics.network.arrived)));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).toEqual([120, 120]);
  });
});

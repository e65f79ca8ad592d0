/**
 * Worker-pool benchmark: the Piscina pool against the same replications run
 * in-process one after another, interleaved in the same process.
 *
 *   npm run bench:pool                 full run, table, bench/results/pool.json
 *   npm run bench:pool -- --ci         lighter replications; exits 1 when a gate fails
 *   npm run bench:pool -- --threads 4 --replications 16
 *   greenwave bench pool [--ci]
 *
 * Wall-clock speed-up on a 2-core machine says more about the other processes
 * than about the pool (it falls towards 1 as soon as one of them takes a
 * core), so it is reported, not gated. The gates measure what the pool itself
 * does, and none of them moves with the machine's load:
 *  - busy threads: sum over the pool's tasks of their run time inside the worker
 *    / (wall time of the batch x threads). A pool that ran its tasks one at a time,
 *    or left threads idle between tasks, scores 1/threads; measured about 0.95.
 *    The floor is 0.75 (half the measured value would not tell a serial pool apart).
 *  - CPU cost: in-process CPU time / pool CPU time (process CPU time counts
 *    every thread) for the same replications: what the pool spends beyond the
 *    simulations (threads, messages, copies), as a ratio; floor about half.
 *  - tiny tasks: the same CPU ratio on ~1 ms corridor runs, where the pool's
 *    per-task cost dominates; floor about half.
 *  - results identical in-process and on the pool (a check).
 * Replications: a 30x30 signalised grid (200 m links, 2 lanes, 13.89 m/s, 90 s
 * cycles of 42 s green + 3 s yellow, as in bench/sim.ts), random junction-to-
 * junction Poisson flows of 15 veh/h (3,000 flows, ~45,000 trips an hour; in CI
 * mode a 15x15 grid with 400 flows), routes at departure, different trips for
 * every seed. Full mode
 * also times bare `worker_threads` (pool-bare.ts): the machine's ceiling.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CompiledNetwork, compile, grid, corridor, createRandom, defaultProgram, programToSpec, type SignalProgramSpec } from '../engine/index.js';
import { createInProcessEvaluator, type BatchResult, type EvaluationScenario, type Evaluator } from '../engine/optimise/index.js';
import { createPoolEvaluator } from '../workers/index.js';
import { median, ms, runIfMain, times, type BenchContext, type Benchmark, type Side } from './harness.js';
import { bareThreads } from './pool-bare.js';

/** Gates (see the header). */
export const POOL_FLOORS = { busyThreads: 0.75, cpuCost: 0.5, tinyCpuCost: 0.25 };

function heavyScenario(size: number, flows: number): { scenario: EvaluationScenario; plan: SignalProgramSpec[] } {
  const net = compile(grid(size, size, { spacing: 200, lanes: 2, speed: 13.89, signals: 'all' }));
  const pick = createRandom(30);
  const list = [];
  for (let i = 0; i < flows; i++) {
    const o = pick.int(net.junctionCount);
    let d = pick.int(net.junctionCount);
    while (d === o) d = pick.int(net.junctionCount);
    list.push({ from: net.junctionKey(o), to: net.junctionKey(d), rate: 15 / 3600, begin: 0, end: 3600, arrivals: 'poisson' as const });
  }
  return {
    scenario: { network: net, variants: [{ name: `${size}x${size}, ${flows} flows`, demand: { flows: list }, options: { end: 3 * 3600, routingInterval: Infinity } }] },
    plan: programsFor(net),
  };
}

function programsFor(net: CompiledNetwork): SignalProgramSpec[] {
  const specs: SignalProgramSpec[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.junctionControl[j] === 2) specs.push(programToSpec(net, defaultProgram(net, j, { green: 42, yellow: 3, allRed: 0 })));
  }
  return specs;
}

function tinyScenario(): EvaluationScenario {
  const net = compile(corridor(3, 200));
  return { network: net, variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.02, begin: 0, end: 1000 }] }, options: { end: 1800 } }] };
}

function deterministic(batch: BatchResult): string {
  return JSON.stringify(batch.results.map((r) => [r.task, r.metrics.network, r.metrics.endTime]));
}

/** An evaluator as a comparison side; `busy` collects each batch's busy-thread share (after the warm-up call). */
function evaluatorSide(name: string, evaluator: Evaluator, request: Parameters<Evaluator['evaluate']>[0], threads: number, sink: { batches: BatchResult[]; busy: number[] }): Side {
  return {
    name,
    run: async () => {
      const t0 = performance.now();
      const batch = await evaluator.evaluate(request);
      const wall = performance.now() - t0;
      if (batch.failures.length > 0 || batch.results.length !== batch.total) throw new Error(`benchmark batch failed on ${name}: ${JSON.stringify(batch.failures[0]?.error)}`);
      sink.batches.push(batch);
      sink.busy.push(batch.results.reduce((s, r) => s + r.elapsedMs, 0) / (wall * threads));
      return batch.results.length;
    },
  };
}

async function run(ctx: BenchContext): Promise<void> {
  const threads = ctx.args.threads !== undefined ? Number(ctx.args.threads) : Math.min(os.availableParallelism(), 4);
  const replications = ctx.args.replications !== undefined ? Number(ctx.args.replications) : ctx.ci ? 4 : 8;
  ctx.data.threads = threads;
  ctx.data.replications = replications;
  let identical = true;

  // ---- tiny tasks: the pool's per-task cost, in CPU time ------------------------------
  const tinyTasks = ctx.ci ? 200 : 1000;
  const tiny = tinyScenario();
  const tinyRequest = { candidates: [[] as SignalProgramSpec[]], seeds: Array.from({ length: tinyTasks }, (_, i) => i + 1) };
  const tinyIn = createInProcessEvaluator(tiny, { tripCacheSize: 1 });
  const tinyPool = createPoolEvaluator(tiny, { threads: 1, tripCacheSize: 1 });
  const tinyRuns = { in: { batches: [] as BatchResult[], busy: [] as number[] }, pool: { batches: [] as BatchResult[], busy: [] as number[] } };
  try {
    const c = await ctx.compare(`${tinyTasks} tiny corridor tasks`,
      { ...evaluatorSide('pool, 1 thread', tinyPool, tinyRequest, 1, tinyRuns.pool), ops: tinyTasks },
      { ...evaluatorSide('in-process', tinyIn, tinyRequest, 1, tinyRuns.in), ops: tinyTasks },
      { warmup: 1, warmupMs: 0, minPairs: 5, maxPairs: ctx.ci ? 10 : 15, budgetMs: 30_000 });
    ctx.ratio('tiny tasks: in-process CPU / pool CPU, per task', c, { against: 'the same tasks in-process', floor: POOL_FLOORS.tinyCpuCost });
    ctx.figure('tiny tasks: pool overhead per task (wall)', c.peer.medianWallMs > 0 ? c.subject.medianWallMs - c.peer.medianWallMs : null, 'ms',
      `pool ${ms(c.subject.medianWallMs)} vs in-process ${ms(c.peer.medianWallMs)} per task, wall, load ${os.loadavg()[0].toFixed(1)}`);
    identical &&= deterministic(tinyRuns.pool.batches.at(-1)!) === deterministic(tinyRuns.in.batches.at(-1)!);
  } finally {
    await tinyIn.close();
    await tinyPool.close();
  }

  // ---- replications -------------------------------------------------------------------
  const [size, flows] = ctx.ci ? [15, 400] : [30, 3000];
  ctx.step(`replications: ${replications} x ${size}x${size} grid (${flows} flows), ${threads} threads: building`);
  const heavy = heavyScenario(size, flows);
  const seeds = Array.from({ length: replications }, (_, i) => i + 1);
  const request = { candidates: [heavy.plan], seeds };
  const inProcess = createInProcessEvaluator(heavy.scenario);
  const pool = createPoolEvaluator(heavy.scenario, { threads });
  const runs = { in: { batches: [] as BatchResult[], busy: [] as number[] }, pool: { batches: [] as BatchResult[], busy: [] as number[] } };
  try {
    await pool.evaluate({ candidates: [heavy.plan], seeds: Array.from({ length: threads }, (_, i) => 1000 + i) }); // start the threads, send the network
    const c = await ctx.compare(`${replications} replications`,
      evaluatorSide(`pool, ${threads} threads`, pool, request, threads, runs.pool),
      evaluatorSide('in-process, one after another', inProcess, request, 1, runs.in),
      { warmup: 1, warmupMs: 0, minPairs: 5, maxPairs: ctx.ci ? 6 : 9, budgetMs: ctx.ci ? 60_000 : 180_000 });
    const busy = runs.pool.busy.slice(1); // the first call was the warm-up
    ctx.limit(`replications: busy threads (task time / wall x ${threads})`, median(busy), '', {
      min: POOL_FLOORS.busyThreads, detail: `per batch: ${busy.map((b) => b.toFixed(2)).join(', ')}; a serial pool scores ${(1 / threads).toFixed(2)}`,
    });
    ctx.ratio('replications: in-process CPU / pool CPU', c, { against: 'the same replications in-process', floor: POOL_FLOORS.cpuCost });
    const runMs = c.peer.medianWallMs / replications;
    ctx.figure(`replications: wall-clock speed-up with ${threads} threads`, c.otherClockRatio, 'x',
      `in-process ${ms(c.peer.medianWallMs)}, pool ${ms(c.subject.medianWallMs)} (a run ~${ms(runMs)}); load ${os.loadavg()[0].toFixed(1)}; target >= 1.7x on a quiet 2-core machine, not gated`);
    for (const b of [...runs.pool.batches, ...runs.in.batches]) identical &&= deterministic(b) === deterministic(runs.in.batches[0]);
    ctx.figure('replications: networks sent to the workers', pool.pool.stats.networksSent, '', 'once per thread is the design');
    if (!ctx.ci) {
      const bare = await bareThreads(threads, heavy.scenario, heavy.plan);
      try {
        const cb = await ctx.compare('ceiling', { name: `bare worker_threads, ${threads}`, run: async () => { await bare.run(seeds); return seeds.length; } },
          evaluatorSide(`pool, ${threads} threads`, pool, request, threads, runs.pool), { warmup: 1, warmupMs: 0, clock: 'wall', minPairs: 3, maxPairs: 5, budgetMs: 120_000 });
        ctx.figure('replications: pool wall time / bare worker_threads wall time', 1 / cb.ratio, 'x', `bare ${ms(cb.subject.medianWallMs)}, pool ${ms(cb.peer.medianWallMs)}: what the pool costs beyond the threads (${times(1 / cb.ratio)})`);
      } finally {
        await bare.close();
      }
    }
  } finally {
    await pool.close();
    await inProcess.close();
  }
  ctx.check('results identical in-process and on the pool', identical, identical ? 'every batch bit for bit' : 'a pool batch differs from in-process');
}

/** The worker-pool benchmark. */
export const poolBenchmark: Benchmark = {
  name: 'pool',
  title: 'greenwave pool benchmark: Piscina pool vs the same replications in-process (CPU cost, busy threads; speed-up reported)',
  args: { threads: 'worker threads (default: available parallelism, at most 4)', replications: 'replications per batch (default 8; 4 with --ci)' },
  run,
};

await runIfMain(import.meta.url, poolBenchmark);

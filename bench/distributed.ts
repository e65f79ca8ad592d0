/**
 * Distributed-evaluator benchmark: throughput of the BullMQ queue with 1, 2 and
 * 4 `greenwave worker` processes (one simulation thread each) on this machine,
 * against the local Piscina pool, and the queue's per-task overhead.
 *
 *   npm run bench:distributed                       starts its own redis-server (127.0.0.1, free port)
 *   npm run bench:distributed -- --redis redis://host:6379   use a running Redis (queues "greenwave-bench-<n>")
 *   npm run bench:distributed -- --workers 1,2 --tasks 16 --tiny 100 --repetitions 1   a quick run
 *
 * Cases:
 *  - Throughput: the distributed tests' 5x5 signalised grid (bench/distributed-scenario.ts)
 *    with 2,500-3,300 OD trips (one run ~30-300 ms, with the load), 4 candidate plans x 2
 *    variants x 4 seeds = 32 tasks. Sides: the local pool with 1 thread and with
 *    `os.availableParallelism()` threads, and the queue with 1, 2 and 4 worker
 *    processes. Each group of worker processes listens on its own queue and all
 *    are started up front, so the sides take turns (order rotated every round)
 *    and a burst of load from other processes does not hit one side only. Every
 *    side is warmed up (threads started, scenario fetched, JIT warm); each queue
 *    batch runs under a fresh job id (a repeated id would be answered from Redis
 *    without running anything) and the evaluator's creation (connect, publish the
 *    scenario: once per job) is not timed. Results are checked identical on
 *    every side. "Not simulating / task" is (wall x threads - time spent in runs)
 *    / tasks: idle and overhead time per task, less sensitive to how fast the
 *    runs themselves happened to be. Worker processes beyond the cores only share
 *    them: on a 2-core machine, 4 workers show the cost of oversubscription.
 *  - Per-task overhead: tiny corridor runs (~0.5 ms). Queue wall time per task
 *    with 1 worker process minus the local pool's (1 thread): the queue's round
 *    trips (add, fetch and lock, complete, event to the coordinator) on top of the
 *    pool's, in a steady stream of tasks.
 *  - Latency: a batch of one tiny task, 15 times: the fixed cost of a batch
 *    (publish the candidate, add, fetch, complete, the completion event).
 *
 * Not part of CI (it needs redis-server and several processes); figures go to
 * bench/results/distributed.json with the load average, since on a shared
 * machine they move with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { compile, corridor, type SignalProgramSpec } from '../engine/index.js';
import { createInProcessEvaluator, type BatchResult, type Candidate, type EvaluationRequest, type EvaluationScenario, type Evaluator } from '../engine/optimise/index.js';
import { createPoolEvaluator } from '../workers/index.js';
import { createQueueEvaluator } from '../workers/distributed/index.js';
import { distributedCandidates, distributedScenario, plan } from './distributed-scenario.js';
import { machine, ms, sink, table, writeJson } from './harness.js';
import { redisServerAvailable, startRedis, type RunningRedis } from './redis-server.js';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    out: { type: 'string', default: 'bench/results/distributed.json' },
    workers: { type: 'string', default: '1,2,4' },
    tasks: { type: 'string' },
    tiny: { type: 'string', default: '400' },
    repetitions: { type: 'string', default: '3' },
  },
});
const WORKER_COUNTS = args.workers!.split(',').map(Number);
const REPETITIONS = Number(args.repetitions);
const TINY = Number(args.tiny);
const QUEUE = 'greenwave-bench';
const CORES = os.availableParallelism();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function deterministic(batch: BatchResult): string {
  return JSON.stringify(batch.results.map((r) => [r.task, r.metrics.network, r.metrics.endTime]));
}

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Start `n` `greenwave worker` processes (1 thread each) on `queue` and wait until they are ready. */
async function startWorkers(n: number, url: string, queue: string): Promise<WorkerProcess[]> {
  const started = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'worker', '--concurrency', '1', '--queue', queue], {
      env: { ...process.env, GREENWAVE_REDIS_URL: url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        if (/ready: queue/.test(text)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${text}`)));
    });
    return { child, ready, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
  });
  await Promise.all(started.map((w) => w.ready));
  return started.map(({ child, exited }) => ({ child, exited }));
}

async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

/** One side of a comparison: it runs a batch and returns it; `threads` simulate at once. */
interface Side {
  name: string;
  processes: number;
  threads: number;
  /** Runs a batch; `ms` is the time of `evaluate()` alone. */
  run: (request: EvaluationRequest) => Promise<{ batch: BatchResult; ms: number }>;
  close: () => Promise<void>;
  samples: number[];
  /** Per sample: (wall x threads - simulation time) / tasks, ms: time a thread was not simulating, per task. */
  idle: number[];
  batch?: BatchResult;
}

async function timedEvaluate(evaluator: Evaluator, request: EvaluationRequest): Promise<{ batch: BatchResult; ms: number }> {
  const t0 = performance.now();
  const batch = await evaluator.evaluate(request);
  return { batch, ms: performance.now() - t0 };
}

function poolSide(name: string, scenario: EvaluationScenario, threads: number): Side {
  const evaluator = threads === 0 ? createInProcessEvaluator(scenario) : createPoolEvaluator(scenario, { threads });
  return { name, processes: 1, threads: Math.max(1, threads), run: (r) => timedEvaluate(evaluator, r), close: async () => { await evaluator.close(); }, samples: [], idle: [] };
}

let jobs = 0;
/** The queue with `processes` single-thread workers on `queue`; each batch under a fresh job id (a repeated id would be answered from Redis). */
function queueSide(scenario: EvaluationScenario, url: string, queue: string, processes: number): Side {
  return {
    name: 'BullMQ queue',
    processes,
    threads: processes,
    async run(request) {
      const evaluator = await createQueueEvaluator(scenario, { redis: url, queue, jobId: `bench-${process.pid}-${jobs++}` });
      try {
        return await timedEvaluate(evaluator, request);
      } finally {
        await evaluator.close();
      }
    },
    close: async () => {},
    samples: [],
    idle: [],
  };
}

/** Warm every side up, then run `repetitions` rounds, rotating the order of the sides. */
async function compare(sides: Side[], request: EvaluationRequest, warm: EvaluationRequest, repetitions: number): Promise<void> {
  for (const side of sides) await side.run(warm);
  for (let rep = 0; rep < repetitions; rep++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(rep + k) % sides.length];
      const { batch, ms: wall } = await side.run(request);
      if (batch.failures.length > 0 || batch.notRun.length > 0) throw new Error(`benchmark batch failed on ${side.name}: ${JSON.stringify(batch.failures[0]?.error ?? batch.notRun[0])}`);
      sink.value += batch.results.length;
      const simulating = batch.results.reduce((sum, r) => sum + r.elapsedMs, 0);
      side.samples.push(wall);
      side.idle.push((wall * side.threads - simulating) / batch.total);
      side.batch = batch;
    }
  }
}

async function benchmark(): Promise<void> {
  let server: RunningRedis | undefined;
  let url = args.redis;
  if (url === undefined) {
    const found = redisServerAvailable();
    if (found.path === undefined) {
      console.error(`distributed benchmark: ${found.reason}; or give --redis URL`);
      process.exit(2);
    }
    server = await startRedis(found.path);
    url = server.url;
  }
  const workers: WorkerProcess[] = [];
  try {
    // One group of worker processes per worker count, each on its own queue, all started up front
    // so the sides can take turns (this machine's load from other processes hits them all alike).
    process.stderr.write(`starting ${WORKER_COUNTS.join(' + ')} worker processes ...\n`);
    for (const n of WORKER_COUNTS) workers.push(...await startWorkers(n, url, `${QUEUE}-${n}`));

    // ---- throughput ------------------------------------------------------------
    const sc = distributedScenario();
    const candidates: Candidate[] = [...distributedCandidates(sc.network), plan(sc.network, 28, 11)];
    const seedsPerCell = args.tasks !== undefined ? Math.max(1, Math.round(Number(args.tasks) / (candidates.length * 2))) : 4;
    const request: EvaluationRequest = { candidates, seeds: Array.from({ length: seedsPerCell }, (_, i) => i + 1) };
    const warm: EvaluationRequest = { candidates: [candidates[0]], seeds: Array.from({ length: Math.max(...WORKER_COUNTS, CORES) * 2 }, (_, i) => 100 + i) };
    const tasks = candidates.length * 2 * seedsPerCell;
    process.stderr.write(`throughput: ${tasks} tasks (5x5 grid), ${REPETITIONS} round(s) ...\n`);
    const sides: Side[] = [poolSide('local pool', sc, 1)];
    if (CORES > 1) sides.push(poolSide('local pool', sc, CORES));
    for (const n of WORKER_COUNTS) sides.push(queueSide(sc, url, `${QUEUE}-${n}`, n));
    await compare(sides, request, warm, REPETITIONS);
    for (const side of sides) await side.close();
    const reference = sides[0].batch!;
    let identical = sides.every((side) => deterministic(side.batch!) === deterministic(reference));
    const perRun = median(reference.results.map((r) => r.elapsedMs));

    // ---- per-task overhead (tiny tasks) ---------------------------------------------
    process.stderr.write(`per-task overhead: ${TINY} tiny corridor runs, ${REPETITIONS + 1} round(s) ...\n`);
    const net = compile(corridor(3, 200));
    const tiny: EvaluationScenario = { network: net, variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.02, begin: 0, end: 1000 }] }, options: { end: 1800 } }] };
    const tinyRequest: EvaluationRequest = { candidates: [[] as SignalProgramSpec[]], seeds: Array.from({ length: TINY }, (_, i) => i + 1) };
    const tinyWarm: EvaluationRequest = { candidates: [[]], seeds: Array.from({ length: 50 }, (_, i) => 10_000 + i) };
    const tinySides = [poolSide('in-process', tiny, 0), poolSide('local pool, 1 thread', tiny, 1), { ...queueSide(tiny, url, `${QUEUE}-1`, 1), name: 'BullMQ queue, 1 worker process' }];
    await compare(tinySides, tinyRequest, tinyWarm, REPETITIONS + 1);
    for (const side of tinySides) await side.close();
    identical &&= tinySides.every((side) => deterministic(side.batch!) === deterministic(tinySides[0].batch!));
    const perTask = tinySides.map((side) => median(side.samples) / TINY);
    const tinyRun = median(tinySides[0].batch!.results.map((r) => r.elapsedMs));

    // ---- latency of a one-task batch (the fixed cost of a batch) --------------------
    process.stderr.write('latency: one-task batches ...\n');
    const oneTask: EvaluationRequest = { candidates: [[]], seeds: [1] };
    const latencySides = [poolSide('local pool, 1 thread', tiny, 1), { ...queueSide(tiny, url, `${QUEUE}-1`, 1), name: 'BullMQ queue, 1 worker process' }];
    await compare(latencySides, oneTask, oneTask, 15);
    for (const side of latencySides) await side.close();
    const latency = latencySides.map((side) => median(side.samples));

    // ---- report ------------------------------------------------------------------
    const info = machine();
    const base = median(sides[0].samples);
    const load = os.loadavg()[0];
    console.log(`\ngreenwave distributed benchmark — ${info.cpu}, ${info.cores} cores (load average ${load.toFixed(1)}), Node ${info.node}, Redis: ${server !== undefined ? 'local redis-server' : 'the given URL'}\n`);
    console.log(table([
      [`${tasks} tasks, 5x5 grid (one run ~${ms(perRun)})`, 'processes', 'threads', 'wall (median)', 'tasks/s', 'vs pool 1 thread', 'not simulating / task'],
      ...sides.map((r) => [r.name, String(r.processes), String(r.threads), ms(median(r.samples)), ((tasks * 1000) / median(r.samples)).toFixed(1), `${(base / median(r.samples)).toFixed(2)}x`, ms(median(r.idle))]),
    ]));
    console.log('');
    console.log(table([
      [`${TINY} tiny tasks (corridor, one run ${ms(tinyRun)})`, 'per task', 'tasks/s'],
      ...tinySides.map((side, i) => [side.name, ms(perTask[i]), (1000 / perTask[i]).toFixed(0)]),
    ]));
    console.log(`\nper-task overhead of the queue: ${ms(perTask[2] - perTask[1])} over the local pool, ${ms(perTask[2] - perTask[0])} over in-process`);
    console.log(`latency of a one-task batch: ${ms(latency[1])} on the queue (evaluator already connected), ${ms(latency[0])} on the local pool`);
    console.log('"not simulating / task": (wall x threads - time spent in runs) / tasks; the idle and overhead time per task');
    console.log(`results identical on every side: ${identical ? 'yes' : 'NO'}`);
    writeJson(args.out!, {
      benchmark: 'distributed',
      machine: { ...info, loadAverage: os.loadavg() },
      redis: server !== undefined ? 'local redis-server' : 'external',
      throughput: {
        scenario: '5x5 signalised grid, OD demand 5,000 / 6,500 trips in 30 min, 2 variants, 4 plans',
        tasks,
        runMs: perRun,
        rounds: REPETITIONS,
        sides: sides.map((r) => ({ side: r.name, processes: r.processes, threads: r.threads, medianMs: median(r.samples), samplesMs: r.samples, tasksPerS: (tasks * 1000) / median(r.samples), notSimulatingPerTaskMs: median(r.idle) })),
      },
      tinyTasks: {
        scenario: '3-signal corridor, 0.02 veh/s for 1000 s',
        tasks: TINY,
        runMs: tinyRun,
        sides: tinySides.map((side, i) => ({ side: side.name, perTaskMs: perTask[i], samplesMs: side.samples })),
        queueOverheadOverPoolMs: perTask[2] - perTask[1],
      },
      oneTaskBatchLatencyMs: { pool1: latency[0], queue1: latency[1], samplesMs: { pool1: latencySides[0].samples, queue1: latencySides[1].samples } },
      identical,
    });
    console.log(`results written to ${args.out}`);
    if (!identical) process.exitCode = 1;
  } finally {
    await stopWorkers(workers);
    await server?.stop();
  }
}

await benchmark();

/**
 * Distributed-evaluator benchmark: the BullMQ queue with `greenwave worker`
 * processes (one simulation thread each) on this machine, against the local
 * Piscina pool, interleaved.
 *
 *   npm run bench:distributed                       starts its own redis-server (127.0.0.1, free port)
 *   npm run bench:distributed -- --ci               the gates only
 *   npm run bench:distributed -- --redis redis://host:6379   use a running Redis (queues "greenwave-bench-<n>")
 *   npm run bench:distributed -- --workers 1,2 --tasks 16 --tiny 100
 *   greenwave bench distributed [--ci]
 *
 * Gates (none moves with the machine's load):
 *  - busy workers: with 2 worker processes, the sum of the tasks' run times
 *    inside the workers / (wall time of the batch x 2). A queue that handed out
 *    one task at a time scores 0.5; floor 0.65 (half the measured value would
 *    not tell a serial queue apart).
 *  - CPU cost of a tiny task: the local pool's CPU time per task / the queue's,
 *    the queue's counted in every process it uses (this coordinator, redis-server
 *    and the worker process, from /proc): what the queue's round trips cost,
 *    as a ratio; floor about half the measured one.
 *  - results identical on every side (a check).
 * Reported, not gated (they move with the load, which is recorded beside them):
 * throughput of the pool with 1 and N threads and of the queue with 1, 2 and 4
 * processes on a 5x5 grid (the distributed tests' scenario: 4 plans x 2
 * variants x seeds), wall per tiny task, and the latency of a one-task batch.
 * Every queue batch runs under a fresh job id (a repeated id would be answered
 * from Redis), and the evaluator's creation is not timed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compile, corridor, type SignalProgramSpec } from '../engine/index.js';
import { createInProcessEvaluator, type BatchResult, type Candidate, type EvaluationRequest, type EvaluationScenario, type Evaluator } from '../engine/optimise/index.js';
import { createPoolEvaluator } from '../workers/index.js';
import { distributedCandidates, distributedScenario, plan } from './distributed-scenario.js';
import { median, ms, processCpuMs, runIfMain, type BenchContext, type Benchmark, type Side } from './harness.js';
import { redisServerAvailable, startRedis, type RunningRedis } from './redis-server.js';

/** Gates (see the header). */
export const DISTRIBUTED_FLOORS = { busyWorkers: 0.65, tinyCpuCost: 0.15 };

const QUEUE = 'greenwave-bench';

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
}

/** The `greenwave` command of this checkout: from source through tsx, or the compiled one. */
function cliCommand(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`../cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return fromSource ? ['--import', 'tsx', entry] : [entry];
}

/** Start `n` `greenwave worker` processes (1 thread each) on `queue`; resolves when each says it is ready. */
async function startWorkers(n: number, url: string, queue: string): Promise<WorkerProcess[]> {
  const started = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [...cliCommand(), 'worker', '--concurrency', '1', '--queue', queue], {
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

function deterministic(batch: BatchResult): string {
  return JSON.stringify(batch.results.map((r) => [r.task, r.metrics.network, r.metrics.endTime]));
}

/** One way of evaluating a batch; its batches are kept to check they agree. */
interface Way {
  name: string;
  threads: number;
  /** Processes whose CPU time counts for this way besides this one. */
  pids: number[];
  evaluate: (request: EvaluationRequest) => Promise<BatchResult>;
  close: () => Promise<void>;
  /** Every batch's results as text, by request kind: they must all agree. */
  batches: Array<{ kind: string; text: string }>;
  /** Per batch: wall ms and busy share (task time / wall x threads). */
  wall: number[];
  busy: number[];
}

function poolWay(name: string, scenario: EvaluationScenario, threads: number): Way {
  const evaluator: Evaluator = threads === 0 ? createInProcessEvaluator(scenario) : createPoolEvaluator(scenario, { threads });
  return { name, threads: Math.max(1, threads), pids: [], evaluate: (r) => evaluator.evaluate(r), close: async () => { await evaluator.close(); }, batches: [], wall: [], busy: [] };
}

let jobs = 0;
async function queueWay(name: string, scenario: EvaluationScenario, url: string, queue: string, workers: WorkerProcess[], redisPid: number | undefined): Promise<Way> {
  const { createQueueEvaluator } = await import('../workers/distributed/index.js');
  return {
    name,
    threads: workers.length,
    pids: [...workers.map((w) => w.child.pid!), ...(redisPid !== undefined ? [redisPid] : [])],
    async evaluate(request) {
      const evaluator = await createQueueEvaluator(scenario, { redis: url, queue, jobId: `bench-${process.pid}-${jobs++}` });
      try {
        return await evaluator.evaluate(request);
      } finally {
        await evaluator.close();
      }
    },
    close: async () => {},
    batches: [],
    wall: [],
    busy: [],
  };
}

/** A way as a comparison side, timed by its own clocks: wall, and CPU of this process plus its other processes. */
function side(way: Way, request: EvaluationRequest, kind: string): Side {
  return {
    name: way.name,
    ops: request.candidates.length * request.seeds.length,
    run: () => { throw new Error('timed side'); },
    timed: async () => {
      const others = (): number => way.pids.reduce((s, pid) => s + (processCpuMs(pid) ?? NaN), 0);
      const c0 = process.cpuUsage();
      const o0 = others();
      const t0 = performance.now();
      const batch = await way.evaluate(request);
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (batch.failures.length > 0 || batch.notRun.length > 0) throw new Error(`benchmark batch failed on ${way.name}: ${JSON.stringify(batch.failures[0]?.error ?? batch.notRun[0])}`);
      way.batches.push({ kind, text: deterministic(batch) });
      way.wall.push(wallMs);
      way.busy.push(batch.results.reduce((s, r) => s + r.elapsedMs, 0) / (wallMs * way.threads));
      return { cpuMs: (c.user + c.system) / 1000 + (others() - o0), wallMs };
    },
  };
}

async function run(ctx: BenchContext): Promise<void> {
  const counts = (ctx.args.workers ?? (ctx.ci ? '2' : '1,2,4')).split(',').map(Number);
  if (!counts.includes(2)) counts.push(2);
  const tinyTasks = Number(ctx.args.tiny ?? (ctx.ci ? 200 : 400));
  let server: RunningRedis | undefined;
  let url = ctx.args.redis;
  if (url === undefined) {
    const found = redisServerAvailable();
    if (found.path === undefined) ctx.skip(`${found.reason}; or give --redis URL`);
    ctx.step('starting redis-server');
    server = await startRedis(found.path);
    url = server.url;
  }
  const redisPid = server?.process.pid;
  const groups = new Map<number, WorkerProcess[]>();
  const ways: Way[] = [];
  try {
    ctx.step(`starting ${counts.join(' + ')} worker processes`);
    for (const n of counts) groups.set(n, await startWorkers(n, url, `${QUEUE}-${n}`));

    // ---- busy workers and throughput on the 5x5 grid -------------------------------------
    const sc = distributedScenario();
    const candidates: Candidate[] = [...distributedCandidates(sc.network), plan(sc.network, 28, 11)];
    const seedsPerCell = ctx.args.tasks !== undefined ? Math.max(1, Math.round(Number(ctx.args.tasks) / (candidates.length * 2))) : ctx.ci ? 2 : 4;
    const request: EvaluationRequest = { candidates, seeds: Array.from({ length: seedsPerCell }, (_, i) => i + 1) };
    const tasks = candidates.length * 2 * seedsPerCell;
    const pool1 = poolWay('local pool, 1 thread', sc, 1);
    const queue2 = await queueWay('queue, 2 worker processes', sc, url, `${QUEUE}-2`, groups.get(2)!, redisPid);
    ways.push(pool1, queue2);
    const c = await ctx.compare(`${tasks} tasks on the 5x5 grid`, side(queue2, request, 'grid'), side(pool1, request, 'grid'), { warmup: 1, warmupMs: 0, minPairs: ctx.ci ? 4 : 5, maxPairs: ctx.ci ? 6 : 9, budgetMs: ctx.ci ? 45_000 : 120_000, clock: 'wall' });
    const busy = queue2.busy.slice(1);
    ctx.limit('queue, 2 worker processes: busy workers (task time / wall x 2)', median(busy), '', {
      min: DISTRIBUTED_FLOORS.busyWorkers, detail: `per batch: ${busy.map((b) => b.toFixed(2)).join(', ')}; a serial queue scores 0.50`,
    });
    ctx.figure('queue, 2 processes: wall speed-up over the local pool with 1 thread', c.ratio, 'x', `queue ${ms(c.subject.medianWallMs * tasks)}, pool ${ms(c.peer.medianWallMs * tasks)} per batch of ${tasks}; load ${os.loadavg()[0].toFixed(1)}; not gated`);
    if (!ctx.ci) {
      const more: Way[] = [poolWay(`local pool, ${os.availableParallelism()} threads`, sc, os.availableParallelism())];
      for (const n of counts) if (n !== 2) more.push(await queueWay(`queue, ${n} worker process(es)`, sc, url, `${QUEUE}-${n}`, groups.get(n)!, redisPid));
      ways.push(...more);
      ctx.step(`throughput of ${more.map((w) => w.name).join(', ')}`);
      for (let round = 0; round < 3; round++) for (const w of [...more, pool1]) await side(w, request, 'grid').timed!();
      for (const w of [pool1, queue2, ...more]) {
        const wall = median(w.wall.slice(1));
        ctx.figure(`${tasks} tasks, ${w.name}: tasks per second (wall)`, (tasks * 1000) / wall, '/s', `batch ${ms(wall)}, busy ${median(w.busy.slice(1)).toFixed(2)}`);
      }
    }

    // ---- the CPU cost of a tiny task ---------------------------------------------------------
    const net = compile(corridor(3, 200));
    const tiny: EvaluationScenario = { network: net, variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.02, begin: 0, end: 1000 }] }, options: { end: 1800 } }] };
    const tinyRequest: EvaluationRequest = { candidates: [[] as SignalProgramSpec[]], seeds: Array.from({ length: tinyTasks }, (_, i) => i + 1) };
    const tinyPool = poolWay('local pool, 1 thread', tiny, 1);
    const tinyQueue = await queueWay('queue, 1 worker process', tiny, url, `${QUEUE}-${counts.includes(1) ? 1 : 2}`, groups.get(counts.includes(1) ? 1 : 2)!, redisPid);
    ways.push(tinyPool, tinyQueue);
    const t = await ctx.compare(`${tinyTasks} tiny corridor tasks`, side(tinyQueue, tinyRequest, 'tiny'), side(tinyPool, tinyRequest, 'tiny'), { warmup: 1, warmupMs: 0, minPairs: 5, maxPairs: ctx.ci ? 8 : 12, budgetMs: ctx.ci ? 45_000 : 90_000 });
    ctx.ratio('tiny tasks: pool CPU / queue CPU (coordinator + redis-server + worker), per task', t, { against: 'the same tasks on the local pool', floor: DISTRIBUTED_FLOORS.tinyCpuCost });
    ctx.figure('tiny tasks: queue overhead per task over the pool (wall)', (t.subject.medianWallMs - t.peer.medianWallMs), 'ms', `queue ${ms(t.subject.medianWallMs)}, pool ${ms(t.peer.medianWallMs)} per task; load ${os.loadavg()[0].toFixed(1)}`);

    if (!ctx.ci) {
      ctx.step('latency of one-task batches');
      const one: EvaluationRequest = { candidates: [[]], seeds: [1] };
      const latencyPool = poolWay('local pool, 1 thread', tiny, 1);
      ways.push(latencyPool);
      for (let i = 0; i < 15; i++) for (const w of [latencyPool, tinyQueue]) await side(w, one, 'one').timed!();
      ctx.figure('one-task batch latency, local pool (wall)', median(latencyPool.wall.slice(1)), 'ms');
      ctx.figure('one-task batch latency, queue, evaluator connected (wall)', median(tinyQueue.wall.slice(-15)), 'ms');
    }

    // ---- every side agrees -------------------------------------------------------------------
    const first = new Map<string, string>();
    let identical = true;
    for (const w of ways) {
      for (const b of w.batches) {
        if (!first.has(b.kind)) first.set(b.kind, b.text);
        identical &&= first.get(b.kind) === b.text;
      }
    }
    ctx.check('results identical on every side', identical, identical ? 'every batch bit for bit' : 'a batch differs between the pool and the queue');
  } finally {
    for (const w of ways) await w.close();
    for (const workers of groups.values()) await stopWorkers(workers);
    await server?.stop();
  }
}

/** The distributed-evaluator benchmark. */
export const distributedBenchmark: Benchmark = {
  name: 'distributed',
  title: 'greenwave distributed benchmark: BullMQ queue with worker processes vs the local pool (busy workers, CPU per task)',
  args: {
    redis: 'use this Redis instead of starting redis-server',
    workers: 'worker-process counts, comma-separated (default 1,2,4; 2 with --ci)',
    tasks: 'tasks per throughput batch (default 32; 16 with --ci)',
    tiny: 'tiny tasks per batch (default 400; 200 with --ci)',
  },
  run,
};

await runIfMain(import.meta.url, distributedBenchmark);

/**
 * The worker side of the distributed evaluator (`greenwave worker --redis URL`):
 * a BullMQ `Worker` on the task queue that runs each task on this machine's
 * Piscina pool (`SimulationPool`) and returns its metrics through BullMQ.
 *
 *  - Scenarios and candidates are fetched from Redis by hash the first time a
 *    task names them, verified (SHA-256 of the bytes) and cached: the network is
 *    registered once with the local pool and reaches each thread once, exactly as
 *    for a local run. A task whose scenario or candidate is unknown, expired or
 *    does not verify is refused: BullMQ's `UnrecoverableError` (no retry), with a
 *    reason starting `refused:` that the coordinator reports with the task.
 *  - A task that throws (bad program) is a result, not a failure to retry: it
 *    would throw again. A pool thread that died under a task (the pool retries it
 *    once itself) makes the BullMQ job fail, and BullMQ retries it (on any
 *    worker) up to the job's attempts.
 *  - A killed worker process (SIGKILL, power loss) stops renewing the locks of
 *    its tasks; after the stall timeout another worker's stall check puts them
 *    back on the queue. If the "dead" worker was only slow and finishes later,
 *    BullMQ refuses its completion (the lock token no longer matches): the late
 *    result is dropped here and never reaches the coordinator.
 *  - Only the main thread talks to Redis and it stays idle while simulations run
 *    on the pool's threads, so lock renewals are not starved by long runs.
 *  - Memory: scenarios stay cached until `scenarioCacheSize` distinct ones have
 *    been seen; then a fresh pool takes new work and the old one (with its
 *    networks) is closed once its running tasks end.
 *  - Every log line and error goes through the connection's `redact`, so the
 *    Redis password never reaches a log.
 *
 * BullMQ and ioredis are imported here only; the CLI imports this module lazily.
 */
import os from 'node:os';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { UsageError } from '../../engine/errors.js';
import type { Candidate } from '../../engine/optimise/evaluator.js';
import { SimulationPool, type PoolOptions } from '../pool.js';
import { WIRE_VERSION, decodeCandidate, decodeScenario, encodeMetrics, isHash, type TaskReply } from './codec.js';
import { openRedis } from './client.js';
import { parseRedisUrl, type RedisConnection } from './connection.js';
import {
  DEFAULT_PREFIX, DEFAULT_QUEUE, DEFAULT_STALL_TIMEOUT_S, REFUSED, workerName, type TaskData,
} from './protocol.js';
import { RefusedBlobError, fetchVerifiedBlob } from './store.js';

/** What the main-thread fault hook sees (tests only). */
export interface MainThreadFaultContext {
  candidate: number;
  variant: number;
  seed: number;
  /** BullMQ `attemptsStarted` of this run (1 on the first). */
  attempt: number;
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://...`. */
  redis: string;
  /** TLS options for `rediss://` (CA, client certificate ...). */
  tls?: TlsOptions;
  /** Simulation threads. Default `os.availableParallelism()`. */
  concurrency?: number;
  /**
   * Tasks taken from the queue beyond the threads, so the next task is at hand
   * when a thread finishes (hides the queue's round trips). Default 1.
   */
  prefetch?: number;
  /** Queue name. Default `greenwave`. */
  queue?: string;
  /** Redis key prefix. Default `greenwave`. */
  prefix?: string;
  /**
   * Seconds without a lock renewal after which a task counts as stalled (its
   * worker presumed dead) and is retried elsewhere. Default 30.
   */
  stallTimeoutS?: number;
  /** Stalls a task may have before it fails. Default 1. */
  maxStalledCount?: number;
  /** Distinct scenarios kept before the pool is renewed. Default 4. */
  scenarioCacheSize?: number;
  /** Receives log lines (already redacted). Default: none. */
  log?: (line: string) => void;
  /** Log every task start and end. */
  verbose?: boolean;
  /** Options of the local pool (resource limits; the `faults` test hook). */
  pool?: Omit<PoolOptions, 'threads'>;
  /** Test hook: milliseconds to block the main thread after a task ran (a slow worker whose lock expires). Never set outside tests. */
  stallAfterRun?: (task: MainThreadFaultContext) => number | undefined;
  /** Timeout of the first connection to Redis, ms. Default 10,000. */
  connectTimeoutMs?: number;
}

/** Counters of a worker. */
export interface QueueWorkerStats {
  /** Tasks run to a result (including tasks whose simulation threw). */
  completed: number;
  /** Tasks that failed here (pool thread died on every attempt); BullMQ may retry them. */
  failed: number;
  /** Tasks refused (unknown or unverifiable scenario or candidate). */
  refused: number;
  scenariosFetched: number;
  candidatesFetched: number;
  /** Results BullMQ refused because the task's lock had expired (a late duplicate). */
  lateResults: number;
}

/** A running worker. */
export interface QueueWorker {
  /** Its BullMQ name: `<host>-<pid>-t<threads>`. */
  readonly name: string;
  readonly concurrency: number;
  /** The Redis URL without its password. */
  readonly connection: string;
  readonly stats: QueueWorkerStats;
  /**
   * Stop taking tasks; wait for running ones (or, with `force`, abandon them: they
   * are retried elsewhere after the stall timeout); close the pool and connections.
   */
  close(options?: { force?: boolean }): Promise<QueueWorkerStats>;
}

interface Generation {
  pool: SimulationPool;
  scenarios: Set<string>;
  active: number;
  retired: boolean;
}

interface CachedScenario {
  generation: Generation;
  network: string;
  demands: string[];
  variants: ReturnType<typeof decodeScenario>['variants'];
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} must be a positive integer, got ${String(value)}`);
  return v;
}

function checkTaskData(data: unknown): TaskData {
  const d = data as Partial<TaskData> | null;
  if (
    d === null || typeof d !== 'object' || typeof d.job !== 'string' || typeof d.key !== 'string' || !isHash(d.scenario) || !isHash(d.candidate)
    || !Number.isInteger(d.variant) || !Number.isSafeInteger(d.seed) || (d.detail !== 'network' && d.detail !== 'full' && d.detail !== 'all')
  ) {
    throw new UnrecoverableError(`${REFUSED} malformed task data`);
  }
  return { ...d, label: d.label ?? { candidate: -1, task: -1 } } as TaskData;
}

/** Block this thread for `ms` (a test hook for a worker whose lock expires). */
function blockMainThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Connect to Redis and start taking tasks. Rejects with `UsageError` for bad
 * options (a bad URL) and with `Error` (redacted) when Redis cannot be reached
 * or refuses the credentials within `connectTimeoutMs`.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const conn: RedisConnection = parseRedisUrl(options.redis, options.tls !== undefined ? { tls: options.tls } : {});
  const concurrency = positiveInt('concurrency', options.concurrency, os.availableParallelism());
  const prefetch = options.prefetch ?? 1;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new UsageError(`prefetch must be a non-negative integer, got ${String(options.prefetch)}`);
  const stallTimeoutS = options.stallTimeoutS ?? DEFAULT_STALL_TIMEOUT_S;
  if (!(stallTimeoutS >= 0.5 && stallTimeoutS <= 86_400)) throw new UsageError(`stallTimeoutS must be between 0.5 and 86400 s, got ${String(stallTimeoutS)}`);
  const maxStalledCount = options.maxStalledCount ?? 1;
  if (!Number.isInteger(maxStalledCount) || maxStalledCount < 0) throw new UsageError(`maxStalledCount must be a non-negative integer, got ${String(maxStalledCount)}`);
  const cacheSize = positiveInt('scenarioCacheSize', options.scenarioCacheSize, 4);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const log = (line: string): void => options.log?.(conn.redact(line));
  const name = workerName(os.hostname(), process.pid, concurrency);
  const stats: QueueWorkerStats = { completed: 0, failed: 0, refused: 0, scenariosFetched: 0, candidatesFetched: 0, lateResults: 0 };

  // A plain connection for blobs; BullMQ opens its own (blocking) ones.
  let lastConnectionError = '';
  const redis = await openRedis(conn, {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    onError: (message) => {
      if (message !== lastConnectionError) log(`redis ${conn.describe}: ${message}`);
      lastConnectionError = message;
    },
  });
  redis.on('ready', () => { lastConnectionError = ''; });

  const live = new Set<Generation>();
  const newGeneration = (): Generation => {
    const g: Generation = { pool: new SimulationPool({ ...options.pool, threads: concurrency }), scenarios: new Set(), active: 0, retired: false };
    live.add(g);
    return g;
  };
  let current = newGeneration();
  const scenarios = new Map<string, Promise<CachedScenario>>();
  const candidates = new Map<string, Promise<Candidate>>();
  const retiring = new Set<Promise<unknown>>();

  const retire = (g: Generation): void => {
    g.retired = true;
    for (const hash of g.scenarios) scenarios.delete(hash);
    if (g.active === 0) {
      live.delete(g);
      const closing = g.pool.close();
      retiring.add(closing);
      void closing.finally(() => retiring.delete(closing));
    }
  };

  const scenarioFor = (hash: string): Promise<CachedScenario> => {
    let entry = scenarios.get(hash);
    if (entry === undefined) {
      if (current.scenarios.size >= cacheSize) {
        retire(current);
        current = newGeneration();
      }
      const generation = current;
      generation.scenarios.add(hash);
      entry = (async () => {
        const bytes = await fetchVerifiedBlob(redis, prefix, 'scenario', hash);
        let decoded;
        try {
          decoded = decodeScenario(bytes);
        } catch (error) {
          throw new RefusedBlobError(`${REFUSED} scenario ${hash} verified but cannot be read: ${(error as Error).message}`);
        }
        const network = generation.pool.addNetwork(decoded.network);
        const demands = decoded.variants.map((v) => generation.pool.addDemand(network, v.demand));
        stats.scenariosFetched++;
        log(`scenario ${hash.slice(0, 12)} fetched and verified: ${decoded.network.junctionCount} junctions, ${decoded.network.linkCount} links, ${decoded.variants.length} variant(s), ${bytes.byteLength} bytes`);
        return { generation, network, demands, variants: decoded.variants };
      })();
      entry.catch(() => { // not cached: a later task may find it published
        scenarios.delete(hash);
        generation.scenarios.delete(hash);
      });
      scenarios.set(hash, entry);
    }
    return entry;
  };

  const candidateFor = (hash: string): Promise<Candidate> => {
    let entry = candidates.get(hash);
    if (entry === undefined) {
      entry = (async () => {
        const bytes = await fetchVerifiedBlob(redis, prefix, 'candidate', hash);
        try {
          const programs = decodeCandidate(bytes);
          stats.candidatesFetched++;
          return programs;
        } catch (error) {
          throw new RefusedBlobError(`${REFUSED} candidate ${hash} verified but cannot be read: ${(error as Error).message}`);
        }
      })();
      entry.catch(() => candidates.delete(hash));
      candidates.set(hash, entry);
      if (candidates.size > 256) candidates.delete(candidates.keys().next().value as string);
    }
    return entry;
  };

  const processTask = async (job: Job): Promise<TaskReply> => {
    const data = checkTaskData(job.data);
    const where = `task ${job.id} (candidate ${data.label.candidate}, variant ${data.variant}, seed ${data.seed})`;
    let scenario: CachedScenario;
    let programs: Candidate;
    try {
      [scenario, programs] = await Promise.all([scenarioFor(data.scenario), candidateFor(data.candidate)]);
    } catch (error) {
      if (error instanceof RefusedBlobError) {
        stats.refused++;
        log(`${where}: ${error.message}`);
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
    if (data.variant >= scenario.variants.length) {
      stats.refused++;
      throw new UnrecoverableError(`${REFUSED} variant ${data.variant} does not exist in scenario ${data.scenario} (${scenario.variants.length} variants)`);
    }
    if (options.verbose === true) log(`${where}: started (attempt ${job.attemptsStarted})`);
    const { generation } = scenario;
    generation.active++;
    // With prefetch, a task may wait here for a thread; it keeps its lock meanwhile.
    let outcome;
    try {
      const variant = scenario.variants[data.variant];
      outcome = await generation.pool.run({
        network: scenario.network,
        demand: scenario.demands[data.variant],
        programs,
        seed: data.seed,
        detail: data.detail,
        candidate: data.label.candidate,
        variant: data.variant,
        ...(variant.options !== undefined ? { options: variant.options } : {}),
      });
    } finally {
      generation.active--;
      if (generation.retired && generation.active === 0) retire(generation);
    }
    const stall = options.stallAfterRun?.({ candidate: data.label.candidate, variant: data.variant, seed: data.seed, attempt: job.attemptsStarted });
    if (stall !== undefined && stall > 0) blockMainThread(stall);
    if (outcome.status === 'ok') {
      stats.completed++;
      if (options.verbose === true) log(`${where}: done in ${outcome.elapsedMs.toFixed(0)} ms`);
      return { v: WIRE_VERSION, kind: 'ok', metrics: encodeMetrics(outcome.metrics), attempts: job.attemptsStarted, elapsedMs: outcome.elapsedMs, worker: name };
    }
    if (outcome.status === 'failed' && outcome.error.kind === 'error') {
      stats.completed++;
      if (options.verbose === true) log(`${where}: the simulation threw ${outcome.error.name}: ${outcome.error.message}`);
      const { stack: _stack, ...error } = outcome.error;
      return { v: WIRE_VERSION, kind: 'error', error: { ...error, message: conn.redact(error.message) }, attempts: job.attemptsStarted, worker: name };
    }
    stats.failed++;
    const reason = outcome.status === 'failed' ? `a simulation thread died ${outcome.attempts} time(s): ${outcome.error.message}` : 'cancelled: the worker is shutting down';
    log(`${where}: ${reason}`);
    throw new Error(conn.redact(reason));
  };

  const worker = new Worker(queueName, processTask, {
    connection: { ...conn.options, maxRetriesPerRequest: null },
    prefix,
    name,
    concurrency: concurrency + prefetch,
    lockDuration: Math.round(stallTimeoutS * 1000),
    stalledInterval: Math.max(250, Math.round((stallTimeoutS * 1000) / 2)),
    maxStalledCount,
    autorun: false,
  });
  worker.on('error', (error: Error) => {
    const message = conn.redact(error.message);
    if (/Missing lock for job|Lock mismatch for job/.test(message)) {
      stats.lateResults++;
      log(`late result dropped (its task was retried elsewhere): ${message}`);
    } else if (message !== lastConnectionError) {
      log(`error: ${message}`);
    }
  });
  worker.on('failed', (job: Job | undefined, error: Error) => {
    if (job !== undefined && options.verbose === true) log(`task ${job.id}: failed (attempt ${job.attemptsStarted}): ${conn.redact(error.message)}`);
  });
  worker.on('stalled', (jobId: string) => log(`task ${jobId} stalled (its worker stopped renewing its lock): back on the queue`));
  void worker.run().catch((error: unknown) => log(`worker stopped: ${conn.redact(error instanceof Error ? error.message : String(error))}`));
  await worker.waitUntilReady();
  log(`worker ${name} ready: queue "${queueName}" on ${conn.describe}, ${concurrency} thread(s), stall timeout ${stallTimeoutS} s`);

  let closing: Promise<QueueWorkerStats> | undefined;
  return {
    name,
    concurrency,
    connection: conn.describe,
    stats,
    close({ force = false } = {}) {
      closing ??= (async () => {
        await worker.close(force);
        await Promise.all([...live].map((g) => g.pool.close({ force })));
        await Promise.allSettled([...retiring]);
        redis.disconnect();
        return { ...stats };
      })();
      return closing;
    },
  };
}

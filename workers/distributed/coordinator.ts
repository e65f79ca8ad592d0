/**
 * `createQueueEvaluator`: the `Evaluator` interface (engine/optimise) on a
 * BullMQ queue in Redis, for runs that outgrow one machine. The coordinator (the
 * optimiser, `run --replications`) puts tasks on the queue; any number of
 * `greenwave worker` processes, each with its local Piscina pool, take them and
 * return metrics through BullMQ.
 *
 *  - Published once, content-addressed: the scenario bundle (compiled network +
 *    variants) once per evaluator, each candidate's programs once per batch,
 *    under their SHA-256; a task carries only hashes, variant, seed and detail.
 *  - Idempotent: a task's BullMQ job id is `<jobId>.<taskKey>`, where the task
 *    key hashes everything the result depends on. Adding a task that is already
 *    on the queue or finished adds nothing; a finished task's result stays in
 *    Redis (BullMQ's completed job, kept `retentionS`), so a coordinator
 *    restarted with the same `jobId` picks finished results up instead of
 *    re-running them, and waits for the ones still running. Two identical tasks
 *    in one batch are one job. Each task index is recorded exactly once: a second
 *    outcome for a task (which BullMQ's lock tokens should already prevent) is
 *    counted in `stats.duplicates` and ignored.
 *  - Faults: a killed worker's task is retried by BullMQ after the workers'
 *    stall timeout; a task whose worker failed `attempts` times, a task that
 *    stalled too often and a task a worker refused (scenario not verifiable) are
 *    failures of the batch, carrying candidate, variant and seed like any other.
 *    A failure left over from an earlier coordinator of the same job is retried
 *    once (it may have been a transient outage), not reported as is.
 *  - Results are identical to the in-process evaluator's: the worker runs the
 *    same `runCandidate` on the same network bytes and variants, and metrics come
 *    back bit for bit (see codec.ts).
 *  - Cancellation: aborting a batch (or `close()`) removes its tasks still
 *    waiting on the queue; running ones finish on their workers and stay in Redis
 *    for a later run of the same job.
 *
 * The Redis URL may carry a password and `rediss://` (TLS); nothing logged or
 * thrown contains the password.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import { UsageError } from '../../engine/errors.js';
import {
  BatchRecorder, checkScenario, planBatch,
  type BatchResult, type EvaluateOptions, type EvaluationMetrics, type EvaluationOutcome, type EvaluationRequest, type EvaluationScenario, type Evaluator,
  type EvaluatorCloseReport, type TaskError, type TaskRef,
} from '../../engine/optimise/evaluator.js';
import { WIRE_VERSION, decodeMetrics, encodeCandidate, encodeScenario, taskKey, type TaskReply } from './codec.js';
import { openRedis } from './client.js';
import { parseRedisUrl, type RedisConnection } from './connection.js';
import {
  DEFAULT_ATTEMPTS, DEFAULT_PREFIX, DEFAULT_QUEUE, DEFAULT_RETENTION_S, REFUSED, bullJobId, isValidJobId, threadsOfWorker, type TaskData,
} from './protocol.js';
import { publishBlob } from './store.js';

/** Options of {@link createQueueEvaluator}. */
export interface QueueEvaluatorOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://...` (TLS). */
  redis: string;
  /** TLS options for `rediss://` (CA, client certificate ...). */
  tls?: TlsOptions;
  /**
   * Names this run's results in Redis. Restart a coordinator with the same id to
   * resume: finished tasks are not run again. Letters, digits, `-`, `_`, `.`.
   * Default: a random UUID (nothing to resume).
   */
  jobId?: string;
  /** Queue name (the workers' `--queue`). Default `greenwave`. */
  queue?: string;
  /** Redis key prefix (the workers' `--prefix`). Default `greenwave`. */
  prefix?: string;
  /** Runs of a task whose worker failed before it is reported. Default 3. */
  attempts?: number;
  /** Delay before such a retry, ms. Default 1,000. */
  backoffMs?: number;
  /** How long published scenarios, candidates and finished tasks are kept in Redis, s. Default 7 days. */
  retentionS?: number;
  /** Tasks of this evaluator on the queue at once (the rest wait here). Default 10,000. */
  maxQueued?: number;
  /** Receives log lines (already redacted). Default: none. */
  log?: (line: string) => void;
}

/** Counters of a queue evaluator. */
export interface QueueEvaluatorStats {
  /** Tasks added to the queue. */
  enqueued: number;
  /** Tasks found already finished in Redis (a restarted job, or a repeat of the same task). */
  resumed: number;
  /** Tasks found still waiting or running (a restarted job). */
  adopted: number;
  /** Failures left by an earlier coordinator, retried. */
  retriedFailures: number;
  /** Outcomes for a task already recorded, ignored. */
  duplicates: number;
  /** Blobs (scenario, candidates) written to Redis; already-published ones are not counted. */
  published: number;
}

/** An `Evaluator` on a BullMQ queue. */
export interface QueueEvaluator extends Evaluator {
  /** The job id results are kept under (resume with it). */
  readonly jobId: string;
  /** SHA-256 of the published scenario bundle. */
  readonly scenarioHash: string;
  /** The Redis URL without its password. */
  readonly connection: string;
  readonly stats: QueueEvaluatorStats;
  /** Workers connected to the queue now, and the threads they announced. */
  workers(): Promise<{ count: number; threads: number }>;
}

function positive(name: string, value: number | undefined, fallback: number, integer = true): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v > 0) || (integer && !Number.isInteger(v))) throw new UsageError(`options.${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  return v;
}

/** How a failed BullMQ job is reported. */
function failureOf(reason: string, redact: (s: string) => string): TaskError {
  const message = redact(reason === '' ? 'the task failed without a reason' : reason);
  if (message.startsWith(REFUSED)) return { kind: 'error', name: 'TaskRefused', message };
  return { kind: 'worker', name: 'WorkerFailure', message };
}

/** A task's BullMQ job failed for good. */
class TaskFailed extends Error {
  constructor(message: string, readonly attempts: number) {
    super(message);
  }
}

interface Unit {
  key: string;
  id: string;
  data: TaskData;
  refs: TaskRef[];
  settled: boolean;
}

/**
 * Connect to Redis, publish the scenario and return an evaluator whose tasks run
 * on `greenwave worker` processes. Rejects with `UsageError` for bad options or
 * a scenario that cannot be sent (a function in a variant), and with `Error`
 * (redacted) when Redis cannot be reached.
 */
export async function createQueueEvaluator(scenario: EvaluationScenario, options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
  checkScenario(scenario, 'createQueueEvaluator');
  if (options === null || typeof options !== 'object') throw new UsageError('createQueueEvaluator: options must be an object with a redis URL');
  const conn: RedisConnection = parseRedisUrl(options.redis, { source: 'options.redis', ...(options.tls !== undefined ? { tls: options.tls } : {}) });
  const jobId = options.jobId ?? randomUUID();
  if (!isValidJobId(jobId)) throw new UsageError(`options.jobId must be 1-100 letters, digits, "-", "_" or ".", got ${JSON.stringify(String(jobId).slice(0, 120))}`);
  const attempts = positive('attempts', options.attempts, DEFAULT_ATTEMPTS);
  const backoffMs = options.backoffMs ?? 1000;
  if (!(Number.isFinite(backoffMs) && backoffMs >= 0)) throw new UsageError(`options.backoffMs must be a non-negative number, got ${String(options.backoffMs)}`);
  const retentionS = positive('retentionS', options.retentionS, DEFAULT_RETENTION_S);
  const maxQueued = positive('maxQueued', options.maxQueued, 10_000);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const log = (line: string): void => options.log?.(conn.redact(line));
  const bundle = encodeScenario(scenario); // throws UsageError for functions in variants
  const net = scenario.network;
  const variantCount = scenario.variants.length;

  const redis = await openRedis(conn, { onError: (message) => log(`redis ${conn.describe}: ${message}`) });
  const connection = { ...conn.options, maxRetriesPerRequest: null };
  const jobOptions: JobsOptions = {
    attempts,
    backoff: { type: 'fixed', delay: backoffMs },
    removeOnComplete: { age: retentionS },
    removeOnFail: { age: retentionS },
  };
  const queue = new Queue(queueName, { connection, prefix });
  const events = new QueueEvents(queueName, { connection, prefix });
  setMaxListeners(Infinity, events, queue); // listeners per task waited for
  const onError = (error: Error): void => log(`redis ${conn.describe}: ${error.message}`);
  queue.on('error', onError);
  events.on('error', onError);
  const stats: QueueEvaluatorStats = { enqueued: 0, resumed: 0, adopted: 0, retriedFailures: 0, duplicates: 0, published: 0 };
  const publish = async (kind: 'scenario' | 'candidate', bytes: Uint8Array, known?: string): Promise<string> => {
    const { hash, created } = await publishBlob(redis, prefix, kind, bytes, retentionS, known);
    if (created) stats.published++;
    return hash;
  };
  let scenarioHash: string;
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    scenarioHash = await publish('scenario', bundle);
  } catch (error) {
    await Promise.allSettled([queue.close(), events.close()]);
    redis.disconnect();
    throw new Error(`cannot use Redis at ${conn.describe}: ${conn.redact(error instanceof Error ? error.message : String(error))}`);
  }
  log(`job ${jobId}: scenario ${scenarioHash.slice(0, 12)} published (${bundle.byteLength} bytes) on ${conn.describe}, queue "${queueName}"`);

  const totals = { completed: 0, failed: 0, cancelled: 0, retried: 0 };
  const failedHere = new Set<string>(); // BullMQ ids that failed during this evaluator's life
  const batches = new Map<AbortController, Promise<unknown>>();
  let closing: Promise<EvaluatorCloseReport> | undefined;
  const startedAt = Date.now();

  /** Put one unit on the queue (or find it there) and wait for its reply. Rejects with the failure reason. */
  async function run(unit: Unit, stop: AbortSignal): Promise<TaskReply> {
    const state = await queue.getJobState(unit.id);
    let job: Job | undefined;
    if (state === 'unknown') {
      job = await queue.add('simulate', unit.data, { ...jobOptions, jobId: unit.id });
      stats.enqueued++;
    } else {
      job = await queue.getJob(unit.id);
      if (job === undefined) { // removed between the two calls (retention): add it again
        job = await queue.add('simulate', unit.data, { ...jobOptions, jobId: unit.id });
        stats.enqueued++;
      } else if (state === 'completed') {
        stats.resumed++;
      } else if (state === 'failed' && !failedHere.has(unit.id) && (job.finishedOn ?? 0) < startedAt) {
        await job.retry('failed');
        stats.retriedFailures++;
        log(`job ${jobId}: task ${unit.id} had failed in an earlier run (${conn.redact(job.failedReason ?? '')}); retrying it`);
      } else if (state !== 'failed') {
        stats.adopted++;
      }
    }
    const waited = job.waitUntilFinished(events) as Promise<TaskReply>;
    if (stop.aborted) return Promise.reject(new Error('aborted'));
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      stop.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([waited, aborted]);
    } catch (error) {
      if (stop.aborted) throw error;
      failedHere.add(unit.id);
      const failed = await queue.getJob(unit.id).catch(() => undefined);
      throw new TaskFailed(error instanceof Error ? error.message : String(error), failed?.attemptsStarted ?? failed?.attemptsMade ?? 1);
    } finally {
      stop.removeEventListener('abort', onAbort!);
      waited.catch(() => {});
    }
  }

  async function evaluate(request: EvaluationRequest, { signal, onProgress }: EvaluateOptions = {}): Promise<BatchResult> {
    if (closing !== undefined) throw new UsageError('evaluate(): the evaluator is closed');
    const { tasks, dispatch, detail } = planBatch(request, variantCount);
    const recorder = new BatchRecorder(tasks, onProgress);
    const local = new AbortController(); // aborted by `signal` or `close()`
    const stop = local.signal;
    setMaxListeners(Infinity, stop);
    const onAbort = (): void => local.abort();
    if (signal?.aborted === true) local.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let callbackError: { error: unknown } | undefined;
    const finished = (async () => {
      // The scenario is republished if it went (a Redis restart) and its expiry refreshed; candidates are published once each.
      let candidateHashes: string[];
      try {
        await publish('scenario', bundle, scenarioHash);
        candidateHashes = await Promise.all(request.candidates.map((c) => publish('candidate', encodeCandidate(c))));
      } catch (error) {
        throw new Error(`cannot publish the batch on Redis at ${conn.describe}: ${conn.redact(error instanceof Error ? error.message : String(error))}`);
      }
      const units = new Map<string, Unit>();
      for (const ref of dispatch) {
        const key = taskKey(scenarioHash, candidateHashes[ref.candidate], ref.variant, ref.seed, detail);
        let unit = units.get(key);
        if (unit === undefined) {
          unit = {
            key,
            id: bullJobId(jobId, key),
            data: { job: jobId, key, scenario: scenarioHash, candidate: candidateHashes[ref.candidate], variant: ref.variant, seed: ref.seed, detail, label: { candidate: ref.candidate, task: ref.task } },
            refs: [],
            settled: false,
          };
          units.set(key, unit);
        }
        unit.refs.push(ref);
      }
      const order = [...units.values()];
      let next = 0;
      let inFlight = 0;
      const outstanding = new Set<Unit>();
      const settle = (unit: Unit, make: (ref: TaskRef) => EvaluationOutcome): void => {
        if (unit.settled) {
          stats.duplicates++;
          return;
        }
        unit.settled = true;
        try {
          for (const ref of unit.refs) {
            const outcome = make(ref);
            if (outcome.ok) totals.completed++;
            else totals.failed++;
            totals.retried += Math.max(0, outcome.attempts - 1);
            recorder.record(outcome, inFlight);
          }
        } catch (error) {
          callbackError ??= { error };
          local.abort();
        }
      };
      await new Promise<void>((resolve) => {
        const launch = (): void => {
          while (!stop.aborted && inFlight < maxQueued && next < order.length) {
            const unit = order[next++];
            inFlight++;
            outstanding.add(unit);
            run(unit, stop).then((reply) => {
              inFlight--;
              let metrics: EvaluationMetrics | undefined;
              let problem = reply?.v !== WIRE_VERSION ? `a reply of format ${String(reply?.v)} (this coordinator reads ${WIRE_VERSION}): mixed greenwave versions?` : '';
              if (problem === '' && reply.kind === 'ok') {
                try {
                  metrics = decodeMetrics(reply.metrics, net);
                } catch (error) {
                  problem = `an unreadable reply: ${(error as Error).message}`;
                }
              }
              if (problem === '' && reply.kind === 'ok' && metrics !== undefined) {
                const m = metrics;
                settle(unit, (ref) => ({ ...ref, ok: true, metrics: m, attempts: reply.attempts, elapsedMs: reply.elapsedMs }));
              } else if (problem === '' && reply.kind === 'error') {
                settle(unit, (ref) => ({ ...ref, ok: false, error: reply.error, attempts: reply.attempts }));
              } else {
                const message = `worker ${String((reply as { worker?: unknown } | undefined)?.worker ?? '?')} sent ${problem || 'a malformed reply'}`;
                log(`job ${jobId}: task ${unit.id}: ${message}`);
                settle(unit, (ref) => ({ ...ref, ok: false, error: { kind: 'worker', name: 'WorkerFailure', message }, attempts: 1 }));
              }
            }, (error: unknown) => {
              inFlight--;
              if (stop.aborted) return; // left out: notRun
              const reason = error instanceof Error ? error.message : String(error);
              const taskError = failureOf(reason, conn.redact);
              const runs = error instanceof TaskFailed ? error.attempts : 0;
              log(`job ${jobId}: task ${unit.data.label.task} (candidate ${unit.data.label.candidate}, variant ${unit.data.variant}, seed ${unit.data.seed}) failed after ${runs} run(s): ${taskError.message}`);
              settle(unit, (ref) => ({ ...ref, ok: false, error: taskError, attempts: runs }));
            }).finally(() => {
              outstanding.delete(unit);
              launch();
            });
          }
          if (inFlight === 0 && (next >= order.length || stop.aborted)) resolve();
        };
        launch();
      });
      if (stop.aborted) {
        // Take what this batch still has waiting off the queue; running tasks finish and stay for a resume.
        const left = order.filter((u) => !u.settled).map((u) => u.id);
        await Promise.allSettled(left.map(async (id) => {
          const state = await queue.getJobState(id);
          if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await queue.remove(id);
        }));
      }
    })();
    batches.set(local, finished);
    try {
      await finished;
    } finally {
      batches.delete(local);
      signal?.removeEventListener('abort', onAbort);
    }
    if (callbackError !== undefined) throw callbackError.error;
    const result = recorder.finish(stop.aborted);
    totals.cancelled += result.notRun.length;
    return result;
  }

  const workers = async (): Promise<{ count: number; threads: number }> => {
    const list = await queue.getWorkers();
    return { count: list.length, threads: list.reduce((sum, w) => sum + threadsOfWorker(w.name), 0) };
  };
  const found = await workers().catch(() => ({ count: 0, threads: 0 }));
  if (found.count === 0) log(`no worker is connected to queue "${queueName}" yet; start some with: greenwave worker --redis <url>`);

  return {
    jobId,
    scenarioHash,
    connection: conn.describe,
    stats,
    concurrency: Math.max(1, found.threads),
    workers,
    evaluate,
    close() {
      closing ??= (async () => {
        for (const controller of batches.keys()) controller.abort();
        await Promise.allSettled([...batches.values()]);
        await Promise.allSettled([events.close(), queue.close()]);
        redis.disconnect();
        return { ...totals };
      })();
      return closing;
    },
  };
}

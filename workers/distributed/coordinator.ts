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
 *    for a later run of the same job. Nothing of this waits on a Redis that is
 *    gone: clean-up and closing are bounded (2 s) and skipped while it is down.
 *  - Redis can fail: a connection lost for `connectionLossTimeoutS` (default
 *    30 s; ioredis reconnects meanwhile) fails the batch and every later call
 *    with a `RedisUnavailableError` (exit 2 in the CLI) saying what to do. A
 *    Redis that comes back without its data (restarted without persistence,
 *    flushed) is noticed by a marker key checked after every reconnection and
 *    every 10 s: the scenario and the candidates in flight are published again
 *    and the unfinished tasks enqueued again, so the batch completes.
 *
 * The Redis URL may carry a password and `rediss://` (TLS); nothing logged or
 * thrown contains the password.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../../engine/errors.js';
import {
  BatchRecorder, checkScenario, planBatch,
  type BatchResult, type EvaluateOptions, type EvaluationMetrics, type EvaluationOutcome, type EvaluationRequest, type EvaluationScenario, type Evaluator,
  type EvaluatorCloseReport, type TaskError, type TaskRef,
} from '../../engine/optimise/evaluator.js';
import { WIRE_VERSION, decodeMetrics, encodeCandidate, encodeScenario, taskKey, type TaskReply } from './codec.js';
import { RedisUnavailableError, openRedis, redisAdvice, withTimeout } from './client.js';
import { finishedByPolling } from './finished.js';
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
  /** Seconds the connection to Redis may be lost (while ioredis reconnects) before evaluation fails. Default 30. */
  connectionLossTimeoutS?: number;
  /**
   * Seconds between checks of a waited-for task's state in Redis, in case its
   * finish event was missed (see finished.ts). Default 15: a missed event costs
   * at most that long; each check is one Redis call per task in flight.
   */
  missedEventCheckS?: number;
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
  /** Tasks enqueued again after Redis lost its data. */
  reenqueued: number;
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
  // Remote workers reply with packed metrics only: how an equilibrium ended would be lost on the way back.
  const atEquilibrium = scenario.variants.findIndex((v) => v.options?.equilibrium !== undefined);
  if (atEquilibrium >= 0) throw new UsageError(`createQueueEvaluator: variants[${atEquilibrium}].options.equilibrium: equilibria run on a local pool (createPoolEvaluator) or in-process, not on a queue`);
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

  const lossTimeoutS = positive('connectionLossTimeoutS', options.connectionLossTimeoutS, 30, false);
  const missedEventCheckMs = 1000 * positive('missedEventCheckS', options.missedEventCheckS, 15, false);
  let lastError = '';
  let lastLogged = 0;
  /** Connection errors, each distinct one once and a repeat at most every 10 s (ioredis reports every reconnection attempt). */
  const logConnectionError = (message: string): void => {
    const now = Date.now();
    if (message !== lastError || now - lastLogged >= 10_000) {
      log(`redis ${conn.describe}: ${message}${downSince !== undefined ? ` (connection lost ${((now - downSince) / 1000).toFixed(0)} s ago; giving up after ${lossTimeoutS} s)` : ''}`);
      lastLogged = now;
    }
    lastError = message;
  };
  let downSince: number | undefined;
  const redis = await openRedis(conn, { onError: logConnectionError });
  // BullMQ's connections are ours (shared instances), so a Redis that is gone can be dropped at once:
  // BullMQ's own close would wait for ever for a QUIT to be answered.
  const queueClient = new Redis({ ...conn.options, maxRetriesPerRequest: null });
  const eventsClient = new Redis({ ...conn.options, maxRetriesPerRequest: null });
  const jobOptions: JobsOptions = {
    attempts,
    backoff: { type: 'fixed', delay: backoffMs },
    removeOnComplete: { age: retentionS },
    removeOnFail: { age: retentionS },
  };
  const queue = new Queue(queueName, { connection: queueClient, prefix });
  const events = new QueueEvents(queueName, { connection: eventsClient, prefix });
  queueClient.on('error', () => {}); // reported through the queue's own 'error' events below
  eventsClient.on('error', () => {});
  const dropConnections = (): void => {
    queueClient.disconnect();
    eventsClient.disconnect();
    redis.disconnect();
  };
  setMaxListeners(Infinity, events, queue); // listeners per task waited for
  const onError = (error: Error): void => logConnectionError(conn.redact(error.message));
  queue.on('error', onError);
  events.on('error', onError);
  const stats: QueueEvaluatorStats = { enqueued: 0, resumed: 0, adopted: 0, retriedFailures: 0, duplicates: 0, published: 0, reenqueued: 0 };
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
    await Promise.allSettled([withTimeout(queue.close(), 2000, 'closing'), withTimeout(events.close(), 2000, 'closing')]);
    dropConnections();
    const reason = conn.redact(error instanceof Error ? error.message : String(error));
    throw new RedisUnavailableError(`cannot use Redis at ${conn.describe}: ${reason}; ${redisAdvice(reason, conn)}`);
  }
  log(`job ${jobId}: scenario ${scenarioHash.slice(0, 12)} published (${bundle.byteLength} bytes) on ${conn.describe}, queue "${queueName}"`);

  const totals = { completed: 0, failed: 0, cancelled: 0, retried: 0 };
  const failedHere = new Set<string>(); // BullMQ ids that failed during this evaluator's life
  const batches = new Map<AbortController, Promise<unknown>>();
  let closing: Promise<EvaluatorCloseReport> | undefined;
  const startedAt = Date.now();

  // ---- Redis as a dependency that can fail: a lost connection is bounded; lost data is published and enqueued again.
  const marker = `${prefix}:coordinator:${jobId}:${randomUUID()}`;
  await redis.set(marker, '1', 'EX', retentionS);
  let fatal: RedisUnavailableError | undefined;
  /** Batches in flight: their candidates (to publish again) and units (to enqueue again) after Redis lost its data. */
  const inFlightBatches = new Set<{ candidates: Array<{ bytes: Uint8Array; hash: string }>; units: () => Unit[] }>();
  let recovering: Promise<void> | undefined;
  const recover = (): Promise<void> => (recovering ??= (async () => {
    try {
      if ((await redis.exists(marker)) === 1) return;
      const units = [...inFlightBatches].flatMap((b) => b.units().filter((u) => !u.settled));
      log(`job ${jobId}: Redis came back without its data (restarted without persistence, or flushed): publishing the scenario and ${inFlightBatches.size} batch(es) again and enqueueing ${units.length} unfinished task(s) again`);
      await redis.set(marker, '1', 'EX', retentionS);
      await publish('scenario', bundle, scenarioHash);
      for (const batch of inFlightBatches) for (const c of batch.candidates) await publish('candidate', c.bytes, c.hash);
      for (const unit of units) {
        if ((await queue.getJobState(unit.id)) === 'unknown') {
          await queue.add('simulate', unit.data, { ...jobOptions, jobId: unit.id });
          stats.reenqueued++;
        }
      }
    } catch (error) {
      logConnectionError(conn.redact(error instanceof Error ? error.message : String(error)));
    } finally {
      recovering = undefined;
    }
  })());
  const fail = (reason: string): void => {
    if (fatal !== undefined) return;
    fatal = new RedisUnavailableError(`lost the connection to Redis at ${conn.describe} for more than ${lossTimeoutS} s (${reason || 'no answer'}); ${redisAdvice(reason, conn)}. Finished tasks are kept in Redis under job ${jobId}: once Redis is back, run the same command again (with the same job id) to use them`);
    log(fatal.message);
    for (const controller of batches.keys()) controller.abort();
  };
  redis.on('close', () => { downSince ??= Date.now(); });
  redis.on('end', () => { downSince ??= Date.now(); });
  redis.on('ready', () => {
    if (downSince !== undefined) log(`redis ${conn.describe}: connected again after ${((Date.now() - downSince) / 1000).toFixed(1)} s`);
    downSince = undefined;
    lastError = '';
    void recover();
  });
  let lastCheck = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (downSince !== undefined) {
      if (now - downSince > lossTimeoutS * 1000) fail(lastError);
    } else if (now - lastCheck >= 10_000 && fatal === undefined) {
      lastCheck = now;
      void recover();
    }
  }, 500);
  watchdog.unref();


  /** Put one unit on the queue (or find it there). */
  async function enqueue(unit: Unit): Promise<Job> {
    const state = await queue.getJobState(unit.id);
    if (state === 'unknown') {
      stats.enqueued++;
      return queue.add('simulate', unit.data, { ...jobOptions, jobId: unit.id });
    }
    const job = await queue.getJob(unit.id);
    if (job === undefined) { // removed between the two calls (retention): add it again
      stats.enqueued++;
      return queue.add('simulate', unit.data, { ...jobOptions, jobId: unit.id });
    }
    if (state === 'completed') {
      stats.resumed++;
    } else if (state === 'failed' && !failedHere.has(unit.id) && (job.finishedOn ?? 0) < startedAt) {
      await job.retry('failed');
      stats.retriedFailures++;
      log(`job ${jobId}: task ${unit.id} had failed in an earlier run (${conn.redact(job.failedReason ?? '')}); retrying it`);
    } else if (state !== 'failed') {
      stats.adopted++;
    }
    return job;
  }

  /**
   * Put one unit on the queue (or find it there) and wait for its reply.
   * Rejects with the failure reason, or with "aborted" at once when `stop` is
   * aborted (Ctrl-C, close, a lost Redis), whatever Redis is doing.
   */
  async function run(unit: Unit, stop: AbortSignal): Promise<TaskReply> {
    if (stop.aborted) throw new Error('aborted');
    let onAbort: (() => void) | undefined;
    const done = new AbortController(); // ends the state checks when the wait ends
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        done.abort();
        reject(new Error('aborted'));
      };
      stop.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    let waited: Promise<TaskReply> | undefined;
    try {
      const job = await Promise.race([enqueue(unit), aborted]);
      waited = job.waitUntilFinished(events) as Promise<TaskReply>;
      const polled = finishedByPolling<TaskReply>(queue, unit.id, missedEventCheckMs, done.signal);
      polled.catch(() => {});
      return await Promise.race([waited, polled, aborted]);
    } catch (error) {
      if (stop.aborted) throw new Error('aborted');
      failedHere.add(unit.id);
      const failed = await withTimeout(queue.getJob(unit.id), 2000, 'no answer').catch(() => undefined);
      throw new TaskFailed(error instanceof Error ? error.message : String(error), failed?.attemptsStarted ?? failed?.attemptsMade ?? 1);
    } finally {
      done.abort();
      stop.removeEventListener('abort', onAbort!);
      waited?.catch(() => {});
    }
  }

  async function evaluate(request: EvaluationRequest, { signal, onProgress }: EvaluateOptions = {}): Promise<BatchResult> {
    if (closing !== undefined) throw new UsageError('evaluate(): the evaluator is closed');
    if (fatal !== undefined) throw fatal;
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
      let candidateHashes: string[] = [];
      const encoded = request.candidates.map((c) => encodeCandidate(c));
      try {
        await Promise.race([(async () => {
          await publish('scenario', bundle, scenarioHash);
          candidateHashes = await Promise.all(encoded.map((bytes) => publish('candidate', bytes)));
        })(), new Promise<never>((_, reject) => {
          if (stop.aborted) reject(new Error('aborted'));
          stop.addEventListener('abort', () => reject(new Error(fatal?.message ?? 'aborted')), { once: true });
        })]);
      } catch (error) {
        if (fatal !== undefined) throw fatal;
        if (stop.aborted) return;
        const reason = conn.redact(error instanceof Error ? error.message : String(error));
        throw new RedisUnavailableError(`cannot publish the batch on Redis at ${conn.describe}: ${reason}; ${redisAdvice(reason, conn)}`);
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
      const entry = { candidates: encoded.map((bytes, i) => ({ bytes, hash: candidateHashes[i] })), units: () => order };
      inFlightBatches.add(entry);
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
      inFlightBatches.delete(entry);
      if (stop.aborted && fatal === undefined && downSince === undefined) {
        // Take what this batch still has waiting off the queue (bounded: Redis may be going); running tasks finish and stay for a resume.
        const left = order.filter((u) => !u.settled).map((u) => u.id);
        await withTimeout(Promise.allSettled(left.map(async (id) => {
          const state = await queue.getJobState(id);
          if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await queue.remove(id);
        })), 2000, 'clean-up timed out').catch(() => log(`job ${jobId}: could not take the batch's waiting tasks off the queue within 2 s; workers will run them and keep their results`));
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
    if (fatal !== undefined) throw fatal;
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
        clearInterval(watchdog);
        for (const controller of batches.keys()) controller.abort();
        await Promise.allSettled([...batches.values()]);
        if (downSince === undefined && fatal === undefined) await withTimeout(redis.del(marker), 2000, 'closing').catch(() => {});
        // BullMQ closes its own (blocking) connections; ours are dropped after, whatever Redis is doing.
        await Promise.allSettled([withTimeout(events.close(), 2000, 'closing'), withTimeout(queue.close(), 2000, 'closing')]);
        dropConnections();
        return { ...totals };
      })();
      return closing;
    },
  };
}

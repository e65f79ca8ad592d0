/**
 * `createPoolEvaluator`: the `Evaluator` interface (engine/optimise) on a
 * `SimulationPool`. The scenario's network and variants are registered with the
 * pool once; a batch is dispatched seed-major with at most `pool.maxInFlight`
 * tasks handed out at a time, and recorded by task index, so its result is the
 * in-process evaluator's, task for task, whatever the number of workers.
 */
import { setMaxListeners } from 'node:events';
import { UsageError } from '../engine/errors.js';
import {
  BatchRecorder, checkScenario, planBatch,
  type BatchResult, type EvaluateOptions, type EvaluationRequest, type EvaluationScenario, type Evaluator, type EvaluatorCloseReport,
} from '../engine/optimise/evaluator.js';
import { SimulationPool, type PoolOptions } from './pool.js';

/** Options of {@link createPoolEvaluator}: a pool to share, or options for a pool of its own. */
export interface PoolEvaluatorOptions extends PoolOptions {
  /** Use this pool (not closed by the evaluator's `close()`); default: a new pool from the other options. */
  pool?: SimulationPool;
}

/** An `Evaluator` on a worker pool; `pool` is exposed for its stats and for sharing. */
export interface PoolEvaluator extends Evaluator {
  readonly pool: SimulationPool;
}

/** Evaluate batches of candidate plans on a Piscina worker pool. */
export function createPoolEvaluator(scenario: EvaluationScenario, options: PoolEvaluatorOptions = {}): PoolEvaluator {
  checkScenario(scenario, 'createPoolEvaluator');
  const { pool: given, ...poolOptions } = options;
  const pool = given ?? new SimulationPool(poolOptions);
  const network = pool.addNetwork(scenario.network);
  const variants = scenario.variants.map((v) => ({ demand: pool.addDemand(network, v.demand), options: v.options }));
  const totals = { completed: 0, failed: 0, cancelled: 0, retried: 0 };
  const batches = new Map<AbortController, Promise<unknown>>();
  let closing: Promise<EvaluatorCloseReport> | undefined;

  async function evaluate(request: EvaluationRequest, { signal, onProgress }: EvaluateOptions = {}): Promise<BatchResult> {
    if (closing !== undefined || pool.closed) throw new UsageError('evaluate(): the evaluator is closed');
    const { tasks, dispatch, detail } = planBatch(request, variants.length);
    const recorder = new BatchRecorder(tasks, onProgress);
    const local = new AbortController(); // aborted by `signal` or `close()`
    const stop = local.signal;
    setMaxListeners(Infinity, stop); // one listener per task in flight
    const onAbort = (): void => local.abort();
    if (signal?.aborted === true) local.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    let inFlight = 0;
    let callbackError: { error: unknown } | undefined;

    const finished = new Promise<void>((resolve) => {
      const launch = (): void => {
        while (!stop.aborted && !pool.closed && inFlight < pool.maxInFlight && next < dispatch.length) {
          const ref = dispatch[next++];
          const variant = variants[ref.variant];
          inFlight++;
          pool.run({
            network,
            demand: variant.demand,
            programs: request.candidates[ref.candidate],
            seed: ref.seed,
            detail,
            candidate: ref.candidate,
            variant: ref.variant,
            ...(variant.options !== undefined ? { options: variant.options } : {}),
          }, { signal: stop }).then((outcome) => {
            inFlight--;
            try {
              if (outcome.status === 'ok') {
                totals.completed++;
                totals.retried += outcome.attempts - 1;
                recorder.record({ ...ref, ok: true, metrics: outcome.metrics, attempts: outcome.attempts, elapsedMs: outcome.elapsedMs }, inFlight);
              } else if (outcome.status === 'failed') {
                totals.failed++;
                totals.retried += Math.max(0, outcome.attempts - 1);
                recorder.record({ ...ref, ok: false, error: outcome.error, attempts: outcome.attempts }, inFlight);
              }
              // 'cancelled': left out, listed in notRun.
            } catch (error) {
              // A throwing progress callback ends the batch; evaluate() rejects with its error.
              callbackError ??= { error };
              local.abort();
            }
          }, (error: unknown) => {
            inFlight--;
            callbackError ??= { error };
            local.abort();
          }).finally(launch);
        }
        if (inFlight === 0 && (next >= dispatch.length || stop.aborted || pool.closed)) resolve();
      };
      launch();
    });
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

  return {
    pool,
    concurrency: pool.threads,
    evaluate,
    close() {
      closing ??= (async () => {
        for (const controller of batches.keys()) controller.abort();
        await Promise.allSettled([...batches.values()]);
        if (given === undefined) await pool.close({ force: true });
        return { ...totals };
      })();
      return closing;
    },
  };
}

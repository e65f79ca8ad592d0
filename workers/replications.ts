/**
 * Replications: run one plan under N seeds (in parallel on a pool, or in-process
 * — any `Evaluator`) and report the mean and the Student-t confidence interval
 * of every network metric (`NetworkMetrics`); the statistics are in
 * engine/report/stats.ts.
 */
import { UsageError } from '../engine/errors.js';
import {
  type Candidate, type EvaluateOptions, type EvaluationFailure, type EvaluationResult, type Evaluator, type TaskRef,
} from '../engine/optimise/evaluator.js';
import { summariseMetrics, type MetricSummaries } from '../engine/report/stats.js';

export { incompleteBeta, studentTQuantile, summarise, summariseMetrics } from '../engine/report/stats.js';
export type { Summary, MetricSummaries } from '../engine/report/stats.js';

/** Options of {@link runReplications}. */
export interface ReplicationOptions extends EvaluateOptions {
  /** Seeds to run; or give `replications` (and `seed`). */
  seeds?: readonly number[];
  /** Number of runs, seeds `seed`, `seed + 1`, ... Default 10 when `seeds` is not given. */
  replications?: number;
  /** First seed. Default 1. */
  seed?: number;
  /** Variant index of the evaluator's scenario. Default 0. */
  variant?: number;
  /** Confidence level. Default 0.95. */
  level?: number;
}

/** What {@link runReplications} found. */
export interface ReplicationReport {
  seeds: number[];
  variant: number;
  level: number;
  /** Mean and interval of each metric over the successful runs. */
  summary: MetricSummaries;
  /** Successful runs, by seed order. */
  runs: EvaluationResult[];
  failures: EvaluationFailure[];
  notRun: TaskRef[];
  aborted: boolean;
}

/**
 * Run `programs` under N seeds on `evaluator` (its pool runs them in parallel)
 * and summarise every network metric. Failed runs are reported, not averaged.
 */
export async function runReplications(evaluator: Evaluator, programs: Candidate, options: ReplicationOptions = {}): Promise<ReplicationReport> {
  const { seeds: given, replications = 10, seed = 1, variant = 0, level = 0.95, signal, onProgress } = options;
  if (given === undefined && (!Number.isInteger(replications) || replications < 1)) {
    throw new UsageError(`options.replications must be a positive integer, got ${String(replications)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new UsageError(`options.seed must be a safe integer, got ${String(seed)}`);
  if (!(level > 0 && level < 1)) throw new UsageError(`options.level must be in (0, 1), got ${String(level)}`);
  const seeds = given !== undefined ? [...given] : Array.from({ length: replications }, (_, i) => seed + i);
  const batch = await evaluator.evaluate(
    { candidates: [programs], seeds, variants: [variant] },
    { ...(signal !== undefined ? { signal } : {}), ...(onProgress !== undefined ? { onProgress } : {}) },
  );
  return {
    seeds,
    variant,
    level,
    summary: summariseMetrics(batch.results.map((r) => r.metrics.network), level),
    runs: batch.results,
    failures: batch.failures,
    notRun: batch.notRun,
    aborted: batch.aborted,
  };
}

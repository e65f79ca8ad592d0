/**
 * Comparing plans honestly: every plan (current, Webster, actuated, max-pressure,
 * optimised ...) runs on the same held-out seeds — seeds the optimiser never saw
 * — and each metric is reported as a mean with its Student-t confidence interval
 * over the seeds. Because every plan sees the same vehicles on a given seed
 * (common random numbers), the difference to the reference plan is also given
 * as a paired interval (the mean and interval of the per-seed differences),
 * which is much tighter than comparing two separate intervals.
 */
import { UsageError } from '../errors.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import { levelOfService } from '../sim/metrics.js';
import type { NetworkMetrics } from '../sim/metrics.js';
import type { BatchResult, Candidate, EvaluateOptions, EvaluationResult, Evaluator } from '../optimise/evaluator.js';
import { runObjective, type ObjectiveName, DEFAULT_UNFINISHED_PENALTY } from '../optimise/optimise.js';
import { summarise, type Summary } from './stats.js';

/** Metrics in a comparison row. */
export const COMPARED_METRICS = ['objective', 'meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours', 'unfinished'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

/** One plan's results on the held-out seeds. */
export interface ComparisonRow {
  plan: string;
  metrics: Record<ComparedMetric, Summary>;
  /** Per-seed difference to the reference plan (this minus reference), paired by seed. */
  difference: Record<ComparedMetric, Summary> | null;
  /** Per signalised or priority junction: mean control delay over the seeds and its HCM level of service. */
  junctions: Array<{ id: string; controlDelay: Summary; los: string }>;
  /** Runs that failed (message per seed). */
  failures: Array<{ seed: number; message: string }>;
}

/** The comparison table (written as comparison.json). */
export interface Comparison {
  scenario: string;
  objective: ObjectiveName;
  heldOutSeeds: number[];
  level: number;
  /** Name of the plan differences are taken against. */
  reference: string;
  rows: ComparisonRow[];
}

/** Options of {@link comparePlans}. */
export interface CompareOptions extends EvaluateOptions {
  scenario: string;
  seeds: readonly number[];
  /** Variant index of the evaluator's scenario (the nominal demand). Default 0. */
  variant?: number;
  objective?: ObjectiveName;
  unfinishedPenalty?: number;
  level?: number;
  /** Plan to take paired differences against. Default the first. */
  reference?: string;
  /**
   * One variant per seed (same length as `seeds`): seed i runs on variant
   * `pairedVariants[i]` instead of `variant` (held-out demand perturbed per seed,
   * engine/optimise/perturb.ts). Default: every seed on `variant`.
   */
  pairedVariants?: readonly number[];
}

function metricsOf(m: NetworkMetrics, objective: ObjectiveName, penalty: number): Record<ComparedMetric, number> {
  return {
    objective: runObjective(m, objective, penalty),
    meanDelay: m.meanDelay,
    meanTravelTime: m.meanTravelTime,
    meanStops: m.meanStops,
    vehicleHours: m.vehicleHours,
    unfinished: m.unfinished,
  };
}

/** Run every plan on the held-out seeds (one batch) and summarise. */
export async function comparePlans(
  evaluator: Evaluator, net: CompiledNetwork, plans: ReadonlyArray<{ name: string; candidate: Candidate }>, options: CompareOptions,
): Promise<Comparison & { aborted: boolean }> {
  const { seeds, variant = 0, objective = 'delay', unfinishedPenalty = DEFAULT_UNFINISHED_PENALTY, level = 0.95 } = options;
  if (plans.length === 0) throw new UsageError('comparePlans: no plans');
  if (seeds.length === 0) throw new UsageError('comparePlans: no held-out seeds');
  const reference = options.reference ?? plans[0].name;
  const refIndex = plans.findIndex((p) => p.name === reference);
  if (refIndex < 0) throw new UsageError(`comparePlans: reference plan "${reference}" is not among the plans`);
  const evaluateOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  const candidates = plans.map((p) => p.candidate);
  let batch: Pick<BatchResult, 'results' | 'failures' | 'aborted'>;
  const paired = options.pairedVariants;
  if (paired === undefined) {
    batch = await evaluator.evaluate({ candidates, seeds, variants: [variant], detail: 'full' }, evaluateOptions);
  } else {
    if (paired.length !== seeds.length) throw new UsageError(`comparePlans: pairedVariants has ${paired.length} entries for ${seeds.length} seeds`);
    batch = { results: [], failures: [], aborted: false };
    for (let i = 0; i < seeds.length && !batch.aborted; i++) {
      const one = await evaluator.evaluate({ candidates, seeds: [seeds[i]], variants: [paired[i]], detail: 'full' }, evaluateOptions);
      batch.results.push(...one.results);
      batch.failures.push(...one.failures);
      batch.aborted = one.aborted;
    }
  }
  const byPlan: Array<Map<number, EvaluationResult>> = plans.map(() => new Map());
  for (const r of batch.results) byPlan[r.candidate].set(r.seed, r);
  const perSeed = byPlan.map((runs) => new Map([...runs].map(([seed, r]) => [seed, metricsOf(r.metrics.network, objective, unfinishedPenalty)])));
  const rows: ComparisonRow[] = plans.map((plan, c) => {
    const runs = [...byPlan[c].values()];
    const metrics = {} as Record<ComparedMetric, Summary>;
    for (const k of COMPARED_METRICS) metrics[k] = summarise([...perSeed[c].values()].map((m) => m[k]), level);
    let difference: ComparisonRow['difference'] = null;
    if (c !== refIndex) {
      difference = {} as Record<ComparedMetric, Summary>;
      for (const k of COMPARED_METRICS) {
        const diffs: number[] = [];
        for (const seed of seeds) {
          const a = perSeed[c].get(seed);
          const b = perSeed[refIndex].get(seed);
          if (a !== undefined && b !== undefined) diffs.push(a[k] - b[k]);
        }
        difference[k] = summarise(diffs, level);
      }
    }
    const junctions: ComparisonRow['junctions'] = [];
    for (let j = 0; j < net.junctionCount; j++) {
      const control = net.junctionControl[j];
      if (control === CONTROL_CODE.uncontrolled) continue;
      const delays = runs.map((r) => r.metrics.junctions?.controlDelay[j] ?? NaN);
      const s = summarise(delays, level);
      if (s.n === 0) continue;
      junctions.push({ id: net.junctionKey(j), controlDelay: s, los: levelOfService(s.mean, control === CONTROL_CODE.signal) });
    }
    const failures = batch.failures.filter((f) => f.candidate === c).map((f) => ({ seed: f.seed, message: `${f.error.name}: ${f.error.message}` }));
    return { plan: plan.name, metrics, difference, junctions, failures };
  });
  return { scenario: options.scenario, objective, heldOutSeeds: [...seeds], level, reference, rows, aborted: batch.aborted };
}

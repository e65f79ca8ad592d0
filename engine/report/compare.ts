/**
 * Comparing plans honestly: every plan (current, Webster, actuated, max-pressure,
 * optimised ...) runs on the same held-out seeds — seeds the optimiser never saw
 * — and each metric is reported as a mean with its Student-t confidence interval
 * over the seeds. Because every plan sees the same vehicles on a given seed
 * (common random numbers), the difference to the reference plan is also given
 * as a paired interval (the mean and interval of the per-seed differences),
 * which is much tighter than comparing two separate intervals.
 *
 * Gridlock and unfinished trips come first. Each row records the seeds on which
 * the plan gridlocked, and its means are given two ways: over every trip due
 * before the end of the run, unfinished ones counted to the end
 * (`meanDelayAllTrips`, `meanTravelTimeAllTrips`: CityFlow's average travel
 * time), and over finished trips only (`meanDelay`, `meanTravelTime`), which
 * hide every stranded trip. The `verdict` against the reference ranks gridlock
 * first: a plan that gridlocked on more seeds is worse, never "better" or
 * "inconclusive", whatever its means; with equal gridlock, the paired interval of
 * the objective decides (`better`/`worse` when it excludes 0, else
 * `inconclusive`). A junction the gridlock report names on any seed is LOS F.
 */
import { UsageError } from '../errors.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import { levelOfService } from '../sim/metrics.js';
import type { NetworkMetrics } from '../sim/metrics.js';
import type { BatchResult, Candidate, EvaluateOptions, EvaluationResult, Evaluator } from '../optimise/evaluator.js';
import { runObjective, type ObjectiveName, DEFAULT_UNFINISHED_PENALTY } from '../optimise/optimise.js';
import { summarise, type Summary } from './stats.js';

/** Metrics in a comparison row. */
export const COMPARED_METRICS = [
  'unfinished', 'objective', 'meanDelayAllTrips', 'meanTravelTimeAllTrips', 'meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours',
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

/** How a plan compares with the reference (see the file header); `reference` for the reference itself. */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'reference';

/** One plan's results on the held-out seeds. */
export interface ComparisonRow {
  plan: string;
  /** Held-out seeds on which the run gridlocked (stopped early with vehicles stuck). */
  gridlockedSeeds: number[];
  /** Against the reference: gridlock first, then the paired interval of the objective. */
  verdict: Verdict;
  /** Why: "gridlocked on 3 of 10 seeds (webster: 0)", "objective -12.3 ± 4.1 s, paired". */
  verdictReason: string;
  metrics: Record<ComparedMetric, Summary>;
  /** Per-seed difference to the reference plan (this minus reference), paired by seed. */
  difference: Record<ComparedMetric, Summary> | null;
  /**
   * Per signalised or priority junction: mean control delay over the seeds
   * (vehicles that never got through counted to the end), its HCM level of
   * service (F when it was blocked on any seed) and the seeds it was blocked on.
   */
  junctions: Array<{ id: string; controlDelay: Summary; los: string; blockedSeeds: number }>;
  /** Runs that failed (message per seed). */
  failures: Array<{ seed: number; message: string }>;
  /**
   * With `CompareOptions.links`: per link (index), means over the seeds of the
   * vehicles that entered it and of the time they lost on it, s summed over
   * vehicles (those that left it: left x (mean travel time - free-flow time), at
   * least 0).
   */
  links?: { vehicles: number[]; timeLoss: number[] };
  /**
   * The objective of each held-out run, in the order of `heldOutSeeds`; null where
   * the run failed. Kept so that any two rows can be paired by seed afterwards
   * ({@link pairedDifference}).
   */
  objectiveBySeed: Array<number | null>;
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
  /** Also give each row its per-link means (`ComparisonRow.links`). Default false. */
  links?: boolean;
}

/** Per-link means over `runs` (see `ComparisonRow.links`). */
function linkMeans(net: CompiledNetwork, runs: readonly EvaluationResult[]): { vehicles: number[]; timeLoss: number[] } {
  const vehicles = new Array<number>(net.linkCount).fill(0);
  const timeLoss = new Array<number>(net.linkCount).fill(0);
  const withLinks = runs.filter((r) => r.metrics.links !== undefined);
  for (const r of withLinks) {
    const { entered, left, meanTravelTime } = r.metrics.links!;
    for (let l = 0; l < net.linkCount; l++) {
      vehicles[l] += entered[l] / withLinks.length;
      const lost = meanTravelTime[l] - net.linkFreeFlowTime[l];
      if (left[l] > 0 && lost > 0) timeLoss[l] += (left[l] * lost) / withLinks.length;
    }
  }
  return { vehicles, timeLoss };
}

function metricsOf(m: NetworkMetrics, objective: ObjectiveName, penalty: number): Record<ComparedMetric, number> {
  return {
    objective: runObjective(m, objective, penalty),
    meanDelayAllTrips: m.meanDelayAllTrips,
    meanTravelTimeAllTrips: m.meanTravelTimeAllTrips,
    meanDelay: m.meanDelay,
    meanTravelTime: m.meanTravelTime,
    meanStops: m.meanStops,
    vehicleHours: m.vehicleHours,
    unfinished: m.unfinished,
  };
}

/**
 * The verdict of `row` against `ref` (see the file header): gridlocked seeds
 * first, then the paired interval of the objective.
 */
export function judge(
  row: Pick<ComparisonRow, 'gridlockedSeeds' | 'difference'>, ref: Pick<ComparisonRow, 'plan' | 'gridlockedSeeds'>, seeds: number,
): { verdict: Verdict; verdictReason: string } {
  return judgeObjective(row.gridlockedSeeds.length, row.difference?.objective, ref, seeds);
}

/** {@link judge} from the row's gridlocked seed count and its paired objective difference to `ref`. */
function judgeObjective(
  g: number, d: Summary | undefined, ref: Pick<ComparisonRow, 'plan' | 'gridlockedSeeds'>, seeds: number,
): { verdict: Exclude<Verdict, 'reference'>; verdictReason: string } {
  const gr = ref.gridlockedSeeds.length;
  if (g !== gr) {
    return { verdict: g < gr ? 'better' : 'worse', verdictReason: `gridlocked on ${g} of ${seeds} seeds (${ref.plan}: ${gr})` };
  }
  const gridlock = g > 0 ? `both gridlocked on ${g} of ${seeds} seeds; ` : '';
  if (d === undefined || !Number.isFinite(d.lower) || !Number.isFinite(d.upper)) {
    return { verdict: 'inconclusive', verdictReason: `${gridlock}no paired interval of the objective` };
  }
  const text = `${gridlock}objective ${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(1)} ± ${d.halfWidth.toFixed(1)}, paired by seed`;
  if (d.upper < 0) return { verdict: 'better', verdictReason: text };
  if (d.lower > 0) return { verdict: 'worse', verdictReason: text };
  return { verdict: 'inconclusive', verdictReason: `${text} (the interval includes 0)` };
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
      const blockedSeeds = runs.filter((r) => r.metrics.junctions?.blocked[j] === 1).length;
      const s = summarise(delays, level);
      if (s.n === 0 && blockedSeeds === 0) continue;
      junctions.push({ id: net.junctionKey(j), controlDelay: s, los: blockedSeeds > 0 ? 'F' : levelOfService(s.mean, control === CONTROL_CODE.signal), blockedSeeds });
    }
    const failures = batch.failures.filter((f) => f.candidate === c).map((f) => ({ seed: f.seed, message: `${f.error.name}: ${f.error.message}` }));
    const gridlockedSeeds = runs.filter((r) => r.metrics.gridlock !== undefined).map((r) => r.seed).sort((a, b) => a - b);
    const objectiveBySeed = seeds.map((seed) => perSeed[c].get(seed)?.objective ?? null);
    return {
      plan: plan.name, gridlockedSeeds, verdict: 'reference' as Verdict, verdictReason: '', metrics, difference, junctions, failures, objectiveBySeed,
      ...(options.links === true ? { links: linkMeans(net, runs) } : {}),
    };
  });
  const ref = rows[refIndex];
  for (const row of rows) {
    if (row === ref) continue;
    Object.assign(row, judge(row, ref, seeds.length));
  }
  return { scenario: options.scenario, objective, heldOutSeeds: [...seeds], level, reference, rows, aborted: batch.aborted };
}

/** The written plan against the best of the baselines, paired by seed ({@link versusBestBaseline}). */
export interface VersusBest {
  /** The plan judged (e.g. "optimised"). */
  plan: string;
  /** The baseline it is judged against: the one with the fewest gridlocked seeds, then the lowest mean objective. */
  baseline: string;
  /** Per-seed objective difference, plan minus baseline (negative: the plan is better). */
  difference: Summary;
  verdict: Exclude<Verdict, 'reference'>;
  verdictReason: string;
}

/**
 * Row `plan` minus row `other`, objective paired by held-out seed: the mean and
 * Student-t interval of the per-seed differences (Law, *Simulation Modeling and
 * Analysis*, 5th ed., §10.2.1, the paired-t interval; valid because both plans
 * ran on the same seeds: common random numbers). Seeds where either run failed
 * are left out.
 */
export function pairedDifference(plan: Pick<ComparisonRow, 'objectiveBySeed'>, other: Pick<ComparisonRow, 'objectiveBySeed'>, level: number): Summary {
  const diffs: number[] = [];
  const n = Math.min(plan.objectiveBySeed.length, other.objectiveBySeed.length);
  for (let i = 0; i < n; i++) {
    const a = plan.objectiveBySeed[i];
    const b = other.objectiveBySeed[i];
    if (a !== null && b !== null) diffs.push(a - b);
  }
  return summarise(diffs, level);
}

/**
 * The row named `plan` judged against the best of the `baselines` rows (fewest
 * gridlocked seeds, then lowest mean objective), with the same verdict rule as the
 * table ({@link judge}). Undefined when the plan or every baseline is missing. A
 * plan that beats Webster but only ties the best adaptive baseline reads
 * "inconclusive" here, whatever the table's column against Webster says.
 */
export function versusBestBaseline(comparison: Pick<Comparison, 'rows' | 'heldOutSeeds' | 'level'>, plan: string, baselines: readonly string[]): VersusBest | undefined {
  const row = comparison.rows.find((r) => r.plan === plan);
  const candidates = comparison.rows.filter((r) => r.plan !== plan && baselines.includes(r.plan));
  if (row === undefined || candidates.length === 0) return undefined;
  const best = candidates.reduce((a, b) => {
    if (a.gridlockedSeeds.length !== b.gridlockedSeeds.length) return a.gridlockedSeeds.length < b.gridlockedSeeds.length ? a : b;
    return b.metrics.objective.mean < a.metrics.objective.mean ? b : a;
  });
  const difference = pairedDifference(row, best, comparison.level);
  return { plan, baseline: best.plan, difference, ...judgeObjective(row.gridlockedSeeds.length, difference, best, comparison.heldOutSeeds.length) };
}

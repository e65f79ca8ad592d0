/**
 * Robust choice of the plan to write: the best few plans of every search are
 * scored again on fresh runs (seeds and demand variants never used in training
 * nor in the held-out comparison), against a common reference plan (Webster's),
 * and ranked by a pessimistic gain.
 *
 * For each candidate c and fresh run r, the paired gain is
 * g(c, r) = objective(c, r) - objective(reference, r) (negative = better). The
 * score is the upper end of a one-standard-error band,
 * mean_r g(c, r) + sd_r g(c, r) / sqrt(n): a plan whose mean gain rests on a few
 * runs has a large spread and loses to one that wins steadily. Gridlock and
 * stranded trips rank before the score (score.ts): a candidate that gridlocked
 * on more fresh runs ranks below one that gridlocked on fewer, then one that
 * left unfinished trips on more fresh runs below one that left them on fewer,
 * whatever their gains; then one whose adaptive control starved a movement on
 * more fresh runs (its longest queue stall far beyond that of its
 * `starvationReference`, by default the reference plan, on the same run:
 * starvation.ts) below one that did so on fewer; among equals the
 * lowest score is chosen. A candidate with a failed run scores Infinity.
 *
 * `overstatement` says how much the training objective flattered the plans:
 * the fresh mean minus the training value of each candidate, in the objective's
 * units (positive: training was optimistic).
 */
import { UsageError } from '../errors.js';
import type { Candidate, Evaluator } from './evaluator.js';
import { runObjective, type ObjectiveName, type ScoredPlan } from './optimise.js';
import { compareScores } from './score.js';
import { starvedRuns } from './starvation.js';

/** A plan entered in the re-ranking. */
export interface RerankInput {
  /** e.g. "fixed-time #1". */
  label: string;
  plan: ScoredPlan;
  /**
   * Index into the inputs of the plan whose stalls judge this one's starvation
   * (its search's start plan: the default controller of its kind); absent: the
   * reference plan (Webster's).
   */
  starvationReference?: number;
}

/** One candidate after the re-ranking. */
export interface RerankEntry {
  label: string;
  /** Objective on the training seeds and variants. */
  training: number;
  /** Mean objective on the fresh runs. */
  fresh: number;
  /** Mean paired gain against the reference on the fresh runs (negative = better). */
  gain: number;
  /** Standard error of that gain. */
  gainSe: number;
  /** gain + gainSe: the ranking key (lower is better). */
  score: number;
  /** Runs scored (pairs of seed and variant). */
  runs: number;
  /** Fresh runs that gridlocked: ranks first (fewer is better). */
  gridlockedRuns: number;
  /** Fresh runs that ended with unfinished trips (gridlocked ones included): ranks second. */
  strandedRuns: number;
  /** Fresh runs where the plan (adaptive control only) starved a movement next to the reference: ranks third. */
  starvedRuns: number;
}

/** What {@link rerankPlans} found. */
export interface RerankResult {
  /** Candidates, best score first. */
  ranked: RerankEntry[];
  /** Index into the inputs of the chosen plan (the first of `ranked`). */
  chosen: number;
  /** Fresh mean objective of the reference. */
  reference: number;
  /** Fresh runs: [seed, variant] pairs. */
  pairs: Array<[number, number]>;
  aborted: boolean;
}

/** Options of {@link rerankPlans}. */
export interface RerankOptions {
  /** Fresh (seed, variant index) pairs, each one run of every candidate. */
  pairs: ReadonlyArray<readonly [number, number]>;
  objective: ObjectiveName;
  /** Penalty per unfinished trip, s. */
  penalty: number;
  signal?: AbortSignal;
}


/** True for a plan run by adaptive control (actuated, max-pressure). */
function adaptive(plan: ScoredPlan): boolean {
  return plan.control !== undefined && plan.control.kind !== 'fixed';
}

function candidateOf(plan: ScoredPlan): Candidate {
  return plan.control ? { programs: plan.programs, control: plan.control } : plan.programs;
}

/** Re-rank `inputs` against `reference` on fresh runs; see the module header. */
export async function rerankPlans(evaluator: Evaluator, inputs: readonly RerankInput[], reference: Candidate, options: RerankOptions): Promise<RerankResult> {
  if (inputs.length === 0) throw new UsageError('rerankPlans: no candidates');
  if (options.pairs.length === 0) throw new UsageError('rerankPlans: no fresh runs');
  const candidates = [reference, ...inputs.map((i) => candidateOf(i.plan))];
  // values[c][r]: objective of candidate c (0 = reference) on fresh run r; NaN when it failed.
  const values = candidates.map(() => new Float64Array(options.pairs.length).fill(NaN));
  const stalls = candidates.map(() => new Float64Array(options.pairs.length).fill(NaN));
  const gridlocked = new Array<number>(candidates.length).fill(0);
  const stranded = new Array<number>(candidates.length).fill(0);
  let aborted = false;
  for (let r = 0; r < options.pairs.length && !aborted; r++) {
    const [seed, variant] = options.pairs[r];
    const batch = await evaluator.evaluate({ candidates, seeds: [seed], variants: [variant] }, options.signal ? { signal: options.signal } : {});
    for (const res of batch.results) {
      values[res.candidate][r] = runObjective(res.metrics.network, options.objective, options.penalty);
      stalls[res.candidate][r] = res.metrics.network.longestStall;
      if (res.metrics.gridlock !== undefined) gridlocked[res.candidate]++;
      if (res.metrics.network.unfinished > 0 || res.metrics.gridlock !== undefined) stranded[res.candidate]++;
    }
    aborted = batch.aborted;
  }
  const mean = (xs: ArrayLike<number>): number => {
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[i];
    return sum / xs.length;
  };
  const ref = values[0];
  const ranked = inputs.map((input, k): RerankEntry & { index: number } => {
    const own = values[k + 1];
    const complete = Array.from(own).every(Number.isFinite) && Array.from(ref).every(Number.isFinite);
    const gains = Array.from(own, (v, r) => v - ref[r]);
    const g = mean(gains);
    const sd = gains.length > 1 ? Math.sqrt(gains.reduce((s, x) => s + (x - g) ** 2, 0) / (gains.length - 1)) : 0;
    const se = sd / Math.sqrt(gains.length);
    return {
      index: k, label: input.label, training: input.plan.value, fresh: complete ? mean(own) : Infinity,
      gain: complete ? g : Infinity, gainSe: complete ? se : Infinity, score: complete ? g + se : Infinity, runs: gains.length,
      gridlockedRuns: gridlocked[k + 1], strandedRuns: stranded[k + 1],
      // fixed time serves every movement each cycle: only adaptive control can starve one
      starvedRuns: adaptive(input.plan) ? starvedRuns(stalls[k + 1], stalls[(input.starvationReference ?? -1) + 1]) : 0,
    };
  }).sort((a, b) => compareScores(
    { value: a.score, gridlockedRuns: a.gridlockedRuns, strandedRuns: a.strandedRuns, starvedRuns: a.starvedRuns },
    { value: b.score, gridlockedRuns: b.gridlockedRuns, strandedRuns: b.strandedRuns, starvedRuns: b.starvedRuns },
  ) || a.training - b.training);
  const chosen = ranked[0].index;
  return {
    ranked: ranked.map(({ index: _i, ...e }) => e),
    chosen,
    reference: mean(ref),
    pairs: options.pairs.map(([s, v]) => [s, v]),
    aborted,
  };
}

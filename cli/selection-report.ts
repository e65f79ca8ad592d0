/**
 * What `greenwave optimise` adds to comparison.json about its own honesty:
 *
 * - `heldOutDemand`: what the held-out runs ran on (nominal demand, or per-seed
 *   jittered copies when the demand has no randomness of its own);
 * - `selection`: the re-ranking on fresh runs that chose the plan (candidates
 *   with training value, fresh mean, paired gain against Webster and its
 *   standard error, the score, the fresh runs that gridlocked or left trips
 *   unfinished, which rank before the score);
 * - `overstatement`: how much the training objective flattered the chosen plan:
 *   its held-out objective minus its training objective (s; positive = training
 *   was optimistic), and the same for the gain against Webster where the
 *   training value of Webster's plan is known (the fixed-time search starts from it).
 */
import type { Comparison } from '../engine/report/compare.js';
import type { OptimiseResult, ScoredPlan } from '../engine/optimise/optimise.js';
import type { RerankResult } from '../engine/optimise/robust.js';

/** The fields {@link selectionReport} adds to comparison.json. */
export interface SelectionReport {
  heldOutDemand: string;
  selection: null | {
    method: string;
    freshRuns: Array<[number, number]>;
    referenceFresh: number;
    ranked: RerankResult['ranked'];
    chosen: string;
  };
  overstatement: {
    /** Training objective of the chosen plan. */
    training: number;
    /** Its held-out mean objective. */
    heldOut: number;
    /** heldOut - training (s). */
    objective: number;
    /** Its training gain against Webster (training objective minus Webster's), when Webster's training value is known. */
    trainingGain: number | null;
    /** Its held-out gain against Webster (paired mean). */
    heldOutGain: number | null;
    /** heldOutGain - trainingGain (s; positive = training promised more than held out). */
    gain: number | null;
  };
}

/** The report for `comparison` (whose plan "optimised" is `chosen`, reference Webster). */
export function selectionReport(
  comparison: Comparison, chosen: ScoredPlan, done: ReadonlyArray<{ control: string; result: OptimiseResult }>, rerank: RerankResult | undefined, heldOutDemand: string,
): SelectionReport {
  const row = comparison.rows.find((r) => r.plan === 'optimised');
  const heldOut = row?.metrics.objective.mean ?? NaN;
  // The fixed-time search starts from Webster's plan exactly: its start value is Webster on the training runs.
  const websterTraining = done.find((s) => s.control === 'fixed')?.result.start.value;
  const trainingGain = websterTraining === undefined ? null : chosen.value - websterTraining;
  const heldOutGain = row?.difference?.objective.mean ?? null;
  return {
    heldOutDemand,
    selection: rerank === undefined ? null : {
      method: 'best plans of each search re-run on fresh seeds and demand variants; ranked by fresh runs that gridlocked, then runs that left trips unfinished, then mean paired gain against Webster + 1 standard error',
      freshRuns: rerank.pairs,
      referenceFresh: rerank.reference,
      ranked: rerank.ranked,
      chosen: rerank.ranked[0]?.label ?? '',
    },
    overstatement: {
      training: chosen.value,
      heldOut,
      objective: heldOut - chosen.value,
      trainingGain,
      heldOutGain,
      gain: trainingGain === null || heldOutGain === null ? null : heldOutGain - trainingGain,
    },
  };
}

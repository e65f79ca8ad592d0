/**
 * The few best plans a search scored (its "elite"), kept for the re-ranking on
 * fresh runs (robust.ts): the whole-vector search (optimise.ts) and the
 * decomposed one (local-search.ts) keep them alike.
 */
import { UsageError } from '../errors.js';
import type { ScoredPlan } from './records.js';
import { compareScores } from './score.js';

/** Default number of plans kept. */
export const DEFAULT_ELITE_SIZE = 5;

/** Keeps the best `keep` plans (by `compareScores`: gridlocked, then starved runs, then the objective) with distinct finite objective values. */
export interface Elite {
  /** Offer a scored plan. */
  remember(plan: ScoredPlan): void;
  /** The plans kept, best first; `best` alone when none was kept and it is finite. */
  plans(best: ScoredPlan): ScoredPlan[];
}

/** An {@link Elite} of at most `keep` plans (an integer >= 1, default {@link DEFAULT_ELITE_SIZE}). */
export function createElite(keep = DEFAULT_ELITE_SIZE): Elite {
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`keep must be an integer >= 1, got ${String(keep)}`);
  const elite: ScoredPlan[] = [];
  return {
    remember(plan) {
      if (!Number.isFinite(plan.value)) return;
      if (elite.length === keep && compareScores(plan, elite[elite.length - 1]) >= 0) return;
      if (elite.some((e) => e.value === plan.value)) return; // the same score: almost surely the same behaviour (genes that do not bind)
      elite.push(plan);
      elite.sort(compareScores);
      if (elite.length > keep) elite.pop();
    },
    plans(best) {
      return elite.length === 0 && Number.isFinite(best.value) ? [best] : [...elite];
    },
  };
}

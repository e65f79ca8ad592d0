/**
 * How two scored plans rank: gridlock first, then (where the caller counts
 * them) runs that ended with unfinished trips, then runs where an adaptive
 * plan starved a movement (starvation.ts), then the objective. A plan that
 * gridlocked on any run is never better than one that did not, however low its
 * mean: a mean over runs that stopped early says nothing about the trips left
 * stranded. The search counts gridlocked runs only (its objective already
 * counts unfinished trips up to the end of the run); the robust re-ranking
 * (robust.ts) counts both, so the plan written never strands trips where
 * another candidate did not.
 */

/** What ranks two scored plans: their objective and how many of their runs gridlocked. */
export interface Score {
  value: number;
  /** Runs that gridlocked (absent: none). */
  gridlockedRuns?: number;
  /** Runs that ended with unfinished trips, gridlocked or not (absent: not counted). */
  strandedRuns?: number;
  /** Runs where an adaptive plan starved a movement next to a reference plan (starvation.ts; absent: none). */
  starvedRuns?: number;
}

/**
 * True when `a` is better than `b`: fewer gridlocked runs first (a plan that
 * gridlocks on any seed is never better than one that does not, whatever its
 * mean), then fewer runs with unfinished trips, then fewer starved runs, then
 * the lower objective.
 */
export function isBetterScore(a: Score, b: Score): boolean {
  return compareScores(a, b) < 0;
}

/** Sort order of {@link isBetterScore}: negative when `a` ranks first, 0 on a tie. */
export function compareScores(a: Score, b: Score): number {
  const g = (a.gridlockedRuns ?? 0) - (b.gridlockedRuns ?? 0);
  if (g !== 0) return g;
  const s = (a.strandedRuns ?? 0) - (b.strandedRuns ?? 0);
  if (s !== 0) return s;
  const h = (a.starvedRuns ?? 0) - (b.starvedRuns ?? 0);
  if (h !== 0) return h;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

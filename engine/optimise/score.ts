/**
 * How two scored plans rank: gridlock first, then the objective. A plan that
 * gridlocked on any run is never better than one that did not, however low its
 * mean: a mean over runs that stopped early says nothing about the trips left
 * stranded.
 */

/** What ranks two scored plans: their objective and how many of their runs gridlocked. */
export interface Score {
  value: number;
  /** Runs that gridlocked (absent: none). */
  gridlockedRuns?: number;
}

/**
 * True when `a` is better than `b`: fewer gridlocked runs first (a plan that
 * gridlocks on any seed is never better than one that does not, whatever its
 * mean), then the lower objective.
 */
export function isBetterScore(a: Score, b: Score): boolean {
  const ga = a.gridlockedRuns ?? 0;
  const gb = b.gridlockedRuns ?? 0;
  return ga !== gb ? ga < gb : a.value < b.value;
}

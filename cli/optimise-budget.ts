/**
 * What `greenwave optimise` spends: the kinds of plan it searches, the default
 * budget (evaluations, growing with the number of signals), how a budget is
 * shared by the kinds, the default number of training seeds, and from how many
 * signals the decomposed search is the default. Every default is stated on the
 * command's first line.
 */

/** Kinds of plan `greenwave optimise` searches. */
export const PLAN_CONTROLS = ['fixed', 'actuated', 'max-pressure'] as const;
export type PlanControl = (typeof PLAN_CONTROLS)[number];

/**
 * The default budget, evaluations in all: BUDGET_BASE + BUDGET_PER_SIGNAL per
 * signalised junction (a city has more to search; the decomposed search
 * tests every signal's genes in a few batches, so the need grows slowly).
 */
export const BUDGET_BASE = 400;
export const BUDGET_PER_SIGNAL = 3;

/** Share of the budget per kind of plan (renormalised over the kinds searched): max-pressure has five genes, fixed time the most. */
export const BUDGET_SHARES: Readonly<Record<PlanControl, number>> = { fixed: 0.5, actuated: 0.3, 'max-pressure': 0.2 };

/** Signals from which `--method auto` runs the decomposed (local) search on spaces with per-junction genes. */
export const LOCAL_SEARCH_MIN_SIGNALS = 30;

/**
 * Training seeds per candidate when --seeds is not given: 3, or 1 from
 * LOCAL_SEARCH_MIN_SIGNALS signals. A city's mean delay is over thousands of
 * trips, so one seed x the demand variants already averages much of the noise,
 * and a third of the runs per candidate buys three times the evaluations; the
 * held-out comparison shows whether the plan over-fitted.
 */
export function defaultSeeds(signals: number): number {
  return signals >= LOCAL_SEARCH_MIN_SIGNALS ? 1 : 3;
}

/** The default budget for `signals` signalised junctions. */
export function defaultBudget(signals: number): number {
  return BUDGET_BASE + BUDGET_PER_SIGNAL * signals;
}

/** `budget` shared by `controls` in proportion to BUDGET_SHARES, each at least 2 and summing to `budget` exactly. */
export function shareBudget(budget: number, controls: readonly PlanControl[]): number[] {
  const weights = controls.map((c) => BUDGET_SHARES[c]);
  const total = weights.reduce((a, b) => a + b, 0);
  const spare = budget - 2 * controls.length;
  const exact = weights.map((w) => (spare * w) / total);
  const parts = exact.map(Math.floor);
  let left = spare - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length][1]]++;
  return parts.map((p) => p + 2);
}

/**
 * Starvation: the way an adaptive controller comes close to gridlock long
 * before it strands anyone, and how the optimiser tells it from a plan that is
 * merely slow.
 *
 * A fixed-time plan serves every movement once a cycle, so the longest time a
 * queue goes without discharging a vehicle (`longestStall` of the run's
 * metrics) is about its longest red, more where spillback blocks an exit. An
 * adaptive controller serves what its rule prefers and may keep a movement red
 * indefinitely. Max-pressure with the `lanes` pressure and `ties: keep` does:
 * a phase's pressure sums, over its movements, the vehicles bound for each
 * minus those on its exit, so one vehicle waiting on a street cancels the
 * pressure of the phase that would let the opposite direction of that street
 * into it; two vehicles meeting on the two directions of one street in light
 * traffic hold each other's phase at zero pressure, level with an empty phase
 * that keeps its green, and wait until the gridlock timeout (Paris Marais,
 * held-out seed 100009: two vehicles, no blocked junction). On runs where other
 * traffic breaks the tie the same settings show stalls of 80-230 s where
 * Webster's plan shows 40-55 s.
 *
 * A run of an adaptive plan is *starved* when its longest stall exceeds
 * {@link STARVATION_FACTOR} times the reference plan's on the same run (same
 * seed and demand variant) and by more than {@link STARVATION_MARGIN_S}. The
 * reference is the default controller of the plan's kind (the search's start
 * plan), in the search (optimise.ts) and in the re-ranking (robust.ts,
 * `starvationReference`): tuned settings must not starve what the default
 * serves. Not Webster's plan: the default max-pressure controller itself
 * stalled a queue over twice as long as Webster's short cycles on one fresh
 * run of three on Macau and on grid-4x4 without ever gridlocking, so that
 * reference would have ranked the defaults below worse tuned settings.
 * The decomposed local search (local-search.ts, fixed time and actuated on
 * cities) checks it too, against its start plan: a candidate starving more
 * runs than the incumbent credits no move and is never accepted. Starved runs rank after gridlocked and stranded runs and
 * before the objective (score.ts). Fixed-time plans are never called starved:
 * their stalls follow their cycle, which the search sets on purpose.
 */

/** A run's longest stall must exceed this multiple of the reference's to be starved. */
export const STARVATION_FACTOR = 2;

/** ... and exceed the reference's by more than this, s (a short reference stall doubled is no starvation). */
export const STARVATION_MARGIN_S = 60;

/** True when a run with longest stall `stall` (s) is starved next to the reference's `reference` (s) on the same run. */
export function isStarved(stall: number, reference: number): boolean {
  return stall > STARVATION_FACTOR * reference && stall - reference > STARVATION_MARGIN_S;
}

/** Runs of `stalls` (s) that are starved next to `reference` (s, the same runs in the same order); NaN entries never count. */
export function starvedRuns(stalls: ArrayLike<number>, reference: ArrayLike<number>): number {
  let n = 0;
  for (let r = 0; r < stalls.length; r++) if (isStarved(stalls[r], reference[r])) n++;
  return n;
}

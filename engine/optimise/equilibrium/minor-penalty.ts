/**
 * The equilibrium's costs with SUMO's penalty for yielding turns added
 * (`EquilibriumOptions.minorPenaltyS`; which turns yield: sim/yielding-turns.ts).
 */
import type { IntervalCosts } from '../../routing/time-dependent.js';

/** `costs` with `seconds` added to every interval's cost of each movement marked in `yields` (new arrays; `costs` itself unchanged). */
export function withYieldPenalty(costs: IntervalCosts, yields: Uint8Array, seconds: number): IntervalCosts {
  if (seconds === 0) return costs;
  const movement = Float64Array.from(costs.movement);
  const M = yields.length;
  for (let x = 0; x < M; x++) {
    if (yields[x] === 0) continue;
    for (let i = 0; i < costs.intervals; i++) movement[i * M + x] += seconds;
  }
  return { ...costs, movement };
}

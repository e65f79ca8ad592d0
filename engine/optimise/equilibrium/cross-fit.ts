/**
 * How much of an equilibrium's remaining relative gap an assignment could still
 * remove, estimated by sample splitting (cross-fitting).
 *
 * The relative gap compares each trip's route with the fastest route on the same
 * measured costs. Those costs are means over the few vehicles of each movement
 * and interval, and the fastest route is a minimum over many routes of noisy
 * sums, so it is biased low: some route always looks faster because its noise
 * happened to be low (the winner's curse, or "optimizer's curse": Smith &
 * Winkler 2006, "The optimizer's curse: skepticism and postdecision surprise in
 * decision analysis", Management Science 52(3)). The bias is removed by choosing
 * on one sample and judging on an independent one: split the vehicles into two
 * halves (every second vehicle), take for every trip the fastest route on the
 * costs of half A, and time both that route and the trip's own route on the
 * costs of half B; the difference is an unbiased estimate of what moving to the
 * route chosen on A would gain. Over the trips for which A's fastest route is
 * faster than their own on A (the ones a swap would move), summed, averaged
 * over the two directions (A->B, B->A) and divided by the total route time:
 *     crossFitGap = 1/2 sum_(P,Q) sum_i [c_Q(r_i) - c_Q(r*_P,i)] 1{c_P(r*_P,i) < c_P(r_i)} / sum_i c_i
 * It is not clipped at zero, so it is negative when the routes the noisy costs
 * point to are on average slower than the trips' own: then no shortfall of the
 * assignment is detectable above the sampling noise, and the relative gap that
 * remains is the noise's. Choices on half the samples are worse than on all,
 * so it is a lower estimate of the assignment's part of the gap, not an exact
 * split.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { RouteSet } from '../../demand/route-swap.js';
import { traverse, type IntervalCosts, type TimeDependentRouter } from '../../routing/time-dependent.js';

/**
 * The cross-fitted gap (module header) of `routes` on the two half-sample costs
 * `a` and `b`, relative to `totalS` (the route time sum_i c_i of the trips marked
 * in `inRun`, s). Routes on `router` in departure slots of `slotS` s. Also
 * returns the labels its two searches settled.
 */
export function crossFitGap(
  net: CompiledNetwork, router: TimeDependentRouter, trips: TripTable, routes: RouteSet, inRun: Uint8Array,
  a: IntervalCosts, b: IntervalCosts, totalS: number, slotS: number,
): { gap: number; labels: number } {
  let gain = 0;
  let labels = 0;
  for (const [choose, judge] of [[a, b], [b, a]] as const) {
    const best = router.routeBatch(trips, choose, slotS);
    labels += router.settled;
    for (let i = 0; i < trips.count; i++) {
      const r0 = routes.offsets[i];
      const r1 = routes.offsets[i + 1];
      const b0 = best.offsets[i];
      const b1 = best.offsets[i + 1];
      if (inRun[i] === 0 || r1 === r0 || b1 === b0) continue;
      const depart = trips.depart[i];
      if (!(best.costs[i] < traverse(net, choose, routes.links, r0, r1, depart) - 1e-6)) continue;
      gain += traverse(net, judge, routes.links, r0, r1, depart) - traverse(net, judge, best.links, b0, b1, depart);
    }
  }
  return { gap: totalS > 0 ? gain / 2 / totalS : 0, labels };
}

/**
 * Gawron's route choice: the cost memory and probability update of a
 * traveller's route set, as SUMO's duarouter applies it between the iterations
 * of duaIterate.py.
 *
 * Gawron, C. (1998), "An iterative algorithm to determine the dynamic user
 * equilibrium in a traffic simulation model", International Journal of Modern
 * Physics C 9(3), 393-407 (sec. 4); SUMO documentation, "Demand/Dynamic User
 * Assignment" (gawron.beta, gawron.a, max-alternatives).
 *
 * Each traveller keeps a set of routes, each with an estimated cost c (s) and a
 * choice probability p. After a simulation every route's cost is re-measured on
 * the experienced travel times (m, s); the route the traveller drove takes m,
 * the others remember: c <- beta m + (1 - beta) c. Then every pair (r, s) of the
 * set, r before s, shares its probability mass anew (Gawron 1998, eq. 4.2, 4.3):
 *     delta = (c_s - c_r) / (c_s + c_r)
 *     g     = exp(a delta / (1 - delta^2))
 *     p_r'  = p_r (p_r + p_s) g / (p_r g + p_s),   p_s' = p_r + p_s - p_r'
 * so the cheaper of the two gains, the more the larger the relative difference
 * (a sets the sensitivity); the pairs are updated in order, each on the
 * probabilities the earlier pairs left. The pair's mass p_r + p_s is kept, so a
 * set's probabilities keep their sum. When the update is undefined (0/0, or
 * |delta| = 1) the cheaper route takes the pair's whole mass 1 and the other 0
 * (as SUMO does); probabilities are clamped to [0, 1].
 *
 * SUMO's duaIterate.py runs duarouter with gawron.beta 0.9 and gawron.a 0.5 (its
 * own defaults are 0.3 and 0.05; read from the configuration duaIterate writes),
 * and at most 5 routes per traveller.
 */

/** Parameters of Gawron's update. */
export interface GawronParameters {
  /** Weight of the newly measured cost of a route the traveller did not drive, (0, 1]. */
  beta: number;
  /** Sensitivity of the probability update to relative cost differences, >= 0. */
  a: number;
}

/** The parameters SUMO's duaIterate.py passes to duarouter: gawron.beta 0.9, gawron.a 0.5. */
export const DUAITERATE_GAWRON: Readonly<GawronParameters> = { beta: 0.9, a: 0.5 };

/**
 * A route's remembered cost after a measurement (s): `measured` when the
 * traveller drove it (`driven`), otherwise beta x measured + (1 - beta) x previous.
 */
export function gawronCost(previous: number, measured: number, beta: number, driven: boolean): number {
  return driven ? measured : beta * measured + (1 - beta) * previous;
}

/**
 * Gawron's pairwise probability update (module header, Gawron 1998 eq. 4.2-4.3)
 * of the first `n` routes in place: `cost[j]` (s, > 0) and `prob[j]` (0..1).
 */
export function gawronProbabilities(cost: Float64Array, prob: Float64Array, n: number, a: number): void {
  for (let r = 0; r < n - 1; r++) {
    for (let s = r + 1; s < n; s++) {
      const cr = cost[r];
      const cs = cost[s];
      const pr = prob[r];
      const ps = prob[s];
      const delta = (cs - cr) / (cs + cr);
      const denom = 1 - delta * delta;
      const g = denom === 0 ? Number.MAX_VALUE : Math.exp((a * delta) / denom);
      const below = pr * g + ps;
      let nr = below === 0 ? Number.MAX_VALUE : (pr * (pr + ps) * g) / below;
      let ns = pr + ps - nr;
      if (Number.isNaN(nr) || Number.isNaN(ns)) {
        nr = cs > cr ? 1 : 0;
        ns = cs > cr ? 0 : 1;
      }
      prob[r] = nr < 0 ? 0 : nr > 1 ? 1 : nr;
      prob[s] = ns < 0 ? 0 : ns > 1 ? 1 : ns;
    }
  }
}

/**
 * Held-out demand for scenarios whose demand has no randomness of its own.
 *
 * A demand of explicit trips (SUMO routes with departure times, a trip list)
 * and uniform flows expands to the same vehicles for every seed, and with
 * greenwave's deterministic kernel every seed then gives the same result: a
 * "held-out" comparison on other seeds is the training run again (± 0.0). For
 * such demand the held-out runs use perturbed copies, one per held-out seed,
 * documented here and in the README:
 *
 * - departure jitter: every trip departs at `depart + u`, `u` uniform in
 *   [-jitter, +jitter] (default 60 s), drawn from the variant's own random
 *   stream (`createRandom(seed).fork('held-out-jitter')`), never before the
 *   earliest departure of the original demand (so nothing leaves before the
 *   simulated period begins); routes and origins are kept;
 * - uniform flows keep their rate and are shifted as a whole by one such draw.
 *
 * Demand with its own randomness (Poisson flows, OD matrices) is left as it is:
 * its seeds already differ.
 */
import type { DemandSpec } from '../demand/demand.js';
import { createRandom } from '../demand/random.js';
import { UsageError } from '../errors.js';

/** Seeds held out for a comparison start this far above the training seeds, so the two never overlap. */
export const HELD_OUT_SEED_OFFSET = 100_000;

/** Default departure jitter of held-out variants, s. */
export const DEFAULT_HELD_OUT_JITTER_S = 60;

/** True when every seed expands `demand` to the same vehicles: trips and uniform flows only. */
export function isDeterministicDemand(demand: DemandSpec): boolean {
  if ((demand.od?.length ?? 0) > 0) return false;
  return (demand.flows ?? []).every((f) => f.arrivals === undefined || f.arrivals === 'uniform');
}

/** `demand` with every departure jittered by up to ±`jitterS` (see the module header), reproducible from `seed`. */
export function jitterDepartures(demand: DemandSpec, seed: number, jitterS = DEFAULT_HELD_OUT_JITTER_S): DemandSpec {
  if (!(Number.isFinite(jitterS) && jitterS >= 0)) throw new UsageError(`jitterDepartures: jitterS must be a number of seconds >= 0, got ${String(jitterS)}`);
  const random = createRandom(seed).fork('held-out-jitter');
  const shift = (): number => (2 * random.next() - 1) * jitterS;
  const trips = demand.trips ?? [];
  const flows = demand.flows ?? [];
  let earliest = Infinity;
  for (const t of trips) earliest = Math.min(earliest, t.depart);
  for (const f of flows) earliest = Math.min(earliest, f.begin);
  const out: DemandSpec = { ...demand };
  if (demand.trips !== undefined) out.trips = trips.map((t) => ({ ...t, depart: Math.max(earliest, t.depart + shift()) }));
  if (demand.flows !== undefined) {
    out.flows = flows.map((f) => {
      const d = Math.max(earliest - f.begin, shift());
      return { ...f, begin: f.begin + d, end: f.end + d };
    });
  }
  return out;
}

/** One held-out demand variant per held-out seed: `name` and the jittered demand. */
export function heldOutVariants(demand: DemandSpec, seeds: readonly number[], jitterS = DEFAULT_HELD_OUT_JITTER_S): Array<{ name: string; demand: DemandSpec }> {
  return seeds.map((seed) => ({ name: `held-out seed ${seed}: departures jittered ±${jitterS} s`, demand: jitterDepartures(demand, seed, jitterS) }));
}

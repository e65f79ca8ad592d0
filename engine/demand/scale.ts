/**
 * Demand variants: the same demand scaled up or down (x0.9, x1.1 ...), so a plan
 * can be scored on the demand it was designed for and on the days that are a
 * little quieter or busier. Flows and OD matrices scale their rates. Individual
 * trips cannot be scaled by a fraction, so trip i appears floor(factor) times plus
 * once more when u_i < the fractional part (copies are `${id}~2`, `~3` ...), with
 * u_i a fixed hash of the trip's index (x0.9 keeps trips with u_i < 0.9):
 * the same trips are kept or copied on every run, and x0.8 keeps a subset of
 * what x0.9 keeps.
 */
import { UsageError } from '../errors.js';
import type { DemandSpec, TripSpec } from './demand.js';

/** A uniform number in [0, 1) from an index (splitmix32 finaliser). */
function unitHash(i: number): number {
  let z = (i + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return (z >>> 0) / 4294967296;
}

/** `spec` with every rate multiplied by `factor` (> 0) and explicit trips thinned or duplicated. */
export function scaleDemand(spec: DemandSpec, factor: number): DemandSpec {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new UsageError(`demand scale must be a positive number, got ${String(factor)}`);
  if (factor === 1) return spec;
  const out: DemandSpec = {};
  if (spec.flows) out.flows = spec.flows.map((f) => ({ ...f, rate: f.rate * factor }));
  if (spec.od) out.od = spec.od.map((m) => ({ ...m, trips: m.trips.map((row) => row.map((v) => v * factor)) }));
  if (spec.trips) {
    const trips: TripSpec[] = [];
    const whole = Math.floor(factor);
    const fraction = factor - whole;
    spec.trips.forEach((t, i) => {
      const copies = whole + (unitHash(i) < fraction ? 1 : 0);
      for (let k = 0; k < copies; k++) trips.push(k === 0 ? t : { ...t, id: `${t.id ?? `trip${i}`}~${k + 1}` });
    });
    out.trips = trips;
  }
  return out;
}

/**
 * Time-of-day profiles: a dimensionless factor over time (s), piecewise linear
 * between the given points and constant (clamped) outside them. Demand rates are
 * multiplied by it; its exact integral gives expected vehicle counts, and the
 * inverse of that integral spaces vehicles evenly in expected count.
 *
 * Evaluation is d3-scale's clamped `scaleLinear`, written out (binary search for
 * the segment, then r0 (1 - u) + r1 u with u = (t - t0) / (t1 - t0), as d3's
 * piecewise scale and `interpolateNumber` compute it; test/demand/profile.test.ts
 * holds the two equal bit for bit). It is written out because loading d3-scale
 * and the six d3 modules it imports costs every command that reads a scenario
 * (`run`, `validate`, `import`) CPU for one interpolation: 27 ms to import them
 * alone, 2.9% of `validate`'s instructions on a 1 MB scenario. The HTML report
 * keeps d3-scale. The integral is computed in closed form from the same
 * points: trapezoids between points, rectangles beyond.
 */
import { InputError } from '../errors.js';
import { describeValue } from '../text/describe.js';
import { describeRange, inRange } from '../text/numbers.js';
import { isRecord } from '../text/record.js';

/** One point of a profile: at `time` (s) the factor is `factor` (>= 0, dimensionless). */
export interface ProfilePoint {
  time: number;
  factor: number;
}

/** A validated time-of-day profile. Build it with {@link createProfile}. */
export interface Profile {
  /** Point times, s, strictly increasing. */
  readonly times: Float64Array;
  /** Factor at each point time. */
  readonly factors: Float64Array;
  /** Factor at time `t` (s): linear between points, the first/last factor outside them. */
  factor(t: number): number;
  /** ∫ factor dt from the first point time to `t` (s·factor; negative for `t` before the first point). */
  cumulative(t: number): number;
  /** ∫ factor dt over [a, b] (s·factor), exact; negative if b < a. */
  integral(a: number, b: number): number;
  /**
   * Earliest time t with `cumulative(t) === y` (the inverse of {@link cumulative}):
   * `Infinity` if y is above every value reached (last factor 0), `-Infinity` if below
   * (first factor 0 and y < 0).
   */
  inverseCumulative(y: number): number;
  /** Largest factor over [a, b] (s), a <= b. */
  max(a: number, b: number): number;
}

class PiecewiseLinearProfile implements Profile {
  readonly times: Float64Array;
  readonly factors: Float64Array;
  /** cum[i] = ∫ factor from times[0] to times[i]. */
  private readonly cum: Float64Array;

  constructor(times: Float64Array, factors: Float64Array) {
    this.times = times;
    this.factors = factors;
    const n = times.length;
    this.cum = new Float64Array(n);
    for (let i = 1; i < n; i++) this.cum[i] = this.cum[i - 1] + ((times[i] - times[i - 1]) * (factors[i - 1] + factors[i])) / 2;
  }

  factor(t: number): number {
    const { times, factors } = this;
    const last = times.length - 1;
    if (!(t > times[0])) return Number.isNaN(t) ? NaN : factors[0];
    if (t >= times[last]) return factors[last];
    const i = this.segment(t);
    const u = (t - times[i]) / (times[i + 1] - times[i]);
    return factors[i] * (1 - u) + factors[i + 1] * u;
  }

  /** Index i of the segment [times[i], times[i+1]] holding t, for times[0] <= t < times[n-1]. */
  private segment(t: number): number {
    const times = this.times;
    let lo = 0;
    let hi = times.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  cumulative(t: number): number {
    const { times, factors, cum } = this;
    const n = times.length;
    if (t <= times[0]) return factors[0] * (t - times[0]);
    if (t >= times[n - 1]) return cum[n - 1] + factors[n - 1] * (t - times[n - 1]);
    const i = this.segment(t);
    const d = t - times[i];
    const slope = (factors[i + 1] - factors[i]) / (times[i + 1] - times[i]);
    return cum[i] + d * factors[i] + (slope * d * d) / 2;
  }

  integral(a: number, b: number): number {
    return this.cumulative(b) - this.cumulative(a);
  }

  inverseCumulative(y: number): number {
    const { times, factors, cum } = this;
    const n = times.length;
    if (y <= 0) {
      if (y === 0) return factors[0] > 0 ? times[0] : -Infinity;
      return factors[0] > 0 ? times[0] + y / factors[0] : -Infinity;
    }
    if (y > cum[n - 1]) return factors[n - 1] > 0 ? times[n - 1] + (y - cum[n - 1]) / factors[n - 1] : Infinity;
    // Smallest i with cum[i + 1] >= y: the segment where the cumulative reaches y.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid + 1] >= y) hi = mid;
      else lo = mid + 1;
    }
    const i = lo;
    const h = times[i + 1] - times[i];
    const f0 = factors[i];
    const slope = (factors[i + 1] - f0) / h;
    const r = y - cum[i];
    // Solve f0 d + slope d^2 / 2 = r in the cancellation-free form.
    const disc = Math.max(0, f0 * f0 + 2 * slope * r);
    const denom = f0 + Math.sqrt(disc);
    const d = denom > 0 ? (2 * r) / denom : 0;
    return times[i] + Math.min(Math.max(d, 0), h);
  }

  max(a: number, b: number): number {
    const { times, factors } = this;
    let m = Math.max(this.factor(a), this.factor(b));
    for (let i = 0; i < times.length; i++) if (times[i] > a && times[i] < b && factors[i] > m) m = factors[i];
    return m;
  }
}

/**
 * Validate `points` and build a profile. Throws `InputError` located under `path`
 * (default `profile`): e.g. `profile[2].time` when times are not strictly increasing,
 * `profile[0].factor` for a negative or non-finite factor, `profile` when empty.
 */
export function createProfile(points: readonly ProfilePoint[], path = 'profile'): Profile {
  if (!Array.isArray(points)) throw new InputError(path, `expected an array of { time, factor } points, found ${describeValue(points)}`);
  if (points.length === 0) throw new InputError(path, 'expected at least one { time, factor } point, found an empty array');
  const times = new Float64Array(points.length);
  const factors = new Float64Array(points.length);
  points.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(p)) throw new InputError(at, `expected a { time, factor } point, found ${describeValue(p)}`);
    if (!inRange(p.time, {})) throw new InputError(`${at}.time`, `expected a finite time in seconds, found ${describeValue(p.time)}`);
    if (i > 0 && !(p.time > times[i - 1])) {
      throw new InputError(`${at}.time`, `expected times strictly increasing, found ${p.time} after ${times[i - 1]} at ${path}[${i - 1}].time`);
    }
    if (!inRange(p.factor, { min: 0 })) throw new InputError(`${at}.factor`, `expected a factor (${describeRange({ min: 0 })}), found ${describeValue(p.factor)}`);
    times[i] = p.time;
    factors[i] = p.factor;
  });
  return new PiecewiseLinearProfile(times, factors);
}

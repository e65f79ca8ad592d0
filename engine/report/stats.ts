/**
 * Statistics for comparing runs: the mean and Student-t confidence interval of
 * each network metric over independent replications.
 *
 * For n runs with mean x̄ and sample standard deviation s (n - 1 in the
 * denominator), the interval is x̄ ± t(1 - α/2, n - 1) · s / √n (Law, *Simulation
 * Modeling and Analysis*, 5th ed., §9.4.1): replications are independent because
 * their seeds are. The t quantile is computed, not tabulated: the inverse of the
 * regularised incomplete beta function (continued fraction, Numerical Recipes
 * 3rd ed. §6.4) by bisection, to about 1e-12.
 */
import { UsageError } from '../errors.js';
import { NETWORK_METRIC_FIELDS } from '../optimise/evaluator.js';
import type { NetworkMetrics } from '../sim/metrics.js';

/** Mean and confidence interval of one metric. */
export interface Summary {
  /** Values used: the finite ones (a mean travel time is NaN in a run where nothing arrived). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); NaN for n < 2. */
  sd: number;
  /** Half-width of the interval, t · sd / √n; NaN for n < 2. */
  halfWidth: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

/** A summary of every `NetworkMetrics` field. */
export type MetricSummaries = Record<keyof NetworkMetrics, Summary>;

/** log Γ(x), x > 0: Lanczos approximation (g = 7, 9 terms), relative error ~1e-15. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom (p in (0, 1),
 * df > 0, may be fractional): the t with P(T <= t) = p.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new UsageError(`studentTQuantile(p, df): p must be in (0, 1), got ${String(p)}`);
  if (!(df > 0)) throw new UsageError(`studentTQuantile(p, df): df must be > 0, got ${String(df)}`);
  if (p === 0.5) return 0;
  const tail = p > 0.5 ? 1 - p : p; // one-sided tail mass
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2) = 2 tail; solve for x by bisection (I is increasing in x).
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, df / 2, 0.5) < 2 * tail) lo = mid;
    else hi = mid;
  }
  const x = (lo + hi) / 2;
  const t = Math.sqrt((df * (1 - x)) / x);
  return p > 0.5 ? t : -t;
}

/** Mean and two-sided Student-t confidence interval of the finite `values`. */
export function summarise(values: ArrayLike<number>, level = 0.95): Summary {
  if (!(level > 0 && level < 1)) throw new UsageError(`summarise(values, level): level must be in (0, 1), got ${String(level)}`);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) { n++; sum += values[i]; }
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) squares += (values[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : NaN;
  const halfWidth = n > 1 ? studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { n, mean, sd, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}

/** Summaries of every network metric over runs. */
export function summariseMetrics(runs: readonly NetworkMetrics[], level = 0.95): MetricSummaries {
  const out = {} as MetricSummaries;
  for (const field of NETWORK_METRIC_FIELDS) out[field] = summarise(runs.map((r) => r[field]), level);
  return out;
}

/** Pearson's correlation coefficient of two equally long series (NaN when either is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

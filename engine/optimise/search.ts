/**
 * Search methods over the unit box [0, 1]^d, written as ask/tell so candidates
 * are evaluated in batches (one batch = one call to the `Evaluator`, run in
 * parallel by a pool) and so the state can be checkpointed as JSON between
 * batches and resumed with nothing lost.
 *
 * - `cmaes`: separable CMA-ES (Ros and Hansen, "A simple modification in CMA-ES
 *   achieving linear time and space complexity", PPSN 2008), with the default
 *   parameters of Hansen, "The CMA Evolution Strategy: A Tutorial" (2016),
 *   section A, and the learning rates scaled by (n + 2) / 3 as Ros and Hansen
 *   propose. Diagonal rather than full covariance: a signal plan has 25 to 100+
 *   genes and the budget is a few hundred evaluations, far too few to learn a full
 *   n x n covariance (which needs on the order of n^2 evaluations), while the
 *   diagonal adapts per-gene step sizes (cycle, splits, offsets differ in
 *   sensitivity) in linear time. Box constraints are handled by repair: a sample is
 *   clipped into the box and the clipped point is what is evaluated and what
 *   enters the update (Lamarckian repair).
 * - `compass`: a batched compass (coordinate pattern) search (Kolda, Lewis and
 *   Torczon, "Optimization by direct search", SIAM Review 45, 2003): each batch
 *   tries +/- step along a block of coordinates from the incumbent; the best
 *   improving point becomes the incumbent; a full sweep of every coordinate
 *   without improvement halves the step.
 *
 * Randomness comes from `createRandom(seed).fork(...)` per generation, so a
 * resumed search draws exactly what an uninterrupted one would have.
 */
import { UsageError } from '../errors.js';
import { createRandom, type RandomStream } from '../demand/random.js';

/** Names of the search methods. */
export const SEARCH_METHODS = ['cmaes', 'compass'] as const;
export type SearchMethodName = (typeof SEARCH_METHODS)[number];

/** An ask/tell search over [0, 1]^d that minimises. */
export interface SearchMethod {
  readonly name: SearchMethodName;
  /** Candidates of the next batch, inside the box. */
  ask(): Float64Array[];
  /** Their objective values, in the order asked (Infinity for a failed candidate). */
  tell(xs: readonly Float64Array[], values: readonly number[]): void;
  /** True when the method has converged (step or spread below its tolerance). */
  readonly converged: boolean;
  /** JSON-safe state; pass it back to the factory to resume. */
  state(): SearchState;
}

/** Checkpointed state of a search (JSON). */
export type SearchState = { method: 'cmaes' } & CmaState | { method: 'compass' } & CompassState;

function normal(random: RandomStream): number {
  // Box-Muller; 1 - u keeps the logarithm finite
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const clip = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

// ---------------------------------------------------------------- sep-CMA-ES

interface CmaState {
  n: number;
  lambda: number;
  seed: number;
  generation: number;
  sigma: number;
  mean: number[];
  diag: number[];
  ps: number[];
  pc: number[];
}

/** Options of {@link createCmaEs}. */
export interface CmaEsOptions {
  /** Initial step size in box units. Default 0.25: offsets are multimodal, the start (Webster) is often far from good. */
  sigma?: number;
  /** Population (batch) size. Default 4 + floor(3 ln n) (Hansen 2016, at least 8 here for parallel batches). */
  lambda?: number;
  /** Seed of the sampling stream. Default 1. */
  seed?: number;
  /** Converged when sigma times the largest standard deviation falls below this. Default 1e-3. */
  tolerance?: number;
}

/** Separable CMA-ES from `x0` (or resumed from `state`). */
export function createCmaEs(x0: ArrayLike<number>, options: CmaEsOptions = {}, state?: CmaState): SearchMethod {
  const n = state?.n ?? x0.length;
  if (n < 1) throw new UsageError('cmaes: the search space has no genes');
  if (state === undefined && x0.length !== n) throw new UsageError('cmaes: bad start vector');
  const lambda = state?.lambda ?? options.lambda ?? Math.max(8, 4 + Math.floor(3 * Math.log(n)));
  if (!Number.isInteger(lambda) || lambda < 2) throw new UsageError(`cmaes: lambda must be an integer >= 2, got ${lambda}`);
  const seed = state?.seed ?? options.seed ?? 1;
  const tolerance = options.tolerance ?? 1e-3;
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const wsum = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / wsum);
  const mueff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cs = (mueff + 2) / (n + mueff + 5);
  const ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const c1full = 2 / ((n + 1.3) ** 2 + mueff);
  const cmufull = Math.min(1 - c1full, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
  const scale = (n + 2) / 3; // Ros and Hansen 2008
  const c1 = Math.min(1, c1full * scale);
  const cmu = Math.min(1 - c1, cmufull * scale);
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));

  const s: CmaState = state
    ? { ...state, mean: [...state.mean], diag: [...state.diag], ps: [...state.ps], pc: [...state.pc] }
    : {
      n, lambda, seed, generation: 0, sigma: options.sigma ?? 0.25,
      mean: Array.from(x0, clip), diag: new Array<number>(n).fill(1), ps: new Array<number>(n).fill(0), pc: new Array<number>(n).fill(0),
    };

  return {
    name: 'cmaes',
    get converged() {
      return s.sigma * Math.sqrt(Math.max(...s.diag)) < tolerance;
    },
    ask() {
      const random = createRandom(s.seed).fork(`cmaes generation ${s.generation}`);
      const out: Float64Array[] = [];
      for (let k = 0; k < s.lambda; k++) {
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = clip(s.mean[i] + s.sigma * Math.sqrt(s.diag[i]) * normal(random));
        out.push(x);
      }
      return out;
    },
    tell(xs, values) {
      if (xs.length !== values.length || xs.length < mu) throw new UsageError(`cmaes: tell needs at least ${mu} evaluated candidates, got ${xs.length}`);
      const order = values.map((v, i) => [Number.isNaN(v) ? Infinity : v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const ymean = new Float64Array(n);
      const ys: Float64Array[] = [];
      for (let k = 0; k < mu; k++) {
        const x = xs[order[k][1]];
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) y[i] = (x[i] - s.mean[i]) / s.sigma;
        ys.push(y);
        for (let i = 0; i < n; i++) ymean[i] += weights[k] * y[i];
      }
      for (let i = 0; i < n; i++) s.mean[i] = clip(s.mean[i] + s.sigma * ymean[i]);
      const csn = Math.sqrt(cs * (2 - cs) * mueff);
      let psNorm = 0;
      for (let i = 0; i < n; i++) {
        s.ps[i] = (1 - cs) * s.ps[i] + (csn * ymean[i]) / Math.sqrt(s.diag[i]);
        psNorm += s.ps[i] * s.ps[i];
      }
      psNorm = Math.sqrt(psNorm);
      const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (s.generation + 1))) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
      const ccn = Math.sqrt(cc * (2 - cc) * mueff);
      for (let i = 0; i < n; i++) {
        s.pc[i] = (1 - cc) * s.pc[i] + hsig * ccn * ymean[i];
        let rankMu = 0;
        for (let k = 0; k < mu; k++) rankMu += weights[k] * ys[k][i] * ys[k][i];
        s.diag[i] = (1 - c1 - cmu) * s.diag[i] + c1 * (s.pc[i] * s.pc[i] + (1 - hsig) * cc * (2 - cc) * s.diag[i]) + cmu * rankMu;
        s.diag[i] = Math.min(Math.max(s.diag[i], 1e-12), 1e6);
      }
      s.sigma = Math.min(s.sigma * Math.exp((cs / ds) * (psNorm / chiN - 1)), 1);
      s.generation++;
    },
    state: () => ({ method: 'cmaes', ...s, mean: [...s.mean], diag: [...s.diag], ps: [...s.ps], pc: [...s.pc] }),
  };
}

// ---------------------------------------------------------------- compass search

interface CompassState {
  n: number;
  step: number;
  incumbent: number[];
  value: number;
  /** Next coordinate to try. */
  cursor: number;
  /** Coordinates tried at this step without improvement since the last move. */
  failures: number;
  block: number;
}

/** Options of {@link createCompass}. */
export interface CompassOptions {
  /** Initial step in box units. Default 0.2. */
  step?: number;
  /** Converged below this step. Default 1/128. */
  minStep?: number;
  /** Coordinates tried per batch (2 candidates each). Default 4. */
  block?: number;
  /** Objective of x0, when known (else the first batch also evaluates x0). */
  value?: number;
}

/** Batched compass search from `x0` (or resumed from `state`). */
export function createCompass(x0: ArrayLike<number>, options: CompassOptions = {}, state?: CompassState): SearchMethod {
  const n = state?.n ?? x0.length;
  if (n < 1) throw new UsageError('compass: the search space has no genes');
  const minStep = options.minStep ?? 1 / 128;
  const s: CompassState = state
    ? { ...state, incumbent: [...state.incumbent] }
    : { n, step: options.step ?? 0.2, incumbent: Array.from(x0, clip), value: options.value ?? NaN, cursor: 0, failures: 0, block: Math.min(n, options.block ?? 4) };
  let pending: { withIncumbent: boolean } | undefined;

  return {
    name: 'compass',
    get converged() {
      return s.step < minStep;
    },
    ask() {
      const out: Float64Array[] = [];
      const withIncumbent = Number.isNaN(s.value);
      if (withIncumbent) out.push(Float64Array.from(s.incumbent));
      for (let b = 0; b < s.block; b++) {
        const i = (s.cursor + b) % n;
        for (const sign of [1, -1]) {
          const x = Float64Array.from(s.incumbent);
          x[i] = clip(x[i] + sign * s.step);
          out.push(x);
        }
      }
      pending = { withIncumbent };
      return out;
    },
    tell(xs, values) {
      if (pending === undefined) throw new UsageError('compass: tell without ask');
      let start = 0;
      if (pending.withIncumbent) {
        s.value = Number.isNaN(values[0]) ? Infinity : values[0];
        start = 1;
      }
      let best = -1;
      for (let k = start; k < xs.length; k++) if (values[k] < s.value && (best < 0 || values[k] < values[best])) best = k;
      if (best >= 0) {
        s.incumbent = Array.from(xs[best]);
        s.value = values[best];
        s.failures = 0;
      } else {
        s.failures += s.block;
        if (s.failures >= n) {
          s.step /= 2;
          s.failures = 0;
        }
      }
      s.cursor = (s.cursor + s.block) % n;
      pending = undefined;
    },
    state: () => ({ method: 'compass', ...s, incumbent: [...s.incumbent] }),
  };
}

/** A search method by name, from `x0`, or resumed from a checkpointed state. */
export function createSearch(
  method: SearchMethodName, x0: ArrayLike<number>, options: { seed?: number; batch?: number; value?: number } = {}, state?: SearchState,
): SearchMethod {
  if (state !== undefined && state.method !== method) throw new UsageError(`the checkpoint was written by the ${state.method} search, not ${method}`);
  switch (method) {
    case 'cmaes':
      return createCmaEs(x0, { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.batch !== undefined ? { lambda: options.batch } : {}) }, state as CmaState | undefined);
    case 'compass':
      return createCompass(x0, {
        ...(options.batch !== undefined ? { block: Math.max(1, Math.floor(options.batch / 2)) } : {}),
        ...(options.value !== undefined ? { value: options.value } : {}),
      }, state as CompassState | undefined);
    default:
      throw new UsageError(`unknown search method "${String(method)}"; use ${SEARCH_METHODS.join(' or ')}`);
  }
}

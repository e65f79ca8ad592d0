/**
 * Route-flow estimation from counts: the restricted master problem of the
 * column-generation path flow estimator (Nie, Zhang & Recker 2005, "Inferring
 * origin-destination trip matrices with a decoupled GLS path flow estimator",
 * Transportation Research Part B 39(6); the GLS form is Cascetta 1984).
 *
 * Unknowns: x_j >= 0, vehicles on column j = (route, departure slot). With A the
 * assignment matrix (`assignment.ts`), c the counts and x0 a prior (0 where none):
 *
 *   minimise  F(x) = sum_i w_i (A x - c)_i^2  +  lambda sum_j x_j  +  sum_j mu_j (x_j - x0_j)^2
 *
 *  - w_i = (3600 / duration_i) / max(c_i, 1): each squared error on hourly flows
 *    divided by the count, about GEH_i^2 / 2 (the GEH of `fit.ts`), so a
 *    15-minute count weighs like an hourly one;
 *  - lambda > 0 charges every vehicle: among route flows that reproduce the
 *    counts equally well, the one with the fewest vehicles wins. A vehicle whose
 *    route crosses several counted links is ONE vehicle serving all of them, not
 *    one per detector: the fleet inflation SUMO's routeSampler is known for, where
 *    short routes each fill one count, costs lambda per extra vehicle here;
 *  - mu_j = priorWeight / max(x0_j, 1) on the columns of the prior (generalised
 *    least squares with Poisson variance), 0 elsewhere.
 *
 * Solved by cyclic coordinate descent on the non-negative orthant (each step the
 * exact minimiser along x_j, clipped at 0), warm-started across iterations.
 * `integerise` then turns x into whole vehicles by rounding with local search
 * (floor, then add or remove single vehicles while F decreases).
 */
import type { Column } from './assignment.js';

/** The route-flow estimation problem over a growing set of columns. */
export class RouteFlowProblem {
  /** Targets c (vehicles per count row) and weights w. */
  readonly target: Float64Array;
  readonly weight: Float64Array;
  /** Prediction A x. */
  readonly predicted: Float64Array;
  /** Columns: route id, slot, sparse entries, prior and current value. */
  readonly route: number[] = [];
  readonly slot: number[] = [];
  readonly columns: Column[] = [];
  readonly prior: number[] = [];
  x: Float64Array = new Float64Array(64);
  private readonly index = new Map<string, number>();

  /**
   * @param target Observed vehicles per count row.
   * @param durations Duration of each count row, s.
   * @param lambda Charge per vehicle (fleet penalty), in the units of F.
   * @param priorWeight Weight of the prior term (mu_j = priorWeight / max(x0_j, 1)).
   */
  constructor(target: Float64Array, durations: Float64Array, readonly lambda: number, readonly priorWeight: number) {
    this.target = target;
    this.weight = new Float64Array(target.length);
    for (let i = 0; i < target.length; i++) this.weight[i] = 3600 / durations[i] / Math.max(target[i], 1);
    this.predicted = new Float64Array(target.length);
  }

  /** Number of columns. */
  get size(): number {
    return this.columns.length;
  }

  /** Column of (route, slot), or -1. */
  find(route: number, slot: number): number {
    return this.index.get(`${route}:${slot}`) ?? -1;
  }

  /** Add column (route, slot) with value `x0` (its prior, when `isPrior`); returns its index. */
  add(route: number, slot: number, column: Column, x0 = 0, isPrior = false): number {
    const j = this.columns.length;
    this.index.set(`${route}:${slot}`, j);
    this.route.push(route);
    this.slot.push(slot);
    this.columns.push(column);
    this.prior.push(isPrior ? x0 : NaN);
    if (j >= this.x.length) {
      const grown = new Float64Array(2 * this.x.length);
      grown.set(this.x);
      this.x = grown;
    }
    this.x[j] = x0;
    const { rows, values } = column;
    for (let k = 0; k < rows.length; k++) this.predicted[rows[k]] += values[k] * x0;
    return j;
  }

  /**
   * Replace the entries of columns `from` to `to` (exclusive) after the travel
   * times changed; call {@link recompute} once all are replaced.
   */
  replaceColumns(build: (route: number, slot: number) => Column, from = 0, to = this.columns.length): void {
    for (let j = from; j < Math.min(to, this.columns.length); j++) this.columns[j] = build(this.route[j], this.slot[j]);
  }

  /** Recompute A x from scratch (it drifts by rounding over many updates). */
  recompute(): void {
    this.predicted.fill(0);
    for (let j = 0; j < this.columns.length; j++) {
      const xj = this.x[j];
      if (xj === 0) continue;
      const { rows, values } = this.columns[j];
      for (let k = 0; k < rows.length; k++) this.predicted[rows[k]] += values[k] * xj;
    }
  }

  /** F(x) of the file header. */
  objective(): number {
    let f = 0;
    for (let i = 0; i < this.target.length; i++) f += this.weight[i] * (this.predicted[i] - this.target[i]) ** 2;
    for (let j = 0; j < this.columns.length; j++) {
      f += this.lambda * this.x[j];
      const p = this.prior[j];
      if (!Number.isNaN(p)) f += (this.priorWeight / Math.max(p, 1)) * (this.x[j] - p) ** 2;
    }
    return f;
  }

  /** Gradient of F with respect to the prediction of each row, 2 w_i (A x - c)_i, into `out`. */
  rowGradient(out: Float64Array): void {
    for (let i = 0; i < this.target.length; i++) out[i] = 2 * this.weight[i] * (this.predicted[i] - this.target[i]);
  }

  /** Reduced cost of a candidate column not in the problem: lambda + column . rowGradient. */
  reducedCost(column: Column, rowGradient: Float64Array): number {
    let g = this.lambda;
    for (let k = 0; k < column.rows.length; k++) g += column.values[k] * rowGradient[column.rows[k]];
    return g;
  }

  /**
   * Coordinate descent until a round (a sweep over every column, then four over
   * the columns above 0, where the work is once the zeros have settled) lowers F
   * by less than `relativeTolerance` x F, or `maxRounds` rounds ran. Returns the
   * rounds run.
   */
  solve(maxRounds: number, relativeTolerance: number): number {
    let round = 0;
    while (round < maxRounds) {
      round++;
      if (this.round(relativeTolerance)) break;
    }
    return round;
  }

  /** One round of {@link solve}; true when it lowered F by less than `relativeTolerance` x F. */
  round(relativeTolerance: number): boolean {
    const before = this.objective();
    this.sweep(false);
    for (let k = 0; k < 4; k++) this.sweep(true);
    this.recompute();
    const after = this.objective();
    return before - after <= relativeTolerance * Math.max(after, 1e-9);
  }

  /** One coordinate-descent sweep over every column (or, with `activeOnly`, those above 0). */
  private sweep(activeOnly: boolean): void {
    const { target, weight, predicted, lambda, priorWeight } = this;
    const x = this.x;
    for (let j = 0; j < this.columns.length; j++) {
      if (activeOnly && x[j] === 0) continue;
      const { rows, values } = this.columns[j];
      let g = lambda;
      let h = 0;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k];
        const a = values[k];
        g += 2 * weight[i] * a * (predicted[i] - target[i]);
        h += 2 * weight[i] * a * a;
      }
      const p = this.prior[j];
      if (!Number.isNaN(p)) {
        const mu = priorWeight / Math.max(p, 1);
        g += 2 * mu * (x[j] - p);
        h += 2 * mu;
      }
      if (h <= 0) {
        if (x[j] !== 0 && g > 0) this.shift(j, -x[j]);
        continue;
      }
      const step = Math.max(-x[j], -g / h);
      if (step !== 0) this.shift(j, step);
    }
  }

  private shift(j: number, step: number): void {
    this.x[j] += step;
    const { rows, values } = this.columns[j];
    for (let k = 0; k < rows.length; k++) this.predicted[rows[k]] += values[k] * step;
  }

  /** Change of F if column j's value changed by `step` (the prediction is not changed). */
  private delta(j: number, value: number, step: number, predicted: Float64Array): number {
    const { rows, values } = this.columns[j];
    let d = this.lambda * step;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      const before = predicted[i] - this.target[i];
      const after = before + values[k] * step;
      d += this.weight[i] * (after * after - before * before);
    }
    const p = this.prior[j];
    if (!Number.isNaN(p)) d += (this.priorWeight / Math.max(p, 1)) * ((value + step - p) ** 2 - (value - p) ** 2);
    return d;
  }

  /**
   * Whole vehicles per column: start from floor(x), then (largest fractional part
   * first) add a vehicle where that lowers F, then remove single vehicles where
   * that lowers F. Does not change `x`; returns the counts and their prediction.
   */
  integerise(): { vehicles: Int32Array; predicted: Float64Array } {
    const n = this.columns.length;
    const vehicles = new Int32Array(n);
    const predicted = new Float64Array(this.target.length);
    for (let j = 0; j < n; j++) {
      vehicles[j] = Math.floor(this.x[j] + 1e-9);
      const { rows, values } = this.columns[j];
      for (let k = 0; k < rows.length; k++) predicted[rows[k]] += values[k] * vehicles[j];
    }
    const apply = (j: number, step: number): void => {
      vehicles[j] += step;
      const { rows, values } = this.columns[j];
      for (let k = 0; k < rows.length; k++) predicted[rows[k]] += values[k] * step;
    };
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => this.x[j] - vehicles[j] > 1e-6)
      .sort((a, b) => (this.x[b] - vehicles[b]) - (this.x[a] - vehicles[a]) || a - b);
    for (const j of order) if (this.delta(j, vehicles[j], 1, predicted) < 0) apply(j, 1);
    for (let pass = 0; pass < 2; pass++) {
      let changed = false;
      for (let j = 0; j < n; j++) {
        if (vehicles[j] > 0 && this.delta(j, vehicles[j], -1, predicted) < 0) {
          apply(j, -1);
          changed = true;
        } else if (this.x[j] > 0 && this.delta(j, vehicles[j], 1, predicted) < 0) {
          apply(j, 1);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return { vehicles, predicted };
  }
}

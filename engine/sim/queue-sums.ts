/**
 * Queue sums: linear forms of the movements' queue lengths with integer
 * coefficients, which the kernel keeps current as vehicles join and leave
 * movement queues (`ControllerView.queueSums`, signals/controller.ts). An
 * adaptive controller that weighs the same queues at every decision
 * (max-pressure) registers its weights once and reads the sums when it decides,
 * instead of re-reading every queue each time.
 *
 * Exactness: coefficients are integers of magnitude at most
 * `MAX_QUEUE_SUM_COEFFICIENT` and queue lengths are integers, so every value is
 * an integer held exactly by a float64 (below 2^53 while the queues a form
 * weighs hold fewer than 2^17 vehicles): the order in which queues change
 * cannot change a value, unlike a float sum.
 *
 * Cost: a queue change adds its coefficient to each form that weighs its
 * movement (a CSR row per movement); a run without registered forms pays an
 * empty row per change. Registering is linear in the terms: the rows are laid
 * out again once, at the first queue change after any number of `add`s (every
 * controller of a run registers at its start, before the first change), not
 * at each `add` (which made a run's registrations quadratic in its
 * controllers: 22% of building a 10x10 grid's max-pressure simulation).
 */
import { MAX_QUEUE_SUM_COEFFICIENT, type ControllerQueueSums } from '../signals/controller.js';

/** The kernel's queue sums over one run's movements. */
export class QueueSums implements ControllerQueueSums {
  /** Current value of every registered form (its length may exceed the forms registered: room to grow). */
  values = new Float64Array(0);

  /** Per movement (CSR over `rowOffsets`, length movements + 1): the forms weighing it and its coefficient in each. */
  private rowOffsets: Int32Array;
  private rowForms: Int32Array = new Int32Array(0);
  private rowCoefficients: Float64Array = new Float64Array(0);

  private readonly queueLength: Int32Array;
  /** Forms registered (the first `forms` entries of `values`). */
  private forms = 0;
  /** The rows do not hold the terms of the last `add`s yet (laid out at the next change). */
  private stale = false;
  /** Every registered term: form, movement, coefficient. */
  private readonly termForms: number[] = [];
  private readonly termMovements: number[] = [];
  private readonly termCoefficients: number[] = [];

  /** Sums over the queues in `queueLength` (one entry per movement, read when forms are added). */
  constructor(queueLength: Int32Array) {
    this.queueLength = queueLength;
    this.rowOffsets = new Int32Array(queueLength.length + 1);
  }

  /** See `ControllerQueueSums.add`. Throws for a movement out of range, a coefficient that is not a small enough integer, or offsets that do not cover the terms. */
  add(offsets: Int32Array, movements: Int32Array, coefficients: Float64Array): number {
    const forms = offsets.length - 1;
    if (forms < 0 || offsets[0] !== 0 || offsets[forms] !== movements.length || coefficients.length !== movements.length) {
      throw new RangeError(`queue sums: offsets must run from 0 to the number of terms (${movements.length}), one coefficient per term`);
    }
    const q = this.queueLength;
    // Check every form before keeping any term, so a refused batch leaves nothing behind.
    for (let f = 0; f < forms; f++) {
      if (!(offsets[f + 1] >= offsets[f])) throw new RangeError(`queue sums: offsets must not decrease (form ${f})`);
    }
    for (let k = 0; k < movements.length; k++) {
      const e = movements[k];
      const c = coefficients[k];
      if (!(e >= 0 && e < q.length)) throw new RangeError(`queue sums: movement ${e} out of range (0-${q.length - 1})`);
      if (!Number.isInteger(c) || Math.abs(c) > MAX_QUEUE_SUM_COEFFICIENT) {
        throw new RangeError(`queue sums: coefficients must be integers of magnitude at most ${MAX_QUEUE_SUM_COEFFICIENT}, got ${c}`);
      }
    }
    const base = this.forms;
    let values = this.values;
    if (base + forms > values.length) {
      values = new Float64Array(Math.max(base + forms, 2 * values.length));
      values.set(this.values.subarray(0, base));
    }
    for (let f = 0; f < forms; f++) {
      let value = 0;
      for (let k = offsets[f]; k < offsets[f + 1]; k++) {
        const e = movements[k];
        const c = coefficients[k];
        value += c * q[e];
        this.termForms.push(base + f);
        this.termMovements.push(e);
        this.termCoefficients.push(c);
      }
      values[base + f] = value;
    }
    this.values = values;
    this.forms = base + forms;
    if (forms > 0) this.stale = true;
    return base;
  }

  /** The queue of movement `e` changed by `delta` vehicles: update every form weighing it. */
  change(e: number, delta: number): void {
    if (this.stale) this.rebuildRows();
    const values = this.values;
    const forms = this.rowForms;
    const coefficients = this.rowCoefficients;
    for (let i = this.rowOffsets[e], end = this.rowOffsets[e + 1]; i < end; i++) values[forms[i]] += delta * coefficients[i];
  }

  /** Lay the terms out by movement (a counting sort), so a queue change walks one row. */
  private rebuildRows(): void {
    const n = this.termMovements.length;
    const offsets = new Int32Array(this.queueLength.length + 1);
    for (let k = 0; k < n; k++) offsets[this.termMovements[k] + 1]++;
    for (let e = 0; e < this.queueLength.length; e++) offsets[e + 1] += offsets[e];
    const at = offsets.slice(0, -1);
    const rowForms = new Int32Array(n);
    const rowCoefficients = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const slot = at[this.termMovements[k]]++;
      rowForms[slot] = this.termForms[k];
      rowCoefficients[slot] = this.termCoefficients[k];
    }
    this.rowOffsets = offsets;
    this.rowForms = rowForms;
    this.rowCoefficients = rowCoefficients;
    this.stale = false;
  }
}

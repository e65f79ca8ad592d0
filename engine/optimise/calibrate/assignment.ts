/**
 * The dynamic assignment model of the calibration: which counts a vehicle on a
 * given route, departing in a given time slot, adds to (the columns of the
 * assignment matrix A in c ~ A x).
 *
 * Departures of a (route, slot) column are spread evenly over the slot. The slot
 * is cut into 4 sub-slots; a vehicle departing in sub-slot q enters each link of
 * the route at the time `TravelTimes.walk` gives for the sub-slot's middle, so the
 * sub-slot's departures cross link l during the sub-slot shifted by that offset.
 * Entry A[i][j] is the share of column j's vehicles whose crossing falls in count
 * i's interval (a link: entering it; a movement: leaving the approach through it).
 * This is the linear, time-shifted assignment of dynamic OD estimation (Cascetta,
 * Inaudi & Marquis 1993), with travel times taken from the simulation in the loop.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { CountSet } from '../../demand/counts.js';
import type { TravelTimes } from './travel-times.js';

/** A departure time slot, s since midnight. */
export interface Slot {
  begin: number;
  end: number;
}

/**
 * Departure slots for `counts` in a run starting at `start`: the shortest count
 * interval (clamped to 300..3600 s) tiles the counted period from its first
 * begin; one warm-up slot of the same length (shorter if the run starts later)
 * precedes it when the run starts before the counts, so the network is already
 * loaded when counting begins, as on a real street.
 */
export function countSlots(counts: CountSet, start: number): Slot[] {
  let shortest = Infinity;
  for (const r of counts.rows) shortest = Math.min(shortest, r.end - r.begin);
  const length = Math.min(3600, Math.max(300, shortest));
  const slots: Slot[] = [];
  if (counts.begin > start) slots.push({ begin: Math.max(start, counts.begin - length), end: counts.begin });
  for (let b = counts.begin; b < counts.end; b += length) slots.push({ begin: b, end: Math.min(b + length, counts.end) });
  return slots;
}

/** Sub-slots per slot in the time-shifted assignment. */
export const SUB_SLOTS = 4;

/** A sparse column: count rows and the share of the column's vehicles each receives. */
export interface Column {
  rows: Int32Array;
  values: Float64Array;
}

/** Builds assignment columns on one network and count set. Not re-entrant (it reuses scratch memory). */
export class Assignment {
  /** Count location of each link (link counts) and movement (turn counts), -1 if uncounted. */
  readonly linkLocation: Int32Array;
  readonly movementLocation: Int32Array;
  private readonly scratch: Float64Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private times = new Float64Array(64);

  constructor(net: CompiledNetwork, readonly counts: CountSet, readonly slots: readonly Slot[], readonly travel: TravelTimes) {
    this.linkLocation = new Int32Array(net.linkCount).fill(-1);
    this.movementLocation = new Int32Array(net.movementCount).fill(-1);
    counts.locations.forEach((loc, k) => {
      if (loc.kind === 'link') this.linkLocation[loc.link] = k;
      else this.movementLocation[loc.movement] = k;
    });
    this.scratch = new Float64Array(counts.rows.length);
    this.touched = new Int32Array(counts.rows.length);
  }

  /** First row of location `k` whose interval ends after `t` (the end of its rows if none). */
  private firstRow(k: number, t: number): number {
    const rows = this.counts.rows;
    let a = this.counts.rowOffsets[k];
    let b = this.counts.rowOffsets[k + 1];
    while (a < b) {
      const mid = (a + b) >> 1;
      if (rows[mid].end <= t) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  /**
   * Sum over the rows of location `k` overlapping the window [lo, hi) of
   * overlap / (hi - lo) x `vector[row]`: what one vehicle crossing `k` uniformly
   * within the window adds to `vector`'s dot product.
   */
  windowDot(k: number, lo: number, hi: number, vector: Float64Array): number {
    const rows = this.counts.rows;
    let sum = 0;
    for (let i = this.firstRow(k, lo), end = this.counts.rowOffsets[k + 1]; i < end && rows[i].begin < hi; i++) {
      const o = Math.min(hi, rows[i].end) - Math.max(lo, rows[i].begin);
      if (o > 0) sum += o * vector[i];
    }
    return sum / (hi - lo);
  }

  /** Add `weight` x overlap / (hi - lo) to the scratch entry of every row of location `k` overlapping [lo, hi). */
  private accumulate(k: number, lo: number, hi: number, weight: number): void {
    const rows = this.counts.rows;
    const scale = weight / (hi - lo);
    for (let i = this.firstRow(k, lo), end = this.counts.rowOffsets[k + 1]; i < end && rows[i].begin < hi; i++) {
      const o = Math.min(hi, rows[i].end) - Math.max(lo, rows[i].begin);
      if (o <= 0) continue;
      if (this.scratch[i] === 0) this.touched[this.touchedCount++] = i;
      this.scratch[i] += o * scale;
    }
  }

  /** The column of `route` (link indices) departing in slot `slot`. */
  column(route: Int32Array, slot: number, net: CompiledNetwork): Column {
    const { begin, end } = this.slots[slot];
    if (this.times.length < route.length + 1) this.times = new Float64Array(2 * (route.length + 1));
    const times = this.times;
    const width = (end - begin) / SUB_SLOTS;
    for (let q = 0; q < SUB_SLOTS; q++) {
      const lo = begin + q * width;
      const mid = lo + width / 2;
      this.travel.walk(route, mid, times);
      for (let j = 0; j < route.length; j++) {
        const k = this.linkLocation[route[j]];
        if (k >= 0) this.accumulate(k, lo + times[j] - mid, lo + width + times[j] - mid, 1 / SUB_SLOTS);
        if (j + 1 < route.length) {
          const e = net.movementBetween(route[j], route[j + 1]);
          const km = e >= 0 ? this.movementLocation[e] : -1;
          if (km >= 0) this.accumulate(km, lo + times[j + 1] - mid, lo + width + times[j + 1] - mid, 1 / SUB_SLOTS);
        }
      }
    }
    const n = this.touchedCount;
    const rows = new Int32Array(n);
    const values = new Float64Array(n);
    const order = this.touched.subarray(0, n).sort();
    for (let i = 0; i < n; i++) {
      rows[i] = order[i];
      values[i] = this.scratch[order[i]];
      this.scratch[order[i]] = 0;
    }
    this.touchedCount = 0;
    return { rows, values };
  }
}

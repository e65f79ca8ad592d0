/**
 * A bucket queue for Dijkstra on positive costs (Dial 1969, with Dinitz's 1978
 * width for real-valued costs): the router's queue for full trees and batches
 * wherever the cheapest link costs more than 0 and at most `MAX_COST_SPAN` times
 * less than the costliest.
 *
 * Buckets have the width w of the cheapest link cost (times 1 - 1e-9, see
 * below), bucket k holding the labels in [k w, (k + 1) w). Why any label in the
 * lowest non-empty bucket is final, so no order is needed inside a bucket: the
 * cheapest route to a junction v passes last through some u with
 * dist(u) <= dist(v) - w, a lower bucket, already settled and relaxed, so v's
 * label is already its cheapest. A push and a pop are O(1) (an intrusive doubly
 * linked list per bucket; a relabelled junction moves between lists); the queue
 * scans one empty bucket per width w of cost it advances, hence the bound on
 * the cost span: the costs of a queue's labels span at most max/min + 1
 * buckets, a ring of that many (rounded up to a power of two) holds them all.
 *
 * Rounding: with the width shrunk by 1e-9, a relaxation lands at least
 * 1 + 1e-9 buckets above its source, far beyond the rounding of k = d / w for
 * any k below 1e6. Should a label still land in or below the bucket being
 * emptied, it goes into that bucket and is settled again (label correcting), so
 * the result stays exact.
 *
 * Pop order inside a bucket is last in, first out: which of two equal-cost
 * routes a tree keeps follows from it (the first relaxation that reaches a
 * junction at its final cost wins, as with the heap, whose order is different).
 */

const NONE = -1;

/** Largest costliest/cheapest link cost ratio for which the router uses buckets. */
export const MAX_COST_SPAN = 64;

/**
 * Bucket width for link costs between `minCost` and `maxCost`, or 0 when a heap
 * should be used instead (a zero or non-finite cost, or a span above `MAX_COST_SPAN`).
 */
export function bucketWidth(minCost: number, maxCost: number): number {
  if (!(minCost > 0) || !Number.isFinite(maxCost) || maxCost > MAX_COST_SPAN * minCost) return 0;
  return minCost * (1 - 1e-9);
}

/** Monotone queue of junctions keyed by label (cost, s or any unit), one entry per junction. */
export class BucketQueue {
  /** Next junction in the same bucket, or -1. */
  private readonly next: Int32Array;
  /** Previous junction in the same bucket, or -1 (first in its bucket). */
  private readonly prev: Int32Array;
  /** Absolute bucket number of a queued junction, -1 when not queued. */
  private readonly slot: Float64Array;
  /** First junction of each ring bucket, or -1. */
  private head: Int32Array;
  private mask = 0;
  private inverseWidth = 0;
  private width = 0;
  /** Absolute number of the bucket being emptied. */
  private current = 0;
  /** Queued junctions. */
  size = 0;

  constructor(junctionCount: number) {
    this.next = new Int32Array(junctionCount);
    this.prev = new Int32Array(junctionCount);
    this.slot = new Float64Array(junctionCount).fill(NONE);
    this.head = new Int32Array(0);
  }

  /** Use buckets of `width` (> 0) for labels that span at most `span` (same unit): sizes the ring. */
  configure(width: number, span: number): void {
    this.clear(); // with the old ring and width: entries left by an early-exit search
    let ring = 4;
    while (ring < span / width + 2) ring *= 2;
    if (ring !== this.head.length) this.head = new Int32Array(ring).fill(NONE);
    this.mask = ring - 1;
    this.inverseWidth = 1 / width;
    this.width = width;
  }

  /** Empty the queue (every junction unqueued) and start at bucket 0. */
  clear(): void {
    if (this.size > 0) {
      for (let b = 0; b < this.head.length; b++) {
        for (let v = this.head[b]; v !== NONE; v = this.next[v]) this.slot[v] = NONE;
        this.head[b] = NONE;
      }
    }
    this.size = 0;
    this.current = 0;
  }

  /** Queue junction `v` at label `key`, or move it there if it is queued (a smaller key than before). */
  set(v: number, key: number): void {
    const { next, prev, slot, head } = this;
    let k = Math.floor(key * this.inverseWidth);
    if (k < this.current) k = this.current;
    const old = slot[v];
    if (old !== NONE) {
      if (old === k) return;
      const p = prev[v];
      const nx = next[v];
      if (p === NONE) head[old & this.mask] = nx;
      else next[p] = nx;
      if (nx !== NONE) prev[nx] = p;
    } else {
      this.size++;
    }
    const b = k & this.mask;
    const first = head[b];
    next[v] = first;
    prev[v] = NONE;
    if (first !== NONE) prev[first] = v;
    head[b] = v;
    slot[v] = k;
  }

  /** Lower edge of the bucket being emptied (same unit as the keys): no queued key is below it. */
  floorKey(): number {
    return this.current * this.width;
  }

  /** Remove and return a junction of the lowest non-empty bucket (its label is final); -1 when empty. */
  pop(): number {
    if (this.size === 0) return NONE;
    const { head, mask } = this;
    let k = this.current;
    while (head[k & mask] === NONE) k++;
    this.current = k;
    const b = k & mask;
    const v = head[b];
    const nx = this.next[v];
    head[b] = nx;
    if (nx !== NONE) this.prev[nx] = NONE;
    this.slot[v] = NONE;
    this.size--;
    return v;
  }
}

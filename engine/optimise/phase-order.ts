/**
 * Phase orders of the fixed-time space (space.ts, `reorderPhases`): which
 * cyclic orders of a program's phases one gene chooses among, and how a gene
 * value maps to an order and back.
 *
 * A fixed-time cycle repeats, so two orders that differ only by rotation
 * (A B C and B C A) are the same cycle seen from another start: the offset
 * already moves the start. Only cyclic orders are told apart: phase 0 stays
 * first and the others are permuted, (n - 1)! orders for n phases (2 for 3
 * phases, 6 for 4, 24 for 5). Order index 0 is the program's own order; index
 * i is the i-th permutation of phases 1..n-1 in lexicographic order (the
 * factorial number system, Lehmer code).
 *
 * Gene value x in [0, 1]: the program's own order for x < {@link REORDER_AT}
 * (0.2, the first step of the searches, so one step from a start plan with
 * order genes 0 tries another order), the other orders share [REORDER_AT, 1]
 * in equal bins.
 */

/** An order gene below this keeps the program's own order. */
export const REORDER_AT = 0.2;

/** Programs with more phases than this get no order gene (7! = 5040 orders: a gene no step search can walk). */
export const MAX_REORDERED_PHASES = 8;

/** Number of cyclic orders of `n` phases: (n - 1)!, 1 for n <= 1. */
export function cyclicOrderCount(n: number): number {
  let count = 1;
  for (let k = 2; k < n; k++) count *= k;
  return count;
}

/** The `index`-th cyclic order of `n` phases (phase indices; phase 0 first; index 0 is 0, 1, ..., n-1). */
export function cyclicOrder(n: number, index: number): number[] {
  if (n <= 1) return n === 1 ? [0] : [];
  const rest = Array.from({ length: n - 1 }, (_, k) => k + 1);
  const order = [0];
  let i = Math.max(0, Math.min(cyclicOrderCount(n) - 1, Math.floor(index)));
  for (let m = rest.length; m > 0; m--) {
    const block = cyclicOrderCount(m); // (m - 1)! orders per choice of the next phase
    const pick = Math.floor(i / block);
    i -= pick * block;
    order.push(rest.splice(pick, 1)[0]);
  }
  return order;
}

/** Index of the cyclic order `order` (a permutation of 0..n-1, taken up to rotation): the inverse of {@link cyclicOrder}. */
export function cyclicOrderIndex(order: readonly number[]): number {
  const n = order.length;
  const start = order.indexOf(0);
  if (n <= 2 || start < 0) return 0;
  const rotated = Array.from({ length: n }, (_, k) => order[(start + k) % n]);
  const rest = Array.from({ length: n - 1 }, (_, k) => k + 1);
  let index = 0;
  for (let k = 1; k < n; k++) {
    const pick = rest.indexOf(rotated[k]);
    index += pick * cyclicOrderCount(rest.length);
    rest.splice(pick, 1);
  }
  return index;
}

/** The order index an order gene `x` (in [0, 1]) chooses among `count` orders. */
export function orderIndexOf(x: number, count: number): number {
  if (count <= 1 || !(x >= REORDER_AT)) return 0;
  return 1 + Math.min(count - 2, Math.floor(((x - REORDER_AT) / (1 - REORDER_AT)) * (count - 1)));
}

/** The gene value (middle of its bin) that chooses order `index` among `count`: the inverse of {@link orderIndexOf}. */
export function orderGeneOf(index: number, count: number): number {
  if (index <= 0 || count <= 1) return 0;
  return REORDER_AT + ((index - 1 + 0.5) / (count - 1)) * (1 - REORDER_AT);
}

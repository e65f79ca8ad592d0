/**
 * The router's priority queues: both pop in key order, and the typed heap pops
 * equal keys in exactly the order the classic top-down binary heap does (its
 * bottom-up pop is only faster), so routes keep their tie-breaks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FastPriorityQueueHeap, TypedHeap } from '../../engine/routing/heap.js';

/** The textbook binary heap (sift-up on push, top-down sift-down on pop): the order the router had before. */
class ClassicHeap {
  keys: number[] = [];
  ids: number[] = [];
  push(key: number, id: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.ids[i] = this.ids[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }
  pop(): number {
    const top = this.ids[0];
    const key = this.keys.pop()!;
    const id = this.ids.pop()!;
    const last = this.keys.length;
    if (last > 0) {
      let i = 0;
      while (2 * i + 1 < last) {
        let child = 2 * i + 1;
        if (child + 1 < last && this.keys[child + 1] < this.keys[child]) child++;
        if (this.keys[child] >= key) break;
        this.keys[i] = this.keys[child];
        this.ids[i] = this.ids[child];
        i = child;
      }
      this.keys[i] = key;
      this.ids[i] = id;
    }
    return top;
  }
}

// Operations: a key to push (few distinct values, so ties abound) or a pop (-1).
const operations = fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(-1)), { maxLength: 400 });

describe('TypedHeap', () => {
  it('pops equal keys in the same order as the classic top-down heap', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const heap = new TypedHeap(16); // small, so it grows
        const classic = new ClassicHeap();
        ops.forEach((op, i) => {
          if (op >= 0) {
            heap.push(op, i);
            classic.push(op, i);
          } else if (classic.keys.length > 0) {
            expect(heap.pop()).toBe(classic.pop());
          } else {
            expect(heap.pop()).toBe(-1);
          }
          expect(heap.size).toBe(classic.keys.length);
        });
        while (classic.keys.length > 0) expect(heap.pop()).toBe(classic.pop());
      }),
      { numRuns: 500, seed: 41 },
    );
  });
});

describe.each([['TypedHeap', () => new TypedHeap(16)], ['FastPriorityQueueHeap', () => new FastPriorityQueueHeap(16)]] as const)('%s', (_name, make) => {
  it('pops every pushed entry once, keys ascending, poppedKey and peekKey agreeing', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }), (keys) => {
        const heap = make();
        keys.forEach((k, i) => heap.push(k, i));
        const seen = new Set<number>();
        let previous = -Infinity;
        while (heap.size > 0) {
          const peek = heap.peekKey();
          const id = heap.pop();
          expect(heap.poppedKey).toBe(peek);
          expect(heap.poppedKey).toBe(keys[id]);
          expect(heap.poppedKey).toBeGreaterThanOrEqual(previous);
          previous = heap.poppedKey;
          expect(seen.has(id)).toBe(false);
          seen.add(id);
        }
        expect(seen.size).toBe(keys.length);
        expect(heap.peekKey()).toBe(Infinity);
      }),
      { numRuns: 200, seed: 43 },
    );
  });
});

/**
 * Min-priority queues of (key, id) pairs for the router's hot loops. Both are
 * "lazy": an id may be pushed again with a smaller key instead of a decrease-key,
 * and the caller skips stale pops. Two implementations share one shape so the
 * benchmark can compare them on the same searches:
 *  - `TypedHeap`: a binary heap over two parallel typed arrays (keys, ids); no
 *    allocation after warm-up, no comparator calls.
 *  - `FastPriorityQueueHeap`: the `fastpriorityqueue` package (a well-tuned
 *    array heap with a comparator) holding entry numbers into key/id arrays.
 */
import FastPriorityQueue from 'fastpriorityqueue';

/** What the router needs of a priority queue. */
export interface MinQueue {
  /** Number of entries (stale ones included). */
  readonly size: number;
  /** Insert `id` with priority `key`. */
  push(key: number, id: number): void;
  /** Smallest key, or Infinity when empty. */
  peekKey(): number;
  /** Remove the entry with the smallest key and return its id; its key is then in `poppedKey`. Empty queue: -1. */
  pop(): number;
  /** Key of the entry the last `pop()` returned. */
  readonly poppedKey: number;
  /** Remove every entry, keeping the allocated memory. */
  clear(): void;
}

/** Which priority queue a router uses. */
export type HeapKind = 'typed' | 'fastpriorityqueue';

/** Binary min-heap on parallel `Float64Array` keys and `Int32Array` ids, grown by doubling. */
export class TypedHeap implements MinQueue {
  private keys: Float64Array;
  private ids: Int32Array;
  private length = 0;
  poppedKey = Infinity;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.ids = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  peekKey(): number {
    return this.length > 0 ? this.keys[0] : Infinity;
  }

  push(key: number, id: number): void {
    if (this.length === this.keys.length) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk <= key) break;
      keys[i] = pk;
      ids[i] = ids[parent];
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  pop(): number {
    const n = this.length;
    if (n === 0) return -1;
    const keys = this.keys;
    const ids = this.ids;
    const top = ids[0];
    this.poppedKey = keys[0];
    const last = n - 1;
    this.length = last;
    if (last > 0) {
      const key = keys[last];
      const id = ids[last];
      // Floyd's bottom-up pop: walk the hole down the smaller-child path to a leaf
      // without comparing against `key` (the child choice needs no branch: `+(a < b)`
      // is 0 or 1, and the sentinel at `last` makes a missing right child lose), then
      // sift `key` back up past every parent >= key. That leaves `key` above the
      // path's entries >= key and below those < key: the very slot the classic
      // top-down sift-down picks, so entries (ties included) pop in the same order
      // as before and routes keep their tie-breaks. Unpredictable key comparisons
      // were most of the cost of a pop.
      keys[last] = Infinity;
      let i = 0;
      let child = 1;
      while (child < last) {
        child += +(keys[child + 1] < keys[child]);
        keys[i] = keys[child];
        ids[i] = ids[child];
        i = child;
        child = 2 * i + 1;
      }
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pk = keys[parent];
        if (pk < key) break;
        keys[i] = pk;
        ids[i] = ids[parent];
        i = parent;
      }
      keys[i] = key;
      ids[i] = id;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.keys = keys;
    this.ids = ids;
  }
}

/** `fastpriorityqueue` behind the {@link MinQueue} shape: it orders entry numbers by their key. */
export class FastPriorityQueueHeap implements MinQueue {
  private keys: Float64Array;
  private ids: Int32Array;
  private next = 0;
  private readonly queue: FastPriorityQueue<number>;
  poppedKey = Infinity;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.ids = new Int32Array(Math.max(16, capacity));
    // The comparator reads this.keys at call time, so growing the arrays is safe.
    this.queue = new FastPriorityQueue<number>((a, b) => this.keys[a] < this.keys[b]);
  }

  get size(): number {
    return this.queue.size;
  }

  clear(): void {
    this.queue.size = 0;
    this.next = 0;
  }

  peekKey(): number {
    return this.queue.size > 0 ? this.keys[this.queue.peek()!] : Infinity;
  }

  push(key: number, id: number): void {
    if (this.next === this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.keys = keys;
      this.ids = ids;
    }
    const entry = this.next++;
    this.keys[entry] = key;
    this.ids[entry] = id;
    this.queue.add(entry);
  }

  pop(): number {
    if (this.queue.size === 0) return -1;
    const entry = this.queue.poll()!;
    this.poppedKey = this.keys[entry];
    return this.ids[entry];
  }
}

/** A new queue of the given kind. */
export function createQueue(kind: HeapKind, capacity?: number): MinQueue {
  return kind === 'typed' ? new TypedHeap(capacity) : new FastPriorityQueueHeap(capacity);
}

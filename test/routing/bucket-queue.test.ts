/**
 * The bucket queue of full trees and batches (Dial 1969; Dinitz 1978: buckets as
 * wide as the cheapest link make every label of the lowest bucket final): when
 * the router uses it, the pop order it guarantees, and trees built on it against
 * graphology's Dijkstra on real-valued costs, where rounding at bucket edges
 * would show.
 */
import fc from 'fast-check';
import { DirectedGraph } from 'graphology';
import { bidirectional, singleSource } from 'graphology-shortest-path/dijkstra.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/network/index.js';
import { grid } from '../../engine/network/generators/index.js';
import { BucketQueue, bucketWidth, MAX_COST_SPAN } from '../../engine/routing/bucket-queue.js';
import { createRouter } from '../../engine/routing/index.js';

describe('bucketWidth', () => {
  it('is just under the cheapest cost, and 0 (use the heap) for a zero cost or a span above the bound', () => {
    expect(bucketWidth(2, 10)).toBeLessThan(2);
    expect(bucketWidth(2, 10)).toBeGreaterThan(2 * (1 - 1e-8));
    expect(bucketWidth(0, 10)).toBe(0);
    expect(bucketWidth(1, MAX_COST_SPAN)).toBeGreaterThan(0);
    expect(bucketWidth(1, MAX_COST_SPAN * 1.01)).toBe(0);
    expect(bucketWidth(1, Infinity)).toBe(0);
  });
});

describe('BucketQueue', () => {
  it('pops every queued entry once, in non-decreasing bucket order, after moves to smaller keys', () => {
    // A Dijkstra-like use: keys never below the last popped one's bucket, each within `span` of it.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(19), fc.double({ min: 0, max: 9.99, noNaN: true })), { minLength: 1, maxLength: 200 }), (ops) => {
        const width = 1;
        const q = new BucketQueue(20);
        q.configure(width, 10);
        const key = new Float64Array(20).fill(Infinity);
        let floor = 0; // key of the last pop
        const popped: number[] = [];
        for (let i = 0; i < ops.length; i++) {
          const [v, delta] = ops[i];
          const k = floor + delta;
          if (k < key[v]) {
            key[v] = k;
            q.set(v, k);
          }
          if (i % 3 === 2 && q.size > 0) {
            const u = q.pop();
            expect(u).toBeGreaterThanOrEqual(0);
            // No queued key lies in a lower bucket than the one popped.
            const bucket = Math.floor(key[u] / width);
            for (let x = 0; x < 20; x++) if (key[x] < Infinity && x !== u) expect(Math.floor(key[x] / width)).toBeGreaterThanOrEqual(bucket);
            floor = Math.max(floor, key[u]);
            popped.push(Math.floor(key[u] / width));
            key[u] = Infinity;
          }
        }
        const left = key.filter((k) => k < Infinity).length;
        expect(q.size).toBe(left);
        while (q.size > 0) popped.push(Math.floor(key[q.pop()] / width));
        for (let i = 1; i < popped.length; i++) expect(popped[i]).toBeGreaterThanOrEqual(popped[i - 1]);
        expect(q.pop()).toBe(-1);
        q.clear();
        expect(q.size).toBe(0);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('createRouter: which queue', () => {
  it('uses buckets when costs allow, the heap for a zero cost or with buckets: false, with the same costs', () => {
    const net = compile(grid(6, 6, { spacing: 100 }));
    const cost = Float64Array.from(net.linkFreeFlowTime, (t, l) => t * (1 + (l % 5) / 10));
    const withBuckets = createRouter(net, { cost });
    const heap = createRouter(net, { cost, buckets: false });
    expect(withBuckets.queue).toBe('buckets');
    expect(heap.queue).toBe('heap');
    for (let j = 0; j < net.junctionCount; j++) expect(withBuckets.route(0, j)).toBe(heap.route(0, j));
    const zero = Float64Array.from(cost);
    zero[3] = 0;
    withBuckets.setCost(zero);
    expect(withBuckets.queue).toBe('heap');
    // New costs of another span resize the ring while an early-exit search left junctions queued.
    withBuckets.setCost(cost);
    withBuckets.route(0, 7);
    const wide = Float64Array.from(net.linkFreeFlowTime, (t, l) => t * (1 + (l % 7) * 6));
    withBuckets.setCost(wide);
    heap.setCost(wide);
    expect(withBuckets.queue).toBe('buckets');
    for (let o = 0; o < net.junctionCount; o += 5) {
      for (let j = 0; j < net.junctionCount; j++) expect(withBuckets.route(o, j)).toBe(heap.route(o, j));
      const tree = Float64Array.from(withBuckets.tree(o).junctionCost);
      expect(tree).toEqual(Float64Array.from(heap.tree(o).junctionCost));
    }
    // @ts-expect-error a wrong type on purpose
    expect(() => createRouter(net, { buckets: 'yes' })).toThrow(/buckets must be true or false/);
  });
});

describe('BucketQueue.configure', () => {
  it('empties the queue it resizes: junctions an early-exit search left queued are not queued any more', () => {
    const q = new BucketQueue(10);
    q.configure(1, 3);
    for (let v = 0; v < 6; v++) q.set(v, 0.5 + v / 2);
    expect(q.pop()).toBeGreaterThanOrEqual(0);
    q.configure(1, 100); // new costs of another span: a larger ring
    expect(q.size).toBe(0);
    for (let v = 0; v < 6; v++) q.set(v, 5 + v);
    const popped: number[] = [];
    while (q.size > 0) popped.push(q.pop());
    expect(popped).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.pop()).toBe(-1);
  });
});

describe('trees on the bucket queue', () => {
  it('equal graphology dijkstra.singleSource on real-valued costs, settle each junction once, and every tree path sums to its cost', () => {
    const net = compile(grid(12, 12, { spacing: 100 }));
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1.6, noNaN: true }), { minLength: net.linkCount, maxLength: net.linkCount }), fc.nat(net.junctionCount - 1), (factors, o) => {
        const cost = Float64Array.from(net.linkFreeFlowTime, (t, l) => t * factors[l]);
        const router = createRouter(net, { cost });
        expect(router.searchLevel).toBe('junctions'); // with a span of 1.6 the tree runs on buckets
        const g = new DirectedGraph();
        for (let j = 0; j < net.junctionCount; j++) g.addNode(String(j));
        for (let l = 0; l < net.linkCount; l++) g.addEdge(String(net.linkFrom[l]), String(net.linkTo[l]), { weight: cost[l] });
        const paths = singleSource(g, String(o), 'weight');
        const tree = router.tree(o);
        // Dinitz's width: no label is ever corrected, so each junction is settled exactly once.
        expect(router.lastSettled).toBe(net.junctionCount);
        const costs = Float64Array.from(tree.junctionCost);
        for (let j = 0; j < net.junctionCount; j++) {
          const p = paths[String(j)];
          let expected = 0;
          for (let i = 0; i + 1 < p.length; i++) expected += g.getEdgeAttribute(g.edge(p[i], p[i + 1]), 'weight') as number;
          expect(costs[j]).toBeCloseTo(expected, 9);
          const path = router.treePath(j);
          let sum = 0;
          for (const l of path) sum += cost[l];
          expect(sum).toBe(costs[j]); // the same left-to-right sum the search made
          if (path.length > 0) expect(net.linkTo[path[path.length - 1]]).toBe(j);
        }
        // A batch (early-exit searches) stops at the right labels too.
        const destinations = Int32Array.from({ length: 5 }, (_, i) => (i * 29 + o + 1) % net.junctionCount);
        const batch = router.routeBatch(new Int32Array(5).fill(o), destinations);
        for (let i = 0; i < 5; i++) expect(batch.costs[i]).toBe(costs[destinations[i]]);
      }),
      { numRuns: 40, seed: 9 },
    );
  });
});

describe('one-to-one searches on the bucket queue', () => {
  it('A* (labels corrected, exact stop) and Dijkstra equal graphology on real-valued costs; the path sums to the cost', () => {
    const net = compile(grid(12, 12, { spacing: 100 }));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1.6, noNaN: true }), { minLength: net.linkCount, maxLength: net.linkCount }),
        fc.array(fc.tuple(fc.nat(net.junctionCount - 1), fc.nat(net.junctionCount - 1)), { minLength: 1, maxLength: 8 }),
        (factors, pairs) => {
          const cost = Float64Array.from(net.linkFreeFlowTime, (t, l) => t * factors[l]);
          const router = createRouter(net, { cost });
          const g = new DirectedGraph();
          for (let j = 0; j < net.junctionCount; j++) g.addNode(String(j));
          for (let l = 0; l < net.linkCount; l++) g.addEdge(String(net.linkFrom[l]), String(net.linkTo[l]), { weight: cost[l] });
          for (const [o, d] of pairs) {
            const p = bidirectional(g, String(o), String(d), 'weight')!;
            let expected = 0;
            for (let i = 0; i + 1 < p.length; i++) expected += g.getEdgeAttribute(g.edge(p[i], p[i + 1]), 'weight') as number;
            for (const algorithm of ['astar', 'dijkstra'] as const) {
              const c = router.route(o, d, algorithm);
              expect(c).toBeCloseTo(expected, 9);
              let sum = 0;
              for (const l of router.lastPath()) sum += cost[l];
              expect(sum).toBe(o === d ? 0 : c);
            }
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});

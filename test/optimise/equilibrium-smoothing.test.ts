/**
 * Tests of the smoothed route choice of the equilibrium (engine/optimise/
 * equilibrium/smoothing.ts): the exponential filter s_k = w c_k + (1 - w) s_(k-1)
 * and the re-routing of the movers on it.
 */
import { describe, expect, it } from 'vitest';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { compile } from '../../engine/network/compile.js';
import type { CompiledNetwork } from '../../engine/network/compiled.js';
import type { TripTable } from '../../engine/demand/demand.js';
import { createTimeDependentRouter, freeFlowCosts, type IntervalCosts } from '../../engine/routing/time-dependent.js';
import { retargetMovers, smoothCosts } from '../../engine/optimise/equilibrium/smoothing.js';

/** O-A, then A-B-D or A-C-D, then D-E; 10 m/s, 100 m links. */
function diamond(): CompiledNetwork {
  const n = new RoadNetwork();
  for (const [id, x, y] of [['O', -100, 0], ['A', 0, 0], ['B', 100, 100], ['C', 100, -100], ['D', 200, 0], ['E', 300, 0]] as const) n.addJunction({ id, x, y });
  for (const [id, from, to] of [['OA', 'O', 'A'], ['AB', 'A', 'B'], ['BD', 'B', 'D'], ['AC', 'A', 'C'], ['CD', 'C', 'D'], ['DE', 'D', 'E']] as const) {
    n.addLink({ id, from, to, length: 100, speed: 10, lanes: 1 });
  }
  for (const [from, to] of [['OA', 'AB'], ['OA', 'AC'], ['AB', 'BD'], ['AC', 'CD'], ['BD', 'DE'], ['CD', 'DE']] as const) n.addMovement({ from, to });
  return compile(n);
}

/** Free-flow costs with the movement `from`>`to` taking `time` s. */
function withMovement(net: CompiledNetwork, from: string, to: string, time: number): IntervalCosts {
  const c = freeFlowCosts(net);
  c.movement[net.movementBetween(net.linkIndex(from), net.linkIndex(to))] = time;
  return c;
}

describe('smoothCosts', () => {
  it('blends cell by cell with the newest weighted w, and returns the newest alone without a previous or at w = 1', () => {
    const net = diamond();
    const a = withMovement(net, 'AB', 'BD', 30);
    const b = withMovement(net, 'AB', 'BD', 50);
    const s = smoothCosts(a, b, 0.25);
    expect(s.movement[net.movementBetween(net.linkIndex('AB'), net.linkIndex('BD'))]).toBeCloseTo(0.25 * 50 + 0.75 * 30, 12);
    expect(s.movement[net.movementBetween(net.linkIndex('AC'), net.linkIndex('CD'))]).toBeCloseTo(10, 12);
    expect(Array.from(s.arrival)).toEqual(Array.from(b.arrival));
    expect(smoothCosts(undefined, b, 0.25)).toBe(b);
    expect(smoothCosts(a, b, 1)).toBe(b);
  });
});

describe('retargetMovers', () => {
  const net = diamond();
  const L = (id: string): number => net.linkIndex(id);
  const viaC = [L('OA'), L('AC'), L('CD'), L('DE')];
  const trips: TripTable = {
    count: 2, ids: ['t0', 't1'], depart: Float64Array.of(0, 1),
    origin: Int32Array.of(net.junctionIndex('O'), net.junctionIndex('O')), destination: Int32Array.of(net.junctionIndex('E'), net.junctionIndex('E')),
    originLink: Int32Array.of(-1, -1), destinationLink: Int32Array.of(-1, -1), routeOffsets: new Int32Array(3), routeLinks: new Int32Array(0),
  };
  const routes = { offsets: Int32Array.of(0, 4, 8), links: Int32Array.from([...viaC, ...viaC]) };
  const router = createTimeDependentRouter(net);

  it('moves the marked travellers to the fastest route on the smoothed costs and leaves the others', () => {
    const smoothed = withMovement(net, 'AC', 'CD', 40); // via C 30 s slower than via B
    const r = retargetMovers(net, router, trips, routes, Uint8Array.of(1, 0), smoothed, 60);
    expect(r.switched).toBe(1);
    expect(Array.from(r.routes.links.subarray(r.routes.offsets[0], r.routes.offsets[1]))).toEqual([L('OA'), L('AB'), L('BD'), L('DE')]);
    expect(Array.from(r.routes.links.subarray(r.routes.offsets[1], r.routes.offsets[2]))).toEqual(viaC);
  });

  it('keeps a mover on its route when that route is the fastest on the smoothed costs', () => {
    const smoothed = withMovement(net, 'AB', 'BD', 40); // via B slower: the raw costs' advice is not followed
    const r = retargetMovers(net, router, trips, routes, Uint8Array.of(1, 1), smoothed, 60);
    expect(r.switched).toBe(0);
    expect(Array.from(r.routes.links)).toEqual(Array.from(routes.links));
  });
});

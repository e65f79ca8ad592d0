/**
 * Carrying an equilibrium's routes onto another network (engine/optimise/equilibrium/warm-start.ts),
 * as `greenwave compare --route-choice equilibrium` starts each variant from the base's routes:
 * matched by link id, kept only where every link and turn still exists, empty otherwise
 * (equilibrate then starts those trips on the free-flow fastest).
 */
import { describe, expect, it } from 'vitest';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { compile } from '../../engine/network/compile.js';
import type { CompiledNetwork } from '../../engine/network/compiled.js';
import { expandDemand } from '../../engine/demand/expand.js';
import { createRandom } from '../../engine/demand/random.js';
import type { TripTable } from '../../engine/demand/demand.js';
import type { RouteSet } from '../../engine/demand/route-swap.js';
import { carryRoutes } from '../../engine/optimise/equilibrium/warm-start.js';
import { equilibrate } from '../../engine/optimise/equilibrium/equilibrium.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';

/** O-A, then A-B-D or A-C-D, then D-E; without `AB` when `closed`, with the last link named `last`. */
function net(closed = false, last = 'DE'): CompiledNetwork {
  const n = new RoadNetwork();
  for (const [id, x, y] of [['O', -1000, 0], ['A', 0, 0], ['B', 400, 300], ['C', 400, -300], ['D', 800, 0], ['E', 1000, 0]] as const) n.addJunction({ id, x, y });
  n.addLink({ id: 'OA', from: 'O', to: 'A', length: 1000, speed: 10, lanes: 2 });
  if (!closed) n.addLink({ id: 'AB', from: 'A', to: 'B', length: 500, speed: 10, lanes: 1 });
  n.addLink({ id: 'BD', from: 'B', to: 'D', length: 500, speed: 10, lanes: 1 });
  n.addLink({ id: 'AC', from: 'A', to: 'C', length: 800, speed: 10, lanes: 1 });
  n.addLink({ id: 'CD', from: 'C', to: 'D', length: 800, speed: 10, lanes: 1 });
  n.addLink({ id: last, from: 'D', to: 'E', length: 200, speed: 10, lanes: 2 });
  if (!closed) n.addMovement({ from: 'OA', to: 'AB' });
  n.addMovement({ from: 'OA', to: 'AC' });
  if (!closed) n.addMovement({ from: 'AB', to: 'BD' });
  n.addMovement({ from: 'AC', to: 'CD' });
  n.addMovement({ from: 'BD', to: last });
  n.addMovement({ from: 'CD', to: last });
  return compile(n);
}

const tripsOn = (g: CompiledNetwork, seed = 1): TripTable => expandDemand(g, { flows: [{ from: 'O', to: 'E', rate: 0.2, begin: 0, end: 600, arrivals: 'uniform' }] }, createRandom(seed));

/** Even trips via B, odd ones via C (link ids), on `g`. */
function alternating(g: CompiledNetwork, count: number): RouteSet {
  const viaB = ['OA', 'AB', 'BD', 'DE'].map((id) => g.linkIndex(id));
  const viaC = ['OA', 'AC', 'CD', 'DE'].map((id) => g.linkIndex(id));
  const offsets = Int32Array.from({ length: count + 1 }, (_, i) => 4 * i);
  const links = new Int32Array(4 * count);
  for (let i = 0; i < count; i++) links.set(i % 2 === 0 ? viaB : viaC, 4 * i);
  return { offsets, links };
}

const ids = (g: CompiledNetwork, r: RouteSet, i: number): string[] => Array.from(r.links.subarray(r.offsets[i], r.offsets[i + 1]), (l) => g.linkKey(l));

describe('carryRoutes', () => {
  const open = net();
  const trips = tripsOn(open);
  const routes = alternating(open, trips.count);

  it('keeps every route on the same network', () => {
    const c = carryRoutes(open, trips, routes, open, trips)!;
    expect(c.kept).toBe(trips.count);
    expect(Array.from(c.routes.offsets)).toEqual(Array.from(routes.offsets));
    expect(Array.from(c.routes.links)).toEqual(Array.from(routes.links));
  });

  it('maps routes by link id onto a network with a closed road, leaving the routes that used it empty', () => {
    const closed = net(true);
    const variantTrips = tripsOn(closed);
    const c = carryRoutes(open, trips, routes, closed, variantTrips)!;
    expect(c.kept).toBe(Math.floor(trips.count / 2)); // the odd trips, via C
    for (let i = 0; i < trips.count; i++) {
      if (i % 2 === 0) expect(c.routes.offsets[i + 1]).toBe(c.routes.offsets[i]);
      else expect(ids(closed, c.routes, i)).toEqual(['OA', 'AC', 'CD', 'DE']);
    }
    // equilibrate starts the empty ones on the free-flow fastest and runs: every trip arrives
    const r = equilibrate(closed, variantTrips, {}, { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL }, { maxIterations: 2, initialRoutes: c.routes });
    expect(r.result.network.arrived).toBe(variantTrips.count);
    for (let i = 0; i < trips.count; i++) expect(ids(closed, r.routes, i)).toEqual(['OA', 'AC', 'CD', 'DE']);
  });

  it('keeps no route whose link is gone (a renamed last link), and refuses other trips', () => {
    const renamed = net(false, 'DX');
    const none = carryRoutes(open, trips, routes, renamed, tripsOn(renamed))!;
    expect(none.kept).toBe(0);
    expect(none.routes.links).toHaveLength(0);
    // other trips: a different count, other departure times
    const more = expandDemand(open, { flows: [{ from: 'O', to: 'E', rate: 0.3, begin: 0, end: 600, arrivals: 'uniform' }] }, createRandom(1));
    expect(carryRoutes(open, trips, routes, open, more)).toBeUndefined();
    const shifted: TripTable = { ...trips, depart: trips.depart.map((t) => t + 1) };
    expect(carryRoutes(open, trips, routes, open, shifted)).toBeUndefined();
  });
});

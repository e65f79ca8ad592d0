/**
 * Rerouting (route choice during a run): routes at departure (the trip table's,
 * else the router's on current costs; none from a junction to itself); the
 * refresh of link costs (mean experienced time of the vehicles that left,
 * otherwise half-way back to free flow; raised to the age of the oldest vehicle
 * still on the link; never below free flow); en-route re-routing of chosen
 * moving vehicles only; refreshes scheduled every interval before the end.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import type { TripTable } from '../../engine/demand/index.js';
import { CMD_ROUTING } from '../../engine/sim/commands.js';
import { Links } from '../../engine/sim/links.js';
import { DEFAULT_SIM_OPTIONS } from '../../engine/sim/options.js';
import { Rerouting } from '../../engine/sim/rerouting.js';
import { Scheduler } from '../../engine/sim/scheduler.js';
import { VEHICLE_MOVING, VEHICLE_QUEUED, Vehicles } from '../../engine/sim/vehicles.js';
import { drain } from '../fixtures/kernel.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';

/** Two ways from W to E: north (w1, 1e: 100 m each) and south (w2, 2e: 110 m each), 10 m/s. */
function diamond() {
  const rn = new RoadNetwork();
  for (const [id, x, y] of [['W', 0, 0], ['N', 100, 50], ['S', 100, -50], ['E', 200, 0]] as const) rn.addJunction({ id, x, y });
  for (const [id, from, to, length] of [['w1', 'W', 'N', 100], ['1e', 'N', 'E', 100], ['w2', 'W', 'S', 110], ['2e', 'S', 'E', 110]] as const) {
    rn.addLink({ id, from, to, length, speed: 10 });
  }
  rn.addDefaultMovements();
  return compile(rn);
}

const net = diamond();
const L = (id: string) => net.linkIndex(id);
const W = net.junctionIndex('W');
const E = net.junctionIndex('E');

/** `n` trips W -> E without routes, except trip 0 which has `route` if given; trip n-1 goes from E to E when `loop`. */
function trips(n: number, route?: number[], loop = false): TripTable {
  const routeLinks = Int32Array.from(route ?? []);
  const routeOffsets = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) routeOffsets[i] = routeLinks.length;
  return {
    count: n,
    ids: Array.from({ length: n }, (_, i) => `t${i}`),
    depart: new Float64Array(n),
    origin: Int32Array.from({ length: n }, (_, i) => (loop && i === n - 1 ? E : W)),
    destination: new Int32Array(n).fill(E),
    originLink: new Int32Array(n).fill(-1),
    destinationLink: new Int32Array(n).fill(-1),
    routeOffsets,
    routeLinks,
  };
}

function setUp(table: TripTable, options: Partial<typeof DEFAULT_SIM_OPTIONS> = {}) {
  const scheduler = new Scheduler(0);
  const vehicles = new Vehicles(table.count, table.routeLinks.length, 0);
  const links = new Links(net, vehicles, scheduler, [], NO_LOSS_VEHICLE_MODEL);
  const rerouting = new Rerouting(net, table, { ...DEFAULT_SIM_OPTIONS, ...options }, links, vehicles, scheduler);
  return { scheduler, vehicles, links, rerouting };
}

describe('Rerouting', () => {
  it('routes at departure: the trip table\'s route, else the fastest on current costs; a loop is unroutable', () => {
    const { vehicles, rerouting } = setUp(trips(3, [L('w2'), L('2e')], true));
    expect(rerouting.routeAtDeparture(0)).toBe(true);
    expect(Array.from(vehicles.route(0))).toEqual([L('w2'), L('2e')]);
    expect(rerouting.routeAtDeparture(1)).toBe(true);
    expect(Array.from(vehicles.route(1))).toEqual([L('w1'), L('1e')]); // 20 s against 22 s
    expect(rerouting.routeAtDeparture(2)).toBe(false);
  });

  it('refreshes costs from experienced times and routes later departures on them', () => {
    const { scheduler, vehicles, links, rerouting } = setUp(trips(2), { routingInterval: 60, end: 150 });
    vehicles.setRoute(0, Int32Array.of(L('w2'), L('2e')), 0, 2);
    links.enter(0, L('w2'), 20, 0); // still on w2 at 100 s: 80 s and counting
    rerouting.start(0);
    expect(drain(scheduler).filter(([, kind]) => kind === CMD_ROUTING)).toEqual([[60, CMD_ROUTING, 0]]);
    links.ttSum[L('w1')] = 50 + 70; // two vehicles left w1 after 50 s and 70 s
    links.ttCount[L('w1')] = 2;
    links.ttSum[L('1e')] = 4; // faster than free flow is impossible: floored at 10 s
    links.ttCount[L('1e')] = 1;
    rerouting.cost[L('2e')] = 31; // nobody left 2e: half-way back to its free-flow time
    rerouting.refresh(100);
    expect(rerouting.cost[L('w1')]).toBe(60);
    expect(rerouting.cost[L('1e')]).toBe(10);
    expect(rerouting.cost[L('2e')]).toBe(11 + 0.5 * (31 - 11));
    expect(rerouting.cost[L('w2')]).toBe(80);
    expect([links.ttSum[L('w1')], links.ttCount[L('w1')]]).toEqual([0, 0]);
    expect(drain(scheduler).filter(([, kind]) => kind === CMD_ROUTING)).toEqual([]); // 160 is past the end (150)
    // North now costs 70 s, south 101 s: still north.
    rerouting.routeAtDeparture(1);
    expect(Array.from(vehicles.route(1))).toEqual([L('w1'), L('1e')]);
  });

  it('re-routes chosen vehicles moving on a link, from that link, and no others', () => {
    const { vehicles, links, rerouting } = setUp(trips(3), { rerouteShare: 1, routingInterval: 60, end: 1000 });
    for (const v of [0, 1, 2]) {
      expect(rerouting.routeAtDeparture(v)).toBe(true);
      expect(rerouting.chosen[v]).toBe(1); // share 1: everyone is chosen
    }
    rerouting.chosen[2] = 0;
    for (const v of [0, 1, 2]) links.enter(v, L('w1'), 0, 0);
    vehicles.state[1] = VEHICLE_QUEUED;
    const before = vehicles.routePoolLength;
    rerouting.refresh(5);
    // Only vehicle 0 (chosen and moving) got a new route, from its link w1 (the only way on is 1e).
    expect(vehicles.routePoolLength).toBe(before + 2);
    expect(vehicles.routeStart[0]).toBe(before);
    expect(Array.from(vehicles.route(0))).toEqual([L('w1'), L('1e')]);
    expect(vehicles.routePool[vehicles.routePos[0]]).toBe(L('w1'));
    expect(vehicles.state[0]).toBe(VEHICLE_MOVING);
  });

  it('chooses no vehicle to re-route with share 0, and about the share otherwise', () => {
    const none = setUp(trips(200)).rerouting;
    for (let v = 0; v < 200; v++) none.routeAtDeparture(v);
    expect(none.chosen.reduce((a, b) => a + b, 0)).toBe(0);
    const some = setUp(trips(200), { rerouteShare: 0.3 }).rerouting;
    for (let v = 0; v < 200; v++) some.routeAtDeparture(v);
    const chosen = some.chosen.reduce((a, b) => a + b, 0);
    expect(chosen).toBeGreaterThan(30); // binomial(200, 0.3): mean 60, sd 6.5
    expect(chosen).toBeLessThan(90);
  });
});

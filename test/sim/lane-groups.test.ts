/**
 * Lane groups (sim/lane-groups.ts): a link's lanes split into lane classes (the
 * lanes used by the same movements), each with storage floor(lanes x length /
 * jam spacing); a movement on several classes lets each vehicle take one (the
 * shorter queue); a full group blocks only the vehicles that need it, at entry
 * from upstream and at insertion (as SUMO and CityFlow, where a vehicle keeps
 * to the lane of its next turn); space returns to the group it came from.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { buildLaneGroups } from '../../engine/sim/lane-groups.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { simulate } from '../../engine/sim/index.js';
import { turnApproach } from '../fixtures/turn-approach.js';

/**
 * Junction J (signal) with approach L (o -> J, 75 m, 2 lanes: lane 0 turns left
 * to X, lane 1 goes straight to D) and upstream link U (u -> o, 1 lane). The
 * only phase shows L -> D green: the left turn is red for ever.
 */
function turnLane(): ReturnType<typeof compile> {
  return turnApproach({ lanes: 2, left: [0], through: [1] });
}
const throughOnly = [{ junction: 'J', phases: [{ green: [{ from: 'L', to: 'D' }], duration: 60, yellow: 0, allRed: 0 }] }];

describe('lane groups', () => {
  it('are the lane classes of the link (lanes used by the same movements), with storage floor(lanes x length / jam spacing), plus an exit group per link', () => {
    const rn = new RoadNetwork();
    for (const [id, x, y] of [['a', -100, 0], ['b', 0, 0], ['c', 100, 0], ['d', 0, 100], ['e', 0, -100]] as const) rn.addJunction({ id, x, y });
    rn.addLink({ id: 'ab', from: 'a', to: 'b', lanes: 4, speed: 10 }); // 100 m
    for (const to of ['c', 'd', 'e']) rn.addLink({ id: `b${to}`, from: 'b', to, speed: 10 });
    rn.addMovement({ from: 'ab', to: 'bd', lanes: [0] });
    rn.addMovement({ from: 'ab', to: 'bc', lanes: [1, 2] });
    rn.addMovement({ from: 'ab', to: 'be', lanes: [2, 3] }); // shares lane 2 with ab -> bc: lanes {1}, {2}, {3} are three classes
    const net = compile(rn);
    const storage = Int32Array.from({ length: net.linkCount }, (_, l) => Math.floor(net.storage(l)));
    const g = buildLaneGroups(net, storage);
    const ab = net.linkIndex('ab');
    const m = (to: string) => net.movementBetween(ab, net.linkIndex(to));
    expect(g.groupOffsets[ab + 1] - g.groupOffsets[ab]).toBe(5); // {0}, {1}, {2}, {3}, exit
    const groups = (to: string) => [...g.movementGroups.subarray(g.movementGroupOffsets[m(to)], g.movementGroupOffsets[m(to) + 1])].map((x) => x - g.groupOffsets[ab]);
    expect(groups('bd')).toEqual([0]);
    expect(groups('bc')).toEqual([1, 2]);
    expect(groups('be')).toEqual([2, 3]); // lane 2 is in both movements' groups
    expect([0, 1, 2, 3].map((k) => g.groupMask[g.groupOffsets[ab] + k])).toEqual([1, 2, 4, 8]);
    for (let k = 0; k < 4; k++) expect(g.groupStorage[g.groupOffsets[ab] + k]).toBe(Math.floor(100 / 7.5)); // 13 each
    expect(g.groupStorage[g.groupOffsets[ab + 1] - 1]).toBe(storage[ab]);
    // Two lanes used by the same movements are one class.
    const rn2 = new RoadNetwork();
    for (const [id, x, y] of [['a', -100, 0], ['b', 0, 0], ['c', 100, 0], ['d', 0, 100]] as const) rn2.addJunction({ id, x, y });
    rn2.addLink({ id: 'ab', from: 'a', to: 'b', lanes: 3, speed: 10 });
    for (const to of ['c', 'd']) rn2.addLink({ id: `b${to}`, from: 'b', to, speed: 10 });
    rn2.addMovement({ from: 'ab', to: 'bd', lanes: [0] });
    rn2.addMovement({ from: 'ab', to: 'bc', lanes: [1, 2] });
    const net2 = compile(rn2);
    const g2 = buildLaneGroups(net2, Int32Array.from({ length: net2.linkCount }, (_, l) => Math.floor(net2.storage(l))));
    const ab2 = net2.linkIndex('ab');
    expect(g2.groupOffsets[ab2 + 1] - g2.groupOffsets[ab2]).toBe(3); // {0}, {1, 2}, exit
    expect(g2.groupStorage[g2.movementGroup[net2.movementBetween(ab2, net2.linkIndex('bc'))]]).toBe(Math.floor((2 * 100) / 7.5)); // 26
  });

  it('a full left-turn lane holds its own trips back at insertion, not the through trips behind them', () => {
    const net = turnLane();
    // 30 left-turners then 30 through vehicles, all starting on L; the left turn never gets green.
    const trips = expandDemand(net, {
      trips: [
        ...Array.from({ length: 30 }, (_, i) => ({ id: `left${i}`, depart: i * 0.1, route: ['L', 'X'] })),
        ...Array.from({ length: 30 }, (_, i) => ({ id: `through${i}`, depart: 3 + i * 0.1, route: ['L', 'D'] })),
      ],
    }, createRandom(1));
    const r = simulate(net, trips, { programs: throughOnly }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL });
    let through = 0;
    let leftInserted = 0;
    for (let v = 0; v < trips.count; v++) {
      if (trips.ids[v].startsWith('through') && r.trips.arrived[v] >= 0) through++;
      if (trips.ids[v].startsWith('left') && r.trips.inserted[v] >= 0) leftInserted++;
    }
    expect(through).toBe(30); // pooled storage (20 places on L) would have kept every through vehicle out
    expect(leftInserted).toBe(10); // lane 0: floor(75 / 7.5)
  });

  it('a full turn lane blocks the upstream movement when the vehicle at its head needs it (spillback inside the link)', () => {
    const net = turnLane();
    const trips = expandDemand(net, {
      trips: [
        ...Array.from({ length: 12 }, (_, i) => ({ id: `left${i}`, depart: i * 2, route: ['U', 'L', 'X'] })),
        ...Array.from({ length: 5 }, (_, i) => ({ id: `through${i}`, depart: 30 + i * 2, route: ['U', 'L', 'D'] })),
      ],
    }, createRandom(1));
    const r = simulate(net, trips, { programs: throughOnly }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL });
    const L = net.linkIndex('L');
    expect(r.links.entered[L]).toBe(10); // the 11th left-turner waits at the end of U ...
    for (let v = 0; v < trips.count; v++) if (trips.ids[v].startsWith('through')) expect(Number.isNaN(r.trips.arrived[v])).toBe(true); // ... and the through vehicles behind it too
  });

  describe('lane feeds: with lane-level connections stated, a vehicle waiting for a full group holds only the lanes that lead to it', () => {
    /** 12 left-turners then 5 through vehicles from U into L (lane 0 turns left, red for ever; lane 1 through); U has 2 lanes. */
    function run(upstreamLaneLinks: Array<[number, number]> | undefined, sharedLanes = false) {
      const net = turnApproach({ upstreamLanes: 2, lanes: 2, left: [0], through: [1], upstreamLaneLinks });
      const trips = expandDemand(net, {
        trips: [
          ...Array.from({ length: 12 }, (_, i) => ({ id: `left${i}`, depart: i * 2, route: ['U', 'L', 'X'] })),
          ...Array.from({ length: 5 }, (_, i) => ({ id: `through${i}`, depart: 30 + i * 2, route: ['U', 'L', 'D'] })),
        ],
      }, createRandom(1));
      const r = simulate(net, trips, { programs: throughOnly }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL, sharedLanes });
      let through = 0;
      for (let v = 0; v < trips.count; v++) if (trips.ids[v].startsWith('through') && r.trips.arrived[v] >= 0) through++;
      return { through, enteredL: r.links.entered[net.linkIndex('L')] };
    }

    it('lane for lane (U lane 0 -> L lane 0, U lane 1 -> L lane 1): the through vehicles pass the left-turner waiting in the other lane', () => {
      // SUMO: the left-turners keep to U's lane 0, the only one leading to the left lane; a through vehicle in lane 1 is not behind them.
      expect(run([[0, 0], [1, 1]])).toEqual({ through: 5, enteredL: 15 }); // 10 left-turners fill lane 0 of L (75 m / 7.5 m), then the 5 through
    });

    it('a lane leading to both (U lane 0 -> L lanes 0 and 1): a through vehicle may be behind the left-turner, so it waits', () => {
      expect(run([[0, 0], [0, 1], [1, 1]])).toEqual({ through: 0, enteredL: 10 });
    });

    it('not stated: the waiting left-turner holds the whole movement, as before', () => {
      expect(run(undefined)).toEqual({ through: 0, enteredL: 10 });
    });
  });

  it('a through movement on both lanes, the left turn sharing one of them (SUMO\'s cologne3 at 200818108#0): the left-turners fill their lane and queue back upstream in the lane that leads to it, while the through vehicles take the other lane and pass', () => {
    // L: lane 0 through, lane 1 through and left (two lane classes: {0} and {1}); U lane for lane to L; the left turn is red for ever.
    const net = turnApproach({ upstreamLanes: 2, lanes: 2, left: [1], through: [0, 1], upstreamLaneLinks: [[0, 0], [1, 1]] });
    const trips = expandDemand(net, {
      trips: [
        ...Array.from({ length: 25 }, (_, i) => ({ id: `left${i}`, depart: i * 2, route: ['U', 'L', 'X'] })),
        ...Array.from({ length: 5 }, (_, i) => ({ id: `through${i}`, depart: 60 + i * 2, route: ['U', 'L', 'D'] })),
      ],
    }, createRandom(1));
    const r = simulate(net, trips, { programs: throughOnly }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL, sharedLanes: true });
    let through = 0;
    for (let v = 0; v < trips.count; v++) if (trips.ids[v].startsWith('through') && r.trips.arrived[v] >= 0) through++;
    // 10 left-turners fill L's lane 1 (75 m / 7.5 m), 15 wait on U in its lane 1; the 5 through vehicles enter L's lane 0.
    // (With the lanes of L pooled in one group, as before lane classes, 20 left-turners filled both lanes and the
    // through vehicles waited behind them: 0 arrived.)
    expect(through).toBe(5);
    expect(r.links.entered[net.linkIndex('L')]).toBe(15);
  });

  it('on shared lanes a vehicle heading another lane goes past one whose group ahead is full (its lane is known)', () => {
    // U (2 lanes): U -> L on both lanes, U -> Z (a side road) on lane 1, so U's lane 1 is shared and tracked (sharedLanes).
    const rn = new RoadNetwork();
    for (const [id, x, y, control] of [['u', -575, 0], ['o', -75, 0], ['J', 0, 0, 'signal'], ['d', 500, 0], ['x', 0, 500], ['z', -75, -500]] as const) rn.addJunction({ id, x, y, ...(control ? { control } : {}) });
    rn.addLink({ id: 'U', from: 'u', to: 'o', lanes: 2, speed: 10 });
    rn.addLink({ id: 'L', from: 'o', to: 'J', lanes: 2, speed: 10 });
    rn.addLink({ id: 'Z', from: 'o', to: 'z', speed: 10 });
    rn.addLink({ id: 'D', from: 'J', to: 'd', speed: 10 });
    rn.addLink({ id: 'X', from: 'J', to: 'x', speed: 10 });
    rn.addMovement({ from: 'U', to: 'L', lanes: [0, 1] });
    rn.addMovement({ from: 'U', to: 'Z', lanes: [1] });
    rn.addMovement({ from: 'L', to: 'X', lanes: [0] });
    rn.addMovement({ from: 'L', to: 'D', lanes: [1] });
    const net = compile(rn);
    // 10 left-turners start on L and fill its left lane (75 m / 7.5 m); then one comes down U (at its stop line at
    // 70 s), then 5 through vehicles, which enter U once it waits there.
    const run = (sharedLanes: boolean) => {
      const trips = expandDemand(net, {
        trips: [
          ...Array.from({ length: 10 }, (_, i) => ({ id: `fill${i}`, depart: i, route: ['L', 'X'] })),
          { id: 'left', depart: 20, route: ['U', 'L', 'X'] },
          ...Array.from({ length: 5 }, (_, i) => ({ id: `through${i}`, depart: 80 + i * 2, route: ['U', 'L', 'D'] })),
        ],
      }, createRandom(1));
      const r = simulate(net, trips, { programs: throughOnly }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL, sharedLanes });
      let through = 0;
      for (let v = 0; v < trips.count; v++) if (trips.ids[v].startsWith('through') && r.trips.arrived[v] >= 0) through++;
      return through;
    };
    // The left-turner waits at the head of one lane of U; the through vehicles queue in the other (the shorter
    // queue of their movement's lane groups: U's lane 0 goes to L only, lane 1 to L and Z) and pass it, with or
    // without the shared-lane FIFO (before U's lanes were classes, one group: without shared lanes they waited).
    expect(run(true)).toBe(5);
    expect(run(false)).toBe(5);
  });

  describe('turn bays: a bay is the short link after the lane count grows, its turn lane a lane group of its own', () => {
    /**
     * Upstream road U (u -> m, 2 lanes) widens at m into the bay section B (m -> J,
     * `bay` m, 3 lanes: lane 2 turns left to X, lanes 0-1 go straight to D), as SUMO's
     * netconvert and OSM mappers split a road where a bay starts. Signal J: 45 s for
     * the through lanes, then 15 s for the left turn (60 s cycle, capacity 450 veh/h).
     */
    function bayNet(bay: number): ReturnType<typeof compile> {
      const rn = new RoadNetwork();
      rn.addJunction({ id: 'u', x: -600, y: 0 });
      rn.addJunction({ id: 'm', x: -bay, y: 0 });
      rn.addJunction({ id: 'J', x: 0, y: 0, control: 'signal' });
      rn.addJunction({ id: 'd', x: 500, y: 0 });
      rn.addJunction({ id: 'x', x: 0, y: 500 });
      rn.addLink({ id: 'U', from: 'u', to: 'm', lanes: 2, speed: 10 });
      rn.addLink({ id: 'B', from: 'm', to: 'J', lanes: 3, speed: 10 });
      rn.addLink({ id: 'D', from: 'J', to: 'd', lanes: 2, speed: 10 });
      rn.addLink({ id: 'X', from: 'J', to: 'x', speed: 10 });
      rn.addMovement({ from: 'U', to: 'B' });
      rn.addMovement({ from: 'B', to: 'D', lanes: [0, 1] });
      rn.addMovement({ from: 'B', to: 'X', lanes: [2] });
      return compile(rn);
    }
    const program = [{ junction: 'J', phases: [
      { green: [{ from: 'B', to: 'D' }], duration: 45, yellow: 0, allRed: 0 },
      { green: [{ from: 'B', to: 'X' }], duration: 15, yellow: 0, allRed: 0 },
    ] }];
    /** Mean delay (s) of the through and the left-turning trips: 1,200 veh/h straight on, 300 veh/h turning left (about 4 arrive per red). */
    function delays(bay: number): { through: number; left: number; bayStorage: number } {
      const net = bayNet(bay);
      const trips = expandDemand(net, {
        trips: [
          ...Array.from({ length: 600 }, (_, i) => ({ id: `through${i}`, depart: i * 3, route: ['U', 'B', 'D'] })),
          ...Array.from({ length: 150 }, (_, i) => ({ id: `left${i}`, depart: 1 + i * 12, route: ['U', 'B', 'X'] })),
        ],
      }, createRandom(1));
      const r = simulate(net, trips, { programs: program }, { end: 3000, vehicle: NO_LOSS_VEHICLE_MODEL });
      const mean = (prefix: string): number => {
        let sum = 0;
        let n = 0;
        for (let v = 0; v < trips.count; v++) {
          if (!trips.ids[v].startsWith(prefix)) continue;
          expect(r.trips.arrived[v]).toBeGreaterThan(0); // every trip arrives: the bay delays, it does not gridlock
          sum += r.trips.delay[v];
          n++;
        }
        return sum / n;
      };
      const storage = Int32Array.from({ length: net.linkCount }, (_, l) => Math.floor(net.storage(l)));
      const groups = buildLaneGroups(net, storage);
      const B = net.linkIndex('B');
      const bayStorage = groups.groupStorage[groups.movementGroup[net.movementBetween(B, net.linkIndex('X'))]];
      return { through: mean('through'), left: mean('left'), bayStorage };
    }

    it('a short left bay that fills blocks the through traffic behind it on the shared road; a long bay does not', () => {
      const short = delays(15); // 2 places for the left-turners
      const long = delays(150); // 20 places
      expect([short.bayStorage, long.bayStorage]).toEqual([2, 20]);
      // Long bay: through vehicles see only their own red, 15 s of 60: the uniform delay
      // 15^2 / (2 x 60 x (1 - y)) with y = 1,200 / 3,600 / 2 lanes / 0.5 veh/s per lane, about 2.3 s.
      expect(long.through).toBeLessThan(4);
      // Short bay: a left-turner that finds the bay full waits at the head of U, and every
      // through vehicle behind it waits for the next left green.
      // (When written: through 208 s vs 3.4 s; the left-turners too, 228 s vs 25 s, as the
      // through vehicles ahead of them wait behind the left-turner at the head of U.)
      expect(short.through).toBeGreaterThan(4 * long.through);
      expect(short.left).toBeGreaterThan(long.left);
    });
  });
});

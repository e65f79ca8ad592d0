/**
 * Lane groups (sim/lane-groups.ts): a link's lanes split into the connected
 * components of its movements' lane sets, each with storage floor(lanes x length
 * / jam spacing); a full group blocks only the vehicles that need it, at entry
 * from upstream and at insertion (as SUMO and CityFlow, where a vehicle keeps
 * to the lane of its next turn); space returns to the group it came from.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { buildLaneGroups } from '../../engine/sim/lane-groups.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { simulate } from '../../engine/sim/index.js';

/**
 * Junction J (signal) with approach L (o -> J, 75 m, 2 lanes: lane 0 turns left
 * to X, lane 1 goes straight to D) and upstream link U (u -> o, 1 lane). The
 * only phase shows L -> D green: the left turn is red for ever.
 */
function turnLane(): ReturnType<typeof compile> {
  const rn = new RoadNetwork();
  rn.addJunction({ id: 'u', x: -575, y: 0 });
  rn.addJunction({ id: 'o', x: -75, y: 0 });
  rn.addJunction({ id: 'J', x: 0, y: 0, control: 'signal' });
  rn.addJunction({ id: 'd', x: 500, y: 0 });
  rn.addJunction({ id: 'x', x: 0, y: 500 });
  rn.addLink({ id: 'U', from: 'u', to: 'o', speed: 10 });
  rn.addLink({ id: 'L', from: 'o', to: 'J', lanes: 2, speed: 10 });
  rn.addLink({ id: 'D', from: 'J', to: 'd', speed: 10 });
  rn.addLink({ id: 'X', from: 'J', to: 'x', speed: 10 });
  rn.addMovement({ from: 'U', to: 'L' });
  rn.addMovement({ from: 'L', to: 'X', lanes: [0] });
  rn.addMovement({ from: 'L', to: 'D', lanes: [1] });
  return compile(rn);
}
const throughOnly = [{ junction: 'J', phases: [{ green: [{ from: 'L', to: 'D' }], duration: 60, yellow: 0, allRed: 0 }] }];

describe('lane groups', () => {
  it('are the components of the movements\' lane sets, with storage floor(lanes x length / jam spacing), plus an exit group per link', () => {
    const rn = new RoadNetwork();
    for (const [id, x, y] of [['a', -100, 0], ['b', 0, 0], ['c', 100, 0], ['d', 0, 100], ['e', 0, -100]] as const) rn.addJunction({ id, x, y });
    rn.addLink({ id: 'ab', from: 'a', to: 'b', lanes: 4, speed: 10 }); // 100 m
    for (const to of ['c', 'd', 'e']) rn.addLink({ id: `b${to}`, from: 'b', to, speed: 10 });
    rn.addMovement({ from: 'ab', to: 'bd', lanes: [0] });
    rn.addMovement({ from: 'ab', to: 'bc', lanes: [1, 2] });
    rn.addMovement({ from: 'ab', to: 'be', lanes: [2, 3] }); // shares lane 2 with ab -> bc: one group
    const net = compile(rn);
    const storage = Int32Array.from({ length: net.linkCount }, (_, l) => Math.floor(net.storage(l)));
    const g = buildLaneGroups(net, storage);
    const ab = net.linkIndex('ab');
    const m = (to: string) => net.movementBetween(ab, net.linkIndex(to));
    expect(g.groupOffsets[ab + 1] - g.groupOffsets[ab]).toBe(3); // {0}, {1, 2, 3}, exit
    expect(g.movementGroup[m('bc')]).toBe(g.movementGroup[m('be')]);
    expect(g.movementGroup[m('bd')]).not.toBe(g.movementGroup[m('bc')]);
    expect(g.groupStorage[g.movementGroup[m('bd')]]).toBe(Math.floor(100 / 7.5)); // 13
    expect(g.groupStorage[g.movementGroup[m('bc')]]).toBe(Math.floor((3 * 100) / 7.5)); // 40
    expect(g.groupStorage[g.groupOffsets[ab + 1] - 1]).toBe(storage[ab]);
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
});

/**
 * Metrics that count every trip: the all-trips means follow CityFlow's average
 * travel time (cityflow-project/CityFlow `Engine::getAverageTravelTime`: over
 * every vehicle generated, (exit time, or the current time if still there) -
 * its creation time), computed independently by `cityflowAverageTravelTime`;
 * a run stopped by gridlock counts its stranded trips to the scheduled end; a
 * junction the gridlock report names is LOS F, and one whose vehicles never got
 * through carries their delay. The longest queue stall is the red a lone
 * vehicle waits through at a fixed-time signal (its arrival at the stop line
 * to the start of its next green), and a stall still going on when a gridlock
 * ends the run counts to that end.
 */
import { describe, expect, it } from 'vitest';
import { compile, grid, RoadNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand, type TripSpec } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import { cityflowAverageTravelTime } from '../../engine/sim/cityflow-travel-time.js';
import { NO_LOSS_VEHICLE_MODEL, SUMO_VEHICLE_MODEL } from '../../engine/sim/losses.js';

function ring() {
  // A one-way square of 7.5 m links (one vehicle each): four vehicles that each want the next link gridlock at once.
  const network = new RoadNetwork();
  for (const [id, x, y] of [['a', 0, 0], ['b', 7.5, 0], ['c', 7.5, 7.5], ['d', 0, 7.5]] as const) network.addJunction({ id, x, y, control: 'priority' });
  for (const [id, from, to] of [['ab', 'a', 'b'], ['bc', 'b', 'c'], ['cd', 'c', 'd'], ['da', 'd', 'a']] as const) network.addLink({ id, from, to, speed: 10 });
  network.addDefaultMovements();
  return compile(network);
}

describe('Metrics: all trips', () => {
  it('counts a gridlocked run\'s stranded trips to the scheduled end, and trips due after the gridlock too', () => {
    const net = ring();
    const routes = [['ab', 'bc', 'cd'], ['bc', 'cd', 'da'], ['cd', 'da', 'ab'], ['da', 'ab', 'bc']];
    const trips: TripSpec[] = [...routes.map((route, i) => ({ depart: i * 0.1, route })), { depart: 1000, route: ['ab', 'bc'] }];
    const table = expandDemand(net, { trips }, createRandom(1));
    const r = simulate(net, table, {}, { end: 3600, gridlockTimeout: 120 });
    expect(r.gridlock).toBeDefined();
    expect(r.endTime).toBeLessThan(1000);
    // finished-only means have nothing to average ...
    expect(r.network.meanTravelTime).toBeNaN();
    // ... the all-trips mean counts every trip from its planned departure to the end (3,600 s)
    const expected = (4 * 3600 - (0 + 0.1 + 0.2 + 0.3) + (3600 - 1000)) / 5;
    expect(r.network.dueTrips).toBe(5);
    expect(r.network.meanTravelTimeAllTrips).toBeCloseTo(expected, 9);
    expect(r.network.meanTravelTimeAllTrips).toBeCloseTo(cityflowAverageTravelTime(table, r, 3600), 9);
    // every junction of the ring is blocked: LOS F, with the vehicles that never got through counted
    for (const id of ['a', 'b', 'c', 'd']) {
      const j = net.junctionIndex(id);
      expect(r.junctions.blocked[j]).toBe(1);
      expect(r.junctions.levelOfService[j]).toBe('F');
      expect(r.junctions.stuck[j]).toBe(1);
      expect(r.junctions.controlDelay[j]).toBeGreaterThan(100);
    }
  });

  it('equals CityFlow\'s average travel time on a run with unfinished trips, and the finished-only mean when all finish', () => {
    const net = compile(grid(3, 3, { spacing: 200 }));
    const spec = { flows: [{ from: net.junctionKey(0), to: net.junctionKey(8), rate: 0.3, begin: 0, end: 900 }] };
    const table = expandDemand(net, spec, createRandom(4));
    const short = simulate(net, table, {}, { end: 600, seed: 4 });
    expect(short.network.unfinished).toBeGreaterThan(0);
    expect(short.network.meanTravelTimeAllTrips).toBeCloseTo(cityflowAverageTravelTime(table, short, 600), 9);
    expect(short.network.meanTravelTimeAllTrips).toBeGreaterThan(0);
    const long = simulate(net, table, {}, { end: 3600, seed: 4 });
    expect(long.network.unfinished).toBe(0);
    // all finished: the all-trips mean is the finished mean plus the departure delay (CityFlow counts from the planned departure)
    expect(long.network.meanTravelTimeAllTrips).toBeCloseTo(long.network.meanTravelTime + long.network.meanDepartDelay, 6);
    expect(long.network.meanDelayAllTrips).toBeCloseTo(long.network.meanDelay + long.network.meanDepartDelay, 6);
  });

  it('counts an unroutable trip to the scheduled end, as CityFlow counts every generated vehicle', () => {
    // Two separate roads: a -> b and c -> d. A trip from a to d has no route.
    const network = new RoadNetwork();
    for (const [id, x] of [['a', 0], ['b', 100], ['c', 300], ['d', 400]] as const) network.addJunction({ id, x, y: 0, control: 'priority' });
    network.addLink({ id: 'ab', from: 'a', to: 'b', speed: 10 });
    network.addLink({ id: 'cd', from: 'c', to: 'd', speed: 10 });
    network.addDefaultMovements();
    const net = compile(network);
    const table = expandDemand(net, { trips: [{ depart: 0, route: ['ab'] }, { depart: 50, from: 'a', to: 'd' }] }, createRandom(1));
    const r = simulate(net, table, {}, { end: 600, vehicle: { ...SUMO_VEHICLE_MODEL, speedDev: 0 } }); // at the link speed
    expect(r.network.unroutable).toBe(1);
    expect(r.network.dueTrips).toBe(2);
    // trip 0 drove ab (free flow 100 m / 10 m/s = 10 s); the unroutable trip counts 600 - 50 s, with no link completed (all delay)
    const first = r.trips.arrived[0];
    expect(first).toBeGreaterThanOrEqual(10);
    expect(r.network.meanTravelTimeAllTrips).toBeCloseTo((first + 550) / 2, 6);
    expect(r.network.meanDelayAllTrips).toBeCloseTo((first - 10 + 550) / 2, 6);
    expect(r.network.meanTravelTimeAllTrips).toBeCloseTo(cityflowAverageTravelTime(table, r, 600), 9);
  });
});

describe('Metrics: longest queue stall', () => {
  it('is the red a lone vehicle waits through at a fixed-time signal', () => {
    // W -> J -> E through a signal: phase 1 (W-E) green 0-30 s, yellow and all-red to 35 s; phase 2 (N-S) green 35-55 s,
    // clearance to 60 s; then phase 1 again. A vehicle leaving W at 0 s reaches the stop line after 600 m / 15 m/s = 40 s,
    // during phase 2, and waits until phase 1 turns green at 60 s: a stall of 20 s.
    const network = new RoadNetwork();
    for (const [id, x, y, control] of [['W', -600, 0, 'uncontrolled'], ['E', 600, 0, 'uncontrolled'], ['N', 0, 600, 'uncontrolled'], ['S', 0, -600, 'uncontrolled'], ['J', 0, 0, 'signal']] as const) {
      network.addJunction({ id, x, y, control });
    }
    for (const arm of ['W', 'E', 'N', 'S']) {
      network.addLink({ id: `${arm}J`, from: arm, to: 'J', speed: 15 });
      network.addLink({ id: `J${arm}`, from: 'J', to: arm, speed: 15 });
    }
    network.addDefaultMovements();
    const net = compile(network);
    const programs = [{
      junction: 'J',
      phases: [
        { green: [{ from: 'WJ', to: 'JE' }, { from: 'EJ', to: 'JW' }], duration: 30, yellow: 3, allRed: 2 },
        { green: [{ from: 'NJ', to: 'JS' }, { from: 'SJ', to: 'JN' }], duration: 20, yellow: 3, allRed: 2 },
      ],
    }];
    const run = (depart: number) => simulate(net, expandDemand(net, { trips: [{ depart, route: ['WJ', 'JE'] }] }, createRandom(1)), { programs }, { end: 600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL });
    const r = run(0);
    expect(r.network.arrived).toBe(1);
    expect(r.network.longestStall).toBe(r.trips.waitingTime[0]); // one vehicle: its one wait
    expect(r.network.longestStall).toBeGreaterThanOrEqual(20); // red from 40 s to 60 s (the kernel's start-up second on top)
    expect(r.network.longestStall).toBeLessThanOrEqual(22);
    // reaching the stop line 5 s later (still red) stalls 5 s less; reaching it in green (at 65 s) does not stall
    expect(run(5).network.longestStall).toBeCloseTo(r.network.longestStall - 5, 9);
    expect(run(25).network.longestStall).toBe(0);
  });

  it('counts a queue still stalled when a gridlock ends the run to that end', () => {
    const net = ring();
    const routes = [['ab', 'bc', 'cd'], ['bc', 'cd', 'da'], ['cd', 'da', 'ab'], ['da', 'ab', 'bc']];
    const table = expandDemand(net, { trips: routes.map((route, i) => ({ depart: i * 0.1, route })) }, createRandom(1));
    const r = simulate(net, table, {}, { end: 3600, gridlockTimeout: 120 });
    expect(r.gridlock).toBeDefined();
    // every vehicle queued at the end of its first 7.5 m link (within seconds) and none ever left: stalled from then to the end
    expect(r.network.longestStall).toBeGreaterThan(r.endTime - 5);
    expect(r.network.longestStall).toBeLessThanOrEqual(r.endTime);
  });
});

/**
 * Desired-speed factors of a vehicle class (engine/sim/losses.ts, SUMO's
 * `speedFactor` = normc(1, speedDev, 0.2, 2)): the draws, and what the kernel does
 * with them: each vehicle drives a link in its free-flow time divided by its
 * factor, never overtaking on a one-lane link (FIFO) and passing slower vehicles
 * on a link of several lanes (stop-line order = arrival order), and its delay
 * counts from its own free-flow time.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import { drawSpeedFactors, NO_LOSS_VEHICLE_MODEL, SUMO_VEHICLE_MODEL } from '../../engine/sim/losses.js';

describe('drawSpeedFactors', () => {
  it('draws mean 1 and standard deviation speedDev (SUMO car: 0.1), within [0.2, 2], the same for the same stream', () => {
    const draw = (seed: number, dev: number): Float32Array => {
      const r = createRandom(seed);
      const out = new Float32Array(20000);
      drawSpeedFactors({ ...NO_LOSS_VEHICLE_MODEL, speedDev: dev }, out, () => r.next());
      return out;
    };
    const f = draw(3, SUMO_VEHICLE_MODEL.speedDev ?? 0);
    const mean = f.reduce((s, x) => s + x, 0) / f.length;
    const sd = Math.sqrt(f.reduce((s, x) => s + (x - mean) ** 2, 0) / f.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.003); // 3 standard errors (0.1 / sqrt(20000) = 0.0007) and more
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.003);
    expect(draw(3, 0.1)).toEqual(f);
    // A wide spread is cut at SUMO's bounds (redrawn, not clamped: no mass piles up at 0.2).
    const wide = draw(4, 1);
    expect(Math.min(...wide)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...wide)).toBeLessThanOrEqual(2);
    expect(wide.filter((x) => x === 0.2 || x === 2).length).toBe(0);
    expect(draw(5, 0).every((x) => x === 1)).toBe(true);
  });
});

describe('kernel: vehicles at their own desired speed, no overtaking', () => {
  // One 1,000 m link at 13.89 m/s into an exit link, through an uncontrolled junction.
  const network = new RoadNetwork();
  network.addJunction({ id: 'A', x: 0, y: 0 });
  network.addJunction({ id: 'B', x: 1000, y: 0, control: 'uncontrolled' });
  network.addJunction({ id: 'C', x: 1100, y: 0 });
  network.addLink({ id: 'AB', from: 'A', to: 'B', speed: 13.89 });
  network.addLink({ id: 'BC', from: 'B', to: 'C', speed: 13.89 });
  network.addDefaultMovements();
  const net = compile(network);
  const trips = expandDemand(net, { flows: [{ id: 'f', from: 'A', to: 'C', rate: 1 / 5, begin: 0, end: 1000, arrivals: 'uniform' }] }, createRandom(1));
  const vehicle = { ...NO_LOSS_VEHICLE_MODEL, speedDev: 0.1 };

  it('reaches the stop line at max(entry + T / f, the vehicle ahead), T the free-flow time: evenly spaced departures arrive bunched', () => {
    const AB = net.linkIndex('AB');
    const entered = new Float64Array(trips.count).fill(NaN);
    const reached: Array<[number, number]> = [];
    let factors: Float32Array = new Float32Array(0);
    const r = simulate(net, trips, {}, {
      end: 2000, seed: 7, vehicle,
      attach: (sim) => {
        factors = sim.speedFactors;
        sim.observe({
          enter: (v, l, now) => { if (l === AB) entered[v] = now; },
          queue: (v, _e, now) => { reached.push([v, now]); },
        });
      },
    });
    expect(reached.length).toBe(trips.count);
    const T = net.linkFreeFlowTime[AB];
    let last = -Infinity;
    const gaps: number[] = [];
    for (const [v, t] of reached) {
      const expected = Math.max(entered[v] + T / factors[v], last);
      expect(t).toBeCloseTo(expected, 9);
      if (last > -Infinity) gaps.push(t - last);
      last = t;
      // Alone on its links it loses nothing: delay is travel time minus its own free-flow time.
      expect(r.trips.delay[v]).toBeGreaterThanOrEqual(-1e-9);
    }
    // Departures every 5 s; at the junction some arrive together (platoons) and some gaps are much longer.
    expect(gaps.filter((g) => g < 1e-9).length).toBeGreaterThan(trips.count / 10);
    expect(Math.max(...gaps)).toBeGreaterThan(15);
  });

  it('with speedDev 0 keeps every headway', () => {
    const times: number[] = [];
    simulate(net, trips, {}, { end: 2000, seed: 7, vehicle: { ...vehicle, speedDev: 0 }, attach: (sim) => sim.observe({ queue: (_v, _e, now) => { times.push(now); } }) });
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeCloseTo(5, 9);
  });
});

describe('kernel: vehicles at their own desired speed, overtaking on two lanes', () => {
  // The same road with two lanes each way: a faster vehicle passes a slower one.
  const network = new RoadNetwork();
  network.addJunction({ id: 'A', x: 0, y: 0 });
  network.addJunction({ id: 'B', x: 1000, y: 0, control: 'uncontrolled' });
  network.addJunction({ id: 'C', x: 1100, y: 0 });
  network.addLink({ id: 'AB', from: 'A', to: 'B', speed: 13.89, lanes: 2 });
  network.addLink({ id: 'BC', from: 'B', to: 'C', speed: 13.89, lanes: 2 });
  network.addDefaultMovements();
  const net = compile(network);
  const vehicle = { ...NO_LOSS_VEHICLE_MODEL, speedDev: 0.1 };
  const AB = net.linkIndex('AB');

  /** Entry times on AB, stop-line arrivals on AB in the order they happen, speed factors and delays of one run. */
  const run = (headway: number, seed: number, dev = 0.1) => {
    const trips = expandDemand(net, { flows: [{ id: 'f', from: 'A', to: 'C', rate: 1 / headway, begin: 0, end: 1000, arrivals: 'uniform' }] }, createRandom(1));
    const entered = new Float64Array(trips.count).fill(NaN);
    const reached: Array<[number, number]> = [];
    let factors: Float32Array = new Float32Array(0);
    const r = simulate(net, trips, {}, {
      end: 3000, seed, vehicle: { ...vehicle, speedDev: dev },
      attach: (sim) => {
        factors = sim.speedFactors;
        sim.observe({
          enter: (v, l, now) => { if (l === AB) entered[v] = now; },
          queue: (v, e, now) => { if (net.movementFrom[e] === AB) reached.push([v, now]); },
        });
      },
    });
    return { trips, entered, reached, factors, r };
  };

  it('reaches the stop line at exactly entry + T / f, T the free-flow time, in order of those times (fast vehicles pass slow ones)', () => {
    for (const headway of [5, 1.2]) {
      const { trips, entered, reached, factors, r } = run(headway, 7);
      expect(reached.length).toBe(trips.count);
      const T = net.linkFreeFlowTime[AB];
      let passed = 0;
      for (let i = 0; i < reached.length; i++) {
        const [v, t] = reached[i];
        expect(t).toBeCloseTo(entered[v] + T / factors[v], 9);
        if (i > 0) {
          expect(t).toBeGreaterThanOrEqual(reached[i - 1][1]);
          if (entered[v] < entered[reached[i - 1][0]]) passed++;
        }
        expect(r.trips.delay[v]).toBeGreaterThanOrEqual(-1e-9);
      }
      // Over 72 s of driving, factors 0.1 apart make 7 s: at 5 s headways some pass, at 1.2 s many.
      expect(passed).toBeGreaterThan(headway > 2 ? 10 : trips.count / 4);
    }
  });

  it('is deterministic for a seed, and with speedDev 0 nobody passes and every headway is kept', () => {
    const a = run(1.2, 11);
    const b = run(1.2, 11);
    expect(b.reached).toEqual(a.reached);
    expect(b.r.network).toEqual(a.r.network);
    const flat = run(5, 11, 0);
    // The transit list's back links cost 4 bytes per vehicle, only with a spread.
    expect(run(5, 11).r.bytesPerVehicle - flat.r.bytesPerVehicle).toBe(4);
    expect(a.r.bytesPerVehicle).toBeLessThan(200);
    for (let i = 1; i < flat.reached.length; i++) {
      expect(flat.reached[i][1] - flat.reached[i - 1][1]).toBeCloseTo(5, 9);
      expect(flat.reached[i][0]).toBeGreaterThan(flat.reached[i - 1][0]);
    }
  });
});

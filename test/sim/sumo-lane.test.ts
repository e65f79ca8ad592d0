/**
 * SUMO's cautious approach to a minor link (sim/sumo-lane.ts): SUMO's rules
 * for one lane, checked against SUMO 1.15 itself. Reference values measured with
 * SUMO 1.15 on a crossing of two one-lane roads built by netconvert, the major
 * road empty, default car (5 m + 2.5 m minGap, a 2.6, b 4.5, tau 1, 1 s steps,
 * speedDev 0): a queue of 150 vehicles held at the line until 300 s, headway of
 * its 11th to 60th vehicle crossing; and a vehicle alone at the road's speed,
 * its time loss on the minor link less that on the same road given right of way
 * (the file header of sumo-lane.ts has the table). And in the kernel: a
 * lone vehicle on a minor movement of the SUMO class pays that loss; on the same
 * movement with right of way it does not.
 */
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand, type DemandSpec } from '../../engine/demand/index.js';
import { compile, RoadNetwork, type CompiledNetwork, type RightOfWay } from '../../engine/network/index.js';
import { simulate } from '../../engine/sim/index.js';
import { SUMO_VEHICLE_MODEL, type VehicleModel } from '../../engine/sim/losses.js';
import { discharge, minorApproachLoss, queueHeadway, SUMO_FOE_VISIBILITY, type SumoLaneParams } from '../../engine/sim/sumo-lane.js';
import { sumoDischarge } from '../../engine/io/sumo/network.js';

const CAR: SumoLaneParams = { speed: 13.89, accel: 2.6, decel: 4.5, sigma: 0, length: 5, spacing: 7.5, visibility: SUMO_FOE_VISIBILITY, step: 1, tau: 1 };

describe('a standing queue through a minor link, against SUMO 1.15', () => {
  it('without dawdling: one vehicle every 2.000 s at 30, 50 and 70 km/h, as SUMO (right of way: 1.898 s at 30 km/h, SUMO 1.898 s)', () => {
    for (const speed of [8.33, 13.89, 19.44]) expect(queueHeadway({ ...CAR, speed }, true)).toBeCloseTo(2.0, 3);
    expect(queueHeadway({ ...CAR, speed: 8.33 }, false)).toBeCloseTo(1.898, 2);
  });

  it('a longer visibility lets the queue go faster: 1.592 s at 20 m and the right-of-way headway at 40 m (SUMO 1.592 / 1.531 s)', () => {
    expect(Math.abs(queueHeadway({ ...CAR, visibility: 20 }, true) - 1.592)).toBeLessThan(0.03);
    const major = queueHeadway(CAR, false);
    expect(Math.abs(major - 1.531)).toBeLessThan(0.03);
    expect(queueHeadway({ ...CAR, visibility: 40 }, true)).toBeCloseTo(major, 6);
  });

  it('with SUMO\'s dawdling (sigma 0.5): about 2.50 s (SUMO, seeds 1-4: 2.469 / 2.551 / 2.449 / 2.531 s), the major road 1.80 s (SUMO 1.796-1.816 s)', () => {
    expect(Math.abs(queueHeadway({ ...CAR, sigma: 0.5 }, true) - 2.5)).toBeLessThan(0.06);
    expect(Math.abs(queueHeadway({ ...CAR, sigma: 0.5 }, false) - 1.806)).toBeLessThan(0.04);
    expect(Math.abs(queueHeadway({ ...CAR, sigma: 0.5, speed: 8.33 }, true) - 2.531)).toBeLessThan(0.06);
  });
});

describe('queue discharge by road speed, against SUMO 1.15 (default car, speedDev 0.1)', () => {
  const SPEEDS = [5.56, 8.33, 11.11, 13.89, 19.44];
  it('far down a standing queue: 3.47 / 2.65 / 2.245 / 2.01 / 1.77 s at 20 / 30 / 40 / 50 / 70 km/h (SUMO, seeds 1-2), within 4%', () => {
    const sumo = [3.47, 2.65, 2.245, 2.01, 1.77];
    SPEEDS.forEach((speed, i) => expect(Math.abs(discharge({ ...CAR, sigma: 0.5, speedDev: 0.1, speed }).headway - sumo[i]) / sumo[i]).toBeLessThan(0.04));
  });

  it('per 30 s green and lane as the import sets it (1,871 veh/h and 1.1 s at 50 km/h): SUMO 9.89 / 12.43 / 13.95 / 15.05 / 16.19 vehicles, within 4%', () => {
    // SUMO 1.15, two saturated lanes into a signal, 30 s green, 3 s yellow, 20 s red (test/io/sumo/discharge.test.ts), halved; 40 km/h is 11 m/s there.
    const sumo = [9.89, 12.43, 13.95, 15.05, 16.19];
    const bySpeed = sumoDischarge(undefined, 7.5);
    SPEEDS.forEach((speed, i) => {
      const { scale, startUpLost } = bySpeed(speed);
      const h = 3600 / (1871 * scale);
      const served = (30 - Math.max(startUpLost, -h / 2)) / h; // slots start no sooner than the green (sim/movements.ts)
      expect(Math.abs(served - sumo[i]) / sumo[i]).toBeLessThan(0.04);
    });
    expect(bySpeed(13.89).scale).toBeCloseTo(1, 9);
    expect(bySpeed(13.89).startUpLost).toBeCloseTo(1.1, 9);
  });
});

describe('a free vehicle\'s extra loss on a minor link, against SUMO 1.15', () => {
  it.each([
    [8.33, 0, 0.22, 0.1],
    [13.89, 0, 1.26, 0.1],
    [19.44, 0, 2.6, 0.1],
    [13.89, 0.5, 1.66, 0.25],
    [19.44, 0.5, 3.35, 0.25],
  ])('%s m/s, sigma %s: SUMO %s s (within %s s)', (speed, sigma, sumo, tolerance) => {
    expect(Math.abs(minorApproachLoss({ ...CAR, speed, sigma }) - sumo)).toBeLessThan(tolerance);
  });
});

describe('the kernel: a minor movement of the SUMO class, nobody on the major road', () => {
  const V = 13.89;
  /** W -> E major road, S -> N minor road (right of way `minor` for S -> N, its path across at `crossingSpeed` when given), one lane each, 500 m. */
  const crossing = (minor: RightOfWay, crossingSpeed?: number): CompiledNetwork => {
    const network = new RoadNetwork();
    for (const [id, x, y] of [['W', -500, 0], ['E', 500, 0], ['N', 0, 500], ['S', 0, -500]] as const) network.addJunction({ id, x, y });
    network.addJunction({ id: 'C', x: 0, y: 0, control: 'priority' });
    for (const [a, b] of [['W', 'C'], ['C', 'E'], ['S', 'C'], ['C', 'N']] as const) network.addLink({ id: `${a}${b}`, from: a, to: b, lanes: 1, speed: V });
    network.addMovement({ from: 'WC', to: 'CE', rightOfWay: 'major' });
    network.addMovement({ from: 'SC', to: 'CN', rightOfWay: minor, ...(crossingSpeed === undefined ? {} : { crossingSpeed }) });
    return compile(network);
  };
  const car: VehicleModel = { ...SUMO_VEHICLE_MODEL, speedDev: 0 };
  const minorLoss = minorApproachLoss({ ...CAR, sigma: car.sigma, spacing: 7.5 });

  /** Stop-line passings on S -> C and the mean delay of a run of `demand` on `net`. */
  const run = (net: CompiledNetwork, demand: DemandSpec, end: number): { passed: number[]; delay: number } => {
    const trips = expandDemand(net, demand, createRandom(1).fork('demand'));
    const sc = net.linkIndex('SC');
    const passed: number[] = [];
    const r = simulate(net, trips, {}, { end, seed: 1, vehicle: car, attach: (sim) => sim.observe({ leave: (_v, a, _e, t) => { if (a === sc) passed.push(t); } }) });
    return { passed, delay: r.network.meanDelay };
  };

  it('a lone vehicle on the minor movement loses the free loss more than on the same movement with right of way', () => {
    const demand: DemandSpec = { trips: [{ from: 'S', to: 'N', depart: 0, departSpeed: 'max' }] };
    const minor = run(crossing('minor'), demand, 600).delay;
    const major = run(crossing('major'), demand, 600).delay;
    expect(minor - major).toBeCloseTo(minorLoss, 6);
    expect(minorLoss).toBeGreaterThan(1);
  });

  it('a turn whose path crosses at 30 km/h (SUMO\'s internal lane speed) costs what the approach at 30 km/h does, far less', () => {
    const demand: DemandSpec = { trips: [{ from: 'S', to: 'N', depart: 0, departSpeed: 'max' }] };
    const slow = run(crossing('minor', 8.33), demand, 600).delay - run(crossing('major', 8.33), demand, 600).delay;
    const expected = minorApproachLoss({ ...CAR, sigma: car.sigma, speed: 8.33 });
    expect(slow).toBeCloseTo(expected, 6);
    expect(expected).toBeLessThan(minorLoss / 2);
  });

  it('refuses a crossing speed that is not a road speed, naming the movement and the field', () => {
    expect(() => crossing('minor', 0)).toThrow(/crossingSpeed/);
    expect(() => crossing('minor', Number.NaN)).toThrow(/crossingSpeed/);
    expect(() => crossing('minor', 100)).toThrow(/SC.*crossingSpeed|crossingSpeed.*SC|movement/);
  });
});

/**
 * What routing at departure sees (engine/sim/rerouting.ts): link costs from the
 * speeds of the vehicles on each link (`routingCosts: 'speeds'`, SUMO's
 * rerouting device: MSRoutingEngine's edge speeds, with which SUMO routes trips
 * without a route at insertion) against the mean travel times of the vehicles
 * that left it (the default), and SUMO's penalty for yielding turns
 * (`minorPenalty`, `--weights.minor-penalty`); and the SUMO import asking for
 * both.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../engine/demand/random.js';
import { expandDemand } from '../../engine/demand/expand.js';
import { importSumo } from '../../engine/io/sumo/index.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { simulate } from '../../engine/sim/simulate.js';
import { UsageError } from '../../engine/errors.js';
import { yieldingRoutes } from '../fixtures/yielding-routes.js';

/**
 * Two routes from O to E: via B (800 m) and via C (850 m). B is a signal that
 * stays red for the first 900 s (an empty phase), so the vehicles that take B
 * early stand in its queue and none leaves it.
 */
function redCorridor() {
  const n = new RoadNetwork();
  for (const [id, x, y, control] of [['O', -400, 0, 'uncontrolled'], ['A', 0, 0, 'uncontrolled'], ['B', 400, 100, 'signal'], ['C', 425, -100, 'uncontrolled'], ['D', 800, 0, 'uncontrolled'], ['E', 1000, 0, 'uncontrolled']] as const) {
    n.addJunction({ id, x, y, control });
  }
  n.addLink({ id: 'OA', from: 'O', to: 'A', length: 400, speed: 10, lanes: 2 });
  n.addLink({ id: 'AB', from: 'A', to: 'B', length: 400, speed: 10 });
  n.addLink({ id: 'BD', from: 'B', to: 'D', length: 400, speed: 10 });
  n.addLink({ id: 'AC', from: 'A', to: 'C', length: 425, speed: 10 });
  n.addLink({ id: 'CD', from: 'C', to: 'D', length: 425, speed: 10 });
  n.addLink({ id: 'DE', from: 'D', to: 'E', length: 200, speed: 10, lanes: 2 });
  n.addMovement({ from: 'OA', to: 'AB', lanes: [0] });
  n.addMovement({ from: 'OA', to: 'AC', lanes: [1] });
  n.addMovement({ from: 'AB', to: 'BD' });
  n.addMovement({ from: 'AC', to: 'CD' });
  n.addMovement({ from: 'BD', to: 'DE' });
  n.addMovement({ from: 'CD', to: 'DE' });
  return compile(n);
}

describe('routing at departure: link costs', () => {
  const net = redCorridor();
  const programs = [{ junction: 'B', phases: [{ green: [], duration: 900, yellow: 0, allRed: 0 }, { green: [{ from: 'AB', to: 'BD' }], duration: 60, yellow: 3, allRed: 0 }] }];
  const trips = expandDemand(net, { flows: [{ from: 'O', to: 'E', rate: 0.1, begin: 0, end: 600, arrivals: 'uniform' }] }, createRandom(1));
  const run = (options: object) => simulate(net, trips, { programs }, { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL, routingInterval: 10, ...options });

  it('with "speeds", a link whose vehicles stand costs its length at their mean speed: later trips go round it', () => {
    const r = run({ routingCosts: 'speeds', routingWindow: 10 });
    const viaB = r.links.entered[net.linkIndex('AB')];
    const viaC = r.links.entered[net.linkIndex('AC')];
    expect(viaB + viaC).toBe(trips.count);
    // While the vehicles on AB still drive (the first reaches B's stop line 80 s after it departs: 400 m + 400 m at
    // 10 m/s) AB samples at 10 m/s and is the cheaper route; from the first sample after that (one every 10 s, a window
    // of one sample) AB costs 400 m over the mean speed of its vehicles, 10 m/s x moving / present, more than AC's 42.5 s,
    // and every later trip goes via C.
    const firstStands = trips.depart[0] + 80;
    const before = Array.from(trips.depart).filter((t) => t <= firstStands + 10).length;
    expect(viaB).toBeGreaterThanOrEqual(before - 1);
    expect(viaB).toBeLessThanOrEqual(before);
    expect(viaC).toBe(trips.count - viaB);
    expect(viaC).toBeGreaterThan(trips.count / 2);
  });

  it('with the default travel times, nobody has left AB, so it keeps its free-flow cost and every trip takes it', () => {
    const r = run({});
    expect(r.links.entered[net.linkIndex('AB')]).toBe(trips.count);
    expect(r.links.entered[net.linkIndex('AC')]).toBe(0);
  });

  it('with "speeds" over a longer window, the standing vehicles weigh in by their share of the samples', () => {
    // Window 600 s (60 samples, all at 10 m/s but those taken while vehicles stand): the mean falls below 400/425 x 10 m/s,
    // where AB becomes dearer than AC, only after several samples with AB's vehicles standing, so more trips take B first.
    const short = run({ routingCosts: 'speeds', routingWindow: 10 }).links.entered[net.linkIndex('AB')];
    const long = run({ routingCosts: 'speeds', routingWindow: 600 }).links.entered[net.linkIndex('AB')];
    expect(long).toBeGreaterThan(short);
    expect(long).toBeLessThan(trips.count);
  });

  it('rejects bad settings, naming the option', () => {
    expect(() => run({ routingCosts: 'fastest' })).toThrow(UsageError);
    expect(() => run({ routingCosts: 'fastest' })).toThrow(/options\.routingCosts must be "travel-times" or "speeds", got fastest/);
    expect(() => run({ routingWindow: 0 })).toThrow(/options\.routingWindow must be a positive finite number/);
    expect(() => run({ minorPenalty: -1 })).toThrow(/options\.minorPenalty must be a number of seconds in 0\.\.600, got -1/);
  });
});

describe('routing at departure: SUMO\'s penalty for yielding turns', () => {
  const { net, trips } = yieldingRoutes(); // via B 1 s shorter, through a yielding turn; via C the major movement
  const viaB = (minorPenalty: number) => simulate(net, trips, {}, { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL, routingInterval: Infinity, minorPenalty }).links.entered[net.linkIndex('AB')];

  it('pays 1.5 s for the yielding turn: the route 1 s longer without it is taken; without the penalty (default) the shorter', () => {
    expect(trips.count).toBe(40);
    expect(viaB(1.5)).toBe(0);
    expect(viaB(0.9)).toBe(40);
    expect(viaB(0)).toBe(40);
  });
});

describe('the SUMO import', () => {
  it('routes trips as SUMO\'s rerouting device does: speeds over 180 s, sampled every 10 s, and the 1.5 s minor penalty', async () => {
    const r = await importSumo(path.join(import.meta.dirname, '..', 'fixtures', 'sumo', 'priority.net.xml'));
    expect(r.routing).toEqual({ costs: 'speeds', interval: 10, window: 180, minorPenalty: 1.5 });
  });
});

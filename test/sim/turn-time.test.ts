/**
 * Movement time offsets in the kernel (`CompiledNetwork.movementTimeOffset`,
 * SUMO imports: each turn's own junction crossing): a vehicle whose route leaves
 * link a through movement x reaches a's stop line after a's free-flow time plus
 * x's offset, so at free flow its trip takes the sum of its links' free-flow
 * times plus its turns' offsets; the trip's free-flow time holds the same
 * offsets, so an offset alone adds no delay; and the equilibrium's measured
 * movement time (enter a, leave it through x) is that same sum, which is what
 * the time-dependent router's free-flow costs say (the offset counted once).
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { LinkTimeRecorder } from '../../engine/optimise/equilibrium/link-times.js';
import { freeFlowCosts } from '../../engine/routing/time-dependent.js';
import { JunctionSeries } from '../../engine/report/recorders/junction-series.js';

/** W -> J (100 m at 10 m/s: 10 s), then left to N or right to S (100 m each); uncontrolled, no other traffic. */
function tee(left: number, right: number): RoadNetwork {
  const network = new RoadNetwork();
  for (const [id, x, y] of [['W', 0, 0], ['J', 100, 0], ['N', 100, 100], ['S', 100, -100]] as const) network.addJunction({ id, x, y });
  for (const [id, from, to] of [['WJ', 'W', 'J'], ['JN', 'J', 'N'], ['JS', 'J', 'S']] as const) network.addLink({ id, from, to, length: 100, speed: 10 });
  network.addMovement({ from: 'WJ', to: 'JN', timeOffset: left });
  network.addMovement({ from: 'WJ', to: 'JS', timeOffset: right });
  return network;
}

function run(left: number, right: number) {
  const net = compile(tee(left, right));
  // Far apart in time: each drives alone at free flow.
  const trips = expandDemand(net, { trips: [{ depart: 0, route: ['WJ', 'JN'] }, { depart: 100, route: ['WJ', 'JS'] }] }, createRandom(1));
  const recorder = new LinkTimeRecorder(net, trips, 0, 300, 1);
  const series = new JunctionSeries(net, trips, { start: 0, end: 600, interval: 600 });
  const result = simulate(net, trips, {}, { end: 600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL, attach: (sim) => { sim.observe(recorder); sim.observe(series); } });
  return { net, result, costs: recorder.costs(), series: series.result() };
}

describe('movement time offsets in the kernel', () => {
  it('delays (or hastens) the stop line of the approach by the offset of the turn taken next', () => {
    const plain = run(0, 0);
    expect([...plain.result.trips.travelTime]).toEqual([20, 20]);
    const { net, result } = run(6, -4);
    // Left: 10 s + 6 s on WJ, then 10 s on JN; right: 10 s - 4 s, then 10 s.
    expect(result.trips.travelTime[0]).toBeCloseTo(26, 9);
    expect(result.trips.travelTime[1]).toBeCloseTo(16, 9);
    expect(net.hasTimeOffsets).toBe(true);
  });

  it('counts the offset in the trip\'s free-flow time: no delay at free flow', () => {
    const { net, result, series } = run(6, -4);
    expect(result.trips.delay[0]).toBeCloseTo(0, 9);
    expect(result.trips.delay[1]).toBeCloseTo(0, 9);
    const j = net.junctionIndex('J');
    expect(result.junctions.controlDelay[j]).toBeCloseTo(0, 9);
    expect(series.vehicles[j]).toBe(2); // the report's per-interval control delay, same definition
    expect(series.controlDelay[j]).toBeCloseTo(0, 9); // junction J: time on WJ minus its free-flow time through the turn taken
  });

  it('measures movement times with the offset once, as the free-flow interval costs give them', () => {
    const { net, costs } = run(6, -4);
    const left = net.movementBetween(net.linkIndex('WJ'), net.linkIndex('JN'));
    const right = net.movementBetween(net.linkIndex('WJ'), net.linkIndex('JS'));
    expect(costs.movement[left]).toBeCloseTo(16, 9);
    expect(costs.movement[right]).toBeCloseTo(6, 9);
    const free = freeFlowCosts(net);
    expect(free.movement[left]).toBe(16);
    expect(free.movement[right]).toBe(6);
  });

  it('refuses an offset that would make the free-flow time through the turn negative', () => {
    expect(() => tee(6, -10.5)).toThrow(/timeOffset/);
    expect(() => tee(Number.NaN, 0)).toThrow(/timeOffset/);
  });
});

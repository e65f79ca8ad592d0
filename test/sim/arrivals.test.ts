/**
 * Arrivals at the stop line (sim/arrivals.ts, option `arriveAtStopLine`): a trip
 * ending on a link waits at the link's end behind the vehicles queued there, as
 * a SUMO vehicle does with its default arrival position "max" (SUMO docs,
 * Definition_of_Vehicles,_Vehicle_Types,_and_Routes: arrivalPos default "max",
 * the end of the last edge's lane). It needs no green itself: it arrives one lane
 * saturation headway after the last vehicle ahead of it was discharged.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork, type CompiledNetwork } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { compileProgram } from '../../engine/signals/index.js';
import { simulate, type SimObserver } from '../../engine/sim/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';

/**
 * Signalised junction J: approach A (o -> J, 200 m, 1 lane, 10 m/s) to exit B,
 * side approach S to exit N. Saturation flow 0.5 veh/s per lane (the default):
 * headway 2 s.
 */
function junction(): CompiledNetwork {
  const net = new RoadNetwork();
  net.addJunction({ id: 'o', x: -200, y: 0 });
  net.addJunction({ id: 'J', x: 0, y: 0, control: 'signal' });
  net.addJunction({ id: 'd', x: 300, y: 0 });
  net.addJunction({ id: 's', x: 0, y: -300 });
  net.addJunction({ id: 'n', x: 0, y: 300 });
  net.addLink({ id: 'A', from: 'o', to: 'J', speed: 10 });
  net.addLink({ id: 'B', from: 'J', to: 'd', speed: 10 });
  net.addLink({ id: 'S', from: 's', to: 'J', speed: 10 });
  net.addLink({ id: 'N', from: 'J', to: 'n', speed: 10 });
  net.addMovement({ from: 'A', to: 'B' });
  net.addMovement({ from: 'S', to: 'N' });
  return compile(net);
}

/**
 * Red for A until 35 s (the side road's 30 s green, 3 s yellow, 2 s all-red),
 * then A's 30 s green. Trips 0-2 drive A -> B, departing at 0, 1, 2 s: the one-lane
 * link takes one per headway, so they enter at 0, 2, 4 s and reach the line
 * (200 m at 10 m/s) at 20, 22, 24 s, on red. Trip 3 ends on A: departs 3 s,
 * enters 6 s, reaches the line at 26 s behind the three. Trip 4 ends on A too,
 * at 100 s (an empty queue on green).
 */
function run(arriveAtStopLine: boolean) {
  const net = junction();
  const trips = expandDemand(net, {
    trips: [
      { depart: 0, route: ['A', 'B'] }, { depart: 1, route: ['A', 'B'] }, { depart: 2, route: ['A', 'B'] },
      { depart: 3, route: ['A'] }, { depart: 100, route: ['A'] },
    ],
  }, createRandom(1));
  const program = compileProgram(net, {
    junction: 'J',
    phases: [
      { green: [{ from: 'S', to: 'N' }], duration: 30, yellow: 3, allRed: 2 },
      { green: [{ from: 'A', to: 'B' }], duration: 30, yellow: 3, allRed: 2 },
    ],
  });
  const A = net.linkIndex('A');
  const left: number[] = [];
  const arrived = new Map<number, number>();
  const observer: SimObserver = {
    leave: (_v, l, _e, t) => { if (l === A) left.push(t); },
    arrive: (v, l, t) => { if (l === A) arrived.set(v, t); },
  };
  const result = simulate(net, trips, { programs: [program] }, { end: 600, vehicle: NO_LOSS_VEHICLE_MODEL, arriveAtStopLine, attach: (sim) => sim.observe(observer) });
  return { result, left, arrived };
}

describe('arrivals at the stop line (arriveAtStopLine)', () => {
  it('a trip ending on a link with a standing queue arrives one headway after the last vehicle ahead of it left, not at free flow', () => {
    const { result, left, arrived } = run(true);
    // A's green starts at 35 s; no start-up lost time (NO_LOSS model): slots centred, the first
    // vehicle leaves half a headway in, 35 + 1 = 36 s, then 38 and 40 s (movements.ts).
    expect(left).toEqual([36, 38, 40]);
    // Trip 3 reached the line at 26 s behind three queued vehicles: it arrives 2 s (1 / s) after the
    // third left, 42 s, although its signal shows green then and not before: it waits for the queue, not for green.
    expect(arrived.get(3)).toBe(42);
    // Trip 4 finds no queue: it arrives when it reaches the line, 100 + 20 s.
    expect(arrived.get(4)).toBe(120);
    expect(result.network.arrived).toBe(5);
    // Its 16 s wait is a halt (at least v / (2b) = 10 / 9 s): one stop; its delay is the wait (travel 36 s, free flow 20 s).
    expect(result.trips.stops[3]).toBe(1);
    expect(result.trips.delay[3]).toBeCloseTo(16, 9);
    expect(result.trips.stops[4]).toBe(0);
    expect(result.trips.delay[4]).toBeCloseTo(0, 9);
  });

  it('off (the default), the same trip arrives at free flow, free of the queue', () => {
    const { result, left, arrived } = run(false);
    expect(left).toEqual([36, 38, 40]);
    expect(arrived.get(3)).toBe(26);
    expect(result.trips.stops[3]).toBe(0);
    expect(result.trips.delay[3]).toBeCloseTo(0, 9);
  });

  it('a non-boolean value is refused, naming the option', () => {
    const net = junction();
    const trips = expandDemand(net, { trips: [{ depart: 0, route: ['A'] }] }, createRandom(1));
    expect(() => simulate(net, trips, {}, { arriveAtStopLine: 1 as unknown as boolean })).toThrow(/options\.arriveAtStopLine must be true or false/);
  });
});

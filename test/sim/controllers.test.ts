/**
 * Controllers (the kernel's signal sub-state): controllers start on the shared
 * signal array with their first change scheduled (none for a signal that never
 * changes); each change advances the controller, schedules the next, tells the
 * observers and lets the movements serve; a controller that does not move time
 * forward is an internal error; the view reads queues, occupancy, storage and
 * detector passages from the other sub-states.
 */
import { describe, expect, it } from 'vitest';
import type { TripTable } from '../../engine/demand/index.js';
import { SIGNAL_GREEN, SIGNAL_RED, type SignalController } from '../../engine/signals/index.js';
import { CMD_CHECK, CMD_SIGNAL } from '../../engine/sim/commands.js';
import { Controllers } from '../../engine/sim/controllers.js';
import { merge, mergeIds, run, subStates } from '../fixtures/kernel.js';

const net = merge('signal');
const { A, B, AB, SB, J } = mergeIds(net);
const noTrips: TripTable = {
  count: 0, ids: [], depart: new Float64Array(0), origin: new Int32Array(0), destination: new Int32Array(0),
  originLink: new Int32Array(0), destinationLink: new Int32Array(0), routeOffsets: new Int32Array(1), routeLinks: new Int32Array(0),
};

/** A controller that shows A -> B green from `at` on, and asks for the changes listed. */
function scripted(changes: number[], at = 0): SignalController & { calls: number[] } {
  let i = 0;
  const calls: number[] = [];
  return {
    junction: J,
    phase: 0,
    calls,
    start: (_now, states) => { states[AB] = at === 0 ? SIGNAL_GREEN : SIGNAL_RED; states[SB] = SIGNAL_RED; return changes[i++] ?? Infinity; },
    advance: (now, states) => { calls.push(now); states[AB] = SIGNAL_GREEN; return changes[i++] ?? Infinity; },
  };
}

function setUp(controller: SignalController) {
  const k = subStates(net, 2);
  const controllers = new Controllers(net, noTrips, { controllers: [controller] }, k.links, k.movements, k.vehicles, k.scheduler, k.observers);
  return { ...k, controllers };
}

describe('Controllers', () => {
  it('starts the controllers on the shared signal array and schedules their first change', () => {
    const k = setUp(scripted([12]));
    expect(k.controllers.list).toHaveLength(1);
    k.controllers.start(0);
    expect(k.movements.signal[AB]).toBe(SIGNAL_GREEN);
    expect(k.movements.shownOpen[AB]).toBe(1);
    expect(run(k, 100)).toEqual([[12, CMD_SIGNAL, 0]]); // the test's dispatcher does not act on it
    const never = setUp(scripted([]));
    never.controllers.start(0);
    expect(run(never, 100)).toEqual([]);
  });

  it('on a change advances the controller, schedules its next change, tells observers, and serves the queues it opened', () => {
    const controller = scripted([10, 25], 10);
    const k = setUp(controller);
    k.controllers.start(0);
    k.vehicles.setRoute(0, Int32Array.of(A, B), 0, 2);
    k.links.enter(0, A, -10, 0);
    k.links.reachStopLine(0);
    k.movements.join(0, A, 5);
    expect(k.movements.queueLength[AB]).toBe(1); // red until 10
    expect(run(k, 9).filter(([, kind]) => kind === CMD_SIGNAL)).toEqual([]);
    k.scheduler.pop(); // the signal change at 10
    expect([k.scheduler.now, k.scheduler.kind]).toEqual([10, CMD_SIGNAL]);
    k.controllers.change(k.scheduler.id, k.scheduler.now);
    expect(controller.calls).toEqual([10]);
    expect(k.log).toContain('signal J 10');
    run(k, 11);
    expect(k.movements.queueLength[AB]).toBe(0); // served half a headway (1 s) into the green
    expect(run(k, 30).filter(([, kind]) => kind === CMD_SIGNAL).map(([t, kind]) => [t, kind])).toEqual([[25, CMD_SIGNAL]]); // (its id is the batch of the changes at 25)
  });

  it('treats a change time that is not after now as an internal error', () => {
    const k = setUp(scripted([10, 10]));
    k.controllers.start(0);
    expect(() => k.controllers.change(0, 10)).toThrow(/internal: controller of junction 1 returned next change 10 at 10/);
  });

  it('gives controllers a view of queues, occupancy, storage, the clock and detector passages', () => {
    const k = setUp(scripted([]));
    const view = k.controllers.view;
    k.vehicles.setRoute(0, Int32Array.of(A, B), 0, 2);
    k.links.enter(0, A, 0, 0); // 150 m at 10 m/s: passes 30 m before the stop line at 12 s
    expect([view.linkVehicles(A), view.linkStorage(A), view.linkStorage(B), view.queueLength(AB)]).toEqual([1, 40, 2, 0]);
    const at = (t: number) => { k.scheduler.schedule(t, CMD_CHECK, 0); run(k, t); }; // move the clock
    at(11.5);
    expect(view.time).toBe(11.5);
    expect(view.lastArrival(AB, 30)).toBe(-Infinity);
    at(12.5);
    expect(view.lastArrival(AB, 30)).toBe(12);
    expect(view.lastArrival(SB, 30)).toBe(-Infinity); // bound for another movement
    // At the stop line (red): its queue of 1 x 7.5 m covers a detector 5 m upstream, not one 30 m upstream.
    run(k, 15);
    k.links.reachStopLine(0);
    k.movements.join(0, A, 15);
    expect(view.queueLength(AB)).toBe(1);
    expect(view.lastArrival(AB, 5)).toBe(15);
    expect(view.lastArrival(AB, 30)).toBe(15 - 30 / 10); // last stop-line arrival, back-dated to the detector
    // Lane counts for the literature's max-pressure: bound for AB, moving or queued; present on a link.
    k.vehicles.setRoute(1, Int32Array.of(A, B), 0, 2);
    k.links.enter(1, A, 15, 0);
    expect([view.movementVehicles!(AB), view.movementVehicles!(SB), view.linkVehiclesPresent!(A), view.linkVehiclesPresent!(B)]).toEqual([2, 0, 2, 0]);
  });
});

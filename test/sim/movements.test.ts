/**
 * Movements (the kernel's per-movement sub-state): headway 1 / (s x lanes
 * serving the movement); FIFO discharge at the later of the movement's and the
 * approach's next free slot; blocking by a full exit link and the round-robin
 * wake when space is released; nothing on red; the first slot of a green
 * centred half a headway after it starts (fluid model: g seconds serve s x g
 * vehicles), later by the vehicle class's start-up lost time l (g seconds
 * serve s x (g - l)); stale service commands ignored.
 */
import { describe, expect, it } from 'vitest';
import { SIGNAL_GREEN, SIGNAL_RED } from '../../engine/signals/index.js';
import { CMD_RELEASE, CMD_SERVICE } from '../../engine/sim/commands.js';
import { VEHICLE_MOVING, VEHICLE_QUEUED } from '../../engine/sim/vehicles.js';
import { NO_LOSS_VEHICLE_MODEL, SUMO_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { merge, mergeIds, run, signalisedLine, subStates } from '../fixtures/kernel.js';

/** Put vehicle `v` at the stop line of `from` at `now`, routed on to `to`, and queue it. */
function arrive(k: ReturnType<typeof subStates>, v: number, from: number, to: number, now: number): void {
  k.vehicles.setRoute(v, Int32Array.of(from, to), 0, 2);
  k.links.enter(v, from, now - 15, 0);
  k.links.reachStopLine(v);
  k.movements.join(v, from, now);
}

describe('Movements', () => {
  const net = merge('uncontrolled');
  const { A, S, B, AB, SB } = mergeIds(net);

  it('has headway 1 / (s x lanes serving the movement)', () => {
    const { movements } = subStates(net, 0);
    expect(movements.headway[AB]).toBe(2); // one of A's two lanes
    expect(movements.headway[SB]).toBe(2);
  });

  it('discharges the queue head into the exit link, then the next one a headway later', () => {
    const k = subStates(net, 2);
    arrive(k, 0, A, B, 100);
    arrive(k, 1, A, B, 100);
    expect(k.log.filter((s) => s.startsWith('queue') || s.startsWith('leave'))).toEqual([`queue 0 ${AB} 100`, `leave 0 A ${AB} 100`, `queue 1 ${AB} 100`]);
    expect([k.vehicles.state[0], k.vehicles.link[0], k.vehicles.routePool[k.vehicles.routePos[0]]]).toEqual([VEHICLE_MOVING, B, B]);
    expect([k.vehicles.state[1], k.movements.queueLength[AB]]).toEqual([VEHICLE_QUEUED, 1]);
    expect(k.movements.nextFree[AB]).toBe(102);
    expect(k.links.exitNextFree[A]).toBe(101); // the approach as a whole: 1 / (0.5 x 2 lanes)
    k.movements.service(AB, 101.5); // stale: nothing happens
    expect(k.movements.queueLength[AB]).toBe(1);
    expect(run(k, 102).filter(([, kind]) => kind === CMD_SERVICE)).toEqual([[102, CMD_SERVICE, AB]]);
    expect(k.movements.queueLength[AB]).toBe(0);
    expect(k.links.occupancy[B]).toBe(2);
  });

  it('blocks on a full exit link and wakes blocked movements round-robin as space is released', () => {
    const k = subStates(net, 6);
    arrive(k, 0, A, B, 10);
    arrive(k, 1, S, B, 10); // B (storage 2) is now full
    arrive(k, 2, A, B, 20);
    arrive(k, 3, S, B, 20);
    expect([k.movements.blocked[AB], k.movements.blocked[SB]]).toEqual([1, 1]);
    const order: number[] = [];
    k.observers.push({ leave: (v) => { order.push(v); } });
    arrive(k, 4, A, B, 21);
    arrive(k, 5, S, B, 21);
    // Vehicles leave B (from its exit group: their last link) at 30, 40, 50 and 60 s; each release follows after the
    // backward wave, a command because movements wait for the space.
    const exitB = k.links.groupOffsets[B + 1] - 1;
    k.links.leave(0, B, 30, exitB);
    k.links.leave(1, B, 40, exitB);
    expect(run(k, 45).filter(([, kind]) => kind === CMD_RELEASE).length).toBe(2);
    k.links.leave(2, B, 50, exitB);
    k.links.leave(3, B, 60, exitB);
    run(k, 100);
    // One vehicle per release, alternating approaches (a fixed order would give 2, 4, 3, 5), each in FIFO order.
    expect(order).toEqual([2, 3, 4, 5]);
    expect(k.links.occupancy[B]).toBe(2);
  });

  it('serves only on green, the first vehicle half a headway after the green starts', () => {
    const signalNet = merge('signal');
    const { A: a, B: b, AB: ab } = mergeIds(signalNet);
    const k = subStates(signalNet, 1);
    expect(k.movements.signalised[a]).toBe(1);
    arrive(k, 0, a, b, 50);
    expect(k.movements.queueLength[ab]).toBe(1); // red
    k.movements.signal[ab] = SIGNAL_GREEN;
    k.movements.show(signalNet.junctionIndex('J'), 60);
    expect(k.movements.shownOpen[ab]).toBe(1);
    expect(k.movements.nextFree[ab]).toBe(61); // 60 + 0.5 x 2 s
    k.movements.signal[ab] = SIGNAL_RED;
    k.movements.show(signalNet.junctionIndex('J'), 60.5);
    expect(run(k, 65).filter(([, kind]) => kind === CMD_SERVICE)).toEqual([[61, CMD_SERVICE, ab]]);
    expect(k.movements.queueLength[ab]).toBe(1); // the signal turned red before the slot
    k.movements.signal[ab] = SIGNAL_GREEN;
    k.movements.show(signalNet.junctionIndex('J'), 70);
    expect(k.movements.nextFree[ab]).toBe(71);
    run(k, 71);
    expect(k.movements.queueLength[ab]).toBe(0);
  });

  it('starts a green\'s first slot the start-up lost time later: a saturated green of g s serves s x (g - l)', () => {
    // A signal between a 200 m approach and a 600 m exit (storage 80: never binding here), one lane each.
    const { net: signalNet, a, b, J, ab } = signalisedLine();
    const lost = 1.5;
    const served = (model: typeof NO_LOSS_VEHICLE_MODEL, green: number): number => {
      const k = subStates(signalNet, 8, model);
      for (let v = 0; v < 8; v++) arrive(k, v, a, b, 10);
      k.movements.signal[ab] = SIGNAL_GREEN;
      k.movements.show(J, 20);
      run(k, 20 + green - 1e-9);
      k.movements.signal[ab] = SIGNAL_RED;
      k.movements.show(J, 20 + green);
      run(k, 100);
      return 8 - k.movements.queueLength[ab];
    };
    // One lane, s = 0.5 veh/s: slots at 20 + l + 1, + 3, + 5, ... before the green ends.
    expect(served(NO_LOSS_VEHICLE_MODEL, 6)).toBe(3); // slots at 21, 23, 25
    expect(served({ ...NO_LOSS_VEHICLE_MODEL, startUpLost: lost }, 6)).toBe(2); // 22.5, 24.5 (26.5 is after the green)
    expect(served({ ...NO_LOSS_VEHICLE_MODEL, startUpLost: lost }, 11)).toBe(5); // s x (11 - 1.5) = 4.75: 22.5 ... 30.5
    const k = subStates(signalNet, 1, SUMO_VEHICLE_MODEL);
    arrive(k, 0, a, b, 10);
    k.movements.signal[ab] = SIGNAL_GREEN;
    k.movements.show(J, 20);
    expect(k.movements.nextFree[ab]).toBeCloseTo(20 + 1.1 + 1, 12); // SUMO's car: l = 1.1 s
  });
});

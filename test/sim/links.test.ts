/**
 * Links (the kernel's per-link sub-state): storage floor(lanes x length / jam
 * spacing); release delay length / w with the backward wave speed of the
 * triangular fundamental diagram, w = s / (1/jamSpacing - s/speed); the
 * approach headway 1 / (s x lanes); entering (storage taken, stop line after
 * the free-flow time, FIFO transit list); leaving (release scheduled, travel
 * time counted); and insertion of waiting trips one headway apart while storage
 * lasts.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { CMD_INSERT, CMD_RELEASE, CMD_STOPLINE } from '../../engine/sim/commands.js';
import { Links } from '../../engine/sim/links.js';
import { Scheduler } from '../../engine/sim/scheduler.js';
import { VEHICLE_MOVING, Vehicles } from '../../engine/sim/vehicles.js';
import { drain, merge, mergeIds, subStates } from '../fixtures/kernel.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';

const net = merge('uncontrolled');
const { A, B } = mergeIds(net);

describe('Links', () => {
  it('derives storage, release delay (length / backward wave speed) and approach headway from the link', () => {
    const { links } = subStates(net, 0);
    expect(links.storage[A]).toBe(40); // 2 lanes x 150 m / 7.5 m
    expect(links.storage[B]).toBe(2); // 15 m / 7.5 m
    // w = 0.5 / (1/7.5 - 0.5/10) = 6 m/s; 150 m / 6 m/s = 25 s.
    expect(links.releaseDelay[A]).toBeCloseTo(25, 12);
    expect(links.releaseDelay[B]).toBeCloseTo(2.5, 12);
    expect(links.exitHeadway[A]).toBe(1); // 1 / (0.5 x 2)
    expect(links.exitHeadway[B]).toBe(2);
  });

  it('gives a link shorter than one jam spacing storage for one vehicle', () => {
    const rn = new RoadNetwork();
    rn.addJunction({ id: 'a', x: 0, y: 0 });
    rn.addJunction({ id: 'b', x: 3, y: 0 });
    rn.addLink({ id: 'ab', from: 'a', to: 'b', speed: 10 });
    expect(new Links(compile(rn), new Vehicles(0, 0, 0), new Scheduler(0), [], NO_LOSS_VEHICLE_MODEL).storage[0]).toBe(1);
  });

  it('refuses a saturation flow the speed and jam spacing cannot carry, naming the link', () => {
    const rn = new RoadNetwork();
    rn.addJunction({ id: 'a', x: 0, y: 0 });
    rn.addJunction({ id: 'b', x: 100, y: 0 });
    rn.addLink({ id: 'slow', from: 'a', to: 'b', speed: 3 }); // speed / jamSpacing = 0.4 veh/s < s = 0.5
    expect(() => new Links(compile(rn), new Vehicles(0, 0, 0), new Scheduler(0), [], NO_LOSS_VEHICLE_MODEL)).toThrow(InputError);
    expect(() => new Links(compile(rn), new Vehicles(0, 0, 0), new Scheduler(0), [], NO_LOSS_VEHICLE_MODEL)).toThrow(/links\.slow/);
  });

  it('enter takes storage, keeps the transit list in entry order and schedules the stop line after the free-flow time', () => {
    const { links, vehicles, scheduler, log } = subStates(net, 3);
    links.enter(2, A, 4, 0);
    links.enter(0, A, 5, 0);
    expect(links.occupancy[A]).toBe(2);
    expect([vehicles.state[0], vehicles.link[0], vehicles.enterTime[0]]).toEqual([VEHICLE_MOVING, A, 5]);
    expect(vehicles.lastMove).toBe(5);
    expect(log).toEqual(['enter 2 A 4', 'enter 0 A 5']);
    expect(drain(scheduler)).toEqual([[19, CMD_STOPLINE, 2], [20, CMD_STOPLINE, 0]]); // 150 m / 10 m/s
    expect(() => links.reachStopLine(0)).toThrow(/out of order/);
    expect(links.reachStopLine(2)).toBe(A);
    expect(links.reachStopLine(0)).toBe(A);
    expect(links.transitHead[A]).toBe(-1);
    expect(links.transitTail[A]).toBe(-1);
    expect(links.occupancy[A]).toBe(2); // storage stays taken until the vehicles leave and the space is released
  });

  it('leave returns the space after the backward wave, applied when read, and counts the travel time; a release command only while a trip waits for the space', () => {
    const { links, scheduler } = subStates(net, 2);
    const exitA = links.groupOffsets[A + 1] - 1;
    links.enter(0, A, 10, 0);
    drain(scheduler);
    links.leave(0, A, 40, exitA);
    expect([links.ttSum[A], links.ttCount[A]]).toEqual([30, 1]);
    expect(drain(scheduler)).toEqual([]); // nobody waits for the space: no command
    scheduler.settle(64.9);
    links.settle(A);
    expect([links.occupancy[A], links.groupOccupancy[exitA]]).toEqual([1, 1]);
    scheduler.settle(65); // 40 s + 25 s of backward wave
    links.settle(A);
    expect([links.occupancy[A], links.groupOccupancy[exitA]]).toEqual([0, 0]);
    // A trip waiting to enter A: the release is a command at its time, and free returns the space.
    links.enter(1, A, 70, 0);
    expect(drain(scheduler)).toEqual([[70 + links.driveTime[A], CMD_STOPLINE, 1]]);
    links.leave(1, A, 90, exitA);
    links.queueDeparture(0, A, 95);
    expect(drain(scheduler)).toEqual([[115, CMD_RELEASE, A]]);
    links.free(A);
    expect(links.occupancy[A]).toBe(0);
    expect(() => links.free(A)).toThrow(/out of order/);
  });

  it('insert lets waiting trips in one approach headway apart, in departure order, while storage lasts', () => {
    const { links, vehicles, scheduler, log } = subStates(net, 4);
    for (const v of [3, 1, 2, 0]) {
      links.queueDeparture(v, B, 0);
      vehicles.waiting++;
    }
    links.insert(B, 0);
    expect(log).toEqual(['depart 3 B 0', 'enter 3 B 0']);
    expect([vehicles.waiting, vehicles.inNetwork]).toEqual([3, 1]);
    // The next may enter 2 s (1 / 0.5 veh/s) later: a retry is scheduled; a stale retry does nothing.
    expect(links.insertAt[B]).toBe(2);
    links.retryInsert(B, 1.5);
    expect(vehicles.inNetwork).toBe(1);
    links.retryInsert(B, 2);
    expect(log.slice(2)).toEqual(['depart 1 B 2', 'enter 1 B 2']);
    // Storage 2 is full now: no retry is scheduled, the next release wakes the queue.
    links.insert(B, 10);
    expect(vehicles.inNetwork).toBe(2);
    expect(drain(scheduler).filter(([, kind]) => kind === CMD_INSERT)).toEqual([[2, CMD_INSERT, B]]);
    const exitGroup = links.groupOffsets[B + 1] - 1; // trips without a further link wait in B's exit group
    links.leave(3, B, 15, exitGroup); // trips wait: its release is a command
    const [[t, kind, id]] = drain(scheduler);
    expect([kind, id, t <= 20]).toEqual([CMD_RELEASE, B, true]);
    links.free(B);
    links.insert(B, 20);
    expect(log.slice(4)).toEqual(['depart 2 B 20', 'enter 2 B 20']);
    expect(links.departHead[exitGroup]).toBe(0);
    expect(links.departTail[exitGroup]).toBe(0);
    expect(links.waitingAt[B]).toBe(1);
  });
});

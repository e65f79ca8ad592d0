/**
 * Signal control specs and controller set-up (signals/control.ts):
 * controllerFactory builds the controller kind a `SignalControl` names (told
 * apart by how each runs the same program) and refuses unknown kinds and
 * turn-ratio sources; createControllers puts given controllers first, then one
 * per program (specs compiled, a junction that has a controller keeps it), then
 * default programs for the remaining signalised junctions.
 */
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../engine/errors.js';
import { compile, grid } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import {
  controllerFactory, createControllers, SIGNAL_GREEN, type ControllerView, type SignalControl,
} from '../../engine/signals/index.js';
import { demand, isolatedJunction, twoPhase } from '../fixtures/signal-junction.js';

const net = isolatedJunction();
const trips = demand(net, 0.1, 0.1, 600);
const AB = net.movementBetween(net.linkIndex('A'), net.linkIndex('B'));
const view: ControllerView = { time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 1 };

/** First change time of a controller built under `control` for the 30/30 program with minGreen 7. */
function firstChange(control: SignalControl | undefined): number {
  const build = controllerFactory(net, trips, control);
  const c = build(twoPhase(net, [30, 30], { minGreen: 7 }));
  return c.start(0, new Uint8Array(net.movementCount), view);
}

describe('controllerFactory', () => {
  it('builds the kind the control names, with its options', () => {
    expect(firstChange(undefined)).toBe(30); // fixed time: the phase duration
    expect(firstChange({ kind: 'fixed' })).toBe(30);
    expect(firstChange({ kind: 'actuated' })).toBe(7); // first decision at minGreen
    expect(firstChange({ kind: 'max-pressure', interval: 9 })).toBe(9); // max(minGreen, interval)
    expect(firstChange({ kind: 'max-pressure', turnRatios: 'uniform' })).toBe(7);
  });

  it('refuses unknown kinds, turn-ratio sources and bad options with UsageError', () => {
    expect(() => controllerFactory(net, trips, { kind: 'scoot' } as never)).toThrow(/signals\.control\.kind/);
    expect(() => controllerFactory(net, trips, { kind: 'max-pressure', turnRatios: 'learned' } as never)).toThrow(/signals\.control\.turnRatios/);
    const build = controllerFactory(net, trips, { kind: 'actuated', gap: -1 });
    expect(() => build(twoPhase(net, [30, 30]))).toThrow(UsageError);
  });
});

describe('createControllers', () => {
  const g = compile(grid(2, 2, { spacing: 200, signals: 'all' }));
  const gTrips = expandDemand(g, { trips: [{ from: 'r0c0', to: 'r1c1', depart: 0 }] }, createRandom(1));

  it('gives every signalised junction one controller: given ones first, then programs, then defaults', () => {
    const J3 = g.junctionIndex('r1c1');
    const own = { junction: J3, phase: 0, start: () => Infinity, advance: () => Infinity };
    const controllers = createControllers(g, gTrips, { controllers: [own] });
    expect(controllers[0]).toBe(own);
    expect(controllers.map((c) => c.junction)).toEqual([J3, ...[0, 1, 2, 3].filter((j) => j !== J3)]);
    // The defaults are fixed-time programs: phase 0 shows green from the start.
    expect(controllers[1].start(0, new Uint8Array(g.movementCount), view)).toBeLessThan(Infinity);
  });

  it('compiles program specs, lets a given controller win over a program, and refuses two controllers for a junction', () => {
    const j = g.junctionIndex('r1c1');
    const first = g.junctionInLinks[g.junctionInOffsets[j]];
    const e = g.movementOffsets[first];
    const spec = { junction: 'r1c1', phases: [{ green: [{ from: g.linkKey(first), to: g.linkKey(g.movementTo[e]) }], duration: 17 }] };
    const controllers = createControllers(g, gTrips, { programs: [spec] });
    const c = controllers.find((x) => x.junction === j)!;
    const states = new Uint8Array(g.movementCount);
    // One phase of 17 s, 3 s yellow, 2 s all-red (defaults): the first change is at 17.
    expect(c.start(0, states, view)).toBe(17);
    expect(states[e]).toBe(SIGNAL_GREEN);
    const own = { junction: j, phase: 0, start: () => Infinity, advance: () => Infinity };
    expect(createControllers(g, gTrips, { programs: [spec], controllers: [own] }).find((x) => x.junction === j)).toBe(own);
    expect(() => createControllers(g, gTrips, { controllers: [own, { ...own }] })).toThrow(/two controllers for junction "r1c1"/);
    expect(() => createControllers(g, gTrips, { programs: [{ ...spec, junction: 'nowhere' }] })).toThrow(InputError);
  });

  it('runs a program\'s own actuated control under fixed-time runs, and the run\'s kind when it asks for another', () => {
    const program = { ...twoPhase(net, [30, 30], { minGreen: 7 }), control: { kind: 'actuated' as const, gap: 2 } };
    const first = (control?: SignalControl) => createControllers(net, trips, { programs: [program], ...(control ? { control } : {}) })[0].start(0, new Uint8Array(net.movementCount), view);
    expect(first()).toBe(7); // its own actuated control: first decision at minGreen
    expect(first({ kind: 'fixed' })).toBe(7);
    expect(first({ kind: 'max-pressure', interval: 9 })).toBe(9); // the run asks for max-pressure everywhere
  });

  it('drives given programs and defaults with the control kind', () => {
    const controllers = createControllers(net, trips, { programs: [twoPhase(net, [30, 30], { minGreen: 7 })], control: { kind: 'actuated' } });
    expect(controllers).toHaveLength(1);
    expect(controllers[0].start(0, new Uint8Array(net.movementCount), view)).toBe(7);
    const defaults = createControllers(net, trips, { control: { kind: 'actuated' } });
    expect(defaults).toHaveLength(1);
    const states = new Uint8Array(net.movementCount);
    defaults[0].start(0, states, view);
    expect(states[AB]).toBe(SIGNAL_GREEN);
  });
});

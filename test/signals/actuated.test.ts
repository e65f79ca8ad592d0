/**
 * createActuatedController (gap-out control, SUMO defaults): every green within
 * [minGreen, maxGreen] on a traced run; gap-out exactly `gap` s after the last
 * detector passage once arrivals stop; max-out while arrivals keep coming closer
 * than the gap; lower delay than a long fixed cycle at low demand; phase skipping;
 * vehicle conservation and determinism; the ControllerView detector it reads;
 * as a policy of the phase sequencer, hand-driven: gap-out, extension (SUMO's
 * look detector-gap after a detection, gaps from the rear leaving) and max-out
 * times, a right turn on red (SUMO's 's') extending nothing, and the
 * microsecond red pause when a phase has no clearance.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import { createActuatedController, SIGNAL_GREEN, SIGNAL_RED, SIGNAL_YELLOW } from '../../engine/signals/index.js';
import { Simulation, simulate } from '../../engine/sim/index.js';
import { demand, greens, isolatedJunction, pauseWithoutClearance, recordIntervals, twoPhase } from '../fixtures/signal-junction.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { compileProgram } from '../../engine/signals/program.js';

const net = isolatedJunction();
const AB = net.movementBetween(net.linkIndex('A'), net.linkIndex('B'));
const SN = net.movementBetween(net.linkIndex('S'), net.linkIndex('N'));
/** Free-flow time from entering A to the default detector (2 s x 15 m/s = 30 m upstream of the stop line), s. */
const TO_DETECTOR = (2000 - 30) / 15;

describe('createActuatedController', () => {
  it('never shows a green shorter than minGreen or longer than maxGreen, and yellow/all-red in full (traced)', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 7, maxGreen: 25 });
    const trips = demand(net, 0.5, 0.12, 3600);
    const sim = new Simulation(net, trips, { controllers: [createActuatedController(net, program)] }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 4000 });
    const main = recordIntervals(sim, AB);
    const side = recordIntervals(sim, SN);
    sim.run();
    main.close();
    side.close();
    for (const rec of [main.intervals, side.intervals]) {
      const gs = greens(rec);
      expect(gs.length).toBeGreaterThan(20);
      for (const g of gs) {
        expect(g.end - g.start).toBeGreaterThanOrEqual(7 - 1e-9);
        expect(g.end - g.start).toBeLessThanOrEqual(25 + 1e-9);
      }
      // Greens vary: the controller actually adapts.
      expect(gs.some((g) => g.end - g.start > 9)).toBe(true);
      expect(gs.some((g) => g.end - g.start < 8)).toBe(true);
      for (const iv of rec.slice(1, -1)) if (iv.state === SIGNAL_YELLOW) expect(iv.end - iv.start).toBeCloseTo(3, 9);
    }
    // Never both green at once; after A's yellow, S turns green exactly 2 s (all-red) later.
    // The busy main approach reaches both bounds.
    const mainGreens = greens(main.intervals).map((g) => g.end - g.start);
    expect(mainGreens.some((d) => d > 25 - 1e-6)).toBe(true);
    expect(mainGreens.some((d) => d < 24)).toBe(true);
    for (const y of main.intervals.filter((iv) => iv.state === SIGNAL_YELLOW)) {
      const next = side.intervals.find((iv) => iv.state === SIGNAL_GREEN && iv.start >= y.end - 1e-9);
      if (next) expect(next.start - y.end).toBeCloseTo(2, 9);
    }
    for (const g of greens(main.intervals)) {
      expect(side.intervals.some((iv) => iv.state === SIGNAL_GREEN && iv.start < g.end - 1e-9 && iv.end > g.start + 1e-9)).toBe(false);
    }
  });

  it('gaps out at the first whole second of the green at least `gap` s after the last vehicle left the detector when arrivals stop (SUMO decides per 1 s step)', () => {
    // Uniform arrivals every 2.5 s (< gap 3 s) until 900 s; no side demand; maxGreen large.
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 10_000 });
    const trips = demand(net, 0.4, 0, 900, 'uniform');
    const sim = new Simulation(net, trips, { controllers: [createActuatedController(net, program)] }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 2000 });
    const main = recordIntervals(sim, AB);
    sim.run();
    main.close();
    // The gap counts from the last vehicle's rear leaving the detector: 5 m (default length) at 15 m/s after its front passed.
    const lastLeave = trips.depart[trips.count - 1] + TO_DETECTOR + 5 / 15;
    const g = greens(main.intervals).find((iv) => iv.start <= lastLeave && iv.end > lastLeave);
    expect(g, 'a green of A contains the last passage').toBeDefined();
    expect(g!.end).toBeCloseTo(g!.start + Math.ceil(lastLeave + 3 - g!.start - 1e-9), 6);
    expect(g!.end - (lastLeave + 3)).toBeGreaterThanOrEqual(-1e-9);
    expect(g!.end - (lastLeave + 3)).toBeLessThan(1);
    // It started long before: arrivals 2.5 s apart kept extending it.
    expect(g!.end - g!.start).toBeGreaterThan(300);
    // Before the first vehicle reached the detector, greens gapped out at minGreen.
    const early = greens(main.intervals).filter((iv) => iv.end < TO_DETECTOR);
    expect(early.length).toBeGreaterThan(2);
    for (const iv of early) expect(iv.end - iv.start).toBeCloseTo(5, 9);
  });

  it('maxes out at maxGreen while arrivals keep coming closer than the gap', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 40 });
    const trips = demand(net, 0.4, 0.05, 3600, 'uniform');
    const sim = new Simulation(net, trips, { controllers: [createActuatedController(net, program)] }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 3600 });
    const main = recordIntervals(sim, AB);
    sim.run();
    main.close();
    const steady = greens(main.intervals).filter((iv) => iv.start > 600 && iv.end < 3000);
    expect(steady.length).toBeGreaterThan(10);
    for (const iv of steady) expect(iv.end - iv.start).toBeCloseTo(40, 6);
  });

  it('gives lower delay than a long fixed cycle at low demand', () => {
    const trips = demand(net, 0.1, 0.05, 3600);
    const fixed = simulate(net, trips, { programs: [twoPhase(net, [50, 50])] }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 4200 });
    const actuated = simulate(net, trips, { programs: [twoPhase(net, [50, 50])], control: { kind: 'actuated' } }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 4200 });
    expect(actuated.network.arrived).toBe(trips.count);
    expect(fixed.network.arrived).toBe(trips.count);
    // Fixed: about C (1 - lambda)^2 / 2 = 110 x 0.55^2 / 2 = 16.6 s (Webster's uniform term); actuated far less.
    expect(actuated.network.meanDelay).toBeLessThan(0.5 * fixed.network.meanDelay);
  });

  it('skipEmptyPhases rests in green on the only approach with traffic', () => {
    const trips = demand(net, 0.1, 0, 3600);
    const plain = simulate(net, trips, { control: { kind: 'actuated' } }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 4200 });
    const skipping = simulate(net, trips, { control: { kind: 'actuated', skipEmptyPhases: true } }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 4200 });
    expect(skipping.network.arrived).toBe(trips.count);
    expect(skipping.network.meanDelay).toBeLessThan(0.5);
    expect(plain.network.meanDelay).toBeGreaterThan(1);
  });

  it('conserves vehicles and is deterministic', () => {
    const trips = demand(net, 0.3, 0.15, 3600, 'poisson', 7);
    const run = () => simulate(net, trips, { control: { kind: 'actuated', gap: 2.5 } }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 5000, seed: 7 });
    const a = run();
    const b = run();
    expect(a.network.arrived).toBe(trips.count);
    expect(a.network.unfinished).toBe(0);
    expect(Array.from(a.trips.arrived)).toEqual(Array.from(b.trips.arrived));
  });

  it('lastArrival: free-flow passage of the detector, and the current time while a queue covers it', () => {
    // A single trip on A (2000 m, 15 m/s): it passes 30 m upstream of the stop line
    // (1970 / 15) s after entering. A stays red; a probe controller reads the view every second.
    const trips = demand(net, 0.001, 0, 1000, 'uniform');
    expect(trips.count).toBe(1);
    let at30 = NaN;
    let atLine = NaN;
    const sim = new Simulation(net, trips, {
      controllers: [{
        junction: net.junctionIndex('J'),
        phase: 0,
        start: (_now, states) => { states[AB] = SIGNAL_RED; states[SN] = SIGNAL_GREEN; return 1; },
        advance: (now, _states, view) => {
          at30 = view.lastArrival(AB, 30);
          atLine = view.lastArrival(AB, 0);
          return now + 1;
        },
      }],
    }, { vehicle: NO_LOSS_VEHICLE_MODEL, end: 1500, gridlockTimeout: 5000 });
    const passage = trips.depart[0] + TO_DETECTOR;
    sim.advanceTo(Math.floor(passage));
    expect(at30).toBe(-Infinity);
    sim.advanceTo(Math.ceil(passage));
    expect(at30).toBeCloseTo(passage, 9);
    sim.advanceTo(1400);
    // Queued at the stop line: 1 vehicle x 7.5 m / 2 lanes = 3.75 m of queue, short of the 30 m detector...
    expect(at30).toBeCloseTo(passage, 9);
    // ...but covering a detector at the stop line: the current time.
    expect(atLine).toBe(1400);
  });

  it('with passingTime, places detectors no farther than (minDur / passing-time + 0.5) x 7.5 m (SUMO MSActuatedTrafficLightLogic)', () => {
    const asked: number[] = [];
    const view = { time: 0, queueLength: () => 0, lastArrival: (_e: number, d: number) => { asked.push(d); return -Infinity; }, linkVehicles: () => 0, linkStorage: () => 1 };
    const detectorAt = (options: Parameters<typeof createActuatedController>[2]) => {
      asked.length = 0;
      const c = createActuatedController(net, twoPhase(net, [30, 30], { minGreen: 5 }), options);
      c.advance(c.start(0, new Uint8Array(net.movementCount), view), new Uint8Array(net.movementCount), view);
      return asked[0];
    };
    const speed = net.linkSpeed[net.movementFrom[AB]];
    expect(detectorAt({})).toBeCloseTo(2 * speed, 9); // detector-gap x speed
    expect(detectorAt({ passingTime: 1.9 })).toBeCloseTo(Math.min(2 * speed, (5 / 1.9 + 0.5) * 7.5), 9);
    expect(detectorAt({ passingTime: 0.5 })).toBeCloseTo(Math.min(2 * speed, (5 / 0.5 + 0.5) * 7.5), 9);
  });

  it('as a policy of the sequencer: gap-out at minGreen, yellow, all-red, next phase, with the phase times (hand-driven)', () => {
    // No vehicle ever passes a detector: every green gaps out at its first decision, minGreen.
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 40 });
    const c = createActuatedController(net, program);
    const view = { time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 1 };
    const states = new Uint8Array(net.movementCount);
    const seen: Array<[number, number, number, number]> = [];
    let t = c.start(0, states, view);
    seen.push([0, c.phase, states[AB], states[SN]]);
    for (let i = 0; i < 6; i++) {
      const now = t;
      t = c.advance(now, states, view);
      seen.push([now, c.phase, states[AB], states[SN]]);
    }
    expect(seen).toEqual([
      [0, 0, SIGNAL_GREEN, SIGNAL_RED],
      [5, 0, SIGNAL_YELLOW, SIGNAL_RED],
      [8, 0, SIGNAL_RED, SIGNAL_RED],
      [10, 1, SIGNAL_RED, SIGNAL_GREEN],
      [15, 1, SIGNAL_RED, SIGNAL_YELLOW],
      [18, 1, SIGNAL_RED, SIGNAL_RED],
      [20, 0, SIGNAL_GREEN, SIGNAL_RED],
    ]);
    expect(t).toBe(25);
  });

  /** Start `c` at 0 and advance it while AB is green, AB's detector last passed at `passage(clock)`, nothing queued: the change times, the states after and the next change. */
  const driveGreen = (c: ReturnType<typeof createActuatedController>, passage: (clock: number) => number): { times: number[]; states: Uint8Array; next: number } => {
    let clock = 0;
    const view = { get time() { return clock; }, queueLength: () => 0, lastArrival: (e: number) => (e === AB ? passage(clock) : -Infinity), linkVehicles: () => 0, linkStorage: () => 1 };
    const states = new Uint8Array(net.movementCount);
    const times = [0];
    let t = c.start(0, states, view);
    while (states[AB] === SIGNAL_GREEN) {
      clock = t;
      times.push(t);
      t = c.advance(t, states, view);
    }
    return { times, states, next: t };
  };

  it('as a policy of the sequencer: extends a green while passages come closer than the gap, ends it at maxGreen (hand-driven)', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 12 });
    // A vehicle passed A's detector half a second before every look.
    const { times, states, next: t } = driveGreen(createActuatedController(net, program), (clock) => clock - 0.5);
    // Decisions at minGreen, then detector-gap (2 s) after the passage each look saw, rounded
    // up to a whole second of the green (4.5 + 2 -> 7, 6.5 + 2 -> 9, 8.5 + 2 -> 11), then the
    // cap at maxGreen 12 (SUMO MSActuatedTrafficLightLogic::duration).
    expect(times).toEqual([0, 5, 7, 9, 11, 12]);
    expect(states[AB]).toBe(SIGNAL_YELLOW);
    expect(t).toBe(15);
  });

  it('as a policy of the sequencer: after a detection, holds the green detectorGap s so the vehicle reaches the stop line, even when the gap is shorter (hand-driven)', () => {
    // One passage at 4.5 s, detectors 5 s upstream, gap 3 s: the look at minGreen (5 s) sees
    // a gap of 0.5 s and extends by 5 - 0.5 = 4.5 s, to the whole second 10 s; then the gap
    // (5.5 s) exceeds 3 s and the green ends. Ending at 4.5 + 3 s would strand the vehicle.
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 40 });
    const { times, states } = driveGreen(createActuatedController(net, program, { gap: 3, detectorGap: 5 }), () => 4.5);
    expect(times).toEqual([0, 5, 10]);
    expect(states[AB]).toBe(SIGNAL_YELLOW);
  });

  it('as a policy of the sequencer: a right turn on red (a stop at the signal, SUMO\'s "s") extends no phase it is permissive in (hand-driven)', () => {
    // J with A -> B, S -> N and the right turn S -> B, a stop when permissive; phase 0 shows A -> B and S -> B permissive.
    const road = new RoadNetwork();
    for (const [id, x, y, control] of [['o', -2000, 0, undefined], ['J', 0, 0, 'signal'], ['d', 500, 0, undefined], ['s', 0, -500, undefined], ['n', 0, 500, undefined]] as const) road.addJunction({ id, x, y, ...(control ? { control } : {}) });
    for (const [id, from, to] of [['A', 'o', 'J'], ['B', 'J', 'd'], ['S', 's', 'J'], ['N', 'J', 'n']] as const) road.addLink({ id, from, to, speed: 15 });
    road.addMovement({ from: 'A', to: 'B' });
    road.addMovement({ from: 'S', to: 'N' });
    road.addMovement({ from: 'S', to: 'B', rightOfWay: 'stop' });
    const rtor = compile(road);
    const ab = rtor.movementBetween(rtor.linkIndex('A'), rtor.linkIndex('B'));
    const sb = rtor.movementBetween(rtor.linkIndex('S'), rtor.linkIndex('B'));
    const program = compileProgram(rtor, { junction: 'J', phases: [
      { green: [{ from: 'A', to: 'B' }], permissive: [{ from: 'S', to: 'B' }], duration: 30, minGreen: 5, maxGreen: 40, yellow: 3, allRed: 2 },
      { green: [{ from: 'S', to: 'N' }, { from: 'S', to: 'B' }], duration: 30, minGreen: 5, maxGreen: 40, yellow: 3, allRed: 2 },
    ] });
    // Right-turners pass S's detector half a second before every look; nothing on A.
    const c = createActuatedController(rtor, program);
    let clock = 0;
    const view = { get time() { return clock; }, queueLength: () => 0, lastArrival: (e: number) => (e === sb ? clock - 0.5 : -Infinity), linkVehicles: () => 0, linkStorage: () => 1 };
    const states = new Uint8Array(rtor.movementCount);
    let t = c.start(0, states, view);
    clock = t;
    t = c.advance(t, states, view);
    expect(clock).toBe(5); // the first look, at minGreen
    expect(states[ab]).toBe(SIGNAL_YELLOW); // gapped out: the right turners' detections do not hold phase 0
  });

  it('as a policy of the sequencer: counts the gap from the rear leaving the detector, vehicleLength / approach speed after the front passed (hand-driven)', () => {
    // Front passed at 1.8 s; at minGreen (5 s) that is 3.2 s ago, more than the 3 s gap. Its rear (5 m at
    // 15 m/s) left at 2.13 s, 2.87 s ago: SUMO's loop extends, to the next whole second (6 s), then the
    // gap (3.87 s) ends the green. A zero-length vehicle ends it at minGreen.
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 40 });
    const ends = (options: Parameters<typeof createActuatedController>[2]): number[] => driveGreen(createActuatedController(net, program, options), () => 1.8).times;
    expect(net.linkSpeed[net.movementFrom[AB]]).toBe(15);
    expect(ends({})).toEqual([0, 5, 6]);
    expect(ends({ vehicleLength: 0 })).toEqual([0, 5]);
    expect(() => createActuatedController(net, program, { vehicleLength: -1 })).toThrow(UsageError);
  });

  it('as a policy of the sequencer: without yellow or all-red, a red pause of a microsecond separates the greens', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 5, yellow: 0, allRed: 0 });
    const view = { time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 1 };
    const pause = pauseWithoutClearance(net, createActuatedController(net, program), view, 5);
    expect(pause).toBeGreaterThan(0);
    expect(pause).toBeLessThan(1e-5);
  });

  it('rejects bad options with UsageError', () => {
    const program = twoPhase(net, [30, 30]);
    expect(() => createActuatedController(net, program, { gap: -1 })).toThrow(UsageError);
    expect(() => createActuatedController(net, program, { pollInterval: 0 })).toThrow(UsageError);
    const c = createActuatedController(net, program);
    expect(() => c.advance(5, new Uint8Array(net.movementCount), undefined as never)).toThrow(UsageError);
  });
});

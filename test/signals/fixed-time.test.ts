/**
 * createFixedTimeController: the state of every movement and every change time
 * against a hand-computed timeline, over two cycles from several start times and
 * offsets (negative times included); zero-length yellow/all-red skipped; green
 * fraction over a long horizon exactly duration / cycle; only this junction's
 * movements are written; misuse throws UsageError.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import { compile, RoadNetwork, type CompiledNetwork } from '../../engine/network/index.js';
import {
  compileProgram, createFixedTimeController, SIGNAL_GREEN as G, SIGNAL_PERMISSIVE as P, SIGNAL_RED as R, SIGNAL_YELLOW as Y,
  type ControllerView, type PhaseSpec, type SignalProgram,
} from '../../engine/signals/index.js';

/** Signalised cross C with arms W, E, N, S; outer junctions permit U-turns (movements not at C). */
function cross(): CompiledNetwork {
  const net = new RoadNetwork({ drivingSide: 'left' });
  net.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
  for (const [id, x, y] of [['W', -100, 0], ['E', 100, 0], ['N', 0, 100], ['S', 0, -100]] as const) {
    net.addJunction({ id, x, y });
    net.addLink({ id: `${id}-C`, from: id, to: 'C', speed: 10 });
    net.addLink({ id: `C-${id}`, from: 'C', to: id, speed: 10 });
  }
  net.addDefaultMovements({ junctions: ['C'] });
  net.addDefaultMovements({ junctions: ['W', 'E', 'N', 'S'], uTurns: true });
  return compile(net);
}

const net = cross();
const ref = (from: string, to: string) => ({ from, to });
const mv = (from: string, to: string): number => net.movementBetween(net.linkIndex(from), net.linkIndex(to));
const view: ControllerView = { time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 1 };

/** Watched movements: A, B green and Pm permissive in phase 0; Nn, Ss green in phase 1; X in no phase. */
const WATCH = [mv('W-C', 'C-E'), mv('E-C', 'C-W'), mv('W-C', 'C-N'), mv('N-C', 'C-S'), mv('S-C', 'C-N'), mv('W-C', 'C-S')];

function program(phases: PhaseSpec[], offset = 0): SignalProgram {
  return compileProgram(net, { junction: 'C', offset, phases });
}

const PHASE0 = { green: [ref('W-C', 'C-E'), ref('E-C', 'C-W')], permissive: [ref('W-C', 'C-N')] };
const PHASE1 = { green: [ref('N-C', 'C-S'), ref('S-C', 'C-N')] };

/**
 * Hand-computed timeline of phases (20 s green, 3 yellow, 2 all-red) and
 * (10 s green, 4 yellow, 1 all-red): cycle 40 s. Rows: start in cycle, phase, states of WATCH.
 */
const CYCLE = 40;
const TIMELINE: Array<[number, number, number[]]> = [
  [0, 0, [G, G, P, R, R, R]],
  [20, 0, [Y, Y, Y, R, R, R]],
  [23, 0, [R, R, R, R, R, R]],
  [25, 1, [R, R, R, G, G, R]],
  [35, 1, [R, R, R, Y, Y, R]],
  [39, 1, [R, R, R, R, R, R]],
];
const twoPhase = (offset: number) => program([{ ...PHASE0, duration: 20 }, { ...PHASE1, duration: 10, yellow: 4, allRed: 1 }], offset);

/** Timeline row showing at absolute time t. */
function rowAt(t: number, offset: number): [number, number, number[]] {
  const pos = (((t - offset) % CYCLE) + CYCLE) % CYCLE;
  let row = TIMELINE[0];
  for (const r of TIMELINE) if (r[0] <= pos) row = r;
  return row;
}

/** First row boundary strictly after t. */
function boundaryAfter(t: number, offset: number): number {
  const k0 = Math.floor((t - offset) / CYCLE) - 1;
  for (let k = k0; ; k++) for (const [at] of TIMELINE) if (offset + k * CYCLE + at > t) return offset + k * CYCLE + at;
}

const watched = (states: Uint8Array) => WATCH.map((e) => states[e]);

describe('createFixedTimeController', () => {
  it('from start(0) with offset 17 follows the hand-written sequence', () => {
    const c = createFixedTimeController(twoPhase(17));
    const states = new Uint8Array(net.movementCount);
    expect(c.phase).toBe(-1);
    expect(c.junction).toBe(net.junctionIndex('C'));
    // 0 - 17 = -17 = 23 mod 40: phase 0 all-red until 25 - 23 = 2 s.
    expect(c.start(0, states, view)).toBe(2);
    expect(c.phase).toBe(0);
    expect(watched(states)).toEqual([R, R, R, R, R, R]);
    const expected: Array<[number, number, number[], number]> = [
      [2, 1, [R, R, R, G, G, R], 12],
      [12, 1, [R, R, R, Y, Y, R], 16],
      [16, 1, [R, R, R, R, R, R], 17],
      [17, 0, [G, G, P, R, R, R], 37],
      [37, 0, [Y, Y, Y, R, R, R], 40],
      [40, 0, [R, R, R, R, R, R], 42],
      [42, 1, [R, R, R, G, G, R], 52],
      [52, 1, [R, R, R, Y, Y, R], 56],
      [56, 1, [R, R, R, R, R, R], 57],
      [57, 0, [G, G, P, R, R, R], 77],
      [77, 0, [Y, Y, Y, R, R, R], 80],
      [80, 0, [R, R, R, R, R, R], 82],
    ];
    for (const [at, phase, want, next] of expected) {
      expect(c.advance(at, states, view)).toBe(next);
      expect(c.phase).toBe(phase);
      expect(watched(states)).toEqual(want);
    }
  });

  for (const offset of [0, 17, -5, 63.5]) {
    for (const t0 of [0, 17, 20, 22.5, 23, 39.75, -55, 1000.25]) {
      it(`offset ${offset}, start(${t0}): two cycles of states and change times match the timeline`, () => {
        const c = createFixedTimeController(twoPhase(offset));
        const states = new Uint8Array(net.movementCount);
        let t = c.start(t0, states, view);
        let [, phase, want] = rowAt(t0, offset);
        expect(watched(states)).toEqual(want);
        expect(c.phase).toBe(phase);
        let now = t0;
        let changes = 0;
        while (now < t0 + 2 * CYCLE) {
          expect(t).toBe(boundaryAfter(now, offset));
          now = t;
          t = c.advance(now, states, view);
          expect(t).toBeGreaterThan(now);
          [, phase, want] = rowAt(now, offset);
          expect(watched(states)).toEqual(want);
          expect(c.phase).toBe(phase);
          changes++;
        }
        expect(changes).toBeGreaterThanOrEqual(12);
      });
    }
  }

  it('skips zero-length yellow and all-red intervals', () => {
    // Intervals: phase 0 green [0, 20); phase 1 green [20, 30), yellow [30, 33). Cycle 33.
    const p = program([{ ...PHASE0, duration: 20, yellow: 0, allRed: 0 }, { ...PHASE1, duration: 10, yellow: 3, allRed: 0 }]);
    expect(p.cycle).toBe(33);
    const c = createFixedTimeController(p);
    const states = new Uint8Array(net.movementCount);
    expect(c.start(0, states, view)).toBe(20);
    expect(watched(states)).toEqual([G, G, P, R, R, R]);
    expect(c.advance(20, states, view)).toBe(30);
    expect(watched(states)).toEqual([R, R, R, G, G, R]);
    expect(c.phase).toBe(1);
    expect(c.advance(30, states, view)).toBe(33);
    expect(watched(states)).toEqual([R, R, R, Y, Y, R]);
    expect(c.advance(33, states, view)).toBe(53);
    expect(watched(states)).toEqual([G, G, P, R, R, R]);
    expect(c.phase).toBe(0);
    // Starting exactly where a zero-length interval would be.
    const d = createFixedTimeController(p);
    expect(d.start(20, states, view)).toBe(30);
    expect(watched(states)).toEqual([R, R, R, G, G, R]);
    expect(d.start(33 * 3, states, view)).toBe(33 * 3 + 20);
    expect(watched(states)).toEqual([G, G, P, R, R, R]);
  });

  it('clears a movement green in two consecutive phases between them', () => {
    const p = program([{ green: [ref('W-C', 'C-E')], duration: 10, yellow: 2, allRed: 1 }, { green: [ref('W-C', 'C-E')], duration: 5, yellow: 0, allRed: 0 }]);
    const c = createFixedTimeController(p);
    const states = new Uint8Array(net.movementCount);
    const a = WATCH[0];
    const seen: Array<[number, number]> = [];
    let t = c.start(0, states, view);
    seen.push([0, states[a]]);
    while (t <= 18) {
      const now = t;
      t = c.advance(now, states, view);
      seen.push([now, states[a]]);
    }
    expect(seen).toEqual([[0, G], [10, Y], [12, R], [13, G], [18, G]]);
  });

  it('returns Infinity for one phase with no clearance', () => {
    const c = createFixedTimeController(program([{ ...PHASE0, duration: 30, yellow: 0, allRed: 0 }], 7));
    const states = new Uint8Array(net.movementCount);
    expect(c.start(123.4, states, view)).toBe(Infinity);
    expect(watched(states)).toEqual([G, G, P, R, R, R]);
    expect(c.phase).toBe(0);
  });

  it('shows green for exactly duration / cycle of a long horizon', () => {
    // Times are multiples of 1/4 s, so every sum below is exact in binary floating point.
    const p = program([{ ...PHASE0, duration: 27.5, yellow: 3.25, allRed: 1.75 }, { ...PHASE1, duration: 18.25, yellow: 3, allRed: 2.25 }], 13.5);
    expect(p.cycle).toBe(56);
    const horizon = 500 * p.cycle;
    const c = createFixedTimeController(p);
    const states = new Uint8Array(net.movementCount);
    const time = new Map<string, number>();
    const add = (key: string, dt: number) => time.set(key, (time.get(key) ?? 0) + dt);
    let now = 0;
    let next = c.start(now, states, view);
    while (now < horizon) {
      const end = Math.min(next, horizon);
      WATCH.forEach((e, i) => add(`${i}:${states[e]}`, end - now));
      now = next;
      if (now < horizon) next = c.advance(now, states, view);
    }
    expect(time.get(`0:${G}`)! / horizon).toBe(27.5 / 56);
    expect(time.get(`2:${P}`)! / horizon).toBe(27.5 / 56);
    expect(time.get(`0:${Y}`)! / horizon).toBe(3.25 / 56);
    expect(time.get(`3:${G}`)! / horizon).toBe(18.25 / 56);
    expect(time.get(`3:${Y}`)! / horizon).toBe(3 / 56);
    expect(time.get(`5:${R}`)).toBe(horizon);
  });

  it('keeps change times strictly increasing with times that are not binary fractions', () => {
    const p = program([{ ...PHASE0, duration: 0.3, yellow: 0.1, allRed: 0.2 }, { ...PHASE1, duration: 0.7, yellow: 0.1, allRed: 0 }], 0.1);
    for (const t0 of [0, 0.1, 0.3, 0.4, 1.4, 2.8, -0.7]) {
      const c = createFixedTimeController(p);
      const states = new Uint8Array(net.movementCount);
      let now = t0;
      let next = c.start(now, states, view);
      // 5 intervals per 1.4 s cycle: 5,000 changes are 1,000 cycles.
      let increasing = next > now;
      for (let i = 0; i < 5000; i++) {
        now = next;
        next = c.advance(now, states, view);
        increasing &&= next > now;
      }
      expect(increasing).toBe(true);
      expect(now).toBeGreaterThan(t0 + 999 * p.cycle);
      expect(now).toBeLessThanOrEqual(t0 + 1000 * p.cycle + 1e-9);
    }
  });

  it('writes only the movements approaching its junction', () => {
    const states = new Uint8Array(net.movementCount).fill(9);
    const c = createFixedTimeController(twoPhase(0));
    const p = twoPhase(0);
    const atC = new Set(p.movements);
    let t = c.start(0, states, view);
    for (let i = 0; i < 12; i++) {
      for (let e = 0; e < net.movementCount; e++) {
        if (atC.has(e)) expect(states[e]).toBeLessThanOrEqual(Y);
        else expect(states[e]).toBe(9);
      }
      expect(states[WATCH[5]]).toBe(R); // in no phase: always red
      t = c.advance(t, states, view);
    }
    expect(net.movementCount).toBeGreaterThan(atC.size);
  });

  it('leaves movements outside the phases alone for a program without `movements`', () => {
    const states = new Uint8Array(net.movementCount).fill(9);
    const c = createFixedTimeController({ ...twoPhase(0), movements: undefined });
    c.start(0, states, view);
    expect(states[WATCH[5]]).toBe(9);
    expect(watched(states).slice(0, 5)).toEqual([G, G, P, R, R]);
  });

  it('throws UsageError on misuse', () => {
    const states = new Uint8Array(net.movementCount);
    const c = createFixedTimeController(twoPhase(0));
    expect(() => c.advance(20, states, view)).toThrow(UsageError);
    expect(c.start(0, states, view)).toBe(20);
    expect(() => c.advance(19, states, view)).toThrow(UsageError);
    expect(() => c.advance(21, states, view)).toThrow(UsageError);
    expect(() => c.start(NaN, states, view)).toThrow(UsageError);
    expect(() => createFixedTimeController({ ...twoPhase(0), cycle: 50 })).toThrow(UsageError);
    expect(() => createFixedTimeController({ ...twoPhase(0), phases: [] })).toThrow(UsageError);
  });
});

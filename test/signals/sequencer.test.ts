/**
 * PhaseSequencer: the one green -> yellow -> all-red -> next mechanism, driven by
 * scripted policies (so the sequencer is checked on its own, apart from any real
 * policy): interval lengths and painted states, a green ended early, skipped
 * zero-length clearances, the policy's minimum clearance, a movement green in two
 * consecutive phases, starting inside a clearance, a policy that places its own
 * clearance ends, and misuse.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import {
  compileProgram, END_GREEN, INTERVAL_ALL_RED, INTERVAL_GREEN, INTERVAL_YELLOW, PhaseSequencer,
  SIGNAL_GREEN as G, SIGNAL_PERMISSIVE as P, SIGNAL_RED as R, SIGNAL_YELLOW as Y,
  type ControllerView, type IntervalKind, type PhasePolicy, type PhaseSpec, type SequencerPosition, type SignalProgram,
} from '../../engine/signals/index.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';

/** Junction J with approaches A (-> B, -> N) and S (-> N), a third approach W (-> B) shown in no phase, and B -> X at junction d. */
function junction() {
  const rn = new RoadNetwork();
  for (const [id, x, y, control] of [['o', -300, 0, 'uncontrolled'], ['J', 0, 0, 'signal'], ['d', 300, 0, 'uncontrolled'], ['s', 0, -300, 'uncontrolled'], ['n', 0, 300, 'uncontrolled'], ['w', -300, -300, 'uncontrolled'], ['x', 600, 0, 'uncontrolled']] as const) {
    rn.addJunction({ id, x, y, control });
  }
  for (const [id, from, to] of [['A', 'o', 'J'], ['B', 'J', 'd'], ['S', 's', 'J'], ['N', 'J', 'n'], ['W', 'w', 'J'], ['X', 'd', 'x']] as const) rn.addLink({ id, from, to, speed: 10 });
  for (const [from, to] of [['A', 'B'], ['S', 'N'], ['A', 'N'], ['W', 'B'], ['B', 'X']] as const) rn.addMovement({ from, to });
  return compile(rn);
}

const net = junction();
const mv = (a: string, b: string) => net.movementBetween(net.linkIndex(a), net.linkIndex(b));
const AB = mv('A', 'B');
const SN = mv('S', 'N');
const AN = mv('A', 'N');
const WB = mv('W', 'B');
const view: ControllerView = { time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 1 };

function program(phases: PhaseSpec[]): SignalProgram {
  return compileProgram(net, { junction: 'J', phases });
}

/** Phase 0: A->B green, A->N permissive; phase 1: S->N green. */
const TWO = (yellow: number, allRed: number) => program([
  { green: [{ from: 'A', to: 'B' }], permissive: [{ from: 'A', to: 'N' }], duration: 20, yellow, allRed },
  { green: [{ from: 'S', to: 'N' }], duration: 10, yellow, allRed },
]);

/**
 * A scripted policy: each green gets decisions `greenFor` s apart until it has lasted `greenFor[phase]`
 * (decisions every `step` s), phases in order; every call is logged.
 */
class Scripted implements PhasePolicy {
  readonly name = 'scripted controller';
  readonly log: string[] = [];
  private startedAt = 0;
  constructor(
    readonly minClearance: number,
    private readonly greenFor: number[],
    private readonly step = Infinity,
    private readonly first: SequencerPosition = { phase: 0, kind: INTERVAL_GREEN },
  ) {}
  start(now: number, _view: ControllerView, at: SequencerPosition): void {
    this.log.push(`start ${now}`);
    at.phase = this.first.phase;
    at.kind = this.first.kind;
  }
  greenStarted(phase: number, now: number): number {
    this.log.push(`green ${phase} at ${now}`);
    this.startedAt = now;
    return now + Math.min(this.step, this.greenFor[phase]);
  }
  decide(phase: number, now: number): number {
    this.log.push(`decide ${phase} at ${now}`);
    const end = this.startedAt + this.greenFor[phase];
    return now >= end ? END_GREEN : Math.min(now + this.step, end);
  }
  nextPhase(phase: number, now: number): number {
    this.log.push(`next after ${phase} at ${now}`);
    return (phase + 1) % this.greenFor.length;
  }
}

/** Run `c` through `changes` changes from `t0`: [time, phase, interval, states of AB, AN, SN, WB] after each. */
function trace(c: PhaseSequencer, changes: number, t0 = 0) {
  const states = new Uint8Array(net.movementCount).fill(9);
  const rows: Array<[number, number, IntervalKind, number[]]> = [];
  let t = c.start(t0, states, view);
  rows.push([t0, c.phase, c.interval, [states[AB], states[AN], states[SN], states[WB]]]);
  for (let i = 0; i < changes; i++) {
    const now = t;
    t = c.advance(now, states, view);
    expect(t).toBeGreaterThan(now);
    rows.push([now, c.phase, c.interval, [states[AB], states[AN], states[SN], states[WB]]]);
  }
  return { rows, next: t };
}

describe('PhaseSequencer', () => {
  it('runs green -> yellow -> all-red -> next green with the phase times, painting every state', () => {
    const c = new PhaseSequencer(TWO(3, 2), new Scripted(0, [20, 10]));
    expect(c.phase).toBe(-1);
    const { rows, next } = trace(c, 6);
    expect(rows).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]], // W->B is in no phase: painted red at start
      [20, 0, INTERVAL_YELLOW, [Y, Y, R, R]],
      [23, 0, INTERVAL_ALL_RED, [R, R, R, R]],
      [25, 1, INTERVAL_GREEN, [R, R, G, R]],
      [35, 1, INTERVAL_YELLOW, [R, R, Y, R]],
      [38, 1, INTERVAL_ALL_RED, [R, R, R, R]],
      [40, 0, INTERVAL_GREEN, [G, P, R, R]],
    ]);
    expect(next).toBe(60);
  });

  it('ends a green early when the policy says so, and extends it decision by decision otherwise', () => {
    // Decisions every 4 s; phase 0 ends at its third decision (12 s), phase 1 lasts 6 s (decisions at 4, 6).
    const policy = new Scripted(0, [12, 6], 4);
    const c = new PhaseSequencer(TWO(3, 2), policy);
    const { rows } = trace(c, 8);
    expect(rows.map(([t, phase, kind]) => [t, phase, kind])).toEqual([
      [0, 0, INTERVAL_GREEN], [4, 0, INTERVAL_GREEN], [8, 0, INTERVAL_GREEN],
      [12, 0, INTERVAL_YELLOW], [15, 0, INTERVAL_ALL_RED],
      [17, 1, INTERVAL_GREEN], [21, 1, INTERVAL_GREEN], [23, 1, INTERVAL_YELLOW], [26, 1, INTERVAL_ALL_RED],
    ]);
    expect(policy.log).toContain('decide 0 at 12');
    expect(policy.log).toContain('next after 0 at 17'); // the next phase is asked for when the clearance is over
  });

  it('says whether an advance painted a state: not for a decision that keeps the green, yes for every interval change', () => {
    // The kernel reacts (serves the junction, tells the observers) only when `changed` is not false.
    const c = new PhaseSequencer(TWO(3, 2), new Scripted(0, [12, 6], 4));
    const states = new Uint8Array(net.movementCount);
    let t = c.start(0, states, view);
    const seen: Array<[number, IntervalKind, boolean]> = [];
    for (let i = 0; i < 7; i++) {
      const now = t;
      const before = Array.from(states);
      t = c.advance(now, states, view);
      expect(c.changed).toBe(Array.from(states).some((x, k) => x !== before[k])); // true exactly when a state changed
      seen.push([now, c.interval, c.changed!]);
    }
    expect(seen).toEqual([
      [4, INTERVAL_GREEN, false], [8, INTERVAL_GREEN, false], [12, INTERVAL_YELLOW, true], [15, INTERVAL_ALL_RED, true],
      [17, INTERVAL_GREEN, true], [21, INTERVAL_GREEN, false], [23, INTERVAL_YELLOW, true],
    ]);
  });

  it('skips a zero yellow (green -> all-red) and a zero all-red (yellow -> next green)', () => {
    const noYellow = trace(new PhaseSequencer(TWO(0, 2), new Scripted(0, [20, 10])), 3).rows;
    expect(noYellow).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]],
      [20, 0, INTERVAL_ALL_RED, [R, R, R, R]],
      [22, 1, INTERVAL_GREEN, [R, R, G, R]],
      [32, 1, INTERVAL_ALL_RED, [R, R, R, R]],
    ]);
    const noAllRed = trace(new PhaseSequencer(TWO(3, 0), new Scripted(0, [20, 10])), 3).rows;
    expect(noAllRed).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]],
      [20, 0, INTERVAL_YELLOW, [Y, Y, R, R]],
      [23, 1, INTERVAL_GREEN, [R, R, G, R]],
      [33, 1, INTERVAL_YELLOW, [R, R, Y, R]],
    ]);
  });

  it('without any clearance starts the next green at once, or after the policy\'s minimum clearance of red', () => {
    const direct = trace(new PhaseSequencer(TWO(0, 0), new Scripted(0, [20, 10])), 2).rows;
    expect(direct).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]],
      [20, 1, INTERVAL_GREEN, [R, R, G, R]],
      [30, 0, INTERVAL_GREEN, [G, P, R, R]],
    ]);
    const paused = trace(new PhaseSequencer(TWO(0, 0), new Scripted(0.5, [20, 10])), 3).rows;
    expect(paused).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]],
      [20, 0, INTERVAL_ALL_RED, [R, R, R, R]],
      [20.5, 1, INTERVAL_GREEN, [R, R, G, R]],
      [30.5, 1, INTERVAL_ALL_RED, [R, R, R, R]],
    ]);
    // A yellow is a clearance: no extra pause after it.
    const yellowOnly = trace(new PhaseSequencer(TWO(3, 0), new Scripted(0.5, [20, 10])), 2).rows;
    expect(yellowOnly.map(([t, phase, kind]) => [t, phase, kind])).toEqual([[0, 0, INTERVAL_GREEN], [20, 0, INTERVAL_YELLOW], [23, 1, INTERVAL_GREEN]]);
  });

  it('clears a movement green in two consecutive phases between them', () => {
    const p = program([
      { green: [{ from: 'A', to: 'B' }], duration: 10, yellow: 2, allRed: 1 },
      { green: [{ from: 'A', to: 'B' }, { from: 'S', to: 'N' }], duration: 5, yellow: 2, allRed: 1 },
    ]);
    const { rows } = trace(new PhaseSequencer(p, new Scripted(0, [10, 5])), 4);
    expect(rows.map(([t, , , s]) => [t, s[0]])).toEqual([[0, G], [10, Y], [12, R], [13, G], [18, Y]]);
  });

  it('starts inside a yellow or an all-red when the policy positions it there', () => {
    const inYellow = new PhaseSequencer(TWO(3, 2), new Scripted(0, [20, 10], Infinity, { phase: 1, kind: INTERVAL_YELLOW }));
    const a = trace(inYellow, 2, 100).rows;
    expect(a).toEqual([
      [100, 1, INTERVAL_YELLOW, [R, R, Y, R]],
      [103, 1, INTERVAL_ALL_RED, [R, R, R, R]],
      [105, 0, INTERVAL_GREEN, [G, P, R, R]],
    ]);
    const inAllRed = new PhaseSequencer(TWO(3, 2), new Scripted(0, [20, 10], Infinity, { phase: 0, kind: INTERVAL_ALL_RED }));
    expect(trace(inAllRed, 1, 7).rows).toEqual([
      [7, 0, INTERVAL_ALL_RED, [R, R, R, R]],
      [9, 1, INTERVAL_GREEN, [R, R, G, R]],
    ]);
  });

  it('asks a policy that places its own clearance ends, and passes through an interval that ends at once', () => {
    class Anchored extends Scripted {
      clearanceEnd(_phase: number, kind: IntervalKind, now: number): number {
        this.log.push(`clearance ${kind} at ${now}`);
        return kind === INTERVAL_YELLOW ? now + 1.25 : now; // an all-red that rounding made end now
      }
    }
    const policy = new Anchored(0, [20, 10]);
    const { rows } = trace(new PhaseSequencer(TWO(3, 2), policy), 2);
    expect(rows).toEqual([
      [0, 0, INTERVAL_GREEN, [G, P, R, R]],
      [20, 0, INTERVAL_YELLOW, [Y, Y, R, R]],
      [21.25, 1, INTERVAL_GREEN, [R, R, G, R]], // the zero-length all-red was stepped over in the same advance
    ]);
    expect(policy.log).toEqual(expect.arrayContaining(['clearance 1 at 20', 'clearance 2 at 21.25']));
  });

  it('never writes movements of other junctions', () => {
    const states = new Uint8Array(net.movementCount).fill(9);
    const others = [...Array(net.movementCount).keys()].filter((e) => ![AB, AN, SN, WB].includes(e));
    expect(others).toEqual([mv('B', 'X')]);
    const c = new PhaseSequencer(TWO(3, 2), new Scripted(0, [20, 10]));
    let t = c.start(0, states, view);
    for (let i = 0; i < 10; i++) t = c.advance(t, states, view);
    for (const e of others) expect(states[e]).toBe(9);
  });

  it('throws UsageError on misuse, naming the policy', () => {
    const states = new Uint8Array(net.movementCount);
    const c = new PhaseSequencer(TWO(3, 2), new Scripted(0, [20, 10]));
    expect(() => c.advance(20, states, view)).toThrow(/scripted controller: advance\(\) called before start\(\)/);
    expect(c.start(0, states, view)).toBe(20);
    expect(() => c.advance(19, states, view)).toThrow(UsageError);
    expect(() => c.start(Infinity, states, view)).toThrow(/scripted controller: start time must be finite/);
    expect(() => new PhaseSequencer({ ...TWO(3, 2), phases: [] }, new Scripted(0, []))).toThrow(UsageError);
  });
});

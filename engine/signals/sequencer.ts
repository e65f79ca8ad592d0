/**
 * The phase sequencer: the one place where a signal runs a phase's green, then
 * its yellow, then its all-red, then the next phase's green, and paints the
 * movement states (`SIGNAL_*`) the kernel reads. Every controller of greenwave
 * is this sequencer driven by a policy (`PhasePolicy`) that decides only two
 * things: when a green ends, and which phase is next. Fixed time, actuated
 * (gap-out) and max-pressure are such policies (fixed-time.ts, actuated.ts,
 * max-pressure.ts).
 *
 * Sequence and painting: a green shows the phase's `green` movements
 * `SIGNAL_GREEN` and its `permissive` ones `SIGNAL_PERMISSIVE`; when the policy
 * ends it, they show `SIGNAL_YELLOW` for the phase's `yellow` seconds, then red
 * for its `allRed` seconds, then the policy's next phase turns green. A movement
 * in two consecutive phases clears (yellow, all-red) between them too.
 * Zero-length yellow and all-red intervals are skipped; when both are zero the
 * next green starts at once, or after the policy's `minClearance` of red if it
 * asks for one. `start` paints every movement of the program red first, so
 * movements in no phase stay red.
 *
 * Timing: the kernel calls `advance` exactly at each change time the sequencer
 * returned (> now), never polling. During a green the policy's `decide` is
 * called at each decision time it asked for; it answers with the next decision
 * time (keep the green) or a time not after now (end it now). Clearance
 * intervals end `yellow` / `allRed` seconds after they start, unless the policy
 * places them itself (`clearanceEnd`: fixed time anchors every change to its
 * cycle so change times never drift).
 *
 * No allocation per change or decision: the sequencer keeps its position in
 * three fields and paints through the phases' `Int32Array`s.
 */
import { UsageError } from '../errors.js';
import { SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_RED, SIGNAL_YELLOW, type ControllerView, type SignalController } from './controller.js';
import type { Phase, SignalProgram } from './program.js';

/** Interval of a phase: its green. */
export const INTERVAL_GREEN = 0;
/** Interval of a phase: its yellow (amber), after the green. */
export const INTERVAL_YELLOW = 1;
/** Interval of a phase: its all-red clearance, after the yellow. */
export const INTERVAL_ALL_RED = 2;
/** One of the `INTERVAL_*` codes. */
export type IntervalKind = typeof INTERVAL_GREEN | typeof INTERVAL_YELLOW | typeof INTERVAL_ALL_RED;

/** What `PhasePolicy.decide` returns to end the green now (any time not after now does the same), s. */
export const END_GREEN = -Infinity;

/** Where the signal stands when a run starts: written by `PhasePolicy.start`. */
export interface SequencerPosition {
  /** Phase index showing. */
  phase: number;
  /** Interval of that phase showing (`INTERVAL_*`). */
  kind: IntervalKind;
}

/**
 * A control policy: decides when each green ends and which phase follows; the
 * sequencer does the rest. Methods are called only at the times the policy (or
 * the clearance lengths) asked for, with the simulation's view at that time.
 */
export interface PhasePolicy {
  /** Name used in error messages, e.g. "actuated controller". */
  readonly name: string;
  /**
   * Red time, s, between a green that has neither yellow nor all-red and the
   * next green; 0 starts the next green at the same instant. Adaptive policies
   * use a tiny pause so that every decision lies strictly after the previous one.
   */
  readonly minClearance: number;
  /** Position the policy at the start time `now`, s: write the phase and interval showing into `at`. */
  start(now: number, view: ControllerView, at: SequencerPosition): void;
  /**
   * The green of `phase` shows from `now`, s (it started now, or the run starts
   * inside it): return the first decision time (> now), or Infinity for a green
   * that never ends.
   */
  greenStarted(phase: number, now: number, view: ControllerView): number;
  /** Decision during the green of `phase` at `now`, s: the next decision time (> now) keeps the green; `END_GREEN` (or any time <= now) ends it now. */
  decide(phase: number, now: number, view: ControllerView): number;
  /** The clearance after `phase` is over at `now`, s: the phase whose green starts now. */
  nextPhase(phase: number, now: number, view: ControllerView): number;
  /**
   * End time, s, of the yellow or all-red interval of `phase` showing at `now`.
   * Optional: by default the interval ends its length after `now`.
   */
  clearanceEnd?(phase: number, kind: IntervalKind, now: number): number;
}

// Local copies: imported bindings are read through getters by some loaders, and these sit in hot paths.
const RED: number = SIGNAL_RED;
const GREEN: number = SIGNAL_GREEN;
const PERMISSIVE: number = SIGNAL_PERMISSIVE;
const YELLOW: number = SIGNAL_YELLOW;

function paint(states: Uint8Array, ids: Int32Array, value: number): void {
  for (let i = 0; i < ids.length; i++) states[ids[i]] = value;
}

/** A `SignalController` that runs `program`'s phases in the sequence above, driven by `policy`. */
export class PhaseSequencer implements SignalController {
  /** Junction index it controls. */
  readonly junction: number;
  private readonly phases: readonly Phase[];
  private readonly movements: Int32Array | undefined;
  private readonly policy: PhasePolicy;
  private readonly at: SequencerPosition = { phase: 0, kind: INTERVAL_GREEN };
  private current = -1;
  private kind: IntervalKind = INTERVAL_GREEN;
  private next = NaN;
  private painted = true;

  /** Sequence `program` under `policy`. Throws `UsageError` for a program without phases. */
  constructor(program: SignalProgram, policy: PhasePolicy) {
    if (program.phases.length === 0) throw new UsageError(`${policy.name}: the program has no phases`);
    this.junction = program.junction;
    this.phases = program.phases;
    this.movements = program.movements;
    this.policy = policy;
  }

  /** Index of the phase showing (during its yellow and all-red too); -1 before `start`. */
  get phase(): number {
    return this.current;
  }

  /** Whether the last `advance` painted any state: false after decisions that only kept the green. */
  get changed(): boolean {
    return this.painted;
  }

  /** Interval of the current phase showing now (`INTERVAL_*`). */
  get interval(): IntervalKind {
    return this.kind;
  }

  /** Paint the junction red, let the policy position itself at `now` (s), show that interval; returns the next change time. */
  start(now: number, states: Uint8Array, view: ControllerView): number {
    if (!Number.isFinite(now)) throw new UsageError(`${this.policy.name}: start time must be finite, got ${now}`);
    if (this.movements !== undefined) paint(states, this.movements, RED);
    for (const p of this.phases) {
      paint(states, p.green, RED);
      paint(states, p.permissive, RED);
    }
    const at = this.at;
    this.policy.start(now, view, at);
    const i = at.phase;
    const p = this.phases[i];
    this.current = i;
    this.kind = at.kind;
    if (at.kind === INTERVAL_GREEN) {
      paint(states, p.green, GREEN);
      paint(states, p.permissive, PERMISSIVE);
      this.next = this.policy.greenStarted(i, now, view);
    } else {
      if (at.kind === INTERVAL_YELLOW) {
        paint(states, p.green, YELLOW);
        paint(states, p.permissive, YELLOW);
      }
      this.next = this.clearanceEnd(p, at.kind, now);
    }
    while (this.next <= now) this.step(now, states, view); // rounding put `now` a hair before a boundary
    return this.next;
  }

  /** Called exactly at the last returned change time `now` (s): move on, return the next change time (> now). */
  advance(now: number, states: Uint8Array, view: ControllerView): number {
    if (now !== this.next) {
      throw new UsageError(
        this.current < 0
          ? `${this.policy.name}: advance() called before start()`
          : `${this.policy.name} of junction ${this.junction}: advance(${now}) but the next change is at ${this.next}`,
      );
    }
    this.painted = false;
    do this.step(now, states, view);
    while (this.next <= now);
    return this.next;
  }

  /** One transition at `now`: a decision during green, or the end of a yellow or all-red. */
  private step(now: number, states: Uint8Array, view: ControllerView): void {
    const i = this.current;
    const p = this.phases[i];
    if (this.kind === INTERVAL_GREEN) {
      const t = this.policy.decide(i, now, view);
      if (t > now) {
        this.next = t; // the green goes on: nothing painted
        return;
      }
      this.painted = true;
      if (p.yellow > 0) {
        this.kind = INTERVAL_YELLOW;
        paint(states, p.green, YELLOW);
        paint(states, p.permissive, YELLOW);
        this.next = this.clearanceEnd(p, INTERVAL_YELLOW, now);
        return;
      }
    }
    this.painted = true;
    if (this.kind !== INTERVAL_ALL_RED) {
      // End of the green (no yellow) or of the yellow: red, then all-red if any.
      paint(states, p.green, RED);
      paint(states, p.permissive, RED);
      if (p.allRed > 0) {
        this.kind = INTERVAL_ALL_RED;
        this.next = this.clearanceEnd(p, INTERVAL_ALL_RED, now);
        return;
      }
      if (this.kind === INTERVAL_GREEN && this.policy.minClearance > 0) {
        this.kind = INTERVAL_ALL_RED;
        this.next = now + this.policy.minClearance;
        return;
      }
    }
    const n = this.policy.nextPhase(i, now, view);
    const q = this.phases[n];
    this.current = n;
    this.kind = INTERVAL_GREEN;
    paint(states, q.green, GREEN);
    paint(states, q.permissive, PERMISSIVE);
    this.next = this.policy.greenStarted(n, now, view);
  }

  private clearanceEnd(p: Phase, kind: IntervalKind, now: number): number {
    if (this.policy.clearanceEnd !== undefined) return this.policy.clearanceEnd(this.current, kind, now);
    return now + (kind === INTERVAL_YELLOW ? p.yellow : p.allRed);
  }
}

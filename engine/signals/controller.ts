/**
 * Signal controllers: the interface the simulation kernel calls, and the
 * fixed-time controller.
 *
 * The kernel owns one `Uint8Array` of movement signal states (one entry per
 * movement in the network, `SIGNAL_RED` = 0 in a fresh array). Each controller
 * writes only the entries of movements approaching its junction, and only at the
 * change times it announces: `start(now)` positions it and returns the first
 * change time, then the kernel calls `advance` exactly at each returned time. So
 * a signal costs one scheduler event per interval, never a per-second poll.
 *
 * Fixed-time semantics: the cycle starts at `offset` (modulo the cycle, any real
 * time, negative included). Within a cycle phase i shows its green movements
 * `SIGNAL_GREEN` and permissive ones `SIGNAL_PERMISSIVE` for `duration`, then
 * both `SIGNAL_YELLOW` for `yellow`, then red for `allRed`, then phase i+1. A
 * movement in two consecutive phases still clears (yellow, all-red) between them.
 * Zero-length yellow and all-red intervals are skipped, so a returned change time
 * is always later than `now`. Movements of the junction in no phase stay red.
 */
import { UsageError } from '../errors.js';
import { cycleLength, CYCLE_TOLERANCE, type Phase, type SignalProgram } from './program.js';

/** Movement state: stop. */
export const SIGNAL_RED = 0;
/** Movement state: protected green (SUMO `G`). */
export const SIGNAL_GREEN = 1;
/** Movement state: permissive green, yield to opposing traffic (SUMO `g`). */
export const SIGNAL_PERMISSIVE = 2;
/** Movement state: yellow (amber). */
export const SIGNAL_YELLOW = 3;
/** One of the `SIGNAL_*` codes. */
export type SignalState = typeof SIGNAL_RED | typeof SIGNAL_GREEN | typeof SIGNAL_PERMISSIVE | typeof SIGNAL_YELLOW;

/**
 * What adaptive controllers may read from the simulation. Every method is a
 * query computed when called, so a run without adaptive controllers pays nothing
 * for it (the kernel keeps one extra store per stop-line arrival).
 */
export interface ControllerView {
  /** Simulation time, s. */
  readonly time: number;
  /** Vehicles queued in movement `movement` now. */
  queueLength(movement: number): number;
  /**
   * Detector of movement `movement` at `distance` m upstream of its stop line (on
   * the movement's approach link; clamped to the link length): the last time, s,
   * a vehicle bound for this movement passed it (free-flow passage: entry time +
   * (length - distance) / speed), or the current time while the movement's queue
   * reaches back over it (queue extent = queued x jam spacing / lanes of the
   * movement). -Infinity if none has passed yet.
   */
  lastArrival(movement: number, distance: number): number;
  /** Vehicles on link `link` (moving or queued, plus space not yet freed at its upstream end). */
  linkVehicles(link: number): number;
  /** Storage of link `link`, vehicles. */
  linkStorage(link: number): number;
}

/** A signal controller of one junction, driven by the kernel. */
export interface SignalController {
  /** Junction index it controls. */
  readonly junction: number;
  /** Write the states of this junction's movements at time `now` (s) into `states`; return the time of the next change (> now), or Infinity. */
  start(now: number, states: Uint8Array, view: ControllerView): number;
  /** Called exactly at the time the last start/advance returned: update states, return the next change time (> now). */
  advance(now: number, states: Uint8Array, view: ControllerView): number;
  /** Index of the phase showing now (during its yellow and all-red too), for metrics and reports; -1 before `start`. */
  readonly phase: number;
}

/** Interval kinds of a fixed-time cycle. */
const GREEN = 0;
const YELLOW = 1;
const ALL_RED = 2;

function paint(states: Uint8Array, ids: Int32Array, value: number): void {
  for (let i = 0; i < ids.length; i++) states[ids[i]] = value;
}

/**
 * Fixed-time controller. The cycle is precomputed as intervals (green, yellow,
 * all-red of each phase, zero-length ones dropped) with their start positions in
 * the cycle; the controller keeps the index of the current cycle and interval, so
 * change times are `offset + cycleIndex * cycle + intervalStart`, computed afresh
 * each time rather than accumulated (no drift over long runs).
 */
class FixedTimeController implements SignalController {
  readonly junction: number;
  private readonly phases: readonly Phase[];
  private readonly movements: Int32Array | undefined;
  private readonly offset: number;
  private readonly cycle: number;
  /** Start of each interval within the cycle, s; `starts[count] = cycle`. */
  private readonly starts: Float64Array;
  private readonly intervalPhase: Int32Array;
  private readonly intervalKind: Uint8Array;
  private readonly count: number;
  private cycleIndex = 0;
  private interval = -1;
  private next = NaN;

  constructor(program: SignalProgram) {
    const { phases } = program;
    if (phases.length === 0) throw new UsageError('createFixedTimeController: the program has no phases');
    const cycle = cycleLength(phases);
    if (!(cycle > 0) || !Number.isFinite(cycle) || !Number.isFinite(program.offset) || Math.abs(cycle - program.cycle) > CYCLE_TOLERANCE) {
      throw new UsageError(
        `createFixedTimeController: program of junction ${program.junction} has cycle ${program.cycle}, offset ${program.offset}, but its phases sum to ${cycle} s: compile it with compileProgram`,
      );
    }
    const starts: number[] = [];
    const phaseOf: number[] = [];
    const kindOf: number[] = [];
    let t = 0;
    phases.forEach((p, i) => {
      for (const [kind, length] of [[GREEN, p.duration], [YELLOW, p.yellow], [ALL_RED, p.allRed]] as const) {
        if (length > 0) {
          starts.push(t);
          phaseOf.push(i);
          kindOf.push(kind);
        }
        t += length;
      }
    });
    starts.push(cycle);
    this.junction = program.junction;
    this.phases = phases;
    this.movements = program.movements;
    this.offset = program.offset;
    this.cycle = cycle;
    this.starts = Float64Array.from(starts);
    this.intervalPhase = Int32Array.from(phaseOf);
    this.intervalKind = Uint8Array.from(kindOf);
    this.count = phaseOf.length;
  }

  get phase(): number {
    return this.interval < 0 ? -1 : this.intervalPhase[this.interval];
  }

  start(now: number, states: Uint8Array): number {
    if (!Number.isFinite(now)) throw new UsageError(`createFixedTimeController: start time must be finite, got ${now}`);
    const { cycle, offset, starts, count } = this;
    let n = Math.floor((now - offset) / cycle);
    let pos = now - (offset + n * cycle);
    if (pos < 0) pos = now - (offset + --n * cycle);
    else if (pos >= cycle) pos = now - (offset + ++n * cycle);
    let q = 0;
    while (q + 1 < count && starts[q + 1] <= pos) q++;
    this.cycleIndex = n;
    this.interval = q;
    if (this.movements !== undefined) paint(states, this.movements, SIGNAL_RED);
    for (const p of this.phases) {
      paint(states, p.green, SIGNAL_RED);
      paint(states, p.permissive, SIGNAL_RED);
    }
    this.show(states, q);
    if (count === 1) return (this.next = Infinity); // one green interval, nothing ever changes
    this.next = this.changeAfter(q);
    while (this.next <= now) this.step(states); // rounding put `now` a hair before a boundary
    return this.next;
  }

  advance(now: number, states: Uint8Array): number {
    if (now !== this.next) {
      throw new UsageError(
        this.interval < 0
          ? 'fixed-time controller: advance() called before start()'
          : `fixed-time controller of junction ${this.junction}: advance(${now}) but the next change is at ${this.next}`,
      );
    }
    do this.step(states);
    while (this.next <= now);
    return this.next;
  }

  /** End time of interval `q` of the current cycle. */
  private changeAfter(q: number): number {
    return this.offset + this.cycleIndex * this.cycle + this.starts[q + 1];
  }

  /** Move to the next interval: clear the current one's movements, show the next one's. */
  private step(states: Uint8Array): void {
    const prev = this.phases[this.intervalPhase[this.interval]];
    paint(states, prev.green, SIGNAL_RED);
    paint(states, prev.permissive, SIGNAL_RED);
    let q = this.interval + 1;
    if (q === this.count) {
      q = 0;
      this.cycleIndex++;
    }
    this.interval = q;
    this.show(states, q);
    this.next = this.changeAfter(q);
  }

  private show(states: Uint8Array, q: number): void {
    const p = this.phases[this.intervalPhase[q]];
    const kind = this.intervalKind[q];
    if (kind === GREEN) {
      paint(states, p.green, SIGNAL_GREEN);
      paint(states, p.permissive, SIGNAL_PERMISSIVE);
    } else if (kind === YELLOW) {
      paint(states, p.green, SIGNAL_YELLOW);
      paint(states, p.permissive, SIGNAL_YELLOW);
    }
    // ALL_RED: the step already cleared the phase's movements.
  }
}

/**
 * A fixed-time controller running `program` (see the file header for its
 * timing). `start` may be called at any time and jumps to the right interval;
 * `advance` must then be called exactly at each returned time, else it throws
 * `UsageError`. A program of one phase with no yellow or all-red never changes:
 * `start` returns Infinity. Throws `UsageError` for a program whose `cycle` does
 * not match its phases.
 */
export function createFixedTimeController(program: SignalProgram): SignalController {
  return new FixedTimeController(program);
}

/**
 * Fixed-time control: the policy that ends every green at its place in the
 * program's cycle and always moves on to the next phase in program order. The
 * sequence itself (green, yellow, all-red, painting) is the sequencer's
 * (sequencer.ts).
 *
 * Semantics: the cycle starts at `offset` (modulo the cycle, any real time,
 * negative included). Within a cycle phase i shows its green for `duration`,
 * then its yellow for `yellow`, then red for `allRed`, then phase i+1; the cycle
 * is their sum. Zero-length yellow and all-red intervals are skipped, so a
 * returned change time is always later than `now`. `start` may be called at any
 * time and jumps into the right interval (a yellow or all-red included).
 *
 * Every change time is `offset + cycleIndex x cycle + position`, with the
 * position of the interval's end in the cycle precomputed as a running sum of
 * the phase times, computed afresh each time rather than accumulated, so change
 * times do not drift over long runs.
 */
import { UsageError } from '../errors.js';
import type { ControllerView, SignalController } from './controller.js';
import { cycleLength, CYCLE_TOLERANCE, type SignalProgram } from './program.js';
import {
  END_GREEN, INTERVAL_ALL_RED, INTERVAL_GREEN, INTERVAL_YELLOW, PhaseSequencer,
  type IntervalKind, type PhasePolicy, type SequencerPosition,
} from './sequencer.js';

/** The fixed-time policy of one program (see the file header). */
class FixedTimePolicy implements PhasePolicy {
  readonly name = 'fixed-time controller';
  readonly minClearance = 0;
  private readonly offset: number;
  private readonly cycle: number;
  private readonly phaseCount: number;
  /** End of each interval within the cycle, s: index 3 x phase + `INTERVAL_*`. */
  private readonly ends: Float64Array;
  /** Non-empty intervals in cycle order: start within the cycle (s; `starts[count] = cycle`), phase and kind. */
  private readonly starts: Float64Array;
  private readonly intervalPhase: Int32Array;
  private readonly intervalKind: Uint8Array;
  private readonly count: number;
  private cycleIndex = 0;

  constructor(program: SignalProgram) {
    const { phases } = program;
    const cycle = cycleLength(phases);
    if (!(cycle > 0) || !Number.isFinite(cycle) || !Number.isFinite(program.offset) || Math.abs(cycle - program.cycle) > CYCLE_TOLERANCE) {
      throw new UsageError(
        `createFixedTimeController: program of junction ${program.junction} has cycle ${program.cycle}, offset ${program.offset}, but its phases sum to ${cycle} s: compile it with compileProgram`,
      );
    }
    const ends = new Float64Array(3 * phases.length);
    const starts: number[] = [];
    const phaseOf: number[] = [];
    const kindOf: number[] = [];
    let t = 0;
    phases.forEach((p, i) => {
      for (const [kind, length] of [[INTERVAL_GREEN, p.duration], [INTERVAL_YELLOW, p.yellow], [INTERVAL_ALL_RED, p.allRed]] as const) {
        if (length > 0) {
          starts.push(t);
          phaseOf.push(i);
          kindOf.push(kind);
        }
        t += length;
        ends[3 * i + kind] = t;
      }
    });
    starts.push(cycle);
    this.offset = program.offset;
    this.cycle = cycle;
    this.phaseCount = phases.length;
    this.ends = ends;
    this.starts = Float64Array.from(starts);
    this.intervalPhase = Int32Array.from(phaseOf);
    this.intervalKind = Uint8Array.from(kindOf);
    this.count = phaseOf.length;
  }

  start(now: number, _view: ControllerView, at: SequencerPosition): void {
    const { cycle, offset, starts, count } = this;
    let n = Math.floor((now - offset) / cycle);
    let pos = now - (offset + n * cycle);
    if (pos < 0) pos = now - (offset + --n * cycle);
    else if (pos >= cycle) pos = now - (offset + ++n * cycle);
    let q = 0;
    while (q + 1 < count && starts[q + 1] <= pos) q++;
    this.cycleIndex = n;
    at.phase = this.intervalPhase[q];
    at.kind = this.intervalKind[q] as IntervalKind;
  }

  greenStarted(phase: number): number {
    if (this.count === 1) return Infinity; // one green interval, nothing ever changes
    return this.offset + this.cycleIndex * this.cycle + this.ends[3 * phase];
  }

  decide(): number {
    return END_GREEN; // decisions fall exactly at the green's end in the cycle
  }

  nextPhase(phase: number): number {
    if (phase + 1 < this.phaseCount) return phase + 1;
    this.cycleIndex++;
    return 0;
  }

  clearanceEnd(phase: number, kind: IntervalKind): number {
    return this.offset + this.cycleIndex * this.cycle + this.ends[3 * phase + kind];
  }
}

/**
 * A fixed-time controller running `program` (see the file header for its
 * timing). `start` may be called at any time and jumps to the right interval;
 * `advance` must then be called exactly at each returned time, else it throws
 * `UsageError`. A program of one phase with no yellow or all-red never changes:
 * `start` returns Infinity. Throws `UsageError` for a program without phases or
 * whose `cycle` does not match its phases.
 */
export function createFixedTimeController(program: SignalProgram): SignalController {
  if (program.phases.length === 0) throw new UsageError('createFixedTimeController: the program has no phases');
  return new PhaseSequencer(program, new FixedTimePolicy(program));
}

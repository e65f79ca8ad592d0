/**
 * Actuated (gap-out) signal control, a policy of the phase sequencer (which runs
 * the yellow and all-red and paints the states, see sequencer.ts): each phase of
 * a program runs at least its minGreen, is extended while vehicles keep passing
 * the detectors of its movements with gaps no longer than `gap`, and ends when
 * the gap is exceeded (gap-out) or at maxGreen (max-out); then its yellow and
 * all-red, then the next phase.
 *
 * Reference: SUMO's actuated traffic lights (Simulation/Traffic_Lights, "based on
 * time gaps"; MSActuatedTrafficLightLogic), whose defaults are used: max-gap 3 s,
 * detectors placed detector-gap = 2 s of free-flow travel upstream of the stop line
 * (distance = 2 s x the approach's speed, within the link), one detector per
 * movement shown green or permissive in the phase, and a vehicle standing on a
 * detector counts as no gap. Phases run in program order and none is skipped
 * (SUMO's default actuated logic without `next`); with `skipEmptyPhases` the
 * controller behaves like a NEMA controller without recall: phases with no call
 * (no vehicle queued for or having passed a detector of their movements since
 * they last ended) are skipped, and a green with no conflicting call rests in
 * green (maxGreen is then counted from its start, so it ends at once when a call
 * arrives after maxGreen).
 *
 * When the green is extended, SUMO's rule (MSActuatedTrafficLightLogic::duration,
 * checked in SUMO 1.15): the controller looks at minGreen; if some detector of the
 * phase saw a vehicle's rear leave less than `gap` ago (the gap is 0 while a
 * vehicle is on it or a queue covers it), it looks again `detectorGap` after
 * that detection ("let the last detected vehicle pass the intersection"), but
 * at least at the next whole second of the green; else the green ends. So with `gap` shorter than `detectorGap` a detected
 * vehicle still gets detectorGap of green to reach the stop line, and every
 * green lasts a whole number of seconds (SUMO looks at its detectors once per
 * 1 s step). Event-driven: one look per extension, no per-second poll; while
 * resting in green (skipEmptyPhases) it looks every `pollInterval` (1 s).
 *
 * SUMO's detector rule with `passingTime` (MSActuatedTrafficLightLogic): a loop
 * at min(detector-gap x speed, (minDur / passing-time + 0.5) x 7.5 m) from the
 * stop line. A movement shown permissive that is a stop at the signal (green
 * after stopping, SUMO's `s`, a right turn on red) has no detector in that
 * phase: `s` is not a green state to SUMO's actuated logic, which counts `G`,
 * and `g` under conditions. A detector extends a phase only where SUMO's loop
 * would (detector-rule.ts: a lane's loop serves a phase only if every link from
 * the lane may drive in it), so a phase SUMO finds no controlling detector for
 * ends at its minGreen in both; every detector of a phase still places calls
 * (skipEmptyPhases). Differences from SUMO left as they are: detectors are per
 * movement (SUMO: per lane; a movement counts where one of its lanes is usable);
 * a vehicle's rear leaves a detector `vehicleLength` / approach speed
 * after its front passed (SUMO measures the gap from the rear leaving, at the
 * vehicle's own speed, which is lower in a moving queue).
 *
 * The offset and the phase durations of the program are not used; a green lasts
 * at least max(minGreen, 1 s) so every decision lies after the previous one.
 */
import { UsageError } from '../errors.js';
import { RIGHT_OF_WAY_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { ControllerView, SignalController } from './controller.js';
import { extendingDetectors } from './detector-rule.js';
import type { Phase, SignalProgram } from './program.js';
import { END_GREEN, INTERVAL_GREEN, PhaseSequencer, type PhasePolicy, type SequencerPosition } from './sequencer.js';

/** Options of {@link createActuatedController}. */
export interface ActuatedOptions {
  /** Largest time gap between detections that still extends the green, s. Default 3 (SUMO max-gap). */
  gap?: number;
  /** Detector position as free-flow travel time upstream of the stop line, s. Default 2 (SUMO detector-gap). */
  detectorGap?: number;
  /** Detector position in metres upstream of the stop line, overriding `detectorGap`. */
  detectorDistance?: number;
  /**
   * SUMO passing-time, s: when given, a detector sits no farther than
   * (minDur / passingTime + 0.5) x 7.5 m from the stop line, minDur the shortest
   * minGreen of the phases showing its movement green (SUMO's rule, so the
   * vehicles between detector and stop line can pass in the minimum green).
   * Default: no such bound.
   */
  passingTime?: number;
  /**
   * Vehicle length, m: a gap counts from a vehicle's rear leaving the detector,
   * length / approach speed after its front passed (SUMO's induction loop:
   * MSInductLoop::getTimeSinceLastDetection). Default 5 (SUMO's passenger car).
   */
  vehicleLength?: number;
  /** Skip phases without calls and rest in green without conflicting calls (NEMA, no recall). Default false (SUMO). */
  skipEmptyPhases?: boolean;
  /** Look-again interval while resting in green (skipEmptyPhases), s. Default 1. */
  pollInterval?: number;
}

/** Defaults of {@link ActuatedOptions}. */
export const DEFAULT_ACTUATED_OPTIONS: Readonly<{ gap: number; detectorGap: number; vehicleLength: number; skipEmptyPhases: boolean; pollInterval: number }> = {
  gap: 3,
  detectorGap: 2,
  vehicleLength: 5,
  skipEmptyPhases: false,
  pollInterval: 1,
};

/** SUMO's DEFAULT_LENGTH_WITH_GAP, m: the vehicle spacing in its passing-time detector rule. */
const SUMO_LENGTH_WITH_GAP = 7.5;
/** Shortest green, s, so decisions always lie after the green started. */
const MIN_GREEN_FLOOR = 1;
/** Shortest look-ahead after a detection, s (SUMO: one millisecond, rounded up to the next whole second of the green). */
const NEXT_STEP = 1e-3;
/** Tolerance of time comparisons, s. */
const EPS = 1e-9;

function checkNumber(name: string, value: unknown, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new UsageError(`actuated controller: options.${name} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${String(value)}`);
  }
  return value;
}

/** The actuated policy of one program: when a green gaps or maxes out, and which phase has a call. */
class ActuatedPolicy implements PhasePolicy {
  readonly name = 'actuated controller';
  readonly minClearance = EPS * 1e3;
  private readonly phases: readonly Phase[];
  /** Detector movements of each phase (green and permissive) and their distances, m. */
  private readonly detectors: Int32Array[];
  /** Per phase and detector: 1 when it may extend the phase's green (SUMO's lane rule, detector-rule.ts), else it only places calls. */
  private readonly extends: Uint8Array[];
  private readonly distances: Float64Array[];
  /** Per detector: time from a vehicle's front passing it to its rear leaving it, s. */
  private readonly occupancy: Float64Array[];
  private readonly gap: number;
  private readonly skip: boolean;
  private readonly poll: number;
  private readonly detectorGap: number;
  private greenStart = 0;
  /** When each phase's green last ended, s. */
  private readonly greenEnd: Float64Array;

  constructor(net: CompiledNetwork, program: SignalProgram, options: ActuatedOptions) {
    const o = { ...DEFAULT_ACTUATED_OPTIONS, ...options };
    this.gap = checkNumber('gap', o.gap, false);
    const detectorGap = checkNumber('detectorGap', o.detectorGap, false);
    this.detectorGap = detectorGap;
    const fixedDistance = o.detectorDistance === undefined ? undefined : checkNumber('detectorDistance', o.detectorDistance, false);
    this.poll = checkNumber('pollInterval', o.pollInterval, true);
    const passingTime = o.passingTime === undefined ? undefined : checkNumber('passingTime', o.passingTime, true);
    this.skip = o.skipEmptyPhases === true;
    this.phases = program.phases;
    // A permissive movement that is a stop at the signal (green after stopping, SUMO's 's') is not green to SUMO's
    // actuated logic (MSActuatedTrafficLightLogic::init counts G, and g under conditions, never s): it extends no phase.
    const stop = (e: number): boolean => net.movementRightOfWay[e] === RIGHT_OF_WAY_CODE.stop;
    this.detectors = program.phases.map((p) => Int32Array.from(new Set([...p.green, ...Array.from(p.permissive).filter((e) => !stop(e))])));
    // Which of them may extend the green: SUMO's lane rule (detector-rule.ts); a phase with none ends at its minGreen.
    const extending = extendingDetectors(net, program.phases).map((ids) => new Set(ids));
    this.extends = this.detectors.map((ids, i) => Uint8Array.from(ids, (e) => (extending[i].has(e) ? 1 : 0)));
    // Shortest minGreen of the phases showing each movement (for SUMO's passing-time bound).
    const minDur = new Map<number, number>();
    for (const p of program.phases) for (const e of [...p.green, ...p.permissive]) minDur.set(e, Math.min(minDur.get(e) ?? Infinity, p.minGreen));
    this.distances = this.detectors.map((ids) => Float64Array.from(ids, (e) => {
      const a = net.movementFrom[e];
      let d = fixedDistance ?? detectorGap * net.linkSpeed[a];
      if (passingTime !== undefined && fixedDistance === undefined) d = Math.min(d, (minDur.get(e)! / passingTime + 0.5) * SUMO_LENGTH_WITH_GAP);
      return Math.min(net.linkLength[a], d);
    }));
    const length = checkNumber('vehicleLength', o.vehicleLength, false);
    this.occupancy = this.detectors.map((ids) => Float64Array.from(ids, (e) => length / net.linkSpeed[net.movementFrom[e]]));
    this.greenEnd = new Float64Array(program.phases.length).fill(-Infinity);
  }

  start(_now: number, _view: ControllerView, at: SequencerPosition): void {
    this.greenEnd.fill(-Infinity);
    at.phase = 0;
    at.kind = INTERVAL_GREEN;
  }

  greenStarted(i: number, now: number): number {
    this.greenStart = now;
    return now + Math.max(this.phases[i].minGreen, MIN_GREEN_FLOOR);
  }

  /**
   * Green decision point: extend, gap out or max out, by SUMO's rule
   * (MSActuatedTrafficLightLogic gapControl and duration): the green goes on while
   * some detector of the phase saw a vehicle less than `gap` ago (0 while a queue
   * covers it); the next look is then `detectorGap` after that detection (so the
   * vehicle can reach the stop line), at least the next whole second of the green.
   */
  decide(i: number, now: number, view: ControllerView): number {
    const p = this.phases[i];
    const maxEnd = this.greenStart + Math.max(p.maxGreen, p.minGreen, MIN_GREEN_FLOOR);
    const ids = this.detectors[i];
    const dist = this.distances[i];
    const occupancy = this.occupancy[i];
    const extend = this.extends[i];
    // Last time a vehicle's rear left a detector of the phase (now while one is on it or a queue covers it).
    let last = -Infinity;
    for (let k = 0; k < ids.length; k++) {
      if (extend[k] === 0) continue;
      const t = view.lastArrival(ids[k], dist[k]);
      const left = t >= now ? now : t + occupancy[k];
      if (left > last) last = left;
    }
    const conflicting = !this.skip || this.otherCalls(i, view);
    if (!conflicting) return now + this.poll; // NEMA rest in green: nothing else is waiting.
    if (now >= maxEnd - EPS) return this.endGreen(i, now);
    const sinceDetection = last >= now ? 0 : now - last;
    if (!(sinceDetection < this.gap - EPS)) return this.endGreen(i, now);
    return Math.min(this.wholeSeconds(now + Math.max(this.detectorGap - sinceDetection, NEXT_STEP)), maxEnd);
  }

  /**
   * The first time at or after `t` (s) at which the green has lasted a whole number
   * of seconds: SUMO decides at its 1 s steps and keeps every phase a whole number
   * of seconds long.
   */
  private wholeSeconds(t: number): number {
    return this.greenStart + Math.ceil(t - this.greenStart - EPS);
  }

  private endGreen(i: number, now: number): number {
    this.greenEnd[i] = now;
    return END_GREEN;
  }

  /** A phase has a call: a vehicle queued for, or past a detector of, one of its movements since its green ended. */
  private hasCall(j: number, view: ControllerView): boolean {
    const ids = this.detectors[j];
    const dist = this.distances[j];
    const since = this.greenEnd[j];
    for (let k = 0; k < ids.length; k++) {
      if (view.queueLength(ids[k]) > 0 || view.lastArrival(ids[k], dist[k]) > since) return true;
    }
    return false;
  }

  private otherCalls(i: number, view: ControllerView): boolean {
    for (let j = 0; j < this.phases.length; j++) if (j !== i && this.hasCall(j, view)) return true;
    return false;
  }

  nextPhase(i: number, _now: number, view: ControllerView): number {
    const n = this.phases.length;
    const after = (i + 1) % n;
    if (!this.skip) return after;
    for (let s = 0; s < n; s++) {
      const j = (after + s) % n;
      if (this.hasCall(j, view)) return j;
    }
    return after;
  }
}

/**
 * An actuated (gap-out) controller running the phases of `program` (see the file
 * header for the rules and their SUMO sources). `net` gives the approach lengths
 * and speeds that place the detectors. `advance` must be called exactly at each
 * returned time, else it throws `UsageError`; bad options throw `UsageError`.
 */
export function createActuatedController(net: CompiledNetwork, program: SignalProgram, options: ActuatedOptions = {}): SignalController {
  if (program.phases.length === 0) throw new UsageError('createActuatedController: the program has no phases');
  return new PhaseSequencer(program, new ActuatedPolicy(net, program, options));
}

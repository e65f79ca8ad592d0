/**
 * Signal programs: what a signalised junction shows, as ordered phases.
 *
 * A program is authored by id (`SignalProgramSpec`: link ids, seconds) and
 * compiled against a `CompiledNetwork` into index space (`SignalProgram`: movement
 * ids in `Int32Array`s) once, at the boundary; controllers and the kernel never
 * re-validate. Each phase shows its `green` movements protected (SUMO `G`) and its
 * `permissive` movements yielding to opposing traffic (SUMO `g`) for `duration`
 * seconds, then yellow, then all-red. The cycle is the sum of every phase's
 * duration + yellow + allRed, always; a `cycle` in the spec is only a check.
 *
 * `defaultProgram` builds the plan a planner expects at a signalised junction that
 * has none, in the spirit of SUMO netconvert's default `tlLogic`: approaches are
 * grouped by axis (one phase per axis), far-side turns are permissive where an
 * opposing approach runs in the same phase. See its TSDoc for the geometry.
 */
import { InputError, UsageError } from '../errors.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import { isFarSideTurn, TURN_KINDS } from '../network/turns.js';

/** A movement by its approach and exit link ids. */
export interface MovementRef {
  /** Approach link id (must end at the program's junction). */
  from: string;
  /** Exit link id. */
  to: string;
}

/** One phase of a program as authored (seconds). */
export interface PhaseSpec {
  /** Movements shown protected green (SUMO `G`). */
  green: MovementRef[];
  /** Movements shown permissive green, yielding to opposing traffic (SUMO `g`). Default none. */
  permissive?: MovementRef[];
  /** Green time, s (> 0). */
  duration: number;
  /** Yellow time after the green, s (>= 0). Default 3. */
  yellow?: number;
  /** All-red clearance after the yellow, s (>= 0). Default 2. */
  allRed?: number;
  /** Shortest green an adaptive controller may give, s. Default 5. Not used by fixed time. */
  minGreen?: number;
  /** Longest green an adaptive controller may give, s. Default 60. Not used by fixed time. */
  maxGreen?: number;
}

/** A signal program as authored, for one junction. */
/**
 * A program's own controller, when it is not the run's: gap-out (actuated)
 * control with SUMO's settings (an imported SUMO `type="actuated"` program), s.
 * See signals/actuated.ts for what each setting does.
 */
export interface ProgramControl {
  kind: 'actuated';
  /** SUMO max-gap, s. */
  gap?: number;
  /** SUMO detector-gap, s. */
  detectorGap?: number;
  /** SUMO passing-time, s (bounds the detector distance). */
  passingTime?: number;
}

export interface SignalProgramSpec {
  /** Junction id (must be signal-controlled). */
  junction: string;
  /** This program's own controller (default: the run's control). */
  control?: ProgramControl;
  /** Time at which a cycle starts (phase 0 turns green), s; any finite value, taken modulo the cycle. Default 0. */
  offset?: number;
  /** Optional check: must equal the sum of every phase's duration + yellow + allRed, s. */
  cycle?: number;
  /** Phases in the order they run (at least one). */
  phases: PhaseSpec[];
}

/** A compiled phase: movement ids and times in seconds. */
export interface Phase {
  /** Movement ids shown protected green. */
  green: Int32Array;
  /** Movement ids shown permissive green. */
  permissive: Int32Array;
  /** Green time, s. */
  duration: number;
  /** Yellow time, s. */
  yellow: number;
  /** All-red time, s. */
  allRed: number;
  /** Minimum green for adaptive control, s. */
  minGreen: number;
  /** Maximum green for adaptive control, s. */
  maxGreen: number;
}

/** A compiled signal program in index space. */
export interface SignalProgram {
  /** Junction index. */
  junction: number;
  /** Cycle start time, s (controllers reduce it modulo `cycle`). */
  offset: number;
  /** Cycle length, s: the sum of every phase's duration + yellow + allRed, summed in that order. */
  cycle: number;
  /** Phases in running order. */
  phases: Phase[];
  /** This program's own controller (default: the run's control). */
  control?: ProgramControl;
  /**
   * Every movement approaching the junction, ascending. Controllers hold those in
   * no phase red. Filled by `compileProgram` and `defaultProgram`; a hand-built
   * program without it leaves movements outside its phases untouched.
   */
  movements?: Int32Array;
}

/** Defaults of the optional phase fields, s. */
export const PHASE_DEFAULTS: Readonly<{ yellow: number; allRed: number; minGreen: number; maxGreen: number }> = {
  yellow: 3,
  allRed: 2,
  minGreen: 5,
  maxGreen: 60,
};

/** Options of {@link defaultProgram}, s. */
export interface DefaultProgramOptions {
  /** Green time of every phase. Default 30. */
  green?: number;
  /** Yellow time of every phase. Default 3. */
  yellow?: number;
  /** All-red time of every phase. Default 2. */
  allRed?: number;
  /** Minimum green of every phase. Default 5. */
  minGreen?: number;
  /** Maximum green of every phase. Default 60. */
  maxGreen?: number;
  /** Cycle offset. Default 0. */
  offset?: number;
}

/** Defaults of {@link DefaultProgramOptions}. */
export const DEFAULT_PROGRAM_OPTIONS: Readonly<Required<DefaultProgramOptions>> = {
  green: 30,
  ...PHASE_DEFAULTS,
  offset: 0,
};

/** How far a given `cycle` may differ from the sum of the phase times, s. */
export const CYCLE_TOLERANCE = 1e-6;

/** Cycle length of phases: duration, yellow, allRed of each phase added in order (controllers use the same order). */
export function cycleLength(phases: readonly Phase[]): number {
  let t = 0;
  for (const p of phases) {
    t += p.duration;
    t += p.yellow;
    t += p.allRed;
  }
  return t;
}

/** Every movement approaching junction `junction` (on its in-links), ascending. */
export function approachMovements(net: CompiledNetwork, junction: number): Int32Array {
  const ids: number[] = [];
  for (let i = net.junctionInOffsets[junction], end = net.junctionInOffsets[junction + 1]; i < end; i++) {
    const l = net.junctionInLinks[i];
    for (let e = net.movementOffsets[l], last = net.movementOffsets[l + 1]; e < last; e++) ids.push(e);
  }
  return Int32Array.from(ids).sort();
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteAt(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(path, `must be a finite number, got ${show(value)}`);
  return value;
}

function nonNegativeAt(path: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InputError(path, `must be a finite number >= 0, got ${show(value)}`);
  return value;
}

function movementLabel(net: CompiledNetwork, e: number): string {
  return `"${net.linkKey(net.movementFrom[e])}" -> "${net.linkKey(net.movementTo[e])}"`;
}

/** Resolve a list of movement refs to movement ids at `junction`, each error at its own index. */
function resolveRefs(net: CompiledNetwork, junction: number, refs: unknown, path: string): Int32Array {
  if (!Array.isArray(refs)) throw new InputError(path, `must be an array of movements {from, to}, got ${show(refs)}`);
  const ids = new Int32Array(refs.length);
  const where = `junction "${net.junctionKey(junction)}"`;
  for (let k = 0; k < refs.length; k++) {
    const at = `${path}[${k}]`;
    const ref: unknown = refs[k];
    if (!isObject(ref) || typeof ref.from !== 'string' || typeof ref.to !== 'string') {
      throw new InputError(at, `must be a movement {from: linkId, to: linkId}, got ${show(ref)}`);
    }
    const from = net.linkIndex(ref.from);
    if (from < 0) throw new InputError(at, `refers to unknown link "${ref.from}"`);
    const to = net.linkIndex(ref.to);
    if (to < 0) throw new InputError(at, `refers to unknown link "${ref.to}"`);
    if (net.linkTo[from] !== junction) {
      throw new InputError(at, `link "${ref.from}" ends at junction "${net.junctionKey(net.linkTo[from])}", not at ${where}`);
    }
    const e = net.movementBetween(from, to);
    if (e < 0) throw new InputError(at, `"${ref.from}" -> "${ref.to}" is not a permitted movement at ${where}`);
    const first = ids.subarray(0, k).indexOf(e);
    if (first >= 0) throw new InputError(at, `repeats ${path.slice(path.lastIndexOf('.') + 1)}[${first}] (${movementLabel(net, e)})`);
    ids[k] = e;
  }
  return ids;
}

function compilePhase(net: CompiledNetwork, junction: number, spec: unknown, path: string): Phase {
  if (!isObject(spec)) throw new InputError(path, `must be a phase object, got ${show(spec)}`);
  const green = resolveRefs(net, junction, spec.green, `${path}.green`);
  const permissive = spec.permissive === undefined ? new Int32Array(0) : resolveRefs(net, junction, spec.permissive, `${path}.permissive`);
  for (let k = 0; k < permissive.length; k++) {
    if (green.includes(permissive[k])) {
      throw new InputError(`${path}.permissive[${k}]`, `${movementLabel(net, permissive[k])} is also in green: a movement is protected or permissive in a phase, not both`);
    }
  }
  const duration = spec.duration;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    throw new InputError(`${path}.duration`, `must be a finite number > 0, got ${show(duration)}`);
  }
  const phase: Phase = {
    green,
    permissive,
    duration,
    yellow: nonNegativeAt(`${path}.yellow`, spec.yellow, PHASE_DEFAULTS.yellow),
    allRed: nonNegativeAt(`${path}.allRed`, spec.allRed, PHASE_DEFAULTS.allRed),
    minGreen: nonNegativeAt(`${path}.minGreen`, spec.minGreen, PHASE_DEFAULTS.minGreen),
    maxGreen: nonNegativeAt(`${path}.maxGreen`, spec.maxGreen, PHASE_DEFAULTS.maxGreen),
  };
  if (phase.minGreen > phase.maxGreen) {
    throw new InputError(`${path}.minGreen`, `must not exceed maxGreen (${phase.maxGreen}), got ${phase.minGreen}`);
  }
  return phase;
}

/**
 * Validate a program and compile it to index space. Every error is an
 * `InputError` whose path starts with `path`, for example
 * `signals[0].phases[1].green[2]` or `signals[0].cycle`.
 *
 * Checks: the junction exists and is signal-controlled; every movement is a
 * permitted movement whose approach link ends at that junction, listed once per
 * list and not both green and permissive in one phase; `duration` > 0, the other
 * times >= 0 and finite, `minGreen <= maxGreen` (fixed time does not require
 * `minGreen <= duration <= maxGreen`); at least one phase; `cycle`, if given,
 * equals the sum of the phase times within {@link CYCLE_TOLERANCE}.
 */
export function compileProgram(net: CompiledNetwork, spec: SignalProgramSpec, path = 'signals[0]'): SignalProgram {
  if (!isObject(spec)) throw new InputError(path, `must be a signal program object, got ${show(spec)}`);
  const id: unknown = spec.junction;
  if (typeof id !== 'string') throw new InputError(`${path}.junction`, `must be a junction id, got ${show(id)}`);
  const junction = net.junctionIndex(id);
  if (junction < 0) throw new InputError(`${path}.junction`, `refers to unknown junction "${id}"`);
  if (net.junctionControl[junction] !== CONTROL_CODE.signal) {
    throw new InputError(`${path}.junction`, `junction "${id}" is ${net.control(junction)}, not signal-controlled`);
  }
  const offset = spec.offset === undefined ? 0 : finiteAt(`${path}.offset`, spec.offset);
  const specs: unknown = spec.phases;
  if (!Array.isArray(specs) || specs.length === 0) throw new InputError(`${path}.phases`, `must be a non-empty array of phases, got ${show(specs)}`);
  const phases = specs.map((p: unknown, i) => compilePhase(net, junction, p, `${path}.phases[${i}]`));
  const cycle = cycleLength(phases);
  if (spec.cycle !== undefined) {
    const given = finiteAt(`${path}.cycle`, spec.cycle);
    if (Math.abs(given - cycle) > CYCLE_TOLERANCE) {
      throw new InputError(`${path}.cycle`, `must equal the sum of the phases' duration + yellow + allRed (${cycle} s), got ${given}`);
    }
  }
  const control = spec.control === undefined ? undefined : programControl(spec.control, `${path}.control`);
  return { junction, offset, cycle, phases, movements: approachMovements(net, junction), ...(control === undefined ? {} : { control }) };
}

/** A checked copy of a program's own control; throws `InputError` at `path`. */
function programControl(value: unknown, path: string): ProgramControl {
  if (!isObject(value) || value.kind !== 'actuated') throw new InputError(path, `must be { kind: "actuated", gap?, detectorGap?, passingTime? }, got ${show(value)}`);
  const out: ProgramControl = { kind: 'actuated' };
  for (const key of ['gap', 'detectorGap', 'passingTime'] as const) {
    const x = value[key];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (key === 'passingTime' && x === 0)) throw new InputError(`${path}.${key}`, `must be a number of seconds ${key === 'passingTime' ? '> 0' : '>= 0'}, got ${show(x)}`);
    out[key] = x;
  }
  return out;
}

/** The inverse of {@link compileProgram}: ids instead of indices, every field explicit. */
export function programToSpec(net: CompiledNetwork, program: SignalProgram): SignalProgramSpec {
  const ref = (e: number): MovementRef => ({ from: net.linkKey(net.movementFrom[e]), to: net.linkKey(net.movementTo[e]) });
  return {
    junction: net.junctionKey(program.junction),
    ...(program.control === undefined ? {} : { control: { ...program.control } }),
    offset: program.offset,
    cycle: program.cycle,
    phases: program.phases.map((p) => ({
      green: Array.from(p.green, ref),
      permissive: Array.from(p.permissive, ref),
      duration: p.duration,
      yellow: p.yellow,
      allRed: p.allRed,
      minGreen: p.minGreen,
      maxGreen: p.maxGreen,
    })),
  };
}

/** Approaches whose axes lie within this angle of each other may share a phase (45 degrees). */
const AXIS_SPREAD = Math.PI / 4;
/** Axis angles closer than this (radians) are the same axis. */
const SAME_AXIS = 1e-9;

/**
 * Split sorted axis angles in [0, pi) (a circle of period pi) into contiguous arcs.
 * Returns the group of each point. One group when all lie within `AXIS_SPREAD`;
 * otherwise two groups minimising the larger spread (`manyArms` false), or the
 * fewest groups each within `AXIS_SPREAD`, found greedily from every start point
 * (`manyArms` true).
 */
function splitAxes(points: readonly number[], manyArms: boolean): Int32Array {
  const n = points.length;
  const group = new Int32Array(n);
  const at = (j: number): number => points[j % n] + Math.PI * Math.floor(j / n); // unwrapped angle
  let largestGap = 0;
  for (let j = 0; j < n; j++) largestGap = Math.max(largestGap, at(j + 1) - at(j));
  if (n === 1 || Math.PI - largestGap <= AXIS_SPREAD + SAME_AXIS) return group;
  if (!manyArms) {
    // Cut after point i and after point k (i < k): arcs i+1..k and k+1..i+n.
    let best = Infinity;
    let cut = [0, 1];
    for (let i = 0; i < n; i++) {
      for (let k = i + 1; k < n; k++) {
        const worst = Math.max(at(k) - at(i + 1), at(i + n) - at(k + 1));
        if (worst < best - SAME_AXIS) [best, cut] = [worst, [i, k]];
      }
    }
    for (let j = cut[0] + 1; j <= cut[1]; j++) group[j] = 1;
    return group;
  }
  let fewest = Infinity;
  for (let s = 0; s < n; s++) {
    const labels = new Int32Array(n);
    let count = 1;
    let start = at(s);
    for (let j = s; j < s + n; j++) {
      if (at(j) - start > AXIS_SPREAD + SAME_AXIS) {
        count++;
        start = at(j);
      }
      labels[j % n] = count - 1;
    }
    if (count < fewest) {
      fewest = count;
      group.set(labels);
    }
  }
  return group;
}

/**
 * Group a junction's approach links (those with at least one movement) into
 * phases by axis. Returns groups of link indices, each ascending, ordered by
 * their lowest link index.
 */
function approachGroups(net: CompiledNetwork, junction: number, hx: Float64Array, hy: Float64Array): number[][] {
  const approaches: number[] = [];
  for (let i = net.junctionInOffsets[junction], end = net.junctionInOffsets[junction + 1]; i < end; i++) {
    const l = net.junctionInLinks[i];
    if (net.movementOffsets[l + 1] > net.movementOffsets[l]) approaches.push(l);
  }
  approaches.sort((a, b) => a - b);
  if (approaches.length <= 1) return approaches.length === 0 ? [] : [approaches];
  const axis = new Float64Array(approaches.length);
  approaches.forEach((l, i) => {
    const dx = net.junctionX[junction] - net.junctionX[net.linkFrom[l]];
    const dy = net.junctionY[junction] - net.junctionY[net.linkFrom[l]];
    const len = Math.hypot(dx, dy);
    hx[l] = len > 0 ? dx / len : 0;
    hy[l] = len > 0 ? dy / len : 0;
    const a = ((Math.atan2(dy, dx) % Math.PI) + Math.PI) % Math.PI;
    axis[i] = a > Math.PI - SAME_AXIS ? 0 : a;
  });
  // Distinct axes, ascending; pointOf[i] is the axis of approaches[i].
  const order = approaches.map((_, i) => i).sort((p, q) => axis[p] - axis[q] || p - q);
  const points: number[] = [];
  const pointOf = new Int32Array(approaches.length);
  for (const i of order) {
    if (points.length === 0 || axis[i] - points[points.length - 1] > SAME_AXIS) points.push(axis[i]);
    pointOf[i] = points.length - 1;
  }
  const arms = new Set(approaches.map((l) => net.linkFrom[l])).size;
  const groupOfPoint = splitAxes(points, arms > 4);
  const byGroup = new Map<number, number[]>();
  approaches.forEach((l, i) => {
    const g = groupOfPoint[pointOf[i]];
    const list = byGroup.get(g) ?? [];
    list.push(l);
    byGroup.set(g, list);
  });
  return [...byGroup.values()].sort((a, b) => a[0] - b[0]);
}

function checkOption(name: keyof DefaultProgramOptions, value: unknown, bound: '> 0' | '>= 0' | ''): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (bound === '> 0' ? value > 0 : bound === '>= 0' ? value >= 0 : true);
  if (!ok) throw new UsageError(`defaultProgram: options.${name} must be a finite number${bound === '' ? '' : ` ${bound}`}, got ${show(value)}`);
}

/**
 * The default fixed-time program of signalised junction `junction` (an index),
 * in the spirit of SUMO netconvert's default `tlLogic`:
 *
 * - Each approach link (with at least one movement) has an axis: its heading
 *   modulo 180 degrees, so opposite approaches share an axis. An arm is the set of
 *   approaches from one upstream junction.
 * - Axes within 45 degrees of one another run in one phase. Otherwise, with up to
 *   4 arms, the approaches are split into two phases, choosing the split (two
 *   contiguous arcs of axis angle) whose wider arc is narrowest: a cross gives its
 *   two roads, a T-junction the through road and the stem. With more than 4 arms,
 *   the fewest phases whose axes each lie within 45 degrees (so 3 or more phases
 *   on a 5- or 6-arm junction with spread-out roads).
 * - Phases are ordered by the lowest approach link index they contain. In a
 *   phase, every movement of its approaches shows green, except: U-turns are
 *   permissive; far-side turns (left where traffic drives on the right, right in
 *   left-hand Macau) are permissive when an opposing approach (one in the same
 *   phase heading against it, more than 90 degrees away) runs with them, and
 *   protected otherwise.
 * - Every phase has the same green, yellow, all-red, minGreen and maxGreen
 *   (defaults 30, 3, 2, 5, 60 s). A junction with one approach has one phase; one
 *   with no approach movements has one empty phase (everything red).
 *
 * Throws `UsageError` for a bad index, a junction that is not signal-controlled or
 * a bad option.
 */
export function defaultProgram(net: CompiledNetwork, junction: number, options: DefaultProgramOptions = {}): SignalProgram {
  if (!Number.isInteger(junction) || junction < 0 || junction >= net.junctionCount) {
    throw new UsageError(`defaultProgram: junction must be a junction index 0..${net.junctionCount - 1}, got ${show(junction)}`);
  }
  if (net.junctionControl[junction] !== CONTROL_CODE.signal) {
    throw new UsageError(`defaultProgram: junction "${net.junctionKey(junction)}" is ${net.control(junction)}, not signal-controlled`);
  }
  const o = { ...DEFAULT_PROGRAM_OPTIONS, ...options };
  checkOption('green', o.green, '> 0');
  for (const name of ['yellow', 'allRed', 'minGreen', 'maxGreen'] as const) checkOption(name, o[name], '>= 0');
  checkOption('offset', o.offset, '');
  if (o.minGreen > o.maxGreen) throw new UsageError(`defaultProgram: options.minGreen (${o.minGreen}) must not exceed options.maxGreen (${o.maxGreen})`);

  const hx = new Float64Array(net.linkCount);
  const hy = new Float64Array(net.linkCount);
  const groups = approachGroups(net, junction, hx, hy);
  if (groups.length === 0) groups.push([]);
  const phases = groups.map((links): Phase => {
    const green: number[] = [];
    const permissive: number[] = [];
    for (const l of links) {
      // Opposed: another approach of this phase heads more than 90 degrees against this one.
      const opposed = links.some((b) => hx[l] * hx[b] + hy[l] * hy[b] < -SAME_AXIS);
      for (let e = net.movementOffsets[l], end = net.movementOffsets[l + 1]; e < end; e++) {
        const turn = TURN_KINDS[net.movementTurn[e]];
        if (turn === 'uturn' || (opposed && isFarSideTurn(turn, net.drivingSide))) permissive.push(e);
        else green.push(e);
      }
    }
    return {
      green: Int32Array.from(green),
      permissive: Int32Array.from(permissive),
      duration: o.green,
      yellow: o.yellow,
      allRed: o.allRed,
      minGreen: o.minGreen,
      maxGreen: o.maxGreen,
    };
  });
  return { junction, offset: o.offset, cycle: cycleLength(phases), phases, movements: approachMovements(net, junction) };
}

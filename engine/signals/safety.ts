/**
 * Plan safety: what an engineer checks before signing a timing sheet, computed
 * from the network's geometry.
 *
 * Conflicts. Each movement is drawn as a chord across a circle around the
 * junction, from the point where its approach lane meets the circle to the point
 * where its exit lane leaves it; each road's inbound lane sits on the driving
 * side of its centre line and its outbound lane on the other (`drivingSide`).
 * Two movements from different approaches conflict when they MERGE (same exit
 * link) or CROSS (their chords cross: their end points interleave around the
 * circle). Two protected (`green`) movements of one phase must not conflict: a
 * conflicting pair is allowed only when one of them is declared `permissive`
 * (it yields). Movements of one approach share a stop line and never conflict.
 *
 * Clearance intervals (ITE, "Guidelines for Determining Traffic Signal Change
 * and Clearance Intervals", 2020, the kinematic formulas):
 *   yellow  Y = t + v / (2a + 2Gg)
 *   all-red R = (W + L) / v
 * with t perception-reaction time (1 s), v approach speed (the approach link's
 * free-flow speed, m/s), a deceleration (3.05 m/s², 10 ft/s²), G grade (0: the
 * network has none), g = 9.81 m/s², W the width to clear (the widest road the
 * phase's movements cross at the junction, m) and L the vehicle length (6.1 m,
 * 20 ft). A phase's yellow may be at most `tolerance` (0.5 s: agencies round to
 * the half second) shorter than Y of its fastest approach, its all-red likewise.
 *
 * Pedestrian minimum green: a phase with a protected straight movement also
 * serves the pedestrians crossing beside it, over the other roads of the
 * junction. Its green must last the walk interval plus the crossing at walking
 * speed: Gp = walk + crossing width / walking speed, with walk = 7 s (MUTCD
 * 2009 §4E.06: at least 7 s) and walking speed 1.2 m/s (HCM 7th ed. Ch. 19 and
 * MUTCD's 3.5 ft/s = 1.07 m/s for the clearance; 1.2 m/s is the HCM default for
 * pedestrian crossing time). The crossing width is the widest other road at the
 * junction: (its lanes in + its lanes out) x lane width (3.5 m). No credit is
 * taken for yellow and all-red. Every default can be overridden per junction
 * (a measured crossing width, a slower walking speed near a school, or no
 * pedestrians at all on a motorway ramp), and so can the clearance inputs: the
 * approach speed (a posted or 85th-percentile speed instead of the link's
 * free-flow speed), the approach grade G and the width W to clear (measured
 * from the drawing instead of estimated from lane counts).
 *
 * Clearance floor. By default (`clearances: 'ite'`) the ITE yellow and all-red
 * are the floor of every plan. A junction whose program was read from the input
 * (a SUMO tlLogic, a scenario program) may instead keep that program's own
 * yellow and all-red as the floor (`clearances: 'program'`, set per junction by
 * the scenario build from `signals.safety.clearances`): an explicit opt-in for
 * users who must reproduce the source's clearances (a SUMO study compared with
 * SUMO's own plans). The ITE values are still computed, and
 * {@link clearanceShortfalls} says where a plan runs below them and by how much.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { PHASE_DEFAULTS, type MovementRef, type SignalProgramSpec } from './program.js';

/** Pedestrian and clearance settings of one junction (overrides of {@link SafetyOptions}). */
export interface JunctionSafety {
  /** Crossing width, m (default: the widest other road, lanes x laneWidth). */
  crossingWidth?: number;
  /** Walking speed, m/s. */
  walkSpeed?: number;
  /** Walk interval, s. */
  walkTime?: number;
  /** False where no pedestrian crosses (no pedestrian minimum green). Default true. */
  pedestrians?: boolean;
  /** Approach speed v of the ITE yellow and all-red, m/s (default: the fastest green approach's free-flow speed). */
  approachSpeed?: number;
  /** Approach grade G of the ITE yellow, as a fraction (+ uphill, - downhill). Default 0. */
  grade?: number;
  /** Width W a vehicle clears during the all-red, m (default: the widest road the phase's movements cross). */
  clearWidth?: number;
  /**
   * Floor of the yellow and all-red: `ite` (default) the ITE values; `program`
   * the junction's input program's own (only for a junction whose program was
   * read from the input; see the file header).
   */
  clearances?: ClearanceFloor;
}

/** Where the yellow and all-red floor comes from: the ITE formulas, or the input program's own intervals. */
export type ClearanceFloor = 'ite' | 'program';

/** Settings of the safety check (SI units). */
export interface SafetyOptions {
  /** Walking speed, m/s. Default 1.2. */
  walkSpeed: number;
  /** Walk interval, s. Default 7. */
  walkTime: number;
  /** Lane width for crossing widths, m. Default 3.5. */
  laneWidth: number;
  /** Perception-reaction time t, s. Default 1. */
  reactionTime: number;
  /** Deceleration a, m/s². Default 3.05. */
  deceleration: number;
  /** Vehicle length L, m. Default 6.1. */
  vehicleLength: number;
  /** How much shorter than the ITE value a yellow or all-red may be, s. Default 0.5. */
  tolerance: number;
  /** Per junction id. */
  junctions: Readonly<Record<string, JunctionSafety>>;
  /**
   * The scenario's `signals.safety.clearances` as given (default `ite`). The
   * checks read the per-junction `clearances`, which the scenario build sets
   * from this for every junction with an input program.
   */
  clearances?: ClearanceFloor;
}

/** The documented defaults (see the file header for their sources). */
export const DEFAULT_SAFETY: SafetyOptions = {
  walkSpeed: 1.2, walkTime: 7, laneWidth: 3.5, reactionTime: 1, deceleration: 3.05, vehicleLength: 6.1, tolerance: 0.5, junctions: {},
};

const GRAVITY = 9.81;

/** ITE yellow change interval, s: t + v / (2a + 2Gg), v in m/s, a in m/s², grade G as a fraction. */
export function iteYellow(v: number, t = DEFAULT_SAFETY.reactionTime, a = DEFAULT_SAFETY.deceleration, grade = 0): number {
  return t + v / (2 * a + 2 * grade * GRAVITY);
}

/** ITE red clearance (all-red) interval, s: (W + L) / v, W and L in m, v in m/s. */
export function iteAllRed(width: number, v: number, length = DEFAULT_SAFETY.vehicleLength): number {
  return (width + length) / v;
}

/** Pedestrian minimum green, s: walk + crossing width / walking speed. */
export function pedestrianMinGreen(crossingWidth: number, walkSpeed = DEFAULT_SAFETY.walkSpeed, walkTime = DEFAULT_SAFETY.walkTime): number {
  return walkTime + crossingWidth / walkSpeed;
}

/** A violation of plan safety, located in the program list. */
export interface SafetyIssue {
  kind: 'conflict' | 'pedestrian-min-green' | 'yellow' | 'all-red';
  junction: string;
  /** Index of the program in the list checked, and of the phase (0-based). */
  program: number;
  phase: number;
  /** Path inside the program: `phases[1].green[2]`, `phases[0].yellow` ... */
  at: string;
  message: string;
  /** The least (or required) value, s, for timing issues. */
  required?: number;
  /** The value found, s, for timing issues. */
  found?: number;
}

/** Unit vector from junction `j` along link `l` (towards its far end), by its shape point nearest the junction. */
function outward(net: CompiledNetwork, j: number, l: number): [number, number] {
  const shape = net.linkShape(l);
  const atStart = net.linkFrom[l] === j;
  const far = atStart ? net.linkTo[l] : net.linkFrom[l];
  const p = shape.length > 0 ? shape[atStart ? 0 : shape.length - 1] : [net.junctionX[far], net.junctionY[far]];
  const dx = p[0] - net.junctionX[j];
  const dy = p[1] - net.junctionY[j];
  const n = Math.hypot(dx, dy) || 1;
  return [dx / n, dy / n];
}

/** Angle (radians) on a unit circle around the junction where link `l` meets it, on the side its traffic drives. */
function laneAngle(net: CompiledNetwork, j: number, l: number): number {
  const [ux, uy] = outward(net, j, l);
  // Direction of travel: inbound = -u, outbound = u. Its driving side: right (x, y) -> (y, -x), left (x, y) -> (-y, x).
  const inbound = net.linkTo[l] === j;
  const tx = inbound ? -ux : ux;
  const ty = inbound ? -uy : uy;
  const [sx, sy] = net.drivingSide === 'left' ? [-ty, tx] : [ty, -tx];
  const w = 0.3; // lane offset relative to the circle's radius
  return Math.atan2(uy + w * sy, ux + w * sx);
}

/** True when `x` lies strictly inside the counter-clockwise arc from `a` to `b` (radians). */
function between(a: number, b: number, x: number): boolean {
  const span = (b - a + 4 * Math.PI) % (2 * Math.PI);
  const d = (x - a + 4 * Math.PI) % (2 * Math.PI);
  return d > 1e-9 && d < span - 1e-9;
}

/** How movements (from, to link indices) at junction `j` conflict: 'merge', 'cross' or undefined. */
export function movementConflict(net: CompiledNetwork, j: number, a: [number, number], b: [number, number]): 'merge' | 'cross' | undefined {
  if (a[0] === b[0]) return undefined; // one approach, one stop line
  if (a[1] === b[1]) return 'merge';
  const a0 = laneAngle(net, j, a[0]);
  const a1 = laneAngle(net, j, a[1]);
  const b0 = laneAngle(net, j, b[0]);
  const b1 = laneAngle(net, j, b[1]);
  return between(a0, a1, b0) !== between(a0, a1, b1) ? 'cross' : undefined;
}

/** Widest road at junction `j` other than those of links `except`, m: (lanes in + lanes out) x lane width; 0 when none. */
function widestOtherRoad(net: CompiledNetwork, j: number, except: ReadonlySet<number>, laneWidth: number): number {
  const roads = new Map<number, number>(); // far junction -> lanes both ways
  const skip = new Set<number>();
  for (const l of except) skip.add(net.linkTo[l] === j ? net.linkFrom[l] : net.linkTo[l]);
  for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
    const l = net.junctionInLinks[i];
    roads.set(net.linkFrom[l], (roads.get(net.linkFrom[l]) ?? 0) + net.linkLanes[l]);
  }
  for (let i = net.junctionOutOffsets[j]; i < net.junctionOutOffsets[j + 1]; i++) {
    const l = net.junctionOutLinks[i];
    roads.set(net.linkTo[l], (roads.get(net.linkTo[l]) ?? 0) + net.linkLanes[l]);
  }
  let widest = 0;
  for (const [far, lanes] of roads) if (!skip.has(far)) widest = Math.max(widest, lanes * laneWidth);
  return widest;
}

/** The least green (pedestrians), yellow and all-red (ITE) of a phase of junction `junction` serving `green` movements, s. */
export function phaseMinima(net: CompiledNetwork, junction: string, green: readonly MovementRef[], options: Partial<SafetyOptions> = {}): { minGreen: number; yellow: number; allRed: number } {
  const o = { ...DEFAULT_SAFETY, ...options };
  const own = o.junctions[junction] ?? {};
  const j = net.junctionIndex(junction);
  let speed = 0;
  let pedestrian = 0;
  let clear = 0;
  for (const m of green) {
    const from = net.linkIndex(m.from);
    const to = net.linkIndex(m.to);
    if (from < 0 || to < 0) continue;
    speed = Math.max(speed, net.linkSpeed[from]);
    const crossed = widestOtherRoad(net, j, new Set([from, to]), o.laneWidth);
    clear = Math.max(clear, crossed);
    const e = net.movementBetween(from, to);
    if (e >= 0 && net.turn(e) === 'straight' && own.pedestrians !== false) {
      const width = own.crossingWidth ?? crossed;
      if (width > 0) pedestrian = Math.max(pedestrian, pedestrianMinGreen(width, own.walkSpeed ?? o.walkSpeed, own.walkTime ?? o.walkTime));
    }
  }
  if (own.approachSpeed !== undefined && speed > 0) speed = own.approachSpeed;
  if (own.clearWidth !== undefined && speed > 0) clear = own.clearWidth;
  return {
    minGreen: pedestrian,
    yellow: speed > 0 ? iteYellow(speed, o.reactionTime, o.deceleration, own.grade ?? 0) : 0,
    allRed: speed > 0 && clear > 0 ? iteAllRed(clear, speed, o.vehicleLength) : 0,
  };
}

const round1 = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

/**
 * Check `programs` (as authored: ids, seconds) for conflicting protected
 * movements, pedestrian minimum greens and ITE clearance intervals. Returns
 * every violation (empty when the plans are safe).
 */
export function checkPlanSafety(net: CompiledNetwork, programs: readonly SignalProgramSpec[], options: Partial<SafetyOptions> = {}): SafetyIssue[] {
  const o = { ...DEFAULT_SAFETY, ...options };
  const issues: SafetyIssue[] = [];
  programs.forEach((p, pi) => {
    const j = net.junctionIndex(p.junction);
    if (j < 0) return;
    p.phases.forEach((ph, k) => {
      const green = ph.green.map((m) => [net.linkIndex(m.from), net.linkIndex(m.to)] as [number, number]);
      for (let a = 0; a < green.length; a++) {
        for (let b = a + 1; b < green.length; b++) {
          if (green[a][0] < 0 || green[b][0] < 0) continue;
          const kind = movementConflict(net, j, green[a], green[b]);
          if (kind === undefined) continue;
          const ma = ph.green[a];
          const mb = ph.green[b];
          issues.push({
            kind: 'conflict', junction: p.junction, program: pi, phase: k, at: `phases[${k}].green[${b}]`,
            message: `${mb.from}>${mb.to} and ${ma.from}>${ma.to} (green[${a}]) ${kind === 'merge' ? 'merge into the same exit' : 'cross'} and are both protected green in phase ${k + 1}: give them separate phases, or declare one permissive (it then yields)`,
          });
        }
      }
      const min = phaseMinima(net, p.junction, ph.green, o);
      const yellow = ph.yellow ?? PHASE_DEFAULTS.yellow;
      const allRed = ph.allRed ?? PHASE_DEFAULTS.allRed;
      if (min.minGreen > 0 && ph.duration < min.minGreen - 1e-9) {
        issues.push({
          kind: 'pedestrian-min-green', junction: p.junction, program: pi, phase: k, at: `phases[${k}].duration`, required: min.minGreen, found: ph.duration,
          message: `green ${round1(ph.duration)} s is shorter than the pedestrian minimum ${round1(min.minGreen)} s (walk ${o.junctions[p.junction]?.walkTime ?? o.walkTime} s + crossing / ${o.junctions[p.junction]?.walkSpeed ?? o.walkSpeed} m/s)`,
        });
      }
      // Under clearances: program the input program's own yellow and all-red are the floor (clearanceShortfalls reports them).
      const ownClearances = o.junctions[p.junction]?.clearances === 'program';
      if (!ownClearances && yellow < min.yellow - o.tolerance - 1e-9) {
        issues.push({
          kind: 'yellow', junction: p.junction, program: pi, phase: k, at: `phases[${k}].yellow`, required: min.yellow, found: yellow,
          message: `yellow ${round1(yellow)} s is shorter than ITE's t + v/(2a + 2Gg) = ${round1(min.yellow)} s for the approach speed${o.junctions[p.junction]?.grade ? ' and grade' : ''} (less ${o.tolerance} s of rounding)`,
        });
      }
      if (!ownClearances && allRed < min.allRed - o.tolerance - 1e-9) {
        issues.push({
          kind: 'all-red', junction: p.junction, program: pi, phase: k, at: `phases[${k}].allRed`, required: min.allRed, found: allRed,
          message: `all-red ${round1(allRed)} s is shorter than ITE's (W + L)/v = ${round1(min.allRed)} s for the junction's width and approach speed (less ${o.tolerance} s of rounding)`,
        });
      }
    });
  });
  return issues;
}

/** `v` rounded up to the next half second (timing sheets are set in half seconds). */
function upToHalf(v: number): number {
  return Math.ceil(v * 2 - 1e-9) / 2;
}

/**
 * `programs` made safe in their times (never in their movements: a conflict
 * needs a new phase, which only a person can design): each phase's minimum
 * green raised to the pedestrian minimum (whole seconds up), its green to at
 * least that minimum, its yellow and all-red to the ITE values (half seconds
 * up; at a junction with `clearances: 'program'` they stay the program's own).
 * The optimiser searches from and within these, so every plan it returns
 * meets the minima.
 */
export function safePrograms(net: CompiledNetwork, programs: readonly SignalProgramSpec[], options: Partial<SafetyOptions> = {}): SignalProgramSpec[] {
  return programs.map((p) => ({
    ...p,
    cycle: undefined,
    phases: p.phases.map((ph) => {
      const own = options.junctions?.[p.junction]?.clearances === 'program';
      const min = phaseMinima(net, p.junction, ph.green, options);
      const minGreen = Math.max(ph.minGreen ?? PHASE_DEFAULTS.minGreen, Math.ceil(min.minGreen - 1e-9));
      return {
        ...ph,
        minGreen,
        ...(ph.maxGreen !== undefined ? { maxGreen: Math.max(ph.maxGreen, minGreen) } : {}),
        duration: Math.max(ph.duration, minGreen),
        yellow: own ? ph.yellow ?? PHASE_DEFAULTS.yellow : Math.max(ph.yellow ?? PHASE_DEFAULTS.yellow, upToHalf(min.yellow)),
        allRed: own ? ph.allRed ?? PHASE_DEFAULTS.allRed : Math.max(ph.allRed ?? PHASE_DEFAULTS.allRed, upToHalf(min.allRed)),
      };
    }),
  })).map(({ cycle: _c, ...rest }) => rest);
}

/** A phase that runs a yellow or all-red shorter than the ITE value {@link safePrograms} would set (s). */
export interface ClearanceShortfall {
  junction: string;
  /** Phase index, from 0. */
  phase: number;
  yellow: number;
  /** ITE yellow rounded up to the half second, as safePrograms sets it. */
  iteYellow: number;
  allRed: number;
  /** ITE all-red rounded up to the half second, as safePrograms sets it. */
  iteAllRed: number;
}

/**
 * Every phase of `programs` whose yellow or all-red is shorter than the ITE
 * value (half seconds up) that the default clearance floor would impose: what a
 * plan under `clearances: 'program'` gives up, per junction and phase.
 */
export function clearanceShortfalls(net: CompiledNetwork, programs: readonly SignalProgramSpec[], options: Partial<SafetyOptions> = {}): ClearanceShortfall[] {
  const out: ClearanceShortfall[] = [];
  for (const p of programs) {
    if (net.junctionIndex(p.junction) < 0) continue;
    p.phases.forEach((ph, k) => {
      const min = phaseMinima(net, p.junction, ph.green, options);
      const yellow = ph.yellow ?? PHASE_DEFAULTS.yellow;
      const allRed = ph.allRed ?? PHASE_DEFAULTS.allRed;
      const iteYellow = upToHalf(min.yellow);
      const iteAllRed = upToHalf(min.allRed);
      if (yellow < iteYellow - 1e-9 || allRed < iteAllRed - 1e-9) out.push({ junction: p.junction, phase: k, yellow, iteYellow, allRed, iteAllRed });
    });
  }
  return out;
}

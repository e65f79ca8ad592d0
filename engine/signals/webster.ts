/**
 * Webster's method: a fixed-time plan (cycle and green splits) from movement
 * flows, on a given phase structure.
 *
 * Reference: F. V. Webster, "Traffic signal settings", Road Research Technical
 * Paper 39, HMSO, 1958 (optimum cycle C0 = (1.5 L + 5) / (1 - Y), effective greens
 * shared in proportion to the critical flow ratios); HCM 7th ed., ch. 19 (critical
 * flow ratio y = v / s of a lane group). Inputs, defaults and clamps follow SUMO's
 * tools/tlsCycleAdaptation.py so plans are comparable with it:
 *
 * - Saturation flow: SUMO derives it from one saturation headway, 2 s by default
 *   (1,800 veh/h per lane). Here each approach link's own saturation flow is used
 *   (the network default is the same 1,800 veh/h per lane), or `saturationFlow`
 *   for every link.
 * - Critical flow ratio of a phase: SUMO forms lane groups (the movements of one
 *   approach shown green in the phase), divides a movement green in k phases
 *   equally among them, counts permissive (`g`) movements only where they are never
 *   protected, and takes the group of largest flow, divided by its lanes. Here the
 *   same groups and the same flow sharing, but the largest *ratio* (flow / (s x
 *   lanes)) over the groups and also over single movements (a movement is limited
 *   by its own lanes in the kernel: s x lanes serving it), which is Webster's and
 *   the HCM's definition; SUMO's largest-flow group is the same whenever groups
 *   have equal lanes.
 * - Lost time L: SUMO uses a lost time per phase (-l, default 4 s) plus an
 *   all-red time per cycle (-a, default 0), with yellow (-y, default 4 s)
 *   replacing every yellow. Webster (1958) and the HCM (ch. 19: start-up lost
 *   time l1 plus clearance lost time l2) count as lost per phase the start-up
 *   lost time plus the part of the intergreen no vehicle uses. In greenwave's
 *   kernel no vehicle moves on yellow or all-red (see sim/simulation.ts) and each
 *   green loses the vehicle class's start-up lost time (simulation.vehicle
 *   .startUpLostS, 1.1 s by default), so the lost time of a phase is its yellow +
 *   all-red + `startUpLostTime`; the scenario and optimiser callers pass the
 *   scenario's start-up lost time (the option's own default is 0, the fluid model).
 *   With SUMO's defaults (yellow 4, all-red 0, lost time 4) and no start-up lost
 *   time both give L = 4 s per phase. Yellow and all-red are the base program's unless `yellow`/`allRed`
 *   are given. Where the network's yellows are not 4 s, the two part: SUMO
 *   shares C - 4 s per phase as greens (green = share - y + l, with its -y and -l
 *   both 4) but writes the network's own yellows back, so its displayed cycle is
 *   C - (4 - yellow) per phase. On a 3 s-yellow, two-phase grid at the 20 s clamp
 *   that is an 18 s cycle against greenwave's 20 s, and on a lightly loaded grid
 *   the shorter cycle has less delay in SUMO (and in greenwave's kernel): the
 *   whole gap between the two Webster plans measured in SUMO (greenwave's with
 *   each green 1 s shorter is within 1 s of SUMO's; SUMO's with each green 1 s
 *   longer within 1 s of greenwave's). greenwave keeps the stated rule (displayed cycle = C);
 *   the fixed-time search covers the shorter cycles.
 * - Cycle: C0 rounded to whole seconds, clamped to [minCycle, maxCycle] (SUMO
 *   defaults 20 and 120 s); when Y >= 1 (oversaturated) the cycle is maxCycle, as
 *   in SUMO. `cycle` imposes a cycle (SUMO -e, existing cycle).
 * - Greens: effective green C - L shared in proportion to y_i, rounded to whole
 *   seconds keeping their sum (largest remainder; SUMO rounds each green alone,
 *   which can move the cycle by a second), then raised to `minGreen` (SUMO -g,
 *   default 4 s). As in SUMO's
 *   default, a raised green lengthens the cycle; `restrictCycle` (SUMO -R) instead
 *   takes the time back from the other phases, so the cycle stays C.
 *   `unifiedCycle` (SUMO -u) gives every junction the largest of their cycles.
 * - A junction whose movements carry no flow keeps its base program (SUMO skips
 *   it). Offsets are kept.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';
import { programToSpec, type SignalProgram, type SignalProgramSpec } from './program.js';

/** Options of Webster's method (s, veh/s). Defaults follow SUMO's tlsCycleAdaptation.py. */
export interface WebsterOptions {
  /** Shortest cycle, s. Default 20 (SUMO --min-cycle). */
  minCycle?: number;
  /** Longest cycle, s; also the cycle when Y >= 1. Default 120 (SUMO --max-cycle). */
  maxCycle?: number;
  /** Shortest displayed green, s. Default 4 (SUMO -g). */
  minGreen?: number;
  /** Yellow of every phase, s. Default: each base phase's own (SUMO -y replaces it, default 4). */
  yellow?: number;
  /** All-red of every phase, s. Default: each base phase's own. */
  allRed?: number;
  /** Saturation flow of every approach lane, veh/s. Default: each link's own (network default 0.5 = 1,800 veh/h, SUMO's 2 s headway). */
  saturationFlow?: number;
  /** Start-up lost time per phase added to yellow + all-red in L, s (HCM l1). Default 0 (fluid model); pass the kernel's vehicle start-up lost time (simulation.vehicle.startUpLostS) to plan for greenwave's kernel. */
  startUpLostTime?: number;
  /** Impose this cycle instead of the optimum, s (SUMO -e). */
  cycle?: number;
  /** Keep the cycle at C when minimum greens would lengthen it (SUMO -R). Default false. */
  restrictCycle?: boolean;
  /** One cycle for every junction: the largest of their cycles (SUMO -u; implies restrictCycle). Default false. */
  unifiedCycle?: boolean;
  /** Whole seconds for cycle and greens, as SUMO writes them. Default true. */
  round?: boolean;
}

/** Defaults of {@link WebsterOptions} (those that have one). */
export const DEFAULT_WEBSTER_OPTIONS: Readonly<{ minCycle: number; maxCycle: number; minGreen: number; startUpLostTime: number; restrictCycle: boolean; unifiedCycle: boolean; round: boolean }> = {
  minCycle: 20,
  maxCycle: 120,
  minGreen: 4,
  startUpLostTime: 0,
  restrictCycle: false,
  unifiedCycle: false,
  round: true,
};

/** Result of {@link websterTiming}. */
export interface WebsterTiming {
  /** Sum of the critical flow ratios. */
  Y: number;
  /** Lost time per cycle L, s. */
  lostTime: number;
  /** Webster's optimum (1.5 L + 5) / (1 - Y) before rounding and clamping, s; Infinity when Y >= 1. */
  optimalCycle: number;
  /** Cycle used to share the greens (rounded, clamped, or imposed), s. */
  targetCycle: number;
  /** Displayed green of each phase, s. */
  greens: number[];
  /** Resulting cycle: greens + intergreens, s (exceeds targetCycle when minimum greens bite without restrictCycle). */
  cycle: number;
}

/** Webster's plan of one junction, with the figures behind it. */
export interface WebsterPlan extends WebsterTiming {
  /** The new program (the base one, unchanged, when `changed` is false). */
  spec: SignalProgramSpec;
  /** Critical flow ratio y_i of each phase. */
  criticalRatios: number[];
  /** False when no movement of the junction carries flow: the base program is kept. */
  changed: boolean;
}

type Resolved = Required<Omit<WebsterOptions, 'yellow' | 'allRed' | 'saturationFlow' | 'cycle'>> & Pick<WebsterOptions, 'yellow' | 'allRed' | 'saturationFlow' | 'cycle'>;

function resolve(options: WebsterOptions): Resolved {
  const o: Resolved = { ...DEFAULT_WEBSTER_OPTIONS, ...options };
  const check = (name: keyof WebsterOptions, value: unknown, positive: boolean, optional: boolean): void => {
    if (optional && value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
      throw new UsageError(`webster: options.${name} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${String(value)}`);
    }
  };
  check('minCycle', o.minCycle, true, false);
  check('maxCycle', o.maxCycle, true, false);
  check('minGreen', o.minGreen, false, false);
  check('startUpLostTime', o.startUpLostTime, false, false);
  check('yellow', o.yellow, false, true);
  check('allRed', o.allRed, false, true);
  check('saturationFlow', o.saturationFlow, true, true);
  check('cycle', o.cycle, true, true);
  if (o.minCycle > o.maxCycle) throw new UsageError(`webster: options.minCycle (${o.minCycle}) must not exceed options.maxCycle (${o.maxCycle})`);
  return o;
}

/**
 * Webster's timing from critical flow ratios and intergreens (yellow + all-red
 * of each phase), both per phase, in running order. Pure arithmetic, see the file
 * header for every rule. Requires at least one phase and Y > 0.
 */
export function websterTiming(criticalRatios: readonly number[], intergreens: readonly number[], options: WebsterOptions = {}): WebsterTiming {
  const o = resolve(options);
  const n = criticalRatios.length;
  if (n === 0 || intergreens.length !== n) throw new UsageError(`websterTiming: needs one intergreen per phase and at least one phase, got ${n} ratios and ${intergreens.length} intergreens`);
  let Y = 0;
  for (const y of criticalRatios) {
    if (!(y >= 0) || !Number.isFinite(y)) throw new UsageError(`websterTiming: critical flow ratios must be finite and >= 0, got ${y}`);
    Y += y;
  }
  if (!(Y > 0)) throw new UsageError('websterTiming: every critical flow ratio is 0 (no flow): there is nothing to share');
  const su = o.startUpLostTime;
  let intergreen = 0;
  for (const I of intergreens) intergreen += I;
  const lostTime = intergreen + n * su;
  const optimalCycle = Y < 1 ? (1.5 * lostTime + 5) / (1 - Y) : Infinity;
  let target: number;
  if (o.cycle !== undefined) target = o.cycle;
  else {
    target = Y < 1 ? (o.round ? Math.round(optimalCycle) : optimalCycle) : o.maxCycle;
    target = Math.min(o.maxCycle, Math.max(o.minCycle, target));
  }
  const restrict = o.restrictCycle || o.unifiedCycle;
  let greens: number[];
  if (!restrict) {
    const effective = Math.max(0, target - lostTime);
    const shares = criticalRatios.map((y) => su + (effective * y) / Y);
    greens = (o.round ? wholeSeconds(shares) : shares).map((g) => Math.max(o.minGreen, g));
  } else {
    greens = restrictedGreens(criticalRatios, Math.max(0, target - intergreen), su, o.minGreen, o.round);
  }
  let cycle = intergreen;
  for (const g of greens) cycle += g;
  return { Y, lostTime, optimalCycle, targetCycle: target, greens, cycle };
}

/**
 * Displayed greens summing to `budget` (when feasible): phases whose share falls
 * below `minGreen` are fixed at it and the rest re-shared in proportion to y
 * (water-filling); whole seconds by largest remainder, so the sum is kept.
 */
function restrictedGreens(ratios: readonly number[], budget: number, su: number, minGreen: number, round: boolean): number[] {
  const n = ratios.length;
  const fixed = new Array<boolean>(n).fill(false);
  const greens = new Array<number>(n).fill(minGreen);
  for (;;) {
    let free = 0;
    let yFree = 0;
    for (let i = 0; i < n; i++) if (!fixed[i]) { free++; yFree += ratios[i]; }
    if (free === 0) return greens; // infeasible: every phase at minGreen
    const share = budget - (n - free) * minGreen - free * su;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      const g = su + (yFree > 0 ? (Math.max(0, share) * ratios[i]) / yFree : Math.max(0, share) / free);
      if (g < minGreen) {
        fixed[i] = true;
        changed = true;
      }
      greens[i] = g;
    }
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) if (fixed[i]) greens[i] = minGreen;
  return round ? wholeSeconds(greens).map((g) => Math.max(minGreen, g)) : greens;
}

/** Whole seconds keeping the rounded total (largest remainder; ties to the earlier phase). */
function wholeSeconds(values: readonly number[]): number[] {
  const floors = values.map((g) => Math.floor(g));
  let missing = Math.round(values.reduce((a, b) => a + b, 0)) - floors.reduce((a, b) => a + b, 0);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - floors[b] - (values[a] - floors[a]) || a - b);
  for (const i of order) {
    if (missing <= 0) break;
    floors[i]++;
    missing--;
  }
  return floors;
}

/**
 * Critical flow ratio y_i of each phase of `program` from movement flows (veh/h,
 * index = movement id): the largest flow / (saturation flow x lanes) over the
 * phase's lane groups (movements of one approach shown in the phase; lanes = the
 * union of their lanes) and over its single movements. A movement protected in k
 * phases counts 1/k of its flow in each; a permissive movement counts only if it
 * is protected in no phase, shared among the phases showing it. `saturationFlow`
 * in veh/s per lane overrides each link's own.
 */
export function criticalFlowRatios(net: CompiledNetwork, program: SignalProgram, flows: ArrayLike<number>, saturationFlow?: number): number[] {
  if (flows.length !== net.movementCount) throw new UsageError(`criticalFlowRatios: flows must have one entry per movement (${net.movementCount}), got ${flows.length}`);
  const protectedIn = new Map<number, number>();
  const permissiveIn = new Map<number, number>();
  for (const p of program.phases) {
    for (const e of p.green) protectedIn.set(e, (protectedIn.get(e) ?? 0) + 1);
    for (const e of p.permissive) permissiveIn.set(e, (permissiveIn.get(e) ?? 0) + 1);
  }
  const share = (e: number, green: boolean): number => {
    const f = flows[e];
    if (!(f > 0)) return 0;
    const k = protectedIn.get(e) ?? 0;
    if (green) return f / k;
    return k > 0 ? 0 : f / (permissiveIn.get(e) ?? 1);
  };
  return program.phases.map((p) => {
    let y = 0;
    const groupFlow = new Map<number, number>();
    const groupMask = new Map<number, number>();
    const visit = (e: number, green: boolean): void => {
      const f = share(e, green);
      if (f === 0) return;
      const a = net.movementFrom[e];
      const s = (saturationFlow ?? net.linkSaturationFlow[a]) * 3600;
      const mask = net.movementLaneMask[e];
      y = Math.max(y, f / (s * Math.max(1, laneCount(mask))));
      groupFlow.set(a, (groupFlow.get(a) ?? 0) + f);
      groupMask.set(a, (groupMask.get(a) ?? 0) | mask);
    };
    for (const e of p.green) visit(e, true);
    for (const e of p.permissive) visit(e, false);
    for (const [a, f] of groupFlow) {
      const s = (saturationFlow ?? net.linkSaturationFlow[a]) * 3600;
      y = Math.max(y, f / (s * Math.max(1, laneCount(groupMask.get(a) ?? 0))));
    }
    return y;
  });
}

/**
 * Webster's plan of one junction on the phase structure of `base` (its movements,
 * order, minGreen and maxGreen and offset are kept), from movement flows in
 * veh/h. See the file header for the rules and their sources.
 */
export function websterPlan(net: CompiledNetwork, base: SignalProgram, flows: ArrayLike<number>, options: WebsterOptions = {}): WebsterPlan {
  const o = resolve(options);
  const criticalRatios = criticalFlowRatios(net, base, flows, o.saturationFlow);
  const yellows = base.phases.map((p) => o.yellow ?? p.yellow);
  const allReds = base.phases.map((p) => o.allRed ?? p.allRed);
  const intergreens = yellows.map((y, i) => y + allReds[i]);
  const Y = criticalRatios.reduce((a, b) => a + b, 0);
  if (!(Y > 0)) {
    let intergreen = 0;
    for (const I of intergreens) intergreen += I;
    const spec = programToSpec(net, base);
    return {
      spec, criticalRatios, changed: false, Y: 0, lostTime: intergreen + base.phases.length * o.startUpLostTime,
      optimalCycle: NaN, targetCycle: base.cycle, greens: base.phases.map((p) => p.duration), cycle: base.cycle,
    };
  }
  const timing = websterTiming(criticalRatios, intergreens, o);
  const spec = programToSpec(net, base);
  spec.phases.forEach((p, i) => {
    p.duration = timing.greens[i];
    p.yellow = yellows[i];
    p.allRed = allReds[i];
  });
  spec.cycle = timing.cycle;
  return { ...timing, spec, criticalRatios, changed: true };
}

/**
 * Webster fixed-time programs for every program in `base` (a phase structure per
 * junction, e.g. `defaultProgram` or the scenario's), from movement flows in veh/h
 * (see `movementFlows`). Returns specs in the order of `base`, ready for
 * `compileProgram` or `simulate(net, trips, { programs })`. With `unifiedCycle`
 * every junction with flow gets the largest of their cycles. Throws `UsageError`
 * for bad options or a flows array of the wrong length.
 */
export function websterPrograms(net: CompiledNetwork, base: readonly SignalProgram[], flows: ArrayLike<number>, options: WebsterOptions = {}): SignalProgramSpec[] {
  if (!options.unifiedCycle) return base.map((p) => websterPlan(net, p, flows, options).spec);
  const first = base.map((p) => websterPlan(net, p, flows, { ...options, unifiedCycle: false }));
  let cycle = 0;
  for (const plan of first) if (plan.changed) cycle = Math.max(cycle, plan.targetCycle);
  if (cycle === 0) return first.map((p) => p.spec);
  return base.map((p) => websterPlan(net, p, flows, { ...options, cycle }).spec);
}

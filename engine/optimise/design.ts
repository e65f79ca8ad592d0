/**
 * The first batch of a search: the start plan at a spread of common cycle
 * lengths, each with its own offsets and with progression offsets. Local search
 * methods (compass, CMA-ES) improve a plan in its neighbourhood, but moving from
 * uncoordinated offsets (Webster's are all zero) to a green wave needs many
 * genes to change together; a progression pattern puts that within reach of the
 * first batch, as signal-timing practice does (TRANSYT and Synchro start offset
 * optimisation from progression offsets too).
 *
 * Progression offsets: phase 0 of junction j starts t_j mod C after phase 0 of a
 * reference junction, where t_j is the free-flow travel time from the reference
 * (the signal with the smallest x + y, a corner of the network) along the
 * fastest route. A platoon leaving the reference on green then meets green
 * downstream, in the direction away from the reference.
 *
 * Progression cycles. Whether t_j mod C makes a green wave in both directions
 * depends on C: with signals a travel time T apart, C = 2T is the alternate
 * system (adjacent signals half a cycle apart, a platoon meets green both ways)
 * and C = T the simultaneous one (Webster and Cobbe 1966; the Traffic Engineering
 * Handbook's "ideal cycle" of a uniformly spaced arterial). The spread of
 * cycles above is coarse (about 7 s steps on a 20-120 s range), and a search
 * cannot walk its cycle from one progression to another (offsets are fractions
 * of the cycle: a new cycle breaks the wave), so the first batch also tries
 * C = T and C = 2T with progression offsets, T the median free-flow travel time
 * of the links that join two signals of the space (when inside a group's range).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { createRouter } from '../routing/router.js';
import type { SignalProgramSpec } from '../signals/program.js';
import type { SearchSpace } from './space.js';
import type { ActuatedSpace } from './actuated-space.js';
import type { MaxPressureSpace } from './max-pressure-space.js';
import type { CandidatePlan } from './evaluator.js';

/** Cycle lengths tried, as fractions of the space's cycle range. */
const CYCLE_STEPS = [0, 0.07, 0.14, 0.22, 0.3, 0.4, 0.55, 0.75];

/** Free-flow travel time (s) from the reference signal to each signal of `space`, in space order. */
export function progressionTimes(net: CompiledNetwork, space: SearchSpace): Float64Array {
  const ids = space.junctions.map((g) => net.junctionIndex(g.junction));
  let root = ids[0];
  for (const j of ids) if (net.junctionX[j] + net.junctionY[j] < net.junctionX[root] + net.junctionY[root]) root = j;
  const tree = createRouter(net).tree(root);
  return Float64Array.from(ids, (j) => (Number.isFinite(tree.junctionCost[j]) ? tree.junctionCost[j] : 0));
}

/**
 * Median free-flow travel time (s) of the links joining two signals of `space`
 * (the signal spacing in time), or undefined when no link joins two of them.
 */
export function signalSpacingTime(net: CompiledNetwork, space: SearchSpace): number | undefined {
  const signals = new Set(space.junctions.map((g) => net.junctionIndex(g.junction)));
  const times: number[] = [];
  for (let l = 0; l < net.linkCount; l++) {
    if (signals.has(net.linkFrom[l]) && signals.has(net.linkTo[l]) && net.linkFrom[l] !== net.linkTo[l]) times.push(net.linkFreeFlowTime[l]);
  }
  if (times.length === 0) return undefined;
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

/**
 * Vectors of the first batch: `start` (encoded) with each group's cycle moved
 * to a spread of values, with the start's offsets and with progression offsets,
 * then the progression cycles T and 2T (see the file header) with progression offsets.
 */
export function initialDesign(net: CompiledNetwork, space: SearchSpace, start: readonly SignalProgramSpec[]): Float64Array[] {
  const x0 = space.encode(start);
  const times = progressionTimes(net, space);
  const out: Float64Array[] = [];
  const push = (x: Float64Array): void => {
    if (!out.some((y) => y.every((v, k) => v === x[k]))) out.push(x); // without offset genes the two variants coincide
  };
  /** x0 with every group's cycle gene at `geneOf(group)` and, with `progression`, progression offsets for the decoded cycle. */
  const variant = (geneOf: (g: SearchSpace['groups'][number]) => number, progression: boolean): Float64Array => {
    const x = Float64Array.from(x0);
    for (const g of space.groups) x[g.gene] = geneOf(g);
    if (progression) {
      space.junctions.forEach((genes, i) => {
        if (genes.offset < 0) return;
        const group = space.groups[genes.group];
        const cycle = Math.round(group.minCycle + x[group.gene] * (group.maxCycle - group.minCycle));
        x[genes.offset] = (times[i] % cycle) / cycle;
      });
    }
    return x;
  };
  for (const step of CYCLE_STEPS) {
    for (const progression of [false, true]) push(variant(() => step, progression));
  }
  const spacing = signalSpacingTime(net, space);
  if (spacing !== undefined) {
    for (const multiple of [1, 2]) {
      const cycle = Math.round(multiple * spacing);
      const fits = (g: SearchSpace['groups'][number]): boolean => cycle >= g.minCycle && cycle <= g.maxCycle && g.maxCycle > g.minCycle;
      if (!space.groups.some(fits)) continue;
      push(variant((g) => (fits(g) ? (cycle - g.minCycle) / (g.maxCycle - g.minCycle) : x0[g.gene]), true));
    }
  }
  return out;
}

/** Passage times x detector setbacks of the actuated first batch, s (SUMO's default 3 s / 2 s among them). */
const ACTUATED_GAPS = [2, 3, 4];
const ACTUATED_SETBACKS = [1, 2, 3];
/** Maximum greens tried for every phase at once, s. */
const ACTUATED_MAX_GREENS = [20, 40];

/**
 * Vectors of the first batch of an actuated search: `start` (encoded) with the
 * passage time and detector setback on a 3 x 3 grid around SUMO's defaults, and
 * with every phase's maximum green at a short and a medium value. Passage time
 * and setback interact (a gap shorter than the setback strands vehicles), which
 * a coordinate search crosses slowly; the grid puts the good pairings in reach.
 */
export function actuatedDesign(space: ActuatedSpace, start: CandidatePlan): Float64Array[] {
  const { out, push } = distinctVectors(space.encodePlan(start));
  for (const gap of ACTUATED_GAPS) {
    for (const setback of ACTUATED_SETBACKS) {
      push(space.encodePlan({ programs: start.programs, control: { kind: 'actuated', gap, detectorGap: setback } }));
    }
  }
  for (const maxGreen of ACTUATED_MAX_GREENS) {
    const programs = start.programs.map((p) => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, maxGreen })) }));
    push(space.encodePlan({ programs, control: start.control ?? { kind: 'actuated' } }));
  }
  return out;
}

/** A list of vectors that keeps each vector once and never `x0` itself (the start plan, evaluated as given). */
function distinctVectors(x0: Float64Array): { out: Float64Array[]; push: (x: Float64Array) => void } {
  const out: Float64Array[] = [];
  const push = (x: Float64Array): void => {
    if (!out.some((y) => y.every((v, k) => v === x[k])) && !x.every((v, k) => v === x0[k])) out.push(x);
  };
  return { out, push };
}

/** Decision intervals of the max-pressure first batch, s (5 s, the default, among them). */
const MAX_PRESSURE_INTERVALS = [3, 5, 8, 12];
/** Minimum green raised by this much in one candidate of the max-pressure first batch, s. */
const MAX_PRESSURE_MIN_GREEN_STEP = 5;

/**
 * Vectors of the first batch of a max-pressure search: `start` with decision
 * intervals of 3-12 s under both pressure definitions (queues, lanes), with
 * ties to the lowest phase, and with the minimum green raised by 5 s.
 */
export function maxPressureDesign(space: MaxPressureSpace, start: CandidatePlan): Float64Array[] {
  const { out, push } = distinctVectors(space.encodePlan(start));
  const base = start.control?.kind === 'max-pressure' ? start.control : { kind: 'max-pressure' as const };
  const encode = (control: typeof base): Float64Array => space.encodePlan({ programs: start.programs, control });
  for (const interval of MAX_PRESSURE_INTERVALS) {
    for (const pressure of ['queues', 'lanes'] as const) push(encode({ ...base, interval, pressure }));
  }
  push(encode({ ...base, ties: 'lowest' }));
  push(encode({ ...base, minGreen: (base.minGreen ?? space.minGreenRange[0]) + MAX_PRESSURE_MIN_GREEN_STEP }));
  return out;
}

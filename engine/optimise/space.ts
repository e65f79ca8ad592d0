/**
 * The search space of fixed-time signal plans: a clean, invertible mapping
 * between a vector x in the unit box [0, 1]^d and signal programs, so any search
 * method (CMA-ES, compass search, your own) can drive it without knowing what a
 * phase is.
 *
 * Layout of x:
 *   - one cycle gene per cycle group: C = round(minC + x (maxC - minC)) seconds,
 *     where minC is raised to the largest lost time + minimum greens of the
 *     group's junctions, so every decoded plan is feasible; without a given
 *     `minCycle` that floor is the lower bound (minimum greens, yellow and
 *     all-red are the safety settings; no further bound is invented), so the
 *     space holds Webster's plan, whose cycle may be as short as 20 s (its
 *     clamp), and the short cycles of lightly loaded grids, where a cycle equal
 *     to the block travel time gives progression with equal offsets;
 *   - per junction, one split weight per phase: the green left over after every
 *     phase's minimum green, G = C - L - sum(minGreen), is shared in proportion to
 *     the weights (a weight of 0 gives exactly the minimum green);
 *   - per junction, one offset gene (when offsets are searched): offset = x C;
 *   - with `skipPhases`, per junction one skip gene per *skippable* phase: a
 *     phase every movement of which (protected or permissive) is also shown in
 *     another phase of the program. At x >= SKIP_AT the phase is dropped from
 *     the cycle, and its green, yellow and all-red go to the phases left, unless
 *     a phase that serves its movements was dropped already (skips are taken in
 *     phase order, so every movement keeps a green). The phases left keep their
 *     own yellow and all-red, so every change of phase still has its clearance,
 *     and their minimum greens. SKIP_AT is the first step of the searches
 *     (0.2), so one step from a start plan (skip genes 0) tries the skip;
 *   - with `reorderPhases` (default true), per junction of 3 or more phases
 *     one order gene choosing the cyclic order its phases run in
 *     (phase-order.ts: phase 0 stays first, orders that differ by rotation
 *     are one cycle up to the offset, so (n - 1)! orders for n phases; gene
 *     values below 0.2 keep the program's order). What the program allows:
 *     a phase of a greenwave program is a green followed by its own yellow
 *     and all-red, so a reordered phase takes its green, yellow, all-red,
 *     minimum green and split gene with it: every change of phase keeps the
 *     clearance of the green it closes, every movement keeps its green time,
 *     and the safety check (per phase: conflicts, pedestrian minimum green,
 *     ITE yellow and all-red) holds as before. Any cyclic order is allowed
 *     where every phase has a clearance (yellow + all-red > 0): the programs
 *     greenwave builds, and imported ones made of separate greens. A program
 *     with a phase that ends without clearance keeps its order: such a phase
 *     is a transition whose movements the next phase continues (SUMO
 *     programs with a left-turn arrow ending into the through green, CityFlow
 *     programs whose yellow is one phase of the cycle), and moved elsewhere
 *     it would end a green without yellow. The scenario pins the order where
 *     drivers or pedestrians rely on a fixed sequence (`pinnedOrder`, from
 *     `signals.pinPhaseOrder`). Programs of more than 8 phases keep theirs.
 *
 * A cycle group shares one cycle (a coordinated group: offsets make a green wave
 * only if the cycles are equal). Greens are whole seconds, distributed by the
 * largest-remainder method so every junction of a group runs exactly the
 * group's cycle. The phase structure (movements, yellow, all-red, min and
 * max green) is the base program's and never changes, but for skipped phases;
 * the order changes only through order genes. The offset is the start of the
 * green of the first phase the program lists (phase 0 unless skipped), in
 * every order.
 *
 * `encode` is the inverse of `decode` on plans the space can express (greens at
 * least the minimum, whole seconds, equal cycles within a group): a search that
 * starts from the Webster plan starts exactly there.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { programToSpec, type PhaseSpec, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import type { CandidatePlan } from './evaluator.js';
import { cyclicOrder, cyclicOrderCount, cyclicOrderIndex, MAX_REORDERED_PHASES, orderGeneOf, orderIndexOf } from './phase-order.js';

/** How junction cycles are tied together. */
export type CycleGrouping = 'shared' | 'per-junction' | ReadonlyArray<readonly string[]>;

/** Options of {@link createSearchSpace}. */
export interface SearchSpaceOptions {
  /**
   * Shortest cycle searched, s. Default: the feasible floor of each cycle group
   * (its largest yellow + all-red + minimum greens), so the space contains the
   * start plan whatever its cycle (a default of 30 s left Webster's 20 s plans
   * and every shorter cycle outside it).
   */
  minCycle?: number;
  /** Longest cycle searched, s. Default 120 (SUMO tlsCycleAdaptation's default maximum). */
  maxCycle?: number;
  /**
   * `shared` (default): one cycle for every signal, so offsets coordinate the whole
   * network; `per-junction`: each its own cycle; or explicit groups of junction ids
   * (junctions in no group get their own cycle).
   */
  cycles?: CycleGrouping;
  /** Search offsets. Default true. */
  offsets?: boolean;
  /** Search skipping the phases whose movements other phases serve too (see the file header). Default false. */
  skipPhases?: boolean;
  /** Search the cyclic order of the phases of programs with 3 or more phases (see the file header). Default true. */
  reorderPhases?: boolean;
  /** Junction ids whose phase order is pinned (no order gene), or true for every junction. Default none. */
  pinnedOrder?: true | readonly string[];
}

/** A skip gene at or above this drops its phase from the cycle. */
export const SKIP_AT = 0.2;

/** One junction's place in the vector. */
export interface JunctionGenes {
  junction: string;
  group: number;
  /** Index of the first split weight; one per phase. */
  splits: number;
  phases: number;
  /** Index of the offset gene, or -1. */
  offset: number;
  /** Per phase, the index of its skip gene, or -1 (not skippable, or skips not searched). */
  skips: readonly number[];
  /** Index of the order gene, or -1 (fewer than 3 phases, order pinned, or orders not searched). */
  order: number;
  /** Number of cyclic orders the order gene chooses among ((phases - 1)!; 1 without an order gene). */
  orders: number;
  /** Lost time (yellow + all-red of every phase), s. */
  lostTime: number;
  /** Sum of the phases' minimum greens, s. */
  minGreens: number;
}

/** A cycle group's place in the vector. */
export interface CycleGroupGenes {
  junctions: string[];
  /** Index of the cycle gene. */
  gene: number;
  /** Feasible cycle range of the group, s. */
  minCycle: number;
  maxCycle: number;
}

/**
 * What the optimiser needs of a space: a vector in [0, 1]^d <-> a plan (programs
 * and the control running them). Fixed-time plans ({@link createSearchSpace}),
 * actuated settings (`createActuatedSpace`) and max-pressure settings
 * (`createMaxPressureSpace`) are the three kinds.
 */
export interface PlanSpace {
  /** The control of every plan the space decodes to. */
  readonly kind: 'fixed' | 'actuated' | 'max-pressure';
  /** Number of genes. */
  readonly dimension: number;
  /** Gene names, for reports and checkpoints. */
  readonly names: readonly string[];
  /** The plan for x (clamped into the unit box first). */
  plan(x: ArrayLike<number>): CandidatePlan;
  /** x for a plan of this kind covering the same junctions with the base's phase structure. */
  encodePlan(plan: CandidatePlan): Float64Array;
  /**
   * The genes that belong to one junction (its splits and offset, its maximum
   * greens), for searches that decompose the network (local-search.ts). Genes in
   * no group (a shared cycle, network-wide settings) are global. Absent: every
   * gene is global.
   */
  readonly junctionGenes?: readonly JunctionGeneGroup[];
}

/** The genes of one junction in a {@link PlanSpace}'s vector. */
export interface JunctionGeneGroup {
  /** Junction id. */
  junction: string;
  /** Indices into the vector. */
  genes: readonly number[];
}

/** A vector <-> fixed-time programs mapping over every signalised junction of a network. */
export interface SearchSpace extends PlanSpace {
  readonly kind: 'fixed';
  readonly groups: readonly CycleGroupGenes[];
  readonly junctions: readonly JunctionGenes[];
  /** Gene names, for reports and checkpoints (`cycle[g0]`, `split[j3][1]`, `offset[j3]`). */
  readonly names: readonly string[];
  /** Programs for x (clamped into the unit box first). */
  decode(x: ArrayLike<number>): SignalProgramSpec[];
  /** x for programs covering the same junctions with the base's phase structure. */
  encode(programs: readonly SignalProgramSpec[]): Float64Array;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0.5);

/**
 * Integer parts of `total` shared in proportion to `weights` (largest remainder;
 * ties to the lower index), so they sum to exactly `total`.
 */
export function apportion(total: number, weights: ArrayLike<number>): number[] {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const exact = Array.from({ length: n }, (_, i) => (sum > 0 ? (total * weights[i]) / sum : total / n));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) parts[order[k][1]]++;
  return parts;
}

export { completePrograms } from '../signals/complete.js';

/** Build the search space over `base` (every signalised junction's program; see {@link completePrograms}). */
export function createSearchSpace(net: CompiledNetwork, base: readonly SignalProgram[], options: SearchSpaceOptions = {}): SearchSpace {
  const minCycle = options.minCycle ?? 1;
  const maxCycle = options.maxCycle ?? 120;
  if (!(minCycle > 0 && maxCycle >= minCycle && Number.isFinite(maxCycle))) {
    throw new UsageError(`search space: need 0 < minCycle <= maxCycle, got minCycle ${minCycle}, maxCycle ${maxCycle}`);
  }
  if (base.length === 0) throw new UsageError('search space: the network has no signalised junction, so there is no plan to optimise');
  const searchOffsets = options.offsets ?? true;
  const pinned = options.pinnedOrder === true ? undefined : new Set(options.pinnedOrder ?? []);
  // a program every phase of which closes its green with its own clearance (transition phases keep the order)
  const reorders = (id: string, p: SignalProgram): boolean =>
    (options.reorderPhases ?? true) && pinned !== undefined && !pinned.has(id) && p.phases.length >= 3 && p.phases.length <= MAX_REORDERED_PHASES &&
    p.phases.every((ph) => ph.yellow + ph.allRed > 0);
  const ids = base.map((p) => net.junctionKey(p.junction));
  const index = new Map(ids.map((id, i) => [id, i]));

  // cycle groups
  const groupOf = new Int32Array(base.length).fill(-1);
  const members: number[][] = [];
  const grouping = options.cycles ?? 'shared';
  if (grouping === 'shared') {
    members.push(base.map((_, i) => i));
  } else if (grouping !== 'per-junction') {
    grouping.forEach((group, g) => {
      const list: number[] = [];
      for (const id of group) {
        const i = index.get(id);
        if (i === undefined) throw new UsageError(`search space: cycle group ${g} names "${id}", which is not a signalised junction`);
        if (groupOf[i] >= 0) throw new UsageError(`search space: junction "${id}" is in two cycle groups`);
        groupOf[i] = members.length;
        list.push(i);
      }
      if (list.length > 0) members.push(list);
    });
  }
  for (let i = 0; i < base.length; i++) {
    if (grouping === 'shared') groupOf[i] = 0;
    else if (groupOf[i] < 0) {
      groupOf[i] = members.length;
      members.push([i]);
    }
  }

  const names: string[] = [];
  const lost = base.map((p) => p.phases.reduce((s, ph) => s + ph.yellow + ph.allRed, 0));
  const mins = base.map((p) => p.phases.reduce((s, ph) => s + ph.minGreen, 0));
  const groups: CycleGroupGenes[] = members.map((list, g) => {
    const floor = Math.ceil(Math.max(...list.map((i) => lost[i] + mins[i])));
    const lo = Math.max(Math.ceil(minCycle), floor);
    names.push(list.length === 1 ? `cycle[${ids[list[0]]}]` : `cycle[group ${g}]`);
    return { junctions: list.map((i) => ids[i]), gene: g, minCycle: lo, maxCycle: Math.max(lo, Math.floor(maxCycle)) };
  });
  const junctions: JunctionGenes[] = base.map((p, i) => {
    const splits = names.length;
    p.phases.forEach((_, k) => names.push(`split[${ids[i]}][${k}]`));
    const offset = searchOffsets ? names.length : -1;
    if (searchOffsets) names.push(`offset[${ids[i]}]`);
    const skips = p.phases.map((_, k) => {
      if (options.skipPhases !== true || servedBy(p, k).length === 0) return -1;
      names.push(`skip[${ids[i]}][${k}]`);
      return names.length - 1;
    });
    const order = reorders(ids[i], p) ? names.push(`order[${ids[i]}]`) - 1 : -1;
    const orders = order >= 0 ? cyclicOrderCount(p.phases.length) : 1;
    return { junction: ids[i], group: groupOf[i], splits, phases: p.phases.length, offset, skips, order, orders, lostTime: lost[i], minGreens: mins[i] };
  });
  /** Phases of junction i that run under x: skipped ones dropped, in phase order, while another kept phase serves them. */
  const kept = (x: ArrayLike<number>, i: number): boolean[] => {
    const on = base[i].phases.map(() => true);
    junctions[i].skips.forEach((gene, k) => {
      if (gene >= 0 && clamp01(x[gene]) >= SKIP_AT && servedBy(base[i], k).some((other) => on[other])) on[k] = false;
    });
    return on;
  };

  const baseSpecs = base.map((p) => programToSpec(net, p));
  const cycleOf = (x: ArrayLike<number>, g: number): number => {
    const { minCycle: lo, maxCycle: hi } = groups[g];
    return Math.round(lo + clamp01(x[groups[g].gene]) * (hi - lo));
  };

  const space: SearchSpace = {
    kind: 'fixed',
    dimension: names.length,
    groups,
    junctions,
    names,
    // A junction's genes: its splits, its offset, and its cycle when it has a cycle of its own (a group of one).
    junctionGenes: junctions.map((g) => ({
      junction: g.junction,
      genes: [
        ...(groups[g.group].junctions.length === 1 ? [groups[g.group].gene] : []),
        ...Array.from({ length: g.phases }, (_, k) => g.splits + k), ...(g.offset >= 0 ? [g.offset] : []),
        ...g.skips.filter((gene) => gene >= 0), ...(g.order >= 0 ? [g.order] : []),
      ],
    })),
    plan: (x) => ({ programs: space.decode(x) }),
    encodePlan(plan) {
      if (plan.control !== undefined && plan.control.kind !== 'fixed') {
        throw new UsageError(`search space: a fixed-time space encodes fixed-time plans, got ${plan.control.kind} control`);
      }
      return space.encode(plan.programs);
    },
    decode(x) {
      if (x.length !== names.length) throw new UsageError(`search space: vector has ${x.length} genes, expected ${names.length}`);
      return base.map((program, i) => {
        const genes = junctions[i];
        const cycle = cycleOf(x, genes.group);
        const on = kept(x, i);
        // the phases that run, in the order the order gene chooses (each with its own times and split gene)
        const order = genes.order >= 0 ? cyclicOrder(genes.phases, orderIndexOf(clamp01(x[genes.order]), genes.orders)) : program.phases.map((_, k) => k);
        const running = order.filter((k) => on[k]);
        const spare = Math.round(cycle - running.reduce((t, k) => t + program.phases[k].yellow + program.phases[k].allRed + program.phases[k].minGreen, 0));
        const weights = running.map((k) => clamp01(x[genes.splits + k]));
        const extra = apportion(spare, weights.every((w) => w === 0) ? weights.map(() => 1) : weights);
        const phases = running.map((k, r) => ({ ...program.phases[k], duration: program.phases[k].minGreen + extra[r] }));
        const total = phases.reduce((s, ph) => s + ph.duration + ph.yellow + ph.allRed, 0);
        const offset = genes.offset >= 0 ? Math.round(clamp01(x[genes.offset]) * total) % total : ((program.offset % total) + total) % total;
        return programToSpec(net, { ...program, phases, cycle: total, offset });
      });
    },
    encode(programs) {
      const x = new Float64Array(names.length);
      const byId = new Map(programs.map((p) => [p.junction, p]));
      const cycleSums = new Float64Array(groups.length);
      const cycleCounts = new Float64Array(groups.length);
      junctions.forEach((genes, i) => {
        const p = byId.get(genes.junction);
        if (p === undefined) throw new UsageError(`search space: no program for signalised junction "${genes.junction}"`);
        // a program with fewer phases: the base phases it runs, matched by their movements (the rest skipped)
        const at = matchPhases(baseSpecs[i].phases, p.phases, genes.order >= 0);
        if (at === undefined || at.some((k, b) => k < 0 && genes.skips[b] < 0)) {
          throw new UsageError(`search space: program of "${genes.junction}" has ${p.phases.length} phases, the base plan has ${genes.phases}${genes.skips.some((g) => g >= 0) ? ' (or another phase skipped)' : ''}${genes.order >= 0 ? '' : ' in its order'}`);
        }
        at.forEach((k, b) => { if (k < 0) x[genes.skips[b]] = 1; });
        // its cyclic order (skipped phases after those it runs); the decoded program starts at the first phase of that order it runs
        const running = at.map((k, b) => [k, b] as const).filter(([k]) => k >= 0).sort((a, b) => a[0] - b[0]).map(([, b]) => b);
        const index = cyclicOrderIndex([...running, ...at.flatMap((k, b) => (k < 0 ? [b] : []))]);
        if (genes.order >= 0) x[genes.order] = orderGeneOf(index, genes.orders);
        const first = cyclicOrder(genes.phases, index).find((b) => at[b] >= 0) ?? 0;
        let lead = 0;
        for (let k = 0; k < at[first]; k++) lead += p.phases[k].duration + (p.phases[k].yellow ?? 3) + (p.phases[k].allRed ?? 2);
        const greens = at.map((k) => (k >= 0 ? p.phases[k].duration : base[i].phases[0].minGreen));
        const cycle = p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0);
        cycleSums[genes.group] += cycle;
        cycleCounts[genes.group]++;
        const shares = greens.map((g, k) => (at[k] < 0 ? 0 : Math.max(0, g - base[i].phases[k].minGreen)));
        const top = Math.max(...shares);
        shares.forEach((s, k) => { x[genes.splits + k] = top > 0 ? s / top : 1; });
        if (genes.offset >= 0) x[genes.offset] = (((((p.offset ?? 0) + lead) % cycle) + cycle) % cycle) / cycle;
      });
      groups.forEach((g, k) => {
        const cycle = cycleSums[k] / cycleCounts[k];
        x[g.gene] = g.maxCycle > g.minCycle ? clamp01((cycle - g.minCycle) / (g.maxCycle - g.minCycle)) : 0.5;
      });
      return x;
    },
  };
  return space;
}

/** Other phases of `program` that show every movement of phase `k` (protected or permissive); empty when none does. */
function servedBy(program: SignalProgram, k: number): number[] {
  const own = [...program.phases[k].green, ...program.phases[k].permissive];
  if (own.length === 0) return [];
  return program.phases.flatMap((ph, j) => {
    if (j === k) return [];
    const shown = new Set([...ph.green, ...ph.permissive]);
    return own.every((e) => shown.has(e)) ? [j] : [];
  });
}

/** The movements a phase spec shows, as one comparable key. */
function phaseKey(ph: PhaseSpec): string {
  const key = (list: PhaseSpec['green'] | undefined): string => JSON.stringify([...(list ?? [])].map((m) => JSON.stringify(m)).sort());
  return `${key(ph.green)}|${key(ph.permissive)}`;
}

/**
 * For each base phase, the index of the phase of `phases` that runs it, or -1
 * when it is skipped: `phases` must be the base phases in order with some left
 * out, matched by their movements (as many phases as the base: matched in
 * order, unless `anyOrder` and every phase's movements are a distinct base
 * phase's in another order); with `anyOrder`, in any order. Undefined when
 * they are not.
 */
function matchPhases(basePhases: readonly PhaseSpec[], phases: readonly PhaseSpec[], anyOrder: boolean): number[] | undefined {
  if (anyOrder) {
    const keys = basePhases.map(phaseKey);
    const at = basePhases.map(() => -1);
    const found = phases.every((ph, k) => {
      const key = phaseKey(ph);
      const b = keys.findIndex((other, j) => other === key && at[j] < 0);
      if (b >= 0) at[b] = k;
      return b >= 0;
    });
    if (found) return at;
  }
  const at: number[] = [];
  let k = 0;
  for (const b of basePhases) {
    if (k < phases.length && (phases.length === basePhases.length || phaseKey(phases[k]) === phaseKey(b))) at.push(k++);
    else at.push(-1);
  }
  return k === phases.length ? at : undefined;
}

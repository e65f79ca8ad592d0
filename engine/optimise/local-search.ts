/**
 * The decomposed search for city-size networks (`method: 'local'`): a hundred
 * signals have a few hundred genes, far more than a whole-network search can
 * learn in a few hundred evaluations, but a signal's timing mostly matters to
 * the vehicles near it. So each signal is its own sub-problem, scored by the
 * delay of the vehicles through its region (regions.ts) with the whole
 * network simulated, and many far-apart sub-problems share one simulation.
 *
 * One round, from the incumbent plan x:
 *  1. Exploration batch. For every class of far-apart signals (regions.ts),
 *     one candidate: each signal of the class moves one of its own genes by its
 *     own step, compass fashion (a gene is tried up, then down if up failed,
 *     then the next gene; a move that improved is tried again). Every global
 *     gene (a shared cycle, network-wide settings) gets a +step and a -step
 *     candidate. Per-junction metrics come back with every run.
 *  2. Credit. A signal's move improves when its region's total control delay
 *     (plus `penalty` s per vehicle fewer through a region junction than under
 *     the incumbent, so blocking traffic is no gain) is lower than the
 *     incumbent's, on the same seeds and demand variants (common random numbers).
 *  3. Merge batch: the incumbent with every improving move, and with the
 *     stronger half of them.
 *  4. Acceptance on the whole-network objective: the best candidate of the
 *     round replaces the incumbent only if its objective (the same as
 *     optimise.ts's) is lower, and (with `starvation`, the adaptive kinds) it
 *     starves no more runs than the incumbent. A signal (or global gene) that found no
 *     improving move in a full sweep of its genes (both directions) halves its
 *     step; the search has converged when every step is below `minStep`.
 *
 * Budget and time hold as in optimise.ts: a batch is cut to the evaluations
 * left, no batch starts after the time limit, and one running when it passes
 * is dropped. Under a time limit a batch is also cut to the candidates that the
 * wall time of the batches so far says will finish in the time left, so little
 * work is thrown away at the limit. The start plan is evaluated alone first
 * (which measures a run), then the initial design; the search starts from the
 * best of them. No checkpoint: a stopped local search is not resumed (its best
 * plan is returned and written).
 *
 * Starvation (`starvation: true`, as in optimise.ts; rule in starvation.ts):
 * every candidate's runs are checked against the start plan's longest stalls
 * on the same runs. A candidate that starves more runs than the incumbent
 * credits none of its moves (the network-wide stall says the candidate
 * starved, not which signal's move did), is never accepted, and ranks after
 * clean plans in the best plan and the elite (score.ts).
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import type { Candidate, CandidatePlan, EvaluateOptions, Evaluator } from './evaluator.js';
import {
  DEFAULT_UNFINISHED_PENALTY, OBJECTIVES, runObjective,
  type HistoryRow, type ObjectiveName, type OptimiseOptions, type OptimiseResult, type ScoredPlan,
} from './optimise.js';
import { DEFAULT_REGION_RADIUS_S, disjointClasses, signalRegions } from './regions.js';
import { createBatchClock } from './batch-clock.js';
import { createElite } from './elite.js';
import { isBetterScore } from './score.js';
import { starvedRuns } from './starvation.js';
import type { PlanSpace } from './space.js';

/** Options of {@link localSearch}: those of `optimise` that apply, and the decomposition's. */
export interface LocalSearchOptions extends Pick<OptimiseOptions,
  'seeds' | 'variants' | 'objective' | 'budget' | 'timeLimitS' | 'unfinishedPenalty' | 'initial' | 'signal' | 'onProgress' | 'starvation'> {
  /** The network the evaluator simulates (for the regions). */
  network: CompiledNetwork;
  /** Region radius, s of free-flow travel. Default 30. */
  regionS?: number;
  /** First step of every gene, in the unit box. Default 0.2. */
  step?: number;
  /** Converged when every step is below this. Default 1/64. */
  minStep?: number;
}

/** Per candidate: whole-network objective and, per junction, mean delay sum (s) and mean vehicles over the runs. */
interface Scored {
  values: number[];
  /** Runs of each candidate that gridlocked. */
  gridlockedRuns: number[];
  /** Per candidate, the longest queue stall of each run (variant position x seeds + seed position), s; NaN when it failed. */
  stalls: Float64Array[];
  delay: Float64Array[];
  vehicles: Float64Array[];
  aborted: boolean;
  failures: Array<{ candidate: number; seed: number; message: string }>;
}

/** One batch with per-junction metrics (`detail: 'full'`). */
async function scoreWithJunctions(
  evaluator: Evaluator, candidates: readonly Candidate[], seeds: readonly number[], variants: readonly number[],
  objective: ObjectiveName, penalty: number, junctionCount: number, options: EvaluateOptions,
): Promise<Scored> {
  const batch = await evaluator.evaluate({ candidates, seeds, variants, detail: 'full' }, options);
  const n = candidates.length;
  const sums = new Float64Array(n);
  const counts = new Int32Array(n);
  const delay = Array.from({ length: n }, () => new Float64Array(junctionCount));
  const vehicles = Array.from({ length: n }, () => new Float64Array(junctionCount));
  const gridlockedRuns = new Array<number>(n).fill(0);
  const per = seeds.length * variants.length;
  const stalls = Array.from({ length: n }, () => new Float64Array(per).fill(NaN));
  for (const r of batch.results) {
    stalls[r.candidate][r.task - r.candidate * per] = r.metrics.network.longestStall;
    sums[r.candidate] += runObjective(r.metrics.network, objective, penalty);
    counts[r.candidate]++;
    if (r.metrics.gridlock !== undefined) gridlockedRuns[r.candidate]++;
    const junctions = r.metrics.junctions;
    if (junctions === undefined) throw new UsageError('local search: the evaluator returned no per-junction metrics for detail "full"');
    const d = delay[r.candidate];
    const v = vehicles[r.candidate];
    for (let j = 0; j < junctionCount; j++) {
      const passed = junctions.vehicles[j];
      v[j] += passed;
      if (passed > 0) d[j] += passed * junctions.controlDelay[j];
    }
  }
  for (let c = 0; c < n; c++) {
    for (let j = 0; j < junctionCount; j++) {
      delay[c][j] /= per;
      vehicles[c][j] /= per;
    }
  }
  const values = Array.from(sums, (s, c) => (counts[c] === per ? s / per : Infinity));
  const failures = batch.failures.map((f) => ({ candidate: f.candidate, seed: f.seed, message: `${f.error.name}: ${f.error.message}` }));
  return { values, gridlockedRuns, stalls, delay, vehicles, aborted: batch.aborted, failures };
}

/** A move of one gene group (a signal, or a global gene): which gene, its step and sweep state. */
interface Group {
  genes: readonly number[];
  /** Region (junction indices); empty for a global gene. */
  region: Int32Array;
  step: number;
  /** Gene tried now (index into `genes`) and its direction. */
  cursor: number;
  sign: 1 | -1;
  /** Moves without improvement since the last improvement or step change. */
  failures: number;
}

/** A move tried in the exploration batch. */
interface Move {
  group: number;
  gene: number;
  value: number;
  gain: number;
}

function asPlan(candidate: Candidate): CandidatePlan {
  return Array.isArray(candidate) ? { programs: candidate as CandidatePlan['programs'] } : (candidate as CandidatePlan);
}

function scored(plan: CandidatePlan, value: number, x: number[] | null, gridlockedRuns = 0, starvedRuns = 0): ScoredPlan {
  const control = plan.control !== undefined && plan.control.kind !== 'fixed' ? { control: plan.control } : {};
  return { programs: [...plan.programs], ...control, value, ...(gridlockedRuns > 0 ? { gridlockedRuns } : {}), ...(starvedRuns > 0 ? { starvedRuns } : {}), x };
}

const clip = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Optimise a plan over `space` by the decomposed search (see the file header),
 * from `start` (a plan of the space's kind). The space must say which genes
 * belong to which junction (`junctionGenes`); global genes are searched by
 * whole-network moves in the same rounds.
 */
export async function localSearch(evaluator: Evaluator, space: PlanSpace, startCandidate: Candidate, options: LocalSearchOptions): Promise<OptimiseResult> {
  const start = asPlan(startCandidate);
  const objective = options.objective ?? 'delay';
  const budget = options.budget ?? 200;
  const penalty = options.unfinishedPenalty ?? DEFAULT_UNFINISHED_PENALTY;
  const seeds = [...options.seeds];
  const variants = [...options.variants];
  const net = options.network;
  if (!Number.isInteger(budget) || budget < 2) throw new UsageError(`budget must be an integer >= 2 evaluations, got ${String(budget)}`);
  if (seeds.length === 0) throw new UsageError('optimise needs at least one training seed');
  if (variants.length === 0) throw new UsageError('optimise needs at least one demand variant');
  if (!OBJECTIVES.includes(objective)) throw new UsageError(`unknown objective "${String(objective)}"; use ${OBJECTIVES.join(', ')}`);
  const junctionGenes = space.junctionGenes;
  if (junctionGenes === undefined || junctionGenes.length === 0) {
    throw new UsageError(`local search: the ${space.kind} space has no per-junction genes to decompose; use the compass or cmaes search`);
  }
  const step0 = options.step ?? 0.2;
  const minStep = options.minStep ?? 1 / 64;

  // Gene groups: one per signal, then one per global gene.
  const regions = signalRegions(net, junctionGenes.map((g) => net.junctionIndex(g.junction)), options.regionS ?? DEFAULT_REGION_RADIUS_S);
  const owned = new Set<number>();
  const groups: Group[] = junctionGenes.map((g, i) => {
    for (const k of g.genes) owned.add(k);
    return { genes: g.genes, region: regions[i], step: step0, cursor: 0, sign: 1, failures: 0 };
  });
  const globals: number[] = [];
  for (let k = 0; k < space.dimension; k++) {
    if (!owned.has(k)) {
      globals.push(groups.length);
      groups.push({ genes: [k], region: new Int32Array(0), step: step0, cursor: 0, sign: 1, failures: 0 });
    }
  }
  const classes = disjointClasses(regions);

  const began = performance.now();
  const elapsedS = (): number => (performance.now() - began) / 1000;
  const history: HistoryRow[] = [];
  const failures: OptimiseResult['failures'] = [];
  let evaluations = 0;
  let batches = 0;
  const deadline = new AbortController();
  const timer = options.timeLimitS !== undefined ? setTimeout(() => deadline.abort(), Math.max(0, options.timeLimitS) * 1000) : undefined;
  timer?.unref();
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const evalOptions: EvaluateOptions = { signal };
  const stopped = (): 'interrupted' | 'time' => (options.signal?.aborted ? 'interrupted' : 'time');
  let startPlan: ScoredPlan = scored(start, NaN, null);
  let best: ScoredPlan = scored(start, Infinity, null);
  const elite = createElite();
  // The start plan's longest stall per training run: the reference of starvation.
  let referenceStalls: Float64Array | undefined;
  const starvedOf = (stalls: Float64Array): number => (options.starvation === true && referenceStalls !== undefined ? starvedRuns(stalls, referenceStalls) : 0);
  const finish = (stopReason: OptimiseResult['stopReason']): OptimiseResult => {
    clearTimeout(timer);
    return { start: startPlan, best, history, evaluations, batches, elapsedS: elapsedS(), method: 'local', objective, stopReason, failures, elite: elite.plans(best) };
  };
  const progress = (): void => options.onProgress?.({
    evaluations, budget, batches, best: best.value, start: startPlan.value, elapsedS: elapsedS(),
    ...(options.timeLimitS !== undefined ? { timeLeftS: Math.max(0, options.timeLimitS - elapsedS()) } : {}),
  });
  // Under a time limit batches are cut to what the measured wall time says fits the time left.
  const clock = createBatchClock(seeds.length * variants.length, evaluator.concurrency, options.timeLimitS, elapsedS);
  const fits = (n: number): number => clock.fits(n);
  /** Score `xs` (plans `plans`), record history; undefined when aborted. */
  const run = async (plans: readonly CandidatePlan[], xs: ReadonlyArray<Float64Array | null>): Promise<(Scored & { starved: number[] }) | undefined> => {
    const t0 = performance.now();
    const result = { ...await scoreWithJunctions(evaluator, plans, seeds, variants, objective, penalty, net.junctionCount, evalOptions), starved: plans.map(() => 0) };
    // Dropped when aborted, or when it ended after the time limit (before the limit's timer fired).
    const doneS = elapsedS();
    if (result.aborted || (options.timeLimitS !== undefined && doneS > options.timeLimitS)) return undefined;
    clock.measure(t0, plans.length);
    batches++;
    for (const f of result.failures) failures.push({ evaluation: evaluations + f.candidate + 1, seed: f.seed, message: f.message });
    result.values.forEach((value, k) => {
      evaluations++;
      const x = xs[k];
      const g = result.gridlockedRuns[k];
      if (x === null) referenceStalls = result.stalls[k];
      const h = starvedOf(result.stalls[k]);
      result.starved[k] = h;
      if (x === null) startPlan = scored(plans[k], value, null, g); // the start plan, evaluated as given
      const plan = x === null ? startPlan : scored(plans[k], value, Array.from(x), g, h);
      elite.remember(plan);
      // Gridlock first, then starvation (score.ts), then the objective; the start plan replaces an unscored best.
      if (isBetterScore(plan, best) || (x === null && !(best.value <= value))) best = plan;
      history.push({ evaluation: evaluations, batch: batches, elapsedS: doneS, objective: value, best: best.value, ...(g > 0 ? { gridlockedRuns: g } : {}), ...(h > 0 ? { starvedRuns: h } : {}) });
    });
    return result;
  };
  const timeUp = (): boolean => options.timeLimitS !== undefined && elapsedS() >= options.timeLimitS;

  // The start plan exactly (alone: it also measures how long a run takes), then as much of the initial design as fits.
  const first = await run([start], [null]);
  if (first === undefined) return finish(stopped());
  progress();
  const initial = (options.initial ?? []).slice(0, Math.min(budget - 1, fits(options.initial?.length ?? 0)));
  const design = initial.length > 0 && !timeUp() ? await run(initial.map((x) => space.plan(x)), initial) : undefined;
  if (initial.length > 0 && design === undefined && !timeUp()) return finish(stopped());
  if (design !== undefined) progress();
  // The search starts from the best of them (the start plan on ties).
  let incumbent = space.encodePlan(start);
  let delayI = first.delay[0];
  let vehiclesI = first.vehicles[0];
  let valueI = first.values[0];
  const starvedI = first.starved[0]; // 0: the start plan is the reference; no accepted plan starves more
  design?.values.forEach((v, k) => {
    if (!(v < valueI) || design.starved[k] > starvedI) return;
    incumbent = Float64Array.from(initial[k]);
    delayI = design.delay[k];
    vehiclesI = design.vehicles[k];
    valueI = v;
  });

  const localOf = (group: Group, delay: Float64Array, vehicles: Float64Array): number => {
    let sum = 0;
    for (const j of group.region) sum += delay[j] + penalty * Math.max(0, vehiclesI[j] - vehicles[j]);
    return sum;
  };

  for (;;) {
    if (options.signal?.aborted) return finish('interrupted');
    if (evaluations >= budget) return finish('budget');
    if (timeUp()) return finish('time');
    if (groups.every((g) => g.step < minStep)) return finish('converged');

    // 1. Exploration: per class one candidate (each member its own move); per global gene a +step and a -step candidate.
    const chosen = groups.map((g) => g.genes[g.cursor % g.genes.length]);
    const target = (i: number, sign: number): number => {
      const g = groups[i];
      const v = incumbent[chosen[i]];
      const moved = clip(v + sign * g.step);
      return moved !== v ? moved : clip(v - sign * g.step); // at a bound: the other way
    };
    const explore: Array<{ x: Float64Array; members: number[] }> = [];
    for (const list of classes) {
      const members = list.filter((i) => groups[i].step >= minStep);
      if (members.length === 0) continue;
      const x = Float64Array.from(incumbent);
      for (const i of members) x[chosen[i]] = target(i, groups[i].sign);
      explore.push({ x, members });
    }
    for (const i of globals) {
      if (groups[i].step < minStep) continue;
      for (const sign of [1, -1]) {
        const x = Float64Array.from(incumbent);
        x[chosen[i]] = clip(x[chosen[i]] + sign * groups[i].step);
        explore.push({ x, members: [i] });
      }
    }
    const cutExplore = explore.slice(0, fits(Math.min(explore.length, budget - evaluations)));
    if (cutExplore.length === 0) return finish('time'); // not even one candidate would finish in the time left
    const scoredExplore = await run(cutExplore.map((c) => space.plan(c.x)), cutExplore.map((c) => c.x));
    if (scoredExplore === undefined) return finish(stopped());
    progress();

    // 2. Credit each signal's move by its region; global moves by the network objective.
    const bestMove = new Map<number, Move>();
    cutExplore.forEach((c, k) => {
      if (!Number.isFinite(scoredExplore.values[k]) || scoredExplore.starved[k] > starvedI) return; // a starving candidate credits no move
      for (const i of c.members) {
        const group = groups[i];
        const gain = globals.includes(i)
          ? valueI - scoredExplore.values[k]
          : localOf(group, delayI, vehiclesI) - localOf(group, scoredExplore.delay[k], scoredExplore.vehicles[k]);
        if (gain > 1e-9 && (bestMove.get(i)?.gain ?? 0) < gain) bestMove.set(i, { group: i, gene: chosen[i], value: c.x[chosen[i]], gain });
      }
    });

    // 3. Merge: every improving move, and the stronger half of them.
    const moves = [...bestMove.values()].sort((a, b) => b.gain - a.gain || a.group - b.group);
    const merged: Float64Array[] = [];
    const apply = (list: readonly Move[]): Float64Array => {
      const x = Float64Array.from(incumbent);
      for (const m of list) x[m.gene] = m.value;
      return x;
    };
    if (moves.length > 1) merged.push(apply(moves));
    if (moves.length > 3) merged.push(apply(moves.slice(0, Math.ceil(moves.length / 2))));
    const cutMerged = evaluations < budget && !timeUp() ? merged.slice(0, fits(Math.min(merged.length, budget - evaluations))) : [];
    const scoredMerged = cutMerged.length > 0 ? await run(cutMerged.map((x) => space.plan(x)), cutMerged) : undefined;
    if (cutMerged.length > 0 && scoredMerged === undefined) return finish(stopped());
    if (scoredMerged !== undefined) progress();

    // 4. Accept the round's best on the whole network; adapt the steps.
    let winner: { x: Float64Array; value: number; delay: Float64Array; vehicles: Float64Array } | undefined;
    const consider = (x: Float64Array, value: number, starved: number, delay: Float64Array, vehicles: Float64Array): void => {
      if (value < valueI && starved <= starvedI && (winner === undefined || value < winner.value)) winner = { x, value, delay, vehicles };
    };
    cutExplore.forEach((c, k) => consider(c.x, scoredExplore.values[k], scoredExplore.starved[k], scoredExplore.delay[k], scoredExplore.vehicles[k]));
    cutMerged.forEach((x, k) => scoredMerged && consider(x, scoredMerged.values[k], scoredMerged.starved[k], scoredMerged.delay[k], scoredMerged.vehicles[k]));
    const accepted = winner;
    const tried = new Set(cutExplore.flatMap((c) => c.members));
    for (const i of tried) {
      const group = groups[i];
      const kept = accepted !== undefined && bestMove.has(i) && accepted.x[chosen[i]] === bestMove.get(i)?.value;
      if (kept) {
        group.failures = 0; // try the same move again
        continue;
      }
      if (group.sign === 1) {
        group.sign = -1;
      } else {
        group.sign = 1;
        group.cursor++;
      }
      if (++group.failures >= 2 * group.genes.length) {
        group.step /= 2;
        group.failures = 0;
      }
    }
    if (accepted !== undefined) {
      incumbent = accepted.x;
      valueI = accepted.value;
      delayI = accepted.delay;
      vehiclesI = accepted.vehicles;
    }
  }
}

/**
 * The optimisation loop: from a start plan (Webster's, normally), ask a search
 * method for a batch of candidate vectors, decode them to programs, evaluate the
 * batch through an `Evaluator` (in-process or a worker pool), score each
 * candidate, tell the method, checkpoint, repeat until the budget, the time
 * limit, convergence or an interrupt.
 *
 * Scoring: every candidate runs on the same seeds and demand variants (common
 * random numbers: candidate A and B see the same vehicles), and its objective is
 * the mean over those runs of the per-run objective (see {@link runObjective}).
 * With fixed seeds the objective is deterministic, so the search compares plans
 * without noise; the price is over-fitting to those seeds, which is why plans are
 * compared afterwards on held-out seeds (`comparePlans`).
 *
 * The start plan itself is evaluated first (exactly, not through the vector
 * encoding), and the best plan is never worse than it on the training seeds.
 *
 * Starvation (`starvation: true`, the adaptive kinds): a candidate's run whose
 * longest queue stall is far beyond the start plan's on the same run is starved
 * (starvation.ts); starved runs rank after gridlocked runs and before the
 * objective, and the search method is told such a candidate as failed
 * (Infinity), so it searches the settings that serve every movement.
 *
 * Checkpoint: a JSON file written atomically (temporary file + rename) after
 * every batch, holding the search state, every evaluation's value and the best
 * plan (format and checks: checkpoint.ts). `resume` continues from it: the
 * search draws from per-generation random streams, so a resumed run follows the
 * same path an uninterrupted one would have, and no finished evaluation is run
 * again. A resumed checkpoint is checked against the run first (its history,
 * its plans against their vectors and the start plan).
 *
 * Budget: never exceeded. A batch (the first one with its design, or a search
 * batch) that would pass it is cut to the evaluations left; the search is then
 * not told the cut batch (it ends there). Under a time limit a search batch is
 * also cut to the candidates that the wall time of the batches so far says
 * will finish in the time left (a cut batch ends the search likewise), so the
 * last batch is seldom thrown away at the limit. Under a time limit the first
 * batch is two: the start plan alone, then the design cut to what its wall time
 * says fits, so a search given little time still has its start plan scored.
 */
import { CHECKPOINT_VERSION, checkCheckpoint, writeCheckpoint } from './checkpoint.js';
import { createBatchClock } from './batch-clock.js';
import { createElite } from './elite.js';
import { InputError, UsageError } from '../errors.js';
import type { NetworkMetrics } from '../sim/metrics.js';
import type { SignalProgramSpec } from '../signals/program.js';
import type { Candidate, CandidatePlan, ControlSpec, EvaluateOptions, Evaluator } from './evaluator.js';
import { isBetterScore } from './score.js';
import { starvedRuns } from './starvation.js';
import { createSearch, type SearchMethodName } from './search.js';
import type { PlanSpace } from './space.js';
import { OBJECTIVES, type HistoryRow, type ObjectiveName, type OptimiseCheckpoint, type ScoredPlan } from './records.js';

export { OBJECTIVES };
export type { HistoryRow, ObjectiveName, OptimiseCheckpoint, ScoredPlan };

/** Default extra charge per unfinished trip, s, on top of counting its time to the end of the run (see {@link runObjective}). */
export const DEFAULT_UNFINISHED_PENALTY = 0;

/**
 * The objective of one run (lower is better), over every trip due before the
 * scheduled end of the run, unfinished ones counted up to that end (CityFlow's
 * average travel time; `NetworkMetrics.meanTravelTimeAllTrips`):
 * - `delay`: mean delay per trip, s (`meanDelayAllTrips`);
 * - `travelTime`: mean travel time per trip, s (`meanTravelTimeAllTrips`);
 * - `vehicleHours`: total hours those trips spent from their planned departure
 *   to their arrival or the end (waiting to enter included).
 * `penalty` (s, default 0) adds an extra charge per unfinished trip: the mean
 * gains `penalty * unfinished / dueTrips` (the vehicle-hours `penalty *
 * unfinished / 3600`). Finished-only means are never the objective: a plan that
 * stops vehicles from finishing would look good, their delay not counted.
 */
export function runObjective(m: NetworkMetrics, objective: ObjectiveName, penalty = DEFAULT_UNFINISHED_PENALTY): number {
  const due = m.dueTrips;
  const extra = due > 0 ? (penalty * m.unfinished) / due : 0;
  switch (objective) {
    case 'delay':
      return due > 0 ? m.meanDelayAllTrips + extra : 0;
    case 'travelTime':
      return due > 0 ? m.meanTravelTimeAllTrips + extra : 0;
    case 'vehicleHours':
      return (due > 0 ? (m.meanTravelTimeAllTrips * due) / 3600 : 0) + (penalty * m.unfinished) / 3600;
    default:
      throw new UsageError(`unknown objective "${String(objective)}"; use ${OBJECTIVES.join(', ')}`);
  }
}

/** Progress after each batch. */
export interface OptimiseProgress {
  evaluations: number;
  budget: number;
  batches: number;
  best: number;
  start: number;
  elapsedS: number;
  /** Time left before the time limit, s (absent without one). */
  timeLeftS?: number;
}

/** Options of {@link optimise}. */
export interface OptimiseOptions {
  /** Training seeds (each candidate runs on all of them). */
  seeds: readonly number[];
  /** Indices of the evaluator scenario's variants to average over. Default all given by `variantCount`. */
  variants: readonly number[];
  objective?: ObjectiveName;
  method?: SearchMethodName;
  /** Candidate evaluations (the start plan counts as one), never exceeded: the last batch is cut to fit. Default 200. */
  budget?: number;
  /**
   * Time limit, s (resumes included), never exceeded by the search: no batch
   * starts after it, and a batch still running when it passes is cut short
   * (dropped; the checkpoint holds the state before it, stop reason `time`).
   * Default none.
   */
  timeLimitS?: number;
  /** Candidates per batch. Default: the method's (CMA-ES population; compass: 8). */
  batch?: number;
  /** Extra charge per unfinished trip, s, on top of counting it to the end. Default 0. */
  unfinishedPenalty?: number;
  /** Seed of the search's own random streams. Default 1. */
  searchSeed?: number;
  /** File to checkpoint to after every batch. */
  checkpoint?: string;
  /** A checkpoint to continue from (its fingerprint must match `fingerprint`). */
  resume?: OptimiseCheckpoint;
  /**
   * Extra vectors evaluated in the first batch with the start plan (see
   * `initialDesign`); the search starts from the best of them and the start.
   */
  initial?: readonly Float64Array[];
  /** Identifies scenario and options in the checkpoint. Default ''. */
  fingerprint?: string;
  /** Abort: finish nothing more, checkpoint what was done, resolve with `stopReason: 'interrupted'`. */
  signal?: AbortSignal;
  onProgress?: (progress: OptimiseProgress) => void;
  /** Best plans kept in `elite` (for re-ranking on fresh seeds). Default 5. */
  keep?: number;
  /** Rank runs where a candidate starves a movement next to the start plan (adaptive kinds; see the file header). Default false. */
  starvation?: boolean;
}

/** What {@link optimise} found. */
export interface OptimiseResult {
  start: ScoredPlan;
  best: ScoredPlan;
  history: HistoryRow[];
  evaluations: number;
  batches: number;
  elapsedS: number;
  /** The search that ran: a whole-vector method, or `local` (the decomposed search, local-search.ts). */
  method: SearchMethodName | 'local';
  objective: ObjectiveName;
  stopReason: 'budget' | 'time' | 'converged' | 'interrupted';
  /** Candidates whose runs failed (scored Infinity), with the first error. */
  failures: Array<{ evaluation: number; seed: number; message: string }>;
  /**
   * The best `keep` plans of this run with distinct objective values, best first
   * (the start plan included when it is among them; after a resume, only plans
   * scored since, and the best).
   */
  elite: ScoredPlan[];
}

/**
 * Score candidates: one batch through the evaluator, mean per-run objective per
 * candidate (Infinity if any run failed) and the number of its runs that gridlocked.
 */
export async function scoreCandidates(
  evaluator: Evaluator, candidates: readonly Candidate[], seeds: readonly number[], variants: readonly number[],
  objective: ObjectiveName, penalty: number, options: EvaluateOptions = {},
): Promise<{ values: number[]; gridlockedRuns: number[]; stalls: Float64Array[]; aborted: boolean; failures: Array<{ candidate: number; seed: number; message: string }> }> {
  const batch = await evaluator.evaluate({ candidates, seeds, variants }, options);
  const sums = new Float64Array(candidates.length);
  const counts = new Int32Array(candidates.length);
  const gridlockedRuns = new Array<number>(candidates.length).fill(0);
  const per = seeds.length * variants.length;
  // stalls[c][run]: longest queue stall of candidate c's run (variant position * seeds + seed position), NaN when it failed.
  const stalls = candidates.map(() => new Float64Array(per).fill(NaN));
  for (const r of batch.results) {
    sums[r.candidate] += runObjective(r.metrics.network, objective, penalty);
    counts[r.candidate]++;
    if (r.metrics.gridlock !== undefined) gridlockedRuns[r.candidate]++;
    stalls[r.candidate][r.task - r.candidate * per] = r.metrics.network.longestStall;
  }
  const failures = batch.failures.map((f) => ({ candidate: f.candidate, seed: f.seed, message: `${f.error.name}: ${f.error.message}` }));
  const values = Array.from(sums, (s, c) => (counts[c] === per ? s / per : Infinity));
  return { values, gridlockedRuns, stalls, aborted: batch.aborted, failures };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A candidate as a plan: programs with the control running them (absent: fixed time). */
function asPlan(candidate: Candidate): CandidatePlan {
  return Array.isArray(candidate) ? { programs: candidate as readonly SignalProgramSpec[] } : (candidate as CandidatePlan);
}

/** A scored plan of `plan` (`control` only when it is not fixed time, so fixed-time checkpoints stay as they were). */
function scored(plan: CandidatePlan, value: number, x: number[] | null, gridlockedRuns = 0, starvedRuns = 0): ScoredPlan {
  const control = plan.control !== undefined && plan.control.kind !== 'fixed' ? { control: plan.control } : {};
  return { programs: [...plan.programs], ...control, value, ...(gridlockedRuns > 0 ? { gridlockedRuns } : {}), ...(starvedRuns > 0 ? { starvedRuns } : {}), x };
}

/** A history row, with its gridlocked and starved runs only when there were some (so checkpoints without them read as before). */
function historyRow(evaluation: number, batch: number, elapsedS: number, objective: number, best: number, gridlockedRuns: number, starvedRuns = 0): HistoryRow {
  return { evaluation, batch, elapsedS, objective, best, ...(gridlockedRuns > 0 ? { gridlockedRuns } : {}), ...(starvedRuns > 0 ? { starvedRuns } : {}) };
}

/**
 * Optimise a plan over `space` (fixed-time programs, or actuated settings),
 * starting from `start` (a plan of every junction of the space, of the space's
 * kind: Webster's programs, the actuated baseline). See the file header.
 */
export async function optimise(evaluator: Evaluator, space: PlanSpace, startCandidate: Candidate, options: OptimiseOptions): Promise<OptimiseResult> {
  const start = asPlan(startCandidate);
  const objective = options.objective ?? 'delay';
  const method = options.method ?? 'compass';
  const budget = options.budget ?? 200;
  const penalty = options.unfinishedPenalty ?? DEFAULT_UNFINISHED_PENALTY;
  const seeds = [...options.seeds];
  const variants = [...options.variants];
  if (!Number.isInteger(budget) || budget < 2) throw new UsageError(`budget must be an integer >= 2 evaluations, got ${String(budget)}`);
  if (seeds.length === 0) throw new UsageError('optimise needs at least one training seed');
  if (variants.length === 0) throw new UsageError('optimise needs at least one demand variant');
  if (!OBJECTIVES.includes(objective)) throw new UsageError(`unknown objective "${String(objective)}"; use ${OBJECTIVES.join(', ')}`);
  const fingerprint = options.fingerprint ?? '';
  const resume = options.resume;
  if (resume !== undefined) {
    const file = options.checkpoint ?? 'checkpoint';
    if (resume.format !== 'greenwave-optimise-checkpoint' || resume.version !== CHECKPOINT_VERSION) throw new InputError(file, `not a greenwave optimise checkpoint (version ${CHECKPOINT_VERSION})`);
    if (resume.fingerprint !== fingerprint) {
      throw new InputError(file, 'the checkpoint was written for another scenario or other options (seeds, variants, objective, search space); start afresh without --resume or use the same options');
    }
    if (resume.method !== method) throw new InputError(file, `the checkpoint was written by the ${resume.method} search; resume with --method ${resume.method}`);
    if (resume.objective !== objective || !sameList(resume.seeds, seeds) || !sameList(resume.variants, variants)) {
      throw new InputError(file, 'the checkpoint was written for other seeds, demand variants or another objective; start afresh without --resume or use the same options');
    }
    checkCheckpoint(resume, options.checkpoint ?? 'checkpoint', space, start);
  }

  const began = performance.now();
  const elapsed0 = resume?.elapsedS ?? 0;
  const elapsedS = (): number => elapsed0 + (performance.now() - began) / 1000;
  const history: HistoryRow[] = resume ? [...resume.history] : [];
  const failures: OptimiseResult['failures'] = [];
  let evaluations = resume?.evaluations ?? 0;
  let batches = resume?.batches ?? 0;
  let startPlan: ScoredPlan = scored(start, NaN, null);
  let best: ScoredPlan = startPlan;
  // The start plan's longest stall per training run: the reference of starvation (kept in the checkpoint).
  let referenceStalls: Float64Array | undefined = resume?.referenceStalls !== undefined ? Float64Array.from(resume.referenceStalls) : undefined;
  const starvedOf = (stalls: Float64Array): number => (options.starvation === true && referenceStalls !== undefined ? starvedRuns(stalls, referenceStalls) : 0);
  // The time limit aborts a batch in flight when it passes (the caller's signal aborts it too).
  const deadline = new AbortController();
  const timeLeftS = options.timeLimitS !== undefined ? options.timeLimitS - elapsed0 : Infinity;
  const timer = Number.isFinite(timeLeftS) ? setTimeout(() => deadline.abort(), Math.max(0, timeLeftS) * 1000) : undefined;
  timer?.unref();
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const evalOptions: EvaluateOptions = { signal };
  const pastLimit = (atS: number): boolean => options.timeLimitS !== undefined && atS > options.timeLimitS;
  const stopped = (): 'interrupted' | 'time' => (options.signal?.aborted ? 'interrupted' : 'time');
  const progress = (): void => options.onProgress?.({
    evaluations, budget, batches, best: best.value, start: startPlan.value, elapsedS: elapsedS(),
    ...(options.timeLimitS !== undefined ? { timeLeftS: Math.max(0, options.timeLimitS - elapsedS()) } : {}),
  });

  // Under a time limit a search batch is cut to what the measured wall time says fits the time left.
  const clock = createBatchClock(seeds.length * variants.length, evaluator.concurrency, options.timeLimitS, elapsedS);
  const fits = (n: number): number => clock.fits(n);
  const measure = (t0: number, n: number): void => clock.measure(t0, n);

  const elite = createElite(options.keep);
  const remember = (plan: ScoredPlan): void => elite.remember(plan);
  const finish = (stopReason: OptimiseResult['stopReason']): OptimiseResult => {
    clearTimeout(timer);
    return { start: startPlan, best, history, evaluations, batches, elapsedS: elapsedS(), method, objective, stopReason, failures, elite: elite.plans(best) };
  };

  if (resume) {
    startPlan = resume.start;
    best = resume.best;
    remember(best);
  } else {
    // First batch: the start plan exactly, then the initial design, as much of it as the budget allows. Under a
    // time limit the start plan runs alone first: it is then scored even when the design would not finish in time,
    // and its wall time cuts the design to what fits (a search given little time still has its start to offer).
    const initial = (options.initial ?? []).slice(0, budget - 1);
    const designPlans = initial.map((x) => space.plan(x));
    const timed = options.timeLimitS !== undefined && designPlans.length > 0;
    const parts: CandidatePlan[][] = timed ? [[], designPlans] : [designPlans];
    for (const [p, part] of parts.entries()) {
      const withStart = p === 0;
      const plans = withStart ? part : part.slice(0, fits(part.length));
      if (!withStart && (plans.length === 0 || pastLimit(elapsedS()))) return finish('time');
      const t0 = performance.now();
      const batch = await scoreCandidates(evaluator, withStart ? [start, ...plans] : plans, seeds, variants, objective, penalty, evalOptions);
      const doneS = elapsedS();
      if (batch.aborted || pastLimit(doneS)) { // a batch that ends after the time limit is dropped like one cut by it
        return finish(stopped()); // without the start plan scored, start and best stay unscored (NaN)
      }
      measure(t0, batch.values.length);
      batches++;
      for (const f of batch.failures) failures.push({ evaluation: evaluations + f.candidate + 1, seed: f.seed, message: f.message });
      batch.values.forEach((value, k) => {
        evaluations++;
        const g = batch.gridlockedRuns[k];
        const d = withStart ? k - 1 : k; // index into the design
        if (d < 0) referenceStalls = batch.stalls[k];
        const h = starvedOf(batch.stalls[k]);
        if (d < 0) {
          startPlan = scored(start, value, null, g);
          best = startPlan;
          remember(startPlan);
        } else {
          const plan = scored(plans[d], value, Array.from(initial[d]), g, h);
          remember(plan);
          if (isBetterScore(plan, best)) best = plan;
        }
        history.push(historyRow(evaluations, batches, doneS, value, best.value, g, h));
      });
      if (plans.length < part.length) return finish('time'); // the design was cut by the time left
    }
  }
  // The search starts from the best plan of the first batch (the start plan unless the design found better).
  const x0 = best.x !== null ? Float64Array.from(best.x) : space.encodePlan(start);
  const search = createSearch(method, x0, {
    seed: options.searchSeed ?? 1,
    ...(options.batch !== undefined ? { batch: options.batch } : method === 'compass' ? { batch: 8 } : {}),
  }, resume?.search ?? undefined);

  const save = async (): Promise<void> => {
    if (options.checkpoint === undefined) return;
    await writeCheckpoint(options.checkpoint, {
      format: 'greenwave-optimise-checkpoint', version: CHECKPOINT_VERSION, fingerprint, method, objective, seeds, variants,
      evaluations, batches, elapsedS: elapsedS(), search: search.state(), start: startPlan, best, history,
      ...(referenceStalls !== undefined && referenceStalls.every(Number.isFinite) ? { referenceStalls: Array.from(referenceStalls) } : {}),
    });
  };
  if (!resume) await save();
  progress();

  for (;;) {
    if (options.signal?.aborted) return finish('interrupted');
    if (evaluations >= budget) return finish('budget');
    if (options.timeLimitS !== undefined && elapsedS() >= options.timeLimitS) return finish('time');
    if (search.converged) return finish('converged');
    const asked = search.ask();
    const xs = asked.slice(0, Math.min(budget - evaluations, fits(asked.length))); // never past the budget, nor (as measured) the time
    if (xs.length === 0) return finish('time'); // not even one candidate would finish in the time left
    const cut = xs.length < asked.length;
    const timeCut = xs.length < Math.min(asked.length, budget - evaluations);
    const candidates = xs.map((x) => space.plan(x));
    const t0 = performance.now();
    const batch = await scoreCandidates(evaluator, candidates, seeds, variants, objective, penalty, evalOptions);
    // The partial batch (or one that ended after the limit, before its timer fired) is dropped: the checkpoint still holds the state before it.
    const doneS = elapsedS();
    if (batch.aborted || pastLimit(doneS)) return finish(stopped());
    measure(t0, xs.length);
    batches++;
    for (let k = 0; k < xs.length; k++) {
      evaluations++;
      const value = batch.values[k];
      const g = batch.gridlockedRuns[k];
      const plan = scored(candidates[k], value, Array.from(xs[k]), g, starvedOf(batch.stalls[k]));
      remember(plan);
      if (isBetterScore(plan, best)) best = plan;
      history.push(historyRow(evaluations, batches, doneS, value, best.value, g, plan.starvedRuns ?? 0));
    }
    for (const f of batch.failures) failures.push({ evaluation: evaluations - xs.length + f.candidate + 1, seed: f.seed, message: f.message });
    // A starving candidate is told as failed: the method moves on to settings that serve every movement.
    const told = batch.values.map((v, k) => (starvedOf(batch.stalls[k]) > 0 ? Infinity : v));
    if (!cut) search.tell(xs, told); // a cut batch ends the search at the budget; the method never learns of a part of one
    await save();
    progress();
    if (timeCut) return finish('time');
  }
}

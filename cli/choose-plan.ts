/**
 * Which plan `greenwave optimise` writes, and the demand its held-out checks run on.
 *
 * - Held-out demand: when the scenario's demand has no randomness of its own
 *   (explicit trips, uniform flows: engine/optimise/perturb.ts), every held-out
 *   seed runs on its own copy with departures jittered (±60 s), so the
 *   comparison is not the training run again; otherwise the nominal demand.
 * - Choice: the best {@link RERANK_TOP} plans of each search, and each
 *   search's start plan (Webster's, the default actuated or max-pressure
 *   settings: what the search set out to beat) when it is not among them, are
 *   re-ranked on fresh runs (one per training demand scale, at seeds never used
 *   elsewhere, jittered like the held-out demand when the demand is
 *   deterministic) against Webster's plan, gridlock first (a plan that
 *   gridlocked, or left trips unfinished, on more fresh runs never beats one
 *   that did so on fewer), then starvation (an adaptive plan whose queues
 *   stalled far longer than under its kind's default settings, the search's
 *   start, on more fresh runs: engine/optimise/starvation.ts), then by the pessimistic paired gain of
 *   engine/optimise/robust.ts. The start plans keep a kind's choice from
 *   falling below its own default when all its tuned plans starve. Without fresh
 *   runs the training ranking decides (gridlocked training runs first, then the
 *   objective). The best of each kind is the best-ranked plan of that kind.
 */
import type { DemandSpec } from '../engine/demand/demand.js';
import { scaleDemand } from '../engine/demand/scale.js';
import type { SimulateOptions } from '../engine/sim/simulate.js';
import { heldOutVariants, isDeterministicDemand, jitterDepartures, DEFAULT_HELD_OUT_JITTER_S } from '../engine/optimise/perturb.js';
import { rerankPlans, type RerankResult } from '../engine/optimise/robust.js';
import { isBetterScore } from '../engine/optimise/score.js';
import type { Candidate, Evaluator } from '../engine/optimise/evaluator.js';
import type { ObjectiveName, OptimiseResult, ScoredPlan } from '../engine/optimise/optimise.js';

/** Plans of each search re-ranked on fresh runs. */
export const RERANK_TOP = 3;

/** Seeds of the re-ranking runs: far from training (first + i) and held-out (first + 100,000 + i) seeds. */
export const RERANK_SEED_OFFSET = 200_000;

type Variant = { name: string; demand: DemandSpec; options: Omit<SimulateOptions, 'seed'> };

/** The extra evaluator variants of the held-out comparison and the re-ranking, appended to `variants`. */
export function extraVariants(
  variants: Variant[], demand: DemandSpec, options: Variant['options'], heldOutSeeds: readonly number[], scales: readonly number[], first: number,
): { heldOutPaired?: number[]; heldOutDemand: string; rerankPairs: Array<[number, number]> } {
  const deterministic = isDeterministicDemand(demand);
  let heldOutPaired: number[] | undefined;
  if (deterministic) heldOutPaired = heldOutVariants(demand, heldOutSeeds).map((v) => variants.push({ ...v, options }) - 1);
  const rerankPairs = scales.map((factor, i): [number, number] => {
    const seed = first + RERANK_SEED_OFFSET + i;
    const scaled = scaleDemand(demand, factor);
    const name = `re-rank demand x${factor}${deterministic ? `, departures jittered ±${DEFAULT_HELD_OUT_JITTER_S} s` : ''}`;
    return [seed, variants.push({ name, demand: deterministic ? jitterDepartures(scaled, seed) : scaled, options }) - 1];
  });
  const heldOutDemand = deterministic
    ? `the demand has no randomness of its own (explicit trips): each held-out seed runs on its own copy with departures jittered uniformly by up to ±${DEFAULT_HELD_OUT_JITTER_S} s`
    : 'nominal demand (its own randomness differs by seed)';
  return { ...(heldOutPaired ? { heldOutPaired } : {}), heldOutDemand, rerankPairs };
}

/** A search that finished, as the command keeps it. */
export interface DoneSearch<C extends string> {
  control: C;
  result: OptimiseResult;
}

/** The chosen plan, the best plan of each kind and the re-ranking behind them. */
export interface Choice<C extends string> {
  /** The search the chosen plan came from. */
  search: DoneSearch<C>;
  plan: ScoredPlan;
  /** Best-ranked plan of each search, in the order of the searches. */
  bestOf: Array<{ search: DoneSearch<C>; plan: ScoredPlan }>;
  /** Every plan that was a candidate, best first (the re-ranking's order; without it, the best of each search by training value). */
  ranked: Array<RankedPlan<C>>;
  rerank?: RerankResult;
}

/** A candidate plan with its search and its label in the re-ranking ("fixed-time #2"). */
export interface RankedPlan<C extends string> {
  search: DoneSearch<C>;
  label: string;
  plan: ScoredPlan;
}

/**
 * Choose the plan to write: re-rank the best plans of every search (see the
 * module header); without fresh runs, or when the re-ranking was interrupted,
 * the lowest training objective wins.
 */
export async function choosePlan<C extends string>(
  evaluator: Evaluator, done: ReadonlyArray<DoneSearch<C>>, webster: Candidate,
  options: { pairs: ReadonlyArray<readonly [number, number]>; objective: ObjectiveName; penalty: number; label: (c: C) => string; signal?: AbortSignal },
): Promise<Choice<C>> {
  const byTraining = done.reduce((a, b) => (isBetterScore(b.result.best, a.result.best) ? b : a));
  const bests = [...done].sort((a, b) => (isBetterScore(a.result.best, b.result.best) ? -1 : isBetterScore(b.result.best, a.result.best) ? 1 : 0))
    .map((s) => ({ search: s, label: `${options.label(s.control)} #1`, plan: s.result.best }));
  const fallback: Choice<C> = { search: byTraining, plan: byTraining.result.best, bestOf: done.map((s) => ({ search: s, plan: s.result.best })), ranked: bests };
  const inputs: Array<RankedPlan<C> & { starvationReference?: number }> = [];
  for (const s of done) {
    const top = s.result.elite.slice(0, RERANK_TOP).map((plan, k): RankedPlan<C> => ({ search: s, label: `${options.label(s.control)} #${k + 1}`, plan }));
    const start = s.result.start;
    const startIn = !Number.isFinite(start.value) || top.some((t) => t.plan.x === null);
    const own = startIn ? top : [...top, { search: s, label: `${options.label(s.control)} start`, plan: start }];
    // an adaptive plan's starvation is judged against its kind's default controller (the search's start), as in the search
    const at = own.findIndex((t) => t.plan.x === null);
    const reference = at >= 0 && s.result.start.control !== undefined && s.result.start.control.kind !== 'fixed' ? inputs.length + at : undefined;
    inputs.push(...own.map((t) => (reference !== undefined ? { ...t, starvationReference: reference } : t)));
  }
  if (inputs.length < 2 || options.pairs.length === 0) return fallback;
  const rerank = await rerankPlans(evaluator, inputs, webster, { pairs: options.pairs, objective: options.objective, penalty: options.penalty, ...(options.signal ? { signal: options.signal } : {}) });
  if (rerank.aborted || !Number.isFinite(rerank.ranked[0].score)) return { ...fallback, rerank };
  const rank = new Map(rerank.ranked.map((e, i) => [e.label, i]));
  const bestOf = done.map((s) => {
    const own = inputs.filter((i) => i.search === s).sort((a, b) => (rank.get(a.label) ?? Infinity) - (rank.get(b.label) ?? Infinity));
    return { search: s, plan: own[0]?.plan ?? s.result.best };
  });
  const chosen = inputs[rerank.chosen];
  const byLabel = new Map(inputs.map((i) => [i.label, i]));
  return { search: chosen.search, plan: chosen.plan, bestOf, ranked: rerank.ranked.map((e) => byLabel.get(e.label)!), rerank };
}

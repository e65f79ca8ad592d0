/**
 * Dynamic user equilibrium by iterated simulation: drivers who learn.
 *
 * Loop (simulation-based dynamic traffic assignment, as SUMO's duaIterate.py,
 * DynusT and DTALite run it):
 *   0. Routes: the trip table's own where given, otherwise the free-flow fastest
 *      (or `initialRoutes`, a warm start from an earlier equilibrium).
 *   1. Simulate every trip on its route (same seed every iteration: common
 *      random numbers, so route changes, not noise, move the figures).
 *   2. Measure experienced travel times by entry interval, per movement (turn)
 *      and per last link (link-times.ts).
 *   3. Route every trip on those interval costs with time-dependent shortest
 *      paths, batched by origin and departure slot (routing/time-dependent.ts).
 *   4. Relative gap (below). Stop when it is under `gap`, when what remains of it
 *      is sampling noise (the noise check, below), or after `maxIterations`.
 *   5. Move travellers whose route is slower than the fastest onto the fastest:
 *      the vehicle-based method of successive averages (demand/route-swap.ts),
 *      with a step that shrinks as the iterations proceed (self-regulated
 *      averaging, Liu, He & He 2009, "Method of successive weighted averages
 *      (MSWA) and self-regulated averaging schemes for solving stochastic user
 *      equilibrium problem", Networks and Spatial Economics 9(4); or MSA's
 *      1/(k+1)), damped for travellers who would gain less than the average
 *      (gap-weighted, after Lu, Mahmassani & Zhou 2009) or not (`uniform`).
 *      Movers take the fastest route on costs smoothed across iterations
 *      (`costSmoothing`, smoothing.ts), routed for them alone. Go to 1.
 *      Backtracking: a move that overshoots is taken back. When an iteration's
 *      gap exceeds the last accepted iteration's by more than the threshold
 *      `gap` (more than a noisy measurement of the same state explains), its
 *      routes are rejected: the next move starts again from the accepted
 *      routes, their costs and fastest routes, with the step the observed
 *      overshoot points to. Were the gap linear in the step,
 *      g(s) = g_a |1 - s / s*| with s* the step that clears it, then a move of
 *      step s that ended at gap g > g_a overshot by g / g_a = s / s* - 1, so
 *      s* = s g_a / (g_a + g); the next move takes that step (at most half of
 *      s, since g > g_a). The backtracking line search of nonlinear
 *      optimisation (Nocedal & Wright 2006, "Numerical Optimization", sec. 3.1,
 *      3.5) on the relative gap as merit function: a large first step is kept
 *      where it works (the step of a congested network is not known in
 *      advance), and costs one simulation and one routing where it does not.
 *      When the budget ends on a rejected iteration, the accepted routes and
 *      their simulation are the result.
 *      With `gapCosts: 'smoothed'` steps 4 and 5 are judged on the smoothed
 *      costs instead (this iteration's entering with weight max(costSmoothing,
 *      previous step)): the gap, who moves and where are then all measured on
 *      the costs travellers choose on, and `newestGap` reports the gap on the
 *      iteration's own costs beside it.
 *   5'. Or, with `method: 'gawron'`, Gawron's route choice as SUMO's
 *      duaIterate.py runs it (route-sets.ts, gawron.ts): every traveller keeps
 *      up to `maxAlternatives` routes with remembered costs and probabilities;
 *      the fastest route of step 3 joins its set, the set's costs and
 *      probabilities are updated by Gawron's formula, and the traveller draws
 *      its next route from them. Go to 1.
 *   With `costsBy: 'link'` steps 2-5 see each link's mean time over its turns
 *   (plus each turn's free-flow offset) instead of each turn's own: the
 *   turn-blind edge times duaIterate.py routes on (link-times.ts), and every
 *   turn that yields costs `minorPenaltyS` more, as duarouter charges it
 *   (sim/yielding-turns.ts; 1.5 s by default with link costs, none with movement
 *   costs), from the free-flow routes of step 0 on.
 *
 * Relative gap of iteration k (the dynamic form of the static gap; Chiu et al.
 * 2011, "Dynamic Traffic Assignment: A Primer", TRB Circular E-C153, sec. 3.4):
 *     gap = sum_i (c_i - c*_i) / sum_i c_i
 * over every trip i that departs in [start, end) and has a route, where c_i is
 * the time-dependent traversal time of its route for its departure time on
 * iteration k's measured interval costs (movement by movement) and c*_i = min(c_i, fastest route's
 * time on the same costs). Unfinished trips are in the sum (their links carry
 * the time spent so far as a lower bound), as they are in every figure here:
 * each iteration reports arrived, unfinished and unroutable trips beside the
 * mean travel time of arrived trips and CityFlow's average travel time, which
 * counts unfinished trips up to the end. Departure delay (waiting to enter the
 * first link) is not a route cost: it is in the CityFlow figure, not the gap.
 *
 * How much of a gap is sampling noise: the movement times are means over the few
 * vehicles of each movement and interval, and c*_i is a minimum over routes on
 * them, so noise alone makes some route look faster than the one taken. When
 * the iteration budget is reached, the last iteration also measures the gap on
 * costs from every second vehicle only (`halfSampleGap`). Noise in a mean grows
 * as the samples shrink, an algorithm's shortfall does not: a half-sample gap
 * near twice the gap says the remaining gap is mostly noise (the variance of a
 * mean doubles with half the samples), one near the gap says it is the
 * assignment. The same half samples also give the cross-fitted gap
 * (`crossFitGap`, cross-fit.ts): routes chosen on one half and judged on the
 * other, which removes the bias of taking a minimum over noisy routes and
 * estimates the part of the gap an assignment could still remove (measured:
 * README, "Route choice that reacts").
 *
 * The noise check: every `noiseCheckEvery` iterations, when the gap is above
 * `gap` and would still be above it by the next check were it to keep falling
 * at its latest pace (g_k - noiseCheckEvery (g_(k-1) - g_k) >= gap: a run about
 * to converge is left to converge), and the iteration was not rejected, the
 * iteration also measures its cross-fitted gap (two more routings, on costs
 * recorded from each half of the vehicles). When that is below -`gap`, the
 * routes the measured times point to are slower than the drivers' own, on
 * independent times, by more than the tolerance: no shortfall of the
 * assignment is detectable above the sampling noise, and further moves would
 * follow noise, so the run stops (`stopped: 'noise'`; it has not converged:
 * the gap is still above the threshold, and is reported as it is). Between
 * -`gap` and 0 moves gain nothing but the shrinking step still lowers the gap,
 * and runs there converge later: on `sumo-grid10` with every trip twice
 * (link times, 900 s) seed 1 has a gap of 1.06% and a cross-fitted gap of
 * -0.39% at iteration 20 and converges at 28. The check does not wait for the
 * gap to stop falling (as it did until 2026-12-08): a gap that falls at the
 * pace of a small step through noise (the 30x30 grid below: 7.3% to 5.1% over
 * 27 iterations, its cross-fitted gap -5.0% at the end) was never checked, and
 * ran to the budget. What the check cannot
 * see it does not count: on a 30x30 grid with 60,000 trips it stops at
 * iteration 5 (gap 6.8-8.0%, cross-fitted -1.9 to -4.2%) with a mean travel
 * time 2-3% above the one 30 iterations reach (README, "How low the gap can
 * go").
 */
import { UsageError } from '../../errors.js';
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import { createRandom } from '../../demand/random.js';
import { gapWeightedShares, swapRoutes, withRoutes, type RouteSet } from '../../demand/route-swap.js';
import { createTimeDependentRouter, freeFlowCosts, traverse, type IntervalCosts } from '../../routing/time-dependent.js';
import type { BatchRoutes } from '../../routing/types.js';
import type { SignalSetup } from '../../signals/control.js';
import { resolveSimOptions } from '../../sim/options.js';
import { simulate, type SimulateOptions, type SimulationResult } from '../../sim/simulate.js';
import { crossFitGap } from './cross-fit.js';
import { LinkTimeRecorder } from './link-times.js';
import { withYieldPenalty } from './minor-penalty.js';
import { SUMO_MINOR_PENALTY_S, yieldingMovements } from '../../sim/yielding-turns.js';
import { DUAITERATE_GAWRON } from './gawron.js';
import { RouteSets } from './route-sets.js';
import { retargetMovers, smoothCosts } from './smoothing.js';

/** What ended an equilibrium run (`EquilibriumResult.stopped`). */
export type EquilibriumStop = 'gap' | 'noise' | 'budget';

/** Options of {@link equilibrate}. */
export interface EquilibriumOptions {
  /**
   * How travellers change route between iterations: `swap` (default) the
   * vehicle-based successive averages of step 5 in the module header; `gawron`
   * Gawron's route sets as SUMO's duaIterate.py runs them (route-sets.ts,
   * gawron.ts): each traveller keeps up to `maxAlternatives` routes with
   * remembered costs and probabilities and draws its next route from them.
   * `swap`, `step`, `costSmoothing` and `gapCosts` belong to `swap` only.
   */
  method: 'swap' | 'gawron';
  /** Gawron: weight of a route's newly measured cost when it was not driven, (0, 1]. Default 0.9 (duaIterate's). */
  gawronBeta: number;
  /** Gawron: sensitivity of the probabilities to relative cost differences, >= 0. Default 0.5 (duaIterate's). */
  gawronA: number;
  /**
   * Travel times route choice sees: `movement` (default) each turn's own
   * measured time; `link` each link's mean over its turns plus the turn's
   * free-flow time offset, as SUMO's duaIterate.py measures edges
   * (link-times.ts). The gap is measured on the same costs.
   */
  costsBy: 'movement' | 'link';
  /**
   * Seconds added to the route cost of every turn whose vehicles yield (left
   * turns across opposing traffic, U-turns, minor movements at priority
   * junctions: sim/yielding-turns.ts), in every cost route choice and the gap see,
   * the free-flow costs of the first routes included: SUMO's duarouter
   * `--weights.minor-penalty`. Default: 1.5 (SUMO's default) with `costsBy:
   * link`, whose turn-blind link times do not tell a yielding turn from the
   * one beside it; 0 with `costsBy: movement`, whose measured turn times
   * already hold the wait for a gap.
   */
  minorPenaltyS: number;
  /** Gawron: most routes a traveller keeps, 1..50. Default 5 (SUMO's max-alternatives). */
  maxAlternatives: number;
  /** Most simulations (iterations) to run, >= 1. Default 30. */
  maxIterations: number;
  /** Stop once the relative gap is below this (0..1). Default 0.01 (1%). */
  gap: number;
  /**
   * Every this many iterations, when the gap is above `gap` and not about to
   * fall under it (module header), check whether what remains of it is
   * sampling noise (the
   * cross-fitted gap below -`gap`: module header) and stop if it is. Each check
   * costs two more routings. 0: never (the gap or the budget ends the run).
   * Default 5.
   */
  noiseCheckEvery: number;
  /** Width of the intervals travel times are measured in, s. Default 900 (15 minutes, as SUMO's duaIterate.py; shorter intervals follow congestion more closely but average fewer vehicles, so their noise keeps the gap up: README, "How low the gap can go"). */
  intervalS: number;
  /** Departure slot of batch routing (trips of one origin and slot share a search), s. Default 60. */
  slotS: number;
  /**
   * Who moves to the fastest route: `gap-weighted` (default) with probability
   * step x min(1, own relative excess / gap), `uniform` everyone slower than the
   * fastest with probability step (demand/route-swap.ts).
   */
  swap: 'gap-weighted' | 'uniform';
  /**
   * Step after iteration k: `self-regulated` (default; Liu, He & He 2009) 1/beta_k
   * with beta_1 = 1 and beta_k = beta_(k-1) + 1.5 when the gap rose, + 0.25 when
   * it fell; `msa` 1/(k+1).
   */
  step: 'self-regulated' | 'msa';
  /**
   * Least weight of the newest iteration's measured costs in the costs movers
   * choose their new route on, (0, 1]: s_k = w_k c_k + (1 - w_k) s_(k-1) with
   * w_k = max(costSmoothing, step of iteration k) (smoothing.ts), so the memory
   * grows as the step shrinks. 1 = the newest costs only. Default 0.5. The gap
   * is always measured on the newest costs.
   */
  costSmoothing: number;
  /**
   * Costs the gap, who moves and where are judged on: `newest` (default) this
   * iteration's measured costs, movers routed on the smoothed costs; `smoothed`
   * all three on the smoothed costs (this iteration's entering with weight
   * max(costSmoothing, previous step)), so the stopping criterion is the gap of
   * the costs the travellers choose on (smoothing.ts). `newestGap` is reported
   * either way.
   */
  gapCosts: 'newest' | 'smoothed';
  /** Warm start: routes of every trip (CSR; an empty route = free-flow fastest), e.g. an earlier equilibrium's `routes`. */
  initialRoutes?: RouteSet;
  /** Called after each iteration with its report. */
  onIteration?: (report: EquilibriumIteration) => void;
}

/** Defaults of {@link EquilibriumOptions}. */
export const DEFAULT_EQUILIBRIUM_OPTIONS: Readonly<Omit<EquilibriumOptions, 'initialRoutes' | 'onIteration' | 'minorPenaltyS'>> = {
  method: 'swap', maxIterations: 30, gap: 0.01, noiseCheckEvery: 5, intervalS: 900, slotS: 60, swap: 'gap-weighted', step: 'self-regulated', costSmoothing: 0.5,
  gapCosts: 'newest', gawronBeta: DUAITERATE_GAWRON.beta, gawronA: DUAITERATE_GAWRON.a, maxAlternatives: 5,
  costsBy: 'movement',
};

/** Default `minorPenaltyS` for costs by `costsBy` (see the option). */
export function minorPenaltyDefault(costsBy: EquilibriumOptions['costsBy']): number {
  return costsBy === 'link' ? SUMO_MINOR_PENALTY_S : 0;
}

/** Self-regulated averaging (Liu, He & He 2009): beta's growth after a gap that rose, and after one that fell (their suggested ranges: 1.5-2 and 0.01-0.5). */
const SRA_UP = 1.5;
const SRA_DOWN = 0.25;

/** One iteration: the simulation of the routes it started with, and what the next route choice found. */
export interface EquilibriumIteration {
  /** 1-based. */
  iteration: number;
  /** Relative gap (see the module header) on the costs `gapCosts` names, 0..1: the stopping criterion. */
  gap: number;
  /** Relative gap on this iteration's own measured costs, 0..1 (= `gap` with `gapCosts: 'newest'`). */
  newestGap: number;
  /** Mean travel time of arrived trips (insertion to arrival), s. */
  meanTravelTime: number;
  /** CityFlow's average travel time: every trip due before the end, unfinished ones counted to the end, s. */
  meanTimeAllTrips: number;
  trips: number;
  arrived: number;
  unfinished: number;
  unroutable: number;
  /** The run ended in a gridlock. */
  gridlock: boolean;
  /** Total experienced route time sum_i c_i, s (the gap's denominator). */
  routeTimeS: number;
  /** Travellers whose route was slower than the fastest. */
  candidates: number;
  /** Travellers moved to another route after this iteration (0 on the last); with `gawron`, travellers whose drawn route differs from the one they drove. */
  switched: number;
  /**
   * `swap` only: this iteration's routes were rejected, because their gap rose
   * above the last accepted iteration's by more than the threshold (the move
   * that produced them overshot: the backtracking of step 5 in the module
   * header). The next routes are drawn again from the accepted iteration's,
   * with a smaller step; `switched` counts that redrawn move.
   */
  rejected?: boolean;
  /** Gawron: mean routes per traveller's set after this iteration's update (undefined with `swap` and on the last iteration). */
  meanAlternatives?: number;
  /**
   * Relative gap of the same routes measured on costs from every second vehicle
   * only (see the module header), 0..1: set on the last iteration when the
   * iteration budget ends the run, otherwise undefined.
   */
  halfSampleGap?: number;
  /**
   * The part of the gap an assignment could still remove, estimated by sample
   * splitting (cross-fit.ts): fastest routes chosen on the costs of one half of
   * the vehicles, timed against the trips' own routes on the other half's,
   * relative to the route time; can be negative (then no shortfall is
   * detectable above the noise). Set when `halfSampleGap` is, and on the
   * iterations of the noise check (`noiseCheckEvery`).
   */
  crossFitGap?: number;
  /** Wall-clock seconds spent simulating and routing (for cost reporting only). */
  simulateS: number;
  routeS: number;
  /** Labels settled by this iteration's route searches (iteration 1: with the free-flow routes): routing work independent of the machine and its load. */
  routeLabels: number;
}

/** What {@link equilibrate} returns. */
export interface EquilibriumResult {
  /** Result of the last simulation (the routes of the last iteration). */
  result: SimulationResult;
  /** The trip table that simulation drove (every trip with its route). */
  trips: TripTable;
  /** The last iteration's routes (use as `initialRoutes` to warm-start another equilibrium). */
  routes: RouteSet;
  /** The last iteration's measured interval costs. */
  costs: IntervalCosts;
  iterations: EquilibriumIteration[];
  /** True when the gap fell below the threshold; false when the run stopped on noise or the iteration budget ran out. */
  converged: boolean;
  /**
   * What ended the run: `gap` (it fell below the threshold: converged), `noise`
   * (the gap is still above it, but no shortfall of the assignment is detectable
   * above the sampling noise: the last iteration's `crossFitGap` is below -`gap`),
   * `budget` (`maxIterations` ran out).
   */
  stopped: EquilibriumStop;
  /** How drivers chose, as run (the options with their defaults): for reports. */
  settings: Pick<EquilibriumOptions, 'method' | 'costsBy' | 'intervalS' | 'minorPenaltyS'>;
}

/** `options` over the defaults, checked; throws UsageError naming the option. */
export function resolveEquilibriumOptions(options: Partial<EquilibriumOptions>): EquilibriumOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<EquilibriumOptions>;
  const o: EquilibriumOptions = { ...DEFAULT_EQUILIBRIUM_OPTIONS, minorPenaltyS: minorPenaltyDefault(given.costsBy ?? DEFAULT_EQUILIBRIUM_OPTIONS.costsBy), ...given };
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1 && o.maxIterations <= 1000)) {
    throw new UsageError(`equilibrium.maxIterations must be an integer in 1..1000, got ${String(o.maxIterations)}`);
  }
  if (!(o.gap >= 0 && o.gap < 1)) throw new UsageError(`equilibrium.gap must be within [0, 1), got ${String(o.gap)}`);
  if (!(Number.isInteger(o.noiseCheckEvery) && o.noiseCheckEvery >= 0 && o.noiseCheckEvery <= 1000)) {
    throw new UsageError(`equilibrium.noiseCheckEvery must be an integer in 0..1000 (0: never), got ${String(o.noiseCheckEvery)}`);
  }
  if (!(o.intervalS > 0 && Number.isFinite(o.intervalS))) throw new UsageError(`equilibrium.intervalS must be a positive number of seconds, got ${String(o.intervalS)}`);
  if (!(o.slotS > 0 && Number.isFinite(o.slotS))) throw new UsageError(`equilibrium.slotS must be a positive number of seconds, got ${String(o.slotS)}`);
  if (o.swap !== 'gap-weighted' && o.swap !== 'uniform') throw new UsageError(`equilibrium.swap must be "gap-weighted" or "uniform", got ${String(o.swap)}`);
  if (o.step !== 'self-regulated' && o.step !== 'msa') throw new UsageError(`equilibrium.step must be "self-regulated" or "msa", got ${String(o.step)}`);
  if (o.gapCosts !== 'newest' && o.gapCosts !== 'smoothed') throw new UsageError(`equilibrium.gapCosts must be "newest" or "smoothed", got ${String(o.gapCosts)}`);
  if (!(o.costSmoothing > 0 && o.costSmoothing <= 1)) throw new UsageError(`equilibrium.costSmoothing must be within (0, 1], got ${String(o.costSmoothing)}`);
  if (o.method !== 'swap' && o.method !== 'gawron') throw new UsageError(`equilibrium.method must be "swap" or "gawron", got ${String(o.method)}`);
  if (!(o.gawronBeta > 0 && o.gawronBeta <= 1)) throw new UsageError(`equilibrium.gawronBeta must be within (0, 1], got ${String(o.gawronBeta)}`);
  if (!(o.gawronA >= 0 && Number.isFinite(o.gawronA))) throw new UsageError(`equilibrium.gawronA must be a number >= 0, got ${String(o.gawronA)}`);
  if (!(Number.isInteger(o.maxAlternatives) && o.maxAlternatives >= 1 && o.maxAlternatives <= 50)) {
    throw new UsageError(`equilibrium.maxAlternatives must be an integer in 1..50, got ${String(o.maxAlternatives)}`);
  }
  if (o.costsBy !== 'movement' && o.costsBy !== 'link') throw new UsageError(`equilibrium.costsBy must be "movement" or "link", got ${String(o.costsBy)}`);
  if (!(o.minorPenaltyS >= 0 && o.minorPenaltyS <= 600)) throw new UsageError(`equilibrium.minorPenaltyS must be a number of seconds in 0..600, got ${String(o.minorPenaltyS)}`);
  if (o.method === 'gawron') {
    for (const key of ['swap', 'step', 'costSmoothing', 'gapCosts'] as const) {
      if (given[key] !== undefined) throw new UsageError(`equilibrium.${key} applies to method "swap" only; method "gawron" keeps its own route costs (gawronBeta)`);
    }
  }
  return o;
}

/** Routes the trip table gives (empty where it gives none). */
function givenRoutes(trips: TripTable): RouteSet {
  return { offsets: trips.routeOffsets, links: trips.routeLinks };
}

/** `a` where it has a route, otherwise `b`. */
function fillRoutes(a: RouteSet, b: RouteSet): RouteSet {
  const count = a.offsets.length - 1;
  const pick = (i: number): RouteSet => (a.offsets[i + 1] > a.offsets[i] ? a : b);
  const offsets = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + pick(i).offsets[i + 1] - pick(i).offsets[i];
  const links = new Int32Array(offsets[count]);
  for (let i = 0; i < count; i++) {
    const r = pick(i);
    links.set(r.links.subarray(r.offsets[i], r.offsets[i + 1]), offsets[i]);
  }
  return { offsets, links };
}

/**
 * Iterate simulation and route choice towards a dynamic user equilibrium (see
 * the module header). `simOptions` are `simulate`'s (its `attach`, if any,
 * observes every iteration's simulation). Deterministic by `simOptions.seed`.
 */
export function equilibrate(
  net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, simOptions: SimulateOptions = {}, options: Partial<EquilibriumOptions> = {},
): EquilibriumResult {
  const steps = equilibrateSteps(net, trips, signals, simOptions, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/**
 * {@link equilibrate} one iteration at a time: yields each iteration's report
 * and returns the result. A caller that must stay responsive (the CLI, for
 * Ctrl-C) awaits the event loop between iterations, or stops iterating to
 * abandon the run. Options are checked at the first `next()`.
 */
export function* equilibrateSteps(
  net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, simOptions: SimulateOptions = {}, options: Partial<EquilibriumOptions> = {},
): Generator<EquilibriumIteration, EquilibriumResult, void> {
  const eq = resolveEquilibriumOptions(options);
  const { interval, progress, attach, ...kernel } = simOptions;
  const resolved = resolveSimOptions(kernel);
  const { start, end, seed } = resolved;
  const count = trips.count;
  if (eq.initialRoutes !== undefined && eq.initialRoutes.offsets.length !== count + 1) {
    throw new UsageError(`equilibrium.initialRoutes must have a route per trip (${count}), got ${eq.initialRoutes.offsets.length - 1}`);
  }
  const intervals = Math.max(1, Math.ceil((end - start) / eq.intervalS));
  const router = createTimeDependentRouter(net);
  const random = createRandom(seed).fork('equilibrium');
  const inRun = new Uint8Array(count);
  for (let i = 0; i < count; i++) inRun[i] = trips.depart[i] >= start && trips.depart[i] < end ? 1 : 0;

  let t = performance.now();
  // Yielding turns cost minorPenaltyS more in every cost routes are chosen and judged on (sim/yielding-turns.ts).
  const yields = eq.minorPenaltyS > 0 ? yieldingMovements(net) : new Uint8Array(0);
  const penalised = (c: IntervalCosts): IntervalCosts => withYieldPenalty(c, yields, eq.minorPenaltyS);
  const free = penalised(freeFlowCosts(net, start));
  let routes = fillRoutes(eq.initialRoutes ?? givenRoutes(trips), router.routeBatch(trips, free, eq.slotS));
  let routeS = (performance.now() - t) / 1000;
  let routeLabels = router.settled;
  // Gawron: every traveller's route set, starting from its first route at its free-flow cost.
  const sets = eq.method === 'gawron'
    ? new RouteSets(routes, Float64Array.from({ length: count }, (_, i) => traverse(net, free, routes.links, routes.offsets[i], routes.offsets[i + 1], trips.depart[i])), eq.maxAlternatives)
    : undefined;
  const iterations: EquilibriumIteration[] = [];
  let smoothed: IntervalCosts | undefined;
  // Every second vehicle, and the others: the half samples of the last iteration's noise check.
  const halves = [0, 1].map((h) => Uint8Array.from({ length: count }, (_, i) => (i % 2 === h ? 1 : 0)));
  /** Relative gap of `routes` on `on` (module header), with each trip's route time and the fastest routes. */
  const measureGap = (on: IntervalCosts): { gap: number; total: number; current: Float64Array; best: BatchRoutes } => {
    const best = router.routeBatch(trips, on, eq.slotS);
    routeLabels += router.settled;
    const current = new Float64Array(count);
    let total = 0;
    let excess = 0;
    for (let i = 0; i < count; i++) {
      const a = routes.offsets[i];
      const b = routes.offsets[i + 1];
      if (b === a) { current[i] = Infinity; continue; }
      const c = traverse(net, on, routes.links, a, b, trips.depart[i]);
      current[i] = c;
      if (inRun[i] === 0) continue;
      total += c;
      const cheapest = best.costs[i];
      if (cheapest < c) excess += c - cheapest;
    }
    return { gap: total > 0 ? excess / total : 0, total, current, best };
  };
  let beta = 1; // 1 / step of the self-regulated averaging
  let previousGap = Infinity; // of the last accepted iteration
  // Backtracking (swap): the last accepted iteration, from which the move after a rejected one is drawn again, and the step drawn from it.
  let accepted: { routes: RouteSet; current: Float64Array; best: BatchRoutes; gap: number; costs: IntervalCosts; smoothed: IntervalCosts | undefined; step: number } | undefined;
  for (let k = 1; ; k++) {
    t = performance.now();
    const table = withRoutes(trips, routes);
    const recorder = new LinkTimeRecorder(net, table, start, eq.intervalS, intervals);
    // Costs from each half of the vehicles: for the noise check, and when the budget ends the run.
    const budgetEnds = k >= eq.maxIterations;
    const checkDue = !budgetEnds && eq.noiseCheckEvery > 0 && k % eq.noiseCheckEvery === 0;
    const halfRecorders = budgetEnds || checkDue ? halves.map((h) => new LinkTimeRecorder(net, table, start, eq.intervalS, intervals, h)) : [];
    const result = simulate(net, table, signals, {
      ...kernel,
      ...(interval !== undefined ? { interval } : {}),
      ...(progress ? { progress } : {}),
      attach: (sim) => { sim.observe(recorder); for (const r of halfRecorders) sim.observe(r); attach?.(sim); },
    });
    const simulateS = (performance.now() - t) / 1000;
    t = performance.now();
    const costs = penalised(recorder.costs(eq.costsBy));
    const newest = measureGap(costs);
    // Judged on the smoothed costs: this iteration's costs enter with the previous iteration's weight (1/beta before its update).
    if (eq.gapCosts === 'smoothed') smoothed = smoothCosts(smoothed, costs, Math.max(eq.costSmoothing, 1 / beta));
    const judged = eq.gapCosts === 'smoothed' && smoothed !== undefined && smoothed !== costs ? measureGap(smoothed) : newest;
    const { gap, current, best } = judged;
    const total = newest.total;
    // The move that led here overshot: its gap rose above the accepted one's by more than the threshold (module header, step 5).
    const rejected = sets === undefined && !budgetEnds && accepted !== undefined && gap > accepted.gap + eq.gap;
    const converged = gap < eq.gap;
    // The noise check runs unless the gap, falling at its latest pace, would be under the threshold by the next check
    // (a run about to converge is left to converge); it measures the cross-fitted gap only, the budget's end both figures.
    const noiseCheck = checkDue && !rejected && !converged && gap - eq.noiseCheckEvery * (previousGap - gap) >= eq.gap;
    const halfCosts = budgetEnds || noiseCheck ? halfRecorders.map((r) => penalised(r.costs(eq.costsBy))) : [];
    const halfSampleGap = budgetEnds ? halfCosts.reduce((sum, c) => sum + measureGap(c).gap, 0) / halfCosts.length : undefined;
    let crossFit: number | undefined;
    if (halfCosts.length === 2) {
      const fit = crossFitGap(net, router, trips, routes, inRun, halfCosts[0], halfCosts[1], total, eq.slotS);
      crossFit = fit.gap;
      routeLabels += fit.labels;
    }
    const stopped: EquilibriumStop | undefined = converged ? 'gap' : noiseCheck && crossFit !== undefined && crossFit < -eq.gap ? 'noise' : budgetEnds ? 'budget' : undefined;
    const last = stopped !== undefined;
    // Step: MSA's 1/(k+1), or self-regulated averaging (Liu, He & He 2009): 1/beta,
    // beta growing by SRA_UP when the gap rose and by SRA_DOWN when it fell;
    // after a rejected move, the step its overshoot points to (module header).
    if (rejected && accepted !== undefined) {
      beta = (accepted.gap + gap) / (accepted.step * accepted.gap);
      smoothed = accepted.smoothed; // what the rejected routes met is not what the accepted ones will
    } else {
      beta = eq.step === 'msa' ? Math.max(k + 1, beta) : beta + (gap >= previousGap ? SRA_UP : SRA_DOWN);
      previousGap = gap;
    }
    const step = last ? 0 : 1 / beta;
    // The filter's memory grows as the step shrinks: the newest costs weigh max(costSmoothing, step).
    if (eq.gapCosts === 'newest' && sets === undefined && !rejected) smoothed = smoothCosts(smoothed, costs, Math.max(eq.costSmoothing, step));
    // The move starts from this iteration's routes, or after a rejection from the accepted iteration's again.
    const from = rejected && accepted !== undefined ? { ...accepted, step } : { routes, current, best, gap, costs, smoothed, step };
    if (sets === undefined) accepted = from;
    let moved: { routes: RouteSet; switched: number; meanAlternatives?: number };
    let candidates = 0;
    if (sets !== undefined) {
      for (let i = 0; i < count; i++) if (inRun[i] === 1 && best.costs[i] < current[i] - 1e-6) candidates++;
      moved = last ? { routes, switched: 0 } : sets.step(net, costs, best, trips.depart, inRun, { beta: eq.gawronBeta, a: eq.gawronA }, random.fork(`gawron${k}`));
    } else {
      const share = eq.swap === 'uniform' ? step : gapWeightedShares(from.current, from.best.costs, from.gap, step);
      const swap = swapRoutes(from.routes, from.current, from.best, from.best.costs, share, random.fork(`swap${k}`));
      candidates = swap.candidates;
      if (rejected) { // this iteration's own travellers slower than the fastest, not the accepted iteration's
        candidates = 0;
        for (let i = 0; i < count; i++) if (inRun[i] === 1 && best.costs[i] < current[i] - 1e-6) candidates++;
      }
      // Movers go to the fastest route on the smoothed costs (smoothing.ts); with gapCosts 'smoothed' `best` already is.
      // Their searches are batched by origin and measuring interval (their targets are not part of the gap, which keeps slotS).
      moved = eq.gapCosts === 'smoothed' || from.smoothed === undefined || from.smoothed === from.costs || swap.switched === 0 ? swap
        : retargetMovers(net, router, trips, from.routes, swap.moved, from.smoothed, Math.max(eq.slotS, eq.intervalS));
      if (moved !== swap) routeLabels += router.settled;
    }
    routeS += (performance.now() - t) / 1000;
    const n = result.network;
    const report: EquilibriumIteration = {
      iteration: k,
      gap,
      newestGap: newest.gap,
      meanTravelTime: n.meanTravelTime,
      meanTimeAllTrips: n.meanTravelTimeAllTrips,
      trips: n.trips,
      arrived: n.arrived,
      unfinished: n.unfinished,
      unroutable: n.unroutable,
      gridlock: result.gridlock !== undefined,
      routeTimeS: total,
      candidates,
      switched: moved.switched,
      ...(rejected ? { rejected } : {}),
      ...(moved.meanAlternatives !== undefined ? { meanAlternatives: moved.meanAlternatives } : {}),
      ...(halfSampleGap !== undefined ? { halfSampleGap } : {}),
      ...(crossFit !== undefined ? { crossFitGap: crossFit } : {}),
      simulateS,
      routeS,
      routeLabels,
    };
    routeS = 0;
    routeLabels = 0;
    iterations.push(report);
    eq.onIteration?.(report);
    yield report;
    if (stopped !== undefined) return { result, trips: table, routes, costs, iterations, converged, stopped, settings: { method: eq.method, costsBy: eq.costsBy, intervalS: eq.intervalS, minorPenaltyS: eq.minorPenaltyS } };
    routes = moved.routes;
  }
}

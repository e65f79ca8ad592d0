/**
 * `calibrate()`: demand from traffic counts, with the simulation in the loop.
 *
 * Method: a path flow estimator with column generation (Nie, Zhang & Recker
 * 2005) over routes x departure slots (`estimate.ts`, `pricing.ts`), in the
 * iterative estimation-assignment scheme for congested networks (Yang, Sasaki,
 * Iida & Asakura 1992, "Estimation of origin-destination matrices from link
 * traffic counts on congested networks", Transportation Research Part B 26(6)):
 *
 *   0. With a prior demand (the scenario's own), simulate it as it is: its fit is
 *      the "before" figure, its routes and departure slots the prior x0, its
 *      travel times the first assignment. Without one, travel times are free flow.
 *   1. Rebuild the time-shifted assignment matrix A from the current travel times.
 *   2. Estimate route flows: solve the restricted problem, price new routes from
 *      every allowed trip start and slot, repeat until no route improves the fit.
 *   3. Round to whole vehicles, give each a departure time (stratified in its
 *      slot, seeded) and SIMULATE: the counts the simulation produces, not those
 *      of the linear model, are what is reported, so counts downstream of queues
 *      are matched by the simulation and not only by the assignment.
 *   4. Fold the measured travel times and departure delays into the model (method
 *      of successive averages) and go to 1, until the simulated fit stops
 *      improving (1% over 3 iterations) or the iteration limit.
 *
 * The result is the iteration whose SIMULATED counts fit best (smallest sum of
 * squared GEH), as explicit trips (route and departure time): what the scenario
 * runs is exactly what was scored. Vehicles of the prior that depart outside the
 * counted slots cannot be checked against counts and are kept as they are.
 *
 * Deterministic for a given seed. Cancellable through `signal`: the loop yields
 * to the event loop every 50 ms of work and stops within one chunk.
 */
import { UsageError } from '../../errors.js';
import type { CompiledNetwork } from '../../network/compiled.js';
import type { DemandSpec, TripSpec, TripTable } from '../../demand/demand.js';
import { expandDemand } from '../../demand/expand.js';
import { createRandom } from '../../demand/random.js';
import { clockOf, CountsError, type CountSet } from '../../demand/counts.js';
import type { SignalSetup } from '../../signals/control.js';
import type { SimOptions } from '../../sim/options.js';
import { Assignment, countSlots, type Slot } from './assignment.js';
import { countConsistency, type CountConsistency } from './consistency.js';
import { RouteFlowProblem } from './estimate.js';
import { fitRows, fitSummary, type FitRow, type FitSummary } from './fit.js';
import { Pricer, RouteTable } from './pricing.js';
import { CountRecorder, type TimeBins } from './recorder.js';
import { Pacer, runObserved } from './run.js';
import { priorDemand, RouteCapture, tableSpecs } from './prior.js';
import { TravelTimes } from './travel-times.js';
import { tripEnds, type TripEndsPolicy } from './trip-ends.js';

/**
 * Signal control that depends on the demand (a scenario whose junctions get
 * Webster's plan for its demand): called with each demand the loop simulates.
 */
export type SignalsFor = (trips: readonly TripSpec[]) => SignalSetup;

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** Seed of departure times and of every simulation. Default 1. */
  seed?: number;
  /** Where trips may start and end (see trip-ends.ts). Default `auto`. */
  tripEnds?: TripEndsPolicy;
  /** Most simulation iterations. Default 12. */
  iterations?: number;
  /** Charge per vehicle, lambda (see estimate.ts). Default 0.05. */
  fleetPenalty?: number;
  /** Weight of the prior's GLS term (see estimate.ts). Default 0.1. */
  priorWeight?: number;
  /** Longest detour of a count-guided route over the fastest one (0.25 = 25%). Default 0.25. */
  detour?: number;
  /** Stop starting iterations after this many seconds of wall time. */
  timeLimitS?: number;
  /** Abort: the loop stops within a chunk of work and resolves with what finished. */
  signal?: AbortSignal;
  /** Called as the work proceeds. */
  onProgress?: (progress: CalibrationProgress) => void;
}

/** What {@link CalibrateOptions.onProgress} receives. */
export interface CalibrationProgress {
  /** `simulated`: an iteration's simulation finished; `fit` and `trips` are its own. */
  phase: 'prior' | 'estimate' | 'simulate' | 'simulated' | 'done';
  iteration: number;
  iterations: number;
  /** Columns (route x slot) in the estimation problem. */
  columns: number;
  /** Fit of the iteration just simulated (`simulated`), else of the best iteration so far. */
  fit?: FitSummary;
  /** Trips of the iteration being (or just) simulated. */
  trips?: number;
  elapsedS: number;
}

/** One simulated iteration. */
export interface IterationReport {
  /** 0: the prior as it is (only with a prior). */
  iteration: number;
  trips: number;
  columns: number;
  /** Sum of squared GEH over interval counts (what "best" minimises). */
  sumSquaredGeh: number;
  shareGehBelow5: number;
  periodShareGehBelow5: number;
  observed: number;
  simulated: number;
  elapsedS: number;
}

/** The calibrated demand and its fit. */
export interface CalibrationResult {
  /** The best iteration's trips (explicit routes and departure times, SI). Empty when nothing finished. */
  trips: TripSpec[];
  /** Best iteration (index into `iterations`), -1 when none finished. */
  best: number;
  /** calibration.csv rows of the best iteration. */
  rows: FitRow[];
  summary: FitSummary | undefined;
  /** Fit of the prior as it is, when there was one. */
  before: FitSummary | undefined;
  consistency: CountConsistency;
  iterations: IterationReport[];
  tripEnds: 'boundary' | 'any';
  slots: Slot[];
  /** Trips of the prior kept unchanged (departing outside the counted slots). */
  background: number;
  stopReason: 'converged' | 'iterations' | 'time' | 'interrupted';
}

interface Simulated {
  recorder: CountRecorder;
  table: TripTable;
  rows: FitRow[];
  summary: FitSummary;
  sumSquaredGeh: number;
  capture?: RouteCapture;
}

/**
 * Check that every count lies inside the run [start, end) (s on the scenario
 * clock), as `calibrate` does first. @throws CountsError with every count
 * outside, located at its file and line.
 */
export function checkCountWindow(counts: CountSet, start: number, end: number): void {
  const problems = counts.rows
    .filter((r) => r.begin < start || r.end > end)
    .map((r) => ({
      file: r.file, line: r.line, path: r.begin < start ? 'begin' : 'end',
      message: `expected a count interval inside the scenario's run ${clockOf(start)}-${clockOf(end)} (simulation.start and end), found ${clockOf(r.begin)}-${clockOf(r.end)}`,
    }));
  if (problems.length > 0) throw new CountsError(problems);
}

/**
 * Estimate a demand that reproduces `counts` when simulated on `net` with
 * `signals` (or the signals `signals(trips)` gives for each demand; see the file
 * header). `simOptions` are the scenario's run settings
 * (start, end, gridlock timeout ...); `prior` its demand, if it has one.
 * Throws `CountsError` for counts outside the run, `UsageError` for bad options.
 */
export async function calibrate(
  net: CompiledNetwork, counts: CountSet, signals: SignalSetup | SignalsFor, simOptions: Partial<SimOptions>, prior: DemandSpec | undefined, options: CalibrateOptions = {},
): Promise<CalibrationResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const seed = options.seed ?? 1;
  const maxIterations = options.iterations ?? 12;
  const lambda = options.fleetPenalty ?? 0.05;
  const priorWeight = options.priorWeight ?? 0.1;
  const detour = options.detour ?? 0.25;
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${String(seed)}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new UsageError(`iterations must be an integer >= 1, got ${String(maxIterations)}`);
  if (!(lambda > 0 && Number.isFinite(lambda))) throw new UsageError(`fleet penalty must be a positive number, got ${String(lambda)}`);
  if (!(priorWeight >= 0 && Number.isFinite(priorWeight))) throw new UsageError(`prior weight must be a number >= 0, got ${String(priorWeight)}`);
  if (!(detour >= 0 && Number.isFinite(detour))) throw new UsageError(`detour must be a number >= 0, got ${String(detour)}`);
  if (counts.rows.length === 0) throw new UsageError('no counts to calibrate against');
  const start = simOptions.start ?? 0;
  const end = simOptions.end ?? 3600;
  checkCountWindow(counts, start, end);
  const sim: Partial<SimOptions> = { ...simOptions, seed };
  const random = createRandom(seed);
  const pacer = new Pacer(options.signal);
  const report = (p: Omit<CalibrationProgress, 'elapsedS' | 'iterations'>): void => options.onProgress?.({ ...p, iterations: maxIterations, elapsedS: elapsed() });

  const slots = countSlots(counts, start);
  const binWidth = Math.min(300, (slots[slots.length - 1].end - slots[slots.length - 1].begin) / 3);
  const bins: TimeBins = { start, width: binWidth, count: Math.max(1, Math.ceil((end - start) / binWidth)) };
  const travel = new TravelTimes(net, bins);
  const assignment = new Assignment(net, counts, slots, travel);
  const ends = tripEnds(net, options.tripEnds ?? 'auto');
  const consistency = countConsistency(net, counts, ends);

  // Targets: the counts, capped at what the location can carry (the consistency report names those).
  const target = Float64Array.from(counts.rows, (r) => r.observed);
  const durations = Float64Array.from(counts.rows, (r) => r.end - r.begin);
  const capByKey = new Map(consistency.unservable.filter((u) => Number.isFinite(u.capacity)).map((u) => [`${u.location}@${u.begin}`, u.capacity]));
  counts.rows.forEach((r, i) => {
    const cap = capByKey.get(`${counts.locations[r.location].key}@${r.begin}`);
    if (cap !== undefined) target[i] = Math.floor(cap);
  });
  const problem = new RouteFlowProblem(target, durations, lambda, priorWeight);
  const routes = new RouteTable();
  const pricer = new Pricer(net, assignment, travel);
  const build = (route: number, slot: number) => assignment.column(routes.routes[route], slot, net);
  const slotOf = (t: number): number => slots.findIndex((s) => t >= s.begin && t < s.end);

  const iterations: IterationReport[] = [];
  let best: { trips: TripSpec[]; sim: Simulated; index: number } | undefined;
  let before: FitSummary | undefined;
  const background: TripSpec[] = [];
  let stopReason: CalibrationResult['stopReason'] = 'iterations';

  const simulateTrips = async (specs: TripSpec[], capture: boolean): Promise<Simulated | undefined> => {
    const table: TripTable = expandDemand(net, { trips: specs }, random.fork('demand'));
    const recorder = new CountRecorder(net, table, counts, bins);
    const routeCapture = capture ? new RouteCapture(table) : undefined;
    const setup = typeof signals === 'function' ? signals(specs) : signals;
    const done = await runObserved(net, table, setup, sim, routeCapture ? [recorder, routeCapture] : [recorder], pacer);
    if (!done) return undefined;
    const rows = fitRows(counts.rows.map((r, i) => ({ location: counts.locations[r.location].key, begin: r.begin, end: r.end, observed: r.observed, simulated: recorder.simulated[i] })));
    const sumSquaredGeh = rows.reduce((s, r) => s + r.geh * r.geh, 0);
    return { recorder, table, rows, summary: fitSummary(rows), sumSquaredGeh, ...(routeCapture ? { capture: routeCapture } : {}) };
  };
  const record = (index: number, specs: TripSpec[], s: Simulated): void => {
    iterations.push({
      iteration: index, trips: specs.length, columns: problem.size, sumSquaredGeh: s.sumSquaredGeh,
      shareGehBelow5: s.summary.shareGehBelow5, periodShareGehBelow5: s.summary.periodShareGehBelow5,
      observed: s.summary.totals.observed, simulated: s.summary.totals.simulated, elapsedS: elapsed(),
    });
    if (!best || s.sumSquaredGeh < best.sim.sumSquaredGeh) best = { trips: specs, sim: s, index: iterations.length - 1 };
    travel.update(s.recorder);
  };

  // 0. The prior, simulated as it is.
  if (prior && ((prior.trips?.length ?? 0) + (prior.flows?.length ?? 0) + (prior.od?.length ?? 0)) > 0) {
    report({ phase: 'prior', iteration: 0, columns: 0 });
    const table = expandDemand(net, prior, random.fork('prior'));
    const specs = tableSpecs(net, table);
    const s = await simulateTrips(specs, true);
    if (!s) return result('interrupted');
    before = s.summary;
    const { cells, background: outside } = priorDemand(net, s.table, specs, s.capture!, slotOf);
    background.push(...outside);
    record(0, specs, s);
    for (const cell of cells) {
      const id = routes.id(cell.route);
      problem.add(id, cell.slot, build(id, cell.slot), cell.vehicles, true);
    }
  }

  /** Coordinate descent as in `RouteFlowProblem.solve`, yielding between rounds; false when interrupted. */
  const solve = async (maxRounds: number, relativeTolerance: number): Promise<boolean> => {
    for (let round = 0; round < maxRounds; round++) {
      if (problem.round(relativeTolerance)) break;
      if (await pacer.tick()) return false;
    }
    return !(await pacer.tick());
  };
  const gradient = new Float64Array(counts.rows.length);
  const tolerance = 0.01 * lambda;
  for (let it = 1; it <= maxIterations; it++) {
    if (options.timeLimitS !== undefined && elapsed() > options.timeLimitS) {
      stopReason = 'time';
      break;
    }
    // 1. The assignment under the current travel times.
    for (let j = 0; j < problem.size; j += 2000) {
      problem.replaceColumns(build, j, j + 2000);
      if (await pacer.tick()) return result('interrupted');
    }
    problem.recompute();
    // 2. Estimate, pricing new routes until none improves the objective.
    report({ phase: 'estimate', iteration: it, columns: problem.size, ...(best ? { fit: best.sim.summary } : {}) });
    // The first estimate starts from nothing and needs more rounds; later ones refine.
    const rounds = it === 1 && before === undefined ? 6 : 3;
    for (let round = 0; round < rounds; round++) {
      if (!(await solve(20, 1e-3))) return result('interrupted');
      problem.rowGradient(gradient);
      // Slots after the last count short of vehicles cannot help.
      let lastShort = -Infinity;
      counts.rows.forEach((r, i) => {
        if (gradient[i] < 0) lastShort = Math.max(lastShort, r.end);
      });
      let added = 0;
      for (let s = 0; s < slots.length; s++) {
        if (slots[s].begin >= lastShort) continue;
        for (const o of ends.origins) {
          for (const c of pricer.price(o, slots[s].begin, slots[s].end, gradient, lambda, ends.destination, 2, detour, tolerance)) {
            const id = routes.id(c.route);
            if (problem.find(id, s) >= 0) continue;
            const column = build(id, s);
            if (problem.reducedCost(column, gradient) < -tolerance) {
              problem.add(id, s, column);
              added++;
            }
          }
          if (await pacer.tick()) return result('interrupted');
        }
      }
      if (added === 0) break;
    }
    if (!(await solve(30, 1e-5))) return result('interrupted');
    // 3. Whole vehicles with departure times, simulated.
    const { vehicles } = problem.integerise();
    const specs = [...background, ...departures(net, problem, routes, slots, vehicles, random.fork('departures'))];
    report({ phase: 'simulate', iteration: it, columns: problem.size, trips: specs.length, ...(best ? { fit: best.sim.summary } : {}) });
    const s = await simulateTrips(specs, false);
    if (!s) return result('interrupted');
    // 4. Measured travel times into the model.
    record(it, specs, s);
    report({ phase: 'simulated', iteration: it, columns: problem.size, trips: specs.length, fit: s.summary });
    if (s.summary.shareGehBelow5 === 1 && s.summary.periodShareGehBelow5 === 1 && it >= 3) {
      stopReason = 'converged';
      break;
    }
    const recent = iterations.slice(-4);
    if (recent.length === 4 && Math.min(...recent.slice(1).map((r) => r.sumSquaredGeh)) > 0.99 * recent[0].sumSquaredGeh) {
      stopReason = 'converged';
      break;
    }
  }
  report({ phase: 'done', iteration: iterations.length, columns: problem.size, ...(best ? { fit: best.sim.summary } : {}) });
  return result(stopReason);

  function result(reason: CalibrationResult['stopReason']): CalibrationResult {
    return {
      trips: best?.trips ?? [],
      best: best?.index ?? -1,
      rows: best?.sim.rows ?? [],
      summary: best?.sim.summary,
      before,
      consistency,
      iterations,
      tripEnds: ends.policy,
      slots,
      background: background.length,
      stopReason: reason,
    };
  }
}

/**
 * Trips of the integer solution: column j's n vehicles depart at
 * begin + (q + u_q) x width / n (q = 0..n-1, u_q uniform from a stream forked by
 * route and slot), so they are spread over the slot as the assignment assumed,
 * without lining up across routes. Times are rounded to 0.1 s, as written.
 */
function departures(net: CompiledNetwork, problem: RouteFlowProblem, routes: RouteTable, slots: readonly Slot[], vehicles: Int32Array, random: ReturnType<typeof createRandom>): TripSpec[] {
  const out: TripSpec[] = [];
  for (let j = 0; j < problem.size; j++) {
    const n = vehicles[j];
    if (n <= 0) continue;
    const r = problem.route[j];
    const s = problem.slot[j];
    const { begin, end } = slots[s];
    const stream = random.fork(`${r}@${s}`);
    const route = Array.from(routes.routes[r], (l) => net.linkKey(l));
    for (let q = 0; q < n; q++) {
      const depart = Math.min(end - 0.1, Math.round((begin + ((q + stream.next()) * (end - begin)) / n) * 10) / 10);
      out.push({ id: `cal${s}.${r}.${q}`, depart, route });
    }
  }
  out.sort((a, b) => a.depart - b.depart);
  return out;
}

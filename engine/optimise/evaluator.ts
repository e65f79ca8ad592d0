/**
 * The `Evaluator` interface: a batch of candidate signal plans in, their metrics
 * out. The optimiser, replications and the CLI talk only to this interface, so
 * the same search runs in-process (`createInProcessEvaluator`, here), on the
 * Piscina pool of this machine (`createPoolEvaluator` in `workers/`, which the
 * engine never imports) or on a distributed queue later.
 *
 * A batch is the cross product candidates x variants x seeds. One task — one
 * (candidate, variant, seed) — is a pure function of its inputs: demand is
 * expanded from the variant with `createRandom(seed).fork('demand')` and the
 * simulation runs with the same `seed` (its own streams fork from it), so every
 * implementation returns identical metrics whatever its worker count, and two
 * candidates evaluated with the same seed see the same vehicles (common random
 * numbers). Outcomes are reported by task index (candidate-major, then variant,
 * then seed), never in completion order.
 *
 * A task that throws (an invalid program, a bad option) becomes a failure carrying
 * its candidate, variant and seed; the rest of the batch goes on. `evaluate()`
 * rejects only for a malformed request (`UsageError`) or a closed evaluator. An
 * aborted batch resolves with what finished (`aborted: true`) and lists the tasks
 * that did not run, which is what a CLI needs on Ctrl-C.
 */
import { UsageError } from '../errors.js';
import { CompiledNetwork } from '../network/compiled.js';
import { createRandom } from '../demand/random.js';
import type { DemandSpec, TripTable } from '../demand/demand.js';
import type { RouteSet } from '../demand/route-swap.js';
import { expandDemand } from '../demand/expand.js';
import { withFixedRoutes } from './routes.js';
import type { SignalProgramSpec } from '../signals/program.js';
import { simulateSteps, type SimulateOptions, type SimulationResult } from '../sim/simulate.js';
import type { JunctionMetrics, LinkMetrics, NetworkMetrics } from '../sim/metrics.js';
import type { GridlockReport } from '../sim/gridlock.js';
import type { SignalControl, SignalSetup } from '../signals/control.js';
import { equilibrateSteps, type EquilibriumOptions, type EquilibriumResult } from './equilibrium/equilibrium.js';

/** Every field of {@link NetworkMetrics}, in the fixed order used to pack them into a `Float64Array`. */
export const NETWORK_METRIC_FIELDS = [
  'trips', 'inserted', 'arrived', 'unfinished', 'unroutable', 'vehicleKm', 'vehicleHours',
  'meanSpeed', 'meanTravelTime', 'meanDelay', 'meanWaitingTime', 'meanStops', 'meanDepartDelay',
  'meanTravelTimeAllTrips', 'meanDelayAllTrips', 'dueTrips', 'longestStall',
] as const satisfies ReadonlyArray<keyof NetworkMetrics>;

// Compile-time check that the list above names every field of NetworkMetrics.
type MissingField = Exclude<keyof NetworkMetrics, (typeof NETWORK_METRIC_FIELDS)[number]>;
const everyFieldListed: [MissingField] extends [never] ? true : MissingField = true;
void everyFieldListed;

/** Simulation options of a variant: everything of `simulate()`'s but the seed, which each task supplies. */
export type VariantOptions = Omit<SimulateOptions, 'seed'> & {
  /**
   * Run each task to a dynamic user equilibrium with these settings
   * (engine/optimise/equilibrium) instead of one simulation on the trips' own
   * routes: the metrics are the last iteration's, and `equilibrium` in them says
   * how it ended. Trips start from their given routes or the free-flow fastest,
   * or from `warmStart`'s routes for the task's seed.
   */
  equilibrium?: EquilibriumSettings & EquilibriumTaskRoutes;
};

/** Equilibrium settings a task can carry (plain data: no callback; warm starts per seed in {@link EquilibriumTaskRoutes}). */
export type EquilibriumSettings = Partial<Omit<EquilibriumOptions, 'initialRoutes' | 'onIteration'>>;

/** Routes in and out of a task's equilibrium (plain data: they cross to pool threads and back). */
export interface EquilibriumTaskRoutes {
  /** Initial routes per seed (`EquilibriumOptions.initialRoutes` of the task with that seed); seeds without an entry start cold. */
  warmStart?: ReadonlyMap<number, RouteSet>;
  /** Return the routes learnt (`EquilibriumEnd.routes`), e.g. to warm-start another network's equilibrium. */
  returnRoutes?: boolean;
}

/** How a task's equilibrium ended: every iteration's report, whether the gap fell below the threshold, the settings it ran with; the routes learnt when asked (`returnRoutes`). */
export type EquilibriumEnd = Pick<EquilibriumResult, 'converged' | 'stopped' | 'iterations' | 'settings'> & { routes?: RouteSet };

/** A task's simulation result, with how its equilibrium ended when it ran to one. */
export type CandidateResult = SimulationResult & { equilibrium?: EquilibriumEnd };

/** A scenario variant: the demand and run options a candidate plan is evaluated under. */
export interface ScenarioVariant {
  /** Name for reports, default `variant${index}`. */
  name?: string;
  /** Demand as a spec (expanded per seed, so arrivals vary by seed) or a fixed trip table (only the simulation varies). */
  demand: DemandSpec | TripTable;
  /** `simulate()` options (end time s, routing interval s, ...), without the seed. */
  options?: VariantOptions;
}

/** What an evaluator evaluates on: one compiled network and its variants. */
export interface EvaluationScenario {
  network: CompiledNetwork;
  variants: readonly ScenarioVariant[];
}

/**
 * How signals are run for a candidate: fixed time (the programs as they are), or
 * an adaptive controller built on the programs' phases (`actuated`,
 * `max-pressure`, with that controller's options). Plain data, so it crosses to
 * workers and machines.
 */
export type ControlSpec = SignalControl;

/** A candidate plan with its control: programs (ids, seconds) and how they are run. */
export interface CandidatePlan {
  programs: readonly SignalProgramSpec[];
  control?: ControlSpec;
}

/**
 * A candidate: the fixed-time programs to run, or a {@link CandidatePlan}
 * (signalised junctions without a program get the default plan).
 */
export type Candidate = readonly SignalProgramSpec[] | CandidatePlan;

/** The programs and control of a candidate. */
export function candidatePlan(candidate: Candidate): CandidatePlan {
  return Array.isArray(candidate) ? { programs: candidate as readonly SignalProgramSpec[] } : (candidate as CandidatePlan);
}

/**
 * `network`: network totals only (small); `full`: also per-link and per-junction
 * metrics; `all`: also the whole `SimulationResult` (per-trip metrics and the time
 * series), for the one replication whose output files a CLI writes.
 */
export type EvaluationDetail = 'network' | 'full' | 'all';

/** One batch: every candidate under every listed variant and seed. */
export interface EvaluationRequest {
  candidates: readonly Candidate[];
  /** Seeds (safe integers); each is one replication. */
  seeds: readonly number[];
  /** Indices into the scenario's variants; default all. */
  variants?: readonly number[];
  /** Default `network`. */
  detail?: EvaluationDetail;
}

/** Identifies one task of a batch. `variant` is an index into the scenario's variants. */
export interface TaskRef {
  /** Index in the batch: `(candidate * variants + variantPosition) * seeds + seedPosition`. */
  task: number;
  candidate: number;
  variant: number;
  seed: number;
}

/** Metrics of one run: deterministic given (network, variant, candidate, seed). */
export interface EvaluationMetrics {
  network: NetworkMetrics;
  /** Time the run ended, s. */
  endTime: number;
  gridlock?: GridlockReport;
  /** With `detail: 'full'`. */
  links?: LinkMetrics;
  /** With `detail: 'full'`. */
  junctions?: JunctionMetrics;
  /** With `detail: 'all'`: everything the run produced. */
  result?: SimulationResult;
  /** With `equilibrium` in the variant's options: how the equilibrium ended (the metrics are its last iteration's). */
  equilibrium?: EquilibriumEnd;
}

/** A task that finished. */
export interface EvaluationResult extends TaskRef {
  ok: true;
  metrics: EvaluationMetrics;
  /** Runs it took (1, or 2 after its worker died once). */
  attempts: number;
  /** Wall time of the successful run (demand expansion and simulation), ms. Not deterministic. */
  elapsedMs: number;
}

/**
 * Why a task failed: `error` — the task threw (not retried, it would throw again);
 * `worker` — its worker died (exit, out of memory) on every attempt.
 */
export interface TaskError {
  kind: 'error' | 'worker';
  /** Error class name (`InputError`, `UsageError`, `Error`, ...). */
  name: string;
  message: string;
  /** The `InputError` path, when there is one. */
  path?: string;
  stack?: string;
}

/** A task that failed. */
export interface EvaluationFailure extends TaskRef {
  ok: false;
  error: TaskError;
  attempts: number;
}

export type EvaluationOutcome = EvaluationResult | EvaluationFailure;

/** Everything a batch produced. Each task appears exactly once: in `results`, `failures` or `notRun`. */
export interface BatchResult {
  /** Number of tasks in the batch. */
  total: number;
  /** Finished tasks, by task index. */
  results: EvaluationResult[];
  /** Failed tasks, by task index. */
  failures: EvaluationFailure[];
  /** Tasks cancelled before they finished (abort or close), by task index. */
  notRun: TaskRef[];
  /** True if the batch was cut short by its signal or by `close()`. */
  aborted: boolean;
}

/** Sent after every finished or failed task. */
export interface ProgressEvent {
  /** Tasks finished or failed so far, this batch. */
  done: number;
  failed: number;
  total: number;
  /** Tasks running or queued on workers now. */
  inFlight: number;
  outcome: EvaluationOutcome;
}

export interface EvaluateOptions {
  /** Aborting stops dispatching and cancels tasks in flight; `evaluate()` then resolves with what finished. */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** What `close()` reports about an evaluator's whole life. */
export interface EvaluatorCloseReport {
  completed: number;
  failed: number;
  /** Tasks cancelled by an abort or by the close. */
  cancelled: number;
  /** Retries after a worker died (0 in-process). */
  retried: number;
}

/** Evaluates batches of candidate plans. */
export interface Evaluator {
  /** Tasks it runs at once (1 in-process, workers for a pool). */
  readonly concurrency: number;
  evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<BatchResult>;
  /** Cancel what is still running, release workers, report what was done. Further `evaluate()` calls reject. */
  close(): Promise<EvaluatorCloseReport>;
}

/** True if `demand` is an expanded trip table rather than a spec. */
export function isTripTable(demand: DemandSpec | TripTable): demand is TripTable {
  return typeof (demand as TripTable).count === 'number' && ArrayBuffer.isView((demand as TripTable).depart);
}

/** The trips of a variant for one seed: a trip table as is, a spec expanded with `createRandom(seed).fork('demand')`. */
export function variantTrips(net: CompiledNetwork, demand: DemandSpec | TripTable, seed: number): TripTable {
  return isTripTable(demand) ? demand : expandDemand(net, demand, createRandom(seed).fork('demand'));
}

/**
 * A small least-recently-used cache of expanded demand keyed by (variant key,
 * seed, run window), for evaluators that evaluate many candidates with the same
 * seeds. Given the run's `options`, the cached table also holds the routes no
 * plan can change (`withFixedRoutes`: trips departing before the first routing
 * refresh), so they are computed once, not once per candidate.
 */
export function createTripCache(net: CompiledNetwork, limit = 16): (key: string, demand: DemandSpec | TripTable, seed: number, options?: VariantOptions) => TripTable {
  const cache = new Map<string, TripTable>();
  return (key, demand, seed, options) => {
    const window = options === undefined ? '' : `${options.start ?? ''},${options.end ?? ''},${options.routingInterval ?? ''},${options.minorPenalty ?? ''},${options.equilibrium === undefined ? '' : 'eq'}`;
    const id = `${key}\u0000${seed}\u0000${window}`;
    let trips = cache.get(id);
    if (trips !== undefined) {
      cache.delete(id);
    } else {
      trips = variantTrips(net, demand, seed);
      // An equilibrium starts from the free-flow routes of its own router (equilibrium.ts): none filled here.
      if (options !== undefined && options.equilibrium === undefined) trips = withFixedRoutes(net, trips, options);
      if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
    }
    cache.set(id, trips);
    return trips;
  };
}

/** Run one task: simulate `trips` under `programs` with `seed` and keep the metrics an evaluator returns. */
export function runCandidate(
  net: CompiledNetwork, trips: TripTable, programs: Candidate, seed: number, options: VariantOptions = {}, detail: EvaluationDetail = 'network',
): EvaluationMetrics {
  const steps = candidateSteps(net, trips, programs, seed, options, Infinity);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return metricsOf(next.value, detail);
  }
}

/**
 * One task as `simulateSteps` (steps of `stepS` simulated seconds): a caller can
 * stop between steps. With `options.equilibrium` the steps are the
 * equilibrium's iterations (each a whole simulation).
 */
export function candidateSteps(
  net: CompiledNetwork, trips: TripTable, programs: Candidate, seed: number, options: VariantOptions, stepS: number,
): Generator<number, CandidateResult, void> {
  const plan = candidatePlan(programs);
  const signals = { programs: plan.programs, ...(plan.control ? { control: plan.control } : {}) };
  const { equilibrium, ...simOptions } = options;
  if (equilibrium !== undefined) {
    const { warmStart, returnRoutes, ...settings } = equilibrium;
    const initialRoutes = warmStart?.get(seed);
    return equilibriumSteps(net, trips, signals, { ...simOptions, seed }, settings, initialRoutes, returnRoutes === true);
  }
  return simulateSteps(net, trips, signals, { ...simOptions, seed }, stepS);
}

function* equilibriumSteps(
  net: CompiledNetwork, trips: TripTable, signals: SignalSetup, options: SimulateOptions, settings: EquilibriumSettings,
  initialRoutes: RouteSet | undefined, returnRoutes: boolean,
): Generator<number, CandidateResult, void> {
  const steps = equilibrateSteps(net, trips, signals, options, initialRoutes === undefined ? settings : { ...settings, initialRoutes });
  for (;;) {
    const next = steps.next();
    if (next.done === true) {
      const { result, converged, stopped, iterations, settings: ran, routes } = next.value;
      return { ...result, equilibrium: { converged, stopped, iterations, settings: ran, ...(returnRoutes ? { routes } : {}) } };
    }
    yield next.value.iteration;
  }
}

/** The metrics an evaluator returns of a run, at `detail`. */
export function metricsOf(result: CandidateResult, detail: EvaluationDetail): EvaluationMetrics {
  const { equilibrium, ...run } = result;
  return {
    network: run.network,
    endTime: run.endTime,
    ...(run.gridlock ? { gridlock: run.gridlock } : {}),
    ...(detail !== 'network' ? { links: run.links, junctions: run.junctions } : {}),
    ...(detail === 'all' ? { result: run } : {}),
    ...(equilibrium !== undefined ? { equilibrium } : {}),
  };
}

/** Describe a thrown value for a {@link TaskError}. */
export function describeError(error: unknown, kind: TaskError['kind'] = 'error'): TaskError {
  if (error instanceof Error) {
    const path = (error as { path?: unknown }).path;
    return {
      kind,
      name: error.name,
      message: error.message,
      ...(typeof path === 'string' ? { path } : {}),
      ...(error.stack !== undefined ? { stack: error.stack } : {}),
    };
  }
  return { kind, name: 'Error', message: String(error) };
}

/** A validated request: its tasks in index order, and the order to dispatch them in. */
export interface PlannedBatch {
  tasks: TaskRef[];
  /**
   * Dispatch order: seed-major (all candidates of one variant and seed in a row),
   * so expanded demand is reused while it is in a cache. Results never depend on it.
   */
  dispatch: TaskRef[];
  detail: EvaluationDetail;
}

/** Validate `request` against a scenario with `variantCount` variants and lay out its tasks. Throws `UsageError`. */
export function planBatch(request: EvaluationRequest, variantCount: number): PlannedBatch {
  if (request === null || typeof request !== 'object') throw new UsageError('evaluate(request): request must be an object with candidates and seeds');
  const { candidates, seeds } = request;
  if (!Array.isArray(candidates)) throw new UsageError('request.candidates must be an array of candidates (arrays of signal program specs)');
  candidates.forEach((c, i) => {
    const ok = Array.isArray(c) || (c !== null && typeof c === 'object' && Array.isArray((c as CandidatePlan).programs));
    if (!ok) throw new UsageError(`request.candidates[${i}] must be an array of signal program specs or { programs, control }, got ${typeof c}`);
  });
  if (!Array.isArray(seeds)) throw new UsageError('request.seeds must be an array of integers');
  seeds.forEach((s, i) => {
    if (!Number.isSafeInteger(s)) throw new UsageError(`request.seeds[${i}] must be a safe integer, got ${String(s)}`);
  });
  const variants = request.variants ?? Array.from({ length: variantCount }, (_, i) => i);
  if (!Array.isArray(variants)) throw new UsageError('request.variants must be an array of variant indices');
  variants.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= variantCount) throw new UsageError(`request.variants[${i}] must be a variant index in [0, ${variantCount}), got ${String(v)}`);
  });
  const detail = request.detail ?? 'network';
  if (detail !== 'network' && detail !== 'full' && detail !== 'all') throw new UsageError(`request.detail must be 'network', 'full' or 'all', got ${String(detail)}`);
  const tasks: TaskRef[] = [];
  for (let c = 0; c < candidates.length; c++) {
    for (const variant of variants) for (const seed of seeds) tasks.push({ task: tasks.length, candidate: c, variant, seed });
  }
  const perCandidate = variants.length * seeds.length;
  const dispatch: TaskRef[] = [];
  for (let k = 0; k < perCandidate; k++) for (let c = 0; c < candidates.length; c++) dispatch.push(tasks[c * perCandidate + k]);
  return { tasks, dispatch, detail };
}

/** Validate a scenario given to an evaluator factory. Throws `UsageError`. */
export function checkScenario(scenario: EvaluationScenario, where: string): void {
  if (scenario === null || typeof scenario !== 'object') throw new UsageError(`${where}: scenario must be { network, variants }`);
  if (!(scenario.network instanceof CompiledNetwork)) throw new UsageError(`${where}: scenario.network must be a CompiledNetwork`);
  if (!Array.isArray(scenario.variants) || scenario.variants.length === 0) throw new UsageError(`${where}: scenario.variants must be a non-empty array`);
  scenario.variants.forEach((v, i) => {
    if (v === null || typeof v !== 'object' || v.demand === null || typeof v.demand !== 'object') {
      throw new UsageError(`${where}: scenario.variants[${i}].demand must be a demand spec or a trip table`);
    }
    if (v.options !== undefined && (v.options === null || typeof v.options !== 'object')) throw new UsageError(`${where}: scenario.variants[${i}].options must be an object`);
    if (v.options !== undefined && 'seed' in v.options) throw new UsageError(`${where}: scenario.variants[${i}].options.seed is not allowed: seeds come with each request`);
  });
}

/**
 * Collects the outcomes of one batch, sends progress events and builds the
 * `BatchResult`; for `Evaluator` implementations. Each task is recorded once:
 * a second outcome for the same task is a bug and throws.
 */
export class BatchRecorder {
  private readonly outcomes: Array<EvaluationOutcome | undefined>;
  private readonly onProgress: ((event: ProgressEvent) => void) | undefined;
  private done = 0;
  private failed = 0;

  constructor(private readonly tasks: readonly TaskRef[], onProgress?: (event: ProgressEvent) => void) {
    this.outcomes = new Array<EvaluationOutcome | undefined>(tasks.length).fill(undefined);
    this.onProgress = onProgress;
  }

  /** Record an outcome; `inFlight` is reported in the progress event. */
  record(outcome: EvaluationOutcome, inFlight: number): void {
    if (this.outcomes[outcome.task] !== undefined) throw new Error(`BatchRecorder: task ${outcome.task} recorded twice`);
    this.outcomes[outcome.task] = outcome;
    this.done++;
    if (!outcome.ok) this.failed++;
    this.onProgress?.({ done: this.done, failed: this.failed, total: this.tasks.length, inFlight, outcome });
  }

  /** The batch's result; every task without an outcome is listed in `notRun`. */
  finish(aborted: boolean): BatchResult {
    const results: EvaluationResult[] = [];
    const failures: EvaluationFailure[] = [];
    const notRun: TaskRef[] = [];
    for (let i = 0; i < this.tasks.length; i++) {
      const o = this.outcomes[i];
      if (o === undefined) notRun.push(this.tasks[i]);
      else if (o.ok) results.push(o);
      else failures.push(o);
    }
    return { total: this.tasks.length, results, failures, notRun, aborted: aborted || notRun.length > 0 };
  }
}

/** Simulated seconds between abort checks of an in-process task. */
const STEP_S = 1;
/** Wall time between yields to the event loop during an in-process task, ms. */
const YIELD_MS = 50;

/** Options of {@link createInProcessEvaluator}. */
export interface InProcessEvaluatorOptions {
  /** Expanded demands kept per (variant, seed). Default 16. */
  tripCacheSize?: number;
}

/**
 * An evaluator that runs every task in this thread, one after another (yielding
 * to the event loop between tasks so progress, aborts and timers get through).
 * The reference implementation: a pool must return exactly its metrics.
 */
export function createInProcessEvaluator(scenario: EvaluationScenario, options: InProcessEvaluatorOptions = {}): Evaluator {
  checkScenario(scenario, 'createInProcessEvaluator');
  const net = scenario.network;
  const variants = [...scenario.variants];
  const trips = createTripCache(net, options.tripCacheSize ?? 16);
  const totals = { completed: 0, failed: 0, cancelled: 0, retried: 0 };
  let closed = false;
  const running = new Set<AbortController>();

  return {
    concurrency: 1,
    async evaluate(request, { signal, onProgress } = {}) {
      if (closed) throw new UsageError('evaluate(): the evaluator is closed');
      const { tasks, dispatch, detail } = planBatch(request, variants.length);
      const recorder = new BatchRecorder(tasks, onProgress);
      const local = new AbortController(); // aborted by `signal` or `close()`
      running.add(local);
      const stop = local.signal;
      const onAbort = (): void => local.abort();
      if (signal?.aborted === true) local.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for (const ref of dispatch) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (stop.aborted) break;
          const variant = variants[ref.variant];
          const t0 = performance.now();
          let outcome: EvaluationOutcome;
          try {
            // In steps, yielding to the event loop now and then, so an abort (Ctrl-C) stops even a long task at once.
            const steps = candidateSteps(net, trips(String(ref.variant), variant.demand, ref.seed, variant.options ?? {}), request.candidates[ref.candidate], ref.seed, variant.options ?? {}, STEP_S);
            let yielded = performance.now();
            let next = steps.next();
            while (next.done !== true) {
              if (performance.now() - yielded >= YIELD_MS) {
                await new Promise<void>((resolve) => setImmediate(resolve));
                yielded = performance.now();
                if (stop.aborted) break;
              }
              next = steps.next();
            }
            if (next.done !== true) break; // aborted: the task is not run
            outcome = { ...ref, ok: true, metrics: metricsOf(next.value, detail), attempts: 1, elapsedMs: performance.now() - t0 };
            totals.completed++;
          } catch (error) {
            outcome = { ...ref, ok: false, error: describeError(error), attempts: 1 };
            totals.failed++;
          }
          recorder.record(outcome, 0);
        }
      } finally {
        running.delete(local);
        signal?.removeEventListener('abort', onAbort);
      }
      const result = recorder.finish(stop.aborted);
      totals.cancelled += result.notRun.length;
      return result;
    },
    async close() {
      closed = true;
      for (const c of running) c.abort();
      await new Promise<void>((resolve) => setImmediate(resolve));
      return { ...totals };
    },
  };
}

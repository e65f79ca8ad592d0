/**
 * `greenwave compare <base> <variant>...`: test changes to the roads before
 * touching the street. Each scenario file (the base as it is today; each variant
 * a copy with a lane closed, a link added, a signal re-timed, more demand ...)
 * runs on the same seeds (the base's seed and the next ones), the seeds of each
 * scenario at once on a pool of --workers threads (1: one after another in this
 * process; the figures are the same either way);
 * the variants are compared with the base by paired differences with 95%
 * intervals (engine/report/what-if.ts) for network, junction and link figures.
 *
 * Files in --out (default `out/compare-<base>` beside the base scenario):
 * what-if.json (every figure), report.html (tables and a difference map per
 * variant), metadata.json; a manifest as for every command.
 *
 * A variant is a whole scenario file or a `changes:` overlay of one (a base
 * and a list of changes: engine/scenario/overlay.ts), loaded like any scenario.
 *
 * Route choice: as the scenarios say (`simulation.routeChoice`), or every one as
 * `--route-choice` says. With `equilibrium` every scenario and seed runs to a
 * dynamic user equilibrium (engine/optimise/equilibrium) before it is compared:
 * drivers who have learnt the changed roads, so a gain that traffic moving to
 * the improved route would fill, or a loss moved elsewhere, shows. Each
 * equilibrium starts from the free-flow routes of its own network. Scenarios
 * that choose routes differently are refused (at departure against at
 * equilibrium is not a what-if of the roads). what-if.json adds, per scenario
 * and seed, the iterations, the final relative gap and whether it converged;
 * the text names the seeds that did not.
 */
import os from 'node:os';
import path from 'node:path';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { buildScenario, loadScenario, type BuiltScenario } from '../engine/scenario/index.js';
import { simulate } from '../engine/sim/simulate.js';
import type { EquilibriumResult, EquilibriumStop } from '../engine/optimise/equilibrium/equilibrium.js';
import { equilibriumEnding, iterationFigures, routeChoiceText } from '../engine/report/convergence.js';
import type { EquilibriumEnd } from '../engine/optimise/evaluator.js';
import type { SimulationResult } from '../engine/sim/simulate.js';
import type { TripTable } from '../engine/demand/demand.js';
import type { RouteSet } from '../engine/demand/route-swap.js';
import { compareScenarios, type ScenarioRuns, type WhatIfComparison } from '../engine/report/what-if.js';
import { renderReportHtml } from '../engine/report/html/render.js';
import { prepareOutputDir } from '../engine/report/output-dir.js';
import { METADATA_FILE, outputMetadata } from '../engine/report/metadata.js';
import { outputFailure } from './outputs.js';
import { VERSION } from './version.js';
import { overrideRouteChoice } from './validate.js';
import { formatNumber } from '../engine/text/numbers.js';

/** Options of `greenwave compare`. */
export interface CompareCommandOptions {
  out?: string;
  /** Seeds per scenario (replications), default 10. */
  seeds?: number;
  /** Worker threads running each scenario's seeds; default: available parallelism (at most the seeds); 1 runs them in this process. */
  workers?: number;
  /** Route choice of every scenario, over their `simulation.routeChoice`. */
  routeChoice?: 'departure' | 'equilibrium';
  json?: boolean;
  quiet?: boolean;
  force?: boolean;
  debug?: boolean;
}

const fmt = (v: number, digits = 1): string => formatNumber(v, digits);

/** How one scenario's equilibrium ended on one seed (what-if.json `equilibria`). */
export interface CompareEquilibrium {
  seed: number;
  iterations: number;
  /** Relative gap of the last iteration, 0..1. */
  relativeGap: number;
  converged: boolean;
  /** What ended it: `gap` (converged), `noise` (the remaining gap is sampling noise), `budget` (maxIterations ran out). */
  stopped: EquilibriumStop;
  /** Mean travel time of the arrived trips at the last iteration, s. */
  meanTravelTime: number;
  /** A variant's warm start: of its `trips`, `onBaseRoutes` started on the route they had at the base's equilibrium (same seed); the others on the free-flow fastest. */
  warmStart?: { onBaseRoutes: number; trips: number };
}

/** How a variant's equilibria started, for its line of the table ('' for the base). */
function startedFrom(ends: readonly CompareEquilibrium[]): string {
  if (ends.length === 0) return '';
  const warm = ends.flatMap((e) => (e.warmStart === undefined ? [] : [e.warmStart]));
  if (warm.length === 0) return '';
  const share = (w: { onBaseRoutes: number; trips: number }): number => (w.trips > 0 ? w.onBaseRoutes / w.trips : 1);
  const least = Math.min(...warm.map(share));
  return `; started from the base's equilibrium routes, ${least === 1 ? 'every trip' : `at least ${fmt(100 * least, 0)}% of trips`}${warm.length < ends.length ? ` on ${warm.length} of ${ends.length} seeds (other demand on the rest)` : ''}`;
}

/** `greenwave compare`; resolves to the exit code. */
export async function compareCommand(baseFile: string, variantFiles: readonly string[], options: CompareCommandOptions): Promise<number> {
  const log = (text: string): void => { if (options.quiet !== true) process.stderr.write(`${text}\n`); };
  let built: BuiltScenario[];
  let seeds: number[];
  let out: string;
  try {
    if (variantFiles.length === 0) throw new UsageError('compare: give a base scenario and at least one variant scenario');
    const n = options.seeds ?? 10;
    if (!Number.isInteger(n) || n < 2 || n > 1000) throw new UsageError(`--seeds must be an integer from 2 to 1,000 (an interval needs two), got ${n}`);
    built = [];
    for (const file of [baseFile, ...variantFiles]) {
      const loaded = await loadScenario(file);
      overrideRouteChoice(loaded, options.routeChoice);
      built.push(buildScenario(loaded));
    }
    const names = built.map((b) => b.scenario.name);
    const dup = names.find((name, i) => names.indexOf(name) !== i);
    if (dup !== undefined) throw new UsageError(`compare: two scenarios are named "${dup}"; give each variant its own name`);
    if (built.some((b) => b.routeChoice !== built[0].routeChoice)) {
      throw new UsageError(`compare: the scenarios choose routes differently (${built.map((b) => `${b.scenario.name}: ${b.routeChoice}`).join(', ')}), which is not a what-if of the roads; `
        + 'give --route-choice departure or --route-choice equilibrium to run them all the same way');
    }
    seeds = Array.from({ length: n }, (_, i) => built[0].seeds[0] + i);
    out = options.out ?? path.join(path.dirname(baseFile), 'out', `compare-${built[0].scenario.name}`);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (options.debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  const atEquilibrium = built[0].routeChoice === 'equilibrium';
  const equilibria: Record<string, CompareEquilibrium[]> = {};
  let settings: EquilibriumResult['settings'] | undefined;
  const workers = Math.min(options.workers ?? os.availableParallelism(), seeds.length);
  let comparison: WhatIfComparison;
  try {
    const runs: ScenarioRuns[] = [];
    // At equilibrium each variant starts, seed by seed, from the routes its trips had at the base's equilibrium (warm-start.ts).
    let baseRoutes: Map<number, RouteSet> | undefined;
    for (const [i, b] of built.entries()) {
      const warm = atEquilibrium && i > 0 && baseRoutes !== undefined ? await carriedRoutes(built[0], baseRoutes, b, seeds) : undefined;
      const done = workers > 1 ? await onPool(b, seeds, workers, atEquilibrium, log, warm?.routes, i === 0) : await inProcess(b, seeds, atEquilibrium, log, warm?.routes);
      const ends: CompareEquilibrium[] = [];
      for (const seed of seeds) {
        const end = done.get(seed)?.equilibrium;
        if (end === undefined) continue;
        settings = end.settings;
        const last = end.iterations[end.iterations.length - 1];
        const kept = warm?.kept.get(seed);
        const trips = warm?.trips.get(seed);
        ends.push({
          seed, iterations: end.iterations.length, relativeGap: last.gap, converged: end.converged, stopped: end.stopped, meanTravelTime: last.meanTravelTime,
          ...(kept !== undefined && trips !== undefined ? { warmStart: { onBaseRoutes: kept, trips } } : {}),
        });
      }
      if (i === 0 && atEquilibrium) baseRoutes = new Map(seeds.flatMap((seed) => { const r = done.get(seed)?.equilibrium?.routes; return r === undefined ? [] : [[seed, r] as const]; }));
      if (atEquilibrium) equilibria[b.scenario.name] = ends;
      runs.push({ name: b.scenario.name, net: b.compiled, runs: done });
    }
    comparison = compareScenarios(runs[0], runs.slice(1), seeds);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    return 2;
  }
  const files: string[] = [];
  try {
    const prepared = await prepareOutputDir(out, { kind: 'run', scenario: `compare ${built[0].scenario.name}`, scenarioFile: baseFile, seed: seeds[0], version: VERSION }, { names: ['what-if.json', 'report.html', METADATA_FILE], force: options.force === true });
    const dir = await prepared.open();
    const written = atEquilibrium ? { ...comparison, routeChoice: 'equilibrium', equilibrium: settings, equilibria } : { ...comparison, routeChoice: 'departure' };
    files.push(await dir.write('what-if.json', `${JSON.stringify(written, null, 2)}\n`));
    const page = renderReportHtml({ provenance: {}, geographic: comparison.geometry.geographic, whatIf: comparison }, { title: `greenwave compare — ${[built[0].scenario.name, ...built.slice(1).map((b) => b.scenario.name)].join(' vs ')}${atEquilibrium ? ' (drivers at equilibrium)' : ''}` });
    files.push(await dir.write('report.html', page));
    files.push(await dir.write(METADATA_FILE, `${JSON.stringify(outputMetadata(built[0].compiled, { scenario: built[0].scenario.name, seed: seeds[0], version: VERSION }, 'compare', ['what-if.json', 'report.html']), null, 2)}\n`));
    await dir.commit('complete');
  } catch (error) {
    return outputFailure(error, options.debug === true);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({
      greenwave: VERSION, base: comparison.base, seeds, variants: comparison.variants.map(({ junctions: _j, links: _l, ...v }) => v),
      routeChoice: atEquilibrium ? 'equilibrium' : 'departure', ...(atEquilibrium ? { equilibrium: settings, equilibria } : {}), outputs: files,
    }, null, 2)}\n`);
  } else {
    const how = settings === undefined ? '' : `, drivers at equilibrium (${routeChoiceText(settings)})`;
    const lines = [`greenwave ${VERSION} — compare on seeds ${seeds[0]}..${seeds[seeds.length - 1]} (${seeds.length})${how}, variant minus ${comparison.base.name}, 95% paired intervals:`];
    for (const [name, ends] of Object.entries(equilibria)) {
      const missed = ends.filter((e) => !e.converged);
      const noise = ends.filter((e) => e.stopped === 'noise').map((e) => e.seed);
      const worst = Math.max(...ends.map((e) => e.relativeGap));
      lines.push(`  ${name}: equilibrium ${missed.length === 0 ? 'reached on every seed' : `NOT reached on seed${missed.length > 1 ? 's' : ''} ${missed.map((e) => e.seed).join(', ')}`} `
        + `(largest relative gap ${fmt(100 * worst, 2)}%, ${Math.min(...ends.map((e) => e.iterations))}-${Math.max(...ends.map((e) => e.iterations))} iterations`
        + `${noise.length > 0 ? `; on seed${noise.length > 1 ? 's' : ''} ${noise.join(', ')} what remains is sampling noise` : ''}${startedFrom(ends)})`);
    }
    for (const v of comparison.variants) {
      const d = v.difference;
      lines.push(`  ${v.name}: ${v.verdict} (${v.verdictReason}); gridlocked ${v.gridlockedSeeds.length} of ${seeds.length}; unfinished ${fmt(d.unfinished.mean, 0)} ± ${fmt(d.unfinished.halfWidth, 0)}; no route ${fmt(d.unroutable.mean, 0)} ± ${fmt(d.unroutable.halfWidth, 0)}; mean delay all trips ${fmt(d.meanDelayAllTrips.mean)} ± ${fmt(d.meanDelayAllTrips.halfWidth)} s`);
    }
    lines.push('', 'outputs:', ...files.map((f) => `  ${f}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

/** One seed's run of a scenario: the trips (where they come back), the result, how its equilibrium ended (at equilibrium). */
interface SeedRun {
  trips: TripTable | undefined;
  result: SimulationResult;
  equilibrium?: EquilibriumEnd;
}

/**
 * The base's equilibrium routes carried onto variant `b`, per seed, and how
 * many trips kept theirs; seeds whose trip tables differ from the base's (a
 * variant with other demand) are left out and start cold.
 */
async function carriedRoutes(base: BuiltScenario, routes: ReadonlyMap<number, RouteSet>, b: BuiltScenario, seeds: readonly number[]): Promise<{ routes: Map<number, RouteSet>; kept: Map<number, number>; trips: Map<number, number> }> {
  const { carryRoutes } = await import('../engine/optimise/equilibrium/warm-start.js');
  const carried = new Map<number, RouteSet>();
  const kept = new Map<number, number>();
  const trips = new Map<number, number>();
  for (const seed of seeds) {
    const learnt = routes.get(seed);
    if (learnt === undefined) continue;
    const tripsOf = (s: BuiltScenario): TripTable => (seed === s.seeds[0] ? s.trips : s.tripsFor(seed));
    const c = carryRoutes(base.compiled, tripsOf(base), learnt, b.compiled, tripsOf(b));
    if (c === undefined) continue;
    carried.set(seed, c.routes);
    kept.set(seed, c.kept);
    trips.set(seed, c.routes.offsets.length - 1);
  }
  return { routes: carried, kept, trips };
}

/** Every seed of `b` in this process, one after another (a line per seed, and per iteration at equilibrium), from `warm`'s routes where it has the seed's. */
async function inProcess(b: BuiltScenario, seeds: readonly number[], atEquilibrium: boolean, log: (text: string) => void, warm?: ReadonlyMap<number, RouteSet>): Promise<Map<number, SeedRun>> {
  const equilibrate = atEquilibrium ? (await import('../engine/optimise/equilibrium/equilibrium.js')).equilibrateSteps : undefined;
  const map = new Map<number, SeedRun>();
  for (const seed of seeds) {
    log(`  ${b.scenario.name}: seed ${seed}`);
    const trips = seed === b.seeds[0] ? b.trips : b.tripsFor(seed);
    if (equilibrate === undefined) {
      map.set(seed, { trips, result: simulate(b.compiled, trips, b.signals, { ...b.options, seed }) });
      continue;
    }
    const initialRoutes = warm?.get(seed);
    const steps = equilibrate(b.compiled, trips, b.signals, { ...b.options, seed }, initialRoutes === undefined ? b.equilibrium : { ...b.equilibrium, initialRoutes });
    let next = steps.next();
    while (next.done !== true) {
      const it = next.value;
      log(`    iteration ${it.iteration}: relative gap ${fmt(100 * it.gap, 2)}%${iterationFigures(it)}, mean travel time ${fmt(it.meanTravelTime)} s, unfinished ${it.unfinished}${it.gridlock ? ' (GRIDLOCK)' : ''}`);
      next = steps.next();
    }
    const { trips: learnt, result, converged, stopped, iterations, settings, routes } = next.value;
    map.set(seed, { trips: learnt, result, equilibrium: { converged, stopped, iterations, settings, routes } });
  }
  return map;
}

/**
 * Every seed of `b` on a pool of `workers` threads (each seed whole in one
 * thread: the figures of `inProcess`, warm starts included), a line as each
 * ends; with `returnRoutes` the equilibria's routes come back.
 */
async function onPool(
  b: BuiltScenario, seeds: readonly number[], workers: number, atEquilibrium: boolean, log: (text: string) => void, warm: ReadonlyMap<number, RouteSet> | undefined, returnRoutes: boolean,
): Promise<Map<number, SeedRun>> {
  const { createPoolEvaluator } = await import('../workers/index.js');
  const { scenarioPlan } = await import('./scenario-plan.js');
  const { seed: _seed, ...options } = b.options;
  void _seed;
  const evaluator = createPoolEvaluator({ network: b.compiled, variants: [{ demand: b.scenario.demand, options: { ...options, ...(atEquilibrium ? { equilibrium: { ...b.equilibrium, ...(warm ? { warmStart: warm } : {}), returnRoutes } } : {}) } }] }, { threads: workers });
  try {
    const batch = await evaluator.evaluate({ candidates: [scenarioPlan(b)], seeds: [...seeds], detail: 'full' }, {
      onProgress: (e) => {
        const o = e.outcome;
        if (!o.ok) return;
        const eq = o.metrics.equilibrium;
        const last = eq?.iterations[eq.iterations.length - 1];
        log(`  ${b.scenario.name}: seed ${o.seed}${eq && last ? `: equilibrium ${eq.converged ? 'reached' : 'NOT reached'} after ${eq.iterations.length} iterations, relative gap ${fmt(100 * last.gap, 2)}%${equilibriumEnding(eq)}` : ''}`);
      },
    });
    const failure = batch.failures[0];
    if (failure !== undefined) throw new GreenwaveError(`${b.scenario.name}: seed ${failure.seed} failed: ${failure.error.name}: ${failure.error.message}`);
    const map = new Map<number, SeedRun>();
    for (const r of batch.results) {
      const m = r.metrics;
      const result = { network: m.network, endTime: m.endTime, links: m.links, junctions: m.junctions, ...(m.gridlock ? { gridlock: m.gridlock } : {}) } as SimulationResult;
      map.set(r.seed, { trips: undefined, result, ...(m.equilibrium ? { equilibrium: m.equilibrium } : {}) });
    }
    return map;
  } finally {
    await evaluator.close();
  }
}

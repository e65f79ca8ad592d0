/**
 * `importSumo()`: a SUMO scenario (network, routes, configuration, additional
 * programs) as an {@link ImportResult}, and `importSumoAdditional()` for
 * programs kept in separate `.add.xml` files (e.g. re-timed by SUMO's
 * `tlsCycleAdaptation.py`).
 *
 * Order of work: read the network and route files (streamed), set link
 * parameters (jam spacing from the vehicle types), build the network, convert
 * the traffic-light programs, resolve the demand against the network. See the
 * header of each module for its rules: net-file.ts, network.ts, programs.ts,
 * route-file.ts, demand.ts, config-file.ts.
 */
import { InputError, UsageError } from '../../errors.js';
import type { MovementRef, SignalProgramSpec } from '../../signals/program.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_JAM_SPACING } from '../../network/types.js';
import type { ImportCount, ImportResult, ImportWarning } from '../types.js';
import { namedBy, readAdditionalFile, readConfigFile, type SumoConfig } from './config-file.js';
import { SUMO_DEFAULT_STEP, jamSpacingOf, resolveDemand, vehicleModelOf } from './demand.js';
import { readNetFile, type SumoTlLogic } from './net-file.js';
import { buildNetwork, sumoDischarge, sumoSaturationFlow, type TlLink } from './network.js';
import { convertProgram, selectPrograms } from './programs.js';
import { readRouteFiles, type SumoDemand } from './route-file.js';
import { LIMITS, limitProblem, type Limit } from '../../limits.js';
import { shortName } from '../files.js';
import { checkImportRanges } from '../ranges.js';
import { SUMO_MINOR_PENALTY_S } from '../../sim/yielding-turns.js';

/**
 * How often greenwave samples edge speeds for SUMO's rerouting device, s (SUMO
 * samples every second: device.rerouting.adaptation-interval). On cologne8 and
 * ingolstadt21 (RESCO) every 10 s gives link volumes at r² 0.98-0.995 against
 * SUMO's; a sample costs one pass over the links.
 */
const SUMO_SPEED_SAMPLE_S = 10;

/** The files of a SUMO scenario. */
export interface SumoFiles {
  /** `.net.xml` (or `.net.xml.gz`). Optional when `config` names one. */
  net?: string;
  /** `.rou.xml` / `.trips.xml` files, read in order. Default: the configuration's. */
  routes?: string[];
  /** `.add.xml` files whose `tlLogic` programs replace the network's (SUMO: the last loaded program runs). */
  additional?: string[];
  /** `.sumocfg`: supplies whatever above is not given, and the simulated period. */
  config?: string;
}

/** Options of {@link importSumo}. */
export interface SumoImportOptions {
  /** Vehicle class whose lanes become greenwave lanes. Default `passenger`. */
  vClass?: string;
  /** Extend each link across the junction it leads into (SUMO internal lanes). Default true. */
  junctionCrossing?: boolean;
  /** Run this `programID` where a traffic light has several. Default: the last one read. */
  programId?: string;
  /** Saturation flow per lane, veh/s. Default SUMO's queue discharge for the demand's cars (`sumoSaturationFlow`: 1,871 veh/h for its default car). */
  saturationFlow?: number;
  /**
   * Jam spacing, m: a number, or `'vType'` (default) for the demand-weighted mean
   * of length + minGap of the vehicle types used (SUMO's default type: 7.5 m).
   */
  jamSpacing?: number | 'vType';
  /** Seed of route-distribution draws. Default 1. */
  seed?: number;
  /** Begin of the simulated period, s; overrides the configuration's `begin`. Departures before it are not loaded (counted). */
  begin?: number;
  /** End of the simulated period, s (`greenwave import --end`); overrides the configuration's `end`. Departures at or after it are not loaded (counted). */
  end?: number;
}

/**
 * The jam spacing the vehicle types give (their length + minGap, weighted by the
 * demand) must be a scenario's: refused at the vehicle type that pulls it out of
 * range (the longest when it is too long, the shortest when too short).
 */
function checkJamSpacing(spacing: number, demand: SumoDemand): void {
  const problem = limitProblem(spacing, LIMITS.jamSpacingM);
  if (problem === undefined) return;
  const types = [...demand.vTypes.values()].sort((a, b) => a.length + a.minGap - (b.length + b.minGap));
  const culprit = spacing > LIMITS.jamSpacingM.max ? types[types.length - 1] : types[0];
  const message = `jam spacing (m) (the mean length + minGap of the vehicle types in the demand) ${problem}`;
  if (culprit === undefined) throw new InputError('vehicle types', message);
  throw new InputError(`${culprit.file}:${culprit.line}`, `vType "${culprit.id}": length ${culprit.length} m + minGap ${culprit.minGap} m: ${message}`);
}

function checkOptions(options: SumoImportOptions): void {
  const positive = (name: string, value: unknown) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new UsageError(`importSumo: options.${name} must be a positive number, got ${String(value)}`);
    }
  };
  positive('saturationFlow', options.saturationFlow);
  if (options.jamSpacing !== 'vType') positive('jamSpacing', options.jamSpacing);
  const ranged = (name: string, value: number | undefined, limit: Limit, unit: string) => {
    const problem = value === undefined ? undefined : limitProblem(value, limit);
    if (problem !== undefined) throw new UsageError(`importSumo: options.${name} ${unit}${problem}`);
  };
  ranged('saturationFlow', options.saturationFlow === undefined ? undefined : options.saturationFlow * 3600, LIMITS.saturationVehPerHourPerLane, '(as veh/h per lane) ');
  ranged('jamSpacing', typeof options.jamSpacing === 'number' ? options.jamSpacing : undefined, LIMITS.jamSpacingM, '(m) ');
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new UsageError(`importSumo: options.seed must be an integer, got ${String(options.seed)}`);
  for (const name of ['begin', 'end'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new UsageError(`importSumo: options.${name} must be a time in seconds >= 0, got ${String(value)}`);
  }
  if (options.begin !== undefined && options.end !== undefined && options.end <= options.begin) {
    throw new UsageError(`importSumo: options.end (${options.end} s) must be after options.begin (${options.begin} s)`);
  }
}

/**
 * The movement a `signalIndex` key `${from}>${to}` names in `network`, or null.
 * Link ids may contain `>` themselves (greenwave's generators write `r0c0>r0c1`),
 * so every split point is tried.
 */
export function movementOfKey(network: RoadNetwork, key: string): MovementRef | null {
  for (let cut = key.indexOf('>'); cut >= 0; cut = key.indexOf('>', cut + 1)) {
    const from = key.slice(0, cut);
    const to = key.slice(cut + 1);
    if (network.graph.hasEdge(from) && network.movementsFrom(from).some((m) => m.to === to)) return { from, to };
  }
  return null;
}

/** Per traffic light, per linkIndex, the movements of `network` it controls, from a `signalIndex`. */
function tlLinksOf(network: RoadNetwork, signalIndex: NonNullable<ImportResult['signalIndex']>): Map<string, Map<number, TlLink[]>> {
  const out = new Map<string, Map<number, TlLink[]>>();
  for (const [junction, { controller, links }] of Object.entries(signalIndex)) {
    let perTl = out.get(controller);
    if (!perTl) out.set(controller, (perTl = new Map()));
    for (const [movement, indices] of Object.entries(links)) {
      const ref = movementOfKey(network, movement);
      if (!ref) continue; // a crossing or a lane of another class
      for (const i of indices) {
        const list = perTl.get(i) ?? [];
        list.push({ junction, movement, ...ref });
        perTl.set(i, list);
      }
    }
  }
  return out;
}

/** Movements at junctions of `signalIndex` that carry no linkIndex. */
function untimedOf(network: RoadNetwork, signalIndex: NonNullable<ImportResult['signalIndex']>): Map<string, MovementRef[]> {
  const out = new Map<string, MovementRef[]>();
  for (const [junction, { links }] of Object.entries(signalIndex)) {
    for (const link of network.graph.inEdges(junction)) {
      for (const m of network.movementsFrom(link)) {
        const key = `${m.from}>${m.to}`;
        if (links[key] !== undefined) continue;
        const list = out.get(junction) ?? [];
        list.push({ from: m.from, to: m.to });
        out.set(junction, list);
      }
    }
  }
  return out;
}

/** Warnings that differ only in their numbers, merged into one naming the first element and counting the rest. */
function merged(list: readonly ImportWarning[]): ImportWarning[] {
  const groups = new Map<string, ImportWarning[]>();
  for (const w of list) {
    const key = w.message.replace(/\d+(\.\d+)?/g, '#');
    const group = groups.get(key) ?? [];
    group.push(w);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0];
    const others = group.slice(1).map((w) => w.element).filter((e) => e !== undefined);
    const named = others.slice(0, 5).join(', ') + (others.length > 5 ? ', ...' : '');
    return { ...group[0], message: `${group[0].message} (likewise at ${group.length - 1} more: ${named})` };
  });
}

/** Convert the chosen programs; warns about traffic lights that have none. */
function programsOf(logics: SumoTlLogic[], tlLinks: Map<string, Map<number, TlLink[]>>, untimed: Map<string, MovementRef[]>, programId: string | undefined, warnings: ImportWarning[]): SignalProgramSpec[] {
  const programs: SignalProgramSpec[] = [];
  const notes: ImportWarning[] = [];
  for (const logic of selectPrograms(logics, { programId }, notes)) {
    const links = tlLinks.get(logic.id);
    if (!links) {
      notes.push({ where: `${logic.file}:${logic.line}`, element: logic.id, message: 'traffic light controls no imported movement; program skipped' });
      continue;
    }
    programs.push(...convertProgram(logic, links, untimed, notes));
  }
  warnings.push(...merged(notes));
  return programs;
}

/**
 * Import a SUMO scenario. `files` is a `.sumocfg` or `.net.xml` path, or the
 * files by role. Paths in a configuration are relative to it. Rejects with
 * `InputError` (path `file:line`, message naming the element id) for malformed
 * XML, DOCTYPE entity declarations, dangling references and unknown signal
 * states; with `UsageError` for bad options.
 */
export async function importSumo(files: SumoFiles | string, options: SumoImportOptions = {}): Promise<ImportResult> {
  checkOptions(options);
  const given: SumoFiles = typeof files === 'string' ? (/\.sumocfg$/i.test(files) ? { config: files } : { net: files }) : files;
  const read: string[] = [];
  let simulation: ImportResult['simulation'];
  let netFile = given.net;
  let routeFiles = given.routes;
  let additionalFiles = given.additional;
  let config: SumoConfig | undefined;
  if (given.config !== undefined) {
    config = await readConfigFile(given.config);
    read.push(given.config);
    netFile ??= config.net;
    routeFiles ??= config.routes;
    additionalFiles ??= config.additional;
    if (config.begin !== undefined || config.end !== undefined) {
      simulation = {};
      if (config.begin !== undefined) simulation.start = config.begin;
      if (config.end !== undefined) simulation.end = config.end;
    }
  }
  if (options.begin !== undefined || options.end !== undefined) {
    simulation = { ...simulation };
    if (options.begin !== undefined) simulation.start = options.begin;
    if (options.end !== undefined) simulation.end = options.end;
    if (simulation.start !== undefined && simulation.end !== undefined && simulation.end <= simulation.start) {
      throw new UsageError(`importSumo: the simulated period ends (${simulation.end} s) before it begins (${simulation.start} s): check --end against the configuration's begin`);
    }
  }
  if (netFile === undefined) throw new InputError(given.config ?? 'files', 'no network file: give net, or a configuration with net-file');

  const net = await namedBy(config, [netFile], () => readNetFile(netFile));
  read.push(netFile);
  const raw = await namedBy(config, routeFiles ?? [], () => readRouteFiles(routeFiles ?? []));
  read.push(...(routeFiles ?? []));

  const warnings: ImportWarning[] = [];
  let jamSpacing = typeof options.jamSpacing === 'number' ? options.jamSpacing : undefined;
  const fromTypes = jamSpacingOf(raw);
  if (options.jamSpacing === undefined || options.jamSpacing === 'vType') {
    if (fromTypes !== undefined) checkJamSpacing(fromTypes, raw);
    if (fromTypes !== undefined && Math.abs(fromTypes - DEFAULT_JAM_SPACING) > 1e-9) {
      jamSpacing = fromTypes;
      warnings.push({ message: `jam spacing set to ${fromTypes.toFixed(2)} m, the mean length + minGap of the vehicle types in the demand` });
    }
  }
  // SUMO's discharge headway follows the cars' length + minGap (network.ts): the demand's cars set the saturation flow unless it is given.
  let saturationFlow = options.saturationFlow;
  if (saturationFlow === undefined && fromTypes !== undefined && Math.abs(fromTypes - DEFAULT_JAM_SPACING) > 1e-9 && limitProblem(fromTypes, LIMITS.jamSpacingM) === undefined) {
    saturationFlow = sumoSaturationFlow(fromTypes);
    warnings.push({ message: `saturation flow set to ${Math.round(saturationFlow * 3600)} veh/h per lane, SUMO's queue discharge for cars of ${fromTypes.toFixed(2)} m length + minGap (1,871 veh/h at the default 7.5 m)` });
  }
  // SUMO's queues leave slower on slower roads (a follower keeps its speed x tau): the saturation flow, SUMO's at 50 km/h, and
  // the start-up lost time follow lane speed, from SUMO's car-following run for the demand's cars (sim/sumo-lane.ts), unless given.
  const discharge = options.saturationFlow === undefined ? sumoDischarge(vehicleModelOf(raw, config?.step ?? SUMO_DEFAULT_STEP), jamSpacing ?? DEFAULT_JAM_SPACING) : undefined;
  const built = buildNetwork(net, { vClass: options.vClass, junctionCrossing: options.junctionCrossing, saturationFlow, jamSpacing, discharge });
  warnings.push(...built.warnings);
  if (built.network.linkCount === 0) {
    const dropped = built.dropped.size;
    throw new InputError(shortName(netFile), dropped > 0
      ? `the network has no edge with a lane open to vehicle class ${options.vClass ?? 'passenger'} (${dropped} edge(s) dropped, e.g. "${[...built.dropped.keys()][0]}": ${[...built.dropped.values()][0]}); there is nothing to simulate`
      : 'the network has no edges (only crossings, walking areas or nothing at all); there is nothing to simulate');
  }
  // The connection and internal-lane records are spent: let them go before programs and demand are built.
  net.connections.length = 0;
  net.internalLanes.clear();

  const logics = [...net.tlLogics];
  const skippedAdditional = new Map<string, number>();
  for (const file of additionalFiles ?? []) {
    logics.push(...(await namedBy(config, [file], () => readAdditionalFile(file, skippedAdditional))));
    read.push(file);
  }
  const programs = programsOf(logics, built.tlLinks, built.untimed, options.programId, warnings);
  const timed = new Set(programs.map((p) => p.junction));
  const unprogrammed = Object.keys(built.signalIndex).filter((j) => !timed.has(j));
  if (unprogrammed.length > 0) {
    warnings.push({ message: `${unprogrammed.length} signalised junction(s) without a tlLogic program (e.g. "${unprogrammed[0]}"); greenwave's default program will run there` });
  }

  const resolved = resolveDemand(raw, built.network, { dropped: built.dropped, other: net.otherEdges }, { seed: options.seed, begin: simulation?.start, end: simulation?.end, vClass: options.vClass });
  warnings.push(...resolved.warnings);
  const counts: ImportCount[] = [...built.counts, { label: 'signal programs', count: programs.length }, ...resolved.counts];
  for (const [name, count] of skippedAdditional) counts.push({ label: `skipped: additional <${name}>`, count });
  const result: ImportResult = {
    format: 'sumo',
    files: read,
    network: built.network,
    programs,
    demand: resolved.demand,
    counts,
    warnings,
    signalIndex: built.signalIndex,
    noCrossings: Object.keys(built.signalIndex).filter((j) => !net.crossingJunctions.has(j)),
    sharedLanes: true, // SUMO's connections say which lanes each movement uses; a shared lane blocks as in SUMO
    arriveAtStopLine: true, // SUMO's default arrivalPos "max": a vehicle drives to the end of its last lane, behind the queue there
    // Trips without a route get SUMO's rerouting device at insertion: edge speeds averaged over 180 s (sampled here every
    // SUMO_SPEED_SAMPLE_S, SUMO every second) and its 1.5 s minor penalty (sim/rerouting.ts, sim/yielding-turns.ts).
    routing: { costs: 'speeds', interval: SUMO_SPEED_SAMPLE_S, window: 180, minorPenalty: SUMO_MINOR_PENALTY_S },
  };
  if (simulation) result.simulation = simulation;
  const vehicle = vehicleModelOf(raw, config?.step ?? SUMO_DEFAULT_STEP);
  if (vehicle) result.vehicle = vehicle;
  checkImportRanges(result, (kind, id) => {
    switch (kind) {
      case 'junction': {
        const j = net.junctions.find((x) => x.id === id);
        return j === undefined ? netFile : `${netFile}:${j.line}`;
      }
      case 'link': {
        const e = net.edges.find((x) => x.id === id);
        return e === undefined ? netFile : `${netFile}:${e.line}`;
      }
      case 'program': {
        const controller = built.signalIndex[id]?.controller;
        const logic = logics.filter((l) => l.id === controller).pop();
        return logic === undefined ? undefined : `${logic.file}:${logic.line}`;
      }
      case 'trip':
      case 'flow': {
        const original = id.replace(/~\d+$/, '').replace(/\.\d+$/, '');
        const item = raw.items.find((x) => x.id === id) ?? raw.items.find((x) => x.id === original);
        return item === undefined ? routeFiles?.[0] : `${item.file}:${item.line}`;
      }
      case 'vehicle': {
        // The vehicle class is the mean of the types: point at the type farthest from SUMO's passenger car.
        const types = [...raw.vTypes.values()].filter((t) => t.accel !== undefined || t.decel !== undefined || t.sigma !== undefined);
        const ratio = (x: number | undefined, usual: number): number => (x === undefined ? 0 : x > 0 && Number.isFinite(x) ? Math.abs(Math.log(x / usual)) : Infinity);
        const far = (t: (typeof types)[number]): number => Math.max(ratio(t.accel, 2.6), ratio(t.decel, 4.5), t.sigma === undefined ? 0 : t.sigma >= 0 && t.sigma <= 1 ? Math.abs(t.sigma - 0.5) : Infinity);
        const t = types.sort((a, b) => far(b) - far(a))[0];
        return t === undefined ? routeFiles?.[0] : `${t.file}:${t.line}: vType "${t.id}"`;
      }
      default:
        return given.config;
    }
  });
  return result;
}

/** What {@link importSumoAdditional} read. */
export interface SumoAdditionalResult {
  /** Programs of the traffic lights the files define; they replace the base's programs for the same junctions. */
  programs: SignalProgramSpec[];
  files: string[];
  counts: ImportCount[];
  warnings: ImportWarning[];
}

/**
 * Read `tlLogic` programs from SUMO additional files against an earlier import
 * (its network and `signalIndex` say which movements each linkIndex controls).
 * Merge with `replacePrograms(base.programs, result.programs)`.
 */
export async function importSumoAdditional(files: string | string[], base: Pick<ImportResult, 'network' | 'signalIndex'>, options: Pick<SumoImportOptions, 'programId'> = {}): Promise<SumoAdditionalResult> {
  const list = typeof files === 'string' ? [files] : files;
  const signalIndex = base.signalIndex ?? {};
  const warnings: ImportWarning[] = [];
  const skipped = new Map<string, number>();
  const logics: SumoTlLogic[] = [];
  for (const file of list) logics.push(...(await readAdditionalFile(file, skipped)));
  const programs = programsOf(logics, tlLinksOf(base.network, signalIndex), untimedOf(base.network, signalIndex), options.programId, warnings);
  const counts: ImportCount[] = [{ label: 'tlLogic programs', count: logics.length }, { label: 'signal programs', count: programs.length }];
  for (const [name, count] of skipped) counts.push({ label: `skipped: additional <${name}>`, count });
  return { programs, files: list, counts, warnings };
}

/** `base` with each junction's program replaced by the one in `replacements`, if any (order kept; new junctions appended). */
export function replacePrograms(base: readonly SignalProgramSpec[], replacements: readonly SignalProgramSpec[]): SignalProgramSpec[] {
  const byJunction = new Map(replacements.map((p) => [p.junction, p]));
  const out = base.map((p) => byJunction.get(p.junction) ?? p);
  const present = new Set(base.map((p) => p.junction));
  for (const p of replacements) if (!present.has(p.junction)) out.push(p);
  return out;
}

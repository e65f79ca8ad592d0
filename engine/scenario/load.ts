/**
 * Loading a scenario file: read JSON or YAML, report every syntax and schema
 * problem at once with its line, column and path (`ScenarioError`), and convert
 * planners' units to the engine's SI units exactly once (km/h -> m/s, veh/h ->
 * veh/s, clock strings -> seconds since midnight).
 *
 * What the result holds is ready for `buildScenario`, which needs the network to
 * check the rest (ids, turns, signal programs). `locate` stays with the result so
 * that later problems point at the file too.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GreenwaveError, ScenarioError, type ScenarioProblem } from '../errors.js';
import type { DemandSpec, FlowSpec, OdMatrixSpec, TripSpec } from '../demand/demand.js';
import { scaleDemand } from '../demand/scale.js';
import type { CorridorOptions, GridOptions, RingOptions } from '../network/generators/index.js';
import type { DrivingSide, JunctionSpec, LinkSpec, MovementSpec } from '../network/types.js';
import type { MovementRef, ProgramControl } from '../signals/program.js';
import type { VehicleModel } from '../sim/losses.js';
import type { ImportResult } from '../io/types.js';
import { importNetwork, IMPORT_FORMAT_NAMES } from '../io/import-network.js';
import { formatClock, parseClock } from './clock.js';
import { issueMessage, issuesToProblems } from './issues.js';
import { ScenarioSchema, type GeneratorNetworkFile, type IMPORT_FORMATS, OUTPUT_FILES, type ScenarioFile, type SIGNAL_DEFAULTS } from './schema.js';
import { formatPath, parseSource, syntaxOf, type PathSegment, type SourcePosition } from './source.js';

/** The network of a loaded scenario, in SI units, still to be built. */
export type NetworkSource =
  | { kind: 'inline'; junctions: JunctionSpec[]; links: LinkSpec[]; movements?: MovementSpec[] }
  | { kind: 'grid'; rows: number; cols: number; options: GridOptions }
  | { kind: 'corridor'; junctions: number; spacing: number | number[]; options: CorridorOptions }
  | { kind: 'ring'; junctions: number; radius: number; options: RingOptions }
  | { kind: 'import'; format: (typeof IMPORT_FORMATS)[number]; file: string; options?: Record<string, unknown> };

/** A movement as a scenario names it: `"fromLink>toLink"` (resolved against the network when built) or `{ from, to }`. */
export type ScenarioMovementRef = string | MovementRef;

/** A phase in SI, with movements as written. */
export interface ScenarioPhase {
  green: ScenarioMovementRef[];
  permissive?: ScenarioMovementRef[];
  /** Green time, s. */
  duration: number;
  yellow?: number;
  allRed?: number;
  minGreen?: number;
  maxGreen?: number;
}

/** A signal program in SI, with movements as written. */
export interface ScenarioProgram {
  junction: string;
  /** s */
  offset?: number;
  /** s */
  cycle?: number;
  phases: ScenarioPhase[];
  /** The program's own gap-out control, s. */
  control?: ProgramControl;
}

/** The run settings in SI: times are seconds since midnight of the simulated day. */
export interface ScenarioSimulation {
  /** s */
  start: number;
  /** s */
  end: number;
  seed: number;
  replications: number;
  /** s */
  gridlockTimeout?: number;
  /** s */
  routingInterval?: number;
  rerouteShare?: number;
  /** s */
  stopThreshold?: number;
  /** Vehicle class fields given (m/s², 0..1), over the imported or default class. */
  vehicle?: Partial<VehicleModel>;
  /** Metrics time-series interval, s. */
  interval?: number;
}

/** A validated scenario in SI units, ready for `buildScenario`. */
export interface LoadedScenario {
  /** The scenario file, as the caller named it (problems use this name). */
  file: string;
  name: string;
  description?: string;
  drivingSide: DrivingSide;
  network: NetworkSource;
  /** Demand in the engine's units (veh/s, s; OD cells stay veh/h, as `expandDemand` takes them). */
  demand: DemandSpec;
  signals: { default: (typeof SIGNAL_DEFAULTS)[number]; programs: ScenarioProgram[] };
  simulation: ScenarioSimulation;
  outputs: { dir: string; files: Array<(typeof OUTPUT_FILES)[number]> };
  /** The file as validated, in planners' units (schema defaults applied). */
  source: ScenarioFile;
  /**
   * With `network: { import, file }` (filled by `loadScenario`): what the importer
   * read. Its network is the scenario's; its programs run at signals the scenario
   * gives no program for; its demand is used when the scenario's is empty.
   */
  imported?: ImportResult;
  /** Line and column of the value at `path` of the file (of its key with `key: true`), or of its nearest enclosing value. */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourcePosition | undefined;
}

const EXTENSIONS = /\.(json|ya?ml)$/i;

/**
 * Read and validate a scenario file (`.json`, `.yaml` or `.yml`). Rejects with a
 * `ScenarioError` listing every problem found: a missing or unreadable file, syntax
 * errors, schema problems, a missing network file, inconsistent times.
 */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  if (!EXTENSIONS.test(file)) {
    throw new ScenarioError([{ file, path: '', message: `expected a .json, .yaml or .yml scenario file, found ${JSON.stringify(path.extname(file) || 'no extension')}` }]);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ScenarioError([{ file, path: '', message: `cannot read the scenario file (${path.resolve(file)}): ${why}` }]);
  }
  const loaded = parseScenario(text, file);
  if (loaded.network.kind === 'import') await importNetworkOf(loaded, loaded.network.format, loaded.network.file, loaded.network.options);
  return loaded;
}

/**
 * Run the importer of an imported network (`importNetwork` loads it on demand:
 * scenarios that import nothing never load an XML parser). Its problems become
 * located scenario problems at `network.file`.
 */
async function importNetworkOf(loaded: LoadedScenario, format: (typeof IMPORT_FORMATS)[number], networkFile: string, options: Record<string, unknown> = {}): Promise<void> {
  let imported: ImportResult;
  try {
    imported = await importNetwork(format, [networkFile], options); // the network keeps its source's driving side
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    const at = loaded.locate(['network', 'file']);
    throw new ScenarioError([{
      file: loaded.file, ...(at ? { line: at.line, column: at.column } : {}), path: 'network.file',
      message: `the ${IMPORT_FORMAT_NAMES[format]} import of ${networkFile} failed: ${error.message}`,
    }]);
  }
  loaded.imported = imported;
  const { trips, flows, od } = loaded.demand;
  if ((trips?.length ?? 0) + (flows?.length ?? 0) + (od?.length ?? 0) === 0) loaded.demand = scaleDemand(imported.demand, loaded.source.demand.scale ?? 1);
}

/**
 * Validate scenario `text` as if read from `file` (its extension picks JSON or
 * YAML, anything but `.json` is read as YAML; relative network files resolve
 * against its directory). Throws `ScenarioError` with every problem found.
 */
export function parseScenario(text: string, file: string): LoadedScenario {
  const source = parseSource(text.replace(/^\uFEFF/, ''), file, syntaxOf(file));
  if (source.problems.length > 0) throw new ScenarioError(source.problems);
  const data = source.data;
  const problems: ScenarioProblem[] = [];
  const problem = (at: readonly PathSegment[], message: string, key = false): void => {
    const pos = source.locate(at, { key });
    problems.push({ file, ...(pos ? { line: pos.line, column: pos.column } : {}), path: formatPath(at), message });
  };
  if (data === undefined || data === null) {
    throw new ScenarioError([{ file, line: 1, column: 1, path: '', message: 'expected a scenario (a mapping with name, network, demand and simulation), found an empty file' }]);
  }

  const parsed = ScenarioSchema.safeParse(data, { error: (iss) => issueMessage(iss as Parameters<typeof issueMessage>[0]) });
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, { file, data, schema: ScenarioSchema, locate: source.locate }));

  // The network file of an import must exist, whatever else is wrong.
  const network = (data as { network?: { import?: unknown; file?: unknown } }).network;
  let networkFile: string | undefined;
  if (typeof network === 'object' && network !== null && typeof network.import === 'string' && typeof network.file === 'string' && network.file !== '') {
    networkFile = path.resolve(path.dirname(path.resolve(file)), network.file);
    if (!existsSync(networkFile)) problem(['network', 'file'], `network file not found: ${JSON.stringify(network.file)} (resolved to ${networkFile})`);
  }
  if (problems.length > 0 || !parsed.success) throw new ScenarioError(problems);

  const loaded = convert(parsed.data, file, networkFile, source.locate);
  checkTimes(parsed.data, loaded, problem);
  if (problems.length > 0) throw new ScenarioError(problems);
  return loaded;
}

/** Copy of `record` without its undefined values. */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

const kmh = (v: number | undefined): number | undefined => (v === undefined ? undefined : v / 3.6);
const perHour = (v: number | undefined): number | undefined => (v === undefined ? undefined : v / 3600);

/** Seconds of time pair `name` of `record` (`nameS`, or the clock string `name`), or `fallback`. */
function timeOf(record: object, name: string, fallback: number): number;
function timeOf(record: object, name: string, fallback?: number): number | undefined;
function timeOf(record: object, name: string, fallback?: number): number | undefined {
  const r = record as Record<string, unknown>;
  if (typeof r[`${name}S`] === 'number') return r[`${name}S`] as number;
  if (typeof r[name] === 'string') return parseClock(r[name] as string) ?? fallback;
  return fallback;
}

/** Key of time pair `name` the writer used (`nameS` or `name`), or `undefined` if neither. */
export function timeKey(record: object, name: string): string | undefined {
  const r = record as Record<string, unknown>;
  if (r[`${name}S`] !== undefined) return `${name}S`;
  if (r[name] !== undefined) return name;
  return undefined;
}

function generatorSource(g: GeneratorNetworkFile, drivingSide: DrivingSide): NetworkSource {
  const common = defined({
    speed: kmh(g.speedKmh),
    lanes: g.lanes,
    saturationFlow: perHour(g.saturationVehPerHourPerLane),
    jamSpacing: g.jamSpacingM,
    drivingSide,
    idPrefix: g.idPrefix,
    origin: g.origin === undefined ? undefined : { x: g.origin.xM, y: g.origin.yM },
    geo: g.geo,
    signals: g.signals,
    deadEndUTurns: g.deadEndUTurns,
  });
  switch (g.generator) {
    case 'grid':
      return { kind: 'grid', rows: g.rows, cols: g.cols, options: defined({ ...common, spacing: g.spacingM, attachLength: g.attachLengthM }) };
    case 'corridor':
      return {
        kind: 'corridor',
        junctions: g.junctions,
        spacing: g.spacingM,
        options: defined({ ...common, endLength: g.endLengthM, sideLength: g.sideLengthM, sideLanes: g.sideLanes, sideSpeed: kmh(g.sideSpeedKmh) }),
      };
    case 'ring':
      return {
        kind: 'ring',
        junctions: g.junctions,
        radius: g.radiusM,
        options: defined({ ...common, spokeLength: g.spokeLengthM, sideLanes: g.sideLanes, sideSpeed: kmh(g.sideSpeedKmh) }),
      };
  }
}

function convert(s: ScenarioFile, file: string, networkFile: string | undefined, locate: LoadedScenario['locate']): LoadedScenario {
  const drivingSide = s.drivingSide;
  let network: NetworkSource;
  const n = s.network;
  if ('links' in n) {
    network = {
      kind: 'inline',
      junctions: n.junctions.map((j) => defined({ id: j.id, x: j.xM, y: j.yM, lon: j.lon, lat: j.lat, control: j.control })),
      links: n.links.map((l) =>
        defined({
          id: l.id,
          from: l.from,
          to: l.to,
          length: l.lengthM,
          lanes: l.lanes,
          speed: l.speedKmh / 3.6,
          saturationFlow: perHour(l.saturationVehPerHourPerLane),
          jamSpacing: l.jamSpacingM,
          name: l.name,
          names: l.names,
          roadClass: l.roadClass,
          shape: l.shapeM,
        }),
      ),
      ...(n.movements === undefined ? {} : { movements: n.movements.map((m) => defined({ from: m.from, to: m.to, lanes: m.lanes })) }),
    };
  } else if ('generator' in n) {
    network = generatorSource(n, drivingSide);
  } else {
    // The import form (its file was checked above).
    network = { kind: 'import', format: n.import, file: networkFile ?? n.file, ...(n.options === undefined ? {} : { options: n.options }) };
  }

  const sim = s.simulation;
  const start = timeOf(sim, 'start', 0);
  const end = timeOf(sim, 'end', 0);
  const simulation: ScenarioSimulation = defined({
    start,
    end,
    seed: sim.seed,
    replications: sim.replications,
    gridlockTimeout: sim.gridlockTimeoutS,
    routingInterval: sim.routingIntervalS,
    rerouteShare: sim.rerouteShare,
    stopThreshold: sim.stopThresholdS,
    vehicle: sim.vehicle === undefined ? undefined : defined({ accel: sim.vehicle.accelMS2, decel: sim.vehicle.decelMS2, sigma: sim.vehicle.sigma, startLoss: sim.vehicle.startLoss }),
    interval: sim.intervalS,
  });

  const d = s.demand;
  const demand: DemandSpec = {};
  if (d.trips !== undefined) {
    demand.trips = d.trips.map((t): TripSpec =>
      defined({ id: t.id, depart: timeOf(t, 'depart', 0), from: t.from, to: t.to, fromLink: t.fromLink, toLink: t.toLink, route: t.route }),
    );
  }
  if (d.flows !== undefined) {
    demand.flows = d.flows.map((f): FlowSpec =>
      defined({
        id: f.id,
        from: f.from,
        to: f.to,
        fromLink: f.fromLink,
        toLink: f.toLink,
        route: f.route,
        rate: f.vehPerHour / 3600,
        begin: timeOf(f, 'begin', start),
        end: timeOf(f, 'end', end),
        arrivals: f.arrivals,
      }),
    );
  }
  if (d.od !== undefined) {
    demand.od = d.od.map((m): OdMatrixSpec =>
      defined({
        zones: m.zones,
        zoneNames: m.zoneNames,
        trips: m.vehPerHour,
        begin: timeOf(m, 'begin', start),
        end: timeOf(m, 'end', end),
        profile: m.profile?.map((p) => ({ time: timeOf(p, 'time', 0), factor: p.factor })),
        arrivals: m.arrivals,
      }),
    );
  }

  const programs = (s.signals?.programs ?? []).map((p): ScenarioProgram =>
    defined({
      junction: p.junction,
      offset: p.offsetS,
      cycle: p.cycleS,
      control: p.actuated === undefined ? undefined : defined({ kind: 'actuated' as const, gap: p.actuated.maxGapS, detectorGap: p.actuated.detectorGapS, passingTime: p.actuated.passingTimeS }),
      phases: p.phases.map((ph): ScenarioPhase =>
        defined({
          green: ph.green,
          permissive: ph.permissive,
          duration: ph.greenS,
          yellow: ph.yellowS,
          allRed: ph.allRedS,
          minGreen: ph.minGreenS,
          maxGreen: ph.maxGreenS,
        }),
      ),
    }),
  );

  return {
    file,
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    drivingSide,
    network,
    demand: scaleDemand(demand, s.demand.scale ?? 1),
    signals: { default: s.signals?.default ?? 'fixed', programs },
    simulation,
    outputs: { dir: s.outputs?.dir ?? `out/${s.name}`, files: s.outputs?.files ?? [...OUTPUT_FILES] },
    source: s,
    locate,
  };
}

const at = (t: number): string => `${formatClock(t)} (${t} s)`;

/**
 * Time windows: the run ends after it starts; every trip departs inside the run
 * (the kernel skips departures outside it, which would lose vehicles silently);
 * flows and OD periods end after they begin and begin inside the run.
 */
function checkTimes(s: ScenarioFile, loaded: LoadedScenario, problem: (at: readonly PathSegment[], message: string) => void): void {
  const { start, end } = loaded.simulation;
  const sim = s.simulation;
  const keyOr = (record: object, name: string, base: PathSegment[]): PathSegment[] => {
    const key = timeKey(record, name);
    return key === undefined ? base : [...base, key];
  };
  if (end <= start) {
    problem(keyOr(sim, 'end', ['simulation']), `expected an end after simulation start ${at(start)}, found ${at(end)}`);
    return;
  }
  s.demand.trips?.forEach((t, i) => {
    const depart = loaded.demand.trips![i].depart;
    const where = keyOr(t, 'depart', ['demand', 'trips', i]);
    if (depart < start) problem(where, `expected a departure at or after simulation start ${at(start)}, found ${at(depart)} (times are seconds since midnight, not since the start)`);
    else if (depart >= end) problem(where, `expected a departure before simulation end ${at(end)}, found ${at(depart)}`);
  });
  const periods = (list: Array<{ begin: number; end: number }> | undefined, raw: object[] | undefined, kind: 'flows' | 'od'): void => {
    list?.forEach((p, i) => {
      const record = raw![i];
      const base: PathSegment[] = ['demand', kind, i];
      if (p.end <= p.begin) problem(keyOr(record, 'end', base), `expected an end after its begin ${at(p.begin)}, found ${at(p.end)}`);
      else if (p.begin < start) problem(keyOr(record, 'begin', base), `expected a begin at or after simulation start ${at(start)}, found ${at(p.begin)} (times are seconds since midnight, not since the start)`);
      else if (p.begin >= end) problem(keyOr(record, 'begin', base), `expected a begin before simulation end ${at(end)}, found ${at(p.begin)}`);
    });
  };
  periods(loaded.demand.flows, s.demand.flows, 'flows');
  periods(loaded.demand.od, s.demand.od, 'od');
}

/**
 * What a loaded scenario is, and the one conversion from the file's planners'
 * units to the engine's SI units (km/h -> m/s, veh/h -> veh/s, clock strings ->
 * seconds since midnight), with the time-window checks that need converted
 * times. Loading (`load.ts`, `parse.ts`) validates first, then calls
 * {@link convertScenario}.
 */
import type { DemandSpec, FlowSpec, OdMatrixSpec, TripSpec } from '../demand/demand.js';
import type { CorridorOptions, GridOptions, RingOptions } from '../network/generators/index.js';
import type { DrivingSide, JunctionSpec, LinkSpec, MovementSpec } from '../network/types.js';
import type { MovementRef, ProgramControl } from '../signals/program.js';
import type { JunctionSafety, SafetyOptions } from '../signals/safety.js';
import type { NetworkChange } from './network-changes.js';
import type { VehicleModel } from '../sim/losses.js';
import type { GapAcceptance } from '../sim/gap-acceptance.js';
import type { ImportResult } from '../io/types.js';
import type { Locator, PathSegment } from '../text/position.js';
import type { ScenarioProblem } from '../errors.js';
import { scaleDemand } from '../demand/scale.js';
import { formatClock, parseClock } from './clock.js';
import { OUTPUT_FILES, type IMPORT_FORMATS, type SIGNAL_DEFAULTS } from './formats.js';
import type { GeneratorNetworkFile, ScenarioFile } from './schema.js';

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
  /** Link costs of routing at departure, when the file says (default: the import's, else travel times). */
  routingCosts?: 'travel-times' | 'speeds';
  /** s */
  routingWindow?: number;
  /** s, when the file says (default: the import's, else 0). */
  minorPenalty?: number;
  rerouteShare?: number;
  /** s */
  stopThreshold?: number;
  /** Head-of-line blocking in shared lanes, when the file says (default: the import's, else off). */
  sharedLanes?: boolean;
  /** Trips end behind the queue at their last link's end (sim/arrivals.ts), when the file says (default: the import's, else off). */
  arriveAtStopLine?: boolean;
  /** Vehicle class fields given (m/s², 0..1), over the imported or default class. */
  vehicle?: Partial<VehicleModel>;
  /** Metrics time-series interval, s. */
  interval?: number;
  /** Route choice: at departure (default) or dynamic user equilibrium. */
  routeChoice?: 'departure' | 'equilibrium';
  /** Equilibrium settings given (s, share). */
  equilibrium?: {
    method?: 'swap' | 'gawron'; maxIterations?: number; gap?: number; noiseCheckEvery?: number; intervalS?: number; slotS?: number; gapCosts?: 'newest' | 'smoothed'; costSmoothing?: number;
    gawronBeta?: number; gawronA?: number; maxAlternatives?: number; costsBy?: 'movement' | 'link'; minorPenaltyS?: number;
  };
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
  /**
   * `safetyCheck`: false where the programs are not checked for safety (imported
   * documents); `safety`: the check's settings from `signals.safety`, in SI
   * (m/s, m, grade as a fraction), keyed by junction id as written;
   * `pinPhaseOrder`: junctions whose phase order the optimiser keeps (true: all).
   */
  signals: { default: (typeof SIGNAL_DEFAULTS)[number]; programs: ScenarioProgram[]; safetyCheck: boolean; safety: Partial<SafetyOptions>; pinPhaseOrder: boolean | string[] };
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
  /** Network changes of a what-if overlay (overlay.ts), applied by the builder in order before compiling. */
  networkChanges?: NetworkChange[];
  /**
   * Where a value of the loaded scenario was written when it is not in `file`
   * (demand an overlay added: overlay.ts): the file, line and column of `path`,
   * or undefined for values of `file` itself.
   */
  relocate?: (path: readonly PathSegment[]) => Omit<ScenarioProblem, 'message'> | undefined;
  /** Line and column of the value at `path` of the file (of its key with `key: true`), or of its nearest enclosing value. */
  locate: Locator;
}

/** A flow as the scenario file writes it (`demand.flows[i]`). */
export type ScenarioFlow = NonNullable<ScenarioFile['demand']['flows']>[number];

/** Flows of a scenario file in the engine's units (veh/s; begin and end in s, defaulting to the run's `start` and `end`). */
export function flowSpecs(flows: readonly ScenarioFlow[], start: number, end: number): FlowSpec[] {
  return flows.map((f): FlowSpec =>
    defined({
      id: f.id,
      from: f.from,
      to: f.to,
      fromLink: f.fromLink,
      toLink: f.toLink,
      route: f.route,
      departSpeed: f.departSpeedKmh === undefined ? undefined : departSpeedOf(f.departSpeedKmh),
      rate: f.vehPerHour / 3600,
      begin: timeOf(f, 'begin', start),
      end: timeOf(f, 'end', end),
      arrivals: f.arrivals,
    }),
  );
}

/** A scenario's `departSpeedKmh` in the engine's units: m/s, or "max". */
function departSpeedOf(kmh: number | 'max'): number | 'max' {
  return kmh === 'max' ? 'max' : kmh / 3.6;
}

/** Copy of `record` without its undefined values. */
/** A scenario's `simulation.vehicle.gapAcceptance` in the engine's units (unchanged: seconds and metres). */
function gapAcceptanceOf(gap: NonNullable<NonNullable<ScenarioFile['simulation']['vehicle']>['gapAcceptance']> | undefined): GapAcceptance | undefined {
  if (gap === undefined || gap.model === 'hcm') return gap;
  return defined({ model: 'sumo' as const, timegapMinor: gap.timegapMinorS, length: gap.lengthM, laneWidth: gap.laneWidthM, junctionRadius: gap.junctionRadiusM, impatience: gap.impatience, timeToImpatience: gap.timeToImpatienceS });
}

function defined<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const key in record) if (record[key] !== undefined) out[key] = record[key];
  return out as T;
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

type InlineNetwork = Extract<ScenarioFile['network'], { links: unknown }>;

/** A junction of the file in the engine's units (its fields in the order `defined` would keep). */
function junctionSpec(j: InlineNetwork['junctions'][number]): JunctionSpec {
  const spec: JunctionSpec = { id: j.id, x: j.xM, y: j.yM };
  if (j.lon !== undefined) spec.lon = j.lon;
  if (j.lat !== undefined) spec.lat = j.lat;
  if (j.control !== undefined) spec.control = j.control;
  return spec;
}

/** A link of the file in the engine's units (km/h -> m/s, veh/h -> veh/s). */
function linkSpec(l: InlineNetwork['links'][number]): LinkSpec {
  const spec = { id: l.id, from: l.from, to: l.to } as LinkSpec;
  if (l.lengthM !== undefined) spec.length = l.lengthM;
  if (l.lanes !== undefined) spec.lanes = l.lanes;
  spec.speed = l.speedKmh / 3.6;
  if (l.saturationVehPerHourPerLane !== undefined) spec.saturationFlow = l.saturationVehPerHourPerLane / 3600;
  if (l.jamSpacingM !== undefined) spec.jamSpacing = l.jamSpacingM;
  if (l.startUpLostS !== undefined) spec.startUpLost = l.startUpLostS;
  if (l.name !== undefined) spec.name = l.name;
  if (l.names !== undefined) spec.names = l.names;
  if (l.roadClass !== undefined) spec.roadClass = l.roadClass;
  if (l.priority !== undefined) spec.priority = l.priority;
  if (l.shapeM !== undefined) spec.shape = l.shapeM;
  return spec;
}

/** A movement of the file in the engine's units. */
function movementSpec(m: NonNullable<InlineNetwork['movements']>[number]): MovementSpec {
  const spec: MovementSpec = { from: m.from, to: m.to };
  if (m.lanes !== undefined) spec.lanes = m.lanes;
  if (m.rightOfWay !== undefined) spec.rightOfWay = m.rightOfWay;
  if (m.waitPointM !== undefined) spec.waitPoint = m.waitPointM;
  if (m.timeOffsetS !== undefined) spec.timeOffset = m.timeOffsetS;
  if (m.crossingSpeedKmh !== undefined) spec.crossingSpeed = m.crossingSpeedKmh / 3.6;
  if (m.laneLinks !== undefined) spec.laneLinks = m.laneLinks;
  return spec;
}

/**
 * `s` (a valid scenario file, defaults applied) in SI units, as loaded from
 * `file`; `networkFile` is the resolved path of an imported network.
 */
export function convertScenario(s: ScenarioFile, file: string, networkFile: string | undefined, locate: Locator): LoadedScenario {
  const drivingSide = s.drivingSide;
  let network: NetworkSource;
  const n = s.network;
  if ('links' in n) {
    network = {
      kind: 'inline',
      // Element by element (not through `defined`, whose loop over keys runs cold and megamorphic): a city's network is tens of thousands of them.
      junctions: n.junctions.map(junctionSpec),
      links: n.links.map(linkSpec),
      ...(n.movements === undefined ? {} : { movements: n.movements.map(movementSpec) }),
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
    routingCosts: sim.routingCosts,
    routingWindow: sim.routingWindowS,
    minorPenalty: sim.minorPenaltyS,
    rerouteShare: sim.rerouteShare,
    stopThreshold: sim.stopThresholdS,
    sharedLanes: sim.sharedLanes,
    arriveAtStopLine: sim.arriveAtStopLine,
    vehicle: sim.vehicle === undefined ? undefined : defined({ accel: sim.vehicle.accelMS2, decel: sim.vehicle.decelMS2, sigma: sim.vehicle.sigma, startLoss: sim.vehicle.startLoss, startUpLost: sim.vehicle.startUpLostS, speedDev: sim.vehicle.speedDev, gapAcceptance: gapAcceptanceOf(sim.vehicle.gapAcceptance), junctionStorage: sim.vehicle.junctionStorageVeh, yellowDecel: sim.vehicle.yellowDecelMS2, stepLength: sim.vehicle.stepLengthS, departLane: sim.vehicle.departLane, insertionHeadway: sim.vehicle.insertionHeadwayS }),
    interval: sim.intervalS,
    routeChoice: sim.routeChoice,
    equilibrium: sim.equilibrium === undefined ? undefined : defined({
      maxIterations: sim.equilibrium.maxIterations, gap: sim.equilibrium.relativeGap, noiseCheckEvery: sim.equilibrium.noiseCheckEvery, intervalS: sim.equilibrium.intervalS, slotS: sim.equilibrium.slotS,
      gapCosts: sim.equilibrium.gapCosts, costSmoothing: sim.equilibrium.costSmoothing,
      method: sim.equilibrium.method, gawronBeta: sim.equilibrium.gawronBeta, gawronA: sim.equilibrium.gawronA, maxAlternatives: sim.equilibrium.maxAlternatives,
      costsBy: sim.equilibrium.costsBy, minorPenaltyS: sim.equilibrium.minorPenaltyS,
    }),
  });

  const d = s.demand;
  const demand: DemandSpec = {};
  if (d.trips !== undefined) {
    // Field by field (not through `defined`): a city's trips are the bulk of a scenario.
    demand.trips = d.trips.map((t): TripSpec => {
      const spec: TripSpec = { depart: typeof t.departS === 'number' ? t.departS : timeOf(t, 'depart', 0) };
      if (t.id !== undefined) spec.id = t.id;
      if (t.from !== undefined) spec.from = t.from;
      if (t.to !== undefined) spec.to = t.to;
      if (t.fromLink !== undefined) spec.fromLink = t.fromLink;
      if (t.toLink !== undefined) spec.toLink = t.toLink;
      if (t.route !== undefined) spec.route = t.route;
      if (t.departSpeedKmh !== undefined) spec.departSpeed = departSpeedOf(t.departSpeedKmh);
      return spec;
    });
  }
  if (d.flows !== undefined) demand.flows = flowSpecs(d.flows, start, end);
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

  const programs = (s.signals?.programs ?? []).map(programOf);

  return {
    file,
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    drivingSide,
    network,
    demand: scaleDemand(demand, s.demand.scale ?? 1),
    signals: { default: s.signals?.default ?? 'fixed', programs, safetyCheck: s.signals?.safetyCheck ?? true, safety: safetyOptions(s.signals?.safety), pinPhaseOrder: s.signals?.pinPhaseOrder ?? false },
    simulation,
    outputs: { dir: s.outputs?.dir ?? `out/${s.name}`, files: s.outputs?.files ?? [...OUTPUT_FILES] },
    source: s,
    locate,
  };
}

/** A program of the file (`signals.programs[i]`, a what-if's `retime`) in seconds and engine names. */
export function programOf(p: NonNullable<NonNullable<ScenarioFile['signals']>['programs']>[number]): ScenarioProgram {
  return defined({
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
  });
}

/** `signals.safety` in SI, for `checkPlanSafety` and `safePrograms`. */
function safetyOptions(safety: NonNullable<ScenarioFile['signals']>['safety']): Partial<SafetyOptions> {
  if (safety === undefined) return {};
  const junctions: Record<string, JunctionSafety> = Object.create(null) as Record<string, JunctionSafety>;
  for (const [id, j] of Object.entries(safety.junctions ?? {})) {
    junctions[id] = {
      ...(j.crossingWidthM === undefined ? {} : { crossingWidth: j.crossingWidthM }),
      ...(j.walkSpeedMS === undefined ? {} : { walkSpeed: j.walkSpeedMS }),
      ...(j.walkTimeS === undefined ? {} : { walkTime: j.walkTimeS }),
      ...(j.pedestrians === undefined ? {} : { pedestrians: j.pedestrians }),
      ...(j.approachSpeedKmh === undefined ? {} : { approachSpeed: j.approachSpeedKmh / 3.6 }),
      ...(j.gradePercent === undefined ? {} : { grade: j.gradePercent / 100 }),
      ...(j.clearWidthM === undefined ? {} : { clearWidth: j.clearWidthM }),
    };
  }
  return {
    ...(safety.walkSpeedMS === undefined ? {} : { walkSpeed: safety.walkSpeedMS }),
    ...(safety.walkTimeS === undefined ? {} : { walkTime: safety.walkTimeS }),
    ...(safety.clearances === undefined ? {} : { clearances: safety.clearances }),
    junctions,
  };
}

const at = (t: number): string => `${formatClock(t)} (${t} s)`;

/**
 * What is wrong with a flow's or OD matrix's period in a run from `start` to
 * `end` (s), and at which of its time keys: it must end after it begins and
 * begin inside the run. Undefined when nothing is.
 */
export function periodProblem(p: { begin: number; end: number }, start: number, end: number): { key: 'begin' | 'end'; message: string } | undefined {
  if (p.end <= p.begin) return { key: 'end', message: `expected an end after its begin ${at(p.begin)}, found ${at(p.end)}` };
  if (p.begin < start) return { key: 'begin', message: `expected a begin at or after simulation start ${at(start)}, found ${at(p.begin)} (times are seconds since midnight, not since the start)` };
  if (p.begin >= end) return { key: 'begin', message: `expected a begin before simulation end ${at(end)}, found ${at(p.begin)}` };
  return undefined;
}

/**
 * Time windows: the run ends after it starts; every trip departs inside the run
 * (the kernel skips departures outside it, which would lose vehicles silently);
 * flows and OD periods end after they begin and begin inside the run.
 */
export function checkTimes(s: ScenarioFile, loaded: LoadedScenario, problem: (at: readonly PathSegment[], message: string) => void): void {
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
    if (depart >= start && depart < end) return;
    const where = keyOr(t, 'depart', ['demand', 'trips', i]);
    if (depart < start) problem(where, `expected a departure at or after simulation start ${at(start)}, found ${at(depart)} (times are seconds since midnight, not since the start)`);
    else problem(where, `expected a departure before simulation end ${at(end)}, found ${at(depart)}`);
  });
  const periods = (list: Array<{ begin: number; end: number }> | undefined, raw: object[] | undefined, kind: 'flows' | 'od'): void => {
    list?.forEach((p, i) => {
      const found = periodProblem(p, start, end);
      if (found !== undefined) problem(keyOr(raw![i], found.key, ['demand', kind, i]), found.message);
    });
  };
  periods(loaded.demand.flows, s.demand.flows, 'flows');
  periods(loaded.demand.od, s.demand.od, 'od');
}

/**
 * The scenario writer for imports: any `ImportResult` (SUMO, CityFlow, OSM) ->
 * a scenario document (plain JSON-ready data) that `parseScenario`/`loadScenario`
 * and `buildScenario` accept, so an imported network becomes a file a planner can
 * read, edit, validate and run like any other scenario.
 *
 * Everything is written out in full and in planners' units (see
 * `engine/scenario/schema.ts`): an inline network (junctions with control, links
 * with `lengthM`/`lanes`/`speedKmh` and their saturation flow and jam spacing
 * when not the defaults, and the movements with their lanes — always listed, so
 * the loader does not fall back to "every turn"), `signals.programs` from the
 * source's programs (with `safetyCheck: false`: they run as the source defines
 * them, and are not refused for conflicts or short clearances; junctions where
 * the source models no pedestrian crossing marked `pedestrians: false` in
 * `signals.safety`), the demand (trips, flows, OD matrices) with explicit routes,
 * the simulated period and the driving side. Values are converted from SI and written
 * as short decimals where that changes them by less than 1e-12 of themselves
 * (see `inUnit`).
 */
import type { DemandSpec, RouteFields } from '../demand/demand.js';
import type { MovementRef, SignalProgramSpec } from '../signals/program.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW } from '../network/types.js';
import type { GapAcceptance } from '../sim/gap-acceptance.js';
import type { ImportResult } from './types.js';

/** Options of {@link scenarioDocument}. */
export interface ScenarioDocumentOptions {
  /** Scenario name (letters, digits, ".", "_", "-"); default: from the first file's name. */
  name?: string;
  /**
   * Write `network: { import, file, options }` (the source file, relative to the
   * scenario file, and the importer options that reproduce this network) instead
   * of the network inline: a short file that re-imports its source when loaded
   * (its signal programs then come from the importer too and are not written).
   */
  reference?: { file: string; options?: Record<string, unknown> };
  /**
   * `program`: write `signals.safety.clearances: program`, so the source's
   * programs keep their own yellow and all-red as the floor instead of the ITE
   * values (an explicit opt-in; default: nothing written, ITE).
   */
  clearances?: 'ite' | 'program';
}

/** Shape points are written to the centimetre: they are for drawing only. */
const roundCm = (x: number): number => Math.round(x * 100) / 100;

/** Default length of the simulated period when the source gives none and has no demand, s. */
const DEFAULT_PERIOD = 3600;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * `value` (SI) in a planner's unit, `value * factor`, as a short decimal when
 * rounding to 1e-6 moves it by less than 1e-12 of itself (39.9996 km/h, not
 * 39.999599999999994), else unrounded. Reading it back (`/ factor`) gives
 * `value` or a double next to it: the division cannot hit every double (11.11 m/s
 * has no exact km/h double), so a document run may differ from the import run
 * in the last digit of a mean, never in a count.
 */
export function inUnit(value: number, factor: number): number {
  const product = value * factor;
  const rounded = round6(product);
  return Math.abs(rounded - product) <= 1e-12 * Math.abs(product) ? rounded : product;
}

/** A scenario name from `text`: invalid characters become "-", it starts with a letter or digit. */
export function scenarioName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'imported' : cleaned;
}

/** File names that say nothing about the place: the folder names the scenario instead. */
const GENERIC_NAMES = new Set(['config', 'roadnet', 'flow', 'net', 'network', 'map', 'scenario', 'osm', 'routes']);

/** The `gapAcceptance` entry of a scenario's vehicle class for an imported class's model (none when the import brings none). */
function gapAcceptanceDoc(gap: GapAcceptance | undefined): { gapAcceptance?: object } {
  if (gap === undefined) return {};
  if (gap.model === 'hcm') return { gapAcceptance: { model: 'hcm' } };
  const { timegapMinor, length, laneWidth, junctionRadius, impatience, timeToImpatience } = gap;
  const fields = { timegapMinorS: timegapMinor, lengthM: length, laneWidthM: laneWidth, junctionRadiusM: junctionRadius, impatience, timeToImpatienceS: timeToImpatience };
  return { gapAcceptance: { model: 'sumo', ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) } };
}

function defaultName(result: ImportResult): string {
  const first = result.files[0];
  if (first === undefined) return `${result.format}-import`;
  const parts = first.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  const base = (parts.pop() ?? first).replace(/(\.(net|rou|sumocfg|osm|json|xml|gz|pbf|bz2))+$/i, '');
  const folder = parts.pop();
  return scenarioName(GENERIC_NAMES.has(base.toLowerCase()) && folder !== undefined && folder !== '..' ? folder : base);
}

function movementRef(ref: MovementRef): string | MovementRef {
  return ref.from.includes('>') || ref.to.includes('>') ? { from: ref.from, to: ref.to } : `${ref.from}>${ref.to}`;
}

/** Latest time the demand names (departures, flow and OD ends), s; -Infinity when there is none. */
function demandEnd(demand: DemandSpec): number {
  let end = -Infinity;
  for (const t of demand.trips ?? []) end = Math.max(end, t.depart);
  for (const f of demand.flows ?? []) end = Math.max(end, f.end);
  for (const m of demand.od ?? []) end = Math.max(end, m.end);
  return end;
}

function programDocument(p: SignalProgramSpec): object {
  return {
    junction: p.junction,
    ...(p.offset === undefined || p.offset === 0 ? {} : { offsetS: p.offset }),
    phases: p.phases.map((ph) => ({
      green: ph.green.map(movementRef),
      ...(ph.permissive === undefined || ph.permissive.length === 0 ? {} : { permissive: ph.permissive.map(movementRef) }),
      greenS: ph.duration,
      ...(ph.yellow === undefined ? {} : { yellowS: ph.yellow }),
      ...(ph.allRed === undefined ? {} : { allRedS: ph.allRed }),
      ...(ph.minGreen === undefined ? {} : { minGreenS: ph.minGreen }),
      ...(ph.maxGreen === undefined ? {} : { maxGreenS: ph.maxGreen }),
    })),
    ...(p.control === undefined ? {} : {
      actuated: {
        ...(p.control.gap === undefined ? {} : { maxGapS: p.control.gap }),
        ...(p.control.detectorGap === undefined ? {} : { detectorGapS: p.control.detectorGap }),
        ...(p.control.passingTime === undefined ? {} : { passingTimeS: p.control.passingTime }),
      },
    }),
  };
}

function endpoints(r: RouteFields): object {
  return {
    ...(r.from === undefined ? {} : { from: r.from }),
    ...(r.to === undefined ? {} : { to: r.to }),
    ...(r.fromLink === undefined ? {} : { fromLink: r.fromLink }),
    ...(r.toLink === undefined ? {} : { toLink: r.toLink }),
    ...(r.route === undefined ? {} : { route: r.route }),
    ...(r.departSpeed === undefined || r.departSpeed === 0 ? {} : { departSpeedKmh: r.departSpeed === 'max' ? 'max' : inUnit(r.departSpeed, 3.6) }),
  };
}

function demandDocument(demand: DemandSpec): object {
  const out: Record<string, unknown> = {};
  if (demand.trips !== undefined && demand.trips.length > 0) {
    out.trips = demand.trips.map((t) => ({ ...(t.id === undefined ? {} : { id: t.id }), departS: t.depart, ...endpoints(t) }));
  }
  if (demand.flows !== undefined && demand.flows.length > 0) {
    out.flows = demand.flows.map((f) => ({
      ...(f.id === undefined ? {} : { id: f.id }),
      ...endpoints(f),
      vehPerHour: inUnit(f.rate, 3600),
      beginS: f.begin,
      endS: f.end,
      ...(f.arrivals === undefined ? {} : { arrivals: f.arrivals }),
    }));
  }
  if (demand.od !== undefined && demand.od.length > 0) {
    out.od = demand.od.map((m) => ({
      zones: m.zones,
      ...(m.zoneNames === undefined ? {} : { zoneNames: m.zoneNames }),
      vehPerHour: m.trips,
      beginS: m.begin,
      endS: m.end,
      ...(m.profile === undefined ? {} : { profile: m.profile.map((p) => ({ timeS: p.time, factor: p.factor })) }),
      ...(m.arrivals === undefined ? {} : { arrivals: m.arrivals }),
    }));
  }
  return out;
}

/**
 * The simulated period a scenario document of `result` gets, s on the scenario
 * clock: the source's (`result.simulation`); without one it starts at 0 and ends
 * at the next whole hour after the last demand time (one hour when there is no
 * demand).
 */
export function simulatedPeriod(result: ImportResult): { start: number; end: number } {
  const start = result.simulation?.start ?? 0;
  let end = result.simulation?.end;
  if (end === undefined) {
    const last = demandEnd(result.demand);
    end = Number.isFinite(last) && last >= start ? start + Math.max(DEFAULT_PERIOD, Math.ceil((last - start + 1) / DEFAULT_PERIOD) * DEFAULT_PERIOD) : start + DEFAULT_PERIOD;
  }
  return { start, end };
}

/**
 * A scenario document for `result`, ready for `JSON.stringify` and for
 * `parseScenario`/`buildScenario`. The simulated period is the source's
 * (`result.simulation`); without one it starts at 0 and ends at the next whole
 * hour after the last demand time (one hour when there is no demand).
 */
export function scenarioDocument(result: ImportResult, options: ScenarioDocumentOptions = {}): object {
  const network = result.network;
  const { start, end } = simulatedPeriod(result);
  const junctions = network.junctions().map((j) => ({
    id: j.id,
    xM: j.x,
    yM: j.y,
    ...(j.lon === undefined || j.lat === undefined ? {} : { lon: j.lon, lat: j.lat }),
    control: j.control,
  }));
  const links = network.links().map((l) => ({
    id: l.id,
    from: l.from,
    to: l.to,
    lengthM: l.length,
    lanes: l.lanes,
    speedKmh: inUnit(l.speed, 3.6),
    ...(l.saturationFlow === DEFAULT_SATURATION_FLOW ? {} : { saturationVehPerHourPerLane: inUnit(l.saturationFlow, 3600) }),
    ...(l.jamSpacing === DEFAULT_JAM_SPACING ? {} : { jamSpacingM: l.jamSpacing }),
    ...(l.startUpLost === undefined ? {} : { startUpLostS: l.startUpLost }),
    ...(l.name === undefined ? {} : { name: l.name }),
    ...(l.names === undefined ? {} : { names: l.names }),
    ...(l.roadClass === undefined ? {} : { roadClass: l.roadClass }),
    ...(l.priority === undefined ? {} : { priority: l.priority }),
    ...(l.shape === undefined ? {} : { shapeM: l.shape.map(([x, y]) => [roundCm(x), roundCm(y)]) }),
  }));
  const movements = network.movements().map((m) => {
    // Lanes are written where they differ from their default: every lane, or with lane links the pairs' approach lanes.
    const implied = m.laneLinks === undefined ? network.link(m.from).lanes : new Set(m.laneLinks.map((p) => p[0])).size;
    const all = m.lanes.length === implied;
    return { from: m.from, to: m.to, ...(all ? {} : { lanes: [...m.lanes] }), ...(m.rightOfWay === undefined ? {} : { rightOfWay: m.rightOfWay }), ...(m.waitPoint === undefined ? {} : { waitPointM: m.waitPoint }), ...(m.timeOffset === undefined || m.timeOffset === 0 ? {} : { timeOffsetS: m.timeOffset }), ...(m.crossingSpeed === undefined ? {} : { crossingSpeedKmh: m.crossingSpeed * 3.6 }), ...(m.laneLinks === undefined ? {} : { laneLinks: m.laneLinks.map(([from, to]) => [from, to]) }) };
  });
  const files = result.files.join(', ');
  const warned = result.warnings.length === 0 ? '' : `; ${result.warnings.length} import warning${result.warnings.length === 1 ? '' : 's'}`;
  return {
    name: options.name === undefined ? defaultName(result) : scenarioName(options.name),
    description: `Imported from ${result.format} files (${files}) by greenwave import${warned}.`,
    drivingSide: network.drivingSide,
    network: options.reference === undefined
      ? { junctions, links, movements }
      : { import: result.format, file: options.reference.file, ...(options.reference.options === undefined || Object.keys(options.reference.options).length === 0 ? {} : { options: options.reference.options }) },
    demand: demandDocument(result.demand),
    // With a reference the importer makes the same programs again when the scenario loads.
    // The source's programs run as it defines them (CityFlow's right turns are always green, its phases have no yellow): not refused by the safety check.
    // Junctions where the source models no pedestrian crossing get no pedestrian minimum green (ImportResult.noCrossings).
    ...signalsDocument(result, options),
    simulation: {
      startS: start,
      endS: end,
      ...(result.sharedLanes === undefined || options.reference !== undefined ? {} : { sharedLanes: result.sharedLanes }),
      ...(result.arriveAtStopLine === undefined || options.reference !== undefined ? {} : { arriveAtStopLine: result.arriveAtStopLine }),
      ...(result.routing === undefined || options.reference !== undefined ? {} : {
        routingCosts: result.routing.costs, routingIntervalS: result.routing.interval, routingWindowS: result.routing.window, minorPenaltyS: result.routing.minorPenalty,
      }),
      ...(result.vehicle === undefined || options.reference !== undefined ? {} : {
        vehicle: { accelMS2: result.vehicle.accel, decelMS2: result.vehicle.decel, sigma: result.vehicle.sigma, startLoss: result.vehicle.startLoss, startUpLostS: result.vehicle.startUpLost, ...(result.vehicle.speedDev === undefined ? {} : { speedDev: result.vehicle.speedDev }), ...gapAcceptanceDoc(result.vehicle.gapAcceptance), ...(result.vehicle.junctionStorage === undefined ? {} : { junctionStorageVeh: result.vehicle.junctionStorage }),
          yellowDecelMS2: result.vehicle.yellowDecel ?? result.vehicle.decel, stepLengthS: result.vehicle.stepLength ?? 0,
          ...(result.vehicle.departLane === undefined ? {} : { departLane: result.vehicle.departLane }),
          ...(result.vehicle.insertionHeadway === undefined ? {} : { insertionHeadwayS: Math.round(result.vehicle.insertionHeadway * 1000) / 1000 }) },
      }),
    },
  };
}

/** `signals`: the source's programs (inline only), the junctions without pedestrian crossings, `clearances: program` when asked; or nothing. */
function signalsDocument(result: ImportResult, options: ScenarioDocumentOptions): { signals?: Record<string, unknown> } {
  const programs = result.programs.length > 0 && options.reference === undefined;
  const clearances = options.clearances === 'program' && result.programs.length > 0 ? { clearances: 'program' as const } : {};
  const noCrossings = programs && result.noCrossings !== undefined && result.noCrossings.length > 0
    ? { junctions: Object.fromEntries(result.noCrossings.map((id) => [id, { pedestrians: false as const }])) }
    : {};
  const safety = { ...noCrossings, ...clearances };
  const signals = {
    ...(programs ? { programs: result.programs.map(programDocument), safetyCheck: false } : {}),
    ...(Object.keys(safety).length > 0 ? { safety } : {}),
  };
  return Object.keys(signals).length > 0 ? { signals } : {};
}

/**
 * The scenario file format, as a zod 4 schema: what a transport planner writes
 * (JSON or YAML) to describe a network, its demand, its signals and a run.
 *
 * Conventions (see `scenarios/schema.json`, generated from this file, for editor
 * completion and hover docs):
 * - Planners' units, with the unit in the name: `speedKmh`, `lengthM`,
 *   `vehPerHour`, `saturationVehPerHourPerLane`, `greenS`. They are converted to
 *   SI once, by `loadScenario`.
 * - Times lie on one clock, seconds since midnight of the simulated day, and come
 *   as a pair: `<name>S` in seconds (`departS: 27000`) or `<name>` as a clock
 *   string (`depart: "07:30"`), one of the two (see `clock.ts`). Demand times are
 *   on the same clock as `simulation.start`, not relative to it.
 * - Every object is strict: an unknown key (a typo such as `speedKmH`, or a
 *   unit-less `speed`) is an error, never silently ignored.
 *
 * The schema checks shapes, types, ranges and field combinations. What needs the
 * network (do the junctions of a link exist? do two links meet?) is checked by
 * `buildScenario`, with the same kind of located problems.
 */
import { z } from 'zod';
import { LIMITS, type Limit } from '../limits.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, MAX_LANES } from '../network/types.js';
import {
  DEFAULT_GENERATOR_LANES,
  DEFAULT_GENERATOR_SPEED,
  DEFAULT_GRID_SPACING,
  DEFAULT_SIDE_LANES,
  DEFAULT_SIDE_LENGTH,
} from '../network/generators/index.js';
import { DEFAULT_ACTUATED_OPTIONS } from '../signals/actuated.js';
import { PHASE_DEFAULTS } from '../signals/program.js';
import { DEFAULT_SIM_OPTIONS } from '../sim/options.js';
import { describeValue } from '../text/describe.js';
import { CLOCK_PATTERN } from './clock.js';
import { IMPORT_FORMATS, OUTPUT_FILES, SIGNAL_DEFAULTS } from './formats.js';
import { REFINEMENTS, type RefinementName, type TimePair } from './refinements.js';

export { SIGNAL_DEFAULTS, IMPORT_FORMATS, OUTPUT_FILES } from './formats.js';

const round = (v: number): number => Math.round(v * 100) / 100;
const DEFAULT_SPEED_KMH = round(DEFAULT_GENERATOR_SPEED * 3.6);
const DEFAULT_SATURATION_VPH = round(DEFAULT_SATURATION_FLOW * 3600);

// ---------------------------------------------------------------- building blocks

/**
 * Checks the generated fast validator (`validate.generated.ts`) knows by name:
 * the check object zod keeps for a `superRefine` -> the refinement it runs.
 * `scripts/generate-schema.ts` refuses any custom check not listed here.
 */
export const NAMED_CHECKS = new WeakMap<object, { name: RefinementName; args?: unknown }>();

/** `schema` with the refinement `name` of `refinements.ts` attached (and registered for the fast validator). */
function refine<T extends z.ZodType>(schema: T, name: RefinementName, options: { args?: readonly TimePair[]; always?: boolean } = {}): T {
  const check = name === 'timePairs' ? REFINEMENTS.timePairs(options.args ?? []) : REFINEMENTS[name]();
  const when = options.always === true ? { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null } : undefined;
  const out = schema.superRefine((value, ctx) => check(value, ctx), when);
  const checks = (out as unknown as { _zod: { def: { checks: object[] } } })._zod.def.checks;
  NAMED_CHECKS.set(checks[checks.length - 1], { name, ...(options.args ? { args: options.args } : {}) });
  return out as T;
}

// ---------------------------------------------------------------- building blocks

/** `expected a number <op> <bound> (<why>), found <value>`, for a bound that is a practical limit. */
function boundMessage(op: string, bound: number, why: string): { error: (iss: { input?: unknown }) => string } {
  return { error: (iss) => `expected a number ${op} ${bound} (${why}), found ${describeValue(iss.input)}` };
}

/** How a limit reads in a description: `Range: 1 to 3600.` */
function rangeText(limit: Limit): string {
  const lo = limit.min === undefined ? undefined : `${limit.minExclusive ? 'above ' : ''}${limit.min.toLocaleString('en')}`;
  const hi = limit.max === undefined ? undefined : `${limit.maxExclusive ? 'below ' : ''}${limit.max.toLocaleString('en')}`;
  if (lo !== undefined && hi !== undefined) return `Range: ${lo} to ${hi}${limit.integer ? ', whole numbers' : ''}.`;
  if (lo !== undefined) return `Range: ${limit.minExclusive ? 'above' : 'at least'} ${limit.min!.toLocaleString('en')}.`;
  return hi === undefined ? '' : `Range: up to ${hi}.`;
}

/**
 * A number within `limit` (see `engine/limits.ts`): a bound with a reason
 * says it in its message; the range is appended to the description.
 */
function ranged(limit: Limit, description: string) {
  let s = z.number();
  if (limit.integer) s = s.int();
  if (limit.min !== undefined) {
    const op = limit.minExclusive ? '>' : '>=';
    const params = limit.whyMin === undefined ? undefined : boundMessage(op, limit.min, limit.whyMin);
    s = limit.minExclusive ? s.gt(limit.min, params) : s.min(limit.min, params);
  }
  if (limit.max !== undefined) {
    const op = limit.maxExclusive ? '<' : '<=';
    const params = limit.whyMax === undefined ? undefined : boundMessage(op, limit.max, limit.whyMax);
    s = limit.maxExclusive ? s.lt(limit.max, params) : s.max(limit.max, params);
  }
  return s.describe(`${description} ${rangeText(limit)}`);
}

const text = (description: string) => z.string().min(1).describe(description);
const lanes = (description: string) => ranged(LIMITS.lanes, description);
const speed = (description: string) => ranged(LIMITS.speedKmh, description);
const length = (description: string) => ranged(LIMITS.lengthM, description);
const saturation = (description: string) => ranged(LIMITS.saturationVehPerHourPerLane, description);
const jamSpacing = (description: string) => ranged(LIMITS.jamSpacingM, description);
const coordinate = (description: string) => ranged(LIMITS.coordinateM, description);
const count = (min: number, description: string) => ranged({ ...LIMITS.generatorCount, min }, description);

/** A clock-string field `name` whose seconds twin is `name + 'S'`. */
function clock(name: string, description: string) {
  return z
    .string({
      error: (iss) =>
        `expected a clock time such as "07:30" or "07:30:00", found ${describeValue(iss.input)}` +
        (typeof iss.input === 'number' ? `; for seconds since midnight write ${name}S: ${iss.input}` : ''),
    })
    .regex(CLOCK_PATTERN, {
      error: (iss) => `expected a clock time "HH:MM" or "HH:MM:SS" (minutes and seconds below 60), found ${describeValue(iss.input)}`,
    })
    .describe(`${description} As a clock time "HH:MM" or "HH:MM:SS" (hours may pass 23); or give ${name}S in seconds instead.`);
}

/** The seconds twin `name + 'S'` of a clock field. */
function seconds(name: string, description: string) {
  return ranged(LIMITS.clockS, `${description} In seconds since midnight of the simulated day; or give ${name} as a clock time instead.`);
}

/** Fields `nameS` and `name` of a time pair, both optional in the shape (see {@link withPairs}). */
function timePair<N extends string>(name: N, description: string) {
  return {
    [`${name}S`]: seconds(name, description).optional(),
    [name]: clock(name, description).optional(),
  } as { [K in `${N}S`]: z.ZodOptional<z.ZodNumber> } & { [K in N]: z.ZodOptional<z.ZodString> };
}

/**
 * `schema` with the checks of its time pairs (never both forms; a required pair
 * must have one; see `refinements.ts`) and the JSON Schema they mean. The checks
 * run even when other fields of the object are broken, so every problem is
 * reported at once.
 */
function withPairs<T extends z.ZodType>(schema: T, pairs: readonly TimePair[]): T {
  const jsonSchema = pairs.flatMap(({ name, required }) => [
    { not: { required: [`${name}S`, name] } },
    ...(required ? [{ anyOf: [{ required: [`${name}S`] }, { required: [name] }] }] : []),
  ]);
  return refine(schema, 'timePairs', { args: pairs, always: true }).meta({ allOf: jsonSchema }) as T;
}

// ---------------------------------------------------------------- network

const junctionId = text('Junction id.');
const linkId = text('Link id.');

const JunctionSchema = refine(z
  .strictObject({
    id: text('Junction id, unique in the network.'),
    xM: coordinate('Easting, metres (planar coordinates, x east).'),
    yM: coordinate('Northing, metres (planar coordinates, y north).'),
    lon: z.number().min(-180).max(180).optional().describe('WGS84 longitude, degrees (optional, for maps; give lat too).'),
    lat: z.number().min(-90).max(90).optional().describe('WGS84 latitude, degrees (optional, for maps; give lon too).'),
    control: z.enum(['signal', 'priority', 'uncontrolled']).optional().describe('How the junction is controlled. Default "uncontrolled".'),
  }), 'lonLat')
  .describe('A junction (graph node).');

const LinkSchema = z
  .strictObject({
    id: text('Link id, unique in the network.'),
    from: junctionId.describe('Upstream junction id.'),
    to: junctionId.describe('Downstream junction id.'),
    lengthM: length('Length, metres. Default: the straight-line distance between its junctions.').optional(),
    lanes: lanes(`Number of lanes, 1 to ${MAX_LANES}. Default 1.`).optional(),
    speedKmh: speed('Free-flow speed, km/h.'),
    saturationVehPerHourPerLane: saturation(`Saturation flow per lane, vehicles per hour. Default ${DEFAULT_SATURATION_VPH}.`).optional(),
    jamSpacingM: jamSpacing(`Space one stopped vehicle takes in a queue, metres. Default ${DEFAULT_JAM_SPACING}.`).optional(),
    startUpLostS: ranged(LIMITS.linkStartUpLostS, 'Start-up lost time of this link\'s queues at the beginning of each green, seconds: a green of g seconds serves (g - this) x the saturation flow per lane; below 0 the first vehicles leave at the start of green (greenwave import writes SUMO\'s by lane speed: on slower roads its queues reach their discharge headway sooner, and their first vehicles leave sooner than that headway says). A vehicle class without start-up lost time ignores it. Default: the vehicle class\'s.').optional(),
    name: z.string().optional().describe('Street name, for reports.'),
    names: z.record(z.string(), z.string()).optional().describe('Street names in other languages by language code (for example pt, zh), for reports.'),
    roadClass: z.string().optional().describe('Road class (an OpenStreetMap highway value such as primary or residential), for reports.'),
    priority: ranged(LIMITS.linkPriority, 'Right-of-way rank at unsignalised priority junctions, an integer: the pair of opposite approaches with the highest rank is the major road (greenwave import writes SUMO\'s edge priority, and a rank from the OpenStreetMap highway class). Equal ranks fall back to lanes x speed. Default 0.').optional(),
    shapeM: z.array(z.tuple([coordinate('Easting, metres.'), coordinate('Northing, metres.')])).optional()
      .describe('Shape points between the two junctions, [xM, yM] in metres, in the direction of travel: where the link is drawn (lengthM is what is simulated).'),
  })
  .describe('A directed link: one carriageway direction from one junction to another.');

const MovementSchema = z
  .strictObject({
    from: linkId.describe('Approach link id.'),
    to: linkId.describe('Exit link id; it must start where the approach link ends.'),
    lanes: z.array(z.number().int().min(0).max(MAX_LANES - 1)).min(1).optional()
      .describe('Approach lanes serving this turn, 0 = kerb-side lane. Default: every lane.'),
    timeOffsetS: ranged(LIMITS.turnTimeOffsetS, 'Free-flow time this turn adds to its approach link\'s, seconds (negative: takes off); routes through it cost as much more. greenwave import writes SUMO\'s: the turn\'s own crossing (internal lanes) minus the mean crossing the approach link\'s length already holds. The link\'s free-flow time plus this must stay >= 0. Default 0.').optional(),
    rightOfWay: z.enum(['major', 'minor', 'stop']).optional()
      .describe('Right of way of this turn at an unsignalised priority junction, as the source states it: "major", "minor" (yields to the major movements of the other approaches) or "stop" (halts, then yields). greenwave import writes SUMO\'s connection states (M, m, s). Default: from the junction\'s major road (the links\' priority). At a signal only "stop" counts: the turn\'s permissive green is a green after stopping (SUMO\'s "s", a right turn on red): it halts, then yields to the movements entering its exit; greenwave import writes it for movements SUMO\'s programs show "s" and never "g".'),
    waitPointM: ranged(LIMITS.waitPointM, 'Distance from the stop line, along the turn, to where its vehicles wait for a gap inside the junction, metres (greenwave import writes SUMO\'s: the turn\'s first internal lane up to its internal junction; 0: they wait at the stop line). With SUMO\'s gap acceptance it sets how many vehicles of a permissive turn wait inside the junction. Default: half the crossing length.').optional(),
    crossingSpeedKmh: ranged(LIMITS.speedKmh, 'Speed limit of the turn\'s path where it crosses the stop line, km/h (greenwave import writes SUMO\'s: the speed of the connection\'s first internal lane). With SUMO\'s car it sets what slowing down before a minor link costs. Default: the approach and exit links\' speeds.').optional(),
    laneLinks: z.array(z.tuple([z.number().int().min(0).max(MAX_LANES - 1), z.number().int().min(0).max(MAX_LANES - 1)])).min(1).optional()
      .describe('Lane-level connections of the turn, [approach lane, exit lane] pairs, 0 = kerb-side lane (greenwave import writes SUMO\'s connections). A vehicle drives in the approach lanes leading to the exit lanes its next turn uses, so one waiting for a full lane group of the exit holds only those lanes; the turn\'s vehicles in other lanes still go. Approach lanes default to the pairs\'. Default: not stated (a vehicle waiting for a full lane group of the exit holds the whole turn).'),
  })
  .describe('A permitted turn from one link to the next.');

/** An inline network: junctions, links and (optionally) movements. */
export const InlineNetworkSchema = z
  .strictObject({
    junctions: z.array(JunctionSchema).min(1).describe('Junctions of the network.'),
    links: z.array(LinkSchema).min(1).describe('Directed links of the network.'),
    movements: z.array(MovementSchema).optional()
      .describe('Permitted turns. Default (key absent): every turn except U-turns, at every junction.'),
  })
  .describe('A network written out in full.');

const generatorCommon = {
  speedKmh: speed(`Free-flow speed of the main streets, km/h. Default ${DEFAULT_SPEED_KMH}.`).optional(),
  lanes: lanes(`Lanes per direction of the main streets. Default ${DEFAULT_GENERATOR_LANES}.`).optional(),
  saturationVehPerHourPerLane: saturation(`Saturation flow per lane of every link, vehicles per hour. Default ${DEFAULT_SATURATION_VPH}.`).optional(),
  jamSpacingM: jamSpacing(`Space one stopped vehicle takes in a queue, metres. Default ${DEFAULT_JAM_SPACING}.`).optional(),
  signals: z.enum(['intersections', 'all', 'priority', 'none']).optional().describe(
    'Which junctions get signals: "intersections" (default: 3 or more neighbours), "all" (all but dead ends), ' +
      '"priority" (intersections give way instead), "none".',
  ),
  idPrefix: z.string().optional().describe('Prefix of every junction id (link ids are "from>to"). Default "".'),
  origin: z.strictObject({ xM: coordinate('Easting, metres.'), yM: coordinate('Northing, metres.') }).optional()
    .describe('Planar position of the reference junction (grid r0c0, corridor j0, ring centre). Default { xM: 0, yM: 0 }.'),
  geo: z.strictObject({
    lon: z.number().min(-180).max(180).describe('Longitude, degrees.'),
    lat: z.number().gt(-90).lt(90).describe('Latitude, degrees.'),
  }).optional().describe('WGS84 position of planar (0, 0); junctions then get lon/lat.'),
  deadEndUTurns: z.boolean().optional().describe('Permit U-turns at dead ends. Default false.'),
};

const sideStreets = {
  sideLanes: lanes(`Lanes per direction of the side streets or spokes. Default ${DEFAULT_SIDE_LANES}.`).optional(),
  sideSpeedKmh: speed('Free-flow speed of the side streets or spokes, km/h. Default: speedKmh.').optional(),
};

const GridSchema = z
  .strictObject({
    generator: z.literal('grid').describe('A Manhattan grid of junctions r<row>c<col>, row 0 south, column 0 west.'),
    rows: count(1, 'Junction rows (along y).'),
    cols: count(1, 'Junction columns (along x).'),
    spacingM: length(`Distance between neighbouring junctions, metres. Default ${DEFAULT_GRID_SPACING}.`).optional(),
    attachLengthM: ranged(LIMITS.optionalLengthM, 'Length of the dead-end stubs (w<r>, e<r>, s<c>, n<c>) where traffic enters and leaves, metres. Default 0: none.').optional(),
    ...generatorCommon,
  })
  .describe('A generated grid network.');

const CorridorSchema = refine(z
  .strictObject({
    generator: z.literal('corridor').describe('A signalised arterial west>east (junctions j0..), side streets n<i>/s<i>, ends "west" and "east".'),
    junctions: count(1, 'Signalised junctions on the arterial.'),
    spacingM: z.union([
      length('One distance for every gap, metres.'),
      z.array(length('A gap, metres.')),
    ]).describe('Distance between consecutive signals, metres: one number, or the junctions-1 gaps from west to east.'),
    endLengthM: length('Length of the arterial beyond each end signal, metres. Default: the adjacent gap.').optional(),
    sideLengthM: length(`Length of each side street, metres. Default ${DEFAULT_SIDE_LENGTH}.`).optional(),
    ...sideStreets,
    ...generatorCommon,
  }), 'corridorSpacing')
  .describe('A generated arterial corridor.');

const RingSchema = z
  .strictObject({
    generator: z.literal('ring').describe('Junctions j<k> on a circle joined by a two-way ring road, with optional spokes to f<k>.'),
    junctions: count(3, 'Junctions on the ring.'),
    radiusM: ranged(LIMITS.radiusM, 'Radius of the ring, metres.'),
    spokeLengthM: ranged(LIMITS.optionalLengthM, 'Length of the radial spoke at each junction, metres. Default 0: none.').optional(),
    ...sideStreets,
    ...generatorCommon,
  })
  .describe('A generated ring network.');

/** A network made by one of the synthetic generators. */
export const GeneratorNetworkSchema = z.discriminatedUnion('generator', [GridSchema, CorridorSchema, RingSchema]);

/** A network read from another tool's file. */
export const ImportNetworkSchema = z
  .strictObject({
    import: z.enum(IMPORT_FORMATS).describe('Format of the network file: sumo (.sumocfg or .net.xml), cityflow (config.json or roadnet.json), osm (.osm, .osm.pbf) or tntp (*_net.tntp beside its *_node.tntp and *_trips.tntp). The network keeps the source\'s driving side; its signal programs run where signals.programs gives none; its demand (SUMO routes, CityFlow flows, the TNTP trip table) is used when demand is empty.'),
    file: text('Network file, relative to the scenario file.'),
    options: z.record(z.string(), z.unknown()).optional()
      .describe('Options of the importer, as `greenwave import` records them (osm: country, signals, components, joinDistance ...). Checked by the importer.'),
  })
  .describe('A network imported from SUMO, CityFlow, OpenStreetMap or TNTP.');

const NetworkSchema = z
  .union([InlineNetworkSchema, GeneratorNetworkSchema, ImportNetworkSchema])
  .describe('The road network: inline (junctions and links), generated ({ generator: ... }) or imported ({ import: ..., file }).');

// ---------------------------------------------------------------- demand

const endpoints = {
  from: junctionId.describe('Origin junction id.').optional(),
  to: junctionId.describe('Destination junction id.').optional(),
  fromLink: linkId.describe('First link driven (origin = its upstream junction).').optional(),
  toLink: linkId.describe('Last link driven (destination = its downstream junction).').optional(),
  route: z.array(linkId).min(1).optional().describe('Explicit route: link ids, each consecutive pair a permitted turn.'),
  departSpeedKmh: z.union([z.literal('max'), ranged({ ...LIMITS.speedKmh, min: 0, minExclusive: false }, 'Speed entering the first link, km/h.')]).optional().describe(
    'Speed entering the first link, km/h, or "max": the link\'s speed (SUMO\'s departSpeed). Default: from standstill, which costs the acceleration loss speed / (2 accel).',
  ),
};

const TripSchema = withPairs(
  refine(z.strictObject({
    id: text('Trip id. Default "trip<index>".').optional(),
    ...timePair('depart', 'Departure time.'),
    ...endpoints,
  }), 'endpoints', { always: true }),
  [{ name: 'depart', required: true }],
).describe('One vehicle.');

const arrivals = (fallback: string) =>
  z.enum(['uniform', 'poisson']).optional().describe(`How departures are spaced: "uniform" or "poisson". Default "${fallback}".`);

export const FlowSchema = withPairs(
  refine(z.strictObject({
    id: text('Flow id. Default "flow<index>"; its vehicles are "<id>.<k>".').optional(),
    ...endpoints,
    vehPerHour: ranged(LIMITS.vehPerHour, 'Vehicles per hour.'),
    ...timePair('begin', 'First possible departure. Default: simulation start.'),
    ...timePair('end', 'Departures are strictly before this time. Default: simulation end.'),
    arrivals: arrivals('uniform'),
  }), 'endpoints', { always: true }),
  [{ name: 'begin', required: false }, { name: 'end', required: false }],
).describe('A steady stream of vehicles from one origin to one destination.');

const ProfilePointSchema = withPairs(
  z.strictObject({
    ...timePair('time', 'Time of this point of the profile.'),
    factor: ranged(LIMITS.demandFactor, 'Demand factor at this time (1 = the matrix as written); linear between points, constant outside.'),
  }),
  [{ name: 'time', required: true }],
).describe('One point of a time-of-day profile.');

const OdSchema = withPairs(
  refine(z.strictObject({
    zones: z.array(junctionId).min(1).describe('Zone junction ids (distinct): rows and columns of the matrix.'),
    zoneNames: z.array(z.string()).optional().describe('A name per zone, in the order of zones (for example the street a generated fringe zone is on), for people reading the file.'),
    vehPerHour: z.array(z.array(ranged(LIMITS.vehPerHour, 'Vehicles per hour.'))).describe(
      'vehPerHour[o][d]: vehicles per hour from zones[o] to zones[d] at profile factor 1; one row and column per zone, 0 on the diagonal.',
    ),
    ...timePair('begin', 'Start of the period. Default: simulation start.'),
    ...timePair('end', 'End of the period. Default: simulation end.'),
    profile: z.array(ProfilePointSchema).min(1).optional().describe('Time-of-day factor, times strictly increasing. Default: constant 1.'),
    arrivals: arrivals('poisson'),
  }), 'odShape', { always: true }),
  [{ name: 'begin', required: false }, { name: 'end', required: false }],
).describe('An origin-destination matrix between zones, scaled over time by a profile.');

const DemandSchema = z
  .strictObject({
    trips: z.array(TripSchema).optional().describe('Individual vehicles.'),
    flows: z.array(FlowSchema).optional().describe('Steady flows.'),
    od: z.array(OdSchema).optional().describe('Origin-destination matrices.'),
    scale: ranged(
      LIMITS.demandScale,
      'Factor on the whole demand (an imported network\'s too): flows and OD matrices scale their rates; trip i appears floor(scale) times, plus once more with probability frac(scale). Default 1. `greenwave run --demand-scale` multiplies it.',
    ).optional(),
  })
  .describe('Traffic demand. Times are on the scenario clock (seconds since midnight), like simulation.start.');

// ---------------------------------------------------------------- signals

const MovementRefSchema = z
  .union([
    z.string().regex(/^.+>.+$/, { error: (iss) => `expected a movement "fromLink>toLink" or { from, to }, found ${describeValue(iss.input)}` }),
    z.strictObject({ from: linkId.describe('Approach link id.'), to: linkId.describe('Exit link id.') }),
  ])
  .describe('A movement: "fromLink>toLink" or { from, to }. Link ids that contain ">" are split where both halves are links.');

const PhaseSchema = z
  .strictObject({
    green: z.array(MovementRefSchema).describe('Movements shown protected green.'),
    permissive: z.array(MovementRefSchema).optional().describe('Movements shown permissive green (yielding to opposing traffic). Default none.'),
    greenS: ranged(LIMITS.greenS, 'Green time, seconds.'),
    yellowS: ranged(LIMITS.clearanceS, `Yellow time after the green, seconds. Default ${PHASE_DEFAULTS.yellow}.`).optional(),
    allRedS: ranged(LIMITS.clearanceS, `All-red time after the yellow, seconds. Default ${PHASE_DEFAULTS.allRed}.`).optional(),
    minGreenS: ranged(LIMITS.adaptiveGreenS, `Shortest green for adaptive control, seconds. Default ${PHASE_DEFAULTS.minGreen}.`).optional(),
    maxGreenS: ranged(LIMITS.adaptiveGreenS, `Longest green for adaptive control, seconds. Default ${PHASE_DEFAULTS.maxGreen}.`).optional(),
  })
  .describe('One phase: its movements, then green, yellow and all-red times.');

export const ProgramSchema = z
  .strictObject({
    junction: junctionId.describe('Signal-controlled junction id.'),
    offsetS: ranged(LIMITS.offsetS, 'Time at which a cycle starts (phase 0 turns green), seconds on the scenario clock, taken modulo the cycle. Default 0.').optional(),
    cycleS: ranged(LIMITS.cycleS, 'Optional check: must equal the sum of every phase\'s greenS + yellowS + allRedS, seconds.').optional(),
    phases: z.array(PhaseSchema).min(1).describe('Phases in the order they run.'),
    actuated: z.strictObject({
      maxGapS: ranged(LIMITS.actuatedGapS, 'SUMO max-gap: the largest time gap between detections that still extends a green, seconds. Default 3.').optional(),
      detectorGapS: ranged(LIMITS.actuatedGapS, 'SUMO detector-gap: detector setback as free-flow travel time upstream of the stop line, seconds. Default 2.').optional(),
      passingTimeS: ranged(LIMITS.actuatedGapS, 'SUMO passing-time: a detector sits no farther than (minGreenS / passingTimeS + 0.5) x 7.5 m from the stop line, seconds. Default: no such bound.').optional(),
    }).optional().describe('This program runs its own gap-out (actuated) control, as SUMO type="actuated" programs do, with phases between minGreenS and maxGreenS (unless signals.default asks for max-pressure or actuated everywhere).'),
  })
  .describe('A signal program for one junction: fixed time, or its own actuated control.');

const ActuatedSchema = z
  .strictObject({
    gapS: ranged(LIMITS.actuatedGapS, 
      `Passage time: the largest time gap between vehicles crossing a detector that still extends the green, seconds. Default ${DEFAULT_ACTUATED_OPTIONS.gap} (SUMO max-gap).`,
    ).optional(),
    detectorGapS: ranged(LIMITS.actuatedGapS, 
      `Detector setback as free-flow travel time upstream of the stop line, seconds (the detector sits this many seconds × the approach speed before the stop line, at most the approach length). Default ${DEFAULT_ACTUATED_OPTIONS.detectorGap} (SUMO detector-gap).`,
    ).optional(),
    detectorDistanceM: ranged(LIMITS.detectorDistanceM, 
      'Detector setback in metres upstream of the stop line on every approach (at most the approach length); overrides detectorGapS. Default: none (detectorGapS applies).',
    ).optional(),
  })
  .describe('Settings of gap-out control, the same at every signal; only with default: actuated.');

const MaxPressureSchema = z
  .strictObject({
    intervalS: ranged(LIMITS.decisionIntervalS, 'Decision interval: time between decisions once the minimum green has passed, seconds. Default 5.').optional(),
    minGreenS: ranged(LIMITS.adaptiveGreenS, 'Minimum green of every phase, seconds, instead of the program\'s minGreenS.').optional(),
    interGreen: z.enum(['program', 'none']).optional().describe('"program" (default): the program\'s yellow and all-red run between greens; "none": a green follows the previous at once (as the CityFlow literature runs max-pressure).'),
    pressure: z.enum(['queues', 'lanes']).optional().describe(
      '"queues" (default, Varaiya 2013): saturation flow x (stop-line queue - turn-ratio weighted downstream queues). ' +
        '"lanes" (the CityFlow literature): vehicles on the approach bound for the movement, moving or queued, minus vehicles on its exit link.',
    ),
    ties: z.enum(['keep', 'lowest']).optional().describe('Who wins a tie of pressures: "keep" (default) the phase showing; "lowest" the lowest phase index.'),
    eligiblePhases: z.array(ranged(LIMITS.phaseIndex, 'A phase index.')).min(1).optional().describe('Indices (from 0) of the program phases that may be chosen. Default: all.'),
  })
  .describe('Settings of max-pressure control, the same at every signal; only with default: max-pressure.');

const JunctionSafetySchema = z
  .strictObject({
    crossingWidthM: ranged(LIMITS.junctionWidthM, 'Width of the pedestrian crossings, metres (default: the widest other road at the junction, lanes x 3.5 m).').optional(),
    walkSpeedMS: ranged(LIMITS.walkSpeedMS, 'Walking speed here, m/s (a school or a care home: slower).').optional(),
    walkTimeS: ranged(LIMITS.walkTimeS, 'Walk interval here, seconds.').optional(),
    pedestrians: z.boolean().optional().describe('false where no pedestrian crosses (a motorway ramp): no pedestrian minimum green. Default true.'),
    approachSpeedKmh: ranged(LIMITS.speedKmh, 'Approach speed of the ITE yellow and all-red, km/h (a posted or 85th-percentile speed; default: the approach link\'s free-flow speed).').optional(),
    gradePercent: ranged(LIMITS.gradePercent, 'Approach grade of the ITE yellow, percent: + uphill, - downhill (a downhill approach needs a longer yellow). Default 0.').optional(),
    clearWidthM: ranged(LIMITS.junctionWidthM, 'Width a vehicle clears during the all-red, metres, measured from stop line to the far side of the conflicting traffic (default: the widest road crossed, lanes x 3.5 m).').optional(),
  })
  .describe('Safety-check settings of one junction, over the defaults.');

const SafetySchema = z
  .strictObject({
    walkSpeedMS: ranged(LIMITS.walkSpeedMS, 'Walking speed of the pedestrian minimum green, m/s. Default 1.2 (HCM).').optional(),
    walkTimeS: ranged(LIMITS.walkTimeS, 'Walk interval of the pedestrian minimum green, seconds. Default 7 (MUTCD 4E.06).').optional(),
    junctions: z.record(z.string(), JunctionSafetySchema).optional().describe('Per junction id: measured crossing widths, walking speeds, approach speeds and grades, widths to clear.'),
    clearances: z.enum(['ite', 'program']).optional().describe(
      'Floor of the yellow and all-red. "ite" (default): the ITE kinematic values (yellow t + v/(2a), all-red (W + L)/v) at every signal. ' +
        '"program": a junction whose program is read from the input (signals.programs, or the SUMO/CityFlow import) keeps that program\'s own ' +
        'yellow and all-red as its floor, ITE elsewhere: an explicit opt-in to reproduce the source\'s clearances (a SUMO study beside SUMO\'s own plans). ' +
        'The ITE values are still computed and `optimise` says per junction where the plan runs below them and by how much.',
    ),
  })
  .describe('Inputs of the signal safety check (pedestrian minimum greens, ITE yellow and all-red) where the defaults estimated from the network do not fit.');

const SignalsSchema = z
  .strictObject({
    default: z.enum(SIGNAL_DEFAULTS).default('fixed').describe(
      'How signalised junctions are controlled. "fixed" (default): fixed time; junctions without a program get a default ' +
        'plan (one phase per road axis, 30 s greens). "webster": as fixed, but junctions without a program get Webster\'s ' +
        'plan for the busiest hour of the demand (defaults of SUMO\'s tlsCycleAdaptation.py). "actuated": every signalised ' +
        'junction runs gap-out control on its program\'s phases (given, else the default plan) within minGreenS..maxGreenS ' +
        '(3 s gap, detectors 2 s upstream, as SUMO; change them with signals.actuated). "max-pressure": every signalised junction runs max-pressure control ' +
        '(Varaiya 2013) on its program\'s phases, deciding every 5 s after minGreenS (change them with signals.maxPressure).',
    ),
    programs: z.array(ProgramSchema).optional().describe('Fixed-time programs, at most one per junction.'),
    actuated: ActuatedSchema.optional(),
    maxPressure: MaxPressureSchema.optional(),
    safety: SafetySchema.optional(),
    safetyCheck: z.boolean().optional().describe(
      'Check the programs when the scenario loads: no two protected movements that cross or merge in one phase, greens of at least the ' +
        'pedestrian minimum (7 s walk + crossing width / 1.2 m/s), ITE yellow and all-red. Default true. Scenarios written by greenwave import ' +
        'say false: their programs run as the source (SUMO, CityFlow) defines them.',
    ),
    pinPhaseOrder: z.union([z.boolean(), z.array(junctionId)]).optional().describe(
      'Junctions whose phases must run in the order the program lists them (a lead-lag sequence drivers or pedestrians rely on): ' +
        'true for every junction, or a list of junction ids. greenwave optimise searches the cyclic order of the phases of every other ' +
        'program of 3 or more phases (each phase keeps its own yellow, all-red and minimum green). Default false.',
    ),
  })
  .describe('Signal control.');

// ---------------------------------------------------------------- simulation and outputs

const SimulationSchema = withPairs(
  z.strictObject({
    ...timePair('start', 'Start of the run. Default 0 (midnight).'),
    ...timePair('end', 'End of the run: vehicles still travelling then are unfinished.'),
    seed: ranged(LIMITS.seed, 'Seed of every random stream of the run (replication r uses seed + r).').default(DEFAULT_SIM_OPTIONS.seed),
    replications: ranged(LIMITS.replications, 'Independent runs, with seeds seed, seed + 1, ...').default(1),
    gridlockTimeoutS: ranged(LIMITS.gridlockTimeoutS, `End the run with a gridlock report when nothing has moved for this long, seconds. Default ${DEFAULT_SIM_OPTIONS.gridlockTimeout}.`).optional(),
    routingIntervalS: ranged(LIMITS.routingIntervalS, `How often experienced link times are refreshed for routing, seconds. Default ${DEFAULT_SIM_OPTIONS.routingInterval}.`).optional(),
    routingCosts: z.enum(['travel-times', 'speeds']).optional().describe(
      'Link costs trips are routed on at departure (and en route), refreshed every routingIntervalS: "travel-times" (default) the mean travel time of the vehicles that left each link since the last refresh; "speeds" the link\'s length over the mean speed of the vehicles on it (queued ones at 0), sampled every routingIntervalS and averaged over routingWindowS, as SUMO\'s rerouting device routes trips at insertion (SUMO imports). Never below free flow.',
    ),
    routingWindowS: ranged(LIMITS.routingIntervalS, `With routingCosts "speeds": the window sampled speeds are averaged over, seconds. Default ${DEFAULT_SIM_OPTIONS.routingWindow} (SUMO's).`).optional(),
    minorPenaltyS: ranged(LIMITS.minorPenaltyS, 'Seconds added to the route cost of every turn that yields (left turns across opposing traffic, U-turns, minor movements at priority junctions) when trips are routed at departure and en route: SUMO\'s --weights.minor-penalty. Default 0; SUMO imports 1.5, SUMO\'s default.').optional(),
    rerouteShare: ranged(LIMITS.share, `Share of vehicles that re-route en route every routing interval. Default ${DEFAULT_SIM_OPTIONS.rerouteShare}.`).optional(),
    routeChoice: z.enum(['departure', 'equilibrium']).optional().describe(
      'How drivers choose routes. "departure" (default): a trip\'s given route, or the fastest at departure on the experienced link times. "equilibrium": drivers who have learnt: the run repeats, moving drivers onto faster routes, until no driver can gain (dynamic user equilibrium, see simulation.equilibrium).',
    ),
    equilibrium: z.strictObject({
      method: z.enum(['swap', 'gawron']).optional().describe(
        'How drivers change route between iterations: "swap" (default) a shrinking share of those on a slower route moves to the fastest (successive averages); "gawron" each driver keeps up to maxAlternatives routes with remembered times and probabilities, updated by Gawron\'s formula and drawn from, as SUMO\'s duaIterate.py does (gapCosts and costSmoothing belong to "swap").',
      ),
      gawronBeta: ranged(LIMITS.gawronBeta, 'Gawron: weight of a route\'s newly measured travel time when the driver did not drive it (the driven route takes the measurement). Default 0.9, as duaIterate.py.').optional(),
      gawronA: ranged(LIMITS.gawronA, 'Gawron: how strongly probabilities follow relative differences in route time. Default 0.5, as duaIterate.py.').optional(),
      maxAlternatives: ranged(LIMITS.maxAlternatives, 'Gawron: most routes a driver keeps. Default 5, as SUMO.').optional(),
      costsBy: z.enum(['movement', 'link']).optional().describe(
        'Travel times drivers choose on: "movement" (default) each turn\'s own measured time; "link" each road\'s mean over its turns plus the turn\'s free-flow crossing time, as SUMO\'s duaIterate.py measures edges (closer to SUMO\'s route pattern).',
      ),
      minorPenaltyS: ranged(LIMITS.minorPenaltyS, 'Seconds added to the route cost of every turn that yields (left turns across opposing traffic, U-turns, minor movements at priority junctions), in every cost routes are chosen and judged on: SUMO duarouter\'s --weights.minor-penalty. Default 1.5 (SUMO\'s) with costsBy "link", 0 with costsBy "movement" (measured turn times already hold the wait).').optional(),
      maxIterations: ranged(LIMITS.equilibriumIterations, 'Most simulations to run. Default 30.').optional(),
      relativeGap: ranged(LIMITS.relativeGap, 'Stop once the relative gap (excess route time over the fastest, as a share of all route time) is below this. Default 0.01.').optional(),
      noiseCheckEvery: ranged(LIMITS.noiseCheckEvery, 'Every this many iterations while the gap is above relativeGap, check whether what remains of it is sampling noise (routes chosen on half of the vehicles\' times are slower on the other half\'s by more than relativeGap: cross-fitted gap below -relativeGap) and stop if so; each check costs two more route searches. 0: never. Default 5.').optional(),
      intervalS: ranged(LIMITS.intervalS, 'Width of the intervals link travel times are measured in, seconds. Default 900 (15 minutes, as SUMO duaIterate.py aggregates).').optional(),
      slotS: ranged(LIMITS.intervalS, 'Departure slot of the route search: trips from one origin in one slot share a search, seconds. Default 60.').optional(),
      gapCosts: z.enum(['newest', 'smoothed']).optional().describe(
        'Costs the relative gap, who moves and where are judged on: "newest" (default) each iteration\'s measured travel times (movers choose on the smoothed ones); "smoothed" the travel times smoothed across iterations, the ones travellers choose on (less sampling noise: stops sooner; the newest-cost gap is reported too).',
      ),
      costSmoothing: ranged(LIMITS.costSmoothing, 'Least weight of the newest iteration\'s travel times in the smoothed ones (the weight is the larger of this and the step, so the memory grows as the step shrinks). Default 0.5; 0.2 with gapCosts: smoothed reaches a 1% gap on the bundled grid at twice its demand.').optional(),
    }).optional().describe('Settings of routeChoice: equilibrium.'),
    sharedLanes: z.boolean().optional().describe(
      'Head-of-line blocking in lanes that serve several movements (a through-and-left lane): the vehicles in such a lane leave in their order, so a left-turner waiting for a gap holds the through vehicles behind it. ' +
        'Default: true for SUMO imports (their lanes and connections are the source\'s), false otherwise (each movement keeps its own stop-line queue).',
    ),
    arriveAtStopLine: z.boolean().optional().describe(
      'Trips end at the downstream end of their last link, behind the vehicles queued there in the lane they pick (SUMO\'s default arrival position "max"): they wait for the queue ahead to leave, not for green. ' +
        'Default: true for SUMO imports, false otherwise (a trip ends when it reaches its last link\'s end at free flow, as CityFlow\'s vehicles leave at the end of their last road).',
    ),
    stopThresholdS: ranged(LIMITS.stopThresholdS, 'A wait at a stop line longer than this counts as a stop, seconds. Default: a stop is a halt of the vehicle class (a wait of at least v_in / (2 decel) + v_out / (2 accel)).').optional(),
    vehicle: z.strictObject({
      accelMS2: ranged(LIMITS.accelerationMS2, `Acceleration, m/s². Default ${DEFAULT_SIM_OPTIONS.vehicle.accel} (SUMO's).`).optional(),
      decelMS2: ranged(LIMITS.accelerationMS2, `Deceleration, m/s². Default ${DEFAULT_SIM_OPTIONS.vehicle.decel} (SUMO's).`).optional(),
      sigma: ranged(LIMITS.share, `Driver imperfection (SUMO's Krauss sigma): links take longer by sigma min(v, accel) / (2v - sigma min(v, accel)). Default ${DEFAULT_SIM_OPTIONS.vehicle.sigma}.`).optional(),
      startLoss: z.boolean().optional().describe('Whether a start from standstill (departure, restart after a halt) costs v / (2 accel) seconds. Default true.'),
      speedDev: ranged(LIMITS.share, `Spread of the drivers' desired speeds (SUMO's vType speedDev): each vehicle drives at f x the link speed, f normal with mean 1 and this standard deviation, within [0.2, 2]; no overtaking on a link, so fast vehicles bunch behind slow ones. Default ${DEFAULT_SIM_OPTIONS.vehicle.speedDev ?? 0} (SUMO's car); 0: every vehicle at the link speed.`).optional(),
      startUpLostS: ranged(LIMITS.startUpLostS, `Start-up lost time at the beginning of each green, seconds: a green of g seconds serves (g - this) x saturation flow vehicles per lane. Default ${DEFAULT_SIM_OPTIONS.vehicle.startUpLost ?? 0} (SUMO's default car, measured); 0 for the fluid model of Webster and HCM.`).optional(),
      yellowDecelMS2: ranged(LIMITS.accelerationMS2, `Deceleration with which a driver judges whether it can stop for a yellow, m/s²: a vehicle reaching the stop line moving, nobody queued ahead, less than D / v after the yellow began (D its braking distance v² / (2 this), or SUMO's stepped one at stepLengthS) crosses on the yellow. Default ${DEFAULT_SIM_OPTIONS.vehicle.yellowDecel} (ITE's 10 ft/s²); SUMO imports: decelMS2.`).optional(),
      stepLengthS: ranged(LIMITS.stepLengthS, 'SUMO\'s simulation step, seconds, for a class that reproduces SUMO\'s figures: SUMO counts each step at its end speed, so every start from standstill loses this / 2 less than v / (2 accel), and it brakes in steps, which shortens the braking distance of the yellow decision. SUMO imports set it from the configuration\'s step-length (default 1). Default 0: continuous.').optional(),
      departLane: z.enum(['first', 'all']).optional().describe('Lanes a trip may enter its first link on: "all" spreads insertions over the link\'s lanes (SUMO\'s departLane best, free, random), "first" uses one lane (SUMO\'s default departLane, the rightmost). Default "all"; SUMO imports: from the route files.'),
      insertionHeadwayS: ranged(LIMITS.insertionHeadwayS, 'Shortest time between two trips entering their first link from standstill on one lane, seconds (never below the saturation headway). SUMO imports set SUMO\'s: a vehicle is inserted at speed 0 once the one ahead has cleared its length + minGap (3.0 s for SUMO\'s default car, scaled by sqrt(spacing / a (1 - sigma / 2))). Default: the saturation headway.').optional(),
      junctionStorageVeh: ranged(LIMITS.junctionStorageVeh, 'Vehicles per lane of a permissive far-side turn at a signal (a left in right-hand traffic) that wait inside the junction and leave when its green ends: when a permissive green ends, up to this minus the vehicles that crossed in gaps during it still leave (HCM 2000\'s "sneakers", a floor per cycle). Default: 2 (HCM) with HCM gap acceptance; with SUMO\'s, read from a SUMO net\'s wait points (ceil((w - 0.1 m) / (lengthM + 2.5 m)), w the turn\'s first internal lane up to its internal junction), else ceil(half the crossing length / (lengthM + 2.5 m)); CityFlow imports bring 0; 0 disables it.').optional(),
      gapAcceptance: z.discriminatedUnion('model', [
        z.strictObject({ model: z.literal('hcm').describe('HCM 7th ed. base critical headways and follow-up headways by turn (minor straight 6.5 s / 4.0 s): greenwave\'s default.') }),
        z.strictObject({
          model: z.literal('sumo').describe('SUMO\'s rule: go when every foe arrives later than the own leaving time plus timegapMinorS and the foe ahead has left; leaving time (L + length) / mean of entry and exit speed, from standstill at accelMS2 or at the approach speed at a yield (SUMO imports bring it).'),
          timegapMinorS: ranged(LIMITS.timegapS, 'Time a foe must arrive after the vehicle has left the junction (SUMO\'s jmTimegapMinor), seconds. Default 1.').optional(),
          lengthM: ranged(LIMITS.vehicleLengthM, 'Vehicle length, metres. Default 5 (SUMO\'s car).').optional(),
          laneWidthM: ranged(LIMITS.laneWidthM, 'Lane width for the junction crossing length L = lanes crossed x this + 2 x junctionRadiusM, metres. Default 3.2 (netconvert\'s).').optional(),
          junctionRadiusM: ranged(LIMITS.junctionRadiusM, 'Junction corner radius for the crossing length, metres. Default 4 (netconvert\'s).').optional(),
          impatience: ranged(LIMITS.share, 'Base impatience of the drivers (SUMO\'s vType impatience): an impatient driver takes a conflicting vehicle that could still stop to arrive impatience x 30 s later. Default 0.').optional(),
          timeToImpatienceS: ranged(LIMITS.timeToImpatienceS, 'Waiting time after which impatience has grown by 1 (SUMO\'s --time-to-impatience; 0: it never grows), seconds. Default 180.').optional(),
        }),
      ]).optional().describe('Gap acceptance of minor movements at unsignalised priority junctions. Default HCM; SUMO imports bring SUMO\'s rule.'),
    }).optional().describe('The vehicle class for start-up and stop losses and gap acceptance. Default SUMO\'s passenger car with HCM gap acceptance; an imported network brings its source\'s (CityFlow: no losses).'),
    intervalS: ranged(LIMITS.intervalS, 'Interval of the metrics time series, seconds. Default 300.').optional(),
  }),
  [{ name: 'start', required: false }, { name: 'end', required: true }],
).describe('The run: its time window, seed and replications.');

const OutputsSchema = z
  .strictObject({
    dir: text('Directory the run writes into, relative to the scenario file\'s directory and inside it (name another with --out). Default "out/<name>".').optional(),
    files: z.array(z.enum(OUTPUT_FILES)).optional().describe('Files to write. Default: all of them.'),
  })
  .describe('What a run writes.');

/** The whole scenario file. */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors (for example "../schema.json").'),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: (iss) => `expected a short name of letters, digits, ".", "_" and "-" (it names the output directory), found ${describeValue(iss.input)}`,
    }).describe('Short name of the scenario: letters, digits, ".", "_", "-". Names the output directory.'),
    description: z.string().optional().describe('What the scenario is for, in prose.'),
    drivingSide: z.enum(['left', 'right']).default('right').describe('Side of the road traffic drives on: "left" (Macau, Hong Kong) or "right".'),
    network: NetworkSchema,
    demand: DemandSchema,
    signals: SignalsSchema.optional(),
    simulation: SimulationSchema,
    outputs: OutputsSchema.optional(),
  })
  .describe('A greenwave scenario: network, demand, signals and run settings, in planners\' units.');

/** A scenario as written (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A scenario after validation (schema defaults applied, still in planners' units). */
export type ScenarioFile = z.output<typeof ScenarioSchema>;
/** An inline network as written. */
export type InlineNetworkFile = z.output<typeof InlineNetworkSchema>;
/** A generated network as written. */
export type GeneratorNetworkFile = z.output<typeof GeneratorNetworkSchema>;
/** An imported network as written. */
export type ImportNetworkFile = z.output<typeof ImportNetworkSchema>;
/** A movement reference as written: `"fromLink>toLink"` or `{ from, to }`. */
export type MovementRefFile = z.output<typeof MovementRefSchema>;

/**
 * The documented range of every number a scenario gives, in the planners' units
 * of the scenario file (the unit is in the key): what a value must be to make
 * physical or practical sense, and why. The scenario schema checks each field
 * against its range and says the range when a value falls outside; importers
 * use the same ranges to normalise what they write.
 *
 * Ranges are wide on purpose: they exclude nonsense that would hang a run, fill
 * the memory or give silently wrong figures (a jam spacing of 1e-8 m, a green of
 * 1e-9 s, a coordinate of 1e308), never an unusual but real road.
 *
 * This file sits at the bottom of the import order (beside `errors.ts`), so
 * every layer may read it.
 */
import { describeValue } from './text/describe.js';
import { inRange, describeRange, type NumberRange } from './text/numbers.js';

/** A documented range: the accepted values and, for each bound that is a practical limit, why. */
export interface Limit extends NumberRange {
  /** Why the lower bound, when it is not simply the sign of a physical quantity. */
  whyMin?: string;
  /** Why the upper bound. */
  whyMax?: string;
}

const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;
/** Most lanes a link may have (movement lane sets are 32-bit masks when compiled). */
const MAX_LANES = 32;
/** Saturation flow no lane exceeds: one vehicle per second. */
const MAX_LANE_FLOW_VPH = 3600;
/** Largest right-of-way rank of a link, either sign (network/types.ts MAX_PRIORITY: the builder checks the same). */
const MAX_PRIORITY = 1_000_000;

/** Ranges of the scenario file's numbers, by the quantity they measure. */
export const LIMITS = {
  /** Planar coordinates (`xM`, `yM`, `origin.xM`), m. */
  coordinateM: {
    min: -1e7, max: 1e7,
    whyMin: 'planar coordinates are metres from a local origin, within ±10,000 km',
    whyMax: 'planar coordinates are metres from a local origin, within ±10,000 km',
  },
  /** Link length and generator distances (`lengthM`, `spacingM`, ...), m. */
  lengthM: { min: 0, minExclusive: true, max: 100_000, whyMax: 'a link longer than 100 km is not a street of a signalised network; split it' },
  /** Lengths that may be 0 to mean "none" (`attachLengthM`, `spokeLengthM`), m. */
  optionalLengthM: { min: 0, max: 100_000, whyMax: 'a link longer than 100 km is not a street of a signalised network' },
  /** Ring radius, m. */
  radiusM: { min: 0, minExclusive: true, max: 100_000, whyMax: 'a ring road wider than 200 km is not a street network' },
  /** Lanes of a link. */
  lanes: { min: 1, max: MAX_LANES, integer: true },
  /** Free-flow speed, km/h. */
  speedKmh: { min: 0, minExclusive: true, max: 250, whyMax: 'no road traffic moves faster than 250 km/h' },
  /** Saturation flow, vehicles per hour per lane. */
  saturationVehPerHourPerLane: { min: 0, minExclusive: true, max: MAX_LANE_FLOW_VPH, whyMax: 'a lane discharges at most one vehicle per second' },
  /** Space one stopped vehicle takes in a queue, m. */
  jamSpacingM: {
    min: 2, max: 50,
    whyMin: 'a stopped vehicle with its gap takes from 2 m (a motorcycle) to 50 m (a road train)',
    whyMax: 'a stopped vehicle with its gap takes from 2 m (a motorcycle) to 50 m (a road train)',
  },
  /** Flow and OD rates, vehicles per hour. */
  vehPerHour: {
    min: 0, max: MAX_LANES * MAX_LANE_FLOW_VPH,
    whyMax: `no origin feeds more than ${MAX_LANES} lanes at ${MAX_LANE_FLOW_VPH} vehicles per hour each`,
  },
  /** Factor on the whole demand (`demand.scale`, `run --demand-scale`). */
  demandScale: { min: 0, minExclusive: true, max: 100, whyMax: 'the demand is scaled by at most 100; write the demand larger instead' },
  /** A time-of-day demand factor. */
  demandFactor: { min: 0, max: 100, whyMax: 'a time-of-day factor scales the matrix as written; above 100, scale the matrix instead' },
  /** A time on the scenario clock (seconds since midnight: departures, flow periods, the run). */
  clockS: { min: 0, max: WEEK_S, whyMax: 'a run covers at most a week (604,800 s after midnight of its first day)' },
  /** A signal offset, s (taken modulo the cycle). */
  offsetS: { min: -WEEK_S, max: WEEK_S, whyMin: 'an offset is taken modulo the cycle; within a week either way', whyMax: 'an offset is taken modulo the cycle; within a week either way' },
  /** Green time of a phase, s. */
  greenS: {
    min: 1, max: 3600,
    whyMin: 'a green lasts from 1 s to an hour; a shorter one serves no vehicle and makes the run step without end',
    whyMax: 'a green lasts from 1 s to an hour',
  },
  /** Yellow and all-red intervals, s. */
  clearanceS: { min: 0, max: 60, whyMax: 'yellow and all-red intervals last from 0 to 60 s' },
  /** Pedestrian walking speed of the safety check, m/s. */
  walkSpeedMS: { min: 0.3, max: 3, whyMin: 'design walking speeds run from 0.3 m/s (the slowest pedestrians) to 3 m/s', whyMax: 'design walking speeds run from 0.3 m/s (the slowest pedestrians) to 3 m/s' },
  /** Pedestrian walk interval of the safety check, s. */
  walkTimeS: { min: 0, max: 60, whyMax: 'a walk interval lasts at most a minute' },
  /** A width at a junction (a pedestrian crossing, the width a vehicle clears on all-red), m. */
  junctionWidthM: { min: 0, minExclusive: true, max: 500, whyMax: 'no junction is wider than 500 m' },
  /** Approach grade for the ITE yellow, percent (+ uphill, - downhill). */
  gradePercent: { min: -20, max: 20, whyMin: 'street grades lie within ±20%', whyMax: 'street grades lie within ±20%' },
  /** Minimum and maximum greens of adaptive control, s. */
  adaptiveGreenS: { min: 0, max: 3600, whyMax: 'an adaptive green is bounded by an hour' },
  /** A signal cycle, s. */
  cycleS: { min: 1, max: 14_400, whyMin: 'a cycle lasts from 1 s to 4 hours', whyMax: 'a cycle lasts from 1 s to 4 hours' },
  /** Actuated control: passage time and detector setback, s. */
  actuatedGapS: { min: 0.1, max: 60, whyMin: 'gaps are measured from 0.1 s to 60 s', whyMax: 'gaps are measured from 0.1 s to 60 s' },
  /** Actuated control: detector distance upstream of the stop line, m. */
  detectorDistanceM: { min: 0, minExclusive: true, max: 10_000, whyMax: 'a detector sits at most 10 km upstream' },
  /** Max-pressure decision interval, s. */
  decisionIntervalS: { min: 0.1, max: 3600, whyMin: 'decisions come every 0.1 s to an hour', whyMax: 'decisions come every 0.1 s to an hour' },
  /** Index of a phase in its program. */
  phaseIndex: { min: 0, max: 999, integer: true, whyMax: 'a program has at most 1,000 phases' },
  /** Acceleration and deceleration of a vehicle class, m/s². */
  accelerationMS2: { min: 0, minExclusive: true, max: 50, whyMax: 'accelerations and decelerations up to 50 m/s² (5 g)' },
  /** Seed of the run's random streams. */
  seed: { min: 0, max: 2 ** 32 - 1, integer: true, whyMax: 'seeds are 32-bit (0 to 4,294,967,295)' },
  /** Replications of a run. */
  replications: { min: 1, max: 1000, integer: true, whyMax: 'more than 1,000 replications add nothing a 95% confidence interval needs' },
  /** Quiet time that ends a run as gridlock, s. */
  gridlockTimeoutS: { min: 1, max: DAY_S, whyMin: 'from 1 s to a day', whyMax: 'from 1 s to a day' },
  /** Interval of the routing cost refresh, s. */
  routingIntervalS: { min: 1, max: DAY_S, whyMin: 'from 1 s to a day; a shorter interval makes the run refresh routes without end', whyMax: 'from 1 s to a day' },
  /** Share of vehicles re-routing en route. */
  share: { min: 0, max: 1 },
  /** Start-up lost time at the beginning of a green, s. */
  startUpLostS: { min: 0, max: 10, whyMax: 'start-up lost times are a few seconds (HCM\'s default 2 s)' },
  /** Start-up lost time of one link (LinkSpec.startUpLost), s: below 0 the first vehicles of a green leave at its start (SUMO's on slow roads, by the discharge headway's measure). */
  linkStartUpLostS: { min: -10, max: 10, whyMin: 'a queue cannot gain more than seconds on its discharge headway', whyMax: 'start-up lost times are a few seconds (HCM\'s default 2 s)' },
  insertionHeadwayS: { min: 0, max: 60, whyMax: 'a vehicle starting from standstill clears its own length in a few seconds (SUMO\'s car: 3 s)' },
  /** SUMO's simulation step a vehicle class reproduces (`stepLength`), s. */
  stepLengthS: { min: 0, max: 10, whyMax: 'SUMO runs with steps of 1 s or less (its default 1 s)' },
  /** Junction storage of a permissive turn at a signal, vehicles per lane. */
  junctionStorageVeh: { min: 0, max: 20, integer: true, whyMax: 'a lane inside a junction holds a few vehicles (SUMO measured 2 on a 2 x 3-lane crossroads)' },
  /** Time gap a minor vehicle keeps before a foe at a priority junction (SUMO's jmTimegapMinor), s. */
  timegapS: { min: 0, max: 10, whyMax: 'a driver keeps a time gap of a second or two before a foe (SUMO\'s default 1 s)' },
  /** Wait after which a driver's impatience has grown by 1 (SUMO's --time-to-impatience), s. */
  timeToImpatienceS: { min: 0, max: DAY_S, whyMax: 'from 0 (never grows) to a day' },
  /** Vehicle length, m. */
  vehicleLengthM: { min: 0, minExclusive: true, max: 30, whyMax: 'a road vehicle is at most about 30 m long (a road train is longer, but not a class for a street network)' },
  /** Width of one lane, m. */
  laneWidthM: { min: 0, minExclusive: true, max: 10, whyMax: 'a lane is at most a few metres wide' },
  /** Distance from a stop line to where a turn's vehicles wait for a gap inside the junction (MovementSpec.waitPoint), m. */
  waitPointM: { min: 0, max: 500, whyMax: 'a point inside a junction, whose crossings span some tens of metres' },
  /** Free-flow time a turn adds to its approach link's (MovementSpec.timeOffset), s. */
  turnTimeOffsetS: { min: -600, max: 600, whyMin: 'a turn\'s own crossing differs from its junction\'s mean by seconds, not minutes', whyMax: 'a turn\'s own crossing differs from its junction\'s mean by seconds, not minutes' },
  /** Right-of-way rank of a link at unsignalised priority junctions (LinkSpec.priority; SUMO's edge priority). */
  linkPriority: { min: -MAX_PRIORITY, max: MAX_PRIORITY, integer: true, whyMin: 'a rank, compared only with the other approaches of a junction', whyMax: 'a rank, compared only with the other approaches of a junction' },
  /** Corner radius of a junction, m. */
  junctionRadiusM: { min: 0, max: 100, whyMax: 'a junction corner radius is at most some tens of metres' },
  /** Wait that counts as a stop, s. */
  stopThresholdS: { min: 0, max: 3600, whyMax: 'a stop is counted after at most an hour of waiting' },
  /** Metrics time-series interval, s. */
  intervalS: { min: 1, max: DAY_S, whyMin: 'from 1 s to a day; a shorter interval fills the memory with samples', whyMax: 'from 1 s to a day' },
  /** Iterations of the equilibrium route choice. */
  equilibriumIterations: { min: 1, max: 1000, integer: true, whyMax: 'an equilibrium runs at most 1,000 simulations' },
  /** Relative gap that ends the equilibrium iterations. */
  relativeGap: { min: 0, max: 1, maxExclusive: true },
  /** Iterations between two checks of whether the equilibrium's remaining gap is sampling noise (0: never). */
  noiseCheckEvery: { min: 0, max: 1000, integer: true, whyMax: 'an equilibrium runs at most 1,000 simulations' },
  /** Gawron's weight of a route's newly measured cost (equilibrium method gawron). */
  gawronBeta: { min: 0, minExclusive: true, max: 1 },
  /** Gawron's sensitivity to relative route cost differences. */
  gawronA: { min: 0, max: 100, whyMax: 'beyond 100 the update is all-or-nothing already' },
  /** Routes a traveller keeps (equilibrium method gawron). */
  maxAlternatives: { min: 1, max: 50, integer: true, whyMax: 'a traveller keeps at most 50 routes' },
  /** Route cost added to a yielding turn in the equilibrium, s. */
  minorPenaltyS: { min: 0, max: 600, whyMax: 'a turn that costs ten minutes more is closed, not penalised' },
  /** Least weight of the newest costs in the equilibrium's smoothed costs. */
  costSmoothing: { min: 0, minExclusive: true, max: 1 },
  /** Junctions along one generated dimension (grid rows and columns, corridor and ring junctions). */
  generatorCount: { min: 1, max: 1000, integer: true, whyMax: 'a generated network has at most 1,000 junctions along any dimension' },
} as const satisfies Record<string, Limit>;

/**
 * `undefined` when `value` is inside `limit`; otherwise `expected <range> (<why>),
 * found <value>`, the reason of the bound it breaks included, as the scenario
 * schema words it. For importers and other boundaries outside the schema.
 */
export function limitProblem(value: number, limit: Limit): string | undefined {
  if (inRange(value, limit)) return undefined;
  const low = Number.isFinite(value) && limit.min !== undefined && (limit.minExclusive ? value <= limit.min : value < limit.min);
  const why = low ? limit.whyMin : limit.whyMax;
  return `expected ${describeRange(limit)}${why === undefined ? '' : ` (${why})`}, found ${describeValue(value)}`;
}

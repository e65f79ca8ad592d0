/**
 * What the HTML report shows, as data (`ReportData`): the contents of an outputs
 * directory — the files `greenwave run` writes (summary.json, links.csv,
 * junctions.csv, timeseries.csv, network.geojson), the recordings `--report`
 * adds (junction-timeseries.csv, link-flows.csv, corridor.json) and the
 * optimiser's (convergence.csv, comparison.json). Every part is optional; a
 * report shows what is there.
 *
 * It comes from a directory (`read.ts`, `loadReportData`) or straight from a run
 * in memory (`run-data.ts`, `runReportData`); both hold exactly what the files
 * hold, so the two render the same page. The zod schemas of the JSON files and
 * the assembly shared by both paths live here.
 */
import { z } from 'zod';
import type { WhatIfComparison } from '../what-if.js';
import type { TimingRow } from '../timing.js';
import type { TimeSample } from '../../sim/metrics.js';
import type { Summary } from '../stats.js';
import type { CalibrationReport } from './calibration-data.js';

/** Files the report reads, in the order it looks for them. */
export const REPORT_INPUT_FILES = [
  'summary.json', 'network.geojson', 'links.csv', 'junctions.csv', 'timeseries.csv',
  'junction-timeseries.csv', 'link-flows.csv', 'corridor.json', 'convergence.csv', 'comparison.json', 'timing.csv', 'metadata.json',
] as const;

const finiteOrNull = z.number().nullable();

/** One iteration of an equilibrium run, as summary.json's `equilibrium.convergence` holds it (fields the report uses). */
const EquilibriumIterationSchema = z.object({
  iteration: z.number(), gap: z.number(), meanTravelTime: finiteOrNull, unfinished: z.number(), switched: z.number(), crossFitGap: finiteOrNull.optional(),
}).loose();

/** Schema of summary.json (fields the report uses; others are kept). */
export const SummarySchema = z.object({
  greenwave: z.string().optional(),
  scenario: z.string(),
  scenarioFile: z.string().optional(),
  seed: z.number(),
  network: z.object({ junctions: z.number(), links: z.number(), movements: z.number().optional(), drivingSide: z.enum(['left', 'right']) }).optional(),
  endTime: z.number().optional(),
  totals: z.record(z.string(), finiteOrNull).optional(),
  gridlock: z.object({ time: z.number(), junctions: z.array(z.string()), vehicles: z.number() }).nullable().optional(),
  replications: z.array(z.object({ seed: z.number() }).loose()).optional(),
  confidence: z.record(z.string(), z.object({ n: z.number(), mean: finiteOrNull, halfWidth: finiteOrNull, lower: finiteOrNull, upper: finiteOrNull, level: z.number() }).loose()).optional(),
  /** Route choice at equilibrium: how the first replication's equilibrium went. */
  equilibrium: z.object({ converged: z.boolean(), stopped: z.enum(['gap', 'noise', 'budget']).optional(), iterations: z.number(), relativeGap: finiteOrNull, convergence: z.array(EquilibriumIterationSchema) }).loose().optional(),
}).loose();

const position = z.array(z.number()).min(2);
/** Schema of metadata.json (see `../metadata.ts`): what the report reads of it. */
export const MetadataSchema = z.object({ format: z.literal('greenwave-metadata'), provenance: z.string() }).loose();
/** A junction of network.geojson: a Point with its level of service (the report takes them from junctions.csv). */
const JunctionFeatureSchema = z.object({
  geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()).min(2) }),
  properties: z.object({ kind: z.literal('junction'), id: z.string() }).loose(),
}).loose();

/** Schema of network.geojson (links as LineStrings with their metrics, junctions as Points). */
export const GeoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  crs: z.unknown().optional(),
  /** greenwave's foreign member: `coordinates` is `wgs84-lon-lat` or `planar-metres` (absent in files of older versions). */
  greenwave: z.object({ coordinates: z.string().optional() }).loose().optional(),
  features: z.array(z.union([JunctionFeatureSchema, z.object({
    geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }),
    properties: z.object({
      id: z.string(),
      from: z.string(),
      to: z.string(),
      lengthM: z.number().optional(),
      lanes: z.number().optional(),
      speedMPerS: z.number().optional(),
      entered: z.number().optional(),
      meanTravelTimeS: finiteOrNull.optional(),
      speedRatio: finiteOrNull.optional(),
      meanQueue: z.number().optional(),
      maxQueue: z.number().optional(),
    }).loose(),
  }).loose()])),
}).loose();

/** A link feature of network.geojson. */
export type GeoJsonLinkFeature = Exclude<z.infer<typeof GeoJsonSchema>['features'][number], z.infer<typeof JunctionFeatureSchema>>;

const SummaryStat = z.object({
  n: z.number(), mean: finiteOrNull, sd: finiteOrNull.optional(), halfWidth: finiteOrNull, lower: finiteOrNull, upper: finiteOrNull, level: z.number(),
});
/** Metrics every comparison.json has (files of older versions lack the all-trips means). */
export const COMPARISON_METRICS = ['meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours', 'unfinished'] as const;
/** Metrics of the before/after table, in column order: unfinished trips first, all-trips means before finished-only ones. */
export const COMPARISON_COLUMNS = ['unfinished', 'meanDelayAllTrips', 'meanDelay', 'meanTravelTimeAllTrips', 'meanTravelTime', 'meanStops', 'vehicleHours'] as const;
const MetricSummariesSchema = z.object({
  ...(Object.fromEntries(COMPARISON_METRICS.map((m) => [m, SummaryStat])) as Record<(typeof COMPARISON_METRICS)[number], typeof SummaryStat>),
  meanDelayAllTrips: SummaryStat.optional(),
  meanTravelTimeAllTrips: SummaryStat.optional(),
}).loose();
/** Schema of comparison.json (the optimiser's before/after table). */
export const ComparisonSchema = z.object({
  scenario: z.string(),
  objective: z.enum(['delay', 'travelTime', 'vehicleHours']),
  heldOutSeeds: z.array(z.number()),
  level: z.number(),
  /** Plan the paired differences are taken against (greenwave optimise: webster). */
  reference: z.string().optional(),
  rows: z.array(z.object({
    plan: z.string(),
    /** Held-out seeds on which the plan gridlocked (absent in files of older versions). */
    gridlockedSeeds: z.array(z.number()).optional(),
    verdict: z.enum(['better', 'worse', 'inconclusive', 'reference']).optional(),
    verdictReason: z.string().optional(),
    metrics: MetricSummariesSchema,
    /** Per-seed differences to the reference plan (this minus reference), paired by seed; null for the reference. */
    difference: MetricSummariesSchema.nullable().optional(),
    junctions: z.array(z.object({ id: z.string(), controlDelay: SummaryStat, los: z.string(), blockedSeeds: z.number().optional() })).optional(),
    failures: z.array(z.object({ seed: z.number(), message: z.string() })).optional(),
  }).loose()).min(1),
  /** The written plan against the best baseline, paired by seed (absent in files of older versions; null when there was none). */
  versusBest: z.object({
    plan: z.string(), baseline: z.string(), difference: SummaryStat,
    verdict: z.enum(['better', 'worse', 'inconclusive']), verdictReason: z.string(),
  }).nullable().optional(),
}).loose();

/** Schema of corridor.json (see `../recordings.ts`). */
export const CorridorSchema = z.object({
  start: z.number(),
  end: z.number(),
  directions: z.array(z.object({
    name: z.string(),
    links: z.array(z.object({ id: z.string(), from: z.string(), to: z.string(), lengthM: z.number(), fromM: z.number(), toM: z.number(), freeFlowS: z.number() })),
    signals: z.array(z.object({ junction: z.string(), atM: z.number(), changes: z.array(z.tuple([z.number(), z.number()])) })),
    vehicles: z.array(z.object({ trip: z.string(), visits: z.array(z.tuple([z.number(), z.number(), finiteOrNull, finiteOrNull])) })),
  })),
  omittedVehicles: z.number().optional(),
}).loose();

/** A link of the map: geometry (as in network.geojson) and metrics. */
export interface ReportLink {
  /** Link id. */
  id: string;
  /** Street name (network.geojson `name`), when the network has one. */
  name?: string;
  /** Upstream junction id. */
  from: string;
  /** Downstream junction id. */
  to: string;
  /** Polyline: [lon, lat] in degrees when the report is geographic, else [x, y] in m. */
  coordinates: Array<[number, number]>;
  /** Lanes (1 when the file does not say). */
  lanes: number;
  /** Length, m. */
  lengthM: number;
  /** Vehicles that entered the link. */
  entered: number;
  /** Mean travel time, s (NaN if none left it). */
  meanTravelTimeS: number;
  /** Free-flow time / mean travel time (1 = free flow; NaN without a travel time). */
  speedRatio: number;
  /** Time-weighted mean number of vehicles queued on the link. */
  meanQueue: number;
  /** Most vehicles queued at once. */
  maxQueue: number;
  /** Capacity, veh/h, from link-flows.csv when present, else NaN. */
  capacityVehH: number;
  /** Busiest full interval's entry flow, veh/h, from link-flows.csv when present, else NaN. */
  peakFlowVehH: number;
}

/** A junction row of junctions.csv. */
export interface ReportJunction {
  /** Junction id. */
  id: string;
  /** Named after the streets that meet there (junctions.csv `name`), when known. */
  name?: string;
  /** `signal`, `priority` or `uncontrolled`. */
  control: string;
  /** Vehicles that passed it. */
  vehicles: number;
  /** Mean control delay, s (NaN if none passed). */
  controlDelayS: number;
  /** HCM level of service A-F, '' if none passed. */
  los: string;
}

/** Per-junction series from junction-timeseries.csv. */
export interface ReportJunctionSeries {
  /** End of each interval, s since midnight. */
  times: number[];
  /** Vehicles that passed the junction in each interval. */
  vehicles: number[];
  /** Time-weighted mean vehicles queued at its stop lines, per interval. */
  meanQueued: number[];
  /** Most vehicles queued at once, per interval. */
  maxQueued: number[];
  /** Mean control delay of the vehicles that passed, s (NaN when none did), per interval. */
  controlDelayS: number[];
}

/** One row of timing.csv: one phase of one junction's plan, seconds (see `../timing.ts`). */
export type ReportTimingRow = TimingRow;

/** One optimiser evaluation from convergence.csv. */
export interface ConvergencePoint {
  /** Evaluation number, from 1. */
  evaluation: number;
  /** Batch it was evaluated in. */
  batch: number;
  /** Time since the optimiser started, s. */
  elapsedS: number;
  /** Objective of the evaluated plan (mean over the training seeds). */
  objective: number;
  /** Best objective so far. */
  best: number;
}

/** One iteration of an equilibrium run (summary.json's `equilibrium.convergence`, or the run's convergence.csv). */
export interface EquilibriumPoint {
  iteration: number;
  /** Relative gap, 0..1. */
  gap: number;
  /** Mean travel time of the arrived trips, s (null when none arrived). */
  meanTravelTime: number | null;
  unfinished: number;
  /** Drivers moved to another route after this iteration. */
  switched: number;
  /** Cross-fitted gap, 0..1 (can be negative), on the iterations that measured it (the noise check, the budget's end). */
  crossFitGap?: number | null;
}

/** summary.json as the report reads it. */
export type ReportSummary = z.infer<typeof SummarySchema>;
/** comparison.json as the report reads it. */
export type ComparisonFile = z.infer<typeof ComparisonSchema>;
/** corridor.json as the report reads it. */
export type CorridorFile = z.infer<typeof CorridorSchema>;
/** A mean with its confidence interval, as computed (`Summary`) or as read from comparison.json. */
export type ComparisonSummary = Summary | z.infer<typeof SummaryStat>;

/** Everything a report can show: what an outputs directory holds, file by file. */
export interface ReportData {
  /** Provenance lines (`# ...`, without the `#`) of the CSV files, by file name. */
  provenance: Record<string, string>;
  /** summary.json. */
  summary?: ReportSummary;
  /** True when network.geojson is in WGS84 (lon, lat). */
  geographic: boolean;
  /** network.geojson's links, with link-flows.csv's capacities and peak flows. */
  links?: ReportLink[];
  /** junctions.csv. */
  junctions?: ReportJunction[];
  /** timeseries.csv: one sample per interval. */
  timeseries?: TimeSample[];
  /** junction-timeseries.csv, by junction id (in the file's order). */
  junctionSeries?: Map<string, ReportJunctionSeries>;
  /** corridor.json. */
  corridor?: CorridorFile;
  /** convergence.csv of `greenwave optimise`. */
  convergence?: ConvergencePoint[];
  /** convergence.csv of a run with route choice at equilibrium (used when summary.json does not hold the iterations). */
  equilibrium?: EquilibriumPoint[];
  /** comparison.json. */
  comparison?: ComparisonFile;
  /** timing.csv: the timing sheet of each plan. */
  timing?: ReportTimingRow[];
  /** `greenwave compare`: a base scenario and its variants on the same seeds. */
  whatIf?: WhatIfComparison;
  /** calibration.csv and calibration.json of `greenwave calibrate`. */
  calibration?: CalibrationReport;
}

/** How a junction is called in the report: its name (the streets that meet there) with its id, or its id alone. */
export function junctionLabel(data: Pick<ReportData, 'junctions'>, id: string): string {
  const name = data.junctions?.find((j) => j.id === id)?.name;
  return name === undefined ? id : `${name} (${id})`;
}

/** What the map takes from a row of link-flows.csv. */
export interface LinkFlowFigures {
  /** Capacity, veh/h. */
  capacity: number;
  /** Busiest full interval's entry flow, veh/h. */
  peak: number;
}

/** The map's links: network.geojson's features with the flows of link-flows.csv (by link id) where present. */
export function reportLinks(geojson: z.infer<typeof GeoJsonSchema>, flows: ReadonlyMap<string, LinkFlowFigures>): ReportLink[] {
  const links = geojson.features.filter((f): f is GeoJsonLinkFeature => f.geometry.type === 'LineString');
  return links.map((f) => {
    const p = f.properties;
    const flow = flows.get(p.id);
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
    return {
      id: p.id,
      ...(name === undefined ? {} : { name }),
      from: p.from,
      to: p.to,
      coordinates: f.geometry.coordinates.map((c) => [c[0], c[1]] as [number, number]),
      lanes: p.lanes ?? 1,
      lengthM: p.lengthM ?? NaN,
      entered: p.entered ?? NaN,
      meanTravelTimeS: p.meanTravelTimeS ?? NaN,
      speedRatio: p.speedRatio ?? NaN,
      meanQueue: p.meanQueue ?? NaN,
      maxQueue: p.maxQueue ?? NaN,
      capacityVehH: flow?.capacity ?? NaN,
      peakFlowVehH: flow?.peak ?? NaN,
    };
  });
}

/** Whether a network.geojson is in WGS84 lon/lat: its `greenwave.coordinates`, else (files of older versions) the absence of a `crs` member. */
export function geoJsonIsGeographic(geojson: z.infer<typeof GeoJsonSchema>): boolean {
  const said = geojson.greenwave?.coordinates;
  return said !== undefined ? said === 'wgs84-lon-lat' : geojson.crs === undefined;
}

/** The provenance a reader takes from a CSV file's text of an older version: its `#` first line without the `#`, trimmed; '' when it has none. */
export function csvProvenance(text: string): string {
  if (!text.startsWith('#')) return '';
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).slice(1).trim();
}

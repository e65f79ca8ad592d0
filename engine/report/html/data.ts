/**
 * Reading an outputs directory for the HTML report: the files `greenwave run`
 * writes (summary.json, links.csv, junctions.csv, timeseries.csv,
 * network.geojson), the recordings `--report` adds (junction-timeseries.csv,
 * link-flows.csv, corridor.json) and the optimiser's (convergence.csv,
 * comparison.json). Every file is optional; a report shows what is there.
 *
 * CSV files may start with one `#` provenance line; JSON files are checked with
 * zod. A malformed file is an `InputError` whose path names the file and the
 * line and column (CSV) or JSON path, e.g. `junctions.csv:7 control_delay_s`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { Summary } from '../stats.js';

/** Files the report reads, in the order it looks for them. */
export const REPORT_INPUT_FILES = [
  'summary.json', 'network.geojson', 'links.csv', 'junctions.csv', 'timeseries.csv',
  'junction-timeseries.csv', 'link-flows.csv', 'corridor.json', 'convergence.csv', 'comparison.json',
] as const;

const finiteOrNull = z.number().nullable();

const SummarySchema = z.object({
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
}).loose();

const position = z.array(z.number()).min(2);
const GeoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  crs: z.unknown().optional(),
  features: z.array(z.object({
    geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }),
    properties: z.object({
      id: z.string(),
      from: z.string(),
      to: z.string(),
      lengthM: z.number().optional(),
      lanes: z.number().optional(),
      speedKmh: z.number().optional(),
      entered: z.number().optional(),
      meanTravelTimeS: finiteOrNull.optional(),
      speedRatio: finiteOrNull.optional(),
      meanQueue: z.number().optional(),
      maxQueue: z.number().optional(),
    }).loose(),
  }).loose()),
}).loose();

const SummaryStat = z.object({
  n: z.number(), mean: finiteOrNull, sd: finiteOrNull.optional(), halfWidth: finiteOrNull, lower: finiteOrNull, upper: finiteOrNull, level: z.number(),
});
/** Metrics of the before/after table, in column order. */
export const COMPARISON_METRICS = ['meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours', 'unfinished'] as const;
const ComparisonSchema = z.object({
  scenario: z.string(),
  objective: z.enum(['delay', 'travelTime', 'vehicleHours']),
  heldOutSeeds: z.array(z.number()),
  level: z.number(),
  /** Plan the paired differences are taken against (greenwave optimise: webster). */
  reference: z.string().optional(),
  rows: z.array(z.object({
    plan: z.string(),
    metrics: z.object(Object.fromEntries(COMPARISON_METRICS.map((m) => [m, SummaryStat])) as Record<(typeof COMPARISON_METRICS)[number], typeof SummaryStat>).loose(),
    /** Per-seed differences to the reference plan (this minus reference), paired by seed; null for the reference. */
    difference: z.object(Object.fromEntries(COMPARISON_METRICS.map((m) => [m, SummaryStat])) as Record<(typeof COMPARISON_METRICS)[number], typeof SummaryStat>).loose().nullable().optional(),
    junctions: z.array(z.object({ id: z.string(), controlDelay: SummaryStat, los: z.string() })).optional(),
    failures: z.array(z.object({ seed: z.number(), message: z.string() })).optional(),
  }).loose()).min(1),
}).loose();

const CorridorSchema = z.object({
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
  id: string;
  /** Street name (network.geojson `name`), when the network has one. */
  name?: string;
  from: string;
  to: string;
  coordinates: Array<[number, number]>;
  lanes: number;
  lengthM: number;
  entered: number;
  meanTravelTimeS: number;
  speedRatio: number;
  meanQueue: number;
  maxQueue: number;
  /** From link-flows.csv when present, else NaN. */
  capacityVehH: number;
  peakFlowVehH: number;
}

/** A junction row of junctions.csv. */
export interface ReportJunction {
  id: string;
  /** Named after the streets that meet there (junctions.csv `name`), when known. */
  name?: string;
  control: string;
  vehicles: number;
  controlDelayS: number;
  los: string;
}

/** One row of timeseries.csv. */
export interface ReportTimeSample {
  time: number;
  inNetwork: number;
  waiting: number;
  queued: number;
  departed: number;
  arrived: number;
  meanTravelTime: number;
}

/** Per-junction series from junction-timeseries.csv. */
export interface ReportJunctionSeries {
  times: number[];
  vehicles: number[];
  meanQueued: number[];
  maxQueued: number[];
  controlDelayS: number[];
}

/** One optimiser evaluation from convergence.csv. */
export interface ConvergencePoint {
  evaluation: number;
  batch: number;
  elapsedS: number;
  objective: number;
  best: number;
}

export type ReportSummary = z.infer<typeof SummarySchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
export type CorridorFile = z.infer<typeof CorridorSchema>;
export type ComparisonSummary = Summary | z.infer<typeof SummaryStat>;

/** How a junction is called in the report: its name (the streets that meet there) with its id, or its id alone. */
export function junctionLabel(data: Pick<ReportData, 'junctions'>, id: string): string {
  const name = data.junctions?.find((j) => j.id === id)?.name;
  return name === undefined ? id : `${name} (${id})`;
}

/** Everything a report can show, as read from an outputs directory. */
export interface ReportData {
  /** Provenance lines (`# ...`) of the CSV files read, by file name. */
  provenance: Record<string, string>;
  summary?: ReportSummary;
  /** True when network.geojson was in WGS84 (lon, lat). */
  geographic: boolean;
  links?: ReportLink[];
  junctions?: ReportJunction[];
  timeseries?: ReportTimeSample[];
  junctionSeries?: Map<string, ReportJunctionSeries>;
  corridor?: CorridorFile;
  convergence?: ConvergencePoint[];
  comparison?: Comparison;
}

async function readOptional(dir: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new InputError(dir, 'is not a directory');
    throw error;
  }
}

function parseJson<T>(name: string, text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, `not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new InputError(`${name}${path ? ` ${path}` : ''}`, issue.message);
  }
  return result.data;
}

type Row = { line: number; get: (column: string) => string; number: (column: string) => number };

/** Parse a greenwave CSV (optional `#` first line), checking that `columns` are present. */
function parseCsv(name: string, text: string, columns: readonly string[]): { rows: Row[]; provenance: string } {
  let body = text;
  let provenance = '';
  let offset = 0;
  if (text.startsWith('#')) {
    const nl = text.indexOf('\n');
    provenance = (nl < 0 ? text : text.slice(0, nl)).slice(1).trim();
    body = nl < 0 ? '' : text.slice(nl + 1);
    offset = 1;
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, { info: true, skip_empty_lines: true, relax_column_count: false }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new InputError(`${name}${line ? `:${line + offset}` : ''}`, `not valid CSV: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new InputError(name, 'has no header line');
  const header = records[0].record;
  const index = new Map(header.map((h, i) => [h, i]));
  for (const c of columns) if (!index.has(c)) throw new InputError(`${name}:${records[0].info.lines + offset}`, `missing column "${c}" (found ${header.join(', ')})`);
  const rows = records.slice(1).map(({ record, info }): Row => {
    const line = info.lines + offset;
    const get = (column: string): string => record[index.get(column) as number];
    return {
      line,
      get,
      number: (column) => {
        const raw = get(column).trim();
        if (raw === '') return NaN;
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new InputError(`${name}:${line} ${column}`, `expected a number, found "${raw}"`);
        return n;
      },
    };
  });
  return { rows, provenance };
}

/**
 * Read every report input present in `dir`.
 * @throws InputError if `dir` holds none of {@link REPORT_INPUT_FILES} or one of them is malformed.
 */
export async function loadReportData(dir: string): Promise<ReportData> {
  const texts = new Map<string, string>();
  for (const name of REPORT_INPUT_FILES) {
    const text = await readOptional(dir, name);
    if (text !== undefined) texts.set(name, text);
  }
  if (texts.size === 0) {
    throw new InputError(dir, `holds no greenwave outputs (looked for ${REPORT_INPUT_FILES.join(', ')}); run "greenwave run <scenario> --out ${dir}" first`);
  }
  const data: ReportData = { provenance: {}, geographic: false };
  const csvOf = (name: string, columns: readonly string[]): Row[] | undefined => {
    const text = texts.get(name);
    if (text === undefined) return undefined;
    const { rows, provenance } = parseCsv(name, text, columns);
    if (provenance) data.provenance[name] = provenance;
    return rows;
  };

  const summary = texts.get('summary.json');
  if (summary !== undefined) data.summary = parseJson('summary.json', summary, SummarySchema);

  const flows = new Map<string, { capacity: number; peak: number }>();
  for (const r of csvOf('link-flows.csv', ['id', 'capacity_veh_h', 'peak_flow_veh_h']) ?? []) {
    flows.set(r.get('id'), { capacity: r.number('capacity_veh_h'), peak: r.number('peak_flow_veh_h') });
  }
  const geo = texts.get('network.geojson');
  if (geo !== undefined) {
    const parsed = parseJson('network.geojson', geo, GeoJsonSchema);
    data.geographic = parsed.crs === undefined;
    data.links = parsed.features.map((f) => {
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
  // links.csv only repeats what network.geojson carries; it is read to check it and for its provenance.
  csvOf('links.csv', ['id']);

  const junctions = csvOf('junctions.csv', ['id', 'control', 'vehicles', 'control_delay_s', 'los']);
  if (junctions) {
    data.junctions = junctions.map((r) => {
      const los = r.get('los');
      if (!/^[A-F]?$/.test(los)) throw new InputError(`${'junctions.csv'}:${r.line} los`, `expected a level of service A-F or nothing, found "${los}"`);
      const name = r.get('name'); // absent in files of older versions
      return { id: r.get('id'), ...(name ? { name } : {}), control: r.get('control'), vehicles: r.number('vehicles'), controlDelayS: r.number('control_delay_s'), los };
    });
  }

  const ts = csvOf('timeseries.csv', ['time_s', 'in_network', 'waiting', 'queued', 'departed', 'arrived', 'mean_travel_time_s']);
  if (ts) {
    data.timeseries = ts.map((r) => ({
      time: r.number('time_s'), inNetwork: r.number('in_network'), waiting: r.number('waiting'), queued: r.number('queued'),
      departed: r.number('departed'), arrived: r.number('arrived'), meanTravelTime: r.number('mean_travel_time_s'),
    }));
  }

  const js = csvOf('junction-timeseries.csv', ['time_s', 'junction', 'vehicles', 'mean_queued_veh', 'max_queued_veh', 'control_delay_s']);
  if (js) {
    const series = new Map<string, ReportJunctionSeries>();
    for (const r of js) {
      const id = r.get('junction');
      let s = series.get(id);
      if (!s) { s = { times: [], vehicles: [], meanQueued: [], maxQueued: [], controlDelayS: [] }; series.set(id, s); }
      s.times.push(r.number('time_s'));
      s.vehicles.push(r.number('vehicles'));
      s.meanQueued.push(r.number('mean_queued_veh'));
      s.maxQueued.push(r.number('max_queued_veh'));
      s.controlDelayS.push(r.number('control_delay_s'));
    }
    data.junctionSeries = series;
  }

  const corridor = texts.get('corridor.json');
  if (corridor !== undefined) data.corridor = parseJson('corridor.json', corridor, CorridorSchema);

  const conv = csvOf('convergence.csv', ['evaluation', 'batch', 'elapsedS', 'objective', 'best']);
  if (conv) {
    data.convergence = conv.map((r) => ({ evaluation: r.number('evaluation'), batch: r.number('batch'), elapsedS: r.number('elapsedS'), objective: r.number('objective'), best: r.number('best') }));
  }
  const comparison = texts.get('comparison.json');
  if (comparison !== undefined) data.comparison = parseJson('comparison.json', comparison, ComparisonSchema);
  return data;
}

/**
 * Reading an outputs directory for the HTML report (`loadReportData`): every
 * file of `REPORT_INPUT_FILES` that is there.
 *
 * CSV files start with their header row (files of older versions with one `#`
 * provenance line first, still read); the provenance of every file is taken from
 * metadata.json when it is there. JSON files are checked with zod. A malformed file is an `InputError` whose path names the file and the
 * line and column (CSV) or JSON path, e.g. `junctions.csv:7 control_delay_s`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { InputError } from '../../errors.js';
import {
  ComparisonSchema, CorridorSchema, GeoJsonSchema, MetadataSchema, REPORT_INPUT_FILES, SummarySchema, csvProvenance, geoJsonIsGeographic, reportLinks,
  type LinkFlowFigures, type ReportData, type ReportJunctionSeries,
} from './data.js';
import { CALIBRATION_FILES, readCalibration } from './calibration.js';

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
  let offset = 0;
  const provenance = csvProvenance(text);
  if (text.startsWith('#')) {
    const nl = text.indexOf('\n');
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
  const calibration = await readCalibration(dir);
  if (texts.size === 0 && !calibration) {
    throw new InputError(dir, `holds no greenwave outputs (looked for ${[...REPORT_INPUT_FILES, ...CALIBRATION_FILES].join(', ')}); run "greenwave run <scenario> --out ${dir}" first`);
  }
  const data: ReportData = { provenance: {}, geographic: false, ...(calibration ? { calibration } : {}) };
  const metadataText = texts.get('metadata.json');
  const metadata = metadataText !== undefined ? parseJson('metadata.json', metadataText, MetadataSchema) : undefined;
  const csvOf = (name: string, columns: readonly string[]): Row[] | undefined => {
    const text = texts.get(name);
    if (text === undefined) return undefined;
    const { rows, provenance } = parseCsv(name, text, columns);
    const said = provenance || metadata?.provenance;
    if (said) data.provenance[name] = said;
    return rows;
  };

  const summary = texts.get('summary.json');
  if (summary !== undefined) data.summary = parseJson('summary.json', summary, SummarySchema);

  const flows = new Map<string, LinkFlowFigures>();
  for (const r of csvOf('link-flows.csv', ['id', 'capacity_veh_h', 'peak_flow_veh_h']) ?? []) {
    flows.set(r.get('id'), { capacity: r.number('capacity_veh_h'), peak: r.number('peak_flow_veh_h') });
  }
  const geo = texts.get('network.geojson');
  if (geo !== undefined) {
    const parsed = parseJson('network.geojson', geo, GeoJsonSchema);
    data.geographic = geoJsonIsGeographic(parsed);
    data.links = reportLinks(parsed, flows);
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

  // convergence.csv is the optimiser's (one row per evaluation) or, in a run with route choice at equilibrium, one row per iteration.
  const convergenceHeader = texts.get('convergence.csv')?.split('\n').find((line) => line !== '' && !line.startsWith('#'));
  if (convergenceHeader?.startsWith('iteration,') === true) {
    const rows = csvOf('convergence.csv', ['iteration', 'relative_gap', 'mean_travel_time_s', 'unfinished', 'switched']) ?? [];
    data.equilibrium = rows.map((r) => {
      const mean = r.number('mean_travel_time_s');
      const fit = r.get('cross_fit_gap') ? r.number('cross_fit_gap') : NaN;
      return {
        iteration: r.number('iteration'), gap: r.number('relative_gap'), meanTravelTime: Number.isFinite(mean) ? mean : null, unfinished: r.number('unfinished'), switched: r.number('switched'),
        ...(Number.isFinite(fit) ? { crossFitGap: fit } : {}),
      };
    });
  } else {
    const conv = csvOf('convergence.csv', ['evaluation', 'batch', 'elapsedS', 'objective', 'best']);
    if (conv) {
      data.convergence = conv.map((r) => ({ evaluation: r.number('evaluation'), batch: r.number('batch'), elapsedS: r.number('elapsedS'), objective: r.number('objective'), best: r.number('best') }));
    }
  }
  const timing = csvOf('timing.csv', ['plan', 'junction', 'cycle_s', 'offset_s', 'phase', 'movements', 'green_start_s', 'green_s', 'yellow_s', 'all_red_s', 'min_green_s']);
  if (timing) {
    const list = (v: string | undefined): string[] => (v ? v.split('; ').filter((m) => m !== '') : []);
    data.timing = timing.map((r) => ({
      plan: r.get('plan'), junction: r.get('junction'), name: r.get('name') ?? '', control: r.get('control') ?? 'fixed',
      cycleS: r.number('cycle_s'), offsetS: r.number('offset_s'), phase: r.number('phase'),
      movements: list(r.get('movements')), permissive: list(r.get('permissive')),
      greenStartS: r.number('green_start_s'), greenS: r.number('green_s'), yellowS: r.number('yellow_s'), allRedS: r.number('all_red_s'), minGreenS: r.number('min_green_s'),
      ...(r.get('ite_yellow_s') ? { iteYellowS: r.number('ite_yellow_s') } : {}),
      ...(r.get('ite_all_red_s') ? { iteAllRedS: r.number('ite_all_red_s') } : {}),
    }));
  }
  const comparison = texts.get('comparison.json');
  if (comparison !== undefined) data.comparison = parseJson('comparison.json', comparison, ComparisonSchema);
  return data;
}

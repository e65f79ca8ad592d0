/**
 * The report's data straight from a run in memory (`runReportData`), for
 * `greenwave run --report`: the run has just written its files, and reading
 * them back would only turn numbers into text and back.
 *
 * Every value is the one its file holds, so the page is byte for byte the page
 * `renderReport(dir)` makes from the directory: CSV numbers rounded as
 * `csvNumber` writes them, JSON values as JSON carries them (non-finite numbers
 * null, no -0), JSON files passed through the same schemas as when read, and
 * the provenance of each CSV file the report reads. Files the run did not
 * write are absent; files of other runs in the same directory play no part.
 */
import { junctionName } from '../../network/labels.js';
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { SimulationResult } from '../../sim/simulate.js';
import { csvNumber, networkGeoJson, provenanceLine, summaryOf, type Provenance } from '../outputs.js';
import type { TimingRow } from '../timing.js';
import { corridorJson, linkFlow, passableJunctions, type Recordings } from '../recordings.js';
import {
  CorridorSchema, GeoJsonSchema, SummarySchema, geoJsonIsGeographic, reportLinks,
  type LinkFlowFigures, type ReportData, type ReportJunctionSeries,
} from './data.js';

/** A run as `runReportData` needs it: what `writeOutputs` and `writeRecordings` were given. */
export interface RunReportInput {
  /** The network the run was on. */
  net: CompiledNetwork;
  /** The run's trips. */
  trips: TripTable;
  /** What the run measured. */
  result: SimulationResult;
  /** Scenario, seed and version, as written into every file. */
  provenance: Provenance;
  /** What summary.json holds. Default `summaryOf(net, result, provenance)`. */
  summary?: Record<string, unknown>;
  /** The report recorders' recordings (`ReportRecorders.recordings()`), if the run had them. */
  recordings?: Recordings;
  /** Output files written, as `writeOutputs`' `only`. Default all of them. */
  only?: readonly string[];
  /** The timing sheet rows given to `writeOutputs` (timing.csv), if any. */
  timing?: readonly TimingRow[];
}

/**
 * `value` as a JSON file holds it (what JSON.stringify then JSON.parse give
 * back): non-finite numbers become null, -0 becomes 0, undefined properties
 * and functions are left out (null in arrays).
 */
function jsonValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value || 0 : null;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (Array.isArray(value)) return value.map((v) => jsonValue(v) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const j = jsonValue(v);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

/** The report's data for a run that has just written its outputs (see the module header). */
export function runReportData(run: RunReportInput): ReportData {
  const { net, trips, result, provenance, recordings, only, timing } = run;
  const wrote = (name: string): boolean => only === undefined || only.includes(name);
  const series = recordings?.series;
  const data: ReportData = { provenance: {}, geographic: false };
  // CSV provenance, in the order the directory reader records it.
  const comment = provenanceLine(provenance);
  for (const [name, present] of [
    ['link-flows.csv', series !== undefined], ['links.csv', wrote('links.csv')], ['junctions.csv', wrote('junctions.csv')],
    ['timeseries.csv', wrote('timeseries.csv')], ['junction-timeseries.csv', series !== undefined],
    ['timing.csv', wrote('timing.csv') && timing !== undefined],
  ] as const) {
    if (present) data.provenance[name] = comment;
  }

  if (wrote('summary.json')) data.summary = SummarySchema.parse(jsonValue(run.summary ?? summaryOf(net, result, provenance)));

  const flows = new Map<string, LinkFlowFigures>();
  if (series) {
    for (let l = 0; l < net.linkCount; l++) {
      const f = linkFlow(net, series, l);
      flows.set(net.linkKey(l), { capacity: csvNumber(f.capacityVehH), peak: csvNumber(f.peakFlowVehH) });
    }
  }
  if (wrote('network.geojson')) {
    const geojson = GeoJsonSchema.parse(jsonValue(networkGeoJson(net, result, provenance)));
    data.geographic = geoJsonIsGeographic(geojson);
    data.links = reportLinks(geojson, flows);
  }

  if (wrote('junctions.csv')) {
    const { vehicles, controlDelay, levelOfService } = result.junctions;
    data.junctions = Array.from({ length: net.junctionCount }, (_, j) => {
      const name = junctionName(net, j); // as junctions.csv writes it
      return {
        id: net.junctionKey(j), ...(name === undefined ? {} : { name }), control: net.control(j), vehicles: csvNumber(vehicles[j]), controlDelayS: csvNumber(controlDelay[j]), los: levelOfService[j],
      };
    });
  }

  if (wrote('timeseries.csv')) {
    data.timeseries = result.timeseries.map((s) => ({
      time: csvNumber(s.time), inNetwork: csvNumber(s.inNetwork), waiting: csvNumber(s.waiting), queued: csvNumber(s.queued),
      departed: csvNumber(s.departed), arrived: csvNumber(s.arrived), meanTravelTime: csvNumber(s.meanTravelTime),
    }));
  }

  if (series) {
    const byJunction = new Map<string, ReportJunctionSeries>();
    const passable = passableJunctions(net);
    const n = series.junctionCount;
    for (let t = 0; t < series.times.length; t++) {
      for (const j of passable) {
        const id = net.junctionKey(j);
        let s = byJunction.get(id);
        if (!s) { s = { times: [], vehicles: [], meanQueued: [], maxQueued: [], controlDelayS: [] }; byJunction.set(id, s); }
        const k = t * n + j;
        s.times.push(csvNumber(series.times[t]));
        s.vehicles.push(csvNumber(series.vehicles[k]));
        s.meanQueued.push(csvNumber(series.meanQueued[k]));
        s.maxQueued.push(csvNumber(series.maxQueued[k]));
        s.controlDelayS.push(csvNumber(series.controlDelay[k]));
      }
    }
    data.junctionSeries = byJunction;
  }

  if (wrote('timing.csv') && timing !== undefined) {
    data.timing = timing.map((r) => ({
      ...r, cycleS: csvNumber(r.cycleS), offsetS: csvNumber(r.offsetS), phase: csvNumber(r.phase), movements: [...r.movements], permissive: [...r.permissive],
      greenStartS: csvNumber(r.greenStartS), greenS: csvNumber(r.greenS), yellowS: csvNumber(r.yellowS), allRedS: csvNumber(r.allRedS), minGreenS: csvNumber(r.minGreenS),
    }));
  }

  if (recordings?.corridor) {
    const { plan, trace } = recordings.corridor;
    data.corridor = CorridorSchema.parse(jsonValue(corridorJson(net, trips, plan, trace, provenance, recordings)));
  }
  return data;
}

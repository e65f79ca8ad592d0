/**
 * `importCityflow`: CityFlow's files (config.json, roadnet.json, flow.json) ->
 * an `ImportResult` (network, fixed-time programs, demand with routes).
 *
 * CityFlow (cityflow-project/CityFlow) is a microscopic simulator used across the
 * reinforcement-learning signal-control literature; its data sets (Hangzhou,
 * Jinan, New York, synthetic grids) come as a roadnet and a flow file, tied
 * together by a config. How each part maps is described in `roadnet.ts` and
 * `flow.ts`; this file finds the files, orders the reading (the vehicles of the
 * flow file give the links their jam spacing) and assembles the result.
 *
 * The simulated period is [0, horizon): CityFlow has no end time of its own (a
 * script calls `next_step()` as often as it likes), so the horizon is an option,
 * 3,600 s by default, as the literature evaluates these data sets.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { LIMITS, limitProblem } from '../../limits.js';
import { checkImportRanges } from '../ranges.js';
import type { DrivingSide } from '../../network/types.js';
import type { ImportResult, ImportWarning } from '../types.js';
import { checkFlowRoutes, cityflowSaturationFlow, cityflowVehicleModel, flowDemand, readFlowEntries, type CityflowFlowEntry } from './flow.js';
import { readJsonDocument, Reader, type JsonDocument } from './json.js';
import { readRoadnet } from './roadnet.js';

/** Options of {@link importCityflow}. */
export interface CityflowImportOptions {
  /** Driving side of the network. CityFlow lays lanes out for right-hand traffic; default `right`. */
  drivingSide?: DrivingSide;
  /** Horizon of the run, s: vehicles CityFlow would generate before it are imported. Default 3600. */
  end?: number;
  /** CityFlow's simulation step, s (it quantises departures). Default: the config's `interval`, else 1. */
  interval?: number;
}

/** Default horizon, s: the one-hour evaluation of the CityFlow data sets. */
export const CITYFLOW_DEFAULT_HORIZON = 3600;

/** Longest horizon, s (7 days, the scenario clock's bound in engine/limits.ts): the data sets describe an hour or a day; a longer run is a typing mistake. */
export const CITYFLOW_MAX_HORIZON = LIMITS.clockS.max;

/** Which CityFlow file a parsed document is. */
function kindOf(data: unknown): 'config' | 'roadnet' | 'flow' | 'unknown' {
  if (Array.isArray(data)) return 'flow';
  if (typeof data !== 'object' || data === null) return 'unknown';
  if ('intersections' in data || 'roads' in data) return 'roadnet';
  if ('roadnetFile' in data) return 'config';
  return 'unknown';
}

function expectKind(doc: JsonDocument, want: 'roadnet' | 'flow', given: string): void {
  const kind = kindOf(doc.data);
  if (kind === want) return;
  const what = want === 'roadnet' ? 'a CityFlow roadnet (an object with "intersections" and "roads")' : 'a CityFlow flow file (an array of flows)';
  const found = kind === 'unknown' ? 'something else' : `a CityFlow ${kind} file`;
  throw doc.error([], `expected ${what} as the ${given}, found ${found}`);
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

/**
 * Where a file named by a config is. CityFlow opens `dir + name` relative to the
 * process's working directory, and configs are usually written for one that is
 * not the config's folder (the example's `dir` is "examples/", beside which the
 * config itself lies). So look, in order, at `<config folder>/<dir>/<name>`,
 * `<config folder>/<name>` and `<working directory>/<dir>/<name>`.
 */
function locateConfigFile(config: JsonDocument, key: 'roadnetFile' | 'flowFile', dir: string, name: string): string {
  const base = path.dirname(config.file);
  const candidates = [...new Set([path.join(base, dir, name), path.join(base, name), path.join(dir, name)])];
  const found = candidates.find(isFile);
  if (found === undefined) throw config.error([key], `file not found: looked for ${candidates.map((c) => JSON.stringify(c)).join(', ')}`);
  return found;
}

function checkOptions(options: CityflowImportOptions): { drivingSide: DrivingSide; horizon: number } {
  const side = options.drivingSide ?? 'right';
  if (side !== 'left' && side !== 'right') throw new UsageError(`importCityflow: options.drivingSide must be "left" or "right", got ${JSON.stringify(side)}`);
  const horizon = options.end ?? CITYFLOW_DEFAULT_HORIZON;
  if (typeof horizon !== 'number' || !Number.isFinite(horizon) || horizon <= 0 || horizon > CITYFLOW_MAX_HORIZON) {
    throw new UsageError(`importCityflow: options.end (the horizon) must be a number of seconds in (0, ${CITYFLOW_MAX_HORIZON}] (7 days), got ${String(horizon)}`);
  }
  if (options.interval !== undefined && (typeof options.interval !== 'number' || !Number.isFinite(options.interval) || options.interval < 0.01 || options.interval > 3600)) {
    throw new UsageError(`importCityflow: options.interval (the step) must be a number of seconds in [0.01, 3600], got ${String(options.interval)}`);
  }
  return { drivingSide: side, horizon };
}

/**
 * Import CityFlow files. `files` is a `config.json` (its `roadnetFile`,
 * `flowFile`, `dir` and `interval` are used) or a `roadnet.json` alone, or
 * `{ roadnet, flow? }` paths.
 *
 * The result's network has one junction per intersection (virtual ones
 * uncontrolled, at the boundary), one link per road, one movement per
 * (startRoad, endRoad) roadLink pair; one fixed-time program per signalised
 * intersection from its light phases (transition phases folded into all-red);
 * demand as trips and uniform flows with explicit routes reproducing CityFlow's
 * departure times; `simulation` = [0, horizon).
 *
 * Rejects with `InputError` (path `file:line:column: json.path`) for unreadable,
 * malformed or inconsistent files, `UsageError` for bad options.
 */
export async function importCityflow(files: { roadnet: string; flow?: string } | string, options: CityflowImportOptions = {}): Promise<ImportResult> {
  const { drivingSide, horizon } = checkOptions(options);
  const warnings: ImportWarning[] = [];
  const read: string[] = [];
  let roadnetDoc: JsonDocument;
  let flowDoc: JsonDocument | undefined;
  let step = options.interval;

  if (typeof files === 'string') {
    const first = await readJsonDocument(files, 'CityFlow');
    read.push(files);
    const kind = kindOf(first.data);
    if (kind === 'config') {
      const r: Reader = new Reader(first);
      const config = r.object(first.data, []);
      const dir = config.dir === undefined ? '' : typeof config.dir === 'string' ? config.dir : r.fail(['dir'], `expected a directory (a string), found ${JSON.stringify(config.dir)}`);
      const roadnetFile = locateConfigFile(first, 'roadnetFile', dir, r.string(r.field(config, 'roadnetFile', []), ['roadnetFile'], 'the roadnet file name'));
      const flowName = config.flowFile === undefined ? undefined : r.string(config.flowFile, ['flowFile'], 'the flow file name');
      if (config.interval !== undefined) {
        const interval = r.positive(config.interval, ['interval'], 'the simulation step in seconds');
        if (interval < 0.01 || interval > 3600) r.fail(['interval'], `expected the simulation step in seconds, in [0.01, 3600], found ${interval}`);
        step ??= interval;
      }
      if (config.rlTrafficLight === true) {
        warnings.push({ where: first.where(['rlTrafficLight']), message: 'rlTrafficLight is true (an agent sets the phases in CityFlow): the light phases are imported as the fixed-time programs they describe' });
      }
      roadnetDoc = await readJsonDocument(roadnetFile, 'CityFlow roadnet');
      read.push(roadnetFile);
      if (flowName !== undefined) {
        const flowFile = locateConfigFile(first, 'flowFile', dir, flowName);
        flowDoc = await readJsonDocument(flowFile, 'CityFlow flow');
        read.push(flowFile);
      }
    } else if (kind === 'roadnet') {
      roadnetDoc = first;
    } else {
      throw first.error([], `expected a CityFlow config.json (with "roadnetFile") or roadnet.json (with "intersections" and "roads"), found ${kind === 'flow' ? 'a flow file (an array): give the roadnet or the config, then the flow file' : 'neither'}`);
    }
  } else {
    if (typeof files !== 'object' || files === null || typeof files.roadnet !== 'string') {
      throw new UsageError('importCityflow(files): files must be a config.json or roadnet.json path, or { roadnet, flow? } paths');
    }
    roadnetDoc = await readJsonDocument(files.roadnet, 'CityFlow roadnet');
    read.push(files.roadnet);
    if (files.flow !== undefined) {
      flowDoc = await readJsonDocument(files.flow, 'CityFlow flow');
      read.push(files.flow);
    }
  }
  expectKind(roadnetDoc, 'roadnet', 'roadnet');
  if (flowDoc) expectKind(flowDoc, 'flow', 'flow file');
  const dt = step ?? 1;
  if (drivingSide === 'left') {
    warnings.push({ where: roadnetDoc.file, message: 'CityFlow lays lanes out for right-hand traffic; imported as left-hand as asked (lane 0 is still the outermost CityFlow lane)' });
  }

  // The vehicles give the links their jam spacing (length + minGap), when they agree.
  const entries: CityflowFlowEntry[] = flowDoc ? readFlowEntries(flowDoc) : [];
  let jamSpacing: number | undefined;
  if (entries.length > 0) {
    const spacings = new Set(entries.map((e) => e.spacing));
    const mean = entries.reduce((sum, e) => sum + e.spacing, 0) / entries.length;
    jamSpacing = spacings.size === 1 ? entries[0].spacing : mean;
    const problem = limitProblem(jamSpacing, LIMITS.jamSpacingM);
    if (problem !== undefined) {
      // Refused at the vehicle that pulls the spacing out of range: the longest when too long, the shortest when too short.
      const sorted = [...entries].sort((a, b) => a.spacing - b.spacing);
      const culprit = jamSpacing > LIMITS.jamSpacingM.max ? sorted[sorted.length - 1] : sorted[0];
      throw flowDoc!.error([culprit.index, 'vehicle'], `length + minGap of ${culprit.spacing} m: the jam spacing (m) of the links (the vehicles' length + minGap${spacings.size > 1 ? ', their mean' : ''}) ${problem}`);
    }
    if (spacings.size > 1) {
      warnings.push({ where: flowDoc!.file, message: `vehicles differ in length + minGap (${[...spacings].slice(0, 5).join(', ')} m): every link uses their mean, ${mean.toFixed(2)} m, as its jam spacing` });
    }
  }

  // ... and the saturation flow of every lane, from CityFlow's car-following rule.
  const saturationFlow = cityflowSaturationFlow(entries, dt, horizon);
  const vehicle = cityflowVehicleModel(entries, dt, horizon);
  const roadnet = readRoadnet(roadnetDoc, {
    drivingSide,
    ...(jamSpacing === undefined ? {} : { jamSpacing }),
    ...(saturationFlow === undefined ? {} : { saturationFlow }),
  }, warnings);
  let demand = {};
  const counts = [...roadnet.counts];
  if (flowDoc) {
    checkFlowRoutes(flowDoc, entries, roadnet.roads);
    const flows = flowDemand(flowDoc, entries, roadnet.next, roadnet.roads, dt, horizon, warnings);
    demand = flows.demand;
    counts.push(...flows.counts);
  }
  if (jamSpacing !== undefined) counts.push({ label: 'jam spacing from the vehicles (length + minGap), m', count: jamSpacing });
  if (saturationFlow !== undefined) counts.push({ label: 'saturation flow from the vehicles (1 / (headwayTime + (length + minGap) / maxSpeed)), veh/h per lane', count: Math.round(saturationFlow * 36000) / 10 });
  counts.push({ label: 'horizon, s', count: horizon });
  const result: ImportResult = {
    format: 'cityflow',
    files: read,
    network: roadnet.network,
    programs: roadnet.programs,
    demand,
    ...(vehicle === undefined ? {} : { vehicle }),
    simulation: { start: 0, end: horizon },
    counts,
    warnings,
    signalIndex: roadnet.signalIndex,
  };
  checkImportRanges(result, (kind, id) => {
    const at = (list: string, key: string): string => {
      const items = (roadnetDoc.data as Record<string, unknown>)[list];
      const i = Array.isArray(items) ? items.findIndex((x) => (x as { id?: unknown } | null)?.id === id) : -1;
      return i < 0 ? roadnetDoc.file : roadnetDoc.where(key === '' ? [list, i] : [list, i, key]);
    };
    switch (kind) {
      case 'junction': return at('intersections', '');
      case 'link': return at('roads', '');
      case 'program': return at('intersections', 'trafficLight');
      case 'trip':
      case 'flow': {
        const index = /^flow_(\d+)/.exec(id)?.[1];
        return flowDoc === undefined ? undefined : index === undefined ? flowDoc.file : flowDoc.where([Number(index)]);
      }
      default: return undefined;
    }
  });
  return result;
}

/**
 * One run of the city benchmark's pipeline on Chicago Sketch (bench/city.ts):
 * import the TNTP files, compile, expand the demand, route, simulate, each
 * phase timed in CPU and wall time with the resident memory after it, then the
 * link volumes compared with the published equilibrium flows. Also the script
 * a full run starts once per case, so that each case's peak memory is its own:
 *
 *   node --import tsx bench/city-case.ts --name signals --signals default --out case.json
 *
 * The data is not part of the project: it is read from ../shared/data/tntp
 * beside the project (or $GREENWAVE_SHARED_DATA/tntp).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { createRandom, expandDemand, scaleDemand, type TripTable } from '../engine/demand/index.js';
import { importTntp, readTntpFlows } from '../engine/io/index.js';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { createRouter } from '../engine/routing/index.js';
import { simulate } from '../engine/sim/index.js';
import { pearson } from '../engine/report/stats.js';
import { writeJson } from './harness.js';

/** The phases of the pipeline, in order. */
export const CITY_PHASES = ['import', 'compile', 'demand', 'route', 'simulate'] as const;

/** A phase of the pipeline. */
export type CityPhase = (typeof CITY_PHASES)[number];

/** Signal control of a case: the importer's default fixed-time programs, or none. */
export type CitySignals = 'default' | 'none';

/** What one run of the pipeline measured. */
export interface CityCase {
  name: string;
  signals: CitySignals;
  /** Share of the published trip table simulated, 0-1. */
  demandShare: number;
  /** Trips expanded from the demand. */
  trips: number;
  arrived: number;
  /** Trips still travelling or waiting to depart at the end of the run. */
  unfinished: number;
  unroutable: number;
  /** Whether the run was stopped by the gridlock watch. */
  gridlock: boolean;
  /** Simulated horizon, s. */
  endS: number;
  meanTravelTimeS: number;
  meanDelayS: number;
  /** CPU time per phase and in all, s. */
  cpuS: Record<CityPhase | 'total', number>;
  /** Wall time per phase and in all, s. */
  wallS: Record<CityPhase | 'total', number>;
  /** Resident memory after each phase, MiB. */
  rssMiB: Record<CityPhase, number>;
  /** Peak resident memory of the process so far, MiB. */
  peakRssMiB: number;
  /** Simulation state per vehicle, bytes. */
  bytesPerVehicle: number;
  linksPerRoute: number;
  /** Vehicle-link traversals (vehicles entering a link), summed over links. */
  traversals: number;
  /**
   * Link volumes against the published user-equilibrium flows: Pearson's r over
   * links, the same without zone connectors, and simulated total / (share x
   * published total). Null without the flow file.
   */
  flows: { links: number; pearson: number; pearsonNoConnectors: number; totalRatio: number } | null;
}

/** The project's root: the nearest folder above this file with a package.json (bench/ from source, dist/bench/ compiled). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Where the Chicago Sketch files are looked for, in order. */
export function chicagoCandidates(): string[] {
  const roots = process.env.GREENWAVE_SHARED_DATA
    ? [path.resolve(process.env.GREENWAVE_SHARED_DATA)]
    : [...new Set([path.resolve(projectRoot(), '..', 'shared', 'data'), path.resolve(process.cwd(), '..', 'shared', 'data')])];
  return roots.map((root) => path.join(root, 'tntp', 'Chicago-Sketch'));
}

/** The Chicago Sketch folder (holding ChicagoSketch_net.tntp), or undefined when the shared data is absent. */
export function chicagoFolder(): string | undefined {
  return chicagoCandidates().find((folder) => existsSync(path.join(folder, 'ChicagoSketch_net.tntp')));
}


/** Give each trip its batch-routed links (free-flow times, one search per origin). */
function routeTrips(net: CompiledNetwork, trips: TripTable): void {
  const routes = createRouter(net).routeBatch(trips.origin, trips.destination);
  const { offsets, links } = routes;
  for (let i = 0; i < trips.count; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    trips.originLink[i] = b > a ? links[a] : -1;
    trips.destinationLink[i] = b > a ? links[b - 1] : -1;
  }
  trips.routeOffsets = offsets;
  trips.routeLinks = links;
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Run the whole pipeline once on the Chicago Sketch files in `folder` with
 * `demandShare` of the trip table (seed 1 throughout). `say` receives a line per
 * phase and simulation progress; pass nothing for a quiet run.
 */
export async function runCityCase(folder: string, name: string, signals: CitySignals, demandShare: number, say?: (line: string) => void): Promise<CityCase> {
  const cpuS = { import: 0, compile: 0, demand: 0, route: 0, simulate: 0, total: 0 };
  const wallS = { ...cpuS };
  const rssMiB = { import: 0, compile: 0, demand: 0, route: 0, simulate: 0 };
  let c0 = cpuNowMs();
  let w0 = performance.now();
  const lap = (phase: CityPhase): void => {
    const c = cpuNowMs();
    const w = performance.now();
    cpuS[phase] = (c - c0) / 1000;
    wallS[phase] = (w - w0) / 1000;
    rssMiB[phase] = process.memoryUsage().rss / 2 ** 20;
    c0 = c;
    w0 = w;
    say?.(`${name}: ${phase.padEnd(8)} ${cpuS[phase].toFixed(2)} s CPU, ${wallS[phase].toFixed(2)} s wall, RSS ${rssMiB[phase].toFixed(0)} MiB`);
  };

  const imported = await importTntp(path.join(folder, 'ChicagoSketch_net.tntp'), { signals });
  lap('import');
  const net = compile(imported.network, { shared: false });
  lap('compile');
  const spec = demandShare === 1 ? imported.demand : scaleDemand(imported.demand, demandShare);
  const trips = expandDemand(net, spec, createRandom(1).fork('demand'));
  lap('demand');
  routeTrips(net, trips);
  lap('route');
  const end = imported.simulation?.end ?? 4 * 3600;
  say?.(`${name}: simulating ${trips.count.toLocaleString('en')} trips to ${end} s`);
  let next = 0.1;
  const result = simulate(net, trips, {}, {
    end,
    seed: 1,
    routingInterval: Infinity,
    progress: say === undefined ? undefined : (time, last) => {
      if (time / last >= next) {
        say(`${name}: t = ${time.toFixed(0)} s`);
        next += 0.1;
      }
    },
  });
  lap('simulate');
  for (const k of CITY_PHASES) {
    cpuS.total += cpuS[k];
    wallS.total += wallS[k];
  }

  let traversals = 0;
  for (let l = 0; l < net.linkCount; l++) traversals += result.links.entered[l];
  let flows: CityCase['flows'] = null;
  const flowFile = path.join(folder, 'ChicagoSketch_flow.tntp');
  if (existsSync(flowFile)) {
    const published = await readTntpFlows(flowFile);
    const zones = new Set(imported.demand.od?.[0]?.zones ?? []);
    const sim: number[] = [];
    const ue: number[] = [];
    const simArterial: number[] = [];
    const ueArterial: number[] = [];
    for (let i = 0; i < published.from.length; i++) {
      const l = net.linkIndex(`${published.from[i]}-${published.to[i]}`);
      if (l < 0) continue;
      sim.push(result.links.entered[l]);
      ue.push(published.volume[i]);
      if (!zones.has(String(published.from[i])) && !zones.has(String(published.to[i]))) {
        simArterial.push(result.links.entered[l]);
        ueArterial.push(published.volume[i]);
      }
    }
    const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);
    flows = { links: sim.length, pearson: pearson(sim, ue), pearsonNoConnectors: pearson(simArterial, ueArterial), totalRatio: sum(sim) / (demandShare * sum(ue)) };
  }
  return {
    name,
    signals,
    demandShare,
    trips: trips.count,
    arrived: result.network.arrived,
    unfinished: result.network.unfinished,
    unroutable: result.network.unroutable,
    gridlock: result.gridlock !== undefined,
    endS: end,
    meanTravelTimeS: result.network.meanTravelTime,
    meanDelayS: result.network.meanDelay,
    cpuS,
    wallS,
    rssMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    bytesPerVehicle: result.bytesPerVehicle,
    linksPerRoute: trips.routeLinks.length / Math.max(1, trips.count),
    traversals,
    flows,
  };
}

/**
 * Run the whole demand of one case in a fresh process (so its peak memory is
 * its own) and resolve to what it measured. Each progress line of the child
 * goes to `say` as it comes.
 */
export async function runCityCaseInChild(name: string, signals: CitySignals, say: (line: string) => void): Promise<CityCase> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./city-case.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'greenwave-city-'));
  const out = path.join(dir, 'case.json');
  try {
    const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), entry, '--name', name, '--signals', signals, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        say(line);
        tail.push(line);
        if (tail.length > 5) tail.shift();
      }
    });
    const code = await new Promise<number | string>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown'));
    });
    if (partial.trim() !== '') tail.push(partial);
    if (code !== 0 || !existsSync(out)) throw new Error(`Chicago Sketch case ${name} failed in its process (exit ${code}): ${tail.slice(-3).join(' / ')}`);
    return JSON.parse(readFileSync(out, 'utf8')) as CityCase;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The child of a full run: one case at full demand, its result written to --out.
if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { name: { type: 'string' }, signals: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const folder = chicagoFolder();
  if (folder === undefined) throw new Error(`Chicago Sketch TNTP files not found (looked in ${chicagoCandidates().join(', ')})`);
  if (values.name === undefined || values.out === undefined || (values.signals !== 'default' && values.signals !== 'none')) {
    throw new Error('usage: city-case --name NAME --signals default|none --out FILE');
  }
  const result = await runCityCase(folder, values.name, values.signals, 1, (line) => { process.stderr.write(`${line}\n`); });
  writeJson(values.out, result);
}

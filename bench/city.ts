/**
 * City-scale benchmark: Chicago Sketch (933 nodes, 2,950 links, 387 zones) read
 * from its TNTP files, its 1.26 M-trip table spread over a 3-hour profile (1.14 M
 * trips once the 9.8% intrazonal ones are dropped), every vehicle simulated
 * singly, single-threaded: what it takes end to end, where the time goes, peak
 * memory and simulation-state bytes per vehicle.
 *
 *   npm run bench:city              both cases, each in its own process; bench/results/city.json
 *   npm run bench:city -- --ci      gate: a 10% sample, interleaved with a reference workload
 *
 * The data is not part of the project: it is read from ../shared/data/tntp
 * (or $GREENWAVE_SHARED_DATA/tntp); without it the benchmark says so and skips.
 *
 * Pipeline (each phase timed in CPU and wall time): import (engine/io/tntp, see
 * its header for every mapping choice), compile, demand (OD expansion, Poisson
 * departures, seed 1), route (one batch search per origin on free-flow times),
 * simulate (the kernel, fixed-time signals, no re-routing). Cases:
 *  - `signals`: every junction where at least 3 meet has the default fixed-time
 *    program (the setting);
 *  - `no-signals`: every junction uncontrolled, as in UXsim's published run.
 * Peer (recorded on this machine, not in-process): UXsim 1.14 C++ mode, same
 * TNTP files, no signals, platoons of 5 vehicles (1.03 M), 20.6-25 s, 6.4 GB.
 *
 * Link volumes are compared with the published user-equilibrium flows
 * (`ChicagoSketch_flow.tntp`) only as far as a dynamic model allows: routes
 * here are free-flow shortest paths (no equilibrium), and vehicles still on the
 * road at the end are not counted, so the comparison is a correlation
 * (Pearson's r over links) and a ratio of totals, not a match.
 *
 * CI mode: the pipeline at 10% of the demand (signals case) and a reference
 * workload (graphology-shortest-path's `singleSource` x16 on a fixed 100x100 grid,
 * a frozen dependency) timed alternately in this process, in CPU time; the gate
 * is the median per-round ratio city / reference against a ceiling of about
 * twice its measured value, so a busy machine, which slows both, cannot fail
 * it. Bytes of simulation state per vehicle are gated at 200 (not a time).
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DirectedGraph } from 'graphology';
import { singleSource } from 'graphology-shortest-path/dijkstra.js';
import { createRandom, expandDemand, scaleDemand, type TripTable } from '../engine/demand/index.js';
import { importTntp, readTntpFlows } from '../engine/io/index.js';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRouter } from '../engine/routing/index.js';
import { simulate } from '../engine/sim/index.js';
import { machine, ms, seededRandom, sink, table, writeJson } from './harness.js';
import { cpuMs, interleaved } from './interleave.js';

/** Default place of the JSON results. */
export const DEFAULT_OUT = 'bench/results/city.json';

/** Recorded peer: UXsim 1.14 C++ mode on this machine, Chicago Sketch, platoons of 5 (issue 25). */
const UXSIM = { seconds: 20.6, gigabytes: 6.4, vehicles: 1.03e6, platoon: 5 };
/** Targets of the issue. */
const TARGETS = { totalS: 20, peakMiB: 1024, bytesPerVehicle: 200 };
/**
 * CI ceiling on CPU time of the 10% pipeline / CPU time of the reference workload.
 * Measured 2.99 (median of 5 rounds, spread 36%; 2026-12-06, 2-core Xeon, load 16-19); the ceiling is about twice that.
 */
const CI_CEILING = 6;
/** Demand share of the CI sample. */
const CI_SHARE = 0.1;

/** Options of {@link runCityBenchmark}. */
export interface BenchmarkOptions {
  ci: boolean;
  out: string;
}

/** What one case measured. */
export interface CityCase {
  name: string;
  signals: 'default' | 'none';
  demandShare: number;
  trips: number;
  arrived: number;
  unfinished: number;
  unroutable: number;
  gridlock: boolean;
  meanTravelTimeS: number;
  meanDelayS: number;
  /** CPU seconds per phase. */
  cpuS: Record<'import' | 'compile' | 'demand' | 'route' | 'simulate' | 'total', number>;
  /** Wall seconds per phase. */
  wallS: Record<'import' | 'compile' | 'demand' | 'route' | 'simulate' | 'total', number>;
  /** Resident memory after each phase and at its peak, MiB. */
  rssMiB: Record<'import' | 'compile' | 'demand' | 'route' | 'simulate', number>;
  peakRssMiB: number;
  bytesPerVehicle: number;
  linksPerRoute: number;
  traversals: number;
  /** Comparison with the published equilibrium link flows (null without the flow file). */
  flows: { links: number; pearson: number; pearsonNoConnectors: number; totalRatio: number } | null;
}

/** The Chicago Sketch folder, or undefined when the shared data is absent. */
export function chicagoFolder(): string | undefined {
  const roots = process.env.GREENWAVE_SHARED_DATA
    ? [path.resolve(process.env.GREENWAVE_SHARED_DATA)]
    : [path.resolve(process.cwd(), '..', 'shared', 'data'), path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data')];
  for (const root of roots) {
    const folder = path.join(root, 'tntp', 'Chicago-Sketch');
    if (existsSync(path.join(folder, 'ChicagoSketch_net.tntp'))) return folder;
  }
  return undefined;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Give each trip its batch-routed links (routes on free-flow times, one search per origin). */
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

/** Run the whole pipeline once. */
export async function runCase(folder: string, name: string, signals: 'default' | 'none', demandShare: number, quiet = false): Promise<CityCase> {
  const say = quiet ? () => {} : log;
  const mib = (): number => process.memoryUsage().rss / 2 ** 20;
  const cpuS = { import: 0, compile: 0, demand: 0, route: 0, simulate: 0, total: 0 };
  const wallS = { ...cpuS };
  const rssMiB = { import: 0, compile: 0, demand: 0, route: 0, simulate: 0 };
  let c0 = cpuMs();
  let w0 = performance.now();
  const lap = (phase: keyof typeof rssMiB): void => {
    const c = cpuMs();
    const w = performance.now();
    cpuS[phase] = (c - c0) / 1000;
    wallS[phase] = (w - w0) / 1000;
    rssMiB[phase] = mib();
    c0 = c;
    w0 = w;
    say(`  ${phase.padEnd(8)} ${cpuS[phase].toFixed(2)} s CPU, ${wallS[phase].toFixed(2)} s wall, RSS ${rssMiB[phase].toFixed(0)} MiB`);
  };

  say(`${name}: import ...`);
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
  say(`  simulating ${trips.count.toLocaleString('en')} trips to ${end} s ...`);
  let next = 0.1;
  const result = simulate(net, trips, {}, {
    end,
    seed: 1,
    routingInterval: Infinity,
    progress: quiet ? undefined : (time, last) => {
      if (time / last >= next) {
        process.stderr.write(`    t = ${time.toFixed(0)} s\n`);
        next += 0.1;
      }
    },
  });
  lap('simulate');
  cpuS.total = cpuS.import + cpuS.compile + cpuS.demand + cpuS.route + cpuS.simulate;
  wallS.total = wallS.import + wallS.compile + wallS.demand + wallS.route + wallS.simulate;

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

/** Run one case in a fresh process (so its peak memory is its own) and read its result. */
function runChild(name: string, signals: 'default' | 'none'): CityCase {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'greenwave-city-'));
  const out = path.join(dir, 'case.json');
  try {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--case', name, '--signals', signals, '--case-out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0 || !existsSync(out)) throw new Error(`benchmark case ${name} failed (exit ${child.status ?? child.signal})`);
    return JSON.parse(readFileSync(out, 'utf8')) as CityCase;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function commit(): string | null {
  try {
    return execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

/** The reference workload of CI mode: `singleSource` from 16 fixed origins on a 100x100 grid (about half the CI city run). */
function referenceWorkload(): () => number {
  const net = compile(grid(100, 100, { spacing: 100 }));
  const rnd = seededRandom(3);
  const g = new DirectedGraph();
  for (let j = 0; j < net.junctionCount; j++) g.addNode(String(j));
  for (let l = 0; l < net.linkCount; l++) g.addEdge(String(net.linkFrom[l]), String(net.linkTo[l]), { weight: net.linkFreeFlowTime[l] * (1 + 0.5 * rnd()) });
  const origins = Array.from({ length: 16 }, (_, i) => (i * 619 + 17) % net.junctionCount);
  return () => {
    let s = 0;
    for (const o of origins) s += Object.keys(singleSource(g, String(o), 'weight')).length;
    return s;
  };
}

/** Run the city benchmark. Resolves to the exit code: 1 when a CI gate fails. */
export async function runCityBenchmark(options: BenchmarkOptions): Promise<number> {
  const info = machine();
  const base = { benchmark: 'city', mode: options.ci ? 'ci' : 'full', commit: commit(), node: info.node, cpu: info.cpu, loadavg: os.loadavg(), machine: info };
  const folder = chicagoFolder();
  if (folder === undefined) {
    const message = 'city benchmark skipped: Chicago Sketch TNTP files not found (looked for ../shared/data/tntp/Chicago-Sketch/ChicagoSketch_net.tntp beside the project, or under $GREENWAVE_SHARED_DATA)';
    console.log(message);
    writeJson(options.out, { ...base, verdict: 'skipped', failures: [], message, cases: [] });
    return 0;
  }
  const failures: string[] = [];

  if (options.ci) {
    log(`CI: Chicago Sketch at ${CI_SHARE * 100}% demand vs the reference workload, interleaved, CPU time ...`);
    const reference = referenceWorkload();
    let last: CityCase | undefined;
    const rounds = 5;
    const t = await interleaved(
      { run: reference, ops: 1 },
      { run: async () => { last = await runCase(folder, 'ci', 'default', CI_SHARE, true); return last.arrived; }, ops: 1 },
      rounds,
      1,
      (r, s) => log(`  round ${r}/${rounds}: reference ${ms(s.aMs)}, city ${ms(s.bMs)} CPU, ratio ${(s.bMs / s.aMs).toFixed(2)}`),
    );
    const c = last!;
    if (t.ratio > CI_CEILING) failures.push(`city pipeline at ${CI_SHARE * 100}% demand costs ${t.ratio.toFixed(2)} reference workloads > ceiling ${CI_CEILING}`);
    if (c.bytesPerVehicle > TARGETS.bytesPerVehicle) failures.push(`simulation state ${c.bytesPerVehicle.toFixed(0)} B/vehicle > ${TARGETS.bytesPerVehicle}`);
    console.log(`\ngreenwave city benchmark (CI mode) — ${info.cpu}, ${info.cores} cores, Node ${info.node}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log(table([
      ['case', 'trips', 'arrived', 'city CPU', 'reference CPU', 'ratio (median)', 'spread', 'ceiling', 'B/vehicle'],
      [`Chicago Sketch ${CI_SHARE * 100}%, signals`, String(c.trips), String(c.arrived), ms(t.bMedianMs), ms(t.aMedianMs), t.ratio.toFixed(2), `${(t.spread * 100).toFixed(0)}%`, `${CI_CEILING} ${t.ratio <= CI_CEILING ? 'ok' : 'FAIL'}`, c.bytesPerVehicle.toFixed(0)],
    ]));
    writeJson(options.out, {
      ...base,
      verdict: failures.length === 0 ? 'pass' : 'fail',
      failures,
      cases: [{ ...c, reference: 'graphology singleSource x16, 100x100 grid', referenceMs: t.aMs, cityMs: t.bMs, ratios: t.ratios, ratio: t.ratio, spread: t.spread, ceiling: CI_CEILING }],
      sink: sink.value,
    });
  } else {
    const cases = [runChild('signals', 'default'), runChild('no-signals', 'none')];
    const rows = [['case', 'trips', 'arrived', 'unfinished', 'import', 'demand', 'route', 'simulate', 'total CPU', 'total wall', 'peak RSS', 'B/vehicle', 'r (UE flows)', 'vs UXsim']];
    for (const c of cases) {
      rows.push([
        `Chicago Sketch, ${c.name}`,
        c.trips.toLocaleString('en'),
        c.arrived.toLocaleString('en'),
        `${c.unfinished.toLocaleString('en')}${c.gridlock ? ' (gridlock)' : ''}`,
        `${c.cpuS.import.toFixed(2)} s`,
        `${c.cpuS.demand.toFixed(2)} s`,
        `${c.cpuS.route.toFixed(2)} s`,
        `${c.cpuS.simulate.toFixed(2)} s`,
        `${c.cpuS.total.toFixed(2)} s`,
        `${c.wallS.total.toFixed(2)} s`,
        `${c.peakRssMiB.toFixed(0)} MiB`,
        c.bytesPerVehicle.toFixed(0),
        c.flows === null ? '-' : `${c.flows.pearson.toFixed(2)} (${c.flows.pearsonNoConnectors.toFixed(2)})`,
        `${(UXSIM.seconds / c.cpuS.total).toFixed(2)}x`,
      ]);
      if (c.cpuS.total > TARGETS.totalS) failures.push(`${c.name}: ${c.cpuS.total.toFixed(1)} s CPU > target ${TARGETS.totalS} s`);
      if (c.peakRssMiB > TARGETS.peakMiB) failures.push(`${c.name}: peak RSS ${c.peakRssMiB.toFixed(0)} MiB > target ${TARGETS.peakMiB} MiB`);
      if (c.bytesPerVehicle > TARGETS.bytesPerVehicle) failures.push(`${c.name}: ${c.bytesPerVehicle.toFixed(0)} B/vehicle > target ${TARGETS.bytesPerVehicle}`);
    }
    console.log(`\ngreenwave city benchmark (full mode) — ${info.cpu}, ${info.cores} cores, Node ${info.node}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log(table(rows));
    console.log(`\nunfinished = trips still travelling or waiting to depart at the end of the run (4 h); r = Pearson correlation of link volumes with the published user-equilibrium flows (connectors excluded in brackets).`);
    console.log(`UXsim 1.14 C++ (recorded, no signals, platoons of ${UXSIM.platoon}, ${UXSIM.vehicles / 1e6} M vehicles): ${UXSIM.seconds} s, ${UXSIM.gigabytes} GB. Targets: < ${TARGETS.totalS} s, < ${TARGETS.peakMiB} MiB, < ${TARGETS.bytesPerVehicle} B/vehicle.`);
    if (failures.length > 0) console.log(`targets not met: ${failures.join('; ')}`);
    writeJson(options.out, { ...base, verdict: failures.length === 0 ? 'pass' : 'fail', failures, peer: UXSIM, targets: TARGETS, cases });
  }
  console.log(`\nresults written to ${options.out}`);
  if (options.ci && failures.length > 0) {
    console.error(`city benchmark FAILED: ${failures.join('; ')}`);
    return 1;
  }
  return 0;
}

// Run as a script: tsx bench/city.ts [--ci] [--out file]   (--case is the child of a full run)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      ci: { type: 'boolean', default: false },
      out: { type: 'string' },
      case: { type: 'string' },
      signals: { type: 'string' },
      'case-out': { type: 'string' },
    },
  });
  if (values.case !== undefined) {
    const folder = chicagoFolder();
    if (folder === undefined || values['case-out'] === undefined) throw new Error('--case needs the shared data and --case-out');
    const result = await runCase(folder, values.case, values.signals === 'none' ? 'none' : 'default', 1);
    writeJson(values['case-out'], result);
  } else {
    process.exitCode = await runCityBenchmark({ ci: values.ci === true, out: values.out ?? DEFAULT_OUT });
  }
}

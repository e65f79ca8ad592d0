/**
 * The SUMO importer against SUMO's own results on shared data (../shared/data,
 * never committed; every block skips with the missing path named).
 *
 * sumo-grid10 (README and reference.jsonl there; SUMO 1.15 microscopic model):
 * - all 100 signals and 9,000 vehicles are imported, each vehicle with its route;
 * - route lengths: sum of imported link lengths vs SUMO's mean routeLength
 *   (micro 1627.2 m: edges plus internal lanes; with `junctionCrossing: false`,
 *   edges only, SUMO meso's 1502.6 m) within 1%;
 * - SUMO's default programs, simulated by greenwave: mean travel time within 15%
 *   of micro-default (229.6 s);
 * - webster.add.xml re-timing: greenwave's improvement ratio within 0.05 of
 *   SUMO's (165.1 / 229.6 = 0.719) and its mean within 15% of micro-webster;
 * - exporting the imported programs with tlLogicXml reproduces the network's
 *   phases exactly, and (with `sumo` on PATH) SUMO runs the re-exported Webster
 *   plan to the same result as the original file.
 * greenwave runs with the import's `sharedLanes` (on: head-of-line blocking in
 * SUMO's through-and-left lanes) and `arriveAtStopLine` (on: trips end behind the
 * queue at their last link's end, SUMO's arrivalPos "max"), as a scenario of the
 * import does.
 * RESCO grid4x4: imports from its .sumocfg and runs to the end with every vehicle
 * accounted for (arrived + unfinished = trips).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/network/index.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { importSumo, importSumoAdditional, replacePrograms, tlLogicXml } from '../../../engine/io/sumo/index.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const DATA = SHARED_DATA;
const GRID = path.join(DATA, 'sumo-grid10');
const RESCO = path.join(DATA, 'resco', 'grid4x4');
const HAS_GRID = existsSync(path.join(GRID, 'net.net.xml'));
const HAS_RESCO = existsSync(path.join(RESCO, 'grid4x4.sumocfg'));


interface Reference { case: string; arrived: number; meanDuration: number; meanRouteLength: number }
function reference(name: string): Reference {
  const rows = readFileSync(path.join(GRID, 'reference.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Reference);
  return rows.find((r) => r.case === name)!;
}

describe.skipIf(!HAS_GRID)(`sumo-grid10 against SUMO 1.15 (needs ${GRID})`, async () => {
  if (!HAS_GRID) return; // vitest still runs a skipped suite's body to collect its tests
  const r = await importSumo({ net: path.join(GRID, 'net.net.xml'), routes: [path.join(GRID, 'routes.rou.xml')] });
  const net = compile(r.network);
  const trips = expandDemand(net, r.demand, createRandom(1).fork('demand'));
  const routeLength = (network: typeof r.network) => {
    let total = 0;
    for (const t of r.demand.trips!) for (const l of t.route!) total += network.link(l).length;
    return total / r.demand.trips!.length;
  };

  it('imports all 100 signals with programs and all 9,000 vehicles with their routes', () => {
    expect(r.counts).toContainEqual({ label: 'signalised junctions', count: 100 });
    expect(r.programs).toHaveLength(100);
    expect(r.demand.trips).toHaveLength(9000);
    expect(r.demand.trips!.every((t) => t.route !== undefined && t.route.length > 0)).toBe(true);
    expect(trips.count).toBe(9000);
    expect(r.warnings).toEqual([]);
  });

  it('route lengths match SUMO\'s within 1% (micro: edges + junction crossings; meso: edges)', async () => {
    const micro = reference('micro-default').meanRouteLength;
    expect(Math.abs(routeLength(r.network) - micro) / micro).toBeLessThan(0.01);
    const plain = await importSumo({ net: path.join(GRID, 'net.net.xml') }, { junctionCrossing: false });
    const meso = reference('meso-default').meanRouteLength;
    expect(Math.abs(routeLength(plain.network) - meso) / meso).toBeLessThan(0.001);
  });

  it('reproduces the network\'s tlLogic phases exactly when exported', () => {
    const phases = (xml: string) => [...xml.matchAll(/<phase duration="(\d+)"\s+state="([^"]+)"/g)].map((m) => `${Number(m[1])} ${m[2]}`);
    const original = phases(readFileSync(path.join(GRID, 'net.net.xml'), 'utf8'));
    expect(original).toHaveLength(400);
    expect(phases(tlLogicXml(r.programs, r.network, r.signalIndex))).toEqual(original);
  });

  it('simulates SUMO\'s default programs within 15% of SUMO\'s mean travel time, and Webster\'s re-timing gains as in SUMO', async () => {
    const base = simulate(net, trips, { programs: r.programs }, { end: 7200, seed: 1, vehicle: r.vehicle, sharedLanes: r.sharedLanes, arriveAtStopLine: r.arriveAtStopLine }).network;
    const add = await importSumoAdditional(path.join(GRID, 'webster.add.xml'), r);
    expect(add.programs).toHaveLength(100);
    const webster = simulate(net, trips, { programs: replacePrograms(r.programs, add.programs) }, { end: 7200, seed: 1, vehicle: r.vehicle, sharedLanes: r.sharedLanes, arriveAtStopLine: r.arriveAtStopLine }).network;
    const sumoDefault = reference('micro-default').meanDuration;
    const sumoWebster = reference('micro-webster').meanDuration;
    console.info(`sumo-grid10 mean travel time: default ${base.meanTravelTime.toFixed(1)} s (SUMO ${sumoDefault}), webster ${webster.meanTravelTime.toFixed(1)} s (SUMO ${sumoWebster}); ratio ${(webster.meanTravelTime / base.meanTravelTime).toFixed(3)} (SUMO ${(sumoWebster / sumoDefault).toFixed(3)})`);
    expect(base.arrived).toBe(9000);
    expect(webster.arrived).toBe(9000);
    expect(Math.abs(base.meanTravelTime - sumoDefault) / sumoDefault).toBeLessThan(0.15);
    expect(Math.abs(webster.meanTravelTime - sumoWebster) / sumoWebster).toBeLessThan(0.15);
    expect(Math.abs(webster.meanTravelTime / base.meanTravelTime - sumoWebster / sumoDefault)).toBeLessThan(0.05);
  });

  it('reads SUMO\'s actuated programs as actuated control with min/max green and SUMO\'s default settings', async () => {
    const actuated = await importSumo(path.join(GRID, 'net-actuated.net.xml'));
    expect(actuated.programs).toHaveLength(100);
    const program = actuated.programs.find((p) => p.junction === 'B1')!;
    expect(program.control).toEqual({ kind: 'actuated', gap: 3, detectorGap: 2, passingTime: 1.9 });
    expect(program.phases[0]).toMatchObject({ minGreen: 5, maxGreen: 50 });
  });

  // Targets of issue 16 against SUMO 1.15 micro on the same files (reference.jsonl: mean
  // duration and timeLoss of tripinfo; stops per trip = mean tripinfo waitingCount of the
  // same runs: 3.22 default, 2.40 Webster, 2.92 actuated). greenwave: SUMO's vehicle class
  // (start-up and stop losses), the halt rule as the stop definition, 10,800 s horizon.
  const SUMO_STOPS: Record<string, number> = { 'micro-default': 3.22, 'micro-webster': 2.40, 'micro-actuated': 2.92 };
  const within = (name: string, n: { meanTravelTime: number; meanDelay: number; meanStops: number; arrived: number }, delayTolerance = 0.10) => {
    const ref = JSON.parse(readFileSync(path.join(GRID, 'reference.jsonl'), 'utf8').trim().split('\n').find((l) => l.includes(`"${name}"`))!) as { meanDuration: number; meanTimeLoss: number };
    console.info(`sumo-grid10 ${name}: travel time ${n.meanTravelTime.toFixed(1)} s (SUMO ${ref.meanDuration}), delay ${n.meanDelay.toFixed(1)} s (timeLoss ${ref.meanTimeLoss}), stops ${n.meanStops.toFixed(2)} (SUMO ${SUMO_STOPS[name]})`);
    expect(n.arrived).toBe(9000);
    expect(Math.abs(n.meanTravelTime - ref.meanDuration) / ref.meanDuration).toBeLessThan(0.05);
    expect(Math.abs(n.meanDelay - ref.meanTimeLoss) / ref.meanTimeLoss).toBeLessThan(delayTolerance);
    expect(Math.abs(n.meanStops - SUMO_STOPS[name]) / SUMO_STOPS[name]).toBeLessThan(0.25);
  };

  it('default programs: travel time within 5%, delay within 10% of SUMO\'s timeLoss, stops within 25%', () => {
    within('micro-default', simulate(net, trips, { programs: r.programs }, { end: 10800, seed: 1, vehicle: r.vehicle, sharedLanes: r.sharedLanes, arriveAtStopLine: r.arriveAtStopLine }).network);
  });

  it('Webster\'s plan (webster.add.xml): travel time within 5%, delay within 10% of SUMO\'s timeLoss, stops within 25%', async () => {
    const add = await importSumoAdditional(path.join(GRID, 'webster.add.xml'), r);
    within('micro-webster', simulate(net, trips, { programs: replacePrograms(r.programs, add.programs) }, { end: 10800, seed: 1, vehicle: r.vehicle, sharedLanes: r.sharedLanes, arriveAtStopLine: r.arriveAtStopLine }).network);
  });

  it('SUMO\'s actuated programs (net-actuated.net.xml) run as actuated: travel time within 5%, delay within 10% of SUMO\'s timeLoss, stops within 25%', async () => {
    const a = await importSumo({ net: path.join(GRID, 'net-actuated.net.xml'), routes: [path.join(GRID, 'routes.rou.xml')] });
    const aNet = compile(a.network);
    const aTrips = expandDemand(aNet, a.demand, createRandom(1).fork('demand'));
    // Mostly 5-6 s greens: SUMO's start-up lost time (1.1 s a green, sim/losses.ts) is what
    // made greenwave's delay 17.5% short before it was modelled (38.1 s vs timeLoss 46.2 s).
    within('micro-actuated', simulate(aNet, aTrips, { programs: a.programs }, { end: 10800, seed: 1, vehicle: a.vehicle, sharedLanes: a.sharedLanes, arriveAtStopLine: a.arriveAtStopLine }).network);
  });

  it.skipIf(!sumoOnPath())('SUMO runs the re-exported Webster plan to the same result as the original (mesoscopic, needs `sumo`)', async () => {
    const add = await importSumoAdditional(path.join(GRID, 'webster.add.xml'), r);
    const dir = tempDir('gw-grid10-');
    writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(add.programs, r.network, r.signalIndex, { programId: 'a' }));
    const run = (plan: string) => {
      const out = execFileSync('sumo', ['-n', path.join(GRID, 'net.net.xml'), '-r', path.join(GRID, 'routes.rou.xml'), '-a', plan, '--mesosim', '--meso-junction-control', '--xml-validation', 'never', '--no-step-log', '--duration-log.statistics', '--end', '7200'], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
      return /Duration: ([\d.]+)\n/.exec(out.slice(out.indexOf('Statistics')))![1];
    };
    expect(run(path.join(dir, 'plan.add.xml'))).toBe(run(path.join(GRID, 'webster.add.xml')));
  });
});

describe.skipIf(!HAS_RESCO)(`RESCO grid4x4 (needs ${RESCO})`, async () => {
  if (!HAS_RESCO) return; // vitest still runs a skipped suite's body to collect its tests
  const r = await importSumo(path.join(RESCO, 'grid4x4.sumocfg'));

  it('imports 16 signals, 80 edges and 1,473 vehicles from the configuration', () => {
    expect(r.simulation).toEqual({ start: 0, end: 3600 });
    expect(r.programs).toHaveLength(16);
    expect(r.network.linkCount).toBe(80);
    expect(r.demand.trips).toHaveLength(1473);
  });

  it('runs to the end with every vehicle accounted for', () => {
    const net = compile(r.network);
    const trips = expandDemand(net, r.demand, createRandom(1).fork('demand'));
    const result = simulate(net, trips, { programs: r.programs }, { start: 0, end: 3600, seed: 1 });
    const n = result.network;
    console.info(`RESCO grid4x4: ${n.arrived} arrived, ${n.unfinished} unfinished of ${n.trips}; mean travel time ${n.meanTravelTime.toFixed(1)} s`);
    expect(result.gridlock).toBeUndefined();
    expect(n.trips).toBe(1473);
    expect(n.unroutable).toBe(0);
    expect(n.arrived + n.unfinished).toBe(n.trips);
    expect(n.arrived).toBeGreaterThan(0.9 * n.trips);
  });
});

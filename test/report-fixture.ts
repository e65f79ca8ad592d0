/**
 * Outputs directories for the report tests: a small network whose names carry
 * markup (as OSM and SUMO names can), simulated with the report recorders, and
 * the optimiser fixture files (test/fixtures/report/optimise) copied beside it.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, RoadNetwork } from '../engine/network/index.js';
import { createRandom, expandDemand } from '../engine/demand/index.js';
import { simulate } from '../engine/sim/index.js';
import { summaryOf, writeOutputs } from '../engine/report/index.js';
import { reportRecorders } from '../engine/cli/report.js';

/** Names an attacker might put in an OSM or SUMO file. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  attribute: '"onload=alert(2) x="',
  img: "'><img src=x onerror=alert(3)>",
  ampersand: 'Av. "Almeida" & Ribeiro',
  linkTitle: '</title><script>alert(4)</script>',
  scenario: '<b>evil</b> scenario',
};

/** A plus-shaped signalised junction with hostile ids, left-hand traffic, WGS84 coordinates. */
function hostileNetwork() {
  const n = new RoadNetwork({ drivingSide: 'left' });
  const J = HOSTILE.script;
  n.addJunction({ id: J, x: 0, y: 0, lon: 113.54, lat: 22.19, control: 'signal' });
  n.addJunction({ id: HOSTILE.attribute, x: -400, y: 0, lon: 113.5361, lat: 22.19 });
  n.addJunction({ id: HOSTILE.img, x: 400, y: 0, lon: 113.5439, lat: 22.19 });
  n.addJunction({ id: HOSTILE.ampersand, x: 0, y: 400, lon: 113.54, lat: 22.1936 });
  n.addJunction({ id: 'south', x: 0, y: -400, lon: 113.54, lat: 22.1864 });
  const ends = [HOSTILE.attribute, HOSTILE.img, HOSTILE.ampersand, 'south'];
  ends.forEach((e, i) => {
    n.addLink({ id: i === 0 ? HOSTILE.linkTitle : `in${i}`, from: e, to: J, lanes: 2, speed: 13.9 });
    n.addLink({ id: `out${i}`, from: J, to: e, lanes: 2, speed: 13.9 });
  });
  n.addDefaultMovements();
  return compile(n);
}

/** Simulate the hostile network with the report recorders; write everything into a new temporary directory. */
export async function hostileOutputs(withOptimiser = true): Promise<string> {
  const net = hostileNetwork();
  const trips = expandDemand(net, {
    flows: [
      { id: 'ew', from: HOSTILE.attribute, to: HOSTILE.img, rate: 0.15, begin: 0, end: 1800, arrivals: 'poisson' },
      { id: 'we', from: HOSTILE.img, to: HOSTILE.attribute, rate: 0.12, begin: 0, end: 1800, arrivals: 'poisson' },
      { id: 'ns', from: HOSTILE.ampersand, to: 'south', rate: 0.08, begin: 0, end: 1800, arrivals: 'poisson' },
    ],
  }, createRandom(7));
  const recorders = reportRecorders(net, trips, { start: 0, end: 3600, interval: 300 });
  const result = simulate(net, trips, {}, { end: 3600, seed: 7, interval: 300, attach: recorders.attach });
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-report-'));
  const provenance = { scenario: HOSTILE.scenario, seed: 7, version: '0.1.0' };
  await writeOutputs(dir, net, trips, result, provenance, undefined, { ...summaryOf(net, result, provenance), scenarioFile: HOSTILE.attribute });
  await recorders.write(dir, provenance);
  if (withOptimiser) await copyOptimiserFixture(dir);
  return dir;
}

/** Copy the optimiser's fixture files (convergence.csv, comparison.json) into `dir`. */
export async function copyOptimiserFixture(dir: string): Promise<void> {
  for (const f of ['convergence.csv', 'comparison.json']) await copyFile(join('test/fixtures/report/optimise', f), join(dir, f));
}

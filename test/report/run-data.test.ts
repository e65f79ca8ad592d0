/**
 * runReportData: the report of `greenwave run --report` is rendered from the run
 * in memory, and must be byte for byte the page `greenwave report <dir>` renders
 * from the files the run wrote (same data: CSV numbers as written, JSON values
 * as carried, provenance of each CSV file).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../cli/commands.js';
import { RoadNetwork, compile } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import {
  loadReportData, renderReport, renderReportHtml, reportRecorders, runReportData, writeOutputs, writeRecordings,
} from '../../engine/report/index.js';
import { hostileRun } from '../fixtures/report-fixture.js';
import { parse } from 'csv-parse/sync';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { CONTROL_CODE } from '../../engine/network/compiled.js';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `greenwave-run-data-${name}-`));
  dirs.push(dir);
  return dir;
}

/** `greenwave run <scenario> --report` in this process; resolves to its outputs directory. */
async function runWithReport(scenario: string, replications?: number): Promise<string> {
  const dir = await tempDir(scenario);
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write; // the run's table
  try {
    const code = await runCommand(`scenarios/${scenario}/scenario.yaml`, { out: dir, report: true, quiet: true, ...(replications ? { replications } : {}) });
    expect(code).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return dir;
}

describe('greenwave run --report renders from memory what greenwave report renders from the directory', () => {
  for (const [scenario, replications] of [['corridor', 3], ['grid-4x4', undefined], ['macau-peninsula', undefined]] as const) {
    it(`${scenario}${replications ? ` (${replications} replications)` : ''}: report.html is byte-identical to renderReport(dir)`, async () => {
      const dir = await runWithReport(scenario, replications);
      const fromMemory = await readFile(join(dir, 'report.html'), 'utf8');
      const fromFiles = await renderReport(dir);
      expect(fromMemory.length).toBeGreaterThan(10_000);
      expect(fromMemory === fromFiles).toBe(true);
    });
  }
});

describe('greenwave run writes the timing sheet of the plan it ran', () => {
  it('corridor: timing.csv (header first) has every phase of every signal under the current plan, and report.html draws it', async () => {
    const dir = await runWithReport('corridor');
    const text = await readFile(join(dir, 'timing.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('plan,junction,name,control,cycle_s,offset_s,phase,movements,permissive,green_start_s,green_s,yellow_s,all_red_s,min_green_s,ite_yellow_s,ite_all_red_s');
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const built = buildScenario(await loadScenario('scenarios/corridor/scenario.yaml'));
    const net = built.compiled;
    const signals = Array.from({ length: net.junctionCount }, (_, j) => j).filter((j) => net.junctionControl[j] === CONTROL_CODE.signal).map((j) => net.junctionKey(j));
    expect(signals.length).toBeGreaterThan(0);
    expect([...new Set(rows.map((r) => r.junction))].sort()).toEqual([...signals].sort());
    expect(new Set(rows.map((r) => r.plan))).toEqual(new Set(['current']));
    // the ITE floor of every phase, half seconds up (signals/safety.ts): yellow 1 + v / (2 x 3.05) of a 36-60 km/h approach is 3-4 s
    for (const r of rows) expect(Number(r.ite_yellow_s) * 2 % 1 === 0 && Number(r.ite_yellow_s) >= 3 && Number(r.ite_yellow_s) <= 4.5).toBe(true);
    for (const id of signals) {
      const phases = rows.filter((r) => r.junction === id);
      // the program the run ran: its phases' times, in order
      const program = built.signals.programs.find((p) => net.junctionKey(p.junction) === id);
      if (program) expect(phases.map((r) => Number(r.green_s))).toEqual(program.phases.map((p) => p.duration));
      const sum = phases.reduce((acc, r) => acc + Number(r.green_s) + Number(r.yellow_s) + Number(r.all_red_s), 0);
      expect(Number(phases[0].cycle_s)).toBeCloseTo(sum, 2);
    }
    const page = await readFile(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('<section id="timing">');
    expect(page.match(/class="chart phase-diagram"/g)).toHaveLength(signals.length);
  });
});

describe('runReportData', () => {
  it('holds exactly what loadReportData reads back from the files written (hostile names, NaN delays, corridor)', async () => {
    const run = hostileRun();
    const dir = await tempDir('hostile');
    await writeOutputs(dir, run.net, run.trips, run.result, run.provenance, undefined, run.summary);
    await writeRecordings(dir, run.net, run.trips, run.recordings, run.provenance);
    const fromFiles = await loadReportData(dir);
    const fromMemory = runReportData(run);
    expect(fromFiles.corridor).toBeDefined();
    expect(fromFiles.junctions?.some((j) => Number.isNaN(j.controlDelayS))).toBe(true);
    expect(fromMemory).toEqual(fromFiles);
    expect(Object.keys(fromMemory.provenance)).toEqual(Object.keys(fromFiles.provenance));
    expect(renderReportHtml(fromMemory) === renderReportHtml(fromFiles)).toBe(true);
  });

  it('a gridlocked run (no arrivals: null means in summary.json) and a subset of files match too', async () => {
    // A one-way square of 7.5 m links, one vehicle on each wanting the next: gridlock.
    const network = new RoadNetwork();
    for (const [id, x, y] of [['a', 0, 0], ['b', 7.5, 0], ['c', 7.5, 7.5], ['d', 0, 7.5]] as const) network.addJunction({ id, x, y, control: 'signal' });
    for (const [id, from, to] of [['ab', 'a', 'b'], ['bc', 'b', 'c'], ['cd', 'c', 'd'], ['da', 'd', 'a']] as const) network.addLink({ id, from, to, speed: 10 });
    network.addDefaultMovements();
    const net = compile(network);
    const routes = [['ab', 'bc', 'cd'], ['bc', 'cd', 'da'], ['cd', 'da', 'ab'], ['da', 'ab', 'bc']];
    const trips = expandDemand(net, { trips: routes.map((route, i) => ({ depart: i * 0.1, route })) }, createRandom(1));
    const recorders = reportRecorders(net, trips, { start: 0, end: 3600, interval: 60, corridor: [0, 1, 2] });
    const result = simulate(net, trips, {}, { end: 3600, gridlockTimeout: 120, interval: 60, attach: recorders.attach });
    expect(result.gridlock).toBeDefined();
    const provenance = { scenario: 'square', seed: 1, version: 'test' };
    const recordings = recorders.recordings();
    const only = ['summary.json', 'junctions.csv', 'network.geojson'];
    const dir = await tempDir('gridlock');
    await writeOutputs(dir, net, trips, result, provenance, only);
    await writeRecordings(dir, net, trips, recordings, provenance);
    const fromFiles = await loadReportData(dir);
    expect(fromFiles.summary?.totals?.meanTravelTime).toBeNull();
    expect(fromFiles.timeseries).toBeUndefined();
    const fromMemory = runReportData({ net, trips, result, provenance, recordings, only });
    expect(fromMemory).toEqual(fromFiles);
    expect(renderReportHtml(fromMemory) === renderReportHtml(fromFiles)).toBe(true);
  });
});

/**
 * runScenario, the scripted twin of `greenwave run`: the same summary as the
 * command's --json for the same file and options, the same located errors, the
 * same output files, and stopping between replications.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario, ScenarioError, tripsById, UsageError } from '../../engine/index.js';
import { greenwaveArgs } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-run-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `name: twin
network: { generator: grid, rows: 2, cols: 2, spacingM: 200, attachLengthM: 100 }
demand:
  flows:
    - { id: f, from: w0, to: e1, vehPerHour: 400, beginS: 0, endS: 900, arrivals: poisson }
simulation: { endS: 1800, seed: 5 }
`;
const file = join(dir, 'twin.yaml');
writeFileSync(file, SCENARIO);

describe('runScenario', () => {
  it('gives the summary `greenwave run --json` prints for the same file, seed and replications', async () => {
    const run = await runScenario(file, { seed: 11, replications: 3 });
    const cli = spawnSync(process.execPath, greenwaveArgs('run', file, '--seed', '11', '--replications', '3', '--workers', '1', '--json', '--no-files'), { encoding: 'utf8', timeout: 600_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const { outputs, timing: _timing, peakRssMiB: _rss, ...printed } = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(outputs).toEqual([]);
    expect(JSON.parse(JSON.stringify(run.summary))).toEqual(printed);
    expect(run.replications.map((r) => r.seed)).toEqual([11, 12, 13]);
    expect(run.result).toBe(run.replications[0].result);
    // different seeds draw different vehicles
    expect(new Set(run.replications.map((r) => r.result.network.trips)).size).toBeGreaterThan(1);
    expect(run.summary.confidence?.meanDelay.n).toBe(3);
  });

  it('keys the first replication\'s junctions, links and trips by id, from the index forms, with NaN and null for what does not exist', async () => {
    const run = await runScenario(file);
    const net = run.built.compiled;
    expect([...run.junctions.keys()]).toEqual(Array.from({ length: net.junctionCount }, (_, j) => net.junctionKey(j)));
    for (let j = 0; j < net.junctionCount; j++) {
      const record = run.junctions.get(net.junctionKey(j))!;
      expect(record.vehicles).toBe(run.result.junctions.vehicles[j]);
      expect(record.controlDelay).toBe(run.result.junctions.controlDelay[j]);
      expect(record.levelOfService).toBe(run.result.junctions.levelOfService[j] || null);
    }
    // Stubs nobody drives through have no delay and no grade: NaN and null, never '' or undefined.
    const idle = [...run.junctions.values()].filter((r) => r.vehicles === 0);
    expect(idle.length).toBeGreaterThan(0);
    for (const r of idle) expect([r.controlDelay, r.levelOfService]).toEqual([NaN, null]);
    const links = run.links;
    expect(links.size).toBe(net.linkCount);
    const busiest = [...links.values()].sort((a, b) => b.entered - a.entered)[0];
    expect(busiest.entered).toBe(Math.max(...run.result.links.entered));
    const trips = tripsById(net, run.built.trips, run.result);
    expect(trips.size).toBe(run.built.trips.count);
    const first = trips.get(run.built.trips.ids[0])!;
    expect(first).toMatchObject({ origin: 'w0', destination: 'e1', arrived: run.result.trips.arrived[0], finished: !Number.isNaN(run.result.trips.arrived[0]) });
  });

  it('rejects a broken file with the located ScenarioError the command reports, and bad options with a UsageError', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, SCENARIO.replace('rows: 2', 'rows: -2'));
    const error = await runScenario(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems[0]).toMatchObject({ file: broken, line: 2, path: 'network.rows' });
    await expect(runScenario(file, { replications: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(runScenario(file, { seed: -1 })).rejects.toBeInstanceOf(UsageError);
  });

  it('writes the command\'s output files with `out`, and nothing without it', async () => {
    const out = join(dir, 'out');
    const run = await runScenario(file, { out });
    expect(run.outputs.map((f) => f.slice(out.length + 1)).sort()).toEqual(['junctions.csv', 'links.csv', 'metadata.json', 'network.geojson', 'summary.json', 'timeseries.csv', 'timing.csv', 'trips.csv']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(run.summary)));
    const quiet = await runScenario(file, { seed: 3 });
    expect(quiet.outputs).toEqual([]);
    expect(existsSync(join(dir, 'out', 'twin'))).toBe(false);
  });

  it('stops between replications when its signal is aborted, and lists the seeds not run', async () => {
    const controller = new AbortController();
    const run = await runScenario(file, {
      replications: 4,
      signal: controller.signal,
      onProgress: (replication) => { if (replication === 1) controller.abort(); },
    });
    expect(run.replications.map((r) => r.seed)).toEqual([5, 6]);
    expect(run.notRun).toEqual([7, 8]);
    expect(run.summary.incomplete).toEqual({ notRun: [7, 8], failed: [] });
  });
});

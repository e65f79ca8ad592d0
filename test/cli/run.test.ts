/**
 * The `greenwave` command as a planner meets it, run as a real process: help,
 * `run` (table, --json, files), and `validate` on broken scenario variants — each
 * must exit 2 with a located message and no stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greenwaveArgs } from '../fixtures/cli.js';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const VALID = `name: tiny
network:
  generator: grid
  rows: 2
  cols: 2
  spacingM: 200
  attachLengthM: 100
demand:
  flows:
    - { id: f, from: w0, to: e1, vehPerHour: 300, beginS: 0, endS: 900 }
simulation:
  endS: 1800
  seed: 5
`;

function scenario(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('greenwave --help', () => {
  it('explains every command with examples', () => {
    const r = greenwave('--help');
    expect(r.code).toBe(0);
    for (const word of ['run', 'validate', 'Examples:', 'Exit codes']) expect(r.stdout).toContain(word);
    const run = greenwave('run', '--help');
    for (const flag of ['--out', '--json', '--seed', '--replications', '--quiet']) expect(run.stdout).toContain(flag);
  });

  it('exits 2 on an unknown command or option', () => {
    expect(greenwave('simulate', 'x.yaml').code).toBe(2);
    expect(greenwave('run', scenario('ok.yaml', VALID), '--seeds', '3').code).toBe(2);
    expect(greenwave('run', scenario('ok.yaml', VALID), '--replications', 'zero').code).toBe(2);
    const bench = greenwave('bench', 'everything');
    expect(bench.code).toBe(2);
    expect(bench.stderr).toContain('the benchmarks are routing, sim, pool, distributed, report, calibrate, city, or all');
  });
});

describe('greenwave run', () => {
  it('prints a summary table and writes the output files with their provenance', () => {
    const out = join(dir, 'out');
    const r = greenwave('run', scenario('ok.yaml', VALID), '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/greenwave \S+ — tiny \(seed 5\)/);
    expect(r.stdout).toContain('mean travel time');
    for (const f of ['summary.json', 'trips.csv']) expect(existsSync(join(out, f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ scenario: 'tiny', seed: 5 });
    expect(typeof summary.greenwave).toBe('string');
  });

  it('--json prints the documented machine-readable summary; --seed and --replications apply', () => {
    const r = greenwave('run', scenario('ok.yaml', VALID), '--json', '--no-files', '--seed', '9', '--replications', '3');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.seed).toBe(9);
    expect(json.replications.map((x: { seed: number }) => x.seed)).toEqual([9, 10, 11]);
    expect(json.totals.trips).toBeGreaterThan(0);
    expect(json.confidence.meanTravelTime.n).toBe(3);
    expect(json.outputs).toEqual([]);
  });
});

/** Broken variants: [name, file text, expected fragments of the message (path, line:column)]. */
const BROKEN: Array<[string, string, RegExp[]]> = [
  ['missing field', VALID.replace('simulation:\n  endS: 1800\n  seed: 5\n', ''), [/simulation/]],
  ['wrong type', VALID.replace('rows: 2', 'rows: two'), [/network\.rows/, /:4:/]],
  ['unknown key (typo)', VALID.replace('spacingM: 200', 'spacingm: 200'), [/spacingm/, /:6:/]],
  ['negative length', VALID.replace('spacingM: 200', 'spacingM: -200'), [/network\.spacingM/, /:6:/]],
  ['unknown junction in demand', VALID.replace('to: e1', 'to: nowhere'), [/demand\.flows\[0\]/, /nowhere/]],
  ['unit-less field', VALID.replace('vehPerHour: 300', 'rate: 300'), [/demand\.flows\[0\]/, /rate/]],
  ['bad YAML', VALID.replace('  rows: 2', '  rows: [2'), [/:\d+:\d+/]],
  ['bad clock time', VALID.replace('endS: 1800', 'end: "25:99"'), [/simulation\.end/, /25:99/]],
  ['zero lanes', VALID.replace('attachLengthM: 100', 'attachLengthM: 100\n  lanes: 0'), [/network\.lanes/]],
  ['end before begin', VALID.replace('beginS: 0, endS: 900', 'beginS: 900, endS: 0'), [/demand\.flows\[0\]/]],
];

describe('greenwave run: start-up and timing', () => {
  it('a plain run of a JSON scenario loads neither zod, yaml, the importers, the report, the optimiser, the worker pool nor Redis', () => {
    const file = scenario('plain.json', JSON.stringify({
      name: 'plain', network: { generator: 'grid', rows: 2, cols: 2, attachLengthM: 100 },
      demand: { flows: [{ from: 'w0', to: 'e1', vehPerHour: 300 }] }, simulation: { endS: 600 },
    }));
    const log = join(dir, 'modules.txt');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/record-modules.mjs', 'cli/main.ts', 'run', file, '--json', '--no-files', '-q'], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, MODULE_LOG: log },
    });
    expect(r.status, r.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
    // The recorder works: the modules a run needs are there.
    for (const needed of ['engine/scenario/load.ts', 'engine/sim/simulate.ts', 'engine/report/outputs.ts', 'node_modules/commander/']) {
      expect(loaded.some((m) => m.includes(needed)), needed).toBe(true);
    }
    const heavy = [
      'node_modules/zod/', 'node_modules/yaml/', 'node_modules/bullmq/', 'node_modules/ioredis/', 'node_modules/piscina/', 'node_modules/playwright-core/',
      'node_modules/proj4/', 'node_modules/saxes/', 'node_modules/osm-pbf-parser-node/', 'node_modules/cli-progress/', 'node_modules/d3-scale-chromatic/',
      'engine/report/html/', 'engine/report/recorders/', 'engine/io/sumo/', 'engine/io/cityflow/', 'engine/io/osm/', 'engine/optimise/optimise',
      'engine/scenario/schema.ts', 'workers/', 'cli/optimise.ts', 'cli/report.ts',
    ];
    for (const name of heavy) expect(loaded.filter((m) => m.includes(name)), name).toEqual([]);
  });

  it('validate loads the loader and builder but not the kernel, the output writers, the calibrator or zod', () => {
    const file = scenario('plain-validate.json', JSON.stringify({
      name: 'plain', network: { generator: 'grid', rows: 2, cols: 2, attachLengthM: 100 },
      demand: { flows: [{ from: 'w0', to: 'e1', vehPerHour: 300 }] }, simulation: { endS: 600 },
    }));
    const log = join(dir, 'modules-validate.txt');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/record-modules.mjs', 'cli/main.ts', 'validate', file], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, MODULE_LOG: log },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: ok — "plain"/);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
    for (const needed of ['engine/scenario/load.ts', 'engine/scenario/builder.ts', 'engine/network/generators/grid.ts', 'cli/validate.ts']) {
      expect(loaded.some((m) => m.includes(needed)), needed).toBe(true);
    }
    // The builder takes the simulation's defaults and the vehicle class (engine/sim/options.ts, losses.ts and the class's
    // gap-acceptance model gap-acceptance.ts: constants and their checks, no imports of the kernel); nothing else of engine/sim may load.
    const classFiles = ['engine/sim/options.ts', 'engine/sim/losses.ts', 'engine/sim/gap-acceptance.ts'];
    const kernel = loaded.filter((m) => m.includes('engine/sim/') && !classFiles.some((f) => m.includes(f)));
    expect(kernel, 'engine/sim/ beyond options.ts, losses.ts and gap-acceptance.ts').toEqual([]);
    // Nor the import command's code (its options are registered by import-command.ts), with its atomic writer and node:crypto;
    // nor, with fixed plans, Webster's method and the router its flows need (builder.ts, buildParts).
    for (const name of ['engine/report/outputs.ts', 'engine/report/output-dir.ts', 'engine/report/stats.ts', 'engine/report/html/', 'engine/optimise/', 'cli/commands.ts', 'cli/calibrate.ts', 'node_modules/zod/', 'workers/',
      'cli/import.ts', 'engine/io/scenario-doc.ts', 'engine/io/ranges.ts', 'engine/text/atomic-file.ts', 'node:crypto',
      'engine/scenario/build.ts', 'engine/scenario/webster-plans.ts', 'engine/signals/webster.ts', 'engine/signals/flows.ts', 'engine/routing/',
      'engine/scenario/issues.ts']) {
      expect(loaded.filter((m) => m.includes(name)), name).toEqual([]);
    }
    // An inline network does not load the generators; signals.default: webster loads Webster's method.
    const inline = scenario('inline-validate.json', JSON.stringify({
      name: 'inline',
      network: { junctions: [{ id: 'a', xM: 0, yM: 0 }, { id: 'b', xM: 300, yM: 0 }, { id: 'c', xM: 600, yM: 0, control: 'signal' }, { id: 'd', xM: 600, yM: 300 }],
        links: [{ id: 'ab', from: 'a', to: 'b', speedKmh: 50 }, { id: 'bc', from: 'b', to: 'c', speedKmh: 50 }, { id: 'cd', from: 'c', to: 'd', speedKmh: 50 }] },
      demand: { trips: [{ departS: 0, route: ['ab', 'bc', 'cd'] }] }, signals: { default: 'webster' }, simulation: { endS: 600 },
    }));
    const inlineLog = join(dir, 'modules-validate-inline.txt');
    const r2 = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/record-modules.mjs', 'cli/main.ts', 'validate', inline], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, MODULE_LOG: inlineLog },
    });
    expect(r2.status, r2.stderr).toBe(0);
    const inlineLoaded = readFileSync(inlineLog, 'utf8').split('\n').filter((line) => line !== '');
    expect(inlineLoaded.filter((m) => m.includes('engine/network/generators/')), 'generators').toEqual([]);
    expect(inlineLoaded.some((m) => m.includes('engine/scenario/webster-plans.ts')), 'webster-plans').toBe(true);
  });

  it('--json and summary.json say where the time went and the peak memory', () => {
    const r = greenwave('run', scenario('timed.yaml', VALID), '--json', '--no-files');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { timing: Record<string, number | null>; peakRssMiB: number };
    expect(Object.keys(json.timing)).toEqual(['startS', 'loadS', 'buildS', 'routeS', 'simulateS', 'writeS']);
    for (const stage of ['startS', 'loadS', 'buildS', 'simulateS']) expect(json.timing[stage], stage).toBeGreaterThan(0);
    expect(json.timing.writeS).toBe(0); // --no-files
    expect(json.timing.routeS === null || json.timing.routeS >= 0).toBe(true);
    expect(json.peakRssMiB).toBeGreaterThan(20);
    expect(json.peakRssMiB).toBeLessThan(4096);

    const out = join(dir, 'timed-out');
    expect(greenwave('run', scenario('timed.yaml', VALID), '--out', out, '-q').code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { timing: Record<string, number | null>; peakRssMiB: number };
    expect(summary.timing.writeS).toBeGreaterThan(0); // the files written before summary.json
    expect(summary.peakRssMiB).toBeGreaterThan(20);
  });

  it('--max-memory refuses a run estimated to need more, at the part of the file that makes most of it, and says how to raise it', () => {
    const r = greenwave('validate', scenario('mem.yaml', VALID), '--max-memory', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mem\.yaml:3:3  network  this scenario would need about 81 MiB of memory \(80 MiB for the program itself; 12 junctions, 24 links, 75 vehicles .*most of it from the network .*above the limit of 10 MiB: .*raise the limit with --max-memory <MiB>/);
    expect(greenwave('validate', scenario('mem.yaml', VALID), '--max-memory', 'lots').code).toBe(2);
  });
});

describe('greenwave run --workers', () => {
  // Outputs, timing and memory are of the process, not of the simulation.
  const strip = (json: string): unknown => {
    const { outputs: _outputs, timing: _timing, peakRssMiB: _rss, ...rest } = JSON.parse(json) as Record<string, unknown>;
    return rest;
  };

  it('gives the same summary, replication by replication, on 1, 2 and 4 workers (same seeds, same vehicles)', () => {
    const file = scenario('workers.yaml', VALID.replace('endS: 900 }', 'endS: 900, arrivals: poisson }'));
    const outs = [1, 2, 4].map((w) => greenwave('run', file, '--replications', '4', '--workers', String(w), '--json', '--no-files'));
    for (const r of outs) expect(r.code, r.stderr).toBe(0);
    const [one, two, four] = outs.map((r) => strip(r.stdout)) as Array<{ replications: Array<{ seed: number; totals: { meanDelay: number } }> }>;
    expect(one.replications.map((r) => r.seed)).toEqual([5, 6, 7, 8]);
    // different seeds draw different vehicles, so a pool that ignored seeds would not match
    expect(new Set(one.replications.map((r) => r.totals.meanDelay)).size).toBeGreaterThan(1);
    expect(two).toEqual(one);
    expect(four).toEqual(one);
  });

  it('runs the scenario\'s own control on the pool: max-pressure replications match in-process ones, not fixed time', () => {
    const signalised = VALID.replace('  attachLengthM: 100\n', '  attachLengthM: 100\n  signals: intersections\n').replace('vehPerHour: 300', 'vehPerHour: 600, arrivals: poisson');
    const mp = scenario('mp.yaml', `${signalised}signals:\n  default: max-pressure\n`);
    const fixed = scenario('fixed.yaml', signalised);
    const runs = [[mp, '1'], [mp, '2'], [fixed, '2']].map(([file, w]) => greenwave('run', file, '--replications', '3', '--workers', w, '--json', '--no-files'));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [inProcess, pool, fixedPool] = runs.map((r) => (strip(r.stdout) as { replications: Array<{ totals: { meanDelay: number } }> }).replications.map((x) => x.totals.meanDelay));
    expect(pool).toEqual(inProcess);
    expect(pool).not.toEqual(fixedPool); // the pool used to run the programs as fixed time whatever the scenario's control
  });

  it('rejects --workers 0', () => {
    const r = greenwave('run', scenario('w0.yaml', VALID), '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--workers must be an integer in [1, 256], got "0"');
  });

  it('on Ctrl-C (SIGINT) stops the pool, reports and writes what finished, and exits 130', async () => {
    const file = scenario('long.yaml', VALID.replace('endS: 1800', 'endS: 3600').replace('endS: 900', 'endS: 1800').replace('vehPerHour: 300', 'vehPerHour: 900'));
    const out = join(dir, 'sigint-out');
    const child = spawn(process.execPath, greenwaveArgs('run', file, '--replications', '1000', '--workers', '2', '--json', '--out', out, '--progress-lines'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const code = await new Promise<number | null>((resolve) => {
      // Ctrl-C once the first seed's replication (the one whose files are written) has finished, as its
      // --progress-lines line says: an event, whatever the machine's speed.
      const done = /replication \d+\/1000 finished \(seed 5\)/;
      child.stderr.on('data', (d: Buffer) => {
        const before = done.test(stderr);
        stderr += d.toString();
        if (!before && done.test(stderr)) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: \d+ of 1000 replications finished/);
    const summary = JSON.parse(stdout) as { replications: unknown[]; incomplete: { notRun: number[] } };
    expect(summary.replications.length).toBeGreaterThan(0);
    expect(summary.incomplete.notRun.length).toBeGreaterThan(0);
    // nothing lost or duplicated: every seed is either finished or listed as not run
    expect(summary.replications.length + summary.incomplete.notRun.length).toBe(1000);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });
});

describe('greenwave validate', () => {
  it('accepts a valid scenario', () => {
    const r = greenwave('validate', scenario('ok.yaml', VALID));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok');
  });

  for (const [name, text, fragments] of BROKEN) {
    it(`rejects a scenario with a ${name}: exit 2, located, no stack trace`, () => {
      const file = scenario(`${name.replace(/\W+/g, '-')}.yaml`, text);
      const r = greenwave('validate', file);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(file);
      for (const f of fragments) expect(r.stderr).toMatch(f);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/); // no stack frames
    });
  }

  it('rejects a missing file and a bad JSON file the same way', () => {
    const missing = greenwave('validate', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
    const badJson = greenwave('validate', scenario('bad.json', '{ "name": "x", }'));
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/bad\.json:1:\d+/);
  });

  it('shows the stack trace of an input error only with --debug', () => {
    const file = scenario('typo.yaml', VALID.replace('spacingM: 200', 'spacingm: 200'));
    const r = greenwave('--debug', 'run', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

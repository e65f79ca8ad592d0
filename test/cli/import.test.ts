/**
 * `greenwave import` as a planner meets it, run as a real process: the summary,
 * the written scenario (which `validate` then accepts), refusing to overwrite,
 * and user mistakes (exit 2, a located message, no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greenwaveArgs } from '../fixtures/cli.js';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const FIX = 'test/fixtures/cityflow';

describe('greenwave import', () => {
  const out = join(dir, 'corridor.json');

  it('imports CityFlow files, prints counts and warnings, writes a scenario that validates', () => {
    const r = greenwave('import', 'cityflow', `${FIX}/corridor/config.json`, '-o', out, '--name', 'corridor-am', '--end', '600');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported CityFlow: test\/fixtures\/cityflow\/corridor\/config\.json/);
    expect(r.stdout).toMatch(/intersections: signalised\s+2\n/);
    expect(r.stdout).toMatch(/vehicles \(departing before the horizon\)\s+35\n/);
    expect(r.stdout).toMatch(/warnings \(4\):\n.*different maxSpeed/);
    expect(r.stdout).toMatch(/flow\.json:8:\d+: \[6\]\.route "flow_6": route \["road_W_A"\] has fewer than two roads/);
    expect(r.stdout).toMatch(/wrote .*corridor\.json \(scenario "corridor-am", 8 junctions, 14 links, 2 signal programs, simulation 0 s to 600 s\)/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { name: string; signals: { programs: unknown[] } };
    expect(doc.name).toBe('corridor-am');
    expect(doc.signals.programs).toHaveLength(2);
    const v = greenwave('validate', out);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/ok — "corridor-am": 8 junctions, 14 links, 24 movements, 35 trips/);
  });

  it('refuses to overwrite without --force, and overwrites with it', () => {
    const again = greenwave('import', 'cityflow', `${FIX}/tiny/roadnet.json`, `${FIX}/tiny/flow.json`, '-o', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; use --force/);
    const forced = greenwave('import', 'cityflow', `${FIX}/tiny/roadnet.json`, `${FIX}/tiny/flow.json`, '-o', out, '--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ name: 'tiny', demand: { flows: [{ id: 'flow_0', vehPerHour: 180 }] } });
  });

  it('shows the first 20 warnings and how many more', () => {
    const vehicle = { length: 5, width: 2, maxPosAcc: 2, maxNegAcc: 4.5, usualPosAcc: 2, usualNegAcc: 4.5, minGap: 2.5, maxSpeed: 10, headwayTime: 1.5 };
    const flows = Array.from({ length: 25 }, () => ({ vehicle, route: ['r_in'], interval: 5, startTime: 0, endTime: 0 }));
    const flowFile = join(dir, 'many-warnings-flow.json');
    writeFileSync(flowFile, JSON.stringify(flows));
    const r = greenwave('import', 'cityflow', `${FIX}/tiny/roadnet.json`, flowFile, '-o', join(dir, 'many.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warnings \(25\):/);
    expect(r.stdout.match(/has fewer than two roads/g)).toHaveLength(20);
    expect(r.stdout).toMatch(/\.\.\. and 5 more/);
  });

  it('bad input: exit 2 with the file, line, column and JSON path, and no stack trace', () => {
    const r = greenwave('import', 'cityflow', `${FIX}/bad/dangling-roadlink.json`, '-o', join(dir, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^greenwave: test\/fixtures\/cityflow\/bad\/dangling-roadlink\.json:11:\d+: intersections\[1\]\.roadLinks\[0\]\.startRoad: expected a road id of the roadnet, found "r_nowhere"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const malformed = greenwave('import', 'cityflow', `${FIX}/bad/malformed.json`, '-o', join(dir, 'x.json'));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/malformed\.json:19:5: the CityFlow file is not valid JSON/);
  });

  it('usage mistakes: unknown format, bad options, missing --out; the example in --help', () => {
    const unknown = greenwave('import', 'shapefile', 'a.shp', '-o', join(dir, 'y.json'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown format "shapefile"/);
    const end = greenwave('import', 'cityflow', `${FIX}/tiny/roadnet.json`, '-o', join(dir, 'y.json'), '--end', '-3');
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(/--end must be a number of seconds in \(0, 604,800\]/);
    const noOut = greenwave('import', 'cityflow', `${FIX}/tiny/roadnet.json`);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out/);
    const help = greenwave('--help');
    expect(help.stdout).toMatch(/greenwave import cityflow config\.json -o hangzhou\.json/);
  });
});

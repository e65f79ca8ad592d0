/**
 * `greenwave import osm` and `greenwave run --demand-scale` as a planner meets
 * them, run as real processes: slow streets (under 13.5 km/h, `walk`) that used to
 * end in "internal error: the imported scenario does not load", the referencing
 * scenario file it writes by default and the inline one with `--inline`, the
 * summary's first lines, and the demand scale.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-import-osm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('greenwave import osm', () => {
  it('imports the lanes-speeds fixture with maxspeed=walk and 10 km/h: exit 0, a scenario that validates', () => {
    const slow = join(dir, 'slow.osm');
    let k = 0;
    writeFileSync(slow, readFileSync('test/fixtures/osm/lanes-speeds.osm', 'utf8').replace(/k="maxspeed" v="[^"]*"/g, () => `k="maxspeed" v="${k++ % 2 === 0 ? 'walk' : '10'}"`));
    for (const form of ['--reference', '--inline']) {
      const out = join(dir, `slow${form}.json`);
      const r = greenwave('import', 'osm', slow, '-o', out, '--components', 'all', '--no-demand', form);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/saturation flow capped by speed and jam spacing \(links\)\s+\d/);
      expect(greenwave('validate', out).code).toBe(0);
      const doc = JSON.parse(readFileSync(out, 'utf8'));
      if (form === '--reference') expect(doc.network).toEqual({ import: 'osm', file: 'slow.osm', options: { components: 'all' } });
      else expect(doc.network.links.length).toBeGreaterThan(0);
    }
  });

  it('prints the share of road kept and the signal source first, and runs with --demand-scale', () => {
    const out = join(dir, 'gaps.json');
    const r = greenwave('import', 'osm', resolve('test/fixtures/osm/real-gaps.osm'), '-o', out, '--country', 'MO', '--veh-per-hour', '400');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^ {2}directed car-road length kept, % of read +\d+(\.\d)?$/);
    expect(lines[3]).toMatch(/^ {2}signals: source osm\+guess +1$/);
    const once = greenwave('run', out, '--json', '--no-files');
    const twice = greenwave('run', out, '--json', '--no-files', '--demand-scale', '2');
    expect(once.code, once.stderr).toBe(0);
    expect(twice.code, twice.stderr).toBe(0);
    const trips = (s: string): number => (JSON.parse(s) as { totals: { trips: number } }).totals.trips;
    // Twice the Poisson rate: about twice the vehicles (a 3-sigma band around 2x).
    expect(trips(twice.stdout) / trips(once.stdout)).toBeGreaterThan(1.6);
    expect(trips(twice.stdout) / trips(once.stdout)).toBeLessThan(2.4);
    expect(greenwave('run', out, '--demand-scale', '0').code).toBe(2);
  });
});

/**
 * `greenwave verify-sumo` and `optimise --sumo`, as a SUMO user meets them.
 *
 * - Without SUMO (PATH without it, SUMO_HOME unset): exit 2 and how to install it.
 * - A scenario with no SUMO files and no --sumo: exit 2, naming --sumo.
 * - With SUMO on PATH (skipped otherwise): on a 3x3 `netgenerate` grid with
 *   explicit routes, imported with `greenwave import`, verify-sumo runs the
 *   current plan and Webster's in SUMO over 2 seeds, writes verify-sumo.json
 *   whose per-seed tripinfo means are those of a direct `sumo` run of the same
 *   files (read back from SUMO's own tripinfo), and prints the table. The
 *   current plan's SUMO run is the network's own programs: its time loss equals
 *   a plain `sumo -n net -r routes --seed 1` run.
 * - `optimise --verify-sumo` (SUMO-verified choice, cli/sumo-choice.ts): the
 *   candidates measured in SUMO include the best fixed-time and the best
 *   actuated plan and no max-pressure plan; the one written loses the least
 *   time per vehicle due in SUMO (unfinished ones counted to the end); its rows in
 *   comparison.json and verify-sumo.json are named "optimised"; and the
 *   plan.add.xml written, run by hand in SUMO on the user's network, gives
 *   exactly the time loss recorded for it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_ARGS, greenwave } from '../fixtures/cli.js';
import { sumoOnPath } from '../fixtures/sumo-on-path.js';
import { tempDir } from '../fixtures/temp-dir.js';

const HAS_SUMO = sumoOnPath();
const tmp = () => tempDir('gw-verify-sumo-');

/** A 3x3 SUMO grid with traffic lights and 240 vehicles on explicit routes, imported as a scenario. */
function sumoCase(): { dir: string; net: string; routes: string; scenario: string } {
  const dir = tmp();
  const ok = spawnSync('netgenerate', ['--grid', '--grid.number', '3', '--grid.length', '200', '--default.lanenumber', '2', '--tls.guess', 'true', '--no-turnarounds', '-o', 'net.net.xml'], { cwd: dir });
  if (ok.status !== 0) throw new Error('netgenerate failed');
  const routes = ['A1B1 B1C1', 'C1B1 B1A1', 'B0B1 B1B2', 'B2B1 B1B0', 'A1B1 B1B2', 'C1B1 B1B0', 'A1A0 A0B0 B0C0'];
  const vehicles = Array.from({ length: 240 }, (_, i) => `  <vehicle id="v${i}" depart="${(i * 2.5).toFixed(1)}"><route edges="${routes[i % routes.length]}"/></vehicle>`);
  writeFileSync(path.join(dir, 'routes.rou.xml'), `<routes>\n${vehicles.join('\n')}\n</routes>\n`);
  const c = { dir, net: path.join(dir, 'net.net.xml'), routes: path.join(dir, 'routes.rou.xml'), scenario: path.join(dir, 'grid.json') };
  const r = greenwave(['import', 'sumo', c.routes, c.net, '-o', c.scenario, '--end', '1800']);
  if (r.code !== 0) throw new Error(r.stderr);
  return c;
}

describe('verify-sumo without what it needs', () => {
  it('without SUMO: exit 2 and how to install it', () => {
    const dir = tmp();
    const scenario = path.join(dir, 's.json');
    writeFileSync(scenario, '{}');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: dir }; // node is run by its absolute path; no sumo in an empty directory
    delete env.SUMO_HOME;
    const r = spawnSync(process.execPath, [...CLI_ARGS, 'verify-sumo', scenario], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SUMO, which is not installed.*apt-get install sumo/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.skipIf(!HAS_SUMO)('a scenario with no SUMO files: exit 2, naming --sumo', () => {
    const r = greenwave(['verify-sumo', path.join(import.meta.dirname, '..', '..', 'scenarios', 'corridor', 'scenario.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give them with --sumo/);
  });
});

describe.skipIf(!HAS_SUMO)('verify-sumo in SUMO (skipped: sumo is not on PATH)', () => {
  it('measures current and Webster over 2 seeds; the current plan is the network\'s own, as a plain sumo run', () => {
    const c = sumoCase();
    const out = path.join(c.dir, 'v');
    const r = greenwave(['verify-sumo', c.scenario, '--sumo', c.net, c.routes, '--seeds', '2', '--out', out, '--workers', '1'], 300_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+current\s/m);
    expect(r.stdout).toMatch(/^\s+webster\s/m);
    const v = JSON.parse(readFileSync(path.join(out, 'verify-sumo.json'), 'utf8'));
    expect(v.rows.map((row: { plan: string }) => row.plan)).toEqual(['current', 'webster']);
    expect(v.sumo.seeds).toHaveLength(2);
    expect(v.sumo.end).toBe(1800);
    // The same run by hand: the network's programs, seed of the first replication.
    const tripinfo = path.join(c.dir, 'by-hand.xml');
    const seed = v.sumo.seeds[0];
    const hand = spawnSync('sumo', ['-n', c.net, '-r', c.routes, '--seed', String(seed), '--begin', '0', '--end', '1800', '--tripinfo-output', tripinfo, '--no-step-log', 'true'], { encoding: 'utf8' });
    expect(hand.status).toBe(0);
    const losses = [...readFileSync(tripinfo, 'utf8').matchAll(/timeLoss="([\d.]+)"/g)].map((m) => Number(m[1]));
    const mean = losses.reduce((s, x) => s + x, 0) / losses.length;
    const current = v.rows[0].measured.perSeed[0];
    expect(current.arrived).toBe(losses.length);
    expect(current.meanTimeLoss).toBeCloseTo(mean, 9);
    // Webster's gain is paired per seed: its mean is the mean of the per-seed differences.
    const w = v.rows[1].measured;
    const diffs = w.perSeed.map((s: { meanTimeLoss: number }, i: number) => s.meanTimeLoss - v.rows[0].measured.perSeed[i].meanTimeLoss);
    expect(w.gain.mean).toBeCloseTo((diffs[0] + diffs[1]) / 2, 9);
    expect(typeof v.rows[1].predicted.gain).toBe('number');
  });
});

describe.skipIf(!HAS_SUMO)('verify-sumo --links (skipped: sumo is not on PATH)', () => {
  it('puts SUMO\'s edgeData beside greenwave\'s per-link means: the routes\' vehicles on every link in both, the time lost summed as SUMO\'s trips lose it', () => {
    const c = sumoCase();
    const out = path.join(c.dir, 'links');
    const r = greenwave(['verify-sumo', c.scenario, '--sumo', c.net, c.routes, '--seeds', '2', '--out', out, '--workers', '1', '--links'], 300_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^links, current: vehicles per link r² 1\.000 over \d+ links; time lost on them [\d.]+ veh·h in greenwave, [\d.]+ in SUMO/m);
    expect(r.stdout).toMatch(/^links, webster: /m);
    expect(r.stdout).toMatch(/wrote .*links-current\.csv/);
    const rows = readFileSync(path.join(out, 'links-current.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['link', 'name', 'sumo_vehicles', 'sumo_time_loss_per_vehicle_s', 'greenwave_vehicles', 'greenwave_time_loss_per_vehicle_s', 'time_loss_difference_veh_s']);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    // A1B1 starts routes 0 and 4 of the 7 the 240 vehicles take in turn: 35 + 34 vehicles, inserted on it (SUMO's departed).
    expect(Number(byId.get('A1B1')![2])).toBe(69);
    expect(Number(byId.get('A1B1')![4])).toBe(69);
    // B1C1 carries route 0 only, after the junction B1: 35 vehicles that entered it.
    expect(Number(byId.get('B1C1')![2])).toBe(35);
    expect(Number(byId.get('B1C1')![4])).toBe(35);
    // SUMO's time lost on the links, internal lanes included, is about what its trips lose (tripinfo timeLoss; the two
    // definitions differ by a few per cent: 6% more on the links on sumo-grid10). Which internal lane goes to which
    // link is checked in test/io/sumo/edge-data.test.ts.
    const v = JSON.parse(readFileSync(path.join(out, 'verify-sumo.json'), 'utf8'));
    const current = v.rows[0];
    const linkLoss = rows.slice(1).reduce((s, row) => s + Number(row[2]) * Number(row[3]), 0);
    const tripLoss = current.measured.meanTimeLoss.mean * current.measured.arrived;
    expect(linkLoss / tripLoss).toBeGreaterThan(0.85);
    expect(linkLoss / tripLoss).toBeLessThan(1.15);
    expect(current.links.links).toBe(rows.length - 1);
    expect(current.links.largest.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAS_SUMO)('optimise --verify-sumo writes the candidate SUMO measures best (skipped: sumo is not on PATH)', () => {
  it('measures the best fixed-time and actuated candidates in SUMO and writes the best of them, as a plain sumo run of plan.add.xml confirms', () => {
    const c = sumoCase();
    const out = path.join(c.dir, 'o');
    const r = greenwave(['optimise', c.scenario, '--sumo', c.net, c.routes, '--verify-sumo', '--sumo-seeds', '2', '--sumo-candidates', '3',
      '--budget', '12', '--seeds', '1', '--held-out', '2', '--workers', '1', '--out', out], 600_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/SUMO-verified choice/);
    const comparison = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8'));
    const choice = comparison.sumoChoice;
    const kinds = choice.candidates.map((k: { control: string }) => k.control);
    expect(kinds).toContain('fixed');
    expect(kinds).toContain('actuated');
    expect(kinds).not.toContain('max-pressure');
    expect(choice.candidates).toHaveLength(3);
    const written = choice.candidates.filter((k: { written: boolean }) => k.written);
    expect(written).toHaveLength(1);
    expect(written[0].label).toBe(choice.written);
    type C = { measured: { meanTimeLossAll: number } };
    for (const other of choice.candidates as C[]) {
      const w = written[0] as C;
      expect(Number.isFinite(w.measured.meanTimeLossAll)).toBe(true);
      expect(w.measured.meanTimeLossAll).toBeLessThanOrEqual(other.measured.meanTimeLossAll);
    }
    // The written plan's rows are named "optimised"; the other candidates keep their labels.
    const v = JSON.parse(readFileSync(path.join(out, 'verify-sumo.json'), 'utf8'));
    const names = v.rows.map((row: { plan: string }) => row.plan);
    expect(names.slice(0, 2)).toEqual(['current', 'webster']);
    expect(names).toContain('optimised');
    expect(names).not.toContain(choice.written);
    expect(comparison.rows.map((row: { plan: string }) => row.plan)).toContain('optimised');
    const optimisedRow = v.rows.find((row: { plan: string }) => row.plan === 'optimised');
    expect(optimisedRow.measured.meanTimeLoss.mean).toBeCloseTo(written[0].measured.meanTimeLoss, 9);
    // plan.json is of the kind SUMO chose, and plan.add.xml is that plan: a plain sumo run reproduces its first seed.
    const planJson = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(planJson.signals.default ?? 'fixed').toBe(written[0].control);
    const tripinfo = path.join(c.dir, 'by-hand-plan.xml');
    const seed = v.sumo.seeds[0];
    const hand = spawnSync('sumo', ['-n', c.net, '-r', c.routes, '-a', path.join(out, 'plan.add.xml'), '--seed', String(seed), '--begin', '0', '--end', '1800', '--tripinfo-output', tripinfo, '--no-step-log', 'true'], { encoding: 'utf8' });
    expect(hand.status, hand.stderr).toBe(0);
    const losses = [...readFileSync(tripinfo, 'utf8').matchAll(/timeLoss="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(losses.reduce((s, x) => s + x, 0) / losses.length).toBeCloseTo(optimisedRow.measured.perSeed[0].meanTimeLoss, 9);
  });
});

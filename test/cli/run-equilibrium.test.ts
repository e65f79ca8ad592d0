/**
 * `greenwave run` with route choice at equilibrium (`--route-choice equilibrium`
 * or `simulation.routeChoice: equilibrium`), run as a real process: the
 * convergence in convergence.csv, summary.json and the table, and the located
 * refusals of settings that do not fit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-equilibrium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function scenario(name: string, simulation: string): string {
  const file = join(dir, name);
  writeFileSync(file, `name: eq
network: { generator: grid, rows: 3, cols: 3, spacingM: 200, attachLengthM: 100, signals: intersections }
demand:
  flows:
    - { id: a, from: w0, to: e2, vehPerHour: 900, beginS: 0, endS: 900 }
    - { id: b, from: n0, to: s2, vehPerHour: 900, beginS: 0, endS: 900 }
${simulation}
`);
  return file;
}

describe('greenwave run --route-choice equilibrium', () => {
  it('takes back a move that overshoots: the iteration is marked rejected on its line and in convergence.csv, and the next is drawn from the accepted routes', () => {
    const out = join(dir, 'out-rejected');
    const file = scenario('eq-rejected.yaml', 'simulation: { endS: 2400, seed: 3, equilibrium: { maxIterations: 6, relativeGap: 0 } }');
    const r = greenwave('run', file, '--route-choice', 'equilibrium', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(','));
    // measured: 64.7, 39.3, 17.3, then 30.1% (rejected: above 17.3% + the threshold 0), 4.4% from the redrawn move, 5.0% (the budget's last)
    const rejected = rows.filter((row) => row[18] === '1').map((row) => Number(row[0]));
    expect(rejected).toEqual([4]);
    expect(Number(rows[3][1])).toBeGreaterThan(Number(rows[2][1]));
    expect(Number(rows[4][1])).toBeLessThan(Number(rows[2][1])); // the redrawn, smaller move (rows[3][10] movers, fewer than iteration 3's) does not overshoot
    expect(Number(rows[3][10])).toBeLessThan(Number(rows[2][10]));
    expect(r.stderr).toMatch(/iteration 4: relative gap [\d.]+% \(rejected: the move overshot, drawn again from the last accepted routes with a smaller step\)/);
    expect(r.stderr.match(/rejected: the move overshot/g)).toHaveLength(1);
  });

  it('iterates, prints a line per iteration, and writes convergence.csv and the summary block', () => {
    const out = join(dir, 'out');
    const file = scenario('eq.yaml', 'simulation: { endS: 2400, seed: 3, equilibrium: { maxIterations: 4, relativeGap: 0 } }');
    // simulation.equilibrium without routeChoice is refused (next test); the flag sets it.
    const refused = greenwave('run', file, '--no-files');
    expect(refused.code).toBe(2);
    const r = greenwave('run', file, '--route-choice', 'equilibrium', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/equilibrium seed 3 iteration \d+: relative gap/g)).toHaveLength(4);
    // the budget's end measures the split-sample figures, and its line gives them
    expect(r.stderr).toMatch(/iteration 4: relative gap [\d.]+% \(half-sample gap [\d.]+%, cross-fitted gap -?[\d.]+%\),/);
    expect(r.stderr).not.toMatch(/iteration [1-3]: relative gap [\d.]+% \(/);
    const summary = JSON.parse(r.stdout) as { equilibrium: { converged: boolean; iterations: number; relativeGap: number; convergence: Array<{ iteration: number; gap: number; unfinished: number }> }; totals: { meanTravelTime: number } };
    expect(summary.equilibrium.iterations).toBe(4); // relativeGap 0: the budget ends it
    expect(summary.equilibrium.converged).toBe(false);
    expect(summary.equilibrium.convergence.map((c) => c.iteration)).toEqual([1, 2, 3, 4]);
    expect(summary.equilibrium.relativeGap).toBe(summary.equilibrium.convergence[3].gap);
    const csv = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n');
    // a plain header row first (provenance is in metadata.json)
    expect(csv[0]).toBe('iteration,relative_gap,mean_travel_time_s,mean_time_all_trips_s,trips,arrived,unfinished,unroutable,gridlock,slower_than_fastest,switched,simulate_s,route_s,route_labels,half_sample_gap,cross_fit_gap,newest_cost_gap,mean_alternatives,rejected');
    expect(csv).toHaveLength(1 + 4);
    // the noise check runs on the last iteration only, when the budget ends the run
    expect(csv.slice(1).map((row) => row.split(',')[14] === '')).toEqual([true, true, true, false]);
    expect(csv.slice(1).map((row) => row.split(',')[15] === '')).toEqual([true, true, true, false]);
    expect(csv.slice(1).every((row) => row.split(',')[16] === row.split(',')[1])).toBe(true); // gapCosts newest: the same gap
    expect(csv.slice(1).every((row) => Number(row.split(',')[13]) > 0)).toBe(true);
    // rejected: 1 exactly where the gap rose above the last accepted one's by more than the threshold (0 here),
    // except on the budget's last iteration, which is the result; the progress line says so
    let accepted = Number(csv[1].split(',')[1]);
    for (const row of csv.slice(2)) {
      const [k, gap, rejected] = [Number(row.split(',')[0]), Number(row.split(',')[1]), row.split(',')[18]];
      expect(rejected).toBe(k < 4 && gap > accepted ? '1' : '0');
      if (rejected === '0') accepted = gap;
      expect(r.stderr.includes(`iteration ${k}: relative gap`) && new RegExp(`iteration ${k}: [^\\n]*rejected: the move overshot`).test(r.stderr)).toBe(rejected === '1');
    }
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'))).toMatchObject({ kind: 'run', scenario: 'eq', seed: 3 });
    const last = csv[4].split(',');
    expect(Number(last[0])).toBe(4);
    expect(Number(last[2])).toBeCloseTo(summary.totals.meanTravelTime, 2); // the reported run is the last iteration's
    const table = greenwave('run', file, '--route-choice', 'equilibrium', '--no-files', '-q');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/route choice\s+equilibrium \(route swaps on turn times over 900 s\) NOT reached: relative gap [\d.]+% after 4 iterations/);
    expect(table.stderr).toBe('');
    // --route-choice departure sets the equilibrium settings aside: one run with routes fixed at departure, no iterations
    const fixed = greenwave('run', file, '--route-choice', 'departure', '--no-files', '--json', '-q');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((JSON.parse(fixed.stdout) as { equilibrium?: unknown }).equilibrium).toBeUndefined();
    expect(fixed.stderr).not.toMatch(/iteration \d+: relative gap/);
  });

  it('says when it stopped because what remains of the gap is sampling noise, in the table, summary.json and report.html', () => {
    // The bundled grid at twice its demand over 5-minute intervals: the gap stalls near 1.4% and the noise check stops the run (test/optimise/equilibrium-grid.test.ts).
    const grid = readFileSync('scenarios/grid-4x4/scenario.yaml', 'utf8').replace(/^simulation:/m, 'simulation:\n  routeChoice: equilibrium\n  equilibrium: { intervalS: 300 }');
    const file = join(dir, 'grid-noise.yaml');
    writeFileSync(file, grid);
    const out = join(dir, 'out-noise');
    const r = greenwave('run', file, '--demand-scale', '2', '--out', out, '--report', '-q');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/route choice\s+equilibrium \(route swaps on turn times over 300 s\) NOT reached: relative gap [\d.]+% after (5|10|15|20|25) iterations \(stopped: what remains is sampling noise, cross-fitted gap -[\d.]+%\)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { equilibrium: { converged: boolean; stopped: string; iterations: number; convergence: Array<{ crossFitGap?: number }> } };
    expect(summary.equilibrium).toMatchObject({ converged: false, stopped: 'noise' });
    expect(summary.equilibrium.convergence.at(-1)!.crossFitGap).toBeLessThan(-0.01);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('NOT converged, but what remains of the gap is sampling noise (cross-fitted gap -');
    // noiseCheckEvery: 0 runs to the budget
    writeFileSync(join(dir, 'grid-budget.yaml'), grid.replace('equilibrium: { intervalS: 300 }', 'equilibrium: { intervalS: 300, noiseCheckEvery: 0, maxIterations: 25 }'));
    const ran = greenwave('run', join(dir, 'grid-budget.yaml'), '--demand-scale', '2', '--no-files', '-q');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/NOT reached: relative gap [\d.]+% after 25 iterations \(the iteration budget ran out\)/);
  });

  it('judges the gap on the smoothed costs with gapCosts: smoothed, and reports the newest-cost gap beside it', () => {
    const out = join(dir, 'out-smoothed');
    const file = scenario('sm.yaml', 'simulation: { endS: 2400, seed: 3, routeChoice: equilibrium, equilibrium: { maxIterations: 4, relativeGap: 0, gapCosts: smoothed, costSmoothing: 0.2 } }');
    const r = greenwave('run', file, '--out', out, '-q');
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(','));
    expect(rows).toHaveLength(4);
    expect(rows[0][16]).toBe(rows[0][1]); // nothing to smooth after the first simulation
    expect(rows.slice(1).some((row) => row[16] !== row[1])).toBe(true);
  });

  it('runs Gawron\'s route choice with method: gawron: route sets grow, convergence.csv says how large, deterministic by seed', () => {
    const out = join(dir, 'out-gawron');
    const file = scenario('gw.yaml', 'simulation: { endS: 2400, seed: 3, routeChoice: equilibrium, equilibrium: { method: gawron, costsBy: link, maxIterations: 4, relativeGap: 0, maxAlternatives: 3 } }');
    const r = greenwave('run', file, '--out', out, '-q');
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(','));
    expect(rows).toHaveLength(4);
    const alternatives = rows.slice(0, 3).map((row) => Number(row[17]));
    expect(alternatives.every((a) => a >= 1 && a <= 3)).toBe(true); // at most maxAlternatives routes per driver
    expect(alternatives[2]).toBeGreaterThan(1); // the fastest routes on the measured times joined the sets
    expect(rows[3][17]).toBe(''); // no update after the last iteration
    const again = greenwave('run', file, '--out', join(dir, 'out-gawron-2'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/route choice\s+equilibrium \(Gawron's route sets on link times over 900 s, yielding turns \+1.5 s\) NOT reached/); // SUMO's minor penalty: the default with link costs
    const strip = (text: string): string[] => text.trim().split('\n').map((row) => row.split(',').filter((_, c) => c < 11 || c > 13).join(','));
    expect(strip(readFileSync(join(dir, 'out-gawron-2', 'convergence.csv'), 'utf8'))).toEqual(strip(readFileSync(join(out, 'convergence.csv'), 'utf8')));
    const mixed = greenwave('validate', scenario('gm.yaml', 'simulation: { endS: 1800, routeChoice: equilibrium, equilibrium: { method: gawron, gapCosts: smoothed } }'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/gm\.yaml:\d+:\d+/);
    expect(mixed.stderr).toContain('simulation.equilibrium.gapCosts applies to method: swap only');
  });

  it('refuses equilibrium settings without routeChoice: equilibrium, en-route re-routing with it, and a bad flag, located', () => {
    const orphan = greenwave('validate', scenario('orphan.yaml', 'simulation: { endS: 1800, equilibrium: { maxIterations: 5 } }'));
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toMatch(/orphan\.yaml:\d+:\d+/);
    expect(orphan.stderr).toContain('simulation.equilibrium only applies with routeChoice: equilibrium');
    const both = greenwave('validate', scenario('both.yaml', 'simulation: { endS: 1800, routeChoice: equilibrium, rerouteShare: 0.2 }'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('simulation.rerouteShare');
    const bad = greenwave('validate', scenario('bad.yaml', 'simulation: { endS: 1800, routeChoice: learnt }'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('routeChoice');
    const costs = greenwave('validate', scenario('gc.yaml', 'simulation: { endS: 1800, routeChoice: equilibrium, equilibrium: { gapCosts: latest } }'));
    expect(costs.code).toBe(2);
    expect(costs.stderr).toMatch(/gc\.yaml:\d+:\d+/);
    expect(costs.stderr).toContain('gapCosts');
    const weight = greenwave('validate', scenario('cs.yaml', 'simulation: { endS: 1800, routeChoice: equilibrium, equilibrium: { costSmoothing: 0 } }'));
    expect(weight.code).toBe(2);
    expect(weight.stderr).toContain('costSmoothing');
    const flag = greenwave('run', scenario('ok.yaml', 'simulation: { endS: 1800 }'), '--route-choice', 'learnt', '--no-files');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--route-choice must be "departure" or "equilibrium"');
  });

  it('with --workers 2 runs the seeds\' equilibria on a pool, each with the figures it has in this thread', () => {
    const file = scenario('eq-pool.yaml', 'simulation: { endS: 2400, seed: 3, routeChoice: equilibrium, equilibrium: { maxIterations: 5, relativeGap: 0 } }');
    type Summary = { replications: Array<{ seed: number; totals: Record<string, number>; equilibrium: { converged: boolean; iterations: number; relativeGap: number } }> };
    const pooled = greenwave('run', file, '--replications', '3', '--workers', '2', '--no-files', '--json');
    expect(pooled.code, pooled.stderr).toBe(0);
    // on the pool, a line per seed as it ends (no iteration lines)
    expect(pooled.stderr).not.toMatch(/iteration \d+:/);
    for (const seed of [3, 4, 5]) expect(pooled.stderr).toMatch(new RegExp(`equilibrium seed ${seed}: NOT reached after 5 iterations, relative gap [\\d.]+%`));
    const serial = greenwave('run', file, '--replications', '3', '--workers', '1', '--no-files', '--json');
    expect(serial.code, serial.stderr).toBe(0);
    expect(serial.stderr.match(/equilibrium seed \d iteration \d+:/g)).toHaveLength(15); // in this thread: a line per iteration
    const a = (JSON.parse(pooled.stdout) as Summary).replications;
    const b = (JSON.parse(serial.stdout) as Summary).replications;
    expect(a.map((r) => r.seed)).toEqual([3, 4, 5]);
    // Same demand, same seed, same equilibrium wherever it ran.
    expect(a).toEqual(b);
    expect(new Set(a.map((r) => r.totals.meanTravelTime)).size).toBe(3); // seeds differ, so this compares something
    expect(a.every((r) => r.equilibrium.iterations === 5 && r.equilibrium.relativeGap > 0)).toBe(true);
  }, 600_000);

  it('shows the convergence to equilibrium in report.html, from run --report and from greenwave report (summary.json or convergence.csv)', () => {
    const file = scenario('eq-report.yaml', 'simulation: { endS: 2400, seed: 3, routeChoice: equilibrium, equilibrium: { maxIterations: 4, relativeGap: 0 } }');
    const out = join(dir, 'eq-report');
    const r = greenwave('run', file, '--report', '--out', out, '-q');
    expect(r.code, r.stderr).toBe(0);
    // points of the gap's line: one move and a line to each next iteration
    const dots = (page: string): number => (/data-series="relative gap" d="([^"]*)"/.exec(page)?.[1].match(/[ML]/g) ?? []).length;
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toMatch(/<h2>Route choice: convergence to equilibrium<\/h2>/);
    expect(page).toMatch(/NOT converged\. Relative gap \(.*?\) [\d.]+% after 4 iterations/);
    expect(dots(page)).toBe(4); // one point per iteration
    // greenwave report reads it back (the run's convergence.csv is not the optimiser's, and must not be read as one)
    const again = greenwave('report', out, '-o', join(dir, 'again.html'));
    expect(again.code, again.stderr).toBe(0);
    expect(dots(readFileSync(join(dir, 'again.html'), 'utf8'))).toBe(4);
    // without summary.json (not among the scenario's output files) the iterations come from convergence.csv
    const lean = scenario('eq-lean.yaml', 'simulation: { endS: 2400, seed: 3, routeChoice: equilibrium, equilibrium: { maxIterations: 4, relativeGap: 0 } }\noutputs: { files: [links.csv] }');
    const leanOut = join(dir, 'eq-lean');
    const run = greenwave('run', lean, '--out', leanOut, '-q');
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(leanOut, 'summary.json'))).toBe(false);
    const csvOnly = greenwave('report', leanOut, '-o', join(dir, 'csv-only.html'));
    expect(csvOnly.code, csvOnly.stderr).toBe(0);
    const fromCsv = readFileSync(join(dir, 'csv-only.html'), 'utf8');
    expect(fromCsv).toMatch(/Relative gap \(.*?\) [\d.]+% after 4 iterations/);
    expect(dots(fromCsv)).toBe(4);
  }, 600_000);
});

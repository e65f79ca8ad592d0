/**
 * `greenwave calibrate` as a planner meets it, run as a real process: the three
 * files (calibrated scenario, calibration.csv with a plain header, calibration.json),
 * the summary on stdout (table or --json), the calibrated scenario reproducing the
 * scored counts when run, exit 2 with located messages for bad count files and
 * options, and Ctrl-C: a prompt stop, writing the best finished iteration or
 * nothing at all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-calibrate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const network = (n: number): string => `network: { generator: grid, rows: ${n}, cols: ${n}, attachLengthM: 150 }`;
const TRUTH = `name: truth
${network(3)}
demand:
  flows:
    - { from: w0, to: e2, vehPerHour: 300, begin: "07:00", end: "08:00" }
    - { from: s0, to: n2, vehPerHour: 250, begin: "07:00", end: "08:00" }
    - { from: e1, to: w2, vehPerHour: 200, begin: "07:00", end: "08:00", arrivals: poisson }
    - { from: n1, to: s2, vehPerHour: 350, begin: "07:15", end: "08:00", arrivals: poisson }
simulation: { start: "07:00", end: "08:00", seed: 4 }
`;
const EMPTY = `name: grid-counts\n${network(3)}\ndemand: {}\nsimulation: { start: "07:00", end: "08:00", seed: 4 }\n`;
const clock = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

/** Vehicles entering each link per 15 minutes when `scenarioFile` runs: a CSV counts file. */
async function countsCsv(scenarioFile: string): Promise<{ csv: string; byKey: Map<string, number> }> {
  const built = buildScenario(await loadScenario(scenarioFile));
  const start = built.options.start!;
  const byKey = new Map<string, number>();
  simulate(built.compiled, built.trips, built.signals, {
    ...built.options,
    attach: (sim) => sim.observe({ enter(_v, l, t) { const k = `${built.compiled.linkKey(l)}@${Math.floor((t - start) / 900)}`; byKey.set(k, (byKey.get(k) ?? 0) + 1); } }),
  });
  const lines = ['location,begin,end,vehicles'];
  for (let l = 0; l < built.compiled.linkCount; l++) {
    for (let q = 0; q < 4; q++) lines.push(`${built.compiled.linkKey(l)},${clock(start + 900 * q)},${clock(start + 900 * (q + 1))},${byKey.get(`${built.compiled.linkKey(l)}@${q}`) ?? 0}`);
  }
  return { csv: `${lines.join('\n')}\n`, byKey };
}

describe('greenwave calibrate', async () => {
  const truth = file('truth.yaml', TRUTH);
  const empty = file('empty.yaml', EMPTY);
  const { csv } = await countsCsv(truth);
  const counts = file('counts.csv', csv);

  it('writes the calibrated scenario, calibration.csv and calibration.json, and prints the fit', async () => {
    const out = join(dir, 'out', 'calibrated.scenario.json');
    const r = greenwave('calibrate', empty, '--counts', counts, '-o', out, '--seed', '9');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('grid-counts calibrated to 192 counts at 48 locations, 07:00:00-08:00:00 (seed 9, trip ends: boundary)');
    expect(r.stdout).toMatch(/calibrated {8}GEH < 5 for \d+\.\d% of 192 interval counts/);
    expect(r.stdout).toContain('consistency of the counts: no contradictions');
    expect(r.stderr).toMatch(/iteration 1\/12: [\d,]+ trips simulated: GEH < 5 for/);
    const table = readFileSync(join(dir, 'out', 'calibration.csv'), 'utf8').trim().split('\n');
    expect(table[0]).toBe('location,begin,end,observed,simulated,geh');
    expect(table).toHaveLength(193);
    expect(table[1]).toMatch(/^r0c0>r0c1,07:00:00,07:15:00,\d+,\d+,\d+(\.\d+)?$/);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'calibration.json'), 'utf8'));
    expect(summary).toMatchObject({ scenario: 'grid-counts', seed: 9, tripEnds: 'boundary', interrupted: false });
    expect(summary.fit.shareGehBelow5).toBeGreaterThanOrEqual(0.95);
    expect(summary.consistency.problems).toEqual([]);

    // The calibrated scenario runs the demand exactly as scored.
    const calibrated = JSON.parse(readFileSync(out, 'utf8'));
    expect(calibrated.name).toBe('grid-counts-calibrated');
    expect(calibrated.simulation.seed).toBe(9);
    expect(calibrated.demand.trips.length).toBe(summary.trips);
    const rerun = await countsCsv(out);
    for (const row of table.slice(1)) {
      const [location, begin, , , simulated] = row.split(',');
      const q = (Number(begin.slice(0, 2)) * 3600 + Number(begin.slice(3, 5)) * 60 - 7 * 3600) / 900;
      expect(rerun.byKey.get(`${location}@${q}`) ?? 0, row).toBe(Number(simulated));
    }
  });

  it('prints the summary as JSON with --json', () => {
    const r = greenwave('calibrate', empty, '--counts', counts, '-o', join(dir, 'json', 'c.json'), '--json', '-q', '--iterations', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary.outputs).toEqual([join(dir, 'json', 'c.json'), join(dir, 'json', 'calibration.csv'), join(dir, 'json', 'calibration.json')]);
    expect(summary.iterations.length).toBeLessThanOrEqual(2);
    for (const key of ['shareGehBelow5', 'periodShareGehBelow5', 'r2', 'rmse', 'totals', 'worst']) expect(summary.fit).toHaveProperty(key);
  });

  it('with --report runs the calibrated scenario and writes report.html with the calibration section', () => {
    const out = join(dir, 'report', 'c.json');
    const r = greenwave('calibrate', empty, '--counts', counts, '-o', out, '--iterations', '1', '--report', '-q');
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['network.geojson', 'summary.json', 'report.html']) expect(existsSync(join(dir, 'report', f)), f).toBe(true);
    const page = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    expect(page).toContain('<section id="calibration">');
    expect((page.match(/class="count-link"/g) ?? []).length).toBe(48);
    expect(JSON.parse(readFileSync(join(dir, 'report', 'summary.json'), 'utf8')).scenario).toBe('grid-counts-calibrated');
  });

  const bad: Array<[string, string, RegExp[]]> = [
    ['unknown link', 'location,begin,end,vehicles\nr0c0>r0c1,07:00,07:15,5\nr0c0>r0c7,07:00,07:15,5\n', [/bad-unknown-link\.csv:3 {2}location {2}expected a link id or a movement "fromLink>toLink", found "r0c0>r0c7" \(no such link; did you mean "r0c0>r0c1"\?\)/]],
    ['overlap', 'location,begin,end,vehicles\nr0c0>r0c1,07:00,07:15,5\nr0c0>r0c1,07:10,07:25,5\n', [/bad-overlap\.csv:3 {2}begin {2}expected intervals of "r0c0>r0c1" that do not overlap, found 07:10:00-07:25:00/, /counted at .*bad-overlap\.csv:2/]],
    ['negative', 'location,begin,end,vehicles\nr0c0>r0c1,07:00,07:15,-5\n', [/bad-negative\.csv:2 {2}vehicles {2}expected a number of vehicles >= 0, found "-5"/]],
    ['text', 'location,begin,end,vehicles\nr0c0>r0c1,07:00,07:15,five\n', [/bad-text\.csv:2 {2}vehicles {2}expected a number of vehicles >= 0, found "five"/]],
    ['outside', 'location,begin,end,vehicles\nr0c0>r0c1,08:00,08:15,5\n', [/bad-outside\.csv:2 {2}end {2}expected a count interval inside the scenario's run 07:00:00-08:00:00/]],
  ];
  for (const [name, text, patterns] of bad) {
    it(`exits 2 with a located message for a counts file with ${name === 'text' ? 'a non-numeric count' : `a${name === 'unknown link' || name === 'overlap' || name === 'outside' ? 'n' : ''} ${name}${name === 'outside' ? ' count' : ''}`}`, () => {
      const f = file(`bad-${name.replace(/ /g, '-')}.csv`, text);
      const r = greenwave('calibrate', empty, '--counts', f, '-o', join(dir, `never-${name}`, 'c.json'));
      expect(r.code, r.stderr).toBe(2);
      for (const p of patterns) expect(r.stderr).toMatch(p);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
      expect(existsSync(join(dir, `never-${name}`))).toBe(false);
    });
  }

  it('exits 2 for bad XML, a bad option or no counts, without a stack trace', () => {
    const xml = file('bad.xml', '<meandata>\n  <interval begin="0" end="900">\n    <edge id="r0c0>r0c1" entered="3">\n</meandata>\n');
    const r = greenwave('calibrate', empty, '--counts', xml);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.xml:4 {2}malformed XML/);
    const ends = greenwave('calibrate', empty, '--counts', counts, '--trip-ends', 'edges');
    expect(ends.code).toBe(2);
    expect(ends.stderr).toContain('--trip-ends must be one of auto, boundary, any, got "edges"');
    expect(greenwave('calibrate', empty).code).toBe(2);
    expect(greenwave('calibrate', empty, '--counts', counts, '--iterations', '0').code).toBe(2);
  });
});

describe('greenwave calibrate and Ctrl-C', async () => {
  const big = file('big.yaml', TRUTH.replace(network(3), network(5)).replace(/e2/g, 'e4').replace(/n2/g, 'n4').replace(/w2/g, 'w4').replace(/s2/g, 's4'));
  const empty = file('big-empty.yaml', EMPTY.replace(network(3), network(5)));
  const counts = file('big-counts.csv', (await countsCsv(big)).csv);

  /**
   * Start a calibration, send SIGINT when stderr first matches `when`; resolve with the exit, the output, and
   * the stderr written after the signal (a prompt stop starts no further iteration, whatever the machine's speed).
   */
  function interrupt(out: string, when: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; afterSignal: string }> {
    const child = spawn(process.execPath, greenwaveArgs('calibrate', empty, '--counts', counts, '-o', out, '--iterations', '200'));
    let stdout = '';
    let stderr = '';
    let signalledAt = -1;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (signalledAt < 0 && when.test(stderr)) {
        signalledAt = stderr.length;
        child.kill('SIGINT');
      }
    });
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, afterSignal: stderr.slice(signalledAt) })));
  }

  it('during the first estimate: stops, writes nothing, exits 130', async () => {
    const out = join(dir, 'int-early', 'c.json');
    const r = await interrupt(out, /iteration 1\/200: estimating/);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted before a calibrated demand was simulated; nothing written');
    expect(existsSync(join(dir, 'int-early'))).toBe(false);
    expect(r.afterSignal).not.toMatch(/iteration [2-9]\d*\/200/); // stopped within the first iteration
  });

  it('after an iteration: writes the best finished one, complete, and exits 130', async () => {
    const out = join(dir, 'int-late', 'c.json');
    const r = await interrupt(out, /iteration 1\/200: [\d,]+ trips simulated/);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('the best finished iteration is written');
    expect(readdirSync(join(dir, 'int-late')).sort()).toEqual(['c.json', 'calibration.csv', 'calibration.json']);
    const summary = JSON.parse(readFileSync(join(dir, 'int-late', 'calibration.json'), 'utf8'));
    expect(summary.interrupted).toBe(true);
    expect(summary.stopReason).toBe('interrupted');
    expect(JSON.parse(readFileSync(out, 'utf8')).demand.trips.length).toBe(summary.trips);
    expect(readFileSync(join(dir, 'int-late', 'calibration.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 4 * 120);
    // Stopped inside the iteration running at the signal: no iteration started after it, and it was not finished.
    expect(r.afterSignal).not.toMatch(/iteration ([3-9]|\d\d+)\/200/);
    expect(summary.iterations.length).toBeLessThanOrEqual(2);
  });
});

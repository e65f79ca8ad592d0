/**
 * `greenwave report` and `greenwave run --report` as a planner meets them, run
 * as real processes: files written, exit codes 0 and 2, located messages with
 * no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greenwaveArgs } from '../fixtures/cli.js';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, greenwaveArgs(...args), { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const SCENARIO = `name: tiny
network: { generator: corridor, junctions: 3, spacingM: 250, endLengthM: 200, sideLengthM: 150 }
demand:
  flows:
    - { id: east, from: west, to: east, vehPerHour: 600, beginS: 0, endS: 1200 }
simulation: { endS: 1800, seed: 5, intervalS: 300 }
outputs: { files: [summary.json] }
`;

describe('greenwave run --report', () => {
  it('writes every output, the recordings and report.html, even when the scenario asks for fewer files', () => {
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, SCENARIO);
    const out = join(dir, 'out');
    const r = greenwave('run', file, '--out', out, '--report', '--corridor', 'west:east', '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['summary.json', 'network.geojson', 'junctions.csv', 'junction-timeseries.csv', 'link-flows.csv', 'corridor.json', 'report.html']) {
      expect(existsSync(join(out, f))).toBe(true);
      expect(r.stdout).toContain(join(out, f));
    }
    const corridor = JSON.parse(readFileSync(join(out, 'corridor.json'), 'utf8'));
    expect(corridor.directions[0].name).toBe('arterial, west to east'); // named after the street carrying most of it
    expect(corridor.directions[0].links.map((l: { id: string }) => l.id)).toEqual(['west>j0', 'j0>j1', 'j1>j2', 'j2>east']);
    expect(corridor.directions[1].name).toBe('arterial, east to west');
    // link-flows.csv: a signalised approach has a green share below 1, an exit link exactly 1.
    const flows = readFileSync(join(out, 'link-flows.csv'), 'utf8').split('\n');
    expect(flows[0]).toMatch(/^id,green_share,/);
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).files).toHaveProperty(['link-flows.csv']);
    const share = (id: string): number => Number(flows.find((l) => l.startsWith(`${id},`))?.split(',')[1]);
    expect(share('west>j0')).toBeGreaterThan(0.2);
    expect(share('west>j0')).toBeLessThan(0.8);
    expect(share('j2>east')).toBe(1);

    // greenwave report re-renders the same directory elsewhere.
    const page = join(dir, 'again.html');
    const again = greenwave('report', out, '-o', page, '--junction', 'j1');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/again\.html \(\d+ KB\)/);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/class="junction-chart"/g)).toHaveLength(1);
    expect(html).toContain('data-junction="j1"');
  });

  it('exits 2 with a message naming the junction for a bad --corridor, and for --report with --no-files', () => {
    const file = join(dir, 'tiny2.yaml');
    writeFileSync(file, SCENARIO);
    const bad = greenwave('run', file, '--out', join(dir, 'o2'), '--report', '--corridor', 'west:nowhere', '-q');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no junction "nowhere"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const shape = greenwave('run', file, '--report', '--corridor', 'west', '-q');
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('FROM:TO');
    const noFiles = greenwave('run', file, '--report', '--no-files', '-q');
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toContain('--no-files');
  });
});

describe('greenwave optimise --report', () => {
  it('writes report.html beside convergence.csv and comparison.json, with the paired differences to Webster', () => {
    const file = join(dir, 'tiny-opt.yaml');
    writeFileSync(file, SCENARIO);
    const out = join(dir, 'opt');
    const r = greenwave('optimise', file, '--out', out, '--budget', '6', '--seeds', '1', '--held-out', '2', '--workers', '1', '--report', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, 'report.html'));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const plan of ['current', 'webster', 'optimised']) expect(html).toContain(`<tr data-plan="${plan}">`);
    expect(html).toContain('minus webster');
    expect(html).toMatch(/Δ [+-]?\d/);
    expect(html).toContain('id="convergence"');
  });
});

describe('greenwave report', () => {
  it('exits 2 with a located message for a directory without outputs or with a malformed file', () => {
    const empty = join(dir, 'empty');
    const missing = greenwave('report', empty);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('holds no greenwave outputs');
    const bad = join(dir, 'bad');
    spawnSync('mkdir', ['-p', bad]);
    writeFileSync(join(bad, 'timeseries.csv'), '# greenwave\ntime_s,in_network,waiting,queued,departed,arrived,mean_travel_time_s\n300,1,0,0,1,0,\n600,x,0,0,0,1,50\n');
    const r = greenwave('report', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timeseries.csv:4 in_network: expected a number, found "x"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

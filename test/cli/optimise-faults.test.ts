/**
 * `greenwave optimise` on the faults of issue 24: the budget is never exceeded
 * (`--budget 6` used to give 9 evaluations), a run stopped before its first
 * checkpoint can be resumed as the message says (it used to answer "no
 * checkpoint"), and a tampered or corrupt checkpoint is refused with its file
 * and path (it used to be reported as the result, or crash).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, greenwave as run } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-optimise-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const greenwave = (...args: string[]) => run(args, 180_000);

const file = join(dir, 'two-signals.yaml');
writeFileSync(file, `name: two-signals
network: { generator: corridor, junctions: 2, spacingM: 250, endLengthM: 250, sideLengthM: 150, lanes: 1 }
demand:
  flows:
    - { id: eb, from: west, to: east, vehPerHour: 500, beginS: 0, endS: 600, arrivals: poisson }
    - { id: wb, from: east, to: west, vehPerHour: 400, beginS: 0, endS: 600, arrivals: poisson }
    - { id: side, from: n1, to: s1, vehPerHour: 150, beginS: 0, endS: 600, arrivals: poisson }
simulation: { endS: 1800, seed: 3 }
`);

describe('greenwave optimise: budget, early stop, checkpoints', () => {
  it('--budget 6 gives 6 evaluations in all (2 per kind of plan), never more', () => {
    const out = join(dir, 'budget');
    const r = greenwave('optimise', file, '--budget', '6', '--seeds', '1', '--demand-scales', '1', '--workers', '1', '--out', out, '--no-compare', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { evaluations: number; training: { searches: Array<{ evaluations: number }> } };
    expect(json.training.searches.map((s) => s.evaluations)).toEqual([2, 2, 2]);
    const rows = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n').slice(1); // the header row first
    expect(rows).toHaveLength(6);
  }, 180_000);

  it('stopped before the first checkpoint, it says to --resume, and --resume starts from the beginning', async () => {
    const out = join(dir, 'early');
    const child = spawn(process.execPath, [...CLI_ARGS, 'optimise', file, '--budget', '40', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The command logs its plan once the evaluator is ready; the first batch (a dozen plans x 2 seeds x 3 demand variants) follows.
    while (!/optimising two-signals/.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(existsSync(join(out, 'checkpoint-fixed.json'))).toBe(false);
    expect(stderr).toMatch(/interrupted before any plan was scored; continue with: greenwave optimise .* --resume/);
    const resumed = greenwave('optimise', file, '--budget', '40', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0); // before: "--resume: no checkpoint"
    expect(resumed.stderr).toMatch(/stopped before any search finished its first batch; starting from the beginning/);
  }, 240_000);

  it('refuses a tampered or corrupt checkpoint with its file and path, never reporting it as a result', () => {
    const out = join(dir, 'tampered');
    const args = ['optimise', file, '--budget', '12', '--seeds', '1', '--demand-scales', '1', '--workers', '1', '--out', out, '--no-compare', '-q'];
    expect(greenwave(...args).code).toBe(0);
    const checkpoint = join(out, 'checkpoint-fixed.json');
    const original = readFileSync(checkpoint, 'utf8');
    const cases: Array<[(c: Record<string, unknown>) => void, RegExp]> = [
      [(c) => { (c.best as { value: number }).value = -1e9; }, /checkpoint-fixed\.json: best\.value: expected the best of the history/],
      [(c) => { c.history = null; }, /checkpoint-fixed\.json: history: not a valid greenwave checkpoint/],
      [(c) => { c.best = null; }, /checkpoint-fixed\.json: best: not a valid greenwave checkpoint/],
      [(c) => { c.start = null; }, /checkpoint-fixed\.json: start: not a valid greenwave checkpoint/],
    ];
    for (const [edit, message] of cases) {
      const c = JSON.parse(original) as Record<string, unknown>;
      edit(c);
      writeFileSync(checkpoint, JSON.stringify(c));
      const r = greenwave(...args, '--resume', '--budget', '24');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    writeFileSync(checkpoint, original.slice(0, 100)); // cut short, as by a crash of an older version
    const cut = greenwave(...args, '--resume');
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/checkpoint-fixed\.json: is not a greenwave checkpoint: not valid JSON/);
  }, 300_000);
});

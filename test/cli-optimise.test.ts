/**
 * `greenwave optimise` as a planner meets it, run as a real process: the files
 * it writes, bad options, and a run killed with SIGKILL mid-search that
 * `--resume` continues from its checkpoint without redoing finished evaluations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-optimise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARGS = ['--import', 'tsx', 'engine/cli/main.ts'];

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...ARGS, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const SCENARIO = `name: two-signals
drivingSide: right
network:
  generator: corridor
  junctions: 2
  spacingM: 250
  endLengthM: 250
  sideLengthM: 150
  lanes: 1
demand:
  flows:
    - { id: eb, from: west, to: east, vehPerHour: 500, beginS: 0, endS: 600, arrivals: poisson }
    - { id: wb, from: east, to: west, vehPerHour: 400, beginS: 0, endS: 600, arrivals: poisson }
    - { id: side, from: n1, to: s1, vehPerHour: 150, beginS: 0, endS: 600, arrivals: poisson }
simulation:
  endS: 1800
  seed: 3
`;
const file = join(dir, 'two-signals.yaml');
writeFileSync(file, SCENARIO);

describe('greenwave optimise', () => {
  it('writes the plan, a scenario with it, the convergence and the held-out comparison', () => {
    const out = join(dir, 'run');
    const r = greenwave('optimise', file, '--budget', '17', '--seeds', '2', '--held-out', '3', '--workers', '1', '--out', out, '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { evaluations: number; comparison: { heldOutSeeds: number[]; rows: Array<{ plan: string }> }; training: { seeds: number[] } };
    expect(summary.evaluations).toBeGreaterThanOrEqual(17);
    // held-out seeds never overlap the training seeds
    expect(summary.comparison.heldOutSeeds.some((s) => summary.training.seeds.includes(s))).toBe(false);
    expect(summary.comparison.rows.map((row) => row.plan)).toContain('optimised');
    for (const f of ['plan.json', 'optimised.scenario.json', 'convergence.csv', 'comparison.json', 'checkpoint.json']) expect(existsSync(join(out, f)), f).toBe(true);
    // the optimised scenario is a valid scenario file
    const check = greenwave('validate', join(out, 'optimised.scenario.json'));
    expect(check.code, check.stderr).toBe(0);
    const csv = readFileSync(join(out, 'convergence.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/^# greenwave/);
    expect(csv[1]).toBe('evaluation,batch,elapsedS,objective,best');
  }, 120_000);

  it('rejects bad options with exit 2 and no stack trace', () => {
    for (const [args, message] of [
      [['--objective', 'speed'], '--objective must be one of'],
      [['--method', 'genetic'], '--method must be one of'],
      [['--cycles', 'some'], '--cycles must be shared or per-junction'],
      [['--budget', '1'], '--budget must be an integer >= 2'],
      [['--resume', '--out', join(dir, 'nothing-here')], 'cannot read the checkpoint'],
    ] as const) {
      const r = greenwave('optimise', file, ...args, '-q');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('a run killed with SIGKILL resumes from its checkpoint; finished evaluations are not redone', async () => {
    const out = join(dir, 'killed');
    const args = [...ARGS, 'optimise', file, '--budget', '60', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare', '-q'];
    const child = spawn(process.execPath, args);
    const checkpoint = join(out, 'checkpoint.json');
    const evaluationsAt = (): number => {
      try {
        return (JSON.parse(readFileSync(checkpoint, 'utf8')) as { evaluations: number }).evaluations;
      } catch {
        return 0; // not written yet
      }
    };
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (evaluationsAt() >= 20) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 50);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the optimisation finished before it could be killed'));
      });
    });
    const before = JSON.parse(readFileSync(checkpoint, 'utf8')) as { evaluations: number; history: Array<{ evaluation: number; objective: number }> };
    expect(before.evaluations).toBeLessThan(60);
    const resumed = greenwave('optimise', file, '--budget', '60', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming at evaluation ${before.evaluations}`);
    const after = JSON.parse(readFileSync(checkpoint, 'utf8')) as { evaluations: number; history: Array<{ evaluation: number; objective: number }> };
    expect(after.evaluations).toBeGreaterThanOrEqual(60);
    // the history continues the killed run's: same first evaluations, then new ones, each evaluation once
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    expect(after.history.map((h) => h.evaluation)).toEqual(Array.from({ length: after.history.length }, (_, i) => i + 1));
    // a different option refuses the checkpoint
    const other = greenwave('optimise', file, '--budget', '60', '--seeds', '3', '--workers', '1', '--out', out, '--no-compare', '--resume', '-q');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('another scenario or other options');
  }, 180_000);
});

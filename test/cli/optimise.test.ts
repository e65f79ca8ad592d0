/**
 * `greenwave optimise` as a planner meets it, run as a real process: the files
 * it writes (for both kinds of plan it searches), bad options, and a run killed
 * with SIGKILL mid-search that `--resume` continues from its checkpoints without
 * redoing finished evaluations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/simulate.js';
import { runObjective } from '../../engine/optimise/optimise.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-optimise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARGS = greenwaveArgs();

function greenwave(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...ARGS, ...args], { encoding: 'utf8', timeout: 600_000 });
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
  it('searches fixed-time and actuated plans, writes the better one, a scenario with it, the convergence and the held-out comparison of both', () => {
    const out = join(dir, 'run');
    const r = greenwave('optimise', file, '--budget', '17', '--seeds', '2', '--held-out', '3', '--workers', '1', '--out', out, '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      evaluations: number; control: string; comparison: { heldOutSeeds: number[]; rows: Array<{ plan: string }> };
      training: { seeds: number[]; best: number; searches: Array<{ control: string; evaluations: number; best: number }> };
    };
    expect(summary.evaluations).toBeGreaterThanOrEqual(17);
    // the budget is shared: 9 fixed-time, 8 actuated (each rounded up to whole batches)
    expect(summary.training.searches.map((s) => s.control)).toEqual(['fixed', 'actuated']);
    expect(summary.training.searches[0].evaluations).toBeGreaterThanOrEqual(9);
    expect(summary.training.searches[1].evaluations).toBeGreaterThanOrEqual(8);
    // the written plan is the first of the re-ranking on fresh runs (README "The choice"), not simply the lowest training value
    const selection = (JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as { selection: { chosen: string; ranked: Array<{ label: string; training: number }> } }).selection;
    expect(selection.chosen).toBe(selection.ranked[0].label);
    const winner = summary.training.searches.find((s) => selection.chosen.startsWith(s.control === 'fixed' ? 'fixed-time' : 'actuated'))!;
    expect(summary.control).toBe(winner.control);
    expect(summary.training.best).toBe(selection.ranked[0].training);
    expect(summary.training.best).toBeGreaterThanOrEqual(winner.best);
    // held-out seeds never overlap the training seeds
    expect(summary.comparison.heldOutSeeds.some((s) => summary.training.seeds.includes(s))).toBe(false);
    const plans = summary.comparison.rows.map((row) => row.plan);
    expect(plans).toEqual(['current', 'webster', 'actuated', 'max-pressure', 'optimised', winner.control === 'fixed' ? 'best actuated' : 'best fixed-time']);
    for (const f of ['plan.json', 'optimised.scenario.json', 'convergence.csv', 'comparison.json', 'checkpoint-fixed.json', 'checkpoint-actuated.json', 'plan.add.xml']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // the plan says how it is run, so a fixed-time plan never runs as actuated or the reverse
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { signals: { default: string; actuated?: { gapS: number } } };
    expect(plan.signals.default).toBe(summary.control);
    expect(plan.signals.actuated !== undefined).toBe(summary.control === 'actuated');
    expect(readFileSync(join(out, 'plan.add.xml'), 'utf8')).toContain(`type="${summary.control === 'fixed' ? 'static' : 'actuated'}"`);
    // the optimised scenario is a valid scenario file
    const check = greenwave('validate', join(out, 'optimised.scenario.json'));
    expect(check.code, check.stderr).toBe(0);
    const csv = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^# greenwave/);
    expect(csv[1]).toBe('evaluation,batch,elapsedS,objective,best,control');
    // one line per evaluation of both searches, numbered on, the best so far never rising
    const rows = csv.slice(2).map((line) => line.split(','));
    expect(rows.length).toBe(summary.evaluations);
    expect(rows.map((row) => Number(row[0]))).toEqual(rows.map((_, i) => i + 1));
    expect(rows.map((row) => row[5])).toEqual([
      ...Array<string>(summary.training.searches[0].evaluations).fill('fixed'), ...Array<string>(summary.training.searches[1].evaluations).fill('actuated'),
    ]);
    rows.slice(1).forEach((row, i) => expect(Number(row[4])).toBeLessThanOrEqual(Number(rows[i][4])));
    expect(Number(rows[rows.length - 1][4])).toBeCloseTo(Math.min(...summary.training.searches.map((s) => s.best)), 2); // the lowest training value of both searches; the CSV keeps 3 decimals
  });

  it('--control fixed searches fixed-time plans only', () => {
    const out = join(dir, 'fixed');
    const r = greenwave('optimise', file, '--control', 'fixed', '--budget', '9', '--seeds', '1', '--workers', '1', '--out', out, '--no-compare', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { control: string; training: { searches: Array<{ control: string }> } };
    expect(summary.control).toBe('fixed');
    expect(summary.training.searches.map((s) => s.control)).toEqual(['fixed']);
    expect(existsSync(join(out, 'checkpoint-actuated.json'))).toBe(false);
    expect(readFileSync(join(out, 'plan.add.xml'), 'utf8')).toContain('type="static"');
  });

  it('--control actuated: the written scenario runs exactly the settings the search scored', async () => {
    const out = join(dir, 'actuated');
    const r = greenwave('optimise', file, '--control', 'actuated', '--budget', '12', '--seeds', '1', '--demand-scales', '1', '--workers', '1', '--out', out, '--no-compare', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { control: string; training: { best: number } };
    expect(summary.control).toBe('actuated');
    expect(existsSync(join(out, 'checkpoint-fixed.json'))).toBe(false);
    const best = (JSON.parse(readFileSync(join(out, 'checkpoint-actuated.json'), 'utf8')) as { best: { control: { kind: string; gap: number; detectorGap: number }; value: number } }).best;
    const written = buildScenario(await loadScenario(join(out, 'optimised.scenario.json')));
    // The plan written is the one the re-ranking on fresh runs chose among the search's best few (README, optimise step 6):
    // the training best, or one scored no more than a little worse in training.
    expect(written.signals.control.kind).toBe('actuated');
    expect(summary.training.best).toBeGreaterThanOrEqual(best.value);
    if (summary.training.best === best.value) expect(written.signals.control).toEqual(best.control);
    // one training seed at demand x1: the scenario's own run is the search's evaluation of the written plan
    const run = simulate(written.compiled, written.trips, written.signals, written.options);
    expect(runObjective(run.network, 'delay')).toBeCloseTo(summary.training.best, 9);
  });

  it('--resume refuses a checkpoint when an imported network file changed, though the scenario text did not', () => {
    const sub = join(dir, 'imported');
    mkdirSync(sub);
    for (const f of ['cross.sumocfg', 'cross.net.xml', 'cross.rou.xml', 'cross.add.xml']) copyFileSync(join('test/fixtures/sumo', f), join(sub, f));
    const scenario = join(sub, 'scenario.yaml');
    writeFileSync(scenario, 'name: imported-cross\nnetwork: { import: sumo, file: cross.sumocfg }\ndemand: {}\nsimulation: { endS: 900, seed: 1 }\n');
    const out = join(sub, 'out');
    const args = ['optimise', scenario, '--control', 'fixed', '--budget', '9', '--seeds', '1', '--workers', '1', '--out', out, '--no-compare', '-q'];
    const first = greenwave(...args);
    expect(first.code, first.stderr).toBe(0);
    // same inputs: the finished run resumes (nothing left to do)
    expect(greenwave(...args, '--resume').code).toBe(0);
    // the network file edited (a comment is enough): the checkpoint no longer describes this run
    writeFileSync(join(sub, 'cross.net.xml'), `${readFileSync(join(sub, 'cross.net.xml'), 'utf8')}<!-- edited -->\n`);
    const after = greenwave(...args, '--resume');
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('another scenario or other options');
  });

  it('rejects bad options with exit 2 and no stack trace', () => {
    for (const [args, message] of [
      [['--objective', 'speed'], '--objective must be one of'],
      [['--method', 'genetic'], '--method must be one of'],
      [['--cycles', 'some'], '--cycles must be shared or per-junction'],
      [['--budget', '1'], '--budget must be an integer in [2, 100,000]'],
      [['--budget', '3'], '--budget must be at least 4 with --control auto'],
      [['--control', 'adaptive'], '--control must be fixed, actuated or auto'],
      [['--resume', '--out', join(dir, 'nothing-here')], '--resume: no checkpoint in'],
    ] as const) {
      const r = greenwave('optimise', file, ...args, '-q');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a run killed with SIGKILL resumes from its checkpoint, then runs the search it had not begun; finished evaluations are not redone', async () => {
    const out = join(dir, 'killed');
    const args = [...ARGS, 'optimise', file, '--budget', '120', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare', '-q'];
    const child = spawn(process.execPath, args);
    const checkpoint = join(out, 'checkpoint-fixed.json');
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
    // killed in the fixed-time search: the actuated one had not begun
    expect(existsSync(join(out, 'checkpoint-actuated.json'))).toBe(false);
    const resumed = greenwave('optimise', file, '--budget', '120', '--seeds', '2', '--workers', '1', '--out', out, '--no-compare', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`fixed-time: resuming at evaluation ${before.evaluations}`);
    const after = JSON.parse(readFileSync(checkpoint, 'utf8')) as { evaluations: number; history: Array<{ evaluation: number; objective: number }> };
    expect(after.evaluations).toBeGreaterThanOrEqual(60);
    const actuated = JSON.parse(readFileSync(join(out, 'checkpoint-actuated.json'), 'utf8')) as { evaluations: number };
    expect(actuated.evaluations).toBeGreaterThanOrEqual(60);
    // the history continues the killed run's: same first evaluations, then new ones, each evaluation once
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    expect(after.history.map((h) => h.evaluation)).toEqual(Array.from({ length: after.history.length }, (_, i) => i + 1));
    // a different option refuses the checkpoint
    const other = greenwave('optimise', file, '--budget', '120', '--seeds', '3', '--workers', '1', '--out', out, '--no-compare', '--resume', '-q');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('another scenario or other options');
  });
});

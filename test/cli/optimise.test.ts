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
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';
import { twoSignalsYaml } from '../fixtures/two-signals.js';
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

const SCENARIO = twoSignalsYaml();
const file = join(dir, 'two-signals.yaml');
writeFileSync(file, SCENARIO);

describe('greenwave optimise', () => {
  it('searches fixed-time, actuated and max-pressure plans, writes the best, a scenario with it, the convergence and the held-out comparison of all', () => {
    const out = join(dir, 'run');
    const r = greenwave('optimise', file, '--budget', '17', '--seeds', '2', '--held-out', '3', '--workers', '1', '--out', out, '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      evaluations: number; budget: number; control: string; adaptive: boolean; comparison: { heldOutSeeds: number[]; rows: Array<{ plan: string }> };
      training: { seeds: number[]; best: number; searches: Array<{ control: string; method: string; budget: number; evaluations: number; best: number; settings?: { interval?: number } }> };
    };
    // the budget is shared 50/30/20 beyond 2 each (8 fixed-time, 5 actuated, 4 max-pressure) and never exceeded
    expect(summary.budget).toBe(17);
    expect(summary.evaluations).toBe(17);
    expect(summary.training.searches.map((s) => [s.control, s.budget, s.evaluations, s.method])).toEqual([
      ['fixed', 8, 8, 'compass'], ['actuated', 5, 5, 'compass'], ['max-pressure', 4, 4, 'compass'],
    ]);
    const label = { fixed: 'best fixed-time', actuated: 'best actuated', 'max-pressure': 'best max-pressure' } as Record<string, string>;
    // the written plan is the one the re-ranking on fresh runs put first (README, optimise step 6), from the search of its kind
    const winner = summary.training.searches.find((s) => s.control === summary.control);
    if (winner === undefined) throw new Error(`no search of the written kind ${summary.control}`);
    const written = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as {
      selection: { chosen: string; ranked: Array<{ label: string }> };
      rows: Array<{ plan: string; metrics: { objective: { mean: number } }; objectiveBySeed: Array<number | null> }>;
      versusBest: { plan: string; baseline: string; difference: { n: number; mean: number } };
    };
    expect(written.selection.chosen).toBe(written.selection.ranked[0].label);
    // the written plan against the best baseline (lowest held-out mean of current, Webster, actuated, max-pressure), paired by seed
    const baselines = written.rows.filter((r) => ['current', 'webster', 'actuated', 'max-pressure'].includes(r.plan));
    const bestBaseline = baselines.reduce((a, b) => (b.metrics.objective.mean < a.metrics.objective.mean ? b : a));
    const optimisedRow = written.rows.find((r) => r.plan === 'optimised');
    expect(written.versusBest).toMatchObject({ plan: 'optimised', baseline: bestBaseline.plan, difference: { n: 3 } });
    expect(written.versusBest.difference.mean).toBeCloseTo((optimisedRow?.metrics.objective.mean ?? NaN) - bestBaseline.metrics.objective.mean, 9);
    expect(written.selection.chosen).toMatch(new RegExp(`^${label[summary.control].slice(5)} #`));
    expect(summary.training.best).toBeGreaterThanOrEqual(winner.best);
    // held-out seeds never overlap the training seeds
    expect(summary.comparison.heldOutSeeds.some((s) => summary.training.seeds.includes(s))).toBe(false);
    const plans = summary.comparison.rows.map((row) => row.plan);
    expect(plans).toEqual(['current', 'webster', 'actuated', 'max-pressure', 'optimised', ...['fixed', 'actuated', 'max-pressure'].filter((c) => c !== winner.control).map((c) => label[c])]);
    expect(summary.adaptive).toBe(winner.control !== 'fixed');
    for (const f of ['plan.json', 'optimised.scenario.json', 'convergence.csv', 'comparison.json', 'checkpoint-fixed.json', 'checkpoint-actuated.json', 'checkpoint-max-pressure.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // the plan says how it is run, so a fixed-time plan never runs as actuated or the reverse
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { signals: { default: string; actuated?: { gapS: number }; maxPressure?: { intervalS: number } } };
    expect(plan.signals.default).toBe(summary.control);
    expect(plan.signals.actuated !== undefined).toBe(summary.control === 'actuated');
    expect(plan.signals.maxPressure !== undefined).toBe(summary.control === 'max-pressure');
    // SUMO has no max-pressure tlLogic: no SUMO files for a max-pressure plan
    if (summary.control === 'max-pressure') expect(existsSync(join(out, 'plan.add.xml'))).toBe(false);
    else expect(readFileSync(join(out, 'plan.add.xml'), 'utf8')).toContain(`type="${summary.control === 'fixed' ? 'static' : 'actuated'}"`);
    // the timing sheet: header first, every phase of both signals under the current, Webster and optimised plans
    const timing = parse(readFileSync(join(out, 'timing.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(readFileSync(join(out, 'timing.csv'), 'utf8').split('\n')[0]).toBe('plan,junction,name,control,cycle_s,offset_s,phase,movements,permissive,green_start_s,green_s,yellow_s,all_red_s,min_green_s,ite_yellow_s,ite_all_red_s');
    expect([...new Set(timing.map((t) => t.plan))]).toEqual(['current', 'webster', 'optimised']);
    expect([...new Set(timing.map((t) => t.junction))].sort()).toEqual(['j0', 'j1']);
    for (const [plan, junction] of [['current', 'j0'], ['webster', 'j1'], ['optimised', 'j0'], ['optimised', 'j1']]) {
      const phases = timing.filter((t) => t.plan === plan && t.junction === junction);
      expect(phases.length, `${plan} ${junction}`).toBeGreaterThanOrEqual(2);
      // cycle = sum of green + yellow + all-red; each green starts where the previous phase's all-red ended
      const sum = phases.reduce((acc, t) => acc + Number(t.green_s) + Number(t.yellow_s) + Number(t.all_red_s), 0);
      expect(Number(phases[0].cycle_s)).toBeCloseTo(sum, 2);
      expect(Number(phases[1].green_start_s)).toBeCloseTo(Number(phases[0].green_s) + Number(phases[0].yellow_s) + Number(phases[0].all_red_s), 2);
      expect(Number(phases[0].offset_s)).toBeGreaterThanOrEqual(0);
      expect(Number(phases[0].offset_s)).toBeLessThan(sum);
      expect(phases[0].movements).toMatch(/ > .*, (straight|left|right)/);
    }
    // ... and the report draws it: one phase diagram per plan and junction, side by side
    expect(greenwave('report', out).code).toBe(0);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toContain('<section id="timing">');
    expect(page.match(/class="chart phase-diagram"/g)).toHaveLength(6);
    expect(page.indexOf('id="comparison"')).toBeLessThan(page.indexOf('id="convergence"')); // the comparison (gridlock first) leads
    expect(page).toContain('Gridlocked seeds');
    // the optimised scenario is a valid scenario file, whatever kind won
    const check = greenwave('validate', join(out, 'optimised.scenario.json'));
    expect(check.code, check.stderr).toBe(0);
    const csv = readFileSync(join(out, 'convergence.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('evaluation,batch,elapsedS,objective,best,control');
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'))).toMatchObject({ kind: 'optimise', scenario: 'two-signals' });
    // one line per evaluation of both searches, numbered on, the best so far never rising
    const rows = csv.slice(1).map((line) => line.split(','));
    expect(rows.length).toBe(summary.evaluations);
    expect(rows.map((row) => Number(row[0]))).toEqual(rows.map((_, i) => i + 1));
    expect(rows.map((row) => row[5])).toEqual(summary.training.searches.flatMap((s) => Array<string>(s.evaluations).fill(s.control)));
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

  it('--control max-pressure: the tuned settings are written as signals.maxPressure, and the written scenario loads and runs exactly them', async () => {
    const out = join(dir, 'max-pressure');
    const r = greenwave('optimise', file, '--control', 'max-pressure', '--budget', '14', '--seeds', '1', '--demand-scales', '1', '--workers', '1', '--out', out, '--no-compare', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      control: string; adaptive: boolean; settings: Record<string, unknown>; training: { best: number; searches: Array<{ evaluations: number }> };
    };
    expect(summary.control).toBe('max-pressure');
    expect(summary.adaptive).toBe(true);
    expect(summary.training.searches[0].evaluations).toBe(14);
    // plan.json carries the settings under the scenario format's own keys
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { signals: { default: string; maxPressure: Record<string, unknown> } };
    expect(plan.signals.default).toBe('max-pressure');
    const { kind: _kind, interval, minGreen, pressure, ties, ...rest } = summary.settings;
    expect(rest).toEqual({});
    expect(plan.signals.maxPressure).toEqual({
      ...(interval !== undefined ? { intervalS: interval } : {}), ...(minGreen !== undefined ? { minGreenS: minGreen } : {}),
      ...(pressure !== undefined ? { pressure } : {}), ...(ties !== undefined ? { ties } : {}),
    });
    expect(existsSync(join(out, 'plan.add.xml'))).toBe(false);
    // the written scenario loads with the tuned settings ...
    const written = buildScenario(await loadScenario(join(out, 'optimised.scenario.json')));
    expect(written.signals.control).toEqual(summary.settings);
    // ... and runs them: one training seed at demand x1, so its run is the search's evaluation of the written plan
    const run = simulate(written.compiled, written.trips, written.signals, written.options);
    expect(runObjective(run.network, 'delay')).toBeCloseTo(summary.training.best, 9);
    // and `greenwave run` runs it as a user would
    const ran = greenwave('run', join(out, 'optimised.scenario.json'), '--quiet');
    expect(ran.code, ran.stderr).toBe(0);
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
      [['--cycles', 'some'], '--cycles must be shared, per-junction or corridors'],
      [['--budget', '1'], '--budget must be an integer in [2, 100,000]'],
      [['--budget', '5'], '--budget must be at least 6 with --control auto'],
      [['--control', 'adaptive'], '--control must be fixed, actuated, max-pressure or auto'],
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
    // --budget 120: 59 fixed-time, 36 actuated, 25 max-pressure (2 each, the rest 50/30/20)
    expect(after.evaluations).toBe(59);
    const actuated = JSON.parse(readFileSync(join(out, 'checkpoint-actuated.json'), 'utf8')) as { evaluations: number };
    expect(actuated.evaluations).toBe(36);
    // the history continues the killed run's: same first evaluations, then new ones, each evaluation once
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    expect(after.history.map((h) => h.evaluation)).toEqual(Array.from({ length: after.history.length }, (_, i) => i + 1));
    // a different option refuses the checkpoint
    const other = greenwave('optimise', file, '--budget', '120', '--seeds', '3', '--workers', '1', '--out', out, '--no-compare', '--resume', '-q');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('another scenario or other options');
  });
});

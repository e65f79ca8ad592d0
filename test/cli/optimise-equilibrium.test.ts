/**
 * `greenwave optimise --route-choice equilibrium`, run as a real process: after
 * the search, Webster's and the optimised plan are judged again with drivers at
 * equilibrium (cli/optimise-equilibrium.ts). Checked: equilibrium.json and the
 * --json block hold both plans with routes at departure and at equilibrium; the
 * optimised plan's figures with routes at departure are exactly what simulating
 * the written optimised.scenario.json on that seed gives; the gains are the
 * differences of the all-trips mean delays (unfinished trips counted to the end).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';
import { twoSignalsYaml } from '../fixtures/two-signals.js';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-optimise-eq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Figures { meanDelayAllTrips: number; unfinished: number; dueTrips: number }
interface Gain {
  seed: number;
  plans: Array<{ name: string; departure: Figures; equilibrium: Figures; converged: boolean; iterations: number; relativeGap: number }>;
  gainDeparture: number;
  gainEquilibrium: number;
  bestAtEquilibrium: string;
}

describe('greenwave optimise --route-choice equilibrium', () => {
  it('judges Webster\'s and the optimised plan with drivers at equilibrium, and says how the gain changes', async () => {
    const file = join(dir, 'two-signals.yaml');
    writeFileSync(file, twoSignalsYaml());
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [...greenwaveArgs(), 'optimise', file, '--control', 'fixed', '--budget', '4', '--seeds', '1', '--demand-scales', '1', '--held-out', '2',
      '--workers', '1', '--route-choice', 'equilibrium', '--out', out, '--json', '-q'], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { equilibrium: Gain; comparison: { heldOutSeeds: number[] } };
    const gain = JSON.parse(readFileSync(join(out, 'equilibrium.json'), 'utf8')) as Gain;
    expect(summary.equilibrium).toEqual(gain);
    expect(gain.seed).toBe(summary.comparison.heldOutSeeds[0]);
    expect(gain.plans.map((p) => p.name)).toEqual(['webster', 'optimised']);
    for (const p of gain.plans) {
      expect(p.iterations).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(p.relativeGap)).toBe(true);
      expect(p.equilibrium.dueTrips).toBe(p.departure.dueTrips);
    }
    const [webster, optimised] = gain.plans;
    expect(gain.gainDeparture).toBeCloseTo(webster.departure.meanDelayAllTrips - optimised.departure.meanDelayAllTrips, 9);
    expect(gain.gainEquilibrium).toBeCloseTo(webster.equilibrium.meanDelayAllTrips - optimised.equilibrium.meanDelayAllTrips, 9);
    // the optimised plan with routes at departure is the written scenario simulated on that seed
    const built = buildScenario(await loadScenario(join(out, 'optimised.scenario.json')));
    const direct = simulate(built.compiled, built.tripsFor(gain.seed), built.signals, { ...built.options, seed: gain.seed }).network;
    expect(optimised.departure.meanDelayAllTrips).toBeCloseTo(direct.meanDelayAllTrips, 9);
    expect(optimised.departure.unfinished).toBe(direct.unfinished);
    expect(gain.bestAtEquilibrium).toBe('optimised'); // the only plan judged besides Webster's
  });

  it('with --equilibrium-top judges the next best plans of the re-ranking too, and names the best at equilibrium', () => {
    const file = join(dir, 'two-signals.yaml');
    writeFileSync(file, twoSignalsYaml());
    const out = join(dir, 'out-top');
    const r = spawnSync(process.execPath, [...greenwaveArgs(), 'optimise', file, '--control', 'fixed', '--budget', '6', '--seeds', '1', '--demand-scales', '1', '--held-out', '2',
      '--workers', '1', '--route-choice', 'equilibrium', '--equilibrium-top', '3', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    const gain = JSON.parse(readFileSync(join(out, 'equilibrium.json'), 'utf8')) as Gain;
    expect(gain.plans).toHaveLength(4); // Webster's, the written plan, the next two of the re-ranking
    expect(gain.plans.slice(0, 2).map((p) => p.name)).toEqual(['webster', 'optimised']);
    expect(gain.plans.slice(2).every((p) => /^fixed-time (#\d+|start)$/.test(p.name))).toBe(true);
    const others = gain.plans.slice(1);
    const least = Math.min(...others.map((p) => p.equilibrium.meanDelayAllTrips));
    expect(gain.plans.find((p) => p.name === gain.bestAtEquilibrium)!.equilibrium.meanDelayAllTrips).toBe(least);
    expect(r.stdout).toMatch(gain.bestAtEquilibrium === 'optimised' ? /the written plan stays the best of the 3 judged/ : /beats the written plan/);
    // The progress line names every plan it judges.
    expect(r.stdout + r.stderr).toContain(`judging Webster's plan, the optimised plan, ${gain.plans.slice(2).map((p) => p.name).join(', ')} with drivers at equilibrium`);
    // refused without route choice at equilibrium, before anything runs
    const refused = spawnSync(process.execPath, [...greenwaveArgs(), 'optimise', file, '--equilibrium-top', '2', '--out', join(dir, 'refused')], { encoding: 'utf8', timeout: 600_000 });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--equilibrium-top judges plans with drivers at equilibrium: give --route-choice equilibrium too');
  });
});

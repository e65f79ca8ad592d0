/**
 * `greenwave compare --route-choice equilibrium` (or scenarios that all say
 * `simulation.routeChoice: equilibrium`): every scenario and seed runs to
 * equilibrium before the paired comparison, each seed's equilibrium is the one
 * `greenwave run` finds for that scenario and seed, what-if.json and the text
 * say how each ended, and scenarios that choose routes differently are refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwave } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-compare-eq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two crossing flows on a 3x3 grid, 4 iterations at most. */
const today = `name: today
network: { generator: grid, rows: 3, cols: 3, spacingM: 200, attachLengthM: 100, signals: intersections }
demand:
  flows:
    - { id: a, from: w0, to: e2, vehPerHour: 900, beginS: 0, endS: 900 }
    - { id: b, from: n0, to: s2, vehPerHour: 900, beginS: 0, endS: 900 }
simulation: { endS: 2400, seed: 3, equilibrium: { maxIterations: 4, relativeGap: 0 } }
`;

interface Ended { seed: number; iterations: number; relativeGap: number; converged: boolean; meanTravelTime: number; warmStart?: { onBaseRoutes: number; trips: number } }

describe('greenwave compare with route choice at equilibrium', () => {
  it('runs each scenario and seed to equilibrium (the equilibrium run finds), and says how each ended', () => {
    writeFileSync(join(dir, 'today.yaml'), today);
    // The middle row's eastbound road closed: flow a must go round, and at equilibrium shares the detour with b's drivers who adapt.
    writeFileSync(join(dir, 'closed.yaml'), 'name: closed\nbase: today.yaml\nchanges:\n  - closeLink: r1c1>r1c2\n');
    const out = join(dir, 'what-if');
    const r = greenwave(['compare', join(dir, 'today.yaml'), join(dir, 'closed.yaml'), '--seeds', '2', '--workers', '1', '--route-choice', 'equilibrium', '--out', out], 600_000);
    expect(r.code, r.stderr).toBe(0);
    // in this process (--workers 1), a line per iteration of each scenario and seed: 2 scenarios x 2 seeds x 4 iterations
    expect(r.stderr.match(/iteration \d+: relative gap/g)).toHaveLength(16);
    expect(r.stdout).toMatch(/drivers at equilibrium \(route swaps on turn times over 900 s\)/);
    expect(r.stdout).toMatch(/today: equilibrium NOT reached on seeds 3, 4 \(largest relative gap [\d.]+%, 4-4 iterations\)/);
    const json = JSON.parse(readFileSync(join(out, 'what-if.json'), 'utf8')) as {
      routeChoice: string; equilibrium: { method: string; intervalS: number }; equilibria: Record<string, Ended[]>;
      base: { metrics: Record<string, { mean: number; n: number }> };
    };
    expect(json.routeChoice).toBe('equilibrium');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<title>greenwave compare — today vs closed \(drivers at equilibrium\)<\/title>/);
    expect(json.equilibrium).toMatchObject({ method: 'swap', costsBy: 'movement', intervalS: 900 });
    expect(Object.keys(json.equilibria)).toEqual(['today', 'closed']);
    for (const ends of Object.values(json.equilibria)) {
      expect(ends.map((e) => e.seed)).toEqual([3, 4]);
      expect(ends.every((e) => e.iterations === 4 && !e.converged && e.relativeGap >= 0)).toBe(true);
    }
    // The variant starts from the base's equilibrium routes, seed by seed: all but the trips whose route used the closed road.
    expect(json.equilibria.today.every((e) => e.warmStart === undefined)).toBe(true);
    for (const e of json.equilibria.closed) {
      expect(e.warmStart!.trips).toBeGreaterThan(0);
      expect(e.warmStart!.onBaseRoutes).toBeGreaterThan(0);
      expect(e.warmStart!.onBaseRoutes).toBeLessThan(e.warmStart!.trips);
    }
    expect(r.stdout).toMatch(/closed: equilibrium .*started from the base's equilibrium routes, at least \d+% of trips\)/);
    // The base's seed-3 equilibrium is the one `greenwave run --route-choice equilibrium` finds on seed 3 (same scenario, same seed).
    const run = greenwave(['run', join(dir, 'today.yaml'), '--route-choice', 'equilibrium', '--no-files', '--json', '-q'], 600_000);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { equilibrium: { relativeGap: number; iterations: number }; totals: { meanTravelTime: number } };
    const seed3 = json.equilibria.today[0];
    expect(seed3.relativeGap).toBe(summary.equilibrium.relativeGap);
    expect(seed3.meanTravelTime).toBeCloseTo(summary.totals.meanTravelTime, 9);
    // and the comparison is of the equilibria: the base's mean travel time over the seeds is the mean of theirs
    expect(json.base.metrics.meanTravelTime.mean).toBeCloseTo((json.equilibria.today[0].meanTravelTime + json.equilibria.today[1].meanTravelTime) / 2, 6);
  }, 600_000);

  it('refuses scenarios that choose routes differently, naming each, unless --route-choice says how', () => {
    const atDeparture = today.replace(', equilibrium: { maxIterations: 4, relativeGap: 0 }', '');
    const learnt = atDeparture.replace('name: today', 'name: learnt').replace('simulation: { endS: 2400,', 'simulation: { routeChoice: equilibrium, endS: 2400,');
    writeFileSync(join(dir, 'departure.yaml'), atDeparture);
    writeFileSync(join(dir, 'learnt.yaml'), learnt);
    const refused = greenwave(['compare', join(dir, 'departure.yaml'), join(dir, 'learnt.yaml'), '--seeds', '2', '--out', join(dir, 'refused')], 600_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the scenarios choose routes differently \(today: departure, learnt: equilibrium\).*--route-choice/);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user's mistake
    // Said for all of them, both run the same way.
    const both = greenwave(['compare', join(dir, 'departure.yaml'), join(dir, 'learnt.yaml'), '--seeds', '2', '--route-choice', 'departure', '--out', join(dir, 'both'), '--json', '-q'], 600_000);
    expect(both.code, both.stderr).toBe(0);
    expect((JSON.parse(both.stdout) as { routeChoice: string; equilibria?: unknown }).routeChoice).toBe('departure');
    expect((JSON.parse(both.stdout) as { equilibria?: unknown }).equilibria).toBeUndefined();
  }, 600_000);

  it('gives the same comparison with the seeds on a pool of workers as one after another in its process, at departure and at equilibrium', () => {
    // --route-choice departure sets the base's equilibrium settings aside: the same files serve both
    writeFileSync(join(dir, 'today.yaml'), today);
    writeFileSync(join(dir, 'closed-today.yaml'), 'name: closed\nbase: today.yaml\nchanges:\n  - closeLink: r1c1>r1c2\n');
    const whatIf = (workers: string, routeChoice: string): string => {
      const out = join(dir, `w${workers}-${routeChoice}`);
      const r = greenwave(['compare', join(dir, 'today.yaml'), join(dir, 'closed-today.yaml'), '--seeds', '3', '--workers', workers, '--route-choice', routeChoice, '--out', out, '-q'], 600_000);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(join(out, 'what-if.json'), 'utf8');
    };
    for (const routeChoice of ['departure', 'equilibrium']) {
      const pooled = whatIf('2', routeChoice);
      expect(pooled).toBe(whatIf('1', routeChoice));
      const json = JSON.parse(pooled) as { variants: Array<{ junctions: unknown[]; links: unknown[] }>; equilibria?: Record<string, Ended[]> };
      expect(json.variants[0].links.length).toBeGreaterThan(0); // per-link and per-junction figures come back from the pool too
      expect(json.variants[0].junctions.length).toBeGreaterThan(0);
      if (routeChoice === 'equilibrium') expect(json.equilibria?.closed.map((e) => e.iterations)).toEqual([4, 4, 4]);
      else expect(json.equilibria).toBeUndefined();
    }
  }, 600_000);
});

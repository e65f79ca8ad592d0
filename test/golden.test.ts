/**
 * Golden summaries: every scenario in scenarios/ is simulated and its headline
 * figures compared with test/golden/<name>.json. A change in the model that moves
 * them must be deliberate: regenerate with `npm run test:golden:update` (sets
 * UPDATE_GOLDEN=1) and review the diff. Figures are rounded to 6 significant
 * digits so the files are readable; the run itself is deterministic by seed.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScenario, loadScenario } from '../engine/scenario/index.js';
import { simulate } from '../engine/sim/index.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const scenarios = readdirSync('scenarios', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join('scenarios', d.name, 'scenario.yaml')))
  .map((d) => d.name)
  .sort();

const round = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

describe('golden summaries of scenarios/', () => {
  it('finds the bundled scenarios', () => {
    expect(scenarios).toEqual(expect.arrayContaining(['corridor', 'grid-4x4', 'macau-peninsula']));
  });

  for (const name of scenarios) {
    it(`${name} matches test/golden/${name}.json`, async () => {
      const built = buildScenario(await loadScenario(join('scenarios', name, 'scenario.yaml')));
      const result = simulate(built.compiled, built.trips, built.signals, built.options);
      const los: Record<string, number> = {};
      for (const grade of result.junctions.levelOfService) if (grade !== '') los[grade] = (los[grade] ?? 0) + 1;
      const summary = {
        scenario: name,
        seed: built.seeds[0],
        network: { junctions: built.compiled.junctionCount, links: built.compiled.linkCount, movements: built.compiled.movementCount },
        totals: Object.fromEntries(Object.entries(result.network).map(([k, v]) => [k, round(v)])),
        endTime: round(result.endTime),
        gridlock: result.gridlock ?? null,
        levelOfService: los,
      };
      const file = join('test', 'golden', `${name}.json`);
      if (UPDATE) {
        writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      if (!existsSync(file)) throw new Error(`${file} is missing: create it with "npm run test:golden:update" and review it`);
      expect(summary).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});

/**
 * `verify-sumo --plan plan.json` reads the plan as the scenario's own plan
 * (cli/verify-sumo.ts readPlanFile), without SUMO:
 *
 * - The plan replaces the scenario's programs and control and keeps its
 *   `signals.safety`. A SUMO import opted in to `clearances: program` keeps the
 *   network's 3 s yellow and no all-red in the plans `optimise` writes; before,
 *   the plan was checked without that opt-in and refused for every phase
 *   (all-red 0 s is shorter than ITE's (W + L)/v).
 * - Without the opt-in the same plan is refused, and each problem is located in
 *   the plan file (line and column of the value), not in the merged document.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../engine/errors.js';
import { importSumo } from '../../engine/io/sumo/index.js';
import { scenarioDocument } from '../../engine/io/index.js';
import { buildScenario, parseScenario } from '../../engine/scenario/index.js';
import { programToSpec } from '../../engine/signals/program.js';
import { readPlanFile } from '../../cli/verify-sumo.js';
import { scenarioPrograms } from '../../cli/plan-files.js';
import { tempDir } from '../fixtures/temp-dir.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'sumo');

/** The cross fixture imported (its programs: 3-4 s yellow; all-red 0, the netconvert default, on the 1-lane approaches), with or without `clearances: program`. */
async function imported(clearances: 'ite' | 'program') {
  const r = await importSumo({ net: path.join(FIX, 'cross.net.xml'), routes: [path.join(FIX, 'cross.rou.xml')] });
  const doc = scenarioDocument(r, { name: 'cross', clearances });
  return buildScenario(parseScenario(JSON.stringify(doc), 'cross.json'));
}

/** A plan.json as optimise writes it: fixed time, the scenario's programs with every all-red set to 0 s. */
function planFile(built: Awaited<ReturnType<typeof imported>>): string {
  const specs = built.signals.programs.map((p) => programToSpec(built.compiled, p));
  const programs = specs.map((p) => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, allRed: 0 })) }));
  const file = path.join(tempDir('gw-plan-'), 'plan.json');
  writeFileSync(file, `${JSON.stringify({ signals: { default: 'fixed', programs: scenarioPrograms(programs) } }, null, 2)}\n`);
  return file;
}

describe('verify-sumo --plan: the plan is checked as the scenario\'s own', () => {
  it('keeps the scenario\'s clearances: program, so a plan on the network\'s own clearances loads', async () => {
    const built = await imported('program');
    const plan = await readPlanFile(built, planFile(built));
    expect(plan.name).toBe('optimised');
    expect(plan.programs!.length).toBe(built.signals.programs.length);
    expect(plan.programs!.every((p) => p.phases.every((ph) => (ph.allRed ?? 0) === 0))).toBe(true);
  });

  it('refuses the same plan under ITE clearances, locating each problem in the plan file', async () => {
    const built = await imported('ite');
    const file = planFile(built);
    const error = await readPlanFile(built, file).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems.filter((p) => p.path.endsWith('allRedS'));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.file).toBe(file);
      expect(p.line).toBeGreaterThan(1); // a pretty-printed plan: the merged document was one line
    }
  });
});

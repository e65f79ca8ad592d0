/**
 * The scenario `greenwave optimise` writes must load, whatever programs it
 * started from. macau-peninsula runs default programs (none written in the
 * file, so never checked) in which some phases show crossing or merging
 * movements both protected; the search keeps each phase's movements, so the
 * written plan has them too. Written as the scenario's own programs they would
 * fail the load-time conflict check (engine/signals/safety.ts): the written
 * scenario says `safetyCheck: false` and the command warns, naming junctions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { checkPlanSafety } from '../../engine/signals/safety.js';
import { programToSpec } from '../../engine/signals/program.js';
import { completePrograms } from '../../engine/optimise/space.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-optimise-written-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MACAU = join(import.meta.dirname, '..', '..', 'scenarios', 'macau-peninsula', 'scenario.yaml');

describe('greenwave optimise on a scenario whose run programs have conflicting protected movements', () => {
  it('writes a scenario that loads (safetyCheck: false) and warns, naming the junctions', async () => {
    const built = buildScenario(await loadScenario(MACAU));
    const run = completePrograms(built.compiled, built.signals.programs).map((p) => programToSpec(built.compiled, p));
    const conflicts = checkPlanSafety(built.compiled, run, built.scenario.signals.safety).filter((i) => i.kind === 'conflict');
    expect(conflicts.length).toBeGreaterThan(0); // the premise: the default programs it runs have some
    const out = join(dir, 'macau');
    const r = spawnSync(process.execPath, [...greenwaveArgs(), 'optimise', MACAU, '--control', 'fixed', '--budget', '2', '--seeds', '1', '--demand-scales', '1',
      '--workers', '1', '--no-compare', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: ${conflicts.length} conflicting pairs of protected movements at \\d+ junctions \\(${conflicts[0].junction}`));
    const written = JSON.parse(readFileSync(join(out, 'optimised.scenario.json'), 'utf8')) as { signals: { safetyCheck?: boolean } };
    expect(written.signals.safetyCheck).toBe(false);
    const check = spawnSync(process.execPath, [...greenwaveArgs(), 'validate', join(out, 'optimised.scenario.json')], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });
});

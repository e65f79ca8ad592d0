/**
 * Pedestrian minimum greens on imported SUMO networks: where the SUMO network
 * has no pedestrian crossing at a signal (no `function="crossing"` edge,
 * netconvert's `:<junction>_c<n>`), nobody crosses there in SUMO, so the import
 * marks the junction `pedestrians: false` and the safety minima
 * (engine/signals/safety.ts: walk 7 s + crossing width / 1.2 m/s, MUTCD 4E.06 and
 * HCM) do not raise its greens; where the network has a crossing they still do.
 * On sumo-grid10 (no crossings) the minima had raised every green to 19 s, so
 * Webster's plan and the fixed-time search ran 34-35 s cycles against SUMO's 18 s.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import { buildScenario, parseScenario } from '../../../engine/scenario/index.js';
import { programToSpec } from '../../../engine/signals/program.js';
import { safePrograms } from '../../../engine/signals/safety.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const cross = path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', 'cross.net.xml');

/** cross.net.xml with its one crossing turned into a walking area: the same network, nobody crossing at C. */
function withoutCrossing(): string {
  const text = readFileSync(cross, 'utf8');
  expect(text).toContain('function="crossing"');
  const file = path.join(tempDir('gw-no-crossing-'), 'nocross.net.xml');
  writeFileSync(file, text.replaceAll('function="crossing"', 'function="walkingarea"'));
  return file;
}

/** Minimum greens (s) of junction C's phases after the safety minima, for a scenario written by the importer. */
async function minGreens(net: string): Promise<{ doc: { signals?: { safety?: unknown } }; greens: number[] }> {
  const doc = scenarioDocument(await importSumo(net), { name: 'c' }) as { signals?: { safety?: unknown } };
  const built = buildScenario(parseScenario(JSON.stringify(doc), 'c.json'));
  const specs = built.signals.programs.map((p) => programToSpec(built.compiled, p));
  const safe = safePrograms(built.compiled, specs, built.scenario.signals.safety);
  return { doc, greens: safe.find((p) => p.junction === 'C')!.phases.map((ph) => ph.minGreen ?? 0) };
}

describe('SUMO import: junctions without pedestrian crossings', () => {
  it('lists the signals without a crossing, and only those', async () => {
    expect((await importSumo(cross)).noCrossings).toEqual([]);
    expect((await importSumo(withoutCrossing())).noCrossings).toEqual(['C']);
  });

  it('the written scenario marks them pedestrians: false, and the safety minima then leave their greens alone', async () => {
    const without = await minGreens(withoutCrossing());
    expect(without.doc.signals?.safety).toEqual({ junctions: { C: { pedestrians: false } } });
    const withCrossing = await minGreens(cross);
    expect(withCrossing.doc.signals?.safety).toBeUndefined();
    // With the crossing, some phase's minimum green is raised above its own for walkers; without, none is.
    expect(Math.max(...withCrossing.greens)).toBeGreaterThan(Math.max(...without.greens));
    expect(Math.max(...without.greens)).toBeLessThan(7); // under the 7 s walk interval alone
  });
});

describe('SUMO import --clearances program', () => {
  it('writes signals.safety.clearances: program; the SUMO programs then keep their own yellow and all-red, ITE raises them otherwise', async () => {
    const result = await importSumo(withoutCrossing());
    const clearancesOf = (clearances?: 'program') => {
      const doc = scenarioDocument(result, { name: 'c', ...(clearances ? { clearances } : {}) }) as { signals?: { safety?: { clearances?: string } } };
      const built = buildScenario(parseScenario(JSON.stringify(doc), 'c.json'));
      const specs = built.signals.programs.map((p) => programToSpec(built.compiled, p));
      const own = specs.find((p) => p.junction === 'C')!.phases.map((ph) => [ph.yellow, ph.allRed]);
      const safe = safePrograms(built.compiled, specs, built.scenario.signals.safety).find((p) => p.junction === 'C')!.phases.map((ph) => [ph.yellow, ph.allRed]);
      return { written: doc.signals?.safety?.clearances, own, safe };
    };
    const ite = clearancesOf();
    expect(ite.written).toBeUndefined();
    expect(ite.safe).not.toEqual(ite.own); // ITE raises SUMO's short all-red (0 s)
    const program = clearancesOf('program');
    expect(program.written).toBe('program');
    expect(program.safe).toEqual(program.own);
  });
});

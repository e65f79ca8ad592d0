/**
 * The scenario key `simulation.sharedLanes` (head-of-line blocking in shared
 * lanes, engine/sim/shared-lanes.ts): it reaches the run's options; left out, it
 * is on for SUMO imports (their lanes and connections are SUMO's) and off
 * otherwise; a value that is not a boolean is a located problem.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE, pos, problemAt, problemsOf, variant } from '../fixtures/scenario-problems.js';
import { importNetwork } from '../../engine/io/index.js';
import { scenarioDocument } from '../../engine/io/scenario-doc.js';
import { buildScenario, loadScenario, parseScenario } from '../../engine/scenario/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'greenwave-shared-lanes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = path.resolve('test/fixtures/sumo/cross.sumocfg');

describe('simulation.sharedLanes', () => {
  it('true or false reaches the run; left out, a generated or inline network runs without it (the library default)', () => {
    const on = buildScenario(parseScenario(variant('endS: 1800', 'endS: 1800\n  sharedLanes: true'), 'on.yaml'));
    const off = buildScenario(parseScenario(variant('endS: 1800', 'endS: 1800\n  sharedLanes: false'), 'off.yaml'));
    const unset = buildScenario(parseScenario(BASE, 'unset.yaml'));
    expect(on.options.sharedLanes).toBe(true);
    expect(off.options.sharedLanes).toBe(false);
    expect(unset.options.sharedLanes).toBeUndefined();
  });

  it('a value that is not a boolean is a problem at simulation.sharedLanes, with its line and column', () => {
    const text = variant('endS: 1800', 'endS: 1800\n  sharedLanes: "yes"');
    const p = problemAt(problemsOf(() => parseScenario(text, 'bad.yaml')), 'simulation.sharedLanes');
    expect(p.message).toBe('expected true or false, found "yes"');
    expect(p).toMatchObject(pos(text, '"yes"'));
  });

  it('a SUMO import runs with it unless the file says false; the import\'s inline scenario writes it', async () => {
    const file = (name: string, extra: string): string => {
      const f = path.join(dir, name);
      writeFileSync(f, `name: cross\nnetwork: { import: sumo, file: ${JSON.stringify(cfg)} }\ndemand: {}\nsimulation: { endS: 3600${extra} }\n`);
      return f;
    };
    const byDefault = buildScenario(await loadScenario(file('default.yaml', '')));
    const refused = buildScenario(await loadScenario(file('off.yaml', ', sharedLanes: false')));
    expect(byDefault.options.sharedLanes).toBe(true);
    expect(refused.options.sharedLanes).toBe(false);
    const doc = scenarioDocument(await importNetwork('sumo', [cfg]), {}) as { simulation: Record<string, unknown> };
    expect(doc.simulation.sharedLanes).toBe(true);
  });
});

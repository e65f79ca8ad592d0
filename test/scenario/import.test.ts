/**
 * Scenario files that import their network from another tool's files
 * (`network: { import, file }`): the importer runs when the scenario is loaded,
 * its programs and demand fill what the scenario leaves out, and a bad file is
 * a located scenario problem at network.file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { importNetwork } from '../../engine/io/index.js';
import { simulate } from '../../engine/sim/index.js';
import { ScenarioError } from '../../engine/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'greenwave-scenario-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = path.resolve('test/fixtures');

function scenario(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('scenario with an imported network', () => {
  it('SUMO .sumocfg: network, tlLogic programs and routes come from the files', async () => {
    const cfg = path.join(fixtures, 'sumo/cross.sumocfg');
    const file = scenario('sumo.yaml', `name: cross\nnetwork: { import: sumo, file: ${JSON.stringify(cfg)} }\ndemand: {}\nsimulation: { endS: 3600 }\n`);
    const built = buildScenario(await loadScenario(file));
    const direct = await importNetwork('sumo', [cfg]);
    expect(built.compiled.linkCount).toBe(direct.network.linkCount);
    expect(built.compiled.junctionCount).toBe(direct.network.junctionCount);
    expect(built.signals.programs.length).toBe(direct.programs.length);
    expect(built.signals.programs.length).toBeGreaterThan(0);
    expect(built.trips.count).toBeGreaterThan(0);
    const run = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(run.network.arrived + run.network.unfinished + run.network.unroutable).toBe(built.trips.count);
  });

  it('the scenario\'s own demand replaces the imported one', async () => {
    const cfg = path.join(fixtures, 'sumo/cross.sumocfg');
    const direct = await importNetwork('sumo', [cfg]);
    const link = direct.network.links()[0].id;
    const file = scenario('sumo-own.yaml', `name: cross\nnetwork: { import: sumo, file: ${JSON.stringify(cfg)} }\ndemand:\n  trips:\n    - { id: only, fromLink: ${JSON.stringify(link)}, toLink: ${JSON.stringify(link)}, departS: 5 }\nsimulation: { endS: 600 }\n`);
    const built = buildScenario(await loadScenario(file));
    expect(built.trips.count).toBe(1);
    expect(built.trips.ids).toEqual(['only']);
  });

  it('CityFlow config.json', async () => {
    const cfg = path.join(fixtures, 'cityflow/corridor/config.json');
    const file = scenario('cityflow.yaml', `name: corridor\nnetwork: { import: cityflow, file: ${JSON.stringify(cfg)} }\ndemand: {}\nsimulation: { endS: 3600 }\n`);
    const built = buildScenario(await loadScenario(file));
    const direct = await importNetwork('cityflow', [cfg]);
    expect(built.compiled.linkCount).toBe(direct.network.linkCount);
    expect(built.trips.count).toBeGreaterThan(0);
  });

  it('a malformed network file is a scenario problem at network.file, with the importer\'s file and line', async () => {
    const bad = path.join(fixtures, 'sumo/malformed.net.xml');
    const file = scenario('bad.yaml', `name: bad\nnetwork:\n  import: sumo\n  file: ${JSON.stringify(bad)}\ndemand: {}\nsimulation: { endS: 60 }\n`);
    const error = await loadScenario(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    const problem = (error as ScenarioError).problems[0];
    expect(problem).toMatchObject({ file, path: 'network.file', line: 4 });
    expect(problem.message).toContain('the SUMO import of');
    expect(problem.message).toContain('malformed.net.xml:');
  });
});

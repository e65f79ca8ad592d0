/**
 * importSumo never writes a value the scenario loader rejects (engine/limits.ts
 * ranges): the fuzzer's findings on the cross fixture, each a mutated
 * attribute, refused with an InputError at the file and line that holds it and
 * the range; and the normalisations (a maxDur above an hour) giving a scenario
 * that loads.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { buildScenario } from '../../../engine/scenario/build.js';
import { parseScenario } from '../../../engine/scenario/parse.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'sumo');

/** The cross fixture in a fresh directory with `file`'s text `from` replaced by `to`. */
function mutated(file: string, from: string, to: string): string {
  const dir = tempDir('greenwave-sumo-ranges-');
  for (const f of ['cross.sumocfg', 'cross.net.xml', 'cross.rou.xml', 'cross.add.xml']) cpSync(path.join(FIXTURES, f), path.join(dir, f));
  const text = readFileSync(path.join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(path.join(dir, file), text.replace(from, to));
  return path.join(dir, 'cross.sumocfg');
}

async function refusal(config: string): Promise<InputError> {
  const error = await importSumo(config).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/** 1-based line of the first line of `file` (in the directory of `config`) containing `text`. */
function lineOf(config: string, file: string, text: string): number {
  return readFileSync(path.join(path.dirname(config), file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}

describe('importSumo: values out of the scenario ranges', () => {
  it('refuses a yellow phase of 9007199254740993 s at its line, with the range (fuzz case sumo-205)', async () => {
    const config = mutated('cross.add.xml', '<phase duration="3"  state="rrryyyrrryyyyr"/>', '<phase duration="9007199254740993"  state="rrryyyrrryyyyr"/>');
    const e = await refusal(config);
    expect(e.path).toBe(`${path.join(path.dirname(config), 'cross.add.xml')}:${lineOf(config, 'cross.add.xml', '9007199254740993')}`);
    expect(e.message).toMatch(/tlLogic "C" \(programID "b"\) phase 3: yellow \(s\).* expected a number from 0 to 60 \(yellow and all-red intervals last from 0 to 60 s\), found 9007199254740992/);
  });

  it('refuses a vehicle type whose minGap makes the jam spacing 5.8e13 m, at the vType (fuzz case sumo-127)', async () => {
    const config = mutated('cross.rou.xml', 'minGap="2"', 'minGap="9007199254740993"');
    const e = await refusal(config);
    expect(e.path).toBe(`${path.join(path.dirname(config), 'cross.rou.xml')}:${lineOf(config, 'cross.rou.xml', 'vType id="car"')}`);
    expect(e.message).toMatch(/vType "car": .*jam spacing \(m\).* expected a number from 2 to 50 \(a stopped vehicle/);
  });

  it('refuses a lane of 2,147,483,648 m at its edge, with the range (fuzz case sumo-523)', async () => {
    const config = mutated('cross.net.xml', '<lane id="WC_1" index="1" speed="16.67" length="90.00"', '<lane id="WC_1" index="1" speed="16.67" length="2147483648"');
    const e = await refusal(config);
    expect(e.path).toBe(`${path.join(path.dirname(config), 'cross.net.xml')}:${lineOf(config, 'cross.net.xml', '<edge id="WC"')}`);
    expect(e.message).toMatch(/link "WC": length \(m\) expected a number > 0 and <= 100000 \(a link longer than 100 km/);
  });

  it('refuses a program offset of -1e308 s at its tlLogic (fuzz case sumo-859)', async () => {
    // The network's program "0" runs when the additional file is not loaded: import the network alone.
    const config = mutated('cross.net.xml', '<tlLogic id="C" type="static" programID="0" offset="10">', '<tlLogic id="C" type="static" programID="0" offset="-1e308">');
    const net = path.join(path.dirname(config), 'cross.net.xml');
    const error = await importSumo(net).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe(`${net}:${lineOf(config, 'cross.net.xml', '<tlLogic id="C"')}`);
    expect((error as InputError).message).toMatch(/offset \(s\).* expected a number from -604800 to 604800 \(an offset is taken modulo the cycle/);
  });

  it('refuses a lane index of 1e12 at its edge instead of allocating a lane map that size (fuzz case sumo-1435)', async () => {
    const config = mutated('cross.net.xml', '<lane id="CE_0" index="0"', '<lane id="CE_0" index="1e12"');
    const e = await refusal(config);
    expect(e.path).toBe(`${path.join(path.dirname(config), 'cross.net.xml')}:${lineOf(config, 'cross.net.xml', '<edge id="CE"')}`);
    expect(e.message).toMatch(/edge "CE": lane indices must be 0 to 1, each once \(one per lane\), found 1, 1000000000000/);
  });

  it('caps an actuated maxDur above an hour with a warning, and the scenario written loads', async () => {
    const config = mutated('cross.add.xml', '<tlLogic id="C" type="static" programID="b" offset="0">\n        <phase duration="20" state="GGgrrrGGgrrrrr"/>', '<tlLogic id="C" type="actuated" programID="b" offset="0">\n        <phase duration="20" minDur="5" maxDur="1000000" state="GGgrrrGGgrrrrr"/>');
    const result = await importSumo(config);
    expect(result.programs[0].phases[0].maxGreen).toBe(3600);
    expect(result.warnings.map((w) => w.message).join('\n')).toMatch(/1 maxDur value\(s\) above 3600 s capped to 3600 s/);
    expect(() => buildScenario(parseScenario(JSON.stringify(scenarioDocument(result)), 'imported.json'))).not.toThrow();
  });
});

describe('importSumo: files a configuration names', () => {
  it('locates a route file that cannot be read at the configuration line naming it (fuzz seed 3 case 54: a name of 1,465 characters)', async () => {
    const long = `cross.${'0'.repeat(1400)}rou.xml`;
    const config = mutated('cross.sumocfg', '<route-files value="cross.rou.xml"/>', `<route-files value="${long}"/>`);
    const e = await refusal(config);
    expect(e.path).toBe(`${config}:${lineOf(config, 'cross.sumocfg', '<route-files')}`);
    expect(e.message).toMatch(/the file named here, .*\(a name of 1,\d{3} characters\)/);
  });
});

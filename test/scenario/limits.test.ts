/**
 * Limits with meaning (issue 24): every numeric scenario field has a documented
 * range (engine/limits.ts), checked at load with a located message that says
 * it; work that would not fit in memory is refused before it starts; ids and
 * keys named like JavaScript built-ins are plain names; YAML aliases and JSON
 * syntax errors are the input's problems, located. Each case here used to hang,
 * run out of memory, give a silently wrong result or an internal error.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE, pos, problemAt, problemsOf, variant } from '../fixtures/scenario-problems.js';
import { ScenarioError } from '../../engine/errors.js';
import { LIMITS } from '../../engine/limits.js';
import { buildScenario, loadScenario, parseScenario } from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (text: string, file = 'tiny.yaml') => parseScenario(text, file);
const build = (text: string, file = 'tiny.yaml') => buildScenario(parseScenario(text, file));

describe('no bounds: values that hung a run or filled the memory are refused, with the range', () => {
  it('vehPerHour: 1e12 (ran out of memory after 144 s)', () => {
    const text = variant('vehPerHour: 600', 'vehPerHour: 1e12');
    const p = problemAt(problemsOf(() => load(text)), 'demand.flows[0].vehPerHour');
    expect(p.message).toBe(`expected a number <= 115200 (${LIMITS.vehPerHour.whyMax}), found 1000000000000`);
    expect(p).toMatchObject(pos(text, '1e12'));
  });

  it('intervalS, greenS, routingIntervalS, gridlockTimeoutS: 1e-9 (out of memory or an endless loop)', () => {
    for (const field of ['intervalS', 'routingIntervalS', 'gridlockTimeoutS']) {
      const p = problemAt(problemsOf(() => load(variant('endS: 1800', `endS: 1800\n  ${field}: 1e-9`))), `simulation.${field}`);
      expect(p.message).toMatch(/^expected a number >= 1 \(from 1 s to a day.*\), found 1e-9$/);
      expect(p.line).toBe(17);
    }
    const text = `${BASE}signals:\n  programs:\n    - junction: B\n      phases:\n        - { green: ["AB>BC"], greenS: 1e-9 }\n`;
    const p = problemAt(problemsOf(() => load(text)), 'signals.programs[0].phases[0].greenS');
    expect(p.message).toMatch(/^expected a number >= 1 \(a green lasts from 1 s to an hour.*\), found 1e-9$/);
  });

  it('grid rows: 100,000 is out of range; 1,000 x 1,000 is refused up front with a memory estimate', () => {
    const grid = (rows: number, cols: number) => `name: g\nnetwork: { generator: grid, rows: ${rows}, cols: ${cols} }\ndemand: {}\nsimulation: { endS: 60 }\n`;
    const p = problemAt(problemsOf(() => load(grid(100_000, 2))), 'network.rows');
    expect(p.message).toMatch(/^expected a number <= 1000 \(a generated network has at most 1,000 junctions along any dimension\), found 100000$/);
    const big = problemAt(problemsOf(() => build(grid(1000, 1000))), 'network');
    expect(big.message).toMatch(/^this scenario would need about \d+ GiB of memory \(80 MiB for the program itself; 1,000,000 junctions, 3,996,000 links, .*most of it from the network.*above the limit of 4,096 MiB: make it smaller, or raise the limit with the maxMemoryMiB option/);
    expect(big).toMatchObject({ line: 2, column: 10 });
  });

  it('replications beyond 1,000 in the file', () => {
    const p = problemAt(problemsOf(() => load(variant('endS: 1800', 'endS: 1800\n  replications: 100000'))), 'simulation.replications');
    expect(p.message).toMatch(/^expected a number <= 1000 \(more than 1,000 replications/);
  });

  it('demand that would not fit in memory is refused before it is expanded, at the flow that makes most of it; the limit can be raised', () => {
    const text = variant('endS: 1800', 'endS: 604800', variant('vehPerHour: 600 }', 'vehPerHour: 100000 }\n    - { from: C, to: A, vehPerHour: 10 }'));
    const p = problemAt(problemsOf(() => build(text)), 'demand.flows[0].vehPerHour');
    expect(p.message).toMatch(/^this scenario would need about [\d,]+ MiB of memory \(80 MiB for the program itself; 3 junctions, 4 links, 1\.7e\+7 vehicles at about 300 bytes each; most of it from flow 0: about 1\.7e\+7 vehicles\), above the limit of 4,096 MiB/);
    expect(p).toMatchObject(pos(text, '100000'));
    // The same check with a lower limit refuses the small scenario; the default lets it through.
    const small = problemAt(problemsOf(() => buildScenario(load(BASE), { maxMemoryMiB: 16, raiseMemoryWith: '--max-memory <MiB>' })), 'demand.flows[0].vehPerHour');
    expect(small.message).toMatch(/300 vehicles .*flow 0: about 300 vehicles\), above the limit of 16 MiB: make it smaller, or raise the limit with --max-memory <MiB>/);
    expect(buildScenario(load(BASE)).trips.count).toBe(300);
  });
});

describe('silently wrong: values that gave wrong results with exit 0 are refused', () => {
  it('jamSpacingM: 1e-8 (no vehicle was ever inserted, and no gridlock reported)', () => {
    const text = variant('{ id: BC, from: B, to: C, speedKmh: 50 }', '{ id: BC, from: B, to: C, speedKmh: 50, jamSpacingM: 1e-8 }');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[1].jamSpacingM');
    expect(p.message).toMatch(/^expected a number >= 2 \(a stopped vehicle with its gap takes from 2 m \(a motorcycle\) to 50 m \(a road train\)\), found 1e-8$/);
  });

  it('a coordinate of 1e308 or 2^31 (vehicles stuck, gridlock "at no junctions")', () => {
    for (const x of ['1e308', String(2 ** 31)]) {
      const p = problemAt(problemsOf(() => load(variant('{ id: C, xM: 800, yM: 0 }', `{ id: C, xM: ${x}, yM: 0 }`))), 'network.junctions[2].xM');
      expect(p.message).toMatch(/^expected a number <= 10000000 \(planar coordinates are metres from a local origin/);
    }
  });

  it('a link longer than 100 km made by its junctions\' coordinates', () => {
    const p = problemAt(problemsOf(() => build(variant('{ id: C, xM: 800, yM: 0 }', '{ id: C, xM: 200400, yM: 0 }'))), 'network.links[1].lengthM');
    expect(p.message).toMatch(/^expected links of at most 100,000 m .*found link "BC" of 200,000 m: its junctions are that far apart/);
    expect(p).toMatchObject({ line: 9, column: 7 }); // lengthM is absent: the link
  });
});

describe('ids and keys named like JavaScript built-ins', () => {
  it('junctions, links and flows named constructor, __proto__ and toString build and run', () => {
    let text = BASE.replace(/\bA\b/g, 'constructor').replace(/\bB\b/g, '__proto__').replace(/\bC\b/g, 'toString');
    text = text.replace('{ id: AB,', '{ id: hasOwnProperty,').replace('from: constructor, to: toString, vehPerHour: 600', 'id: valueOf, from: constructor, to: toString, vehPerHour: 600');
    const built = build(text);
    expect(built.compiled.junctionIndex('__proto__')).toBeGreaterThanOrEqual(0);
    expect(built.network.movementCount).toBe(2);
    const result = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(result.network.arrived).toBeGreaterThan(280);
    expect(built.trips.ids[0]).toBe('valueOf.0');
  });

  it('a key named constructor or __proto__ is an unknown field, located (was "internal error: ALIASES[lower]?.find is not a function")', () => {
    for (const key of ['constructor', '__proto__', 'toString']) {
      const text = variant('vehPerHour: 600 }', `vehPerHour: 600, ${key}: 1 }`);
      const p = problemAt(problemsOf(() => load(text)), `demand.flows[0].${key}`);
      expect(p.message).toMatch(new RegExp(`^unknown field "${key}" \\(known fields here: id, from, to`));
      expect(p).toMatchObject(pos(text, `${key}: 1`));
      const json = JSON.stringify({ name: 'x', network: { generator: 'grid', rows: 2, cols: 2, [key]: 1 }, demand: {}, simulation: { endS: 60 } });
      expect(problemAt(problemsOf(() => load(json, 'x.json')), `network.${key}`).message).toMatch(/^unknown field/);
    }
  });
});

describe('YAML aliases and JSON syntax are the input\'s problems', () => {
  it('1,100 ordinary aliases load (they were refused as an attack and called an internal error)', () => {
    const programs = Array.from({ length: 1100 }, (_, i) => `    - { junction: B${i === 0 ? '' : `x${i}`}, phases: *phases }`);
    const text = `${BASE}signals:\n  default: fixed\n  anchors: &phases [{ green: ["AB>BC"], greenS: 30 }]\n  programs:\n${programs.join('\n')}\n`;
    // The anchor's home key is unknown, and the 1,099 extra junctions do not exist: located problems, not an alias refusal.
    const problems = problemsOf(() => build(text));
    expect(problems.map((p) => p.message).join('\n')).not.toMatch(/alias/i);
    expect(problemAt(problems, 'signals.anchors').message).toMatch(/unknown field "anchors"/);
  });

  it('a billion laughs is refused at the alias, as a located problem of the file', () => {
    const lines = ['name: bomb', 'description: &a "lol"'];
    const names = 'bcdefghij';
    for (let k = 0; k < names.length; k++) {
      const prev = k === 0 ? 'a' : names[k - 1];
      lines.push(`x${names[k]}: &${names[k]} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const problems = problemsOf(() => load(`${lines.join('\n')}\n`));
    expect(problems).toHaveLength(1);
    // The alias that expands most: the first *i (10^8 values).
    expect(problems[0]).toMatchObject({ file: 'tiny.yaml', ...pos(lines.join('\n'), '*i'), path: '' });
    expect(problems[0].message).toMatch(/^YAML aliases refused: aliases expand this document from 113 values to 1,234,567,913, above the limit of 1,000,000 .*billion laughs/);
  });

  it('a JSON syntax error is located at the error, not at the end of the file, and does not echo the input', () => {
    const text = '{\n  "name": "tiny",\n  "network": root:x:0:0,\n  "demand": {},\n  "simulation": { "endS": 60 }\n}\n';
    const problems = problemsOf(() => load(text, 'tiny.json'));
    expect(problems).toEqual([{ file: 'tiny.json', line: 3, column: 14, path: '', message: 'JSON syntax error: expected a value (an object, array, string, number, true, false or null), found "r"' }]);
  });

  it('a key given twice in one JSON object is refused at its second occurrence', () => {
    const text = '{\n  "name": "tiny",\n  "network": { "generator": "grid", "rows": 2, "cols": 2, "rows": 3 },\n  "demand": {},\n  "simulation": { "endS": 60 }\n}\n';
    const problems = problemsOf(() => load(text, 'tiny.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ ...pos(text, '"rows": 3'), path: '', message: expect.stringMatching(/^JSON syntax error: the key "rows" is given twice in one object/) });
  });
});

describe('reading the scenario file', () => {
  it.skipIf(process.platform !== 'linux')('a FIFO given as the scenario is refused at once (it blocked forever)', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const error = await loadScenario(fifo).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems[0]).toMatchObject({ file: fifo, path: '', message: expect.stringMatching(/named pipe \(FIFO\), not a regular file/) });
  }, 5000);

  it('a file above the size cap is refused with the cap and how to raise it', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, JSON.stringify({ name: 'big', description: 'x'.repeat(3000), network: { generator: 'grid', rows: 2, cols: 2 }, demand: {}, simulation: { endS: 60 } }));
    const error = await loadScenario(file, { maxInputBytes: 2048, raiseInputWith: '--max-input <MiB>' }).then(() => undefined, (e: unknown) => e);
    expect((error as ScenarioError).problems[0].message).toMatch(/above the limit of 2,048 bytes for JSON files; raise the limit with --max-input <MiB>/);
    expect((await loadScenario(file)).name).toBe('big');
  });
});

describe('loading in proportion to the input', () => {
  it('200,000 trips in an 8.7 MB JSON file load and build under a 160 MiB heap (the YAML document kept for positions needed several times that; 1e6 trips needed 4.2 GB)', () => {
    const trips = Array.from({ length: 200_000 }, (_, i) => `{"departS":${i % 3500},"from":"r${i % 4}c0","to":"r${(i >> 2) % 4}c3"}`);
    const file = join(dir, 'many-trips.json');
    writeFileSync(file, `{"name":"many","network":{"generator":"grid","rows":4,"cols":4},"demand":{"trips":[\n${trips.join(',\n')}\n]},"simulation":{"endS":3600}}\n`);
    const r = spawnSync(process.execPath, ['--max-old-space-size=160', '--import', 'tsx', 'test/fixtures/load-scenario-child.ts', file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trips: 200_000 });
  }, 130_000);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASE, pos, problemAt, problemsOf, variant } from '../fixtures/scenario-problems.js';
import { ScenarioError } from '../../engine/errors.js';
import {
  buildScenario,
  formatClock,
  loadScenario,
  parseClock,
  parseScenario,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'scenarios');
const root = path.join(here, '..', '..');

const load = (text: string, file = 'tiny.yaml') => parseScenario(text, file);
const build = (text: string, file = 'tiny.yaml') => buildScenario(parseScenario(text, file));

describe('valid scenarios', () => {
  it('loadScenario + buildScenario + simulate: a generated grid in YAML', async () => {
    const built = buildScenario(await loadScenario(path.join(fixtures, 'grid-peak.yaml')));
    expect(built.compiled.junctionCount).toBe(9 + 12); // 3x3 grid plus 12 stubs
    expect(built.compiled.drivingSide).toBe('left');
    expect(built.options).toMatchObject({ start: 7 * 3600, end: 8 * 3600, seed: 7, interval: 600 });
    expect(built.replications).toBe(2);
    expect(built.seeds).toEqual([7, 8]);
    expect(built.signals.programs).toHaveLength(1);
    expect(built.signals.programs[0].cycle).toBe(70);
    expect(built.outputs).toEqual({ dir: 'out/grid-peak', files: ['summary.json', 'trips.csv'] });
    expect(built.trips.count).toBeGreaterThan(500);
    expect(built.trips.depart[0]).toBeGreaterThanOrEqual(7 * 3600);

    const result = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(result.gridlock).toBeUndefined();
    expect(result.network.arrived).toBeGreaterThan(0.9 * built.trips.count);
    // The second replication has its own Poisson demand.
    expect(built.tripsFor(built.seeds[1]).count).not.toBe(built.trips.count);
  });

  it('loadScenario + buildScenario + simulate: an inline network in JSON', async () => {
    const built = buildScenario(await loadScenario(path.join(fixtures, 't-junction.json')));
    expect(built.network.linkCount).toBe(6);
    expect(built.network.movementCount).toBe(6);
    expect(built.network.link('WJ').name).toBe('Avenida');
    expect(built.signals.programs[0].phases.map((p) => p.duration)).toEqual([35, 25]);
    expect(built.options).toMatchObject({ start: 0, end: 2700, seed: 3, gridlockTimeout: 300, routingInterval: 120 });
    const result = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(result.network.arrived).toBe(built.trips.count);
    expect(built.trips.ids).toContain('first');
  });

  it('buildScenario: signals.default webster, actuated and max-pressure', () => {
    // B's default plan has one phase (both approaches on one axis): L = 5 s, y = 600 / 3600 (AB's 2 lanes),
    // C0 = (1.5 x 5 + 5) / (5/6) = 15 s, raised to SUMO's minimum cycle of 20 s.
    const webster = build(`${BASE}signals:\n  default: webster\n`);
    expect(webster.signals.control).toEqual({ kind: 'fixed' });
    expect(webster.signals.programs).toHaveLength(1);
    expect(webster.signals.programs[0].phases).toHaveLength(1);
    expect(webster.signals.programs[0].cycle).toBe(20);
    expect(build(BASE).signals.programs).toHaveLength(0);
    for (const kind of ['actuated', 'max-pressure'] as const) {
      const built = build(`${BASE}signals:\n  default: ${kind}\n`);
      expect(built.signals.control).toEqual({ kind });
      const result = simulate(built.compiled, built.trips, built.signals, built.options);
      expect(result.network.arrived).toBeGreaterThan(0.9 * built.trips.count);
    }
  });

  it('buildScenario: signals.default webster counts the vehicle class\'s start-up lost time in L', () => {
    // Webster 1958 / HCM ch. 19: lost time per phase = clearance + start-up lost time l (the kernel loses
    // simulation.vehicle.startUpLostS at every green start). One phase, clearance 3 + 2 = 5 s, Y about 0.09:
    // l = 5 s gives L = 10 s, C0 = (1.5 x 10 + 5) / (1 - Y) = 22 s, green = l + (C - L) = 17 s;
    // l = 0 gives L = 5 s, C0 = 12.5 / (1 - Y) = 14 s, raised to the 20 s minimum cycle (green 15 s).
    const withLost = (l: number) => build(variant('  endS: 1800\n', `  endS: 1800\n  vehicle: { startUpLostS: ${l} }\n`, `${BASE}signals:\n  default: webster\n`)).signals.programs[0];
    expect(withLost(5).cycle).toBe(22);
    expect(withLost(5).phases[0].duration).toBe(17);
    expect(withLost(0).cycle).toBe(20);
    expect(withLost(0).phases[0].duration).toBe(15);
  });

  it('buildScenario: simulation.vehicle.gapAcceptance reaches the run\'s vehicle class in SI units (SUMO\'s rule, fields named as in SUMO)', () => {
    const built = build(variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { gapAcceptance: { model: sumo, timegapMinorS: 1.5, lengthM: 7, timeToImpatienceS: 0 } }\n'));
    expect(built.options.vehicle?.gapAcceptance).toEqual({ model: 'sumo', timegapMinor: 1.5, length: 7, timeToImpatience: 0 });
    expect(build(variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { gapAcceptance: { model: hcm } }\n')).options.vehicle?.gapAcceptance).toEqual({ model: 'hcm' });
  });

  it('buildScenario: simulation.vehicle.junctionStorageVeh reaches the run\'s vehicle class; a fraction is a located error', () => {
    expect(build(variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { junctionStorageVeh: 0 }\n')).options.vehicle?.junctionStorage).toBe(0);
    expect(build(variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { junctionStorageVeh: 3 }\n')).options.vehicle?.junctionStorage).toBe(3);
    const text = variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { junctionStorageVeh: 2.5 }\n');
    expect(problemAt(problemsOf(() => load(text)), 'simulation.vehicle.junctionStorageVeh')).toMatchObject(pos(text, '2.5'));
  });

  it('buildScenario: an inline network without movements gets every non-U-turn', () => {
    const built = build(BASE);
    expect(built.network.movementCount).toBe(2); // AB>BC and CB>BA at B; A and C are dead ends
    expect(built.trips.count).toBe(300); // 600 veh/h for half an hour
    const result = simulate(built.compiled, built.trips, {}, built.options);
    expect(result.network.arrived + result.network.unfinished).toBe(300); // the last ones are still driving at the end
    expect(result.network.arrived).toBeGreaterThan(280);
  });
});

describe('unit conversion (once, at load)', () => {
  it('parseScenario: km/h, veh/h and veh/h per lane become m/s, veh/s and veh/s per lane', () => {
    const loaded = load(variant('{ id: BC, from: B, to: C, speedKmh: 50 }', '{ id: BC, from: B, to: C, speedKmh: 50, saturationVehPerHourPerLane: 1800, jamSpacingM: 8, lengthM: 410 }', variant('vehPerHour: 600', 'vehPerHour: 900')));
    if (loaded.network.kind !== 'inline') throw new Error('expected an inline network');
    const bc = loaded.network.links[1];
    expect(bc.speed).toBeCloseTo(13.888_888_9, 6);
    expect(bc.saturationFlow).toBeCloseTo(0.5, 12);
    expect(bc.jamSpacing).toBe(8);
    expect(bc.length).toBe(410);
    expect(loaded.demand.flows![0].rate).toBeCloseTo(0.25, 12);
    expect(loaded.network.junctions[1]).toEqual({ id: 'B', x: 400, y: 0, control: 'signal' });

    const built = buildScenario(loaded);
    const l = built.compiled.linkIndex('BC');
    expect(built.compiled.linkSpeed[l]).toBeCloseTo(50 / 3.6, 9);
    expect(built.compiled.linkSaturationFlow[l]).toBeCloseTo(0.5, 12);
  });

  it('parseScenario: generator parameters and signal times are converted too', () => {
    const loaded = load(`name: g
network: { generator: corridor, junctions: 3, spacingM: [250, 300], speedKmh: 60, sideSpeedKmh: 36, saturationVehPerHourPerLane: 1800 }
demand: {}
signals:
  programs:
    - { junction: j0, offsetS: 12, phases: [{ green: [], greenS: 30, yellowS: 4, allRedS: 1 }] }
simulation: { start: "06:30", end: "07:30:30" }
`);
    expect(loaded.network).toMatchObject({ kind: 'corridor', junctions: 3, spacing: [250, 300] });
    if (loaded.network.kind !== 'corridor') throw new Error('expected a corridor');
    expect(loaded.network.options.speed).toBeCloseTo(60 / 3.6, 12);
    expect(loaded.network.options.sideSpeed).toBeCloseTo(10, 12);
    expect(loaded.network.options.saturationFlow).toBeCloseTo(0.5, 12);
    expect(loaded.signals.programs[0]).toEqual({ junction: 'j0', offset: 12, phases: [{ green: [], duration: 30, yellow: 4, allRed: 1 }] });
    expect(loaded.simulation).toMatchObject({ start: 6.5 * 3600, end: 7.5 * 3600 + 30, seed: 1, replications: 1 });
  });

  it('parseScenario: departSpeedKmh becomes m/s ("max" stays), and a bad one is located', () => {
    const text = variant('vehPerHour: 600 }', 'vehPerHour: 600, departSpeedKmh: max }\n  trips:\n    - { departS: 5, from: A, to: C, departSpeedKmh: 36 }');
    const loaded = load(text);
    expect(loaded.demand.flows![0].departSpeed).toBe('max');
    expect(loaded.demand.trips![0].departSpeed).toBeCloseTo(10, 12);
    const built = buildScenario(loaded);
    expect(Array.from(built.tripsFor(1).departSpeed!).slice(0, 2)).toEqual([Infinity, 10]);
    const bad = variant('departSpeedKmh: 36', 'departSpeedKmh: fast', text);
    const p = problemAt(problemsOf(() => load(bad)), 'demand.trips[0].departSpeedKmh');
    expect(p).toMatchObject(pos(bad, 'fast'));
    expect(p.message).toMatch(/"max"/);
  });

  it('parseClock / formatClock: clock strings are seconds since midnight', () => {
    expect(parseClock('07:30')).toBe(27_000);
    expect(parseClock('07:30:15.5')).toBe(27_015.5);
    expect(parseClock('25:00')).toBe(90_000);
    expect(parseClock('7:75')).toBeUndefined();
    expect(formatClock(27_015.5)).toBe('07:30:15.5');
    expect(formatClock(0)).toBe('00:00:00');
  });

  it('parseScenario: flows and OD periods default to the simulation window, on the same clock', () => {
    const loaded = load(variant('endS: 1800', 'start: "07:00"\n  end: "07:30"', variant('vehPerHour: 600 }', 'vehPerHour: 600 }\n    - { from: C, to: A, vehPerHour: 60, begin: "07:10", endS: 26400 }')));
    expect(loaded.demand.flows!.map((f) => [f.begin, f.end])).toEqual([[25_200, 27_000], [25_800, 26_400]]);
  });
});

describe('ScenarioError: broken scenarios', () => {
  it('a missing required field: a link without speedKmh', () => {
    const text = variant('{ id: BC, from: B, to: C, speedKmh: 50 }', '{ id: BC, from: B, to: C }');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[1].speedKmh');
    expect(p.message).toMatch(/missing required field/);
    expect(p).toMatchObject({ file: 'tiny.yaml', ...pos(text, '{ id: BC') }); // the link that lacks it
  });

  it('a bad gap-acceptance value: a negative timegapMinorS, and a SUMO field under the HCM model', () => {
    const text = variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { gapAcceptance: { model: sumo, timegapMinorS: -1 } }\n');
    const p = problemAt(problemsOf(() => load(text)), 'simulation.vehicle.gapAcceptance.timegapMinorS');
    expect(p).toMatchObject(pos(text, '-1'));
    const hcm = variant('  endS: 1800\n', '  endS: 1800\n  vehicle: { gapAcceptance: { model: hcm, lengthM: 5 } }\n');
    expect(problemsOf(() => load(hcm)).some((q) => q.path.startsWith('simulation.vehicle.gapAcceptance'))).toBe(true);
  });

  it('a wrong type: lanes: "two"', () => {
    const text = variant('lanes: 2', 'lanes: two');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[0].lanes');
    expect(p.message).toMatch(/expected a number, found "two"/);
    expect(p).toMatchObject({ line: 8, column: 54 });
    expect(p).toMatchObject(pos(text, 'lanes: two', 7));
  });

  it('an unknown key (typo): speedKmH is refused and speedKmh suggested', () => {
    const text = variant('{ id: BC, from: B, to: C, speedKmh: 50 }', '{ id: BC, from: B, to: C, speedKmH: 50 }');
    const problems = problemsOf(() => load(text));
    const p = problemAt(problems, 'network.links[1].speedKmH');
    expect(p.message).toMatch(/did you mean "speedKmh"/);
    expect(p).toMatchObject(pos(text, 'speedKmH')); // the key itself
    expect(problems).toHaveLength(1); // the "missing speedKmh" it explains is not repeated
  });

  it('a unit-less field: speed instead of speedKmh', () => {
    const text = variant('{ id: BA, from: B, to: A, speedKmh: 50 }', '{ id: BA, from: B, to: A, speed: 50 }');
    const problems = problemsOf(() => load(text));
    const p = problemAt(problems, 'network.links[3].speed');
    expect(p.message).toMatch(/unit in the name; did you mean "speedKmh"/);
    expect(p).toMatchObject({ line: 11, column: 33 });
    expect(problems).toHaveLength(1);
  });

  it('an unknown junction in a link, every one at once', () => {
    const text = variant('{ id: CB, from: C, to: B', '{ id: CB, from: X, to: B', variant('{ id: BC, from: B, to: C', '{ id: BC, from: B, to: Q'));
    const problems = problemsOf(() => build(text));
    expect(problems.map((p) => p.path)).toEqual(['network.links[1].to', 'network.links[2].from']);
    expect(problems[0]).toMatchObject(pos(text, 'to: Q', 4));
    expect(problems[1]).toMatchObject(pos(text, 'from: X', 6));
    expect(problems[0].message).toMatch(/unknown junction "Q"/);
  });

  it('a negative length', () => {
    const text = variant('{ id: AB, from: A, to: B,', '{ id: AB, from: A, to: B, lengthM: -3,');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[0].lengthM');
    expect(p.message).toBe('expected a number > 0, found -3');
    expect(p).toMatchObject(pos(text, '-3'));
  });

  it('zero lanes', () => {
    const text = variant('lanes: 2', 'lanes: 0');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[0].lanes');
    expect(p.message).toBe('expected a number >= 1, found 0');
    expect(p).toMatchObject({ line: 8, column: 54 });
  });

  it('an invalid number: .nan in YAML', () => {
    const text = variant('{ id: AB, from: A, to: B,', '{ id: AB, from: A, to: B, lengthM: .nan,');
    const p = problemAt(problemsOf(() => load(text)), 'network.links[0].lengthM');
    expect(p.message).toBe('expected a finite number, found NaN');
    expect(p).toMatchObject(pos(text, '.nan'));
  });

  it('an invalid number: 1e999 (Infinity) in JSON', () => {
    const text = '{\n  "name": "tiny",\n  "network": { "generator": "grid", "rows": 1e999, "cols": 2 },\n  "demand": {},\n  "simulation": { "endS": 10 }\n}\n';
    const p = problemAt(problemsOf(() => load(text, 'tiny.json')), 'network.rows');
    expect(p.message).toMatch(/finite number, found Infinity/);
    expect(p).toMatchObject({ line: 3, column: 45 });
  });

  it('a missing network file for an import', () => {
    const file = path.join(fixtures, 'import.yaml');
    const text = 'name: imported\nnetwork:\n  import: sumo\n  file: missing.net.xml\ndemand: {}\nsimulation: { endS: 60 }\n';
    const p = problemAt(problemsOf(() => load(text, file)), 'network.file');
    expect(p.message).toContain('network file not found: "missing.net.xml"');
    expect(p.message).toContain(path.join(fixtures, 'missing.net.xml'));
    expect(p).toMatchObject({ file, line: 4, column: 9 });
  });

  it('an import parsed without loading (parseScenario reads no other file): a clear problem at network.import', () => {
    const file = path.join(fixtures, 'import.yaml');
    const text = 'name: imported\nnetwork:\n  import: sumo\n  file: tiny.net.xml\ndemand: {}\nsimulation: { endS: 60 }\n';
    const loaded = load(text, file);
    expect(loaded.network).toEqual({ kind: 'import', format: 'sumo', file: path.join(fixtures, 'tiny.net.xml') });
    const p = problemAt(problemsOf(() => buildScenario(loaded)), 'network.import');
    expect(p.message).toMatch(/was not imported: load the scenario with loadScenario/);
    expect(p).toMatchObject({ line: 3, column: 11 });
  });

  it('bad YAML syntax: an unclosed flow list, with line and column', () => {
    const text = 'name: tiny\ndemand:\n  flows: [ { from: A, to: C }\nsimulation: { endS: 1800 }\n';
    const problems = problemsOf(() => load(text));
    expect(problems[0]).toMatchObject({ file: 'tiny.yaml', line: 4, column: 1, path: '' });
    expect(problems[0].message).toMatch(/^YAML syntax error: Flow sequence/);
  });

  it('bad YAML: a duplicate key', () => {
    const problems = problemsOf(() => load(variant('  endS: 1800\n', '  endS: 1800\n  endS: 2000\n')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 17, column: 3, path: '' });
    expect(problems[0].message).toMatch(/keys must be unique/);
  });

  it('bad JSON syntax: a missing comma, with line and column', () => {
    const text = '{\n  "name": "tiny",\n  "network": {\n    "generator": "grid"\n    "rows": 2\n  }\n}\n';
    const problems = problemsOf(() => load(text, 'tiny.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'tiny.json', line: 5, column: 5, path: '' });
    expect(problems[0].message).toMatch(/^JSON syntax error/);
  });

  it('bad JSON syntax: a trailing comma YAML would accept is still refused in a .json file', () => {
    const text = '{\n  "name": "tiny",\n  "demand": {},\n}\n';
    const problems = problemsOf(() => load(text, 'tiny.json'));
    expect(problems[0]).toMatchObject({ line: 4, column: 1, path: '' });
  });

  it('an unknown junction in demand', () => {
    const text = variant('{ from: A, to: C, vehPerHour: 600 }', '{ from: A, to: Z, vehPerHour: 600 }');
    const p = problemAt(problemsOf(() => build(text)), 'demand.flows[0].to');
    expect(p.message).toMatch(/unknown junction "Z"/);
    expect(p).toMatchObject(pos(text, 'to: Z', 4));
  });

  it('a movement between links that do not meet', () => {
    const text = variant('demand:', '  movements:\n    - { from: AB, to: BC }\n    - { from: AB, to: CB }\ndemand:');
    const p = problemAt(problemsOf(() => build(text)), 'network.movements[1].to');
    expect(p.message).toMatch(/do not meet/);
    expect(p).toMatchObject({ line: 14, column: 23 });
  });

  it('a bad clock string', () => {
    const text = variant('flows:', 'trips:\n    - { depart: "7:75", from: A, to: C }\n  flows:');
    const p = problemAt(problemsOf(() => load(text)), 'demand.trips[0].depart');
    expect(p.message).toMatch(/expected a clock time "HH:MM" or "HH:MM:SS".*found "7:75"/);
    expect(p).toMatchObject(pos(text, '"7:75"'));
  });

  it('a number where a clock string goes: the seconds field is named', () => {
    const text = variant('endS: 1800', 'end: 1800');
    const p = problemAt(problemsOf(() => load(text)), 'simulation.end');
    expect(p.message).toMatch(/write endS: 1800/);
    expect(p).toMatchObject({ line: 16, column: 8 });
  });

  it('both forms of one time', () => {
    const text = variant('endS: 1800', 'endS: 1800\n  end: "00:30"');
    const p = problemAt(problemsOf(() => load(text)), 'simulation.end');
    expect(p.message).toMatch(/either endS .* or end .*not both/);
    expect(p).toMatchObject({ line: 17, column: 8 });
  });

  it('a trip departing before simulation.start (times are on one clock)', () => {
    const text = variant('endS: 1800', 'start: "07:00"\n  end: "08:00"', variant('flows:', 'trips:\n    - { departS: 60, from: A, to: C }\n  flows:'));
    const p = problemAt(problemsOf(() => load(text)), 'demand.trips[0].departS');
    expect(p.message).toMatch(/at or after simulation start 07:00:00 \(25200 s\), found 00:01:00 \(60 s\)/);
    expect(p).toMatchObject(pos(text, 'departS: 60', 9));
  });

  it('a generator that does not exist', () => {
    const text = 'name: g\nnetwork: { generator: hex, rows: 2, cols: 2 }\ndemand: {}\nsimulation: { endS: 60 }\n';
    const p = problemAt(problemsOf(() => load(text)), 'network.generator');
    expect(p.message).toBe('expected one of "grid", "corridor", "ring", found "hex"');
    expect(p).toMatchObject({ line: 2, column: 23 });
  });

  it('a signal control that does not exist', () => {
    const text = `${BASE}signals:\n  default: scoot\n`;
    const p = problemAt(problemsOf(() => load(text)), 'signals.default');
    expect(p.message).toMatch(/"fixed", "webster", "actuated", "max-pressure"/);
    expect(p).toMatchObject({ line: 18, column: 12 });
  });

  it('a signal program naming a link that does not exist', () => {
    const text = `${BASE}signals:\n  programs:\n    - junction: B\n      phases:\n        - { green: ["AB>BX"], greenS: 30 }\n`;
    const p = problemAt(problemsOf(() => build(text)), 'signals.programs[0].phases[0].green[0]');
    expect(p.message).toMatch(/unknown link "BX"/);
    expect(p).toMatchObject(pos(text, '"AB>BX"'));
  });

  it('an engine InputError is mapped: a non-zero OD diagonal at demand.od[0].vehPerHour[0][0]', () => {
    const text = variant('flows:\n    - { from: A, to: C, vehPerHour: 600 }', 'od:\n    - { zones: [A, C], vehPerHour: [[5, 10], [10, 0]] }');
    const p = problemAt(problemsOf(() => build(text)), 'demand.od[0].vehPerHour[0][0]');
    expect(p.message).toMatch(/expected 0 on the diagonal/);
    expect(p).toMatchObject(pos(text, '[[5', 2));
  });

  it('an engine NetworkError is mapped: a link with no length between junctions at the same place', () => {
    const text = variant('{ id: C, xM: 800, yM: 0 }', '{ id: C, xM: 400, yM: 0 }');
    const problems = problemsOf(() => build(text));
    const p = problemAt(problems, 'network.links[1].lengthM');
    expect(p.message).toMatch(/missing and its junctions share coordinates/);
    expect(p).toMatchObject(pos(text, '{ id: BC')); // lengthM is absent: the link it belongs to
    expect(problems.map((q) => q.path)).toEqual(['network.links[1].lengthM', 'network.links[2].lengthM']);
  });

  it('a saturation flow the link speed cannot carry', () => {
    const text = variant('{ id: BC, from: B, to: C, speedKmh: 50 }', '{ id: BC, from: B, to: C, speedKmh: 5 }');
    const p = problemAt(problemsOf(() => build(text)), 'network.links[1].speedKmh');
    expect(p.message).toMatch(/above the saturation flow \(1800 veh\/h per lane\) on link "BC"/);
    expect(p).toMatchObject(pos(text, 'speedKmh: 5 }', 10));
  });

  it('several problems reported at once, each located', () => {
    let text = variant('lanes: 2', 'lanes: 0');
    text = variant('{ id: C, xM: 800, yM: 0 }', '{ id: C, xM: 800, y: 0 }', text);
    text = variant('vehPerHour: 600', 'vehPerHour: -600', text);
    text = variant('endS: 1800', 'endS: "half an hour"', text);
    text = `${text}outputs: { files: [summary.csv] }\n`;
    const problems = problemsOf(() => load(text));
    expect(problems.map((p) => p.path)).toEqual([
      'network.junctions[2].y',
      'network.links[0].lanes',
      'demand.flows[0].vehPerHour',
      'simulation.endS',
      'outputs.files[0]',
    ]);
    expect(problems.map((p) => p.line)).toEqual([6, 8, 14, 16, 17]);
    expect(problems[0].message).toMatch(/did you mean "yM"/);
    expect(problems[3].message).toBe('expected a number, found "half an hour"');
  });
});

describe('loadScenario: files', () => {
  it('loadScenario rejects a missing file with a ScenarioError naming it', async () => {
    const file = path.join(fixtures, 'nowhere.yaml');
    const error = await loadScenario(file).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems).toEqual([{ file, path: '', message: expect.stringContaining('no such file') }]);
  });

  it('loadScenario rejects an extension other than .json, .yaml, .yml', async () => {
    const error = await loadScenario('scenario.txt').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems[0].message).toMatch(/\.json, \.yaml or \.yml/);
  });

  it('parseScenario rejects an empty file', () => {
    expect(problemsOf(() => load(''))[0]).toMatchObject({ line: 1, column: 1, path: '' });
  });
});

describe('ScenarioError', () => {
  it('lists every problem as file:line:column  path  message', () => {
    const error = new ScenarioError([
      { file: 's.yaml', line: 9, column: 3, path: 'demand.flows[2].vehPerHour', message: 'expected a number >= 0, found -5' },
      { file: 's.yaml', line: 2, column: 7, path: 'network.speedKmH', message: 'unknown field "speedKmH"; did you mean "speedKmh"?' },
      { file: 's.yaml', path: '', message: 'cannot read the scenario file' },
    ]);
    expect(error.message.split('\n')).toEqual([
      '3 problems in s.yaml:',
      '  s.yaml:2:7  network.speedKmH  unknown field "speedKmH"; did you mean "speedKmh"?',
      '  s.yaml:9:3  demand.flows[2].vehPerHour  expected a number >= 0, found -5',
      '  s.yaml  cannot read the scenario file',
    ]);
    expect(error.name).toBe('ScenarioError');
  });
});

describe('scenarios/schema.json', () => {
  it('scenarioJsonSchemaText: the committed file equals a freshly generated one (run npx tsx scripts/generate-schema.ts)', () => {
    const committed = readFileSync(path.join(root, 'scenarios', 'schema.json'), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('scenarioJsonSchema: strict objects with described, unit-named fields', () => {
    const schema = scenarioJsonSchema() as { additionalProperties: boolean; properties: Record<string, { description?: string }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.drivingSide.description).toMatch(/left/);
    const text = JSON.stringify(schema);
    for (const field of ['speedKmh', 'lengthM', 'vehPerHour', 'saturationVehPerHourPerLane', 'greenS', 'departS', 'attachLengthM']) {
      expect(text).toContain(`"${field}"`);
    }
  });
});

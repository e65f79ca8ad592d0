/**
 * importSumo, importSumoAdditional and readXml on hand-written fixtures
 * (test/fixtures/sumo): every rule of the importer has a case here.
 *
 * - cross.net.xml: junction types, lanes closed to cars dropped and renumbered,
 *   internal lanes added to link length and free-flow time (each movement keeping
 *   its own crossing as a time offset on the mean), connections grouped
 *   into movements with lane sets, signalIndex, and the tlLogic rules (G/g,
 *   yellow and all-red folded, a leading all-red phase wrapped, offset moved).
 * - lefthand.net.xml: driving side, junction types, turn kinds, no internal lanes.
 * - cross.rou.xml / cross.sumocfg / cross.add.xml: every demand element, the
 *   configuration's files and period, additional programs replacing the net's.
 * - Bad files: malformed XML, DOCTYPE entities (internal and external), dangling
 *   references in network and routes, unknown signal state: InputError at file:line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { compile, isFarSideTurn } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { compileProgram } from '../../../engine/signals/index.js';
import { importSumo, importSumoAdditional, replacePrograms } from '../../../engine/io/sumo/index.js';
import { isUnsafeDoctype, readXml } from '../../../engine/io/xml.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const dir = path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo');
const fixture = (name: string) => path.join(dir, name);
/** 1-based line of the first line of fixture `name` containing `text`. */
function lineOf(name: string, text: string): number {
  const i = readFileSync(fixture(name), 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`"${text}" not in ${name}`);
  return i + 1;
}

/** The InputError a promise rejects with. */
async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('importSumo: network (cross.net.xml)', async () => {
  const r = await importSumo(fixture('cross.net.xml'));
  const net = r.network;

  it('keeps normal edges and their junctions, maps junction types to controls', () => {
    expect(r.format).toBe('sumo');
    expect(r.files).toEqual([fixture('cross.net.xml')]);
    expect(net.drivingSide).toBe('right');
    expect(net.junctions().map((j) => [j.id, j.control])).toEqual([['C', 'signal'], ['N', 'uncontrolled'], ['S', 'uncontrolled'], ['E', 'uncontrolled'], ['W', 'uncontrolled']]);
    expect(net.links().map((l) => l.id)).toEqual(['NC', 'CN', 'SC', 'CS', 'EC', 'CE', 'WC', 'CW']);
    expect(r.counts).toContainEqual({ label: 'dropped: crossings, walking areas, connectors', count: 2 });
  });

  it('counts only lanes open to passenger cars, renumbered from the kerb; length is their mean, speed their highest', () => {
    expect(net.link('EC')).toMatchObject({ lanes: 1, length: 90, speed: 11.11, name: 'East Road' });
    expect(net.link('CE')).toMatchObject({ lanes: 2, length: 90, speed: 13.89 });
    expect(net.link('WC').speed).toBe(16.67);
    expect(net.movementsFrom('EC').map((m) => [m.to, m.lanes])).toEqual([['CN', [0]], ['CW', [0]], ['CS', [0]]]);
  });

  it('extends a link by the mean internal path of its connections, keeping edge + crossing free-flow time', () => {
    // NC's connections cross on :C_0_0 (10 m at 5 m/s), :C_1_0 (20 m at 13.89) and :C_2_0 + :C_10_0 (8 + 7 m at 6 m/s).
    const extra = (10 + 20 + 15) / 3;
    const time = 90 / 13.89 + (10 / 5 + 20 / 13.89 + 15 / 6) / 3;
    const nc = net.link('NC');
    expect(nc.length).toBeCloseTo(90 + extra, 9);
    expect(nc.length / nc.speed).toBeCloseTo(time, 9);
    expect(net.link('SC').length).toBe(90); // no internal lanes on its connections
    return importSumo(fixture('cross.net.xml'), { junctionCrossing: false }).then((plain) => expect(plain.network.link('NC')).toMatchObject({ length: 90, speed: 13.89 }));
  });

  it('gives each movement its own crossing as a time offset on the link\'s mean: free-flow time through it = edge + its internal lanes', () => {
    // NC: right :C_0_0 (10 m at 5 m/s: 2 s), straight :C_1_0 (20 m at 13.89), left :C_2_0 + :C_10_0 (8 + 7 m at 6 m/s: 2.5 s).
    const own: Record<string, number> = { CW: 10 / 5, CS: 20 / 13.89, CE: 15 / 6 };
    const mean = (own.CW + own.CS + own.CE) / 3;
    const compiled = compile(net);
    const nc = compiled.linkIndex('NC');
    for (const m of net.movementsFrom('NC')) {
      expect(m.timeOffset).toBeCloseTo(own[m.to] - mean, 9);
      const e = compiled.movementBetween(nc, compiled.linkIndex(m.to));
      expect(compiled.movementTimeOffset[e]).toBeCloseTo(own[m.to] - mean, 9);
      expect(compiled.linkFreeFlowTime[nc] + compiled.movementTimeOffset[e]).toBeCloseTo(90 / 13.89 + own[m.to], 9);
    }
    // The left turn (long, slow internal lanes) costs more than the right, as SUMO routes them.
    expect(net.movementsFrom('NC').find((m) => m.to === 'CE')!.timeOffset).toBeGreaterThan(net.movementsFrom('NC').find((m) => m.to === 'CW')!.timeOffset!);
    // No internal lanes (SC), or no crossing added: no offsets.
    expect(net.movementsFrom('SC').every((m) => m.timeOffset === undefined)).toBe(true);
    return importSumo(fixture('cross.net.xml'), { junctionCrossing: false }).then((plain) => expect(compile(plain.network).hasTimeOffsets).toBe(false));
  });

  it('groups lane connections into movements with their approach lanes, U-turn-free here', () => {
    expect(net.movementCount).toBe(12);
    expect(net.movementsFrom('WC').map((m) => [m.to, m.lanes, m.turn])).toEqual([['CS', [0], 'right'], ['CE', [0, 1], 'straight'], ['CN', [1], 'left']]);
    expect(r.counts).toContainEqual({ label: 'connections', count: 13 });
  });

  it('records each movement\'s linkIndex list under its junction and traffic light, crossings under lane ids', () => {
    const c = r.signalIndex!.C;
    expect(c.controller).toBe('C');
    expect(c.links['WC>CE']).toEqual([10, 11]);
    expect(c.links['NC>CE']).toEqual([2]);
    expect(c.links[':C_w0_0>:C_c0_0']).toEqual([13]);
    expect(Object.keys(c.links)).toHaveLength(13);
  });

  it('folds yellow and all-red phases, wraps a leading all-red phase and moves the offset by it', () => {
    expect(r.programs).toHaveLength(1);
    const [p] = r.programs;
    const sorted = (refs: { from: string; to: string }[] | undefined) => (refs ?? []).map((m) => `${m.from}>${m.to}`).sort();
    expect(p.junction).toBe('C');
    expect(p.offset).toBe(12); // SUMO's phase 0 (2 s all red) starts at 10, the first green at 12
    expect(p.phases.map((ph) => [ph.duration, ph.yellow, ph.allRed])).toEqual([[30, 3, 2], [25, 4, 2]]);
    expect(sorted(p.phases[0].green)).toEqual(['NC>CS', 'NC>CW', 'SC>CE', 'SC>CN']);
    expect(sorted(p.phases[0].permissive)).toEqual(['NC>CE', 'SC>CW']);
    expect(sorted(p.phases[1].green)).toEqual(['EC>CN', 'EC>CW', 'WC>CE', 'WC>CS']);
    expect(sorted(p.phases[1].permissive)).toEqual(['EC>CS', 'WC>CN']);
    // The program is valid greenwave input, with SUMO's cycle.
    expect(compileProgram(compile(net), p).cycle).toBe(66);
  });

  it('reads gzip-compressed networks', async () => {
    const tmp = tempDir('gw-sumo-');
    const file = path.join(tmp, 'cross.net.xml.gz');
    writeFileSync(file, gzipSync(readFileSync(fixture('cross.net.xml'))));
    const z = await importSumo(file);
    expect(z.network.linkCount).toBe(8);
    expect(z.programs).toEqual(r.programs);
  });
});

describe('importSumo: left-hand network (lefthand.net.xml)', async () => {
  const r = await importSumo(fixture('lefthand.net.xml'));
  const net = r.network;

  it('drives on the left, classifies turns from geometry, has no signals', () => {
    expect(net.drivingSide).toBe('left');
    const turn = (from: string, to: string) => net.movementsFrom(from).find((m) => m.to === to)!.turn;
    expect(turn('AJ', 'JD')).toBe('right');
    expect(isFarSideTurn(turn('AJ', 'JD'), 'left')).toBe(true); // a right turn crosses oncoming traffic in Macau
    expect(turn('PJ', 'JD')).toBe('left');
    expect(turn('JP', 'PJ')).toBe('uturn'); // SUMO dir "t" connections are imported
    expect(r.programs).toEqual([]);
    expect(r.signalIndex).toEqual({});
  });

  it('maps priority-like types to priority (reporting the approximation), unregulated and dead ends to uncontrolled', () => {
    expect(Object.fromEntries(net.junctions().map((j) => [j.id, j.control]))).toEqual({ A: 'uncontrolled', J: 'priority', P: 'priority', U: 'uncontrolled', B: 'uncontrolled', D: 'uncontrolled' });
    expect(r.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/1 junction\(s\) of type "right_before_left" imported as priority/));
  });

  it('keeps lane lengths when there are no internal lanes', () => {
    expect(net.link('AJ')).toMatchObject({ length: 100, speed: 13.89, lanes: 1 });
    expect(net.link('JD').speed).toBe(8.33);
  });
});

describe('importSumo: configuration, routes and additional programs (cross.sumocfg)', async () => {
  const r = await importSumo(fixture('cross.sumocfg'));
  // The same files without the configuration: the period starts at 0, so every vehicle of the route file is loaded.
  const all = await importSumo({ net: fixture('cross.net.xml'), routes: [fixture('cross.rou.xml')], additional: [fixture('cross.add.xml')] });
  const trips = all.demand.trips ?? [];
  const flows = all.demand.flows ?? [];
  const byId = new Map(flows.map((f) => [f.id, f]));

  it('reads the files the configuration names, relative to it, and its period', () => {
    expect(r.files).toEqual(['cross.sumocfg', 'cross.net.xml', 'cross.rou.xml', 'cross.add.xml'].map(fixture));
    expect(r.simulation).toEqual({ start: 60, end: 3600 });
  });

  it('runs the additional file\'s program (the last loaded) and counts what it skipped', () => {
    expect(r.programs).toHaveLength(1);
    expect(r.programs[0].offset).toBe(0);
    expect(r.programs[0].phases.map((p) => [p.duration, p.yellow, p.allRed])).toEqual([[20, 3, 0], [40, 3, 0]]);
    expect(r.counts).toContainEqual({ label: 'skipped: additional <e1Detector>', count: 1 });
    expect(r.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/has 2 programs; using programID "b"/));
  });

  it('turns vehicles into trips with explicit routes (named, inline, forward references) and trips into routed endpoints', () => {
    // f_vph and f_number start at 0: SUMO departs their first vehicle at 0, which greenwave's uniform flow
    // (first vehicle half a headway after its begin) cannot, so it is a trip of its own.
    expect(trips.map((t) => t.id)).toEqual(['v0', 'v1', 'v2', 'b0', 't0', 't1', 'f_vph.first', 'f_number.first']);
    expect(trips[0]).toEqual({ id: 'v0', depart: 0, route: ['NC', 'CS'] });
    expect(trips[1]).toEqual({ id: 'v1', depart: 1.5, route: ['EC', 'CW'] });
    expect(trips[2].depart).toBe(5); // 00:00:05
    expect([['WC', 'CE'], ['WC', 'CN']]).toContainEqual(trips[2].route);
    expect(trips[3]).toEqual({ id: 'b0', depart: 3, route: ['SC', 'CW'] }); // route "late" is defined after the vehicle
    expect(trips[4]).toEqual({ id: 't0', depart: 7, fromLink: 'SC', toLink: 'CN' });
    expect(trips[5]).toEqual({ id: 't1', depart: 8, from: 'W', to: 'E' });
    expect(all.counts).toContainEqual({ label: 'skipped: vehicles with depart="triggered"', count: 1 });
    expect(all.counts).toContainEqual({ label: 'skipped: person', count: 1 });
  });

  it('keeps only the departures inside the configuration\'s period [60, 3600) s, as SUMO loads them', () => {
    // v0 ... t1 depart at 0-8 s, before the begin: SUMO does not load them.
    expect(r.counts).toContainEqual({ label: 'skipped: vehicles departing before the simulation begin (60 s; SUMO does not load them)', count: 6 });
    const table = expandDemand(compile(r.network), r.demand, createRandom(1));
    const departs = (prefix: string) => table.ids.flatMap((id, i) => (id.startsWith(prefix) ? [table.depart[i]] : [])).sort((a, b) => a - b);
    // f_vph departs every 10 s from 0 to 590 s in SUMO: from 60 s on here
    expect(departs('f_vph.').map((t) => Math.round(t * 1e9) / 1e9)).toEqual(Array.from({ length: 54 }, (_, k) => 60 + 10 * k));
    expect(departs('f_number.')).toEqual([60, 80].map((t) => expect.closeTo(t, 9))); // 0, 20, 40 are before the begin
    expect((r.demand.flows ?? []).find((f) => f.id === 'f_exp')).toMatchObject({ begin: 60, end: 150, arrivals: 'poisson' }); // Poisson: memoryless, cut at the begin
    for (let v = 0; v < table.count; v++) expect(table.depart[v]).toBeGreaterThanOrEqual(60);
  });

  it('turns flows into greenwave flows with SUMO\'s rates, and departures at begin + k x period', () => {
    expect(byId.get('f_vph')).toMatchObject({ rate: 0.1, end: 600, arrivals: 'uniform', route: ['NC', 'CS'] });
    expect(byId.get('f_period')).toMatchObject({ rate: 0.1, end: 200, fromLink: 'WC', toLink: 'CE' });
    expect(byId.get('f_number')).toMatchObject({ rate: 0.05, end: 100 });
    expect(byId.get('f_exp')).toMatchObject({ rate: 0.01, begin: 50, end: 150, arrivals: 'poisson' }); // begin/end from <interval>
    expect(byId.get('f_prob#0')).toMatchObject({ rate: 0.015, arrivals: 'poisson', route: ['WC', 'CE'] }); // distribution 3:1
    expect(byId.get('f_prob#1')).toMatchObject({ rate: 0.005, route: ['WC', 'CN'] });
    // Kept (as Poisson), so counted as imported, not as skipped.
    expect(all.counts).toContainEqual({ label: 'flows with probability, imported as Poisson flows of the same rate (SUMO draws each second)', count: 1 });
    expect(all.counts.filter((c) => c.label.startsWith('skipped:') && c.label.includes('probability'))).toEqual([]);
    const table = expandDemand(compile(all.network), all.demand, createRandom(1));
    const departs = (prefix: string) => table.ids.flatMap((id, i) => (id.startsWith(prefix) ? [table.depart[i]] : [])).sort((a, b) => a - b);
    const vph = departs('f_vph.');
    expect(vph).toHaveLength(60);
    vph.forEach((t, k) => expect(t).toBeCloseTo(10 * k, 9));
    expect(departs('f_number.').map((t) => Math.round(t * 1e9) / 1e9)).toEqual([0, 20, 40, 60, 80]);
    expect(departs('f_period.').map((t) => Math.round(t * 1e9) / 1e9)).toEqual([100, 110, 120, 130, 140, 150, 160, 170, 180, 190]);
  });

  it('sets jam spacing to the demand-weighted length + minGap and reports unused vType attributes', () => {
    // car (4 + 2) for v0, bus (12 + 3) for b0, SUMO's default 7.5 m for the other 5 vehicles and 148 expected flow vehicles.
    const expected = (6 + 15 + 7.5 * (5 + 148)) / 155;
    expect(r.network.link('NC').jamSpacing).toBeCloseTo(expected, 9);
    const messages = r.warnings.filter((w) => w.message.startsWith('vType')).map((w) => `${w.element}: ${w.message}`);
    expect(messages).toEqual([
      'bus: vType attributes not used: maxSpeed 10 m/s (vehicles drive at link speeds); vClass bus (drives on passenger lanes)',
    ]);
  });

  it('sets the saturation flow from the same mean length + minGap: SUMO\'s discharge headway, 1,871 veh/h at 7.5 m, 0.091 s per metre more', () => {
    const expected = (6 + 15 + 7.5 * (5 + 148)) / 155;
    const headway = 3600 / 1871 + 0.0908 * (expected - 7.5); // io/sumo/network.ts, measured with SUMO 1.15 (test/io/sumo/discharge.test.ts)
    expect(r.network.link('NC').saturationFlow! * 3600).toBeCloseTo(3600 / headway, 6);
    expect(r.warnings.map((w) => w.message)).toContainEqual(`saturation flow set to ${Math.round(3600 / headway)} veh/h per lane, SUMO's queue discharge for cars of ${expected.toFixed(2)} m length + minGap (1,871 veh/h at the default 7.5 m)`);
  });

  it('makes the run\'s vehicle class from the vTypes\' accel, decel and sigma, weighted like the jam spacing, SUMO\'s defaults elsewhere', () => {
    // car (1 vehicle) sets accel 2 and sigma 0.3; the other 154 vehicles have SUMO's 2.6 and 0.5.
    expect(r.vehicle!.accel).toBeCloseTo((2 + 2.6 * 154) / 155, 12);
    expect(r.vehicle!.sigma).toBeCloseTo((0.3 + 0.5 * 154) / 155, 12);
    expect(r.vehicle!.decel).toBe(4.5);
    expect(r.vehicle!.startLoss).toBe(true);
    // Gap acceptance: SUMO's rule, with the mean vehicle length (car 4 m, bus 12 m, SUMO's 5 m for the other 153).
    expect(r.vehicle!.gapAcceptance).toEqual({ model: 'sumo', timegapMinor: 1, length: expect.closeTo((4 + 12 + 5 * 153) / 155, 12) });
  });

  it('applies a redefined DEFAULT_VEHTYPE to vehicles without a type, jmTimegapMinor included', async () => {
    const tmp = tempDir('gw-vtype-');
    const rou = path.join(tmp, 'r.rou.xml');
    const route = /<route id="r_ns" edges="([^"]+)"/.exec(readFileSync(fixture('cross.rou.xml'), 'utf8'))![1];
    writeFileSync(rou, `<routes>\n  <vType id="DEFAULT_VEHTYPE" sigma="0" speedDev="0" length="4" jmTimegapMinor="2"/>\n  <vehicle id="a" depart="0"><route edges="${route}"/></vehicle>\n</routes>\n`);
    const d = await importSumo({ net: fixture('cross.net.xml'), routes: [rou] });
    expect(d.vehicle).toMatchObject({ sigma: 0, speedDev: 0, gapAcceptance: { model: 'sumo', timegapMinor: 2, length: 4 } });
    writeFileSync(rou, `<routes>\n  <vType id="DEFAULT_VEHTYPE" jmTimegapMinor="-1"/>\n</routes>\n`);
    await expect(importSumo({ net: fixture('cross.net.xml'), routes: [rou] })).rejects.toThrow(/r\.rou\.xml:2:.*jmTimegapMinor must be a finite number of seconds >= 0/);
  });

  it('reads departSpeed: numbers kept, max/desired/speedLimit as "max", random/avg/last counted and read as standstill', async () => {
    const tmp = tempDir('gw-departspeed-');
    const rou = path.join(tmp, 'r.rou.xml');
    const route = /<route id="r_ns" edges="([^"]+)"/.exec(readFileSync(fixture('cross.rou.xml'), 'utf8'))![1];
    const vehicle = (id: string, speed?: string) => `  <vehicle id="${id}" depart="0"${speed === undefined ? '' : ` departSpeed="${speed}"`}><route edges="${route}"/></vehicle>`;
    writeFileSync(rou, ['<routes>', vehicle('a', '7.5'), vehicle('b', 'max'), vehicle('c', 'desired'), vehicle('d', 'speedLimit'), vehicle('e', 'random'), vehicle('f', '0'), vehicle('g'),
      `  <flow id="h" begin="0" end="100" number="2" departSpeed="max"><route edges="${route}"/></flow>`, '</routes>', ''].join('\n'));
    const d = await importSumo({ net: fixture('cross.net.xml'), routes: [rou] });
    expect(d.demand.trips!.map((t) => [t.id, t.departSpeed])).toEqual([['a', 7.5], ['b', 'max'], ['c', 'max'], ['d', 'max'], ['e', undefined], ['f', undefined], ['g', undefined], ['h.first', 'max']]);
    expect(d.demand.flows!.map((f) => f.departSpeed)).toEqual(['max']); // the rest of flow h (its first vehicle, at SUMO's time, is the trip h.first)
    expect(d.counts).toContainEqual({ label: expect.stringMatching(/departSpeed="random".*standstill/), count: 1 });
    writeFileSync(rou, `<routes>\n${vehicle('a', 'fast')}\n</routes>\n`);
    await expect(importSumo({ net: fixture('cross.net.xml'), routes: [rou] })).rejects.toThrow(/r\.rou\.xml:2:.*departSpeed must be a speed in m\/s >= 0 or one of max/);
  });

  it('draws distribution routes from a seeded stream: same seed same routes', async () => {
    const again = await importSumo({ net: fixture('cross.net.xml'), routes: [fixture('cross.rou.xml')], additional: [fixture('cross.add.xml')] });
    expect(again.demand).toEqual(all.demand);
  });

  it('reads RESCO-style programs: a yellow phase holding "s" turns ends the green; a partly yellow phase is a phase of its own', async () => {
    const base = await importSumo({ net: fixture('cross.net.xml') });
    const add = await importSumoAdditional(fixture('partial-yellow.add.xml'), base);
    const [p] = add.programs;
    const sorted = (refs: { from: string; to: string }[] | undefined) => (refs ?? []).map((m) => `${m.from}>${m.to}`).sort();
    expect(p.offset).toBe(5);
    expect(p.phases.map((ph) => [ph.duration, ph.yellow, ph.allRed])).toEqual([[10, 3, 0], [10, 0, 0], [3, 3, 0]]);
    expect(sorted(p.phases[0].green)).toEqual(['NC>CS', 'NC>CW', 'SC>CE', 'SC>CN']);
    expect(sorted(p.phases[0].permissive)).toEqual(['EC>CN', 'NC>CE', 'SC>CW', 'WC>CS']); // "s" is permissive, "u" red
    expect(sorted(p.phases[1].permissive)).toEqual(['EC>CS', 'WC>CN']); // "o" is permissive
    expect(sorted(p.phases[2].green)).toEqual(['EC>CN', 'EC>CW', 'WC>CE', 'WC>CS']);
    expect(p.phases[2].permissive).toBeUndefined(); // EC>CS and WC>CN turned yellow
    const messages = add.warnings.map((w) => w.message);
    expect(messages).toContainEqual(expect.stringMatching(/^1 yellow phase\(s\) also show permissive green/));
    expect(messages).toContainEqual(expect.stringMatching(/^1 phase\(s\) turn some movements yellow while others stay green/));
    expect(compileProgram(compile(base.network), p).cycle).toBe(29);
  });

  it('reads type="actuated" as the program\'s own gap-out control with its params (SUMO defaults otherwise) and min/max green', async () => {
    const base = await importSumo({ net: fixture('cross.net.xml') });
    const add = await importSumoAdditional(fixture('actuated.add.xml'), base);
    expect(add.programs[0].control).toEqual({ kind: 'actuated', gap: 2.5, detectorGap: 1.5, passingTime: 1.2 });
    // minDur/maxDur -> minGreen/maxGreen; a phase without them stays at its duration, as in SUMO.
    expect(add.programs[0].phases.map((p) => [p.minGreen, p.maxGreen])).toEqual([[6, 45], [40, 40]]);
    expect(add.warnings.map((w) => w.message)).toContainEqual('actuated params not used: show-detectors (greenwave places one detector per movement by detector-gap and passing-time)');
    const program = compileProgram(compile(base.network), add.programs[0]);
    expect(program.control).toEqual({ kind: 'actuated', gap: 2.5, detectorGap: 1.5, passingTime: 1.2 });
  });

  it('runs delay_based as actuated with a warning, and NEMA and other types as fixed time with a warning', async () => {
    const base = await importSumo({ net: fixture('cross.net.xml') });
    const text = readFileSync(fixture('actuated.add.xml'), 'utf8');
    const dir = tempDir('gw-sumo-act-');
    const write = (type: string) => {
      const file = path.join(dir, `${type}.add.xml`);
      writeFileSync(file, text.replace('type="actuated"', `type="${type}"`).replace(/\s*<param [^>]*\/>/g, ''));
      return file;
    };
    const delay = await importSumoAdditional(write('delay_based'), base);
    expect(delay.programs[0].control).toEqual({ kind: 'actuated', gap: 3, detectorGap: 2, passingTime: 1.9 });
    expect(delay.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^delay_based program run as actuated/));
    const nema = await importSumoAdditional(write('NEMA'), base);
    expect(nema.programs[0].control).toBeUndefined();
    expect(nema.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^NEMA program read as fixed time/));
  });

  it('importSumoAdditional reads programs against an earlier import; replacePrograms merges them', async () => {
    const base = await importSumo({ net: fixture('cross.net.xml') });
    const add = await importSumoAdditional(fixture('cross.add.xml'), base);
    expect(add.programs).toEqual(r.programs);
    expect(replacePrograms(base.programs, add.programs)).toEqual(r.programs);
    expect(add.counts).toContainEqual({ label: 'skipped: additional <e1Detector>', count: 1 });
  });
});

describe('importSumo: bad files are InputErrors at file:line naming the element', () => {
  it('malformed XML', async () => {
    const err = await inputError(importSumo(fixture('malformed.net.xml')));
    expect(err.path).toBe(`${fixture('malformed.net.xml')}:${lineOf('malformed.net.xml', '</edge>')}`);
    expect(err.message).toMatch(/malformed XML/);
  });

  it('a DOCTYPE declaring entities, and one naming an external DTD, are refused before use', async () => {
    for (const name of ['entity.net.xml', 'external-entity.net.xml']) {
      const err = await inputError(importSumo(fixture(name)));
      expect(err.path).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+$`));
      expect(err.message).toMatch(/DOCTYPE with entity declarations or an external DTD is not accepted/);
    }
    expect(isUnsafeDoctype(' net')).toBe(false);
    expect(isUnsafeDoctype(' net [<!ENTITY a "b">]')).toBe(true);
    expect(isUnsafeDoctype(' net PUBLIC "x" "y"')).toBe(true);
  });

  it('accepts a plain DOCTYPE without declarations', async () => {
    const tmp = tempDir('gw-sumo-');
    const file = path.join(tmp, 'plain.net.xml');
    writeFileSync(file, readFileSync(fixture('lefthand.net.xml'), 'utf8').replace('<net ', '<!DOCTYPE net>\n<net '));
    expect((await importSumo(file)).network.linkCount).toBe(8);
  });

  it('a connection to an unknown edge', async () => {
    const name = 'dangling-connection.net.xml';
    const err = await inputError(importSumo(fixture(name)));
    expect(err.path).toBe(`${fixture(name)}:${lineOf(name, 'to="CX"')}`);
    expect(err.message).toMatch(/connection SC -> CX: to refers to unknown edge "CX"/);
  });

  it('an unknown signal state character, with tlLogic id, phase and linkIndex', async () => {
    const name = 'unknown-state.net.xml';
    const err = await inputError(importSumo(fixture(name)));
    expect(err.path).toBe(`${fixture(name)}:${lineOf(name, 'GGGxr')}`);
    expect(err.message).toMatch(/tlLogic "C" \(programID "0"\) phase 4: unknown signal state "x" at linkIndex 12/);
  });

  it('a vehicle naming an undefined route', async () => {
    const name = 'dangling-route.rou.xml';
    const err = await inputError(importSumo({ net: fixture('cross.net.xml'), routes: [fixture(name)] }));
    expect(err.path).toBe(`${fixture(name)}:${lineOf(name, 'id="v1"')}`);
    expect(err.message).toMatch(/vehicle "v1": route "r_missing" is not defined/);
  });

  it('a route through an edge the network lacks', async () => {
    const name = 'unknown-edge.rou.xml';
    const err = await inputError(importSumo({ net: fixture('cross.net.xml'), routes: [fixture(name)] }));
    expect(err.path).toBe(`${fixture(name)}:${lineOf(name, 'NC CQ')}`);
    expect(err.message).toMatch(/vehicle "v0": edge "CQ" is not in the network/);
  });

  it('a route with consecutive edges that are not connected', async () => {
    const name = 'disconnected.rou.xml';
    const err = await inputError(importSumo({ net: fixture('cross.net.xml'), routes: [fixture(name)] }));
    expect(err.path).toBe(`${fixture(name)}:${lineOf(name, 'id="r_u"')}`);
    expect(err.message).toMatch(/vehicle "v0": route has no connection from edge "NC" to edge "CN"/);
  });

  it('a missing file, and a file of the wrong kind', async () => {
    const missing = fixture('nope.net.xml');
    const err = await inputError(importSumo(missing));
    expect(err.path).toBe(missing);
    expect(err.message).toMatch(/file not found/);
    const wrong = await inputError(importSumo(fixture('cross.rou.xml')));
    expect(wrong.message).toMatch(/not a SUMO network file: the root element is <routes>/);
  });
});

describe('readXml', () => {
  it('reports tags with the line they start on and their ancestors', async () => {
    const tmp = tempDir('gw-xml-');
    const file = path.join(tmp, 'a.xml');
    writeFileSync(file, '<a>\n  <b x="1 &amp; 2"\n     y="3">\n    <c/>\n  </b>\n</a>\n');
    const seen: string[] = [];
    await readXml(file, { open: (e) => seen.push(`${e.name}@${e.line}[${e.parents.join('/')}]${JSON.stringify(e.attributes)}`) });
    expect(seen).toEqual(['a@1[]{}', 'b@2[a]{"x":"1 & 2","y":"3"}', 'c@4[a/b]{}']);
  });
});

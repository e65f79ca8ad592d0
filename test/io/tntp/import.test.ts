/**
 * importTntp on a hand-written data set (test/fixtures/tntp/square: a 1-mile
 * square 3-4-5-6, zone 1 joined to corners 3 and 5, zone 2 to corner 4, zones
 * closed to through traffic by <FIRST THRU NODE> 3): every mapping rule of
 * engine/io/tntp/import.ts, the located errors for malformed files, and the
 * scenario form `network: { import: tntp, file }`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../engine/errors.js';
import { compile } from '../../../engine/network/compile.js';
import { createProfile } from '../../../engine/demand/profile.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { importNetwork } from '../../../engine/io/index.js';
import { importTntp, readTntpFlows, tntpProfile } from '../../../engine/io/tntp/index.js';
import { createRouter } from '../../../engine/routing/index.js';
import { buildScenario, loadScenario } from '../../../engine/scenario/index.js';
import { simulate } from '../../../engine/sim/index.js';

const FIX = path.resolve('test/fixtures/tntp/square');
const NET = path.join(FIX, 'Square_net.tntp');
const NODES = path.join(FIX, 'Square_node.tntp');
const TRIPS = path.join(FIX, 'Square_trips.tntp');
const MILE = 1609.344;

const dir = mkdtempSync(path.join(tmpdir(), 'greenwave-tntp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the fixture set in its own folder, with `edit(name, text)` applied to each file. */
function variant(name: string, edit: (file: 'net' | 'node' | 'trips', text: string) => string): string {
  const folder = path.join(dir, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [kind, file] of [['net', NET], ['node', NODES], ['trips', TRIPS]] as const) {
    writeFileSync(path.join(folder, `V_${kind}.tntp`), edit(kind, readFileSync(file, 'utf8')));
  }
  return path.join(folder, 'V_net.tntp');
}

/** The InputError `promise` rejects with. */
async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('importTntp: links', () => {
  it('converts miles and minutes to SI, lanes from capacity at 1,800 veh/h per lane (1 to 32)', async () => {
    const r = await importTntp(NET);
    const link = (id: string) => r.network.link(id);
    expect(link('3-4').length).toBeCloseTo(MILE, 9);
    expect(link('3-4').speed).toBeCloseTo(MILE / 60, 9); // 1 mile in 1 min
    expect(link('5-6').speed).toBeCloseTo(MILE / 120, 9); // 1 mile in 2 min
    expect(link('3-4').lanes).toBe(2); // 3,600 veh/h
    expect(link('6-3').lanes).toBe(3); // 5,400
    expect(link('4-5').lanes).toBe(1); // 500 rounds to 0: at least one lane
    expect(link('5-4').lanes).toBe(32); // 100,000 would be 56: capped
    expect(link('3-4').saturationFlow).toBeCloseTo(0.5, 12);
  });

  it('gives zero-time connectors their speed column, else 40 km/h', async () => {
    const r = await importTntp(NET);
    expect(r.network.link('1-3').length).toBeCloseTo(0.01 * MILE, 9);
    expect(r.network.link('1-3').speed).toBeCloseTo(40 / 3.6, 12);
    expect(r.network.link('2-4').speed).toBeCloseTo((30 * MILE) / 3600, 9); // speed column: 30 mph
    expect((await importTntp(NET, { connectorSpeedKmh: 90 })).network.link('1-3').speed).toBeCloseTo(25, 12);
  });

  it('reads the units the header names, and warns about a toll it cannot model', async () => {
    const metric = variant('metric', (kind, text) => (kind === 'net' ? text.replace('length (miles)', 'length (km)').replace('fftt(min)', 'fftt(h)') : text));
    const r = await importTntp(metric);
    expect(r.network.link('3-4').length).toBeCloseTo(1000, 9);
    expect(r.network.link('1-3').length).toBeCloseTo(10, 9); // 0.01 km
    expect(r.warnings.some((w) => /does not state/.test(w.message))).toBe(false);
    const plain = await importTntp(NET);
    expect(plain.warnings.some((w) => /1 link\(s\) have a toll/.test(w.message))).toBe(true);
    expect(plain.warnings.some((w) => /does not state/.test(w.message))).toBe(false);
  });

  it('raises speeds too low to carry saturation flow at jam spacing 7.5 m, with a warning', async () => {
    // 1 km in 1 h is 0.28 m/s: below 1.2 x 0.5 veh/s x 7.5 m = 4.5 m/s, where the kernel's wave speed breaks down.
    const metric = variant('slow', (kind, text) => (kind === 'net' ? text.replace('length (miles)', 'length (km)').replace('fftt(min)', 'fftt(h)') : text));
    const r = await importTntp(metric);
    expect(r.network.link('3-4').speed).toBeCloseTo(4.5, 12);
    expect(r.warnings.some((w) => /link\(s\) slower than 16\.2 km\/h/.test(w.message))).toBe(true);
  });
});

describe('importTntp: junctions, movements and signals', () => {
  it('closes zones below <FIRST THRU NODE> to through traffic: no movements, and no route through them', async () => {
    const r = await importTntp(NET);
    const net = compile(r.network);
    const zone = net.junctionIndex('1');
    for (let i = net.junctionInOffsets[zone]; i < net.junctionInOffsets[zone + 1]; i++) {
      const l = net.junctionInLinks[i];
      expect(net.movementOffsets[l + 1] - net.movementOffsets[l]).toBe(0);
    }
    expect(r.network.movementCount).toBe(20); // 6 at each of 3, 4, 5; 2 at 6; none at the zones
    const router = createRouter(net);
    expect(router.searchLevel).toBe('junctions');
    // 3 -> 5: the zone shortcut 3-1-5 (2 x 0.01 mile at 40 km/h) is closed; 3-4-5 takes 2 minutes.
    for (const algorithm of ['astar', 'bidirectional', 'dijkstra'] as const) expect(router.route(net.junctionIndex('3'), net.junctionIndex('5'), algorithm)).toBeCloseTo(120, 9);
    expect(createRouter(net, { search: 'links' }).route(net.junctionIndex('3'), net.junctionIndex('5'))).toBeCloseTo(120, 9);
    // A zone is still an origin and a destination.
    expect(router.route(net.junctionIndex('1'), net.junctionIndex('2'))).toBeGreaterThan(0);
    expect(router.route(net.junctionIndex('1'), net.junctionIndex('2'))).toBeLessThan(Infinity);
  });

  it('with <FIRST THRU NODE> 1 the zone may be passed, and the shortcut is taken', async () => {
    const open = variant('open', (kind, text) => (kind === 'net' ? text.replace('<FIRST THRU NODE> 3', '<FIRST THRU NODE> 1') : text));
    const net = compile((await importTntp(open)).network);
    const shortcut = (2 * 0.01 * MILE) / (40 / 3.6);
    expect(createRouter(net).route(net.junctionIndex('3'), net.junctionIndex('5'))).toBeCloseTo(shortcut, 9);
  });

  it('signalises junctions traffic may pass that join at least 3 others; zones and chain nodes stay uncontrolled', async () => {
    const r = await importTntp(NET);
    const control = Object.fromEntries(r.network.junctions().map((j) => [j.id, j.control]));
    expect(control).toEqual({ 1: 'uncontrolled', 2: 'uncontrolled', 3: 'signal', 4: 'signal', 5: 'signal', 6: 'uncontrolled' });
    expect(r.programs).toEqual([]); // the kernel gives each its default fixed-time program
    const none = await importTntp(NET, { signals: 'none' });
    expect(none.network.junctions().every((j) => j.control === 'uncontrolled')).toBe(true);
  });

  it('reads planar coordinates in the unit that matches link lengths (feet here)', async () => {
    const r = await importTntp(NET);
    expect(r.network.junction('4').x).toBeCloseTo(5280 * 0.3048, 9);
    expect(r.network.junction('5').y).toBeCloseTo(5280 * 0.3048, 9);
    expect(r.network.junction('4').lon).toBeUndefined();
    expect(r.counts.some((c) => /planar coordinates read as feet/.test(c.label))).toBe(true);
  });

  it('reads longitude/latitude, keeps it, and projects to local metres', async () => {
    // Sioux-Falls-like degrees: the square's corners 0.02 degrees apart at latitude 43.5.
    const degrees = variant('degrees', (kind, text) => (kind === 'node'
      ? 'Node\tX\tY\t;\n1\t-96.71\t43.51\t;\n2\t-96.695\t43.495\t;\n3\t-96.72\t43.50\t;\n4\t-96.70\t43.50\t;\n5\t-96.70\t43.52\t;\n6\t-96.72\t43.52\t;\n'
      : text));
    const r = await importTntp(degrees);
    const [j3, j4, j6] = ['3', '4', '6'].map((id) => r.network.junction(id));
    expect(j4.lon).toBe(-96.7);
    expect(j4.lat).toBe(43.5);
    // Great-circle distances (haversine, R = 6,371,008.8 m): the local projection is within 0.2% at this scale.
    const haversine = (a: { lon?: number; lat?: number }, b: { lon?: number; lat?: number }): number => {
      const rad = Math.PI / 180;
      const h = Math.sin(((b.lat! - a.lat!) * rad) / 2) ** 2 + Math.cos(a.lat! * rad) * Math.cos(b.lat! * rad) * Math.sin(((b.lon! - a.lon!) * rad) / 2) ** 2;
      return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
    };
    for (const [a, b] of [[j3, j4], [j3, j6], [j4, j6]]) {
      expect(Math.abs(Math.hypot(b.x - a.x, b.y - a.y) / haversine(a, b) - 1)).toBeLessThan(0.002);
    }
  });
});

describe('importTntp: demand', () => {
  it('turns the trip table into one OD matrix over 3 hours, dropping intrazonal trips with a warning', async () => {
    const r = await importTntp(NET);
    const od = r.demand.od![0];
    expect(od.zones).toEqual(['1', '2']);
    expect(od.trips).toEqual([[0, 600], [400, 0]]);
    expect([od.begin, od.end]).toEqual([0, 10800]);
    expect(od.arrivals).toBe('poisson');
    expect(r.simulation).toEqual({ start: 0, end: 14400 });
    expect(r.warnings.some((w) => w.where === path.join(FIX, 'Square_trips.tntp') && /100\.0 intrazonal trips \(9\.1% of the table/.test(w.message))).toBe(true);
    expect(r.counts.find((c) => c.label === 'trips to simulate (expected)')?.count).toBe(1000);
  });

  it('scales the profile so each cell expects exactly the table\'s trips over the period', () => {
    for (const [kind, period] of [['peaked', 10800], ['flat', 10800], ['peaked', 7200]] as const) {
      const profile = createProfile(tntpProfile(kind, period), 'profile');
      // Expected trips of a cell = (veh/h / 3600) x integral of the factor: one hour of factor 1.
      expect(profile.integral(0, period)).toBeCloseTo(3600, 9);
    }
    const peaked = createProfile(tntpProfile('peaked', 10800), 'profile');
    // The middle hour carries 40% of the trips; the first and last ramp from half the plateau.
    expect(peaked.integral(3600, 7200) / 3600).toBeCloseTo(0.4, 12);
    expect(peaked.factor(0) / peaked.factor(5400)).toBeCloseTo(0.5, 12);
  });

  it('expands to about the table\'s trips (Poisson), every one routable', async () => {
    const r = await importTntp(NET);
    const net = compile(r.network);
    const trips = expandDemand(net, r.demand, createRandom(7).fork('demand'));
    expect(Math.abs(trips.count - 1000)).toBeLessThan(4 * Math.sqrt(1000)); // Poisson: sd = sqrt(1000)
    const routes = createRouter(net).routeBatch(trips.origin, trips.destination);
    expect(routes.costs.every((c) => c < Infinity)).toBe(true);
  });
});

describe('importTntp: files and errors', () => {
  it('finds the node and trip files beside the net file, from a folder, or as given to importNetwork', async () => {
    const a = await importTntp(NET);
    const b = await importTntp(FIX);
    const c = await importNetwork('tntp', [TRIPS, NET, NODES]);
    const d = await importTntp({ net: NET, nodes: NODES });
    for (const r of [a, b, c]) expect(r.files).toEqual([NET, NODES, TRIPS]);
    expect(d.files).toEqual([NET, NODES, TRIPS]); // the trip table still found beside it
    expect(c.format).toBe('tntp');
    await expect(importNetwork('tntp', [NET, NET])).rejects.toThrow(UsageError);
    await expect(importTntp(NET, { profile: 'spiky' as 'flat' })).rejects.toThrow(/options\.profile/);
  });

  it('refuses a data set without its node file', async () => {
    const folder = path.join(dir, 'no-nodes');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'X_net.tntp'), readFileSync(NET, 'utf8'));
    await expect(importTntp(path.join(folder, 'X_net.tntp'))).rejects.toThrow(/node file .*X_node\.tntp was not found/);
  });

  it('locates a malformed value by file, line and column', async () => {
    const bad = variant('bad-capacity', (kind, text) => (kind === 'net' ? text.replace('\t1\t3\t49500\t', '\t1\t3\tlots\t') : text));
    const error = await inputError(importTntp(bad));
    expect(error.path).toBe(`${bad}:12:6`);
    expect(error.message).toMatch(/link 1-3: capacity: expected a number > 0 \(veh\/h\), found "lots"/);
  });

  it.each([
    ['a missing <NUMBER OF ZONES>', 'net', (t: string) => t.replace('<NUMBER OF ZONES> 2\n', ''), /:1: expected a <NUMBER OF ZONES> line/],
    ['a wrong <NUMBER OF LINKS>', 'net', (t: string) => t.replace('<NUMBER OF LINKS> 14', '<NUMBER OF LINKS> 15'), /:4: <NUMBER OF LINKS> is 15, but the file has 14 link rows/],
    ['a loop link', 'net', (t: string) => t.replace('\t3\t4\t3600\t', '\t3\t3\t3600\t'), /:18:4: link 3-3: term_node: expected a node other than init_node/],
    ['a node beyond <NUMBER OF NODES>', 'net', (t: string) => t.replace('\t3\t4\t3600\t', '\t3\t9\t3600\t'), /:18:4: link: term_node: expected a node number from 1 to 6, found "9"/],
    ['a short row', 'net', (t: string) => t.replace('\t3\t4\t3600\t1\t1\t0.15\t4\t0\t0\t1\t;', '\t3\t4\t3600\t;'), /:18:2: expected a link row .*found 3 values/],
    ['a node the node file lacks', 'node', (t: string) => t.replace('6\t0\t5280\t;\n', ''), /_net\.tntp:22: link 5-6: term_node 6 has no row in the node file/],
    ['a node listed twice', 'node', (t: string) => `${t}3\t1\t1\t;\n`, /_node\.tntp:8:1: node 3: expected one row per node, found a second \(the first is on line 4\)/],
    ['a destination beyond the zones', 'trips', (t: string) => t.replace('2 :    600.0;', '3 :    600.0;'), /_trips\.tntp:7:24: origin 1: expected a destination zone from 1 to 2, found "3"/],
    ['negative trips', 'trips', (t: string) => t.replace('400.0', '-4'), /_trips\.tntp:10:13: origin 2, destination 1: expected a number of trips >= 0, found "-4"/],
    ['an entry twice', 'trips', (t: string) => t.replace('1 :     400.0;', '1 :     400.0;  1 : 5;'), /_trips\.tntp:10:21: origin 2, destination 1: expected one entry per origin-destination pair, found a second/],
    ['entries before any Origin', 'trips', (t: string) => t.replace('Origin  1\n', ''), /_trips\.tntp:6:5: expected "Origin <zone>" before the first entries/],
    ['a zone count that differs from the network\'s', 'trips', (t: string) => t.replace('<NUMBER OF ZONES> 2', '<NUMBER OF ZONES> 3'), /_trips\.tntp:1: <NUMBER OF ZONES> is 3, but the network file .* has 2/],
  ] as const)('rejects %s with a located InputError', async (name, kind, edit, message) => {
    const file = variant(`bad-${name.replace(/\W+/g, '-')}`, (k, text) => (k === kind ? edit(text) : text));
    const error = await inputError(importTntp(file));
    expect(error.message).toMatch(message);
  });

  it('warns when <TOTAL OD FLOW> disagrees with the entries', async () => {
    const off = variant('total', (kind, text) => (kind === 'trips' ? text.replace('<TOTAL OD FLOW> 1100.0', '<TOTAL OD FLOW> 1200') : text));
    const r = await importTntp(off);
    expect(r.warnings.some((w) => /<TOTAL OD FLOW> is 1200, but the entries sum to 1100/.test(w.message))).toBe(true);
  });
});

describe('readTntpFlows', () => {
  it('reads a published link-flow file', async () => {
    const flows = await readTntpFlows(path.join(FIX, 'Square_flow.tntp'));
    expect(Array.from(flows.from)).toEqual([1, 3]);
    expect(Array.from(flows.to)).toEqual([3, 4]);
    expect(Array.from(flows.volume)).toEqual([350, 300]);
    expect(Array.from(flows.cost)).toEqual([0, 1]);
  });
});

describe('scenario with a TNTP network', () => {
  it('network: { import: tntp, file } imports the network and the trip table, and runs', async () => {
    const file = path.join(dir, 'square.yaml');
    writeFileSync(file, `name: square\nnetwork: { import: tntp, file: ${JSON.stringify(NET)} }\ndemand: {}\nsimulation: { endS: 14400 }\n`);
    const built = buildScenario(await loadScenario(file));
    expect(built.compiled.junctionCount).toBe(6);
    expect(built.compiled.linkCount).toBe(14);
    expect(Math.abs(built.trips.count - 1000)).toBeLessThan(4 * Math.sqrt(1000));
    const run = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(run.network.unroutable).toBe(0);
    expect(run.network.arrived + run.network.unfinished).toBe(built.trips.count);
    expect(run.network.arrived).toBeGreaterThan(0.95 * built.trips.count); // a light load on an empty square
  });
});

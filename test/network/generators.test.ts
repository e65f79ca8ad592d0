/**
 * grid(), corridor(), ring(): exact junction, link and movement counts worked out
 * by hand (a junction with d neighbours and no U-turns has d*(d-1) movements),
 * ids, lengths and coordinates, signal placement by policy, turn kinds, the
 * driving side, lon/lat from the geo anchor (checked against a haversine
 * distance), determinism down to the compiled bytes, connectivity of the
 * generated networks, and a UsageError naming the argument for bad input.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import { compile } from '../../engine/network/compile.js';
import { analyseConnectivity } from '../../engine/network/connectivity.js';
import { corridor, DEFAULT_GENERATOR_SPEED, grid, ring } from '../../engine/network/generators/index.js';
import type { RoadNetwork } from '../../engine/network/road-network.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, type JunctionControl, type TurnKind } from '../../engine/network/types.js';

function counts(net: RoadNetwork): [number, number, number] {
  return [net.junctionCount, net.linkCount, net.movementCount];
}

/** Exit link id -> turn kind, for the movements leaving `link`. */
function turnsFrom(net: RoadNetwork, link: string): Record<string, TurnKind> {
  return Object.fromEntries(net.movementsFrom(link).map((m) => [m.to, m.turn]));
}

/** Junction id -> control. */
function controls(net: RoadNetwork): Record<string, JunctionControl> {
  return Object.fromEntries(net.junctions().map((j) => [j.id, j.control]));
}

function bytes(net: RoadNetwork): Uint8Array {
  return new Uint8Array(compile(net, { shared: false }).buffer);
}

/** Great-circle distance, m (haversine, R = 6,371,008.8 m). */
function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}

/** Run `fn`, expect a UsageError whose message starts with `path`. */
function expectUsageError(fn: () => unknown, path: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, path).toBeInstanceOf(UsageError);
  expect((caught as Error).message.split(' ')[0]).toBe(path);
}

describe('grid', () => {
  it('grid(3, 4) has 12 junctions, 34 links and 68 movements', () => {
    // Degrees: 4 corners 2, 6 other boundary junctions 3, 2 interior 4:
    // links = 4*2 + 6*3 + 2*4 = 34, movements = 4*2 + 6*6 + 2*12 = 68.
    const net = grid(3, 4);
    expect(counts(net)).toEqual([12, 34, 68]);
    expect(net.junctions().map((j) => j.id)).toEqual([
      'r0c0', 'r0c1', 'r0c2', 'r0c3', 'r1c0', 'r1c1', 'r1c2', 'r1c3', 'r2c0', 'r2c1', 'r2c2', 'r2c3',
    ]);
    expect(net.links().slice(0, 4).map((l) => l.id)).toEqual(['r0c0>r0c1', 'r0c1>r0c0', 'r0c0>r1c0', 'r1c0>r0c0']);
    expect(net.movementsFrom('r1c0>r1c1')).toHaveLength(3);
    expect(net.movementsFrom('r0c1>r0c0')).toHaveLength(1);
  });

  it('grid(1, 3) and grid(1, 1): a line with dead ends, a lone junction', () => {
    expect(counts(grid(1, 3))).toEqual([3, 4, 2]);
    expect(counts(grid(1, 1))).toEqual([1, 0, 0]);
  });

  it('grid(3, 4, { attachLength }) adds 2*(rows+cols) stubs, two at each corner', () => {
    // 12 grid junctions of degree 4 (12 movements each) + 14 dead ends (none).
    const net = grid(3, 4, { spacing: 100, attachLength: 50 });
    expect(counts(net)).toEqual([26, 62, 144]);
    for (const stub of ['w0', 'e2', 's3', 'n0']) expect(net.graph.degree(stub)).toBe(2);
    expect(net.junction('w1')).toMatchObject({ x: -50, y: 100 });
    expect(net.junction('e1')).toMatchObject({ x: 350, y: 100 });
    expect(net.junction('s2')).toMatchObject({ x: 200, y: -50 });
    expect(net.junction('n2')).toMatchObject({ x: 200, y: 250 });
    expect(net.link('r0c0>w0').length).toBe(50);
    expect(net.link('s0>r0c0').length).toBe(50);
    expect(net.graph.neighbors('r0c0').sort()).toEqual(['r0c1', 'r1c0', 's0', 'w0']);
    expect(counts(grid(1, 1, { attachLength: 30 }))).toEqual([5, 8, 12]);
  });

  it('grid places junctions at x = col*spacing, y = row*spacing and links are spacing long', () => {
    const net = grid(3, 4, { spacing: 150 });
    expect(net.junction('r2c3')).toMatchObject({ x: 450, y: 300 });
    expect(net.junction('r1c2')).toMatchObject({ x: 300, y: 150 });
    for (const link of net.links()) {
      expect(link.length).toBe(150);
      const a = net.junction(link.from);
      const b = net.junction(link.to);
      expect(Math.hypot(b.x - a.x, b.y - a.y)).toBe(150);
      expect(link.id).toBe(`${link.from}>${link.to}`);
    }
    expect(grid(2, 2).link('r0c0>r0c1').length).toBe(200);
  });

  it('grid links get the default and the given physical attributes and street names', () => {
    const plain = grid(2, 2).link('r0c0>r0c1');
    expect(plain).toMatchObject({ lanes: 2, speed: DEFAULT_GENERATOR_SPEED, saturationFlow: DEFAULT_SATURATION_FLOW, jamSpacing: DEFAULT_JAM_SPACING, name: 'row 0' });
    expect(DEFAULT_GENERATOR_SPEED).toBeCloseTo(13.89, 2);
    const custom = grid(2, 2, { lanes: 3, speed: 20, saturationFlow: 0.55, jamSpacing: 7 }).link('r0c1>r1c1');
    expect(custom).toMatchObject({ lanes: 3, speed: 20, saturationFlow: 0.55, jamSpacing: 7, name: 'col 1' });
  });

  it('grid signalises junctions with 3+ neighbours: the corner is a bend, the interior a signal', () => {
    const c = controls(grid(3, 4));
    expect(c.r0c0).toBe('uncontrolled');
    expect(c.r2c3).toBe('uncontrolled');
    expect(c.r0c1).toBe('signal');
    expect(c.r1c0).toBe('signal');
    expect(c.r1c1).toBe('signal');
    expect(Object.values(c).filter((x) => x === 'signal')).toHaveLength(8);
    const attached = controls(grid(3, 4, { attachLength: 50 }));
    expect(attached.r0c0).toBe('signal');
    expect(attached.w0).toBe('uncontrolled');
  });

  it('grid signal policies: all, priority, none', () => {
    const all = controls(grid(3, 4, { signals: 'all', attachLength: 50 }));
    expect(all.r0c0).toBe('signal');
    expect(all.w0).toBe('uncontrolled');
    expect(controls(grid(3, 4, { signals: 'all' })).r0c0).toBe('signal');
    const priority = controls(grid(3, 4, { signals: 'priority' }));
    expect([priority.r0c0, priority.r0c1, priority.r1c1]).toEqual(['uncontrolled', 'priority', 'priority']);
    expect(new Set(Object.values(controls(grid(3, 4, { signals: 'none' }))))).toEqual(new Set(['uncontrolled']));
  });

  it('grid turn kinds at an interior junction (y north): eastbound to north is left', () => {
    const net = grid(3, 3);
    expect(turnsFrom(net, 'r1c0>r1c1')).toEqual({ 'r1c1>r1c2': 'straight', 'r1c1>r2c1': 'left', 'r1c1>r0c1': 'right' });
    expect(turnsFrom(net, 'r2c1>r1c1')).toEqual({ 'r1c1>r0c1': 'straight', 'r1c1>r1c2': 'left', 'r1c1>r1c0': 'right' });
  });

  it('grid passes the driving side through to the network and the compiled buffer', () => {
    const left = grid(3, 3, { drivingSide: 'left' });
    expect(left.drivingSide).toBe('left');
    expect(compile(left).drivingSide).toBe('left');
    expect(grid(3, 3).drivingSide).toBe('right');
    // Turn kinds are geometric: the same on both sides.
    expect(turnsFrom(left, 'r1c0>r1c1')['r1c1>r2c1']).toBe('left');
  });

  it('grid applies idPrefix and origin', () => {
    const net = grid(1, 2, { idPrefix: 'A:', origin: { x: 1000, y: -500 } });
    expect(net.junctions().map((j) => j.id)).toEqual(['A:r0c0', 'A:r0c1']);
    expect(net.links().map((l) => l.id)).toEqual(['A:r0c0>A:r0c1', 'A:r0c1>A:r0c0']);
    expect(net.junction('A:r0c0')).toMatchObject({ x: 1000, y: -500 });
    expect(net.junction('A:r0c1')).toMatchObject({ x: 1200, y: -500 });
  });

  it('grid gives lon/lat only with a geo anchor: 1000 m north is about 0.009 degrees', () => {
    const anchor = { lon: 113.54, lat: 22.19 };
    const net = grid(2, 2, { spacing: 1000, geo: anchor });
    const a = net.junction('r0c0');
    const north = net.junction('r1c0');
    const east = net.junction('r0c1');
    expect([a.lon, a.lat]).toEqual([113.54, 22.19]);
    expect(north.lat! - a.lat!).toBeCloseTo(0.009, 4);
    expect(north.lon).toBe(a.lon);
    expect(east.lat).toBe(a.lat);
    // East of the anchor a degree of longitude is shorter by cos(lat).
    expect(east.lon! - a.lon!).toBeCloseTo(0.009 / Math.cos((22.19 * Math.PI) / 180), 4);
    expect(haversine(a.lon!, a.lat!, north.lon!, north.lat!)).toBeCloseTo(1000, 0);
    expect(haversine(a.lon!, a.lat!, east.lon!, east.lat!)).toBeCloseTo(1000, 0);
    // The anchor is planar (0, 0): an origin 500 m south moves r0c0 south of it.
    const shifted = grid(1, 1, { geo: anchor, origin: { x: 0, y: -500 } }).junction('r0c0');
    expect(shifted.lat! - anchor.lat).toBeCloseTo(-0.0045, 4);

    const plain = grid(2, 2).junction('r0c0');
    expect(plain.lon).toBeUndefined();
    expect(plain.lat).toBeUndefined();
    expect(Number.isNaN(compile(grid(2, 2)).junctionLon[0])).toBe(true);
  });

  it('grid is deterministic: two builds compile to identical bytes', () => {
    const options = { spacing: 120, attachLength: 40, geo: { lon: 113.54, lat: 22.19 } };
    const a = bytes(grid(4, 5, options));
    expect(a).toEqual(bytes(grid(4, 5, options)));
    // ...and the comparison can fail: a different spacing changes the bytes.
    expect(a).not.toEqual(bytes(grid(4, 5, { ...options, spacing: 121 })));
  });

  it('grid networks with junctions of 3+ neighbours raise no connectivity warning', () => {
    expect(analyseConnectivity(compile(grid(3, 4))).warnings).toEqual([]);
    expect(analyseConnectivity(compile(grid(3, 4, { attachLength: 50 }))).warnings).toEqual([]);
  });

  it('grid(1, n) without U-turns is acyclic; deadEndUTurns joins both directions', () => {
    // Every link is its own strongly connected component: no turn leads back.
    expect(analyseConnectivity(compile(grid(1, 4))).components).toBe(6);
    const looped = analyseConnectivity(compile(grid(1, 4, { deadEndUTurns: true })));
    expect([looped.components, looped.largestComponentSize, looped.warnings]).toEqual([1, 6, []]);
  });

  it('grid rejects bad arguments with a UsageError naming them', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => grid(0, 3), 'grid.rows'],
      [() => grid(2.5, 3), 'grid.rows'],
      [() => grid(NaN, 3), 'grid.rows'],
      [() => grid('3' as never, 3), 'grid.rows'],
      [() => grid(3, -1), 'grid.cols'],
      [() => grid(3, Infinity), 'grid.cols'],
      [() => grid(2, 2, 'big' as never), 'grid.options'],
      [() => grid(2, 2, { spacing: 0 }), 'grid.options.spacing'],
      [() => grid(2, 2, { spacing: -5 }), 'grid.options.spacing'],
      [() => grid(2, 2, { spacing: NaN }), 'grid.options.spacing'],
      [() => grid(2, 2, { attachLength: -1 }), 'grid.options.attachLength'],
      [() => grid(2, 2, { attachLength: NaN }), 'grid.options.attachLength'],
      [() => grid(2, 2, { lanes: 0 }), 'grid.options.lanes'],
      [() => grid(2, 2, { lanes: 1.5 }), 'grid.options.lanes'],
      [() => grid(2, 2, { lanes: 33 }), 'grid.options.lanes'],
      [() => grid(2, 2, { speed: 0 }), 'grid.options.speed'],
      [() => grid(2, 2, { saturationFlow: NaN }), 'grid.options.saturationFlow'],
      [() => grid(2, 2, { jamSpacing: -7.5 }), 'grid.options.jamSpacing'],
      [() => grid(2, 2, { drivingSide: 'middle' as never }), 'grid.options.drivingSide'],
      [() => grid(2, 2, { signals: 'some' as never }), 'grid.options.signals'],
      [() => grid(2, 2, { idPrefix: 5 as never }), 'grid.options.idPrefix'],
      [() => grid(2, 2, { origin: { x: NaN, y: 0 } }), 'grid.options.origin.x'],
      [() => grid(2, 2, { origin: 7 as never }), 'grid.options.origin'],
      [() => grid(2, 2, { geo: { lon: 200, lat: 0 } }), 'grid.options.geo.lon'],
      [() => grid(2, 2, { geo: { lon: 0, lat: 90 } }), 'grid.options.geo.lat'],
      [() => grid(2, 2, { deadEndUTurns: 'yes' as never }), 'grid.options.deadEndUTurns'],
      [() => grid(2, 2, { attachlength: 50 } as never), 'grid.options.attachlength'],
      [() => grid(2, 2, { sideLanes: 1 } as never), 'grid.options.sideLanes'],
    ];
    for (const [fn, path] of bad) expectUsageError(fn, path);
  });
});

describe('corridor', () => {
  it('corridor(3, 200) has 11 junctions, 20 links and 36 movements', () => {
    // 3 signals of degree 4 (12 movements each); west, east and 6 side fringes are dead ends.
    const net = corridor(3, 200);
    expect(counts(net)).toEqual([11, 20, 36]);
    expect(net.junctions().map((j) => j.id)).toEqual(['west', 'j0', 'n0', 's0', 'j1', 'n1', 's1', 'j2', 'n2', 's2', 'east']);
    expect(net.graph.neighbors('j1').sort()).toEqual(['j0', 'j2', 'n1', 's1']);
    expect(counts(corridor(1, 200))).toEqual([5, 8, 12]);
  });

  it('corridor lays the arterial along x with per-gap spacing, end stubs and side streets', () => {
    const net = corridor(3, [150, 250]);
    expect([net.junction('west').x, net.junction('j0').x, net.junction('j1').x, net.junction('j2').x, net.junction('east').x]).toEqual([-150, 0, 150, 400, 650]);
    for (const id of ['west', 'j0', 'j1', 'j2', 'east']) expect(net.junction(id).y).toBe(0);
    expect(net.junction('n1')).toMatchObject({ x: 150, y: 150 });
    expect(net.junction('s1')).toMatchObject({ x: 150, y: -150 });
    expect(net.link('west>j0').length).toBe(150);
    expect(net.link('j1>j2').length).toBe(250);
    expect(net.link('j2>j1').length).toBe(250);
    expect(net.link('j2>east').length).toBe(250);
    expect(net.link('n1>j1').length).toBe(150);

    const custom = corridor(2, 300, { endLength: 80, sideLength: 60 });
    expect(custom.junction('west').x).toBe(-80);
    expect(custom.junction('east').x).toBe(380);
    expect(custom.junction('n0').y).toBe(60);
    expect(custom.link('j0>s0').length).toBe(60);
    expect(corridor(2, 300).link('east>j1').length).toBe(300);
    expect(corridor(1, [], { endLength: 90 }).link('j0>east').length).toBe(90);
  });

  it('corridor arterial has 2 lanes, side streets 1, both overridable', () => {
    const net = corridor(2, 300);
    expect(net.link('j0>j1')).toMatchObject({ lanes: 2, speed: DEFAULT_GENERATOR_SPEED, name: 'arterial' });
    expect(net.link('j1>n1')).toMatchObject({ lanes: 1, speed: DEFAULT_GENERATOR_SPEED, name: 'side 1' });
    const custom = corridor(2, 300, { lanes: 3, speed: 17, sideLanes: 2, sideSpeed: 8, saturationFlow: 0.6 });
    expect(custom.link('west>j0')).toMatchObject({ lanes: 3, speed: 17, saturationFlow: 0.6 });
    expect(custom.link('s0>j0')).toMatchObject({ lanes: 2, speed: 8, saturationFlow: 0.6 });
    expect(corridor(2, 300, { speed: 17 }).link('s0>j0').speed).toBe(17);
  });

  it('corridor signalises every arterial junction and no fringe junction', () => {
    const c = controls(corridor(3, 200));
    for (const id of ['j0', 'j1', 'j2']) expect(c[id]).toBe('signal');
    for (const id of ['west', 'east', 'n0', 's0', 'n2', 's2']) expect(c[id]).toBe('uncontrolled');
  });

  it('corridor turn kinds at a signal: eastbound to north is left, to south right', () => {
    expect(turnsFrom(corridor(3, 200), 'j0>j1')).toEqual({ 'j1>j2': 'straight', 'j1>n1': 'left', 'j1>s1': 'right' });
  });

  it('corridor deadEndUTurns adds one U-turn at each of the 2*signals + 2 dead ends', () => {
    const net = corridor(3, 200, { deadEndUTurns: true });
    expect(net.movementCount).toBe(36 + 8);
    expect(net.movements().filter((m) => m.turn === 'uturn')).toHaveLength(8);
    expect(net.movementsFrom('j0>west')).toEqual([{ from: 'j0>west', to: 'west>j0', lanes: [0, 1], turn: 'uturn' }]);
    expect(net.movementsFrom('j0>j1').some((m) => m.turn === 'uturn')).toBe(false);
  });

  it('corridor is deterministic: two builds compile to identical bytes', () => {
    const a = bytes(corridor(4, [150, 250, 300], { geo: { lon: -0.12, lat: 51.5 }, drivingSide: 'left' }));
    expect(a).toEqual(bytes(corridor(4, [150, 250, 300], { geo: { lon: -0.12, lat: 51.5 }, drivingSide: 'left' })));
    expect(a).not.toEqual(bytes(corridor(4, [150, 250, 300], { geo: { lon: -0.12, lat: 51.5 } })));
  });

  it('corridor without U-turns is acyclic (fringe to fringe); deadEndUTurns makes one component', () => {
    expect(analyseConnectivity(compile(corridor(4, 200))).components).toBe(26);
    const looped = analyseConnectivity(compile(corridor(4, 200, { deadEndUTurns: true })));
    expect([looped.components, looped.largestComponentSize, looped.warnings]).toEqual([1, 26, []]);
  });

  it('corridor rejects bad arguments with a UsageError naming them', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => corridor(0, 200), 'corridor.signals'],
      [() => corridor(1.5, 200), 'corridor.signals'],
      [() => corridor(3, 0), 'corridor.spacing'],
      [() => corridor(3, NaN), 'corridor.spacing'],
      [() => corridor(3, [200]), 'corridor.spacing'],
      [() => corridor(3, [200, -1]), 'corridor.spacing[1]'],
      [() => corridor(1, []), 'corridor.options.endLength'],
      [() => corridor(3, 200, { endLength: 0 }), 'corridor.options.endLength'],
      [() => corridor(3, 200, { sideLength: 0 }), 'corridor.options.sideLength'],
      [() => corridor(3, 200, { sideLanes: 0 }), 'corridor.options.sideLanes'],
      [() => corridor(3, 200, { sideSpeed: NaN }), 'corridor.options.sideSpeed'],
      [() => corridor(3, 200, { spokeLength: 50 } as never), 'corridor.options.spokeLength'],
    ];
    for (const [fn, path] of bad) expectUsageError(fn, path);
  });
});

describe('ring', () => {
  it('ring(6, 100) has 6 junctions, 12 links and 12 movements; spokes make it 12, 24, 36', () => {
    expect(counts(ring(6, 100))).toEqual([6, 12, 12]);
    // With spokes: 6 ring junctions of degree 3 (6 movements each), 6 dead ends.
    const spoked = ring(6, 100, { spokeLength: 50 });
    expect(counts(spoked)).toEqual([12, 24, 36]);
    expect(spoked.graph.neighbors('j0').sort()).toEqual(['f0', 'j1', 'j5']);
  });

  it('ring places junctions on the circle around origin; ring links are arc length', () => {
    const net = ring(6, 100, { origin: { x: 1000, y: 2000 }, spokeLength: 50 });
    expect(net.junction('j0')).toMatchObject({ x: 1100, y: 2000 });
    const j2 = net.junction('j2');
    expect(j2.x).toBeCloseTo(1000 - 50, 9);
    expect(j2.y).toBeCloseTo(2000 + (100 * Math.sqrt(3)) / 2, 9);
    expect(Math.hypot(j2.x - 1000, j2.y - 2000)).toBeCloseTo(100, 9);
    const f2 = net.junction('f2');
    expect(Math.hypot(f2.x - 1000, f2.y - 2000)).toBeCloseTo(150, 9);
    expect(net.link('j2>f2').length).toBe(50);
    expect(net.link('f2>j2')).toMatchObject({ lanes: 1, name: 'spoke 2' });
    expect(net.link('j5>j0').length).toBeCloseTo((2 * Math.PI * 100) / 6, 12);
    expect(net.link('j0>j5')).toMatchObject({ lanes: 2, name: 'ring' });
    const ccw = [0, 1, 2, 3, 4, 5].map((k) => net.link(`j${k}>j${(k + 1) % 6}`));
    expect(ccw.reduce((sum, l) => sum + l.length, 0)).toBeCloseTo(2 * Math.PI * 100, 9);
  });

  it('ring signalises junctions only when spokes give them a third neighbour', () => {
    expect(new Set(Object.values(controls(ring(6, 100))))).toEqual(new Set(['uncontrolled']));
    const c = controls(ring(6, 100, { spokeLength: 50 }));
    expect([c.j0, c.j5, c.f0, c.f5]).toEqual(['signal', 'signal', 'uncontrolled', 'uncontrolled']);
    expect(controls(ring(6, 100, { signals: 'all' })).j3).toBe('signal');
  });

  it('ring turn kinds follow the chords: left round a triangle, straight round 16 junctions', () => {
    expect(turnsFrom(ring(3, 100), 'j0>j1')).toEqual({ 'j1>j2': 'left' });
    expect(turnsFrom(ring(3, 100), 'j1>j0')).toEqual({ 'j0>j2': 'right' });
    expect(turnsFrom(ring(16, 100), 'j0>j1')).toEqual({ 'j1>j2': 'straight' });
    expect(turnsFrom(ring(16, 100, { spokeLength: 30 }), 'j0>j1')).toEqual({ 'j1>j2': 'straight', 'j1>f1': 'right' });
  });

  it('ring without U-turns is two one-way loops; spokes let trips enter and leave either', () => {
    const plain = analyseConnectivity(compile(ring(6, 100)));
    expect(plain.components).toBe(2);
    expect(plain.largestComponentSize).toBe(6);
    expect(plain.warnings).toHaveLength(6);
    const spoked = analyseConnectivity(compile(ring(6, 100, { spokeLength: 50 })));
    expect(spoked.largestComponentSize).toBe(6);
    expect(spoked.warnings).toEqual([]);
    const looped = analyseConnectivity(compile(ring(6, 100, { spokeLength: 50, deadEndUTurns: true })));
    expect([looped.components, looped.largestComponentSize]).toEqual([1, 24]);
  });

  it('ring is deterministic: two builds compile to identical bytes', () => {
    const options = { spokeLength: 60, geo: { lon: 2.35, lat: 48.85 } };
    const a = bytes(ring(7, 120, options));
    expect(a).toEqual(bytes(ring(7, 120, options)));
    expect(a).not.toEqual(bytes(ring(7, 121, options)));
  });

  it('ring rejects bad arguments with a UsageError naming them', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => ring(2, 100), 'ring.junctions'],
      [() => ring(4.5, 100), 'ring.junctions'],
      [() => ring(5, 0), 'ring.radius'],
      [() => ring(5, NaN), 'ring.radius'],
      [() => ring(5, 100, { spokeLength: -1 }), 'ring.options.spokeLength'],
      [() => ring(5, 100, { attachLength: 10 } as never), 'ring.options.attachLength'],
    ];
    for (const [fn, path] of bad) expectUsageError(fn, path);
  });
});

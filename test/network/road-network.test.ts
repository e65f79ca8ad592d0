/**
 * RoadNetwork: every kind of bad input fails with a NetworkError naming the
 * element, its id and the field (the message text is not checked), and leaves the
 * network unchanged; defaults, default movements and geometric turn
 * classification in both driving sides.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/network/compile.js';
import { NetworkError, type NetworkElementKind } from '../../engine/errors.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { isFarSideTurn, isNearSideTurn } from '../../engine/network/turns.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, type DrivingSide, type LinkSpec, type TurnKind } from '../../engine/network/types.js';

/** Run `fn`, expect a NetworkError at (element, id, field), and no change to `net`'s counts. */
function expectNetworkError(net: RoadNetwork | undefined, fn: () => unknown, element: NetworkElementKind, id: string, field: string): void {
  const before = net && [net.junctionCount, net.linkCount, net.movementCount];
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(NetworkError);
  const err = caught as NetworkError;
  expect({ element: err.element, id: err.id, field: err.field }).toEqual({ element, id, field });
  if (net) expect([net.junctionCount, net.linkCount, net.movementCount]).toEqual(before);
}

/** A(0,0) -> B(100,0) -> C(100,100), link AB with 2 lanes, link CA back, movement AB -> BC. */
function base(): RoadNetwork {
  const net = new RoadNetwork();
  net.addJunction({ id: 'A', x: 0, y: 0 });
  net.addJunction({ id: 'B', x: 100, y: 0 });
  net.addJunction({ id: 'C', x: 100, y: 100 });
  net.addLink({ id: 'AB', from: 'A', to: 'B', speed: 10, lanes: 2 });
  net.addLink({ id: 'BC', from: 'B', to: 'C', speed: 10 });
  net.addLink({ id: 'CA', from: 'C', to: 'A', speed: 10 });
  net.addMovement({ from: 'AB', to: 'BC' });
  return net;
}

/** Add link "L" from A to B with the given overrides. */
function link(overrides: Partial<LinkSpec>): LinkSpec {
  return { id: 'L', from: 'A', to: 'B', speed: 10, ...overrides };
}

describe('new RoadNetwork', () => {
  it('rejects a bad drivingSide', () => {
    expectNetworkError(undefined, () => new RoadNetwork({ drivingSide: 'centre' as DrivingSide }), 'network', '', 'drivingSide');
  });

  it('defaults drivingSide to right', () => {
    expect(new RoadNetwork().drivingSide).toBe('right');
    expect(new RoadNetwork({ drivingSide: 'left' }).drivingSide).toBe('left');
  });
});

describe('RoadNetwork.addJunction', () => {
  it('rejects a duplicate junction id', () => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'B', x: 5, y: 5 }), 'junction', 'B', 'id');
  });

  it('rejects an empty junction id', () => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: '', x: 5, y: 5 }), 'junction', '', 'id');
  });

  it.each([NaN, Infinity, -Infinity, '5' as unknown as number, undefined as unknown as number])('rejects x = %s', (x) => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x, y: 0 }), 'junction', 'J', 'x');
  });

  it('rejects a non-finite y', () => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x: 0, y: Infinity }), 'junction', 'J', 'y');
  });

  it.each([180.5, -181, NaN])('rejects lon = %s', (lon) => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x: 0, y: 0, lon, lat: 22.19 }), 'junction', 'J', 'lon');
  });

  it.each([90.5, -91])('rejects lat = %s', (lat) => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x: 0, y: 0, lon: 113.54, lat }), 'junction', 'J', 'lat');
  });

  it('rejects lon without lat', () => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x: 0, y: 0, lon: 113.54 }), 'junction', 'J', 'lat');
  });

  it('rejects a bad control string', () => {
    const net = base();
    expectNetworkError(net, () => net.addJunction({ id: 'J', x: 0, y: 0, control: 'roundabout' as 'signal' }), 'junction', 'J', 'control');
  });

  it('applies defaults and keeps coordinates', () => {
    const net = new RoadNetwork();
    const j = net.addJunction({ id: 'J', x: 1, y: 2 });
    expect(j).toEqual({ id: 'J', x: 1, y: 2, control: 'uncontrolled' });
    expect('lon' in j).toBe(false);
    const k = net.addJunction({ id: 'K', x: 0, y: 0, lon: 113.5439, lat: 22.1937, control: 'signal' });
    expect(k).toEqual({ id: 'K', x: 0, y: 0, lon: 113.5439, lat: 22.1937, control: 'signal' });
    expect(net.junction('K')).toBe(k);
    expect(net.junctionCount).toBe(2);
  });
});

describe('RoadNetwork.addLink', () => {
  it('rejects a duplicate link id', () => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ id: 'AB' })), 'link', 'AB', 'id');
  });

  it('rejects an empty link id', () => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ id: '' })), 'link', '', 'id');
  });

  it('rejects an unknown junction in from', () => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ from: 'Z' })), 'link', 'L', 'from');
  });

  it('rejects an unknown junction in to', () => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ to: 'Z' })), 'link', 'L', 'to');
  });

  it('rejects from == to', () => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ to: 'A' })), 'link', 'L', 'to');
  });

  it.each([0, -5, NaN, Infinity])('rejects length = %s', (length) => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ length })), 'link', 'L', 'length');
  });

  it('rejects a missing length between junctions that share coordinates', () => {
    const net = base();
    net.addJunction({ id: 'A2', x: 0, y: 0 });
    expectNetworkError(net, () => net.addLink(link({ to: 'A2' })), 'link', 'L', 'length');
  });

  it.each([0, 1.5, 33, NaN, -1, Infinity])('rejects lanes = %s', (lanes) => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ lanes })), 'link', 'L', 'lanes');
  });

  it.each([0, -3, NaN, Infinity, undefined as unknown as number])('rejects speed = %s', (speed) => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ speed })), 'link', 'L', 'speed');
  });

  it.each([0, -0.5, NaN, Infinity])('rejects saturationFlow = %s', (saturationFlow) => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ saturationFlow })), 'link', 'L', 'saturationFlow');
  });

  it.each([0, -7.5, NaN, Infinity])('rejects jamSpacing = %s', (jamSpacing) => {
    const net = base();
    expectNetworkError(net, () => net.addLink(link({ jamSpacing })), 'link', 'L', 'jamSpacing');
  });

  it('applies defaults: 1 lane, 0.5 veh/s, 7.5 m, straight-line length', () => {
    const net = new RoadNetwork();
    net.addJunction({ id: 'A', x: 0, y: 0 });
    net.addJunction({ id: 'D', x: 30, y: 40 });
    const l = net.addLink({ id: 'AD', from: 'A', to: 'D', speed: 12 });
    expect(l).toEqual({ id: 'AD', from: 'A', to: 'D', length: 50, lanes: 1, speed: 12, saturationFlow: 0.5, jamSpacing: 7.5 });
    expect(DEFAULT_SATURATION_FLOW).toBe(0.5);
    expect(DEFAULT_JAM_SPACING).toBe(7.5);
    expect('name' in l).toBe(false);
    expect(net.link('AD')).toBe(l);
  });

  it('keeps given values, including a length other than the straight line', () => {
    const net = new RoadNetwork();
    net.addJunction({ id: 'A', x: 0, y: 0 });
    net.addJunction({ id: 'D', x: 30, y: 40 });
    const l = net.addLink({ id: 'AD', from: 'A', to: 'D', length: 80, lanes: 3, speed: 12, saturationFlow: 0.55, jamSpacing: 8, name: 'Rua do Campo' });
    expect(l).toEqual({ id: 'AD', from: 'A', to: 'D', length: 80, lanes: 3, speed: 12, saturationFlow: 0.55, jamSpacing: 8, name: 'Rua do Campo' });
  });

  it('accepts parallel links between the same junctions', () => {
    const net = base();
    net.addLink({ id: 'AB2', from: 'A', to: 'B', speed: 15 });
    expect(net.links().map((l) => l.id)).toEqual(['AB', 'BC', 'CA', 'AB2']);
  });
});

describe('RoadNetwork.addMovement', () => {
  it('rejects a duplicate movement', () => {
    const net = base();
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'BC', lanes: [1] }), 'movement', 'AB -> BC', '');
  });

  it('rejects an unknown approach link', () => {
    const net = base();
    expectNetworkError(net, () => net.addMovement({ from: 'XY', to: 'BC' }), 'movement', 'XY -> BC', 'from');
  });

  it('rejects an unknown exit link', () => {
    const net = base();
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'XY' }), 'movement', 'AB -> XY', 'to');
  });

  it('rejects links that do not meet', () => {
    const net = base();
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'CA' }), 'movement', 'AB -> CA', 'to');
  });

  it.each([[[2]], [[-1]], [[0.5]], [[0, 5]], [[]]])('rejects lanes %j on a 2-lane approach', (lanes) => {
    const net = base();
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10 });
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'BA', lanes }), 'movement', 'AB -> BA', 'lanes');
  });

  it('keeps lane-level connections (laneLinks) sorted and de-duplicated; approach lanes default to theirs; compiled as a CSR of lane x 32 + lane', () => {
    const net = base();
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10, lanes: 2 });
    const mv = net.addMovement({ from: 'AB', to: 'BA', laneLinks: [[1, 1], [0, 0], [1, 0], [1, 1]] });
    expect(mv.laneLinks).toEqual([[0, 0], [1, 0], [1, 1]]);
    expect(mv.lanes).toEqual([0, 1]);
    net.addLink({ id: 'CB', from: 'C', to: 'B', speed: 10, lanes: 2 });
    expect(net.addMovement({ from: 'CB', to: 'BA', laneLinks: [[1, 0]] }).lanes).toEqual([1]);
    const compiled = compile(net);
    const e = compiled.movementBetween(compiled.linkIndex('AB'), compiled.linkIndex('BA'));
    const offsets = compiled.movementLaneLinkOffsets;
    expect(Array.from(compiled.movementLaneLinks.subarray(offsets[e], offsets[e + 1]))).toEqual([0, 32, 33]);
    const first = compiled.movementBetween(compiled.linkIndex('AB'), compiled.linkIndex('BC'));
    expect(offsets[first + 1] - offsets[first]).toBe(0); // not stated
    expect(offsets[compiled.movementCount]).toBe(4);
  });

  it.each([
    [[[2, 0]]], [[[0, 2]]], [[[0.5, 0]]], [[[0]]], [[]],
  ])('rejects laneLinks %j (approach lanes 0-1, exit lanes 0-1)', (laneLinks) => {
    const net = base();
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10, lanes: 2 });
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'BA', laneLinks: laneLinks as unknown as Array<[number, number]> }), 'movement', 'AB -> BA', 'laneLinks');
  });

  it('rejects laneLinks from an approach lane the stated lanes leave out', () => {
    const net = base();
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10, lanes: 2 });
    expectNetworkError(net, () => net.addMovement({ from: 'AB', to: 'BA', lanes: [0], laneLinks: [[0, 0], [1, 1]] }), 'movement', 'AB -> BA', 'laneLinks');
  });

  it('defaults lanes to every approach lane and sorts, de-duplicates given lanes', () => {
    const net = base();
    expect(net.movementsFrom('AB')).toEqual([{ from: 'AB', to: 'BC', lanes: [0, 1], turn: 'left' }]);
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10 });
    expect(net.addMovement({ from: 'AB', to: 'BA', lanes: [1, 0, 1] }).lanes).toEqual([0, 1]);
    expect(net.addMovement({ from: 'BC', to: 'CA' }).lanes).toEqual([0]);
    expect(net.movementCount).toBe(3);
    expect(net.movements().map((mv) => `${mv.from}>${mv.to}`)).toEqual(['AB>BC', 'AB>BA', 'BC>CA']);
    expect(net.movementsFrom('CA')).toEqual([]);
  });
});

describe('RoadNetwork.junction / RoadNetwork.link', () => {
  it('rejects unknown ids', () => {
    const net = base();
    expectNetworkError(net, () => net.junction('Z'), 'junction', 'Z', 'id');
    expectNetworkError(net, () => net.link('Z'), 'link', 'Z', 'id');
  });
});

/**
 * A four-arm cross: centre C at the origin, arms N, E, S, W 100 m away, one link
 * in and one out per arm (`SC` = S -> C, `CS` = C -> S).
 */
function cross(drivingSide: DrivingSide): RoadNetwork {
  const net = new RoadNetwork({ drivingSide });
  net.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
  const arms: Array<[string, number, number]> = [['N', 0, 100], ['E', 100, 0], ['S', 0, -100], ['W', -100, 0]];
  for (const [id, x, y] of arms) net.addJunction({ id, x, y });
  for (const [id] of arms) {
    net.addLink({ id: `${id}C`, from: id, to: 'C', speed: 13.9, lanes: 2 });
    net.addLink({ id: `C${id}`, from: 'C', to: id, speed: 13.9, lanes: 2 });
  }
  return net;
}

describe('RoadNetwork.addDefaultMovements', () => {
  it('adds 12 movements on a cross without U-turns, 20 with', () => {
    // Centre: 4 approaches x 3 exits (4 with U-turns); arm ends: only the U-turn back.
    expect(cross('right').addDefaultMovements()).toBe(12);
    expect(cross('right').addDefaultMovements({ uTurns: true })).toBe(16 + 4);
  });

  it('skips movements that exist and adds only the missing U-turns', () => {
    const net = cross('right');
    net.addMovement({ from: 'SC', to: 'CN', lanes: [1] });
    expect(net.addDefaultMovements()).toBe(11);
    expect(net.movementsFrom('SC').find((mv) => mv.to === 'CN')!.lanes).toEqual([1]);
    expect(net.addDefaultMovements()).toBe(0);
    expect(net.addDefaultMovements({ uTurns: true })).toBe(8);
    expect(net.movementCount).toBe(20);
  });

  it('limits itself to the given junctions', () => {
    const net = cross('right');
    expect(net.addDefaultMovements({ junctions: ['C'], uTurns: true })).toBe(16);
    expect(net.addDefaultMovements({ junctions: ['N', 'S'], uTurns: true })).toBe(2);
  });

  it('rejects an unknown junction', () => {
    const net = cross('right');
    const before = net.movementCount;
    expectNetworkError(undefined, () => net.addDefaultMovements({ junctions: ['C', 'Q'] }), 'junction', 'Q', 'id');
    expect(net.movementCount).toBe(before); // nothing added at C before Q was found
  });
});

describe('turn classification (RoadNetwork.addMovement + isFarSideTurn)', () => {
  // Approach arm -> [left exit arm, straight exit arm, right exit arm], by geometry.
  const expected: Array<[string, string, string, string]> = [
    ['S', 'W', 'N', 'E'], // heading north
    ['N', 'E', 'S', 'W'], // heading south
    ['E', 'S', 'W', 'N'], // heading west
    ['W', 'N', 'E', 'S'], // heading east
  ];

  it.each(['right', 'left'] as const)('classifies every turn of a cross by geometry, drivingSide %s', (side) => {
    const net = cross(side);
    net.addDefaultMovements({ uTurns: true, junctions: ['C'] });
    const turnOf = (from: string, to: string): TurnKind => net.movementsFrom(`${from}C`).find((mv) => mv.to === `C${to}`)!.turn;
    for (const [from, left, straight, right] of expected) {
      expect(turnOf(from, left)).toBe('left');
      expect(turnOf(from, straight)).toBe('straight');
      expect(turnOf(from, right)).toBe('right');
      expect(turnOf(from, from)).toBe('uturn');
    }
  });

  it('isFarSideTurn: left turns are opposed in right-hand traffic, right turns in left-hand (Macau)', () => {
    expect(isFarSideTurn('left', 'right')).toBe(true);
    expect(isFarSideTurn('right', 'right')).toBe(false);
    expect(isFarSideTurn('right', 'left')).toBe(true);
    expect(isFarSideTurn('left', 'left')).toBe(false);
    for (const side of ['left', 'right'] as const) {
      expect(isFarSideTurn('straight', side)).toBe(false);
      expect(isFarSideTurn('uturn', side)).toBe(true);
    }
    expect(isNearSideTurn('right', 'right')).toBe(true);
    expect(isNearSideTurn('left', 'left')).toBe(true);
    expect(isNearSideTurn('left', 'right')).toBe(false);
  });

  it('a U-turn back to the origin junction is a uturn whatever the drawn angle', () => {
    const net = new RoadNetwork();
    net.addJunction({ id: 'A', x: 0, y: 0 });
    net.addJunction({ id: 'B', x: 100, y: 0 });
    net.addLink({ id: 'AB', from: 'A', to: 'B', speed: 10 });
    net.addLink({ id: 'BA', from: 'B', to: 'A', speed: 10 });
    expect(net.addMovement({ from: 'AB', to: 'BA' }).turn).toBe('uturn');
  });
});

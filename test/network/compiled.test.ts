/**
 * compile() and CompiledNetwork: a hand-built multigraph with non-ASCII ids and
 * partial lon/lat survives compile -> CompiledNetwork.from(buffer) unchanged and
 * uncopied; the CSR invariants hold; accessors agree with the RoadNetwork; a
 * buffer that is not a compiled network is refused with the field at fault.
 */
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../engine/errors.js';
import { compile } from '../../engine/network/compile.js';
import { CompiledNetwork, COMPILED_VERSION, CONTROL_CODE } from '../../engine/network/compiled.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { TURN_CODE } from '../../engine/network/turns.js';
import type { DrivingSide } from '../../engine/network/types.js';

const SENADO = 'Largo do Senado 議事亭前地';
const SAN_MA_LO = '新馬路/營地大街';
const PONTE = 'Praça de Ponte e Horta';
const WEST = 'Z';
const AVENIDA = 'Avenida de Almeida Ribeiro';
const AVENIDA_PARALLEL = '新馬路';
const AVENIDA_BACK = '新馬路 (西行)';
const LORCHAS = 'Rua das Lorchas';
const TRAVESSA = 'Travessa 🚗';

/**
 * Four junctions (two with lon/lat), seven links including two parallel links
 * Senado -> San Ma Lo, explicit movements with lane subsets (one on lane 31 of a
 * 32-lane link), the rest by addDefaultMovements.
 */
function macau(drivingSide: DrivingSide = 'left'): RoadNetwork {
  const net = new RoadNetwork({ drivingSide });
  net.addJunction({ id: SENADO, x: 0, y: 0, lon: 113.5397, lat: 22.1934, control: 'signal' });
  net.addJunction({ id: SAN_MA_LO, x: 200, y: 0, lon: 113.5378, lat: 22.1945, control: 'priority' });
  net.addJunction({ id: PONTE, x: 200, y: 150 });
  net.addJunction({ id: WEST, x: -100, y: 0 });
  net.addLink({ id: AVENIDA, from: SENADO, to: SAN_MA_LO, lanes: 2, speed: 13.9 });
  net.addLink({ id: AVENIDA_PARALLEL, from: SENADO, to: SAN_MA_LO, length: 210, speed: 8.3, saturationFlow: 0.45 });
  net.addLink({ id: AVENIDA_BACK, from: SAN_MA_LO, to: SENADO, speed: 11, jamSpacing: 8 });
  net.addLink({ id: LORCHAS, from: SAN_MA_LO, to: PONTE, lanes: 32, speed: 8 });
  net.addLink({ id: TRAVESSA, from: PONTE, to: SENADO, speed: 5.5 });
  net.addLink({ id: 'Z-S', from: WEST, to: SENADO, speed: 10 });
  net.addLink({ id: 'S-Z', from: SENADO, to: WEST, speed: 10 });
  net.addMovement({ from: AVENIDA, to: LORCHAS, lanes: [1] });
  net.addMovement({ from: LORCHAS, to: TRAVESSA, lanes: [31] });
  net.addDefaultMovements();
  return net;
}

const ARRAY_FIELDS = [
  'junctionX', 'junctionY', 'junctionLon', 'junctionLat', 'junctionControl',
  'junctionOutOffsets', 'junctionOutLinks', 'junctionInOffsets', 'junctionInLinks',
  'linkFrom', 'linkTo', 'linkLanes', 'linkLength', 'linkSpeed', 'linkSaturationFlow', 'linkJamSpacing', 'linkFreeFlowTime',
  'movementOffsets', 'movementFrom', 'movementTo', 'movementLaneMask', 'movementTurn', 'movementInOffsets', 'movementIn',
] as const;

/** Check every CSR invariant of a compiled network. */
function expectCsrInvariants(net: CompiledNetwork): void {
  const n = net.junctionCount;
  const m = net.linkCount;
  const k = net.movementCount;
  const csr = (offsets: Int32Array, groups: number, total: number): void => {
    expect(offsets.length).toBe(groups + 1);
    expect(offsets[0]).toBe(0);
    expect(offsets[groups]).toBe(total);
    for (let g = 0; g < groups; g++) expect(offsets[g + 1]).toBeGreaterThanOrEqual(offsets[g]);
  };
  csr(net.junctionOutOffsets, n, m);
  csr(net.junctionInOffsets, n, m);
  csr(net.movementOffsets, m, k);
  csr(net.movementInOffsets, m, k);

  // Every link once in the out-CSR of its upstream junction and the in-CSR of its downstream one.
  const seenOut = new Int32Array(m);
  const seenIn = new Int32Array(m);
  for (let j = 0; j < n; j++) {
    for (let i = net.junctionOutOffsets[j]; i < net.junctionOutOffsets[j + 1]; i++) {
      expect(net.linkFrom[net.junctionOutLinks[i]]).toBe(j);
      seenOut[net.junctionOutLinks[i]]++;
    }
    for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
      expect(net.linkTo[net.junctionInLinks[i]]).toBe(j);
      seenIn[net.junctionInLinks[i]]++;
    }
  }
  expect([...seenOut].every((c) => c === 1)).toBe(true);
  expect([...seenIn].every((c) => c === 1)).toBe(true);

  // Movements grouped by approach link; they meet; movementIn lists exactly the movements into each link.
  const seenMovement = new Int32Array(k);
  for (let l = 0; l < m; l++) {
    for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) {
      expect(net.movementFrom[e]).toBe(l);
      expect(net.linkFrom[net.movementTo[e]]).toBe(net.linkTo[l]);
    }
    const into = [...net.movementIn.subarray(net.movementInOffsets[l], net.movementInOffsets[l + 1])];
    const expected: number[] = [];
    for (let e = 0; e < k; e++) if (net.movementTo[e] === l) expected.push(e);
    expect(into.sort((a, b) => a - b)).toEqual(expected);
    for (const e of into) seenMovement[e]++;
  }
  expect([...seenMovement].every((c) => c === 1)).toBe(true);
}

describe('compile', () => {
  const network = macau();
  const net = compile(network);

  it('keeps counts, ids and per-element data in insertion order', () => {
    expect([net.junctionCount, net.linkCount, net.movementCount]).toEqual([4, 7, network.movementCount]);
    expect(net.drivingSide).toBe('left');
    network.junctions().forEach((j, i) => {
      expect(net.junctionKey(i)).toBe(j.id);
      expect(net.junctionIndex(j.id)).toBe(i);
      expect([net.junctionX[i], net.junctionY[i]]).toEqual([j.x, j.y]);
      expect(net.junctionLon[i]).toEqual(j.lon ?? NaN);
      expect(net.junctionLat[i]).toEqual(j.lat ?? NaN);
      expect(net.control(i)).toBe(j.control);
      expect(net.junctionControl[i]).toBe(CONTROL_CODE[j.control]);
    });
    network.links().forEach((l, i) => {
      expect(net.linkKey(i)).toBe(l.id);
      expect(net.linkIndex(l.id)).toBe(i);
      expect(net.junctionKey(net.linkFrom[i])).toBe(l.from);
      expect(net.junctionKey(net.linkTo[i])).toBe(l.to);
      expect([net.linkLanes[i], net.linkLength[i], net.linkSpeed[i], net.linkSaturationFlow[i], net.linkJamSpacing[i]])
        .toEqual([l.lanes, l.length, l.speed, l.saturationFlow, l.jamSpacing]);
      expect(net.linkFreeFlowTime[i]).toBeCloseTo(l.length / l.speed, 12);
    });
    expect(net.junctionIndex('nowhere')).toBe(-1);
    expect(net.linkIndex(SENADO)).toBe(-1); // a junction id is not a link id
    expect(net.junctionIndex(AVENIDA)).toBe(-1);
  });

  it('keeps parallel links apart', () => {
    const a = net.linkIndex(AVENIDA);
    const b = net.linkIndex(AVENIDA_PARALLEL);
    expect(a).not.toBe(b);
    expect([net.linkFrom[a], net.linkTo[a]]).toEqual([net.linkFrom[b], net.linkTo[b]]);
    expect([net.linkLength[a], net.linkLength[b]]).toEqual([200, 210]);
  });

  it('numbers movements by approach link in link order, with turn codes and lane masks', () => {
    const movements = network.movements();
    expect(movements.length).toBe(net.movementCount);
    movements.forEach((mv, e) => {
      expect(net.linkKey(net.movementFrom[e])).toBe(mv.from);
      expect(net.linkKey(net.movementTo[e])).toBe(mv.to);
      expect(net.turn(e)).toBe(mv.turn);
      expect(net.movementTurn[e]).toBe(TURN_CODE[mv.turn]);
      expect(net.movementLaneMask[e]).toBe(mv.lanes.reduce((mask, lane) => mask + 2 ** lane, 0));
    });
    const mask = (from: string, to: string): number => net.movementLaneMask[net.movementBetween(net.linkIndex(from), net.linkIndex(to))];
    expect(mask(AVENIDA, LORCHAS)).toBe(0b10);
    expect(mask(AVENIDA_PARALLEL, LORCHAS)).toBe(0b1);
    expect(mask(LORCHAS, TRAVESSA)).toBe(2 ** 31); // lane 31: the top bit, unsigned
    expect(mask('Z-S', AVENIDA)).toBe(0b1);
    expect(net.turn(net.movementBetween(net.linkIndex(AVENIDA), net.linkIndex(LORCHAS)))).toBe('left');
  });

  it('movementBetween finds permitted turns and returns -1 otherwise', () => {
    const between = (from: string, to: string): number => net.movementBetween(net.linkIndex(from), net.linkIndex(to));
    const e = between(TRAVESSA, AVENIDA_PARALLEL);
    expect(e).toBeGreaterThanOrEqual(0);
    expect([net.movementFrom[e], net.movementTo[e]]).toEqual([net.linkIndex(TRAVESSA), net.linkIndex(AVENIDA_PARALLEL)]);
    expect(between(AVENIDA, AVENIDA_BACK)).toBe(-1); // U-turn: not added by default
    expect(between(LORCHAS, AVENIDA)).toBe(-1); // links do not meet
  });

  it('storage is lanes x length / jam spacing', () => {
    expect(net.storage(net.linkIndex(AVENIDA))).toBeCloseTo((2 * 200) / 7.5, 12);
    expect(net.storage(net.linkIndex(AVENIDA_BACK))).toBeCloseTo(200 / 8, 12);
    expect(net.storage(net.linkIndex(LORCHAS))).toBeCloseTo((32 * 150) / 7.5, 12);
  });

  it('maxSpeed is the highest link speed', () => {
    expect(net.maxSpeed()).toBe(13.9);
  });

  it('holds the CSR invariants', () => {
    expectCsrInvariants(net);
    expectCsrInvariants(compile(macau('right'), { shared: false }));
  });

  it('junctionKey and linkKey reject indices out of range', () => {
    expect(() => net.junctionKey(-1)).toThrow(RangeError);
    expect(() => net.junctionKey(4)).toThrow(RangeError);
    expect(() => net.linkKey(7)).toThrow(RangeError);
  });

  it('uses a SharedArrayBuffer by default and an ArrayBuffer with shared: false', () => {
    expect(net.buffer).toBeInstanceOf(SharedArrayBuffer);
    const local = compile(macau(), { shared: false });
    expect(local.buffer).toBeInstanceOf(ArrayBuffer);
    expect(local.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(local.buffer.byteLength).toBe(net.buffer.byteLength);
  });

  it('compiles an empty network', () => {
    const empty = compile(new RoadNetwork());
    const back = CompiledNetwork.from(empty.buffer);
    expect([back.junctionCount, back.linkCount, back.movementCount]).toEqual([0, 0, 0]);
    expect([...back.junctionOutOffsets]).toEqual([0]);
    expect([...back.movementOffsets]).toEqual([0]);
    expect(back.maxSpeed()).toBe(0);
    expect(back.junctionIndex('a')).toBe(-1);
  });
});

describe('CompiledNetwork.from', () => {
  it.each([true, false])('round-trips every array and id (shared: %s)', (shared) => {
    const net = compile(macau(), { shared });
    const back = CompiledNetwork.from(net.buffer);
    expect(back.buffer).toBe(net.buffer);
    expect([back.junctionCount, back.linkCount, back.movementCount, back.drivingSide])
      .toEqual([net.junctionCount, net.linkCount, net.movementCount, net.drivingSide]);
    for (const field of ARRAY_FIELDS) {
      expect(back[field], field).toEqual(net[field]);
      expect(back[field].constructor, field).toBe(net[field].constructor);
      expect(back[field].buffer, field).toBe(net.buffer);
      expect(back[field].byteOffset, field).toBe(net[field].byteOffset);
    }
    for (let j = 0; j < net.junctionCount; j++) {
      expect(back.junctionKey(j)).toBe(net.junctionKey(j));
      expect(back.junctionIndex(net.junctionKey(j))).toBe(j);
    }
    for (let l = 0; l < net.linkCount; l++) {
      expect(back.linkKey(l)).toBe(net.linkKey(l));
      expect(back.linkIndex(net.linkKey(l))).toBe(l);
    }
    expect(back.linkIndex(TRAVESSA)).toBe(net.linkIndex(TRAVESSA));
    expect(back.junctionIndex(SAN_MA_LO)).toBe(1);
    expect(Number.isNaN(back.junctionLon[back.junctionIndex(PONTE)])).toBe(true);
    expect(back.junctionLat[back.junctionIndex(SENADO)]).toBe(22.1934);
    expectCsrInvariants(back);
  });

  it('keeps the driving side', () => {
    expect(CompiledNetwork.from(compile(macau('left')).buffer).drivingSide).toBe('left');
    expect(CompiledNetwork.from(compile(macau('right')).buffer).drivingSide).toBe('right');
  });

  it('does not copy: writes through one view are read through the other', () => {
    const net = compile(macau());
    const back = CompiledNetwork.from(net.buffer);
    net.linkSpeed[0] = 99;
    expect(back.linkSpeed[0]).toBe(99);
    back.movementLaneMask[0] = 0xffffffff;
    expect(net.movementLaneMask[0]).toBe(0xffffffff);
    back.junctionControl[2] = CONTROL_CODE.signal;
    expect(net.control(2)).toBe('signal');
  });

  /** Expect `from(buffer)` to fail on the buffer with `field` at fault. */
  function expectBufferError(buffer: ArrayBuffer | SharedArrayBuffer, field: string): void {
    let caught: unknown;
    try {
      CompiledNetwork.from(buffer);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NetworkError);
    const err = caught as NetworkError;
    expect({ element: err.element, id: err.id, field: err.field }).toEqual({ element: 'buffer', id: '', field });
  }

  it('rejects a wrong magic number', () => {
    const copy = compile(macau()).buffer.slice(0);
    new Int32Array(copy, 0, 1)[0] = 0x12345678;
    expectBufferError(copy, 'magic');
  });

  it('rejects a wrong version', () => {
    const copy = compile(macau()).buffer.slice(0);
    new Int32Array(copy, 0, 2)[1] = COMPILED_VERSION + 1;
    expectBufferError(copy, 'version');
  });

  it('rejects a truncated or padded buffer', () => {
    const buffer = compile(macau(), { shared: false }).buffer;
    expectBufferError(buffer.slice(0, buffer.byteLength - 8), 'byteLength');
    const padded = new ArrayBuffer(buffer.byteLength + 8);
    new Uint8Array(padded).set(new Uint8Array(buffer));
    expectBufferError(padded, 'byteLength');
  });

  it('rejects a header whose counts do not match the buffer', () => {
    const copy = compile(macau()).buffer.slice(0);
    new Int32Array(copy, 0, 4)[3] += 1; // one more link than stored
    expectBufferError(copy, 'byteLength');
  });

  it('rejects a buffer shorter than the header', () => {
    expectBufferError(new ArrayBuffer(16), 'byteLength');
  });

  it('rejects a corrupt header: negative counts or an unknown driving-side code', () => {
    const negative = compile(macau()).buffer.slice(0);
    new Int32Array(negative, 0, 5)[4] = -3;
    expectBufferError(negative, 'movements');
    const side = compile(macau()).buffer.slice(0);
    new Int32Array(side, 0, 6)[5] = 7;
    expectBufferError(side, 'drivingSide');
  });
});

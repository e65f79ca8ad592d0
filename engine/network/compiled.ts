/**
 * `CompiledNetwork`: the road network as flat typed arrays in ONE
 * `SharedArrayBuffer` (or `ArrayBuffer`), for hot loops and for workers.
 *
 * Layout (all sections 8-byte aligned, in this order; see `layoutOf`):
 *   header   Int32[16]  magic, version, junctions n, links m, movements k,
 *                       driving side, string bytes, reserved
 *   Float64  junction x, y, lon, lat (NaN when absent)            [n each]
 *            link length, speed, saturationFlow, jamSpacing,
 *            freeFlowTime                                           [m each]
 *   Int32    junctionOutOffsets [n+1], junctionOutLinks [m]   (CSR of links by upstream junction)
 *            junctionInOffsets  [n+1], junctionInLinks  [m]   (CSR of links by downstream junction)
 *            linkFrom, linkTo, linkLanes, linkPriority        [m each]
 *            movementOffsets [m+1]                            (CSR of movements by approach link;
 *            movementFrom, movementTo [k]                      movement ids are positions in it)
 *            movementInOffsets [m+1], movementIn [k]          (movement ids grouped by exit link)
 *            keyOffsets [n+m+1]                               (UTF-8 ids: junctions, then links)
 *            labelOffsets [3m+1]                              (UTF-8 per link: name, road class,
 *                                                              other names as JSON; "" when absent)
 *            shapeOffsets [m+1]                               (shape points of link l:
 *                                                              shapeXY[2*shapeOffsets[l] ..])
 *   Float64  shapeXY [2p]                                     (interior shape points x, y, m)
 *            movementWaitPoint [k]                            (m; NaN when not stated)
 *   Float64  movementTimeOffset [k]                           (s added to the approach link's free-flow
 *                                                              time through this movement; 0 if none)
 *   Float64  movementCrossingSpeed [k]                        (m/s; NaN when not stated)
 *   Uint32   movementLaneMask [k]                             (bit i = approach lane i serves it)
 *   Int32    movementLaneLinkOffsets [k+1], movementLaneLinks  (CSR of each movement's stated lane-level
 *                                                              connections, approach lane x 32 + exit lane)
 *   Uint8    junctionControl [n], movementTurn [k], movementRightOfWay [k],
 *            keyBytes, labelBytes
 *
 * Names, road classes and shapes are for reports and outputs only: no hot loop
 * reads them, but they travel with the buffer so a worker's outputs can name
 * streets too.
 *
 * `CompiledNetwork.from(buffer)` rebuilds every view on the same memory without
 * copying, so a worker given the buffer once can simulate on it directly.
 */
import { NetworkError } from '../errors.js';
import type { DrivingSide, JunctionControl, RightOfWay, TurnKind } from './types.js';
import { TURN_KINDS } from './turns.js';

/** "GWNC" in ASCII, little-endian. */
export const COMPILED_MAGIC = 0x434e5747;
/** Bumped whenever the layout changes. */
export const COMPILED_VERSION = 7;
const HEADER_INTS = 16;

/** Numeric codes of junction control in `junctionControl`. */
export const CONTROL_CODE: Readonly<Record<JunctionControl, number>> = { uncontrolled: 0, priority: 1, signal: 2 };
/** Codes of `movementRightOfWay`: 0 when the source states none (derived from the major road). */
export const RIGHT_OF_WAY_CODE: Readonly<Record<RightOfWay, number>> = { major: 1, minor: 2, stop: 3 };
/** Inverse of {@link CONTROL_CODE}. */
export const CONTROL_KINDS: readonly JunctionControl[] = ['uncontrolled', 'priority', 'signal'];

type F64Field = 'junctionX' | 'junctionY' | 'junctionLon' | 'junctionLat' | 'linkLength' | 'linkSpeed' | 'linkSaturationFlow' | 'linkJamSpacing' | 'linkFreeFlowTime' | 'linkStartUpLost' | 'shapeXY' | 'movementWaitPoint' | 'movementTimeOffset' | 'movementCrossingSpeed';
type I32Field =
  | 'junctionOutOffsets' | 'junctionOutLinks' | 'junctionInOffsets' | 'junctionInLinks'
  | 'linkFrom' | 'linkTo' | 'linkLanes' | 'linkPriority'
  | 'movementOffsets' | 'movementFrom' | 'movementTo' | 'movementInOffsets' | 'movementIn' | 'keyOffsets' | 'labelOffsets' | 'shapeOffsets'
  | 'movementLaneLinkOffsets' | 'movementLaneLinks';
type U32Field = 'movementLaneMask';
type U8Field = 'junctionControl' | 'movementTurn' | 'movementRightOfWay' | 'keyBytes' | 'labelBytes';

interface Section { name: string; kind: 'f64' | 'i32' | 'u32' | 'u8'; length: number; offset: number }

/** Byte offsets of every section for the given counts. */
function layoutOf(n: number, m: number, k: number, keyBytes: number, labelBytes: number, shapePoints: number, laneLinks: number): { sections: Section[]; byteLength: number } {
  const spec: Array<[string, Section['kind'], number]> = [
    ['junctionX', 'f64', n], ['junctionY', 'f64', n], ['junctionLon', 'f64', n], ['junctionLat', 'f64', n],
    ['linkLength', 'f64', m], ['linkSpeed', 'f64', m], ['linkSaturationFlow', 'f64', m], ['linkJamSpacing', 'f64', m], ['linkFreeFlowTime', 'f64', m], ['linkStartUpLost', 'f64', m],
    ['junctionOutOffsets', 'i32', n + 1], ['junctionOutLinks', 'i32', m], ['junctionInOffsets', 'i32', n + 1], ['junctionInLinks', 'i32', m],
    ['linkFrom', 'i32', m], ['linkTo', 'i32', m], ['linkLanes', 'i32', m], ['linkPriority', 'i32', m],
    ['movementOffsets', 'i32', m + 1], ['movementFrom', 'i32', k], ['movementTo', 'i32', k],
    ['movementInOffsets', 'i32', m + 1], ['movementIn', 'i32', k], ['keyOffsets', 'i32', n + m + 1],
    ['labelOffsets', 'i32', 3 * m + 1], ['shapeOffsets', 'i32', m + 1], ['shapeXY', 'f64', 2 * shapePoints], ['movementWaitPoint', 'f64', k],
    ['movementTimeOffset', 'f64', k], ['movementCrossingSpeed', 'f64', k], ['movementLaneMask', 'u32', k],
    ['movementLaneLinkOffsets', 'i32', k + 1], ['movementLaneLinks', 'i32', laneLinks],
    ['junctionControl', 'u8', n], ['movementTurn', 'u8', k], ['movementRightOfWay', 'u8', k], ['keyBytes', 'u8', keyBytes], ['labelBytes', 'u8', labelBytes],
  ];
  const width = { f64: 8, i32: 4, u32: 4, u8: 1 } as const;
  let offset = HEADER_INTS * 4;
  const sections: Section[] = [];
  for (const [name, kind, length] of spec) {
    sections.push({ name, kind, length, offset });
    offset += Math.ceil((length * width[kind]) / 8) * 8;
  }
  return { sections, byteLength: offset };
}

/** Counts and sizes needed to allocate a compiled network. */
export interface CompiledCounts {
  junctions: number;
  links: number;
  movements: number;
  keyBytes: number;
  /** UTF-8 bytes of the link labels (names, road classes, other names). Default 0. */
  labelBytes?: number;
  /** Interior shape points of all links. Default 0. */
  shapePoints?: number;
  /** Lane-level connections stated for all movements (`MovementSpec.laneLinks`). Default 0. */
  laneLinks?: number;
  drivingSide: DrivingSide;
}

/**
 * A road network compiled to CSR arrays. Junctions, links and movements are
 * addressed by dense integer indices; `junctionKey`/`linkKey` and
 * `junctionIndex`/`linkIndex` map between indices and ids.
 */
export class CompiledNetwork {
  /** The single buffer every view below lives in. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly junctionCount: number;
  readonly linkCount: number;
  readonly movementCount: number;
  readonly drivingSide: DrivingSide;

  /** Junction easting, northing (m); longitude, latitude (degrees, NaN when absent). */
  readonly junctionX!: Float64Array;
  readonly junctionY!: Float64Array;
  readonly junctionLon!: Float64Array;
  readonly junctionLat!: Float64Array;
  /** Junction control, see {@link CONTROL_CODE}. */
  readonly junctionControl!: Uint8Array;
  /** Links leaving junction j: `junctionOutLinks[junctionOutOffsets[j] .. junctionOutOffsets[j+1])`. */
  readonly junctionOutOffsets!: Int32Array;
  readonly junctionOutLinks!: Int32Array;
  /** Links entering junction j, same CSR form. */
  readonly junctionInOffsets!: Int32Array;
  readonly junctionInLinks!: Int32Array;

  /** Upstream and downstream junction index of each link. */
  readonly linkFrom!: Int32Array;
  readonly linkTo!: Int32Array;
  /** Lanes per link. */
  readonly linkLanes!: Int32Array;
  /** Right-of-way rank of each link at priority junctions (`LinkSpec.priority`, 0 when not given). */
  readonly linkPriority!: Int32Array;
  /** Length (m), free-flow speed (m/s), saturation flow per lane (veh/s), jam spacing (m). */
  readonly linkLength!: Float64Array;
  readonly linkSpeed!: Float64Array;
  readonly linkSaturationFlow!: Float64Array;
  readonly linkJamSpacing!: Float64Array;
  /** Start-up lost time of each link's queues at the start of a green, s (NaN: the vehicle class's; `LinkSpec.startUpLost`). */
  readonly linkStartUpLost!: Float64Array;
  /** length / speed, s: the default routing cost. */
  readonly linkFreeFlowTime!: Float64Array;

  /** Movements leaving link l: ids `movementOffsets[l] .. movementOffsets[l+1]`. */
  readonly movementOffsets!: Int32Array;
  /** Approach and exit link of each movement. */
  readonly movementFrom!: Int32Array;
  readonly movementTo!: Int32Array;
  /** Approach lanes serving each movement as a bit mask (bit 0 = kerb-side lane). */
  readonly movementLaneMask!: Uint32Array;
  /**
   * Stated lane-level connections of movement x (`MovementSpec.laneLinks`):
   * `movementLaneLinks[movementLaneLinkOffsets[x] .. [x + 1])`, each approach lane x 32 + exit lane; none when not stated.
   */
  readonly movementLaneLinkOffsets!: Int32Array;
  readonly movementLaneLinks!: Int32Array;
  /** Turn kind code of each movement, see `TURN_CODE`. */
  readonly movementTurn!: Uint8Array;
  /** Right of way the source states for each movement, see {@link RIGHT_OF_WAY_CODE} (0: derived). */
  readonly movementRightOfWay!: Uint8Array;
  /** Distance from the stop line to where each movement's vehicles wait for a gap inside the junction, m (NaN: not stated; `MovementSpec.waitPoint`). */
  readonly movementWaitPoint!: Float64Array;
  /**
   * Free-flow time each movement adds to its approach link's, s (`MovementSpec.timeOffset`;
   * 0 for most networks): a vehicle leaving link l through movement x takes
   * `max(0, linkFreeFlowTime[l] + movementTimeOffset[x])` to its stop line at free flow.
   */
  readonly movementTimeOffset!: Float64Array;
  /** Speed limit of each movement's path at the stop line, m/s (NaN: not stated; `MovementSpec.crossingSpeed`). */
  readonly movementCrossingSpeed!: Float64Array;
  /** Movements entering link l: `movementIn[movementInOffsets[l] .. movementInOffsets[l+1])`. */
  readonly movementInOffsets!: Int32Array;
  readonly movementIn!: Int32Array;

  /** Interior shape points of link l: x, y pairs (m) at `shapeXY[2 * shapeOffsets[l] .. 2 * shapeOffsets[l + 1])`. */
  readonly shapeOffsets!: Int32Array;
  readonly shapeXY!: Float64Array;

  private readonly keyOffsets!: Int32Array;
  private readonly keyBytes!: Uint8Array;
  private readonly labelOffsets!: Int32Array;
  private readonly labelBytes!: Uint8Array;
  private keys: string[] | undefined;
  private offsetsGiven: boolean | undefined;
  private labels: string[] | undefined;
  private junctionIndexMap: Map<string, number> | undefined;
  private linkIndexMap: Map<string, number> | undefined;

  private constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    const byteLength = buffer.byteLength;
    if (byteLength < HEADER_INTS * 4) throw new NetworkError('buffer', '', 'byteLength', `is ${byteLength} bytes, too short for a compiled network header`);
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    if (header[0] !== COMPILED_MAGIC) throw new NetworkError('buffer', '', 'magic', 'does not match: this is not a compiled greenwave network');
    if (header[1] !== COMPILED_VERSION) {
      throw new NetworkError('buffer', '', 'version', `is ${header[1]}, but this greenwave reads version ${COMPILED_VERSION}: recompile the network`);
    }
    const [n, m, k, side, keyBytes, labelBytes, shapePoints, laneLinks] = [header[2], header[3], header[4], header[5], header[6], header[7], header[8], header[9]];
    for (const [field, count] of [['junctions', n], ['links', m], ['movements', k], ['keyBytes', keyBytes], ['labelBytes', labelBytes], ['shapePoints', shapePoints], ['laneLinks', laneLinks]] as const) {
      if (count < 0) throw new NetworkError('buffer', '', field, `count is ${count} in the header: the buffer is corrupt`);
    }
    if (side !== 0 && side !== 1) throw new NetworkError('buffer', '', 'drivingSide', `code is ${side} in the header: the buffer is corrupt`);
    const { sections, byteLength: expected } = layoutOf(n, m, k, keyBytes, labelBytes, shapePoints, laneLinks);
    if (byteLength !== expected) throw new NetworkError('buffer', '', 'byteLength', `is ${byteLength}, but its header describes ${expected} bytes`);
    this.buffer = buffer;
    this.junctionCount = n;
    this.linkCount = m;
    this.movementCount = k;
    this.drivingSide = side === 1 ? 'left' : 'right';
    const self = this as unknown as Record<string, unknown>;
    for (const s of sections) {
      self[s.name] =
        s.kind === 'f64' ? new Float64Array(buffer, s.offset, s.length)
        : s.kind === 'i32' ? new Int32Array(buffer, s.offset, s.length)
        : s.kind === 'u32' ? new Uint32Array(buffer, s.offset, s.length)
        : new Uint8Array(buffer, s.offset, s.length);
    }
  }

  /**
   * Allocate an empty compiled network for the given counts (used by `compile()`
   * and importers that fill the arrays themselves). Shared memory by default.
   */
  static allocate(counts: CompiledCounts, shared = true): CompiledNetwork {
    const { byteLength } = layoutOf(counts.junctions, counts.links, counts.movements, counts.keyBytes, counts.labelBytes ?? 0, counts.shapePoints ?? 0, counts.laneLinks ?? 0);
    const buffer = shared ? new SharedArrayBuffer(byteLength) : new ArrayBuffer(byteLength);
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    header[0] = COMPILED_MAGIC;
    header[1] = COMPILED_VERSION;
    header[2] = counts.junctions;
    header[3] = counts.links;
    header[4] = counts.movements;
    header[5] = counts.drivingSide === 'left' ? 1 : 0;
    header[6] = counts.keyBytes;
    header[7] = counts.labelBytes ?? 0;
    header[8] = counts.shapePoints ?? 0;
    header[9] = counts.laneLinks ?? 0;
    return new CompiledNetwork(buffer);
  }

  /**
   * Rebuild a compiled network on an existing buffer, without copying: every
   * typed array is a view on `buffer`. Throws `NetworkError` if the buffer is not
   * a compiled network of this version.
   */
  static from(buffer: SharedArrayBuffer | ArrayBuffer): CompiledNetwork {
    return new CompiledNetwork(buffer);
  }

  /** Raw id bytes, for `compile()` to fill. */
  get rawKeyBytes(): Uint8Array {
    return this.keyBytes;
  }

  /** Raw id offsets (junction ids first, then link ids), for `compile()` to fill. */
  get rawKeyOffsets(): Int32Array {
    return this.keyOffsets;
  }

  /** Raw label bytes and offsets (per link: name, road class, other names), for `compile()` to fill. */
  get rawLabels(): { bytes: Uint8Array; offsets: Int32Array } {
    return { bytes: this.labelBytes, offsets: this.labelOffsets };
  }

  private decodeLabels(): string[] {
    if (this.labels === undefined) {
      const decoder = new TextDecoder();
      const total = 3 * this.linkCount;
      const labels = new Array<string>(total);
      const bytes = this.labelBytes.slice();
      for (let i = 0; i < total; i++) labels[i] = decoder.decode(bytes.subarray(this.labelOffsets[i], this.labelOffsets[i + 1]));
      this.labels = labels;
    }
    return this.labels;
  }

  private checkLink(l: number): void {
    if (!Number.isInteger(l) || l < 0 || l >= this.linkCount) throw new RangeError(`link index ${l} is outside 0..${this.linkCount - 1}`);
  }

  /** Street name of link `l`, or undefined when it has none. */
  linkName(l: number): string | undefined {
    this.checkLink(l);
    const name = this.decodeLabels()[3 * l];
    return name === '' ? undefined : name;
  }

  /** Road class of link `l` (an OSM `highway` value such as `primary`), or undefined. */
  linkRoadClass(l: number): string | undefined {
    this.checkLink(l);
    const cls = this.decodeLabels()[3 * l + 1];
    return cls === '' ? undefined : cls;
  }

  /** Names of link `l` in other languages, by language code (empty when none). */
  linkOtherNames(l: number): Readonly<Record<string, string>> {
    this.checkLink(l);
    const text = this.decodeLabels()[3 * l + 2];
    return text === '' ? {} : (JSON.parse(text) as Record<string, string>);
  }

  /** Interior shape points of link `l`, planar metres, in the direction of travel (empty for a straight link). */
  linkShape(l: number): Array<[number, number]> {
    this.checkLink(l);
    const out: Array<[number, number]> = [];
    for (let p = this.shapeOffsets[l], end = this.shapeOffsets[l + 1]; p < end; p++) out.push([this.shapeXY[2 * p], this.shapeXY[2 * p + 1]]);
    return out;
  }

  private decodeKeys(): string[] {
    if (this.keys === undefined) {
      const decoder = new TextDecoder();
      const total = this.junctionCount + this.linkCount;
      const keys = new Array<string>(total);
      // TextDecoder refuses views on shared memory, so decode from a private copy.
      const bytes = this.keyBytes.slice();
      for (let i = 0; i < total; i++) keys[i] = decoder.decode(bytes.subarray(this.keyOffsets[i], this.keyOffsets[i + 1]));
      this.keys = keys;
    }
    return this.keys;
  }

  /** Id of junction index `j`. */
  junctionKey(j: number): string {
    if (!Number.isInteger(j) || j < 0 || j >= this.junctionCount) throw new RangeError(`junction index ${j} is outside 0..${this.junctionCount - 1}`);
    return this.decodeKeys()[j];
  }

  /** Id of link index `l`. */
  linkKey(l: number): string {
    if (!Number.isInteger(l) || l < 0 || l >= this.linkCount) throw new RangeError(`link index ${l} is outside 0..${this.linkCount - 1}`);
    return this.decodeKeys()[this.junctionCount + l];
  }

  /** Index of junction `id`, or -1 if there is none. */
  junctionIndex(id: string): number {
    if (this.junctionIndexMap === undefined) {
      const keys = this.decodeKeys();
      this.junctionIndexMap = new Map();
      for (let j = 0; j < this.junctionCount; j++) this.junctionIndexMap.set(keys[j], j);
    }
    return this.junctionIndexMap.get(id) ?? -1;
  }

  /** Index of link `id`, or -1 if there is none. */
  linkIndex(id: string): number {
    return this.linkIndexes().get(id) ?? -1;
  }

  /** Link ids to indices (built on first use), for a loop that looks up many ids without a call for each. */
  linkIndexes(): ReadonlyMap<string, number> {
    if (this.linkIndexMap === undefined) {
      const keys = this.decodeKeys();
      this.linkIndexMap = new Map();
      for (let l = 0; l < this.linkCount; l++) this.linkIndexMap.set(keys[this.junctionCount + l], l);
    }
    return this.linkIndexMap;
  }

  /** Control of junction `j`. */
  control(j: number): JunctionControl {
    return CONTROL_KINDS[this.junctionControl[j]];
  }

  /** Turn kind of movement `e`. */
  turn(e: number): TurnKind {
    return TURN_KINDS[this.movementTurn[e]];
  }

  /** Movement id from link `from` to link `to`, or -1 if that turn is not permitted. */
  movementBetween(from: number, to: number): number {
    for (let e = this.movementOffsets[from], end = this.movementOffsets[from + 1]; e < end; e++) {
      if (this.movementTo[e] === to) return e;
    }
    return -1;
  }

  /** Whether any movement has a non-zero `movementTimeOffset` (turns then cost differently; computed once). */
  get hasTimeOffsets(): boolean {
    if (this.offsetsGiven === undefined) this.offsetsGiven = this.movementTimeOffset.some((t) => t !== 0);
    return this.offsetsGiven;
  }

  /** Storage capacity of link `l` in vehicles: lanes x length / jam spacing. */
  storage(l: number): number {
    return (this.linkLanes[l] * this.linkLength[l]) / this.linkJamSpacing[l];
  }

  /** Highest free-flow speed of any link, m/s (0 for an empty network). */
  maxSpeed(): number {
    let max = 0;
    for (let l = 0; l < this.linkCount; l++) if (this.linkSpeed[l] > max) max = this.linkSpeed[l];
    return max;
  }
}

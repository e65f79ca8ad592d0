/**
 * Shared lanes of the kernel: head-of-line blocking at the stop line, where one
 * lane serves several movements (a through-and-left lane, a right-and-through
 * lane). Each such lane is a FIFO: a vehicle can leave only when every vehicle
 * ahead of it in its lane has left, so a left-turner waiting for a gap, or a turn
 * held by red or by a full exit, holds the vehicles behind it in its lane, as in
 * SUMO, CityFlow and on the street (HCM 7th ed., Ch. 31, shared-lane permitted
 * left: Eq. 31-121/122, the probability P_L that the left lane holds a left-turner).
 *
 * Model (with the simulation option `sharedLanes`; off by default):
 *  - A link is tracked when every one of its movements has a lane mask and some
 *    lane serves two movements or more. Links with exclusive lanes only (each lane
 *    one movement: CityFlow roadnets, most bays) or without lane masks are not:
 *    their movements keep one stop-line queue each, exactly as before.
 *  - On a tracked link, a vehicle reaching the stop line takes one of its
 *    movement's lanes: the one that would let it go first were nobody held (when
 *    the lane is next free, plus a saturation headway per vehicle queued in it),
 *    ties to the lane serving the fewest movements, then the lowest index
 *    (rightmost in SUMO's numbering); it keeps its place in its movement's queue
 *    as well (controllers and queue sums read those).
 *  - A movement discharges, among its queued vehicles that head their lane, the
 *    one whose lane is free first (ties: the earliest queued): a through movement
 *    on two lanes keeps serving its vehicles in the lane that is not blocked. Each
 *    lane discharges at most one vehicle per 1 / s (s: saturation flow per lane);
 *    the movement's own headway and the approach's still apply.
 *  - Junction storage (junction-storage.ts): during a permissive green, a
 *    left-turner heading its lane that finds no gap pulls into the junction, up to
 *    the movement's releases left this green (`sneakers`), and no longer holds its
 *    lane; it leaves from there, first among its movement's vehicles.
 *  - A movement none of whose queued vehicles heads a lane is lane-blocked: it is
 *    served again when a lane it waits in gets a new head of its own. Yielding foes
 *    do not wait for a lane-blocked queue (its vehicles cannot move).
 *
 * Per lane: a ring of the movements of its queued vehicles, in queue order (the
 * head's movement says who may go); per vehicle: its lane on its link, one byte.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { NONE } from './commands.js';

/** Lane of a vehicle that has pulled into the junction (no longer holds a lane). */
export const IN_JUNCTION = 255;

/** Shared-lane state of a run (struct of arrays). */
export class SharedLanes {
  /** Per movement: the lanes it uses on a tracked link (bit i = lane i), 0 when its link is not tracked. */
  readonly movementMask: Uint32Array;
  /** Per link: id of its lane 0 among the tracked lanes, or -1 when not tracked. */
  readonly laneOffset: Int32Array;
  /** Per vehicle: its lane on its link (index from 0), or `IN_JUNCTION`; empty when no link is tracked. */
  readonly lane: Uint8Array;
  /** Per tracked lane: earliest time it may discharge its next vehicle, s. */
  readonly laneNextFree: Float64Array;
  /** Per tracked lane: saturation headway of one lane, 1 / s, s. */
  readonly laneHeadway: Float64Array;
  /** Per movement: vehicles that have pulled into the junction. */
  readonly inJunction: Uint8Array;
  /** Per movement: 1 while none of its queued vehicles heads a lane (set by `pick`). */
  readonly laneBlocked: Uint8Array;
  /** Per movement: when the lane of the vehicle `pick` last chose is free, s (-Infinity in the junction; yielding foes read it). */
  readonly laneReady: Float64Array;
  /** Predecessor of the vehicle `pick` returned in its movement's queue, or -1 (it is the head). */
  pickedPrevious = NONE;

  private readonly sharers: Uint8Array;
  private readonly ring: Int32Array;
  private readonly ringOffsets: Int32Array;
  private readonly ringHead: Int32Array;
  private readonly ringCount: Int32Array;
  private readonly net: CompiledNetwork;
  private readonly next: Int32Array;

  /**
   * Shared lanes of `net` for the vehicles linked through `next`; `storage` is each
   * link's storage, vehicles. With `enabled` false no link is tracked (every
   * movement keeps its own stop-line queue, as before the option existed).
   */
  constructor(net: CompiledNetwork, storage: Int32Array, next: Int32Array, enabled: boolean) {
    this.net = net;
    this.next = next;
    const m = net.linkCount;
    this.movementMask = new Uint32Array(net.movementCount);
    this.laneOffset = new Int32Array(m).fill(-1);
    let lanes = 0;
    for (let l = 0; l < m && enabled; l++) {
      let seen = 0;
      let shared = 0;
      let masked = net.movementOffsets[l + 1] > net.movementOffsets[l];
      for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) {
        const mask = net.movementLaneMask[e] >>> 0;
        if (mask === 0) masked = false;
        shared = (shared | (seen & mask)) >>> 0;
        seen = (seen | mask) >>> 0;
      }
      if (!masked || shared === 0) continue;
      this.laneOffset[l] = lanes;
      lanes += net.linkLanes[l];
      for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) this.movementMask[e] = net.movementLaneMask[e];
    }
    this.lane = new Uint8Array(lanes > 0 ? next.length : 0);
    this.laneNextFree = new Float64Array(lanes).fill(-Infinity);
    this.laneHeadway = new Float64Array(lanes);
    this.sharers = new Uint8Array(lanes);
    this.ringOffsets = new Int32Array(lanes + 1);
    this.ringHead = new Int32Array(lanes);
    this.ringCount = new Int32Array(lanes);
    for (let l = 0; l < m; l++) {
      const first = this.laneOffset[l];
      if (first < 0) continue;
      for (let i = 0; i < net.linkLanes[l]; i++) {
        this.laneHeadway[first + i] = 1 / net.linkSaturationFlow[l];
        // A lane holds at most the link's storage (every vehicle on the link queued in it).
        this.ringOffsets[first + i + 1] = this.ringOffsets[first + i] + storage[l];
        for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) if ((this.movementMask[e] >>> i) & 1) this.sharers[first + i]++;
      }
    }
    this.ring = new Int32Array(this.ringOffsets[lanes]);
    this.inJunction = new Uint8Array(net.movementCount);
    this.laneBlocked = new Uint8Array(net.movementCount);
    this.laneReady = new Float64Array(net.movementCount).fill(-Infinity);
  }

  /** Vehicle `v`, queued for movement `e` on tracked link `l` at `now` (s), takes its lane (see the file header), among the lanes `within` of its lane group. */
  join(v: number, e: number, l: number, now: number, within = 0xffffffff): void {
    const mask = (this.movementMask[e] & within) >>> 0 || this.movementMask[e];
    const first = this.laneOffset[l];
    let best = -1;
    let bestAt = Infinity;
    for (let rest = mask; rest !== 0; rest = (rest & (rest - 1)) >>> 0) {
      const i = 31 - Math.clz32(rest & -rest); // lowest lane left
      const k = first + i;
      // When the lane would let it go if nobody ahead were held: its free time plus a headway per vehicle queued in it.
      const at = (this.laneNextFree[k] > now ? this.laneNextFree[k] : now) + this.ringCount[k] * this.laneHeadway[k];
      if (at < bestAt || (at === bestAt && this.sharers[k] < this.sharers[first + best])) {
        best = i;
        bestAt = at;
      }
    }
    const k = first + best;
    const base = this.ringOffsets[k];
    const size = this.ringOffsets[k + 1] - base;
    if (this.ringCount[k] === size) throw new Error(`internal: lane ${best} of link ${l} holds more than the link's storage`);
    let slot = this.ringHead[k] + this.ringCount[k];
    if (slot >= size) slot -= size;
    this.ring[base + slot] = e;
    this.ringCount[k]++;
    this.lane[v] = best;
  }

  /**
   * The vehicle movement `e` (on tracked link `l`, queue starting at `head`)
   * may discharge next: in the junction, else heading its lane, the lane free
   * first (ties: earliest queued); NONE when lane-blocked. Lanes in `skip` are
   * passed over (their heads wait for a full exit). Sets `pickedPrevious`,
   * `laneBlocked[e]` and `laneReady[e]`.
   */
  pick(e: number, l: number, head: number, skip = 0): number {
    const mask = this.movementMask[e];
    const first = this.laneOffset[l];
    const next = this.next;
    let resolved = (skip & mask) >>> 0;
    if (resolved === mask) {
      this.pickedPrevious = NONE;
      this.laneBlocked[e] = 1;
      this.laneReady[e] = Infinity;
      return NONE;
    }
    let previous = NONE;
    let best = NONE;
    let bestPrevious = NONE;
    let bestFree = Infinity;
    for (let v = head; v !== NONE; previous = v, v = next[v]) {
      const i = this.lane[v];
      if (i === IN_JUNCTION) { best = v; bestPrevious = previous; bestFree = -Infinity; break; }
      const bit = (1 << i) >>> 0;
      if ((resolved & bit) !== 0) continue;
      resolved = (resolved | bit) >>> 0;
      const k = first + i;
      if (this.ring[this.ringOffsets[k] + this.ringHead[k]] === e && this.laneNextFree[k] < bestFree) {
        best = v;
        bestPrevious = previous;
        bestFree = this.laneNextFree[k];
      }
      if (resolved === mask) break;
    }
    this.pickedPrevious = bestPrevious;
    this.laneBlocked[e] = best === NONE ? 1 : 0;
    this.laneReady[e] = bestFree;
    return best;
  }

  /** When vehicle `v` of tracked link `l` may leave by its lane, s (-Infinity in the junction). */
  freeAt(v: number, l: number): number {
    const i = this.lane[v];
    return i === IN_JUNCTION ? -Infinity : this.laneNextFree[this.laneOffset[l] + i];
  }

  /**
   * Vehicle `v` of movement `e` leaves tracked link `l` at `now` (s): its lane
   * (or the junction) lets go of it. Returns the movement of the new head of its
   * lane when it is another, lane-blocked movement (to be served), else -1.
   */
  leave(v: number, e: number, l: number, now: number): number {
    const i = this.lane[v];
    if (i === IN_JUNCTION) {
      this.inJunction[e]--;
      return NONE;
    }
    const k = this.laneOffset[l] + i;
    this.laneNextFree[k] = now + this.laneHeadway[k];
    return this.pop(k, e);
  }

  /**
   * Vehicle `v` of movement `e`, heading its lane on tracked link `l`, pulls into
   * the junction. Returns the movement of its lane's new head when another,
   * lane-blocked movement (to be served), else -1.
   */
  toJunction(v: number, e: number, l: number): number {
    const k = this.laneOffset[l] + this.lane[v];
    this.lane[v] = IN_JUNCTION;
    this.inJunction[e]++;
    return this.pop(k, e);
  }

  /** Whether vehicle `v` of movement `e` on tracked link `l` heads its lane. */
  heads(v: number, e: number, l: number): boolean {
    const i = this.lane[v];
    if (i === IN_JUNCTION) return false;
    const k = this.laneOffset[l] + i;
    return this.ring[this.ringOffsets[k] + this.ringHead[k]] === e;
  }

  private pop(k: number, e: number): number {
    const base = this.ringOffsets[k];
    const size = this.ringOffsets[k + 1] - base;
    const head = this.ringHead[k];
    if (this.ringCount[k] === 0 || this.ring[base + head] !== e) throw new Error(`internal: lane ${k} discharged movement ${e} out of its order`);
    this.ringHead[k] = head + 1 === size ? 0 : head + 1;
    this.ringCount[k]--;
    if (this.ringCount[k] === 0) return NONE;
    const after = this.ring[base + this.ringHead[k]];
    if (after === e || this.laneBlocked[after] === 0) return NONE; // not waiting for a lane: served by its own schedule
    this.laneBlocked[after] = 0;
    return after;
  }
}

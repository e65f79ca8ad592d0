/**
 * Arrivals at the stop line (simulation option `arriveAtStopLine`): a trip that
 * ends on a link drives up to the link's downstream end and waits there behind
 * the vehicles queued ahead of it in its lane, as SUMO's vehicles do with their
 * default arrival position ("max": the end of the last edge's lane).
 *
 * Model: a vehicle reaching the stop line of its last link (its free-flow time
 * after entering it, as every vehicle) picks the lane group of the link with the
 * shortest queue (the vehicles queued for the group's movements; ties: the
 * lowest group), as an entering vehicle chooses among lanes. With none queued
 * there it arrives at once. Otherwise it waits until as many vehicles as were
 * queued in that group when it reached the line have been discharged from the
 * group, and arrives one lane saturation headway 1 / s after the last of them
 * left (it moves up to the line behind it), never sooner than 1 / s after the
 * vehicle arriving ahead of it in the group. It does not cross the junction: it
 * needs no green and takes no junction capacity, and the vehicles queued behind
 * it are not held by it. It keeps its link storage until it arrives. Its wait is
 * a stop under the same rule as a queued vehicle's (a halt of its class: a wait
 * of at least v / (2b), losses.ts, with nothing to accelerate to).
 *
 * Counting discharges per group keeps it O(1) per vehicle: the vehicles queued
 * ahead of it are those the group held then, and each discharge from the group
 * removes one of them (in order within a movement; with lanes shared by several
 * movements kept apart, the group's movements may serve in another order, and
 * a later vehicle of a green movement can then count for an earlier one of a red
 * movement: the wait is then shorter than in a lane-by-lane model).
 *
 * Off (the default), a trip arrives when it reaches the stop line of its last
 * link, free of the queue there: CityFlow's vehicles leave at the end of their
 * last road (an exit road in its datasets).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { CMD_STOPLINE, NONE as NO_VEHICLE } from './commands.js';
import type { Links } from './links.js';
import { haltWait, type VehicleModel } from './losses.js';
import type { Scheduler } from './scheduler.js';
import { VEHICLE_AT_END, type Vehicles } from './vehicles.js';

const NONE: number = NO_VEHICLE;

/** Pending arrivals at the stop line, per lane group (struct of arrays). */
export class Arrivals {
  /** Vehicles discharged from each lane group so far. */
  readonly discharged: Int32Array;
  /** First vehicle waiting to arrive in each lane group (FIFO through `Vehicles.next`), or -1. */
  readonly head: Int32Array;
  /** Last vehicle waiting to arrive in each lane group, or -1. */
  readonly tail: Int32Array;
  /** Latest arrival time given in each lane group, s. */
  readonly lastArrival: Float64Array;
  /** Per vehicle: the group's discharge count at which the vehicles ahead of it have left. */
  readonly target: Int32Array;
  /** Per link: the shortest wait at the line that is a halt, v / (2b), s (losses.ts). */
  private readonly halt: Float64Array;
  /** Per link: lane saturation headway 1 / s, s. */
  private readonly laneHeadway: Float64Array;

  private readonly net: CompiledNetwork;
  private readonly links: Links;
  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;

  /** Arrival state for `net` (the queues per lane group are the links' `groupQueued`). */
  constructor(net: CompiledNetwork, links: Links, vehicles: Vehicles, scheduler: Scheduler, model: VehicleModel) {
    const groups = links.groupOffsets[net.linkCount];
    this.net = net;
    this.links = links;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.discharged = new Int32Array(groups);
    this.head = new Int32Array(groups).fill(NONE);
    this.tail = new Int32Array(groups).fill(NONE);
    this.lastArrival = new Float64Array(groups).fill(-Infinity);
    this.target = new Int32Array(vehicles.state.length);
    this.halt = new Float64Array(net.linkCount);
    this.laneHeadway = new Float64Array(net.linkCount);
    for (let l = 0; l < net.linkCount; l++) {
      this.halt[l] = haltWait(model, net.linkSpeed[l], 0);
      this.laneHeadway[l] = 1 / net.linkSaturationFlow[l];
    }
  }

  /**
   * Vehicle `v` reached the stop line of its last link `l` at `now` (s): true when
   * it arrives now (no queue in the lane group it picks), else false: it waits,
   * in state `VEHICLE_AT_END`, and its stop-line command comes again when it arrives.
   */
  reach(v: number, l: number, now: number): boolean {
    const groupQueued = this.links.groupQueued;
    let best = NONE;
    let bestQueued = 0;
    for (let g = this.links.groupOffsets[l], end = this.links.groupOffsets[l + 1] - 1; g < end; g++) {
      const queued = groupQueued[g];
      if (best === NONE || queued < bestQueued) {
        best = g;
        bestQueued = queued;
      }
      if (queued === 0) break;
    }
    if (best === NONE || bestQueued === 0) return true;
    const vehicles = this.vehicles;
    vehicles.state[v] = VEHICLE_AT_END;
    this.target[v] = this.discharged[best] + bestQueued;
    vehicles.next[v] = NONE;
    const tail = this.tail[best];
    if (tail === NONE) this.head[best] = v;
    else vehicles.next[tail] = v;
    this.tail[best] = v;
    return false;
  }

  /** A vehicle was discharged from lane group `g` of link `l` at `now` (s): schedule the arrivals whose queue ahead has now left. */
  discharge(g: number, l: number, now: number): void {
    const count = ++this.discharged[g];
    let v = this.head[g];
    if (v === NONE) return;
    const next = this.vehicles.next;
    const h = this.laneHeadway[l];
    while (v !== NONE && this.target[v] <= count) {
      let t = now + h;
      if (t < this.lastArrival[g] + h) t = this.lastArrival[g] + h;
      this.lastArrival[g] = t;
      this.scheduler.schedule(t, CMD_STOPLINE, v);
      const after = next[v];
      next[v] = NONE;
      v = after;
    }
    this.head[g] = v;
    if (v === NONE) this.tail[g] = NONE;
  }

  /** Whether the wait at the line of a vehicle that reached it at `reached` and arrives at `now` (s) on link `l` was a halt. */
  halted(l: number, reached: number, now: number): boolean {
    return now - reached >= this.halt[l];
  }

  /** Bytes of per-vehicle state. */
  get vehicleBytes(): number {
    return this.target.byteLength;
  }
}

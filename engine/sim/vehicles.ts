/**
 * Vehicle sub-state of the kernel: per-vehicle arrays indexed by vehicle id (=
 * trip index), the pool of route links, and the run's vehicle tallies.
 *
 * A vehicle is in at most one list at a time (its link's departure queue, its
 * link's transit list in stop-line order, or a movement's queue), so one `next` array links them
 * all; the lists' heads and tails belong to links.ts and movements.ts. A route
 * is a slice [routeStart, routeEnd) of `routePool`, `routePos` pointing at the
 * current link; a new route (departure or re-routing) is appended to the pool,
 * which grows by doubling (so read `routePool` afresh after `setRoute`).
 */
import { NONE } from './commands.js';

/** Vehicle state: its trip has not departed yet. */
export const VEHICLE_PENDING = 0;
/** Vehicle state: departed, waiting in the departure queue of its first link. */
export const VEHICLE_WAITING = 1;
/** Vehicle state: driving on a link towards its stop line. */
export const VEHICLE_MOVING = 2;
/** Vehicle state: queued at a stop line for a movement. */
export const VEHICLE_QUEUED = 3;
/** Vehicle state: reached the end of its last link. */
export const VEHICLE_ARRIVED = 4;
/** Vehicle state: no route exists for its trip; it never entered the network. */
export const VEHICLE_UNROUTABLE = 5;
/** Vehicle state: at the end of its last link, waiting for the vehicles queued ahead of it to leave (option `arriveAtStopLine`, arrivals.ts). */
export const VEHICLE_AT_END = 6;

/** Per-vehicle state of a run (struct of arrays) and its tallies. */
export class Vehicles {
  /** State of each vehicle (`VEHICLE_*`). */
  readonly state: Uint8Array;
  /** Current link of each vehicle (its first link while waiting), or -1. */
  readonly link: Int32Array;
  /** Time each vehicle entered its current link, s. */
  readonly enterTime: Float64Array;
  /** Time each vehicle reaches (or reached) the stop line of its current link, s: losses included (losses.ts). */
  readonly stopLineTime: Float64Array;
  /** Next vehicle in the FIFO the vehicle is in, or -1. */
  readonly next: Int32Array;
  /** Desired-speed factor of each vehicle (its free speed is the link speed times it; losses.ts), 1 by default. */
  readonly speedFactor: Float32Array;
  /**
   * Metres each vehicle has covered since it last started from standstill, while
   * it is still accelerating (losses.ts: the start's loss is charged on the link
   * where it reaches speed); Infinity once at speed.
   */
  readonly accelFrom: Float32Array;
  /** Lane group of each vehicle on its current link (or in its departure queue), as an index among the link's groups (lane-groups.ts). */
  readonly group: Uint8Array;
  /** Start of each vehicle's route in `routePool`. */
  readonly routeStart: Int32Array;
  /** End (exclusive) of each vehicle's route in `routePool`. */
  readonly routeEnd: Int32Array;
  /** Position of each vehicle's current link in `routePool`. */
  readonly routePos: Int32Array;
  /** Link indices of every route given so far (grows; reassigned when it does). */
  routePool: Int32Array;
  /** Entries of `routePool` in use. */
  routePoolLength = 0;

  /** Vehicles on links (moving or queued). */
  inNetwork = 0;
  /** Vehicles waiting to enter their first link. */
  waiting = 0;
  /** Vehicles that reached their destination. */
  finished = 0;
  /** Trips found unroutable at departure. */
  unroutable = 0;
  /** Trips departing inside the horizon; the run ends early once all of them are done. */
  scheduled = 0;
  /** Last time a vehicle entered a link or arrived, s (for gridlock detection). */
  lastMove: number;

  /** State for `count` vehicles at time `start` (s); the route pool starts at twice `routeLinks` entries (at least 1,024). */
  constructor(count: number, routeLinks: number, start: number) {
    this.state = new Uint8Array(count);
    this.link = new Int32Array(count).fill(NONE);
    this.enterTime = new Float64Array(count);
    this.stopLineTime = new Float64Array(count);
    this.next = new Int32Array(count).fill(NONE);
    this.speedFactor = new Float32Array(count).fill(1);
    this.accelFrom = new Float32Array(count).fill(Infinity);
    this.group = new Uint8Array(count);
    this.routeStart = new Int32Array(count);
    this.routeEnd = new Int32Array(count);
    this.routePos = new Int32Array(count);
    this.routePool = new Int32Array(Math.max(1024, routeLinks * 2));
    this.lastMove = start;
  }

  /** Give vehicle `v` the route `links[start .. end)` (copied into the pool), positioned at its first link. */
  setRoute(v: number, links: Int32Array, start: number, end: number): void {
    const length = end - start;
    if (this.routePoolLength + length > this.routePool.length) {
      const grown = new Int32Array(Math.max(this.routePool.length * 2, this.routePoolLength + length));
      grown.set(this.routePool.subarray(0, this.routePoolLength));
      this.routePool = grown;
    }
    // A plain copy: a subarray view per departure was an allocation per vehicle (2.4% of a 10x10 benchmark run).
    const pool = this.routePool;
    for (let i = start, at = this.routePoolLength; i < end; i++, at++) pool[at] = links[i];
    this.routeStart[v] = this.routePoolLength;
    this.routeEnd[v] = this.routePoolLength + length;
    this.routePos[v] = this.routePoolLength;
    this.routePoolLength += length;
  }

  /** A copy of vehicle `v`'s route as link indices (empty until it departs). */
  route(v: number): Int32Array {
    return this.routePool.slice(this.routeStart[v], this.routeEnd[v]);
  }

  /** Bytes of per-vehicle state: the arrays above plus the route links in use. */
  get byteLength(): number {
    return this.state.byteLength + this.group.byteLength + this.speedFactor.byteLength + this.accelFrom.byteLength + this.link.byteLength + this.enterTime.byteLength + this.stopLineTime.byteLength + this.next.byteLength
      + this.routeStart.byteLength + this.routeEnd.byteLength + this.routePos.byteLength
      + this.routePoolLength * 4;
  }
}

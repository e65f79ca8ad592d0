/**
 * Link sub-state of the kernel: per-link arrays indexed by link id — storage and
 * occupancy, the transit list of vehicles driving to the stop line, the
 * departure queue of trips waiting to enter, the approach's discharge limit, and
 * the experienced travel times routing reads.
 *
 * Model (see ARCHITECTURE.md, "The traffic model"):
 *  - Storage of a link: floor(lanes x length / jam spacing) vehicles, at least 1.
 *    A vehicle occupies it from entering until the space it freed at the
 *    downstream end has travelled back to the upstream end.
 *  - Space freed at the downstream end reaches the upstream end after length / w,
 *    with w the backward wave speed of the triangular fundamental diagram,
 *    w = s / (1/jamSpacing - s/speed) (per lane: capacity s, jam density
 *    1/jamSpacing); a `CMD_RELEASE` then returns it (`free`).
 *  - A vehicle entering link l reaches its stop line after the free-flow time
 *    length / speed, lengthened by dawdling and plus any start-up loss it carries
 *    (losses.ts); never before the vehicle ahead, so the transit list stays FIFO.
 *  - The approach as a whole discharges at most one vehicle per 1 / (s x lanes)
 *    (`exitHeadway`, `exitNextFree`); trips enter their first link at the same
 *    rate (`insert`), while storage lasts.
 *
 * Room for lane groups (not modelled yet): a link keeps its shared section here
 * (storage, transit list); each lane group would get its own storage, occupancy
 * and FIFO queue in a sub-state between this one and movements.ts, and `enter`
 * would pick the group (the one the next movement needs, the shorter queue) and
 * refuse entry while that group is full.
 */
import { InputError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { CMD_INSERT, CMD_RELEASE, CMD_STOPLINE, NONE as NO_VEHICLE } from './commands.js';
import type { SimObserver } from './observer.js';
import { dawdleFactor, departureLoss, type VehicleModel } from './losses.js';
import type { Scheduler } from './scheduler.js';
import { VEHICLE_MOVING, type Vehicles } from './vehicles.js';

// Local copies: imported bindings are read through getters by some loaders, and these sit in hot paths.
const NONE: number = NO_VEHICLE;
const MOVING: number = VEHICLE_MOVING;
const STOPLINE: number = CMD_STOPLINE;
const RELEASE: number = CMD_RELEASE;
const INSERT: number = CMD_INSERT;

/** Per-link state of a run (struct of arrays). */
export class Links {
  /** Storage, vehicles: floor(lanes x length / jam spacing), at least 1. */
  readonly storage: Int32Array;
  /** Vehicles on the link plus space not yet freed at its upstream end. */
  readonly occupancy: Int32Array;
  /** Vehicles on the link now (moving or queued). */
  readonly present: Int32Array;
  /** Time freed space takes to travel back to the upstream end, length / w, s. */
  readonly releaseDelay: Float64Array;
  /** Shortest time between two vehicles leaving (or entering from the departure queue), 1 / (s x lanes), s. */
  readonly exitHeadway: Float64Array;
  /** Earliest time the next vehicle may leave the link, s. */
  readonly exitNextFree: Float64Array;
  /** First vehicle driving to the stop line (FIFO in entry order through `Vehicles.next`), or -1. */
  readonly transitHead: Int32Array;
  /** Last vehicle driving to the stop line, or -1. */
  readonly transitTail: Int32Array;
  /** First trip waiting to enter the link as its first (FIFO in departure order), or -1. */
  readonly departHead: Int32Array;
  /** Last trip waiting to enter the link, or -1. */
  readonly departTail: Int32Array;
  /** Pending insertion retry time, s (-Infinity: none). */
  readonly insertAt: Float64Array;
  /** Last time a waiting trip entered the link, s. */
  readonly lastInsert: Float64Array;
  /** Sum of travel times of vehicles that left the link since the last routing refresh, s. */
  readonly ttSum: Float64Array;
  /** Vehicles counted in `ttSum`. */
  readonly ttCount: Int32Array;
  /** Time to the stop line of a vehicle entering without loss: free-flow time x (1 + dawdling factor), s. */
  readonly driveTime: Float64Array;
  /** Start-up loss of a trip entering the link as its first, from standstill, s. */
  readonly departureLoss: Float64Array;
  /** Latest stop-line time given to a vehicle on the link, s (keeps the transit list FIFO). */
  readonly lastStopLine: Float64Array;

  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[];

  /**
   * Link state of `net`. Throws `InputError` at `links.<id>` when a link's
   * saturation flow cannot be reached at its speed and jam spacing
   * (s >= speed / jamSpacing leaves no backward wave). `observers` is the run's
   * list, shared by reference.
   */
  constructor(net: CompiledNetwork, vehicles: Vehicles, scheduler: Scheduler, observers: SimObserver[], model: VehicleModel) {
    const m = net.linkCount;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.observers = observers;
    this.storage = new Int32Array(m);
    this.occupancy = new Int32Array(m);
    this.present = new Int32Array(m);
    this.releaseDelay = new Float64Array(m);
    this.exitHeadway = new Float64Array(m);
    this.exitNextFree = new Float64Array(m).fill(-Infinity);
    this.transitHead = new Int32Array(m).fill(NONE);
    this.transitTail = new Int32Array(m).fill(NONE);
    this.departHead = new Int32Array(m).fill(NONE);
    this.departTail = new Int32Array(m).fill(NONE);
    this.insertAt = new Float64Array(m).fill(-Infinity);
    this.lastInsert = new Float64Array(m).fill(-Infinity);
    this.ttSum = new Float64Array(m);
    this.ttCount = new Int32Array(m);
    this.driveTime = new Float64Array(m);
    this.departureLoss = new Float64Array(m);
    this.lastStopLine = new Float64Array(m).fill(-Infinity);
    for (let l = 0; l < m; l++) {
      this.driveTime[l] = net.linkFreeFlowTime[l] * (1 + dawdleFactor(model, net.linkSpeed[l]));
      this.departureLoss[l] = departureLoss(model, net.linkSpeed[l]);
      const s = net.linkSaturationFlow[l];
      const jam = net.linkJamSpacing[l];
      const v = net.linkSpeed[l];
      const denominator = 1 / jam - s / v;
      if (!(denominator > 0)) {
        throw new InputError(`links.${net.linkKey(l)}`, `saturation flow ${s} veh/s per lane cannot be reached at speed ${v} m/s with jam spacing ${jam} m (needs s < speed / jamSpacing)`);
      }
      const w = s / denominator;
      this.releaseDelay[l] = net.linkLength[l] / w;
      this.storage[l] = Math.max(1, Math.floor(net.storage(l)));
      this.exitHeadway[l] = 1 / (s * net.linkLanes[l]);
    }
  }

  /**
   * Vehicle `v` enters link `l` at `now` (s): it takes storage and reaches the stop
   * line after the drive time plus `loss` (s), not before the vehicle ahead.
   */
  enter(v: number, l: number, now: number, loss: number): void {
    const vehicles = this.vehicles;
    const next = vehicles.next;
    this.occupancy[l]++;
    this.present[l]++;
    vehicles.state[v] = MOVING;
    vehicles.link[v] = l;
    vehicles.enterTime[v] = now;
    next[v] = NONE;
    const tail = this.transitTail[l];
    if (tail === NONE) this.transitHead[l] = v;
    else next[tail] = v;
    this.transitTail[l] = v;
    vehicles.lastMove = now;
    for (const o of this.observers) o.enter?.(v, l, now);
    let reach = now + this.driveTime[l] + loss;
    if (reach < this.lastStopLine[l]) reach = this.lastStopLine[l];
    this.lastStopLine[l] = reach;
    vehicles.stopLineTime[v] = reach;
    this.scheduler.schedule(reach, STOPLINE, v);
  }

  /** Vehicle `v` reached the stop line of its link: take it off the transit list; returns the link. */
  reachStopLine(v: number): number {
    const next = this.vehicles.next;
    const l = this.vehicles.link[v];
    // Same free-flow time for everyone on a link: arrivals at the stop line are FIFO.
    if (this.transitHead[l] !== v) throw new Error(`internal: vehicle ${v} reached the stop line of link ${l} out of order`);
    const head = next[v];
    this.transitHead[l] = head;
    if (head === NONE) this.transitTail[l] = NONE;
    next[v] = NONE;
    return l;
  }

  /** Vehicle `v` leaves link `l` at its downstream end at `now` (s): its space is freed upstream after `releaseDelay`; its travel time is counted. */
  leave(v: number, l: number, now: number): void {
    this.present[l]--;
    this.scheduler.schedule(now + this.releaseDelay[l], RELEASE, l);
    this.ttSum[l] += now - this.vehicles.enterTime[v];
    this.ttCount[l]++;
  }

  /** Space freed by a vehicle that left link `l` has reached its upstream end (`CMD_RELEASE`). */
  free(l: number): void {
    this.occupancy[l]--;
  }

  /** Trip `v` joins the departure queue of link `l`, its first. */
  queueDeparture(v: number, l: number): void {
    const next = this.vehicles.next;
    const tail = this.departTail[l];
    if (tail === NONE) this.departHead[l] = v;
    else next[tail] = v;
    this.departTail[l] = v;
    next[v] = NONE;
  }

  /** Move trips from the departure queue of link `l` onto it at `now` (s): at most one per headway 1 / (s x lanes), while storage lasts. */
  insert(l: number, now: number): void {
    const vehicles = this.vehicles;
    while (this.departHead[l] !== NONE) {
      if (this.occupancy[l] >= this.storage[l]) return; // woken by the next release
      if (this.insertAt[l] > now) return; // a retry is already scheduled
      const readyAt = this.lastInsert[l] + this.exitHeadway[l];
      if (readyAt > now) {
        this.insertAt[l] = readyAt;
        this.scheduler.schedule(readyAt, INSERT, l);
        return;
      }
      const v = this.departHead[l];
      const head = vehicles.next[v];
      this.departHead[l] = head;
      if (head === NONE) this.departTail[l] = NONE;
      vehicles.waiting--;
      vehicles.inNetwork++;
      this.lastInsert[l] = now;
      for (const o of this.observers) o.depart?.(v, l, now);
      this.enter(v, l, now, this.departureLoss[l]);
    }
  }

  /** `CMD_INSERT` for link `l` at `now` (s): retry the insertion unless a later retry superseded it. */
  retryInsert(l: number, now: number): void {
    if (this.insertAt[l] === now) {
      this.insertAt[l] = -Infinity;
      this.insert(l, now);
    }
  }
}

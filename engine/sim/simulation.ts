/**
 * The simulation kernel: event-driven mesoscopic traffic on a `CompiledNetwork`.
 *
 * Model (see ARCHITECTURE.md, "The traffic model"; each part is documented in
 * the sub-state that implements it):
 *  - A vehicle entering link l reaches its stop line after the free-flow time
 *    length/speed (plus its class's start-up and stop losses, losses.ts), then
 *    joins the FIFO queue of its movement (turn) (links.ts).
 *  - Movements discharge at saturation flow while their signal is green (or in
 *    gaps of opposing traffic), into exit links with storage left (movements.ts).
 *  - Space freed at a link's downstream end reaches its upstream end after
 *    length / backward wave speed (links.ts); each link's lanes are split into
 *    the lane groups its movements use, each with its own storage (lane-groups.ts).
 *  - Trips that cannot enter their first link wait in a departure queue; a vehicle
 *    arrives when it reaches the end of its last link.
 *  - Unsignalised junctions: priority rules with gap acceptance (conflicts.ts).
 *  - Gridlock: when vehicles remain but none has moved for `gridlockTimeout`
 *    seconds, the run stops cleanly and reports the junctions involved; remaining
 *    vehicles are counted as unfinished. Nothing is ever teleported (gridlock.ts).
 *  - The run ends at `end`, or earlier once every trip departing before `end` has
 *    arrived (or proved unroutable).
 *
 * Layout, after A/B Street's `sim` crate: the simulation is a struct of
 * sub-states, each owning its state as struct-of-arrays typed arrays indexed by
 * id — vehicles (vehicles.ts), links (links.ts), movements (movements.ts), the
 * signal controllers (controllers.ts), route choice (rerouting.ts), gridlock
 * (gridlock.ts) — plus the scheduler (scheduler.ts). This file keeps the clock,
 * the dispatch of scheduled commands to the sub-state that owns them, the
 * mechanics that span sub-states (departure, arrival, release of space) and the
 * public queries. State lives in this instance only; many simulations can share
 * a process. Mechanics report to observers (`SimObserver`); metrics are one.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { createRandom } from '../demand/random.js';
import type { SignalSetup } from '../signals/control.js';
import {
  CMD_CHECK, CMD_DEPART, CMD_INSERT, CMD_RELEASE, CMD_ROUTING, CMD_SERVICE, CMD_SIGNAL, CMD_STOPLINE, NONE as NO_VEHICLE,
} from './commands.js';
import { Arrivals } from './arrivals.js';
import { Controllers } from './controllers.js';
import { GridlockWatch, type GridlockReport } from './gridlock.js';
import { Links } from './links.js';
import { drawSpeedFactors } from './losses.js';
import { Movements } from './movements.js';
import type { SimObserver } from './observer.js';
import { resolveSimOptions, type SimOptions } from './options.js';
import { Rerouting } from './rerouting.js';
import { MAX_COMMAND_ID, Scheduler } from './scheduler.js';
import { VEHICLE_ARRIVED, VEHICLE_AT_END, VEHICLE_UNROUTABLE, VEHICLE_WAITING, Vehicles } from './vehicles.js';

// Local copies: imported bindings are read through getters by some loaders, and these sit in hot paths.
const DEPART: number = CMD_DEPART;
const STOPLINE: number = CMD_STOPLINE;
const SERVICE: number = CMD_SERVICE;
const SIGNAL: number = CMD_SIGNAL;
const RELEASE: number = CMD_RELEASE;
const INSERT: number = CMD_INSERT;
const ROUTING: number = CMD_ROUTING;
const CHECK: number = CMD_CHECK;
const NONE: number = NO_VEHICLE;

/** An event-driven mesoscopic simulation of one scenario run. */
export class Simulation {
  /** The network simulated. */
  readonly network: CompiledNetwork;
  /** The trips simulated; vehicle ids are their indices. */
  readonly trips: TripTable;
  /** The checked options of the run. */
  readonly options: Readonly<SimOptions>;
  /** Movement signal states (see SIGNAL_* in signals/controller.ts); 0 (red) at unsignalised junctions, where it is not read. */
  readonly signal: Uint8Array;
  /** Gridlock report, if the run ended in one. */
  gridlock: GridlockReport | undefined;

  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[] = [];
  private readonly vehicles: Vehicles;
  private readonly links: Links;
  private readonly movements: Movements;
  private readonly controllers: Controllers;
  private readonly rerouting: Rerouting;
  private readonly gridlockWatch: GridlockWatch;
  private ended = false;
  /** Trips departing in [start, end), in departure order (time, then trip index). */
  private readonly departures: Int32Array;

  /**
   * A simulation of `trips` on `net` under `signals` (see `SignalSetup`).
   * Throws `UsageError` for bad options (named: `options.end ...`) or signal
   * setup, `InputError` for a link whose saturation flow its speed and jam
   * spacing cannot carry or a program spec that does not fit the network.
   */
  constructor(net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, options: Partial<SimOptions> = {}) {
    this.options = resolveSimOptions(options);
    this.network = net;
    this.trips = trips;
    const { start, end } = this.options;
    const n = trips.count;
    if (n > MAX_COMMAND_ID + 1) throw new UsageError(`trips.count must be at most ${MAX_COMMAND_ID + 1} (vehicle ids of the event queue), got ${n}`);
    // The heap holds commands in flight only (departures are a presorted stream): a few per link and movement.
    const scheduler = new Scheduler(start, 1024 + 2 * (net.linkCount + net.movementCount));
    this.scheduler = scheduler;
    this.vehicles = new Vehicles(n, trips.routeLinks.length, start);
    const speedRandom = createRandom(this.options.seed).fork('speed');
    drawSpeedFactors(this.options.vehicle, this.vehicles.speedFactor, () => speedRandom.next());
    this.links = new Links(net, this.vehicles, scheduler, this.observers, this.options.vehicle, trips.departSpeed);
    this.movements = new Movements(net, this.links, this.vehicles, scheduler, this.observers, this.options.vehicle, this.options.sharedLanes);
    this.signal = this.movements.signal;
    if (this.options.arriveAtStopLine) this.movements.arrivals = new Arrivals(net, this.links, this.vehicles, scheduler, this.options.vehicle);
    this.rerouting = new Rerouting(net, trips, this.options, this.links, this.vehicles, scheduler, this.movements.conflicts.alwaysYields);
    this.controllers = new Controllers(net, trips, signals, this.links, this.movements, this.vehicles, scheduler, this.observers);
    this.gridlockWatch = new GridlockWatch(net, this.movements, this.vehicles, scheduler, this.options.gridlockTimeout);

    // Commands at the start, in this order (same-time commands run in scheduling order).
    this.controllers.start(start);
    this.departures = departureOrder(trips.depart, start, end);
    scheduler.scheduleStream(DEPART, this.departures, trips.depart);
    this.vehicles.scheduled = this.departures.length;
    this.rerouting.start(start);
    this.gridlockWatch.start(start);
  }

  /** Register an observer of mechanics events (metrics are one). Register before advancing. */
  observe(observer: SimObserver): void {
    this.observers.push(observer);
  }

  /** Simulation clock, s. */
  get time(): number {
    return this.scheduler.now;
  }

  /** True once the end time, a gridlock, or the completion of every trip has been reached. */
  get done(): boolean {
    return this.ended;
  }

  /** Vehicles on links (moving or queued). */
  get vehiclesInNetwork(): number {
    return this.vehicles.inNetwork;
  }

  /** Vehicles waiting to enter their first link. */
  get vehiclesWaiting(): number {
    return this.vehicles.waiting;
  }

  /** Vehicles that reached their destination. */
  get vehiclesArrived(): number {
    return this.vehicles.finished;
  }

  /** Vehicles on link `l` plus space not yet freed at its upstream end. */
  linkOccupancy(l: number): number {
    this.links.settle(l);
    return this.links.occupancy[l];
  }

  /** Storage capacity of link `l`, vehicles. */
  linkStorage(l: number): number {
    return this.links.storage[l];
  }

  /** Vehicles queued at the stop line for movement `e`. */
  movementQueue(e: number): number {
    return this.movements.queueLength[e];
  }

  /** State of vehicle (trip) `v`, see VEHICLE_* in vehicles.ts. */
  vehicleState(v: number): number {
    return this.vehicles.state[v];
  }

  /** Current link of vehicle `v`, or -1. */
  vehicleLink(v: number): number {
    return this.vehicles.link[v];
  }

  /** Route of vehicle `v` as link indices (empty until it departs). */
  vehicleRoute(v: number): Int32Array {
    return this.vehicles.route(v);
  }

  /** Desired-speed factor of each vehicle (losses.ts), read by the metrics for free-flow times. */
  get speedFactors(): Float32Array {
    return this.vehicles.speedFactor;
  }

  /** Bytes of per-vehicle state held by the kernel (route storage included). */
  get vehicleStateBytes(): number {
    return this.vehicles.byteLength + this.links.vehicleBytes + this.rerouting.chosen.byteLength + this.departures.byteLength + this.movements.lanes.lane.byteLength + this.movements.moves.vehicleBytes + (this.movements.arrivals?.vehicleBytes ?? 0);
  }

  /** Run every command up to and including time `t` (s; clamped to the end time). Throws `UsageError` for a time before the clock. */
  advanceTo(t: number): void {
    if (!(t >= this.scheduler.now)) throw new UsageError(`advanceTo(${t}) is before the clock (${this.scheduler.now})`);
    const limit = Math.min(t, this.options.end);
    const s = this.scheduler;
    const { links, movements } = this;
    for (;;) {
    while (!this.ended && s.popUntil(limit)) {
      const now = s.now;
      const id = s.id;
      switch (s.kind) {
        case DEPART: this.depart(id, now); break;
        case STOPLINE: this.reachStopLine(id, now); break;
        case SERVICE: movements.service(id, now); break;
        case SIGNAL: this.controllers.change(id, now); break;
        case RELEASE:
          // Space freed downstream reached the upstream end: wake blocked movements, then waiting trips.
          links.free(id);
          movements.wake(id, now);
          if (links.waitingAt[id] > 0) links.insert(id, now);
          links.rearm(id);
          break;
        case INSERT: links.retryInsert(id, now); break;
        case ROUTING: this.rerouting.refresh(now); break;
        case CHECK: if (this.gridlockWatch.check(now)) this.declareGridlock(now); break;
      }
    }
    // Queue dry with lazy releases pending: arm them all and let the clock pass them as their commands did.
    if (this.ended || s.size > 0 || !links.armAll()) break;
    }
    if (!this.ended) {
      s.settle(s.now); // every command up to the limit has run
      if (limit >= this.options.end) {
        this.finish(this.options.end);
      } else if (s.size === 0 && this.vehicles.inNetwork + this.vehicles.waiting > 0) {
        // Nothing can ever happen again yet vehicles remain: a gridlock without signals.
        this.declareGridlock(Math.max(s.now, this.vehicles.lastMove));
      } else if (s.size === 0) {
        this.finish(Math.max(s.now, limit));
      } else if (limit > s.now) {
        s.settle(limit);
      }
    }
  }

  /** Run to the end and close the books. */
  run(): void {
    this.advanceTo(this.options.end);
  }

  // ------------------------------------------------------------------ mechanics spanning sub-states

  /** Trip `v` departs at `now` (s): routed, it waits in the departure queue of its first link, or is unroutable. */
  private depart(v: number, now: number): void {
    const vehicles = this.vehicles;
    if (!this.rerouting.routeAtDeparture(v)) {
      vehicles.state[v] = VEHICLE_UNROUTABLE;
      vehicles.unroutable++;
      for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].unroutable?.(v, now);
      if (vehicles.finished + vehicles.unroutable === vehicles.scheduled) this.finish(now);
      return;
    }
    const first = vehicles.routePool[vehicles.routeStart[v]];
    vehicles.state[v] = VEHICLE_WAITING;
    vehicles.link[v] = first;
    vehicles.waiting++;
    this.links.queueDeparture(v, first, now);
    this.links.insert(first, now);
  }

  /** Vehicle `v` reaches the stop line of its link at `now` (s): it arrives at the end of its route, or queues for its next turn. */
  private reachStopLine(v: number, now: number): void {
    const vehicles = this.vehicles;
    const arrivals = this.movements.arrivals;
    let wait = 0;
    let halted = false;
    let l: number;
    if (arrivals !== null && vehicles.state[v] === VEHICLE_AT_END) {
      // Waited at the end of its last link for the queue ahead (arrivals.ts): it arrives now.
      l = vehicles.link[v];
      wait = now - vehicles.stopLineTime[v];
      halted = arrivals.halted(l, vehicles.stopLineTime[v], now);
    } else {
      l = this.links.reachStopLine(v);
      if (vehicles.routePos[v] + 1 < vehicles.routeEnd[v]) {
        this.movements.join(v, l, now);
        return;
      }
      if (arrivals !== null && !arrivals.reach(v, l, now)) return; // waits behind the queue at the line
    }
    // End of the last link: the trip is complete.
    vehicles.state[v] = VEHICLE_ARRIVED;
    vehicles.inNetwork--;
    vehicles.finished++;
    vehicles.lastMove = now;
    this.links.leave(v, l, now, this.links.groupOffsets[l + 1] - 1); // from the exit group
    for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].arrive?.(v, l, now, wait, halted);
    if (vehicles.finished + vehicles.unroutable === vehicles.scheduled) this.finish(now);
  }

  private declareGridlock(now: number): void {
    this.gridlock = this.gridlockWatch.report(now);
    this.finish(now);
  }

  private finish(now: number): void {
    this.ended = true;
    if (this.scheduler.now < now) this.scheduler.settle(now);
    for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].end?.(now);
  }
}

/**
 * Indices of the trips departing in [start, end) (s), by departure time, equal
 * times by trip index: the order in which scheduling each at its time, trip by
 * trip, would run them. No sort when the table is already in that order.
 */
function departureOrder(depart: ArrayLike<number>, start: number, end: number): Int32Array {
  let count = 0;
  let sorted = true;
  let previous = -Infinity;
  for (let v = 0; v < depart.length; v++) {
    const t = depart[v];
    if (!(t >= start && t < end)) continue;
    if (t < previous) sorted = false;
    previous = t;
    count++;
  }
  const order = new Int32Array(count);
  let at = 0;
  for (let v = 0; v < depart.length; v++) {
    const t = depart[v];
    if (t >= start && t < end) order[at++] = v;
  }
  if (!sorted) order.sort((a, b) => depart[a] - depart[b] || a - b);
  return order;
}

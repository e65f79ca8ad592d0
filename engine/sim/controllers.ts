/**
 * The signal controllers of a run as the kernel drives them: built from the
 * run's `SignalSetup` (signals/control.ts), started at the start time, advanced
 * exactly at the change times they announce (`CMD_SIGNAL`, one command per
 * interval, no polling; the changes due at one instant share one command,
 * signal-batches.ts), and the `ControllerView` adaptive controllers read:
 * queue lengths, detector passages, link occupancy and storage, all computed
 * when asked from the other sub-states.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';
import type { TripTable } from '../demand/demand.js';
import { createControllers, type SignalSetup } from '../signals/control.js';
import type { ControllerCounts, ControllerQueueSums, ControllerView, SignalController } from '../signals/controller.js';
import { NONE } from './commands.js';
import type { Links } from './links.js';
import type { Movements } from './movements.js';
import type { SimObserver } from './observer.js';
import type { Scheduler } from './scheduler.js';
import { SignalBatches } from './signal-batches.js';
import type { Vehicles } from './vehicles.js';

/** The controllers of a run and the view they read. */
export class Controllers {
  /** One controller per signalised junction with approaches, in the order their changes are scheduled at the start. */
  readonly list: SignalController[];
  /** What the controllers may read from the simulation. */
  readonly view: ControllerView;

  private readonly net: CompiledNetwork;
  private readonly links: Links;
  private readonly movements: Movements;
  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[];
  /** Per controller (CSR): the distinct links its junction's movements exit to, brought up to date before each decision. */
  private readonly exitOffsets: Int32Array;
  private readonly exitLinks: Int32Array;
  /** The pending changes, one `CMD_SIGNAL` command per instant. */
  private readonly batches: SignalBatches;

  /** Controllers of `setup` on `net` (see `createControllers` for the rules and errors); `observers` is the run's list, shared by reference. */
  constructor(net: CompiledNetwork, trips: TripTable, setup: SignalSetup, links: Links, movements: Movements, vehicles: Vehicles, scheduler: Scheduler, observers: SimObserver[]) {
    this.net = net;
    this.links = links;
    this.movements = movements;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.observers = observers;
    this.view = new KernelView(this, scheduler, links, movements);
    this.list = createControllers(net, trips, setup);
    this.exitOffsets = new Int32Array(this.list.length + 1);
    const exits: number[] = [];
    this.list.forEach((c, i) => {
      const seen = new Set<number>();
      for (let p = movements.junctionMovementOffsets[c.junction]; p < movements.junctionMovementOffsets[c.junction + 1]; p++) {
        seen.add(net.movementTo[movements.junctionMovements[p]]);
      }
      exits.push(...seen);
      this.exitOffsets[i + 1] = exits.length;
    });
    this.exitLinks = Int32Array.from(exits);
    this.batches = new SignalBatches(this.list.length, scheduler);
  }

  /** Start every controller at `now` (s) on the movements' signal array and schedule its first change. */
  start(now: number): void {
    const signal = this.movements.signal;
    this.list.forEach((c, i) => {
      const nextChange = c.start(now, signal, this.view);
      if (nextChange < Infinity) this.batches.schedule(i, nextChange);
    });
    this.movements.showAll();
  }

  /** `CMD_SIGNAL` for batch `b` at `now` (s): each controller of the batch changes, in the order their changes were scheduled. */
  change(b: number, now: number): void {
    const batches = this.batches;
    for (let i = batches.begin(b); i !== NONE; i = batches.next(b, now)) this.changeOne(i, now);
  }

  /** Controller `i` changes at `now` (s): advance it, schedule its next change, let the movements react. */
  private changeOne(i: number, now: number): void {
    const c = this.list[i];
    // Releases are applied when read (links.ts): bring the junction's exits up to date for `counts.linkVehicles`.
    for (let p = this.exitOffsets[i], end = this.exitOffsets[i + 1]; p < end; p++) this.links.settle(this.exitLinks[p]);
    const nextChange = c.advance(now, this.movements.signal, this.view);
    if (nextChange < Infinity) {
      if (!(nextChange > now)) throw new Error(`internal: controller of junction ${c.junction} returned next change ${nextChange} at ${now}`);
      this.batches.schedule(i, nextChange);
    }
    if (c.changed === false) return; // a kept green: no state to react to
    for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].signal?.(c.junction, now);
    this.movements.show(c.junction, now);
  }

  /** See `ControllerView.movementVehicles`: its queue plus the vehicles driving on its approach whose next link is its exit (a scan of the transit list). */
  movementVehicles(e: number): number {
    const net = this.net;
    const { next, routePos, routeEnd } = this.vehicles;
    const routePool = this.vehicles.routePool;
    const exit = net.movementTo[e];
    let n = this.movements.queueLength[e];
    for (let v = this.links.transitHead[net.movementFrom[e]]; v !== NONE; v = next[v]) {
      const pos = routePos[v];
      if (pos + 1 < routeEnd[v] && routePool[pos + 1] === exit) n++;
    }
    return n;
  }

  /** See `ControllerView.lastArrival`: computed on demand from the transit list of the approach. */
  lastArrival(e: number, distance: number): number {
    const net = this.net;
    const { queueLength, lastStopLine } = this.movements;
    const { stopLineTime, next, routePos, routeEnd } = this.vehicles;
    const now = this.scheduler.now;
    const a = net.movementFrom[e];
    const length = net.linkLength[a];
    const d = distance < length ? (distance > 0 ? distance : 0) : length;
    const lanes = laneCount(net.movementLaneMask[e]) || 1;
    if (queueLength[e] > 0 && (queueLength[e] * net.linkJamSpacing[a]) / lanes >= d) return now;
    const speed = net.linkSpeed[a];
    let last = lastStopLine[e] - d / speed;
    // Vehicles still moving on the approach, in stop-line order: passage times ascend
    // (d / speed before their stop-line time, which carries their losses; at the
    // link speed, not their own, which keeps the order).
    const fromDetector = d / speed;
    const exit = net.movementTo[e];
    const routePool = this.vehicles.routePool;
    for (let v = this.links.transitHead[a]; v !== NONE; v = next[v]) {
      const passed = stopLineTime[v] - fromDetector;
      if (passed > now) break;
      const pos = routePos[v];
      if (pos + 1 < routeEnd[v] && routePool[pos + 1] === exit && passed > last) last = passed;
    }
    return last;
  }
}

/**
 * The kernel's `ControllerView`: a class, so that its fields have a fixed shape
 * (an object literal with a getter is a dictionary, each read of `counts` or
 * `queueSums` a hash lookup: a third of a max-pressure decision).
 */
class KernelView implements ControllerView {
  readonly counts: ControllerCounts;
  readonly queueSums: ControllerQueueSums;
  private readonly owner: Controllers;
  private readonly scheduler: Scheduler;
  private readonly links: Links;
  private readonly queues: Int32Array;

  constructor(owner: Controllers, scheduler: Scheduler, links: Links, movements: Movements) {
    this.owner = owner;
    this.scheduler = scheduler;
    this.links = links;
    this.queues = movements.queueLength;
    this.counts = { queueLength: movements.queueLength, linkVehicles: links.occupancy, linkStorage: links.storage };
    this.queueSums = movements.queueSums;
  }

  get time(): number {
    return this.scheduler.now;
  }

  queueLength(movement: number): number {
    return this.queues[movement];
  }

  lastArrival(movement: number, distance: number): number {
    return this.owner.lastArrival(movement, distance);
  }

  linkVehicles(link: number): number {
    this.links.settle(link);
    return this.links.occupancy[link];
  }

  linkStorage(link: number): number {
    return this.links.storage[link];
  }

  movementVehicles(movement: number): number {
    return this.owner.movementVehicles(movement);
  }

  linkVehiclesPresent(link: number): number {
    return this.links.present[link];
  }
}

/**
 * The simulation kernel: event-driven mesoscopic traffic on a `CompiledNetwork`.
 *
 * Model (see ARCHITECTURE.md, "The traffic model"):
 *  - A vehicle entering link l reaches its stop line after the free-flow time
 *    length/speed, then joins the FIFO queue of its movement (turn).
 *  - A movement discharges one vehicle per headway 1 / (s x lanes serving it),
 *    and the approach as a whole at most s x lanes; only while its signal shows
 *    green (or permissive green, in gaps of the opposing flow), and only when the
 *    exit link has storage left. Effective green equals displayed green: the HCM
 *    default start-up lost time (2 s) and yellow extension (2 s) cancel out, and no
 *    vehicle discharges on yellow or red. Discharge slots are centred in the green
 *    (the first queued vehicle leaves half a headway after green starts), so a
 *    green of g seconds serves s x g vehicles, as in the fluid (Webster) model.
 *  - Storage of a link: floor(lanes x length / jam spacing) vehicles. Space freed
 *    at the downstream end reaches the upstream end after length / w, with w the
 *    backward wave speed of the triangular fundamental diagram,
 *    w = s / (1/jamSpacing - s/speed) (per lane: capacity s, jam density 1/jamSpacing).
 *  - Trips that cannot enter their first link wait in a departure queue; a vehicle
 *    arrives when it reaches the end of its last link.
 *  - Unsignalised junctions: priority rules with gap acceptance (see conflicts.ts).
 *  - Gridlock: when vehicles remain but none has moved for `gridlockTimeout`
 *    seconds, the run stops cleanly and reports the junctions involved; remaining
 *    vehicles are counted as unfinished. Nothing is ever teleported.
 *  - The run ends at `end`, or earlier once every trip departing before `end` has
 *    arrived (or proved unroutable).
 *
 * State lives in this instance only (struct-of-arrays typed arrays indexed by
 * vehicle, link and movement); many simulations can share a process. Mechanics
 * report to observers (`SimObserver`); metrics are one such observer.
 */
import { InputError, UsageError } from '../errors.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import { createRouter, type Router } from '../routing/router.js';
import type { TripTable } from '../demand/demand.js';
import { createRandom, type RandomStream } from '../demand/random.js';
import { compileProgram, defaultProgram, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import {
  createFixedTimeController,
  SIGNAL_GREEN,
  SIGNAL_PERMISSIVE,
  type ControllerView,
  type SignalController,
} from '../signals/controller.js';
import { createActuatedController, type ActuatedOptions } from '../signals/actuated.js';
import { createMaxPressureController, type MaxPressureOptions } from '../signals/max-pressure.js';
import { movementFlows, movementTurnRatios } from '../signals/flows.js';
import { buildConflicts, type ConflictTable } from './conflicts.js';
import { Scheduler } from './scheduler.js';
import type { SimObserver } from './observer.js';

/** Options of a simulation run (SI units). */
export interface SimOptions {
  /** Start time, s. Default 0. */
  start: number;
  /** End time, s: vehicles still travelling then are unfinished. Default 3600. */
  end: number;
  /** Seed of every random stream of the run. Default 1. */
  seed: number;
  /** Stop with a gridlock report when no vehicle has moved for this long while vehicles remain, s. Default 600. */
  gridlockTimeout: number;
  /** A wait at a stop line longer than this counts as a stop, s. Default 3. */
  stopThreshold: number;
  /** How often experienced link times are refreshed for routing, s. Default 300. */
  routingInterval: number;
  /** Share of vehicles (0..1) that re-route en route every routing interval. Default 0. */
  rerouteShare: number;
}

/** Defaults of {@link SimOptions}. */
export const DEFAULT_SIM_OPTIONS: Readonly<SimOptions> = {
  start: 0,
  end: 3600,
  seed: 1,
  gridlockTimeout: 600,
  stopThreshold: 3,
  routingInterval: 300,
  rerouteShare: 0,
};

/**
 * How the programs of a run are driven, as plain data (it can be sent to
 * workers): `fixed` time (the default), `actuated` (gap-out, see
 * signals/actuated.ts) or `max-pressure` (Varaiya 2013, see
 * signals/max-pressure.ts), with their options. Max-pressure's turn ratios are
 * `demand` (default: from the run's trips, routed on free-flow times, busiest
 * hour) or `uniform`.
 */
export type SignalControl =
  | { kind: 'fixed' }
  | ({ kind: 'actuated' } & ActuatedOptions)
  | ({ kind: 'max-pressure' } & Omit<MaxPressureOptions, 'turnRatios'> & { turnRatios?: 'demand' | 'uniform' });

/** Signal control of a run: programs per junction (compiled or specs), or ready controllers. */
export interface SignalSetup {
  /** Programs; signalised junctions without one get `defaultProgram`. */
  programs?: ReadonlyArray<SignalProgram | SignalProgramSpec>;
  /** Controller kind driving every program (given or default). Default `{ kind: 'fixed' }`. */
  control?: SignalControl;
  /** Controllers (actuated, max-pressure, your own); they take precedence over programs. */
  controllers?: readonly SignalController[];
}

/** Vehicle states. */
export const VEHICLE_PENDING = 0;
export const VEHICLE_WAITING = 1;
export const VEHICLE_MOVING = 2;
export const VEHICLE_QUEUED = 3;
export const VEHICLE_ARRIVED = 4;
export const VEHICLE_UNROUTABLE = 5;

/** Gridlock report. */
export interface GridlockReport {
  /** Simulation time the gridlock was declared, s. */
  time: number;
  /** Ids of junctions where vehicles wait for an exit link with no storage left. */
  junctions: string[];
  /** Vehicles in the network when it was declared. */
  vehicles: number;
}

const EV_DEPART = 0;
const EV_STOPLINE = 1;
const EV_SERVICE = 2;
const EV_SIGNAL = 3;
const EV_RELEASE = 4;
const EV_INSERT = 5;
const EV_ROUTING = 6;
const EV_CHECK = 7;

const NONE = -1;
// Local copies: imported bindings are read through getters by some loaders, and these sit in hot paths.
const GREEN: number = SIGNAL_GREEN;
const PERMISSIVE: number = SIGNAL_PERMISSIVE;

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

/** An event-driven mesoscopic simulation of one scenario run. */
export class Simulation {
  readonly network: CompiledNetwork;
  readonly trips: TripTable;
  readonly options: Readonly<SimOptions>;
  /** Movement signal states (see SIGNAL_* in signals/controller.ts); 0 (red) at unsignalised junctions, where it is not read. */
  readonly signal: Uint8Array;
  /** Gridlock report, if the run ended in one. */
  gridlock: GridlockReport | undefined;

  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[];
  private readonly router: Router;
  private readonly conflicts: ConflictTable;
  private readonly controllers: SignalController[];
  private readonly view: ControllerView;
  private readonly rerouteRandom: RandomStream;

  // Per link.
  private readonly storage: Int32Array;
  private readonly occupancy: Int32Array;
  private readonly releaseDelay: Float64Array;
  private readonly exitHeadway: Float64Array;
  private readonly exitNextFree: Float64Array;
  private readonly transitHead: Int32Array;
  private readonly transitTail: Int32Array;
  private readonly departHead: Int32Array;
  private readonly departTail: Int32Array;
  private readonly insertAt: Float64Array;
  private readonly lastInsert: Float64Array;
  private readonly wakeCursor: Int32Array;
  private readonly isSignal: Uint8Array; // per link: its downstream junction is signalised
  private readonly cost: Float64Array;
  private readonly ttSum: Float64Array;
  private readonly ttCount: Int32Array;

  // Per movement.
  private readonly queueHead: Int32Array;
  private readonly queueTail: Int32Array;
  private readonly queueLength: Int32Array;
  private readonly headway: Float64Array;
  private readonly nextFree: Float64Array;
  private readonly serviceAt: Float64Array;
  private readonly blocked: Uint8Array;
  private readonly shownOpen: Uint8Array;
  /** Last time a vehicle reached the stop line to queue for the movement, s (for detectors of adaptive controllers). */
  private readonly lastStopLine: Float64Array;
  private readonly junctionMovementOffsets: Int32Array;
  private readonly junctionMovements: Int32Array;

  // Per vehicle (trip index).
  private readonly state: Uint8Array;
  private readonly link: Int32Array;
  private readonly enterTime: Float64Array;
  private readonly next: Int32Array;
  private readonly routeStart: Int32Array;
  private readonly routeEnd: Int32Array;
  private readonly routePos: Int32Array;
  private readonly rerouting: Uint8Array;
  private routePool: Int32Array;
  private routePoolLength = 0;

  private inNetwork = 0;
  /** Trips departing inside the horizon; the run ends early once all of them are done. */
  private scheduledTrips = 0;
  private unroutableTrips = 0;
  private waiting = 0;
  private finished = 0;
  private lastMove: number;
  private ended = false;

  constructor(net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, options: Partial<SimOptions> = {}) {
    this.options = Simulation.checkOptions(options);
    this.network = net;
    this.trips = trips;
    const { start, end } = this.options;
    const m = net.linkCount;
    const k = net.movementCount;
    const n = trips.count;
    this.scheduler = new Scheduler(start, 1024 + 4 * Math.min(n, 1 << 20));
    this.observers = [];
    this.lastMove = start;
    this.signal = new Uint8Array(k);

    // Links.
    this.storage = new Int32Array(m);
    this.occupancy = new Int32Array(m);
    this.releaseDelay = new Float64Array(m);
    this.exitHeadway = new Float64Array(m);
    this.exitNextFree = new Float64Array(m).fill(-Infinity);
    this.transitHead = new Int32Array(m).fill(NONE);
    this.transitTail = new Int32Array(m).fill(NONE);
    this.departHead = new Int32Array(m).fill(NONE);
    this.departTail = new Int32Array(m).fill(NONE);
    this.insertAt = new Float64Array(m).fill(-Infinity);
    this.lastInsert = new Float64Array(m).fill(-Infinity);
    this.wakeCursor = new Int32Array(m);
    this.isSignal = new Uint8Array(m);
    this.cost = Float64Array.from(net.linkFreeFlowTime);
    this.ttSum = new Float64Array(m);
    this.ttCount = new Int32Array(m);
    for (let l = 0; l < m; l++) {
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
      this.isSignal[l] = net.junctionControl[net.linkTo[l]] === CONTROL_CODE.signal ? 1 : 0;
    }

    // Movements.
    this.queueHead = new Int32Array(k).fill(NONE);
    this.queueTail = new Int32Array(k).fill(NONE);
    this.queueLength = new Int32Array(k);
    this.headway = new Float64Array(k);
    this.nextFree = new Float64Array(k).fill(-Infinity);
    this.serviceAt = new Float64Array(k).fill(NaN);
    this.blocked = new Uint8Array(k);
    this.shownOpen = new Uint8Array(k);
    this.lastStopLine = new Float64Array(k).fill(-Infinity);
    for (let e = 0; e < k; e++) {
      const a = net.movementFrom[e];
      this.headway[e] = 1 / (net.linkSaturationFlow[a] * popcount(net.movementLaneMask[e]));
    }
    this.junctionMovementOffsets = new Int32Array(net.junctionCount + 1);
    this.junctionMovements = new Int32Array(k);
    {
      let at = 0;
      for (let j = 0; j < net.junctionCount; j++) {
        this.junctionMovementOffsets[j] = at;
        for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
          const a = net.junctionInLinks[i];
          for (let e = net.movementOffsets[a]; e < net.movementOffsets[a + 1]; e++) this.junctionMovements[at++] = e;
        }
      }
      this.junctionMovementOffsets[net.junctionCount] = at;
    }
    this.conflicts = buildConflicts(net);

    // Vehicles.
    this.state = new Uint8Array(n);
    this.link = new Int32Array(n).fill(NONE);
    this.enterTime = new Float64Array(n);
    this.next = new Int32Array(n).fill(NONE);
    this.routeStart = new Int32Array(n);
    this.routeEnd = new Int32Array(n);
    this.routePos = new Int32Array(n);
    this.rerouting = new Uint8Array(n);
    this.routePool = new Int32Array(Math.max(1024, trips.routeLinks.length * 2));

    const random = createRandom(this.options.seed);
    this.rerouteRandom = random.fork('reroute');
    this.router = createRouter(net, { cost: this.cost });
    const self = this;
    this.view = {
      get time() { return self.scheduler.now; },
      queueLength: (movement: number) => self.queueLength[movement],
      lastArrival: (movement: number, distance: number) => self.lastArrival(movement, distance),
      linkVehicles: (link: number) => self.occupancy[link],
      linkStorage: (link: number) => self.storage[link],
    };

    // Signals.
    this.controllers = [];
    const controlled = new Set<number>();
    for (const c of signals.controllers ?? []) {
      if (controlled.has(c.junction)) throw new UsageError(`two controllers for junction "${net.junctionKey(c.junction)}"`);
      controlled.add(c.junction);
      this.controllers.push(c);
    }
    const build = Simulation.controllerFactory(net, trips, signals.control);
    (signals.programs ?? []).forEach((p, i) => {
      // A compiled program names its junction by index, a spec by id.
      const program = typeof p.junction === 'number' ? (p as SignalProgram) : compileProgram(net, p as SignalProgramSpec, `programs[${i}]`);
      if (controlled.has(program.junction)) return;
      controlled.add(program.junction);
      this.controllers.push(build(program));
    });
    for (let j = 0; j < net.junctionCount; j++) {
      if (net.junctionControl[j] === CONTROL_CODE.signal && !controlled.has(j) && net.junctionInOffsets[j + 1] > net.junctionInOffsets[j]) {
        this.controllers.push(build(defaultProgram(net, j)));
      }
    }
    this.controllers.forEach((c, i) => {
      const nextChange = c.start(start, this.signal, this.view);
      if (nextChange < Infinity) this.scheduler.schedule(nextChange, EV_SIGNAL, i);
    });
    for (let e = 0; e < k; e++) this.shownOpen[e] = this.signal[e] === GREEN || this.signal[e] === PERMISSIVE ? 1 : 0;

    // Demand: one departure command per trip inside the horizon.
    for (let v = 0; v < n; v++) {
      const t = trips.depart[v];
      if (t >= start && t < end) {
        this.scheduler.schedule(t, EV_DEPART, v);
        this.scheduledTrips++;
      }
    }
    if (this.options.routingInterval < Infinity) this.scheduler.schedule(start + this.options.routingInterval, EV_ROUTING, 0);
    this.scheduler.schedule(start + this.options.gridlockTimeout / 4, EV_CHECK, 0);
  }

  /** The controller a program gets under `control`; throws `UsageError` for an unknown kind or bad options. */
  private static controllerFactory(net: CompiledNetwork, trips: TripTable, control: SignalControl | undefined): (program: SignalProgram) => SignalController {
    if (control === undefined || control.kind === 'fixed') return createFixedTimeController;
    if (control.kind === 'actuated') {
      const { kind: _kind, ...options } = control;
      return (program) => createActuatedController(net, program, options);
    }
    if (control.kind === 'max-pressure') {
      const { kind: _kind, turnRatios, ...options } = control;
      if (turnRatios !== undefined && turnRatios !== 'demand' && turnRatios !== 'uniform') {
        throw new UsageError(`signals.control.turnRatios must be "demand" or "uniform", got ${JSON.stringify(turnRatios)}`);
      }
      let ratios: Float64Array | undefined;
      return (program) => {
        if (turnRatios !== 'uniform') ratios ??= movementTurnRatios(net, movementFlows(net, trips));
        return createMaxPressureController(net, program, { ...options, turnRatios: ratios });
      };
    }
    throw new UsageError(`signals.control.kind must be "fixed", "actuated" or "max-pressure", got ${JSON.stringify((control as { kind?: unknown }).kind)}`);
  }

  private static checkOptions(options: Partial<SimOptions>): SimOptions {
    const merged: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...options };
    const finite = (key: keyof SimOptions, value: number, positive: boolean): void => {
      if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
        throw new UsageError(`options.${key} must be a ${positive ? 'positive ' : ''}finite number, got ${String(value)}`);
      }
    };
    finite('start', merged.start, false);
    finite('end', merged.end, false);
    if (merged.end <= merged.start) throw new UsageError(`options.end must be after options.start, got start ${merged.start} and end ${merged.end}`);
    if (!Number.isInteger(merged.seed)) throw new UsageError(`options.seed must be an integer, got ${String(merged.seed)}`);
    finite('gridlockTimeout', merged.gridlockTimeout, true);
    finite('stopThreshold', merged.stopThreshold, false);
    if (merged.routingInterval !== Infinity) finite('routingInterval', merged.routingInterval, true);
    if (!(merged.rerouteShare >= 0 && merged.rerouteShare <= 1)) throw new UsageError(`options.rerouteShare must be within [0, 1], got ${String(merged.rerouteShare)}`);
    return merged;
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
    return this.inNetwork;
  }

  /** Vehicles waiting to enter their first link. */
  get vehiclesWaiting(): number {
    return this.waiting;
  }

  /** Vehicles that reached their destination. */
  get vehiclesArrived(): number {
    return this.finished;
  }

  /** Vehicles on link `l` plus space not yet freed at its upstream end. */
  linkOccupancy(l: number): number {
    return this.occupancy[l];
  }

  /** Storage capacity of link `l`, vehicles. */
  linkStorage(l: number): number {
    return this.storage[l];
  }

  /** Vehicles queued at the stop line for movement `e`. */
  movementQueue(e: number): number {
    return this.queueLength[e];
  }

  /** State of vehicle (trip) `v`, see VEHICLE_*. */
  vehicleState(v: number): number {
    return this.state[v];
  }

  /** Current link of vehicle `v`, or -1. */
  vehicleLink(v: number): number {
    return this.link[v];
  }

  /** Route of vehicle `v` as link indices (empty until it departs). */
  vehicleRoute(v: number): Int32Array {
    return this.routePool.slice(this.routeStart[v], this.routeEnd[v]);
  }

  /** Bytes of per-vehicle state held by the kernel (route storage included). */
  get vehicleStateBytes(): number {
    return this.state.byteLength + this.link.byteLength + this.enterTime.byteLength + this.next.byteLength
      + this.routeStart.byteLength + this.routeEnd.byteLength + this.routePos.byteLength + this.rerouting.byteLength
      + this.routePoolLength * 4;
  }

  /** Run every command up to and including time `t` (clamped to the end time). */
  advanceTo(t: number): void {
    if (!(t >= this.scheduler.now)) throw new UsageError(`advanceTo(${t}) is before the clock (${this.scheduler.now})`);
    const limit = Math.min(t, this.options.end);
    const s = this.scheduler;
    while (!this.ended && s.size > 0 && s.peekTime() <= limit) {
      s.pop();
      const now = s.now;
      const id = s.id;
      switch (s.kind) {
        case EV_DEPART: this.depart(id, now); break;
        case EV_STOPLINE: this.reachStopLine(id, now); break;
        case EV_SERVICE:
          if (this.serviceAt[id] === now) {
            this.serviceAt[id] = NaN;
            this.serve(id, now);
          }
          break;
        case EV_SIGNAL: this.changeSignal(id, now); break;
        case EV_RELEASE: this.release(id, now); break;
        case EV_INSERT:
          if (this.insertAt[id] === now) {
            this.insertAt[id] = -Infinity;
            this.insert(id, now);
          }
          break;
        case EV_ROUTING: this.refreshRouting(now); break;
        case EV_CHECK: this.checkGridlock(now); break;
      }
    }
    if (!this.ended) {
      if (limit >= this.options.end) {
        this.finish(this.options.end);
      } else if (s.size === 0 && this.inNetwork + this.waiting > 0) {
        // Nothing can ever happen again yet vehicles remain: a gridlock without signals.
        this.declareGridlock(Math.max(s.now, this.lastMove));
      } else if (s.size === 0) {
        this.finish(Math.max(s.now, limit));
      } else if (limit > s.now) {
        s.now = limit;
      }
    }
  }

  /** Run to the end and close the books. */
  run(): void {
    this.advanceTo(this.options.end);
  }

  // ------------------------------------------------------------------ mechanics

  private depart(v: number, now: number): void {
    const trips = this.trips;
    const start = trips.routeOffsets[v];
    const end = trips.routeOffsets[v + 1];
    if (end > start) {
      this.setRoute(v, trips.routeLinks, start, end);
    } else {
      const router = this.router;
      const ol = trips.originLink[v];
      const dl = trips.destinationLink[v];
      let cost: number;
      if (ol >= 0 && dl >= 0) cost = router.routeLinks(ol, dl);
      else if (ol >= 0) cost = router.routeFromLink(ol, trips.destination[v]);
      else if (dl >= 0) cost = router.routeToLink(trips.origin[v], dl);
      else cost = router.route(trips.origin[v], trips.destination[v]);
      if (cost === Infinity || (ol < 0 && dl < 0 && trips.origin[v] === trips.destination[v])) {
        this.state[v] = VEHICLE_UNROUTABLE;
        this.unroutableTrips++;
        for (const o of this.observers) o.unroutable?.(v, now);
        if (this.finished + this.unroutableTrips === this.scheduledTrips) this.finish(now);
        return;
      }
      const path = router.lastPath();
      this.setRoute(v, path, 0, path.length);
    }
    if (this.options.rerouteShare > 0 && this.rerouteRandom.next() < this.options.rerouteShare) this.rerouting[v] = 1;
    const first = this.routePool[this.routeStart[v]];
    this.state[v] = VEHICLE_WAITING;
    this.link[v] = first;
    this.waiting++;
    if (this.departTail[first] === NONE) this.departHead[first] = v;
    else this.next[this.departTail[first]] = v;
    this.departTail[first] = v;
    this.next[v] = NONE;
    this.insert(first, now);
  }

  private setRoute(v: number, links: Int32Array, start: number, end: number): void {
    const length = end - start;
    if (this.routePoolLength + length > this.routePool.length) {
      const grown = new Int32Array(Math.max(this.routePool.length * 2, this.routePoolLength + length));
      grown.set(this.routePool.subarray(0, this.routePoolLength));
      this.routePool = grown;
    }
    this.routePool.set(links.subarray(start, end), this.routePoolLength);
    this.routeStart[v] = this.routePoolLength;
    this.routeEnd[v] = this.routePoolLength + length;
    this.routePos[v] = this.routePoolLength;
    this.routePoolLength += length;
  }

  /** Move vehicles from the departure queue of link `l` onto it: at most one per headway 1 / (s x lanes), while storage lasts. */
  private insert(l: number, now: number): void {
    while (this.departHead[l] !== NONE) {
      if (this.occupancy[l] >= this.storage[l]) return; // woken by release()
      if (this.insertAt[l] > now) return; // a retry is already scheduled
      const readyAt = this.lastInsert[l] + this.exitHeadway[l];
      if (readyAt > now) {
        this.insertAt[l] = readyAt;
        this.scheduler.schedule(readyAt, EV_INSERT, l);
        return;
      }
      const v = this.departHead[l];
      this.departHead[l] = this.next[v];
      if (this.departHead[l] === NONE) this.departTail[l] = NONE;
      this.waiting--;
      this.inNetwork++;
      this.lastInsert[l] = now;
      for (const o of this.observers) o.depart?.(v, l, now);
      this.enter(v, l, now);
    }
  }

  private enter(v: number, l: number, now: number): void {
    this.occupancy[l]++;
    this.state[v] = VEHICLE_MOVING;
    this.link[v] = l;
    this.enterTime[v] = now;
    this.next[v] = NONE;
    if (this.transitTail[l] === NONE) this.transitHead[l] = v;
    else this.next[this.transitTail[l]] = v;
    this.transitTail[l] = v;
    this.lastMove = now;
    for (const o of this.observers) o.enter?.(v, l, now);
    this.scheduler.schedule(now + this.network.linkFreeFlowTime[l], EV_STOPLINE, v);
  }

  private reachStopLine(v: number, now: number): void {
    const l = this.link[v];
    // Same free-flow time for everyone on a link: arrivals at the stop line are FIFO.
    if (this.transitHead[l] !== v) throw new Error(`internal: vehicle ${v} reached the stop line of link ${l} out of order`);
    this.transitHead[l] = this.next[v];
    if (this.transitHead[l] === NONE) this.transitTail[l] = NONE;
    this.next[v] = NONE;
    const pos = this.routePos[v];
    if (pos + 1 >= this.routeEnd[v]) {
      // End of the last link: the trip is complete.
      this.state[v] = VEHICLE_ARRIVED;
      this.inNetwork--;
      this.finished++;
      this.lastMove = now;
      this.leaveLink(v, l, now);
      for (const o of this.observers) o.arrive?.(v, l, now);
      if (this.finished + this.unroutableTrips === this.scheduledTrips) this.finish(now);
      return;
    }
    const nextLink = this.routePool[pos + 1];
    const e = this.network.movementBetween(l, nextLink);
    if (e < 0) throw new Error(`internal: route of vehicle ${v} turns from link ${l} to ${nextLink} without a movement`);
    this.state[v] = VEHICLE_QUEUED;
    this.lastStopLine[e] = now;
    if (this.queueTail[e] === NONE) this.queueHead[e] = v;
    else this.next[this.queueTail[e]] = v;
    this.queueTail[e] = v;
    this.queueLength[e]++;
    for (const o of this.observers) o.queue?.(v, e, now);
    this.serve(e, now);
  }

  /** Bookkeeping when vehicle `v` leaves link `l` at its downstream end. */
  private leaveLink(v: number, l: number, now: number): void {
    this.scheduler.schedule(now + this.releaseDelay[l], EV_RELEASE, l);
    this.ttSum[l] += now - this.enterTime[v];
    this.ttCount[l]++;
  }

  private scheduleService(e: number, t: number): void {
    const pending = this.serviceAt[e];
    if (pending <= t) return; // an earlier or equal service is already pending (NaN compares false)
    this.serviceAt[e] = t;
    this.scheduler.schedule(t, EV_SERVICE, e);
  }

  /** Try to discharge the head of movement `e`'s queue at time `now`. */
  private serve(e: number, now: number): void {
    if (this.queueLength[e] === 0) return;
    const net = this.network;
    const a = net.movementFrom[e];
    let yields = this.conflicts.alwaysYields[e] === 1;
    if (this.isSignal[a] === 1) {
      const st = this.signal[e];
      if (st !== GREEN && st !== PERMISSIVE) return; // woken by changeSignal()
      yields = st === PERMISSIVE;
    }
    const ready = this.nextFree[e] > this.exitNextFree[a] ? this.nextFree[e] : this.exitNextFree[a];
    if (ready > now) {
      this.scheduleService(e, ready);
      return;
    }
    const b = net.movementTo[e];
    if (this.occupancy[b] >= this.storage[b]) {
      this.blocked[e] = 1; // woken by release(b)
      return;
    }
    if (yields) {
      const retry = this.gapWait(e, now);
      if (retry > now) {
        this.scheduleService(e, retry);
        return;
      }
    }
    const v = this.queueHead[e];
    this.queueHead[e] = this.next[v];
    if (this.queueHead[e] === NONE) this.queueTail[e] = NONE;
    this.queueLength[e]--;
    this.leaveLink(v, a, now); // its space on `a` is freed upstream later, by release()
    for (const o of this.observers) o.leave?.(v, a, e, now);
    this.routePos[v]++;
    this.enter(v, b, now);
    this.nextFree[e] = now + (yields ? this.conflicts.followUp[e] : this.headway[e]);
    this.exitNextFree[a] = now + this.exitHeadway[a];
    if (this.queueLength[e] > 0) this.scheduleService(e, this.nextFree[e] > this.exitNextFree[a] ? this.nextFree[e] : this.exitNextFree[a]);
  }

  /**
   * Gap acceptance for a yielding movement: 0 (go now) when the next conflicting
   * vehicle reaches the conflict no sooner than the critical gap from now, else the
   * time to look again.
   */
  private gapWait(e: number, now: number): number {
    const c = this.conflicts;
    const net = this.network;
    let nextConflict = Infinity;
    for (let i = c.conflictOffsets[e], end = c.conflictOffsets[e + 1]; i < end; i++) {
      const other = c.conflicts[i];
      const oa = net.movementFrom[other];
      if (this.isSignal[oa] === 1) {
        const st = this.signal[other];
        if (st !== GREEN && st !== PERMISSIVE) continue;
      }
      if (this.queueLength[other] > 0) return now + c.followUp[e];
      const head = this.transitHead[oa];
      if (head !== NONE) {
        const arrival = this.enterTime[head] + net.linkFreeFlowTime[oa];
        if (arrival < nextConflict) nextConflict = arrival;
      }
    }
    if (nextConflict - now >= c.criticalGap[e]) return 0;
    return nextConflict + 0.1 > now ? nextConflict + 0.1 : now + 0.1;
  }

  private changeSignal(i: number, now: number): void {
    const c = this.controllers[i];
    const nextChange = c.advance(now, this.signal, this.view);
    if (nextChange < Infinity) {
      if (!(nextChange > now)) throw new Error(`internal: controller of junction ${c.junction} returned next change ${nextChange} at ${now}`);
      this.scheduler.schedule(nextChange, EV_SIGNAL, i);
    }
    for (const o of this.observers) o.signal?.(c.junction, now);
    const j = c.junction;
    for (let p = this.junctionMovementOffsets[j], end = this.junctionMovementOffsets[j + 1]; p < end; p++) {
      const e = this.junctionMovements[p];
      const st = this.signal[e];
      const open = st === GREEN || st === PERMISSIVE;
      if (open && this.shownOpen[e] === 0) {
        // Service slots are centred in the green: the first vehicle leaves half a headway
        // after green starts, so g seconds serve s x g vehicles as in the fluid model.
        const first = now + 0.5 * this.headway[e];
        if (this.nextFree[e] < first) this.nextFree[e] = first;
      }
      this.shownOpen[e] = open ? 1 : 0;
      if (this.queueLength[e] > 0) this.serve(e, now);
    }
  }

  /** See `ControllerView.lastArrival`: computed on demand from the transit list of the approach. */
  private lastArrival(e: number, distance: number): number {
    const net = this.network;
    const now = this.scheduler.now;
    const a = net.movementFrom[e];
    const length = net.linkLength[a];
    const d = distance < length ? (distance > 0 ? distance : 0) : length;
    const lanes = popcount(net.movementLaneMask[e]) || 1;
    if (this.queueLength[e] > 0 && (this.queueLength[e] * net.linkJamSpacing[a]) / lanes >= d) return now;
    const speed = net.linkSpeed[a];
    let last = this.lastStopLine[e] - d / speed;
    // Vehicles still moving on the approach, in entry order: passage times ascend.
    const toDetector = (length - d) / speed;
    const exit = net.movementTo[e];
    for (let v = this.transitHead[a]; v !== NONE; v = this.next[v]) {
      const passed = this.enterTime[v] + toDetector;
      if (passed > now) break;
      const pos = this.routePos[v];
      if (pos + 1 < this.routeEnd[v] && this.routePool[pos + 1] === exit && passed > last) last = passed;
    }
    return last;
  }

  /** Space freed at the downstream end of link `l` has reached its upstream end. */
  private release(l: number, now: number): void {
    this.occupancy[l]--;
    const net = this.network;
    const first = net.movementInOffsets[l];
    const count = net.movementInOffsets[l + 1] - first;
    // Wake blocked movements round-robin, so no approach is starved.
    for (let i = 0; i < count && this.occupancy[l] < this.storage[l]; i++) {
      const slot = (this.wakeCursor[l] + i) % count;
      const e = net.movementIn[first + slot];
      if (this.blocked[e] === 1) {
        this.blocked[e] = 0;
        this.serve(e, now);
        if (this.blocked[e] === 0) this.wakeCursor[l] = (slot + 1) % count;
      }
    }
    if (this.departHead[l] !== NONE) this.insert(l, now);
  }

  private refreshRouting(now: number): void {
    const m = this.network.linkCount;
    const fft = this.network.linkFreeFlowTime;
    const cost = this.cost;
    for (let l = 0; l < m; l++) {
      let c = this.ttCount[l] > 0 ? this.ttSum[l] / this.ttCount[l] : fft[l] + 0.5 * (cost[l] - fft[l]);
      const head = this.transitHead[l];
      if (head !== NONE && now - this.enterTime[head] > c) c = now - this.enterTime[head];
      cost[l] = c > fft[l] ? c : fft[l];
      this.ttSum[l] = 0;
      this.ttCount[l] = 0;
    }
    this.router.setCost(cost);
    if (this.options.rerouteShare > 0) this.reroute();
    const nextTime = now + this.options.routingInterval;
    if (nextTime < this.options.end) this.scheduler.schedule(nextTime, EV_ROUTING, 0);
  }

  /** Re-route vehicles chosen for it that are moving on a link (not yet queued for a turn). */
  private reroute(): void {
    const trips = this.trips;
    for (let v = 0; v < trips.count; v++) {
      if (this.rerouting[v] === 0 || this.state[v] !== VEHICLE_MOVING) continue;
      const l = this.link[v];
      const dl = trips.destinationLink[v];
      const cost = dl >= 0 ? this.router.routeLinks(l, dl) : this.router.routeFromLink(l, trips.destination[v]);
      if (cost === Infinity) continue;
      const path = this.router.lastPath();
      this.setRoute(v, path, 0, path.length);
    }
  }

  private checkGridlock(now: number): void {
    if (this.inNetwork > 0 && now - this.lastMove >= this.options.gridlockTimeout) {
      this.declareGridlock(now);
      return;
    }
    this.scheduler.schedule(now + this.options.gridlockTimeout / 4, EV_CHECK, 0);
  }

  private declareGridlock(now: number): void {
    const net = this.network;
    const junctions = new Set<string>();
    for (let e = 0; e < net.movementCount; e++) {
      if (this.blocked[e] === 1 && this.queueLength[e] > 0) junctions.add(net.junctionKey(net.linkTo[net.movementFrom[e]]));
    }
    this.gridlock = { time: now, junctions: [...junctions].sort(), vehicles: this.inNetwork };
    this.finish(now);
  }

  private finish(now: number): void {
    this.ended = true;
    if (this.scheduler.now < now) this.scheduler.now = now;
    for (const o of this.observers) o.end?.(now);
  }
}

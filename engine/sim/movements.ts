/**
 * Movement sub-state of the kernel: per-movement arrays indexed by movement id —
 * the FIFO queue of vehicles waiting at the stop line for each turn, its
 * discharge headway and next free slot, pending service, blocking by a full exit
 * link — and the movement signal states controllers write.
 *
 * Model (see ARCHITECTURE.md, "The traffic model"):
 *  - A movement discharges one vehicle per headway 1 / (s x lanes serving it),
 *    and its approach as a whole at most one per 1 / (s x lanes) (links.ts); only
 *    while its signal shows green (or permissive green, in gaps of the opposing
 *    flow), and only when the exit link has storage left. Effective green equals
 *    displayed green minus the vehicle class's start-up lost time l (losses.ts;
 *    SUMO's car 1.1 s, measured; 0 for the fluid model of Webster and HCM, where
 *    start-up lost time and yellow extension cancel out); on yellow or red only
 *    a yellow runner.
 *    Discharge slots are centred in the effective green (the first queued
 *    vehicle leaves l + half a headway after green starts), so a green of g
 *    seconds serves s x (g - l) vehicles, as in the fluid (Webster) model.
 *  - A movement whose exit link, or the lane group its head vehicle needs there
 *    (lane-groups.ts), is full is blocked until space is released there;
 *    blocked movements into a link are woken round-robin, so no approach is
 *    starved.
 *  - Yielding movements (permissive at signals, minor at priority junctions) go
 *    only when the next conflicting vehicle is at least the critical lag away and
 *    the last one has cleared the junction; a conflicting queue held by its full
 *    exit link is no foe while it is held (conflicts.ts, gap-acceptance.ts: the
 *    vehicle class's model), at the follow-up headway. In the SUMO model a vehicle
 *    that has not halted yet at a yield is still rolling and needs a shorter lag.
 *  - Junction storage ("sneakers", junction-storage.ts): when a permissive green
 *    ends, up to S minus the vehicles that crossed in gaps during it of the
 *    movement's queued vehicles still leave, once the opposing vehicles have
 *    cleared, at the follow-up headway: a counter per movement (`sneakers`), set
 *    to S when the green starts, counted down by each permissive discharge.
 *
 *  - Yellow runners (yellow.ts): a vehicle reaching the stop line on the yellow
 *    after a protected green, nobody queued ahead, less than D(u) / u after the
 *    yellow began (D: its class's braking distance at its approach speed u)
 *    could not stop: it crosses as soon as headway and exit link allow, unless
 *    it has halted by then. Queued vehicles never cross on yellow.
 *
 *  - A vehicle whose wait at the stop line reached the halt time of its class
 *    (v_in / (2b) + v_out / (2a), losses.ts) has halted: it is a stop, and it
 *    pays the restart loss v_out / (2a) on the link where it is back at speed
 *    (its stop-line time there pushed back by it; links.ts `enter`). One that
 *    crosses a minor movement of the SUMO class without having halted pays what
 *    SUMO's cautious approach to a minor link costs (sumo-lane.ts), less
 *    what it waited at the line, on the link it enters.
 *
 *  - Shared lanes (shared-lanes.ts; option `sharedLanes`, off by default): where a
 *    lane serves several movements, the vehicles in it leave in their order
 *    (head-of-line blocking); each movement still keeps its own stop-line queue,
 *    from which it discharges the vehicle heading a lane. Where every lane serves
 *    one movement, nothing changes. Off, movements sharing a lane keep separate
 *    queues and do not block each other.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { CONTROL_CODE } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';
import { SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW } from '../signals/controller.js';
import { CMD_SERVICE, NONE as NO_VEHICLE } from './commands.js';
import { buildConflicts, type ConflictTable } from './conflicts.js';
import { leaveTime } from './gap-acceptance.js';
import type { Arrivals } from './arrivals.js';
import type { Links } from './links.js';
import { greenStartLoss, haltWait, type VehicleModel } from './losses.js';
import type { SimObserver } from './observer.js';
import { QueueMoves } from './queue-moves.js';
import { QueueSums } from './queue-sums.js';
import type { Scheduler } from './scheduler.js';
import { IN_JUNCTION, SharedLanes } from './shared-lanes.js';
import { VEHICLE_QUEUED, type Vehicles } from './vehicles.js';
import { YellowRunners } from './yellow.js';

// Local copies: imported bindings are read through getters by some loaders, and these sit in hot paths.
const NONE: number = NO_VEHICLE;
const GREEN: number = SIGNAL_GREEN;
const PERMISSIVE: number = SIGNAL_PERMISSIVE;
const YELLOW: number = SIGNAL_YELLOW;
const QUEUED: number = VEHICLE_QUEUED;
const SERVICE: number = CMD_SERVICE;
/** Retry delay of a yielding movement whose conflicting vehicle is due at this very instant, s. */
const MIN_RETRY = 0.01;
/** How much later an impatient driver (impatience 1) takes a conflicting vehicle that could still stop to arrive, s (SUMO's arrival time when braking, MSVehicle: arrival + 30 s). */
const IMPATIENCE_HORIZON = 30;
/** Vehicles behind a head waiting for a full lane group that `passFull` looks at for one in other lanes. */
const PASS_SCAN = 16;

/** Per-movement state of a run (struct of arrays). */
export class Movements {
  /** Signal state of each movement (`SIGNAL_*`), written by the controllers; 0 (red) and unread at unsignalised junctions. */
  readonly signal: Uint8Array;
  /** First vehicle queued at the stop line for each movement (FIFO through `Vehicles.next`), or -1. */
  readonly queueHead: Int32Array;
  /** Last vehicle queued for each movement, or -1. */
  readonly queueTail: Int32Array;
  /** Vehicles queued for each movement. */
  readonly queueLength: Int32Array;
  /** Saturation headway of each movement, 1 / (s x lanes serving it), s. */
  readonly headway: Float64Array;
  /** Earliest time the movement may discharge its next vehicle, s. */
  readonly nextFree: Float64Array;
  /** Pending service time, s (NaN: none); a service command at another time is stale. */
  readonly serviceAt: Float64Array;
  /** 1 while the movement waits for storage on its exit link. */
  readonly blocked: Uint8Array;
  /** The movement's open signal state as last seen by the kernel: `SIGNAL_GREEN`, `SIGNAL_PERMISSIVE`, or 0 (closed). */
  readonly shownOpen: Uint8Array;
  /** Vehicles the movement may still release from its junction storage (junction-storage.ts): S at the start of a green, less each permissive discharge; after a permissive green, the releases left. */
  readonly sneakers: Uint8Array;
  /** Yellow onsets and runners (yellow.ts). */
  readonly yellow: YellowRunners;
  /** Last time a vehicle reached the stop line to queue for the movement, s (for detectors of adaptive controllers). */
  readonly lastStopLine: Float64Array;
  /** Where each junction's movements start in `junctionMovements` (length junctions + 1). */
  readonly junctionMovementOffsets: Int32Array;
  /** Movements approaching each junction: `junctionMovements[junctionMovementOffsets[j] .. [j + 1])`. */
  readonly junctionMovements: Int32Array;
  /** Per link: 1 when its downstream junction is signalised. */
  readonly signalised: Uint8Array;
  /** Per link: where the next round-robin wake of its blocked entry movements starts. */
  readonly wakeCursor: Int32Array;
  /** Shortest stop-line wait that is a halt, per movement, s (losses.ts). */
  readonly haltWait: Float64Array;
  /** Start-up lost time at the beginning of each green, per movement, s: its approach link's where the network states one (SUMO imports, by lane speed), else the vehicle class's (losses.ts); none for a class without. */
  readonly startUpLost: Float64Array;
  /** Who yields to whom, with critical gaps and follow-up headways. */
  readonly conflicts: ConflictTable;
  /** Sums of queue lengths kept current for the controllers (queue-sums.ts): updated at every queue change. */
  readonly queueSums: QueueSums;
  /** Last time each movement discharged a vehicle, s (-Infinity: never): yielding foes wait until it has cleared the junction. */
  readonly lastPass: Float64Array;
  /** Lanes serving several movements, with their order of vehicles (shared-lanes.ts). */
  readonly lanes: SharedLanes;
  /** Queue restarts and the extra halts of queued vehicles moved up without being served (queue-moves.ts). */
  readonly moves: QueueMoves;
  /** Trips waiting at the end of their last link for the queue ahead (arrivals.ts; option `arriveAtStopLine`), or null. */
  arrivals: Arrivals | null = null;
  /** Set by `passFull` / `pickPastFull`: the predecessor in its movement's queue and the exit lane group of the vehicle returned. */
  private passPrevious = NONE;
  private passGroup = 0;

  private readonly net: CompiledNetwork;
  private readonly links: Links;
  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[];

  /** Movement state of `net`; `observers` is the run's list, shared by reference; `sharedLanes`: head-of-line blocking in shared lanes (shared-lanes.ts). */
  constructor(net: CompiledNetwork, links: Links, vehicles: Vehicles, scheduler: Scheduler, observers: SimObserver[], model: VehicleModel, sharedLanes = false) {
    const k = net.movementCount;
    this.net = net;
    this.links = links;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.observers = observers;
    this.signal = new Uint8Array(k);
    this.queueHead = new Int32Array(k).fill(NONE);
    this.queueTail = new Int32Array(k).fill(NONE);
    this.queueLength = new Int32Array(k);
    this.queueSums = new QueueSums(this.queueLength);
    this.headway = new Float64Array(k);
    this.nextFree = new Float64Array(k).fill(-Infinity);
    this.serviceAt = new Float64Array(k).fill(NaN);
    this.blocked = new Uint8Array(k);
    this.shownOpen = new Uint8Array(k);
    this.sneakers = new Uint8Array(k);
    this.lastStopLine = new Float64Array(k).fill(-Infinity);
    this.yellow = new YellowRunners(net, model);
    this.haltWait = new Float64Array(k);
    this.startUpLost = new Float64Array(k);
    const classLost = greenStartLoss(model);
    for (let e = 0; e < k; e++) {
      const a = net.movementFrom[e];
      const b = net.movementTo[e];
      this.headway[e] = 1 / (net.linkSaturationFlow[a] * laneCount(net.movementLaneMask[e]));
      this.haltWait[e] = haltWait(model, net.linkSpeed[a], net.linkSpeed[b]);
      const stated = net.linkStartUpLost[a];
      this.startUpLost[e] = classLost > 0 && !Number.isNaN(stated) ? stated : classLost;
    }
    this.junctionMovementOffsets = new Int32Array(net.junctionCount + 1);
    this.junctionMovements = new Int32Array(k);
    let at = 0;
    for (let j = 0; j < net.junctionCount; j++) {
      this.junctionMovementOffsets[j] = at;
      for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
        const a = net.junctionInLinks[i];
        for (let e = net.movementOffsets[a]; e < net.movementOffsets[a + 1]; e++) this.junctionMovements[at++] = e;
      }
    }
    this.junctionMovementOffsets[net.junctionCount] = at;
    this.signalised = new Uint8Array(net.linkCount);
    for (let l = 0; l < net.linkCount; l++) this.signalised[l] = net.junctionControl[net.linkTo[l]] === CONTROL_CODE.signal ? 1 : 0;
    this.wakeCursor = new Int32Array(net.linkCount);
    this.conflicts = buildConflicts(net, model.gapAcceptance, model.accel, model.decel, model.junctionStorage, { sigma: model.sigma, step: model.stepLength ?? 0, losses: model.startLoss });
    this.lastPass = new Float64Array(k).fill(-Infinity);
    this.lanes = new SharedLanes(net, links.storage, vehicles.next, sharedLanes);
    this.moves = new QueueMoves(k, vehicles.state.length);
  }

  /** Vehicle `v`, at the stop line of link `l` at `now` (s), queues for the movement to its next route link and is served if it can be. */
  join(v: number, l: number, now: number): void {
    const vehicles = this.vehicles;
    const nextLink = vehicles.routePool[vehicles.routePos[v] + 1];
    const e = this.net.movementBetween(l, nextLink);
    if (e < 0) throw new Error(`internal: route of vehicle ${v} turns from link ${l} to ${nextLink} without a movement`);
    vehicles.state[v] = QUEUED;
    this.lastStopLine[e] = now;
    this.moves.join(v, e);
    const first = this.queueLength[e] === 0;
    const tail = this.queueTail[e];
    if (tail === NONE) this.queueHead[e] = v;
    else vehicles.next[tail] = v;
    this.queueTail[e] = v;
    this.queueLength[e]++;
    this.queueSums.change(e, 1);
    this.links.groupQueued[this.links.vehicleGroup(v)]++;
    const shared = this.lanes.movementMask[e] !== 0;
    if (shared) this.lanes.join(v, e, l, now, this.links.groupMask[this.links.vehicleGroup(v)]);
    // Reaching the line moving on yellow, nobody queued ahead on its movement (nor in its lane), too close to have stopped at its onset: a yellow runner.
    if (first && this.signal[e] === YELLOW && this.signalised[l] === 1 && (!shared || this.lanes.heads(v, e, l))) this.yellow.arrive(e, v, vehicles.speedFactor[v], now);
    for (const o of this.observers) o.queue?.(v, e, now);
    this.serve(e, now);
  }

  /** `CMD_SERVICE` for movement `e` at `now` (s): serve it unless the command is stale. */
  service(e: number, now: number): void {
    if (this.serviceAt[e] === now) {
      this.serviceAt[e] = NaN;
      this.serve(e, now);
    }
  }

  /** Try to discharge the head of movement `e`'s queue at `now` (s) into its exit link; else schedule the retry or mark it blocked. */
  serve(e: number, now: number): void {
    const queueLength = this.queueLength;
    if (queueLength[e] === 0) return;
    const net = this.net;
    const links = this.links;
    const a = net.movementFrom[e];
    let yields = this.conflicts.alwaysYields[e] === 1;
    let permissive = false;
    let runner = NONE;
    if (this.signalised[a] === 1) {
      const st = this.signal[e];
      runner = this.yellow.current(e, now, st === GREEN || st === PERMISSIVE, this.vehicles.stopLineTime, this.haltWait[e]);
      // Closed: only a yellow runner, or releases from the junction storage after a permissive green; else woken by the next signal change.
      if (st !== GREEN && st !== PERMISSIVE && this.sneakers[e] === 0 && runner === NONE) return;
      yields = st !== GREEN && runner === NONE;
      permissive = st === PERMISSIVE;
    }
    const lanes = this.lanes;
    const shared = lanes.movementMask[e] !== 0;
    let v = this.queueHead[e];
    let previous = NONE;
    let laneFree = -Infinity;
    if (shared) {
      v = lanes.pick(e, a, v);
      if (v === NONE) return; // lane-blocked: served when a lane it waits in gets a head of its own
      if (runner !== NONE && v !== runner) return; // the runner is held in its lane: it holds
      previous = lanes.pickedPrevious;
      laneFree = lanes.freeAt(v, a);
    }
    const nextFree = this.nextFree;
    const exitNextFree = links.exitNextFree;
    let ready = nextFree[e] > exitNextFree[a] ? nextFree[e] : exitNextFree[a];
    if (laneFree > ready) ready = laneFree;
    if (ready > now) {
      this.scheduleService(e, ready);
      return;
    }
    const b = net.movementTo[e];
    let group = links.groupOf(v, b, this.vehicles.routePos[v] + 1, e, links.vehicleGroup(v)); // the lane group it takes on b
    if (!links.hasRoom(b, group) && runner === NONE && links.occupancy[b] < links.storage[b]) {
      // Its group is full, not the link: a vehicle of this movement in other lanes may go (lane-groups.ts, lane feeds).
      const other = shared ? this.pickPastFull(e, a, b, v) : this.passFull(e, b, v, group);
      if (other !== NONE) {
        v = other;
        previous = this.passPrevious;
        group = this.passGroup;
        if (shared) {
          laneFree = lanes.freeAt(v, a);
          if (laneFree > now) {
            this.scheduleService(e, laneFree);
            return;
          }
        }
      }
    }
    if (!links.hasRoom(b, group)) {
      if (this.blocked[e] === 0) {
        this.blocked[e] = 1; // woken by a release on b
        links.blockedInto[b]++;
        links.arm(b);
      }
      return;
    }
    if (yields) {
      const retry = this.gapWait(e, now, v);
      if (retry > now) {
        if (shared && permissive) this.pullIn(e, a, now);
        this.scheduleService(e, retry);
        return;
      }
    }
    const vehicles = this.vehicles;
    const after = vehicles.next[v];
    if (previous === NONE) this.queueHead[e] = after;
    else vehicles.next[previous] = after;
    if (this.queueTail[e] === v) this.queueTail[e] = previous;
    queueLength[e]--;
    this.queueSums.change(e, -1);
    const from = links.vehicleGroup(v);
    links.groupQueued[from]--;
    links.leave(v, a, now, from, e); // its space on `a` is freed upstream later, by the release
    if (this.arrivals !== null) this.arrivals.discharge(from, a, now);
    if (shared) {
      const behind = lanes.leave(v, e, a, now);
      if (behind !== NONE) this.scheduleService(behind, now);
    }
    const halted = now - vehicles.stopLineTime[v] >= this.haltWait[e] || (yields && this.conflicts.haltTime[e] > 0); // green after stopping: it halted
    const moveUps = this.moves.discharge(v, e, now, vehicles.stopLineTime[v], this.lastPass[e], this.haltWait[e]);
    for (const o of this.observers) o.leave?.(v, a, e, now, halted, moveUps);
    vehicles.routePos[v]++;
    if (halted) vehicles.accelFrom[v] = 0; // it restarts from standstill: the loss falls on the link where it is back at speed (links.enter)
    // SUMO's cautious approach to a minor link (sumo-lane.ts): what slowing down cost beyond the wait at the line.
    const minorLoss = halted ? 0 : this.conflicts.minorLoss[e] - (now - vehicles.stopLineTime[v]);
    links.enter(v, b, now, minorLoss > 0 ? minorLoss : 0, group);
    this.lastPass[e] = now;
    if (runner !== NONE) this.yellow.runner[e] = NONE;
    if (yields && this.sneakers[e] > 0) this.sneakers[e]--;
    nextFree[e] = now + (yields ? this.conflicts.followUp[e] : this.headway[e]);
    exitNextFree[a] = now + links.exitHeadway[a];
    if (queueLength[e] > 0) this.scheduleService(e, nextFree[e] > exitNextFree[a] ? nextFree[e] : exitNextFree[a]);
  }

  /** Lanes of its approach that vehicle `v`, queued for movement `e`, may be in: its lane group's, within the movement's. */
  private heldLanes(v: number, e: number): number {
    const every = this.net.movementLaneMask[e] >>> 0 || 0xffffffff;
    const within = (this.links.groupMask[this.links.vehicleGroup(v)] & every) >>> 0;
    return within !== 0 ? within : every;
  }

  /**
   * Movement `e` (not on shared lanes) into `b`: its head `head` waits for a full
   * lane group there. The first vehicle behind it that no lane can hold behind a
   * vehicle ahead of it still waiting (the lanes leading to each one's group on
   * `b` counted as held; lane-groups.ts) and whose own group has room; NONE when
   * none within `PASS_SCAN` vehicles. Sets `passPrevious` and `passGroup`.
   */
  private passFull(e: number, b: number, head: number, group: number): number {
    const links = this.links;
    const vehicles = this.vehicles;
    const every = this.net.movementLaneMask[e] >>> 0 || 0xffffffff;
    let held = (links.feedLanes(e, group) & this.heldLanes(head, e)) >>> 0;
    let previous = head;
    for (let u = vehicles.next[head], k = 0; u !== NONE && k < PASS_SCAN && held !== every; previous = u, u = vehicles.next[u], k++) {
      const own = this.heldLanes(u, e);
      const g = links.groupOf(u, b, vehicles.routePos[u] + 1, e, links.vehicleGroup(u));
      const lanes = (links.feedLanes(e, g) & own) >>> 0;
      if ((lanes & held) === 0 && links.hasRoom(b, g)) {
        this.passPrevious = previous;
        this.passGroup = g;
        return u;
      }
      held = (held | lanes) >>> 0;
    }
    return NONE;
  }

  /**
   * Movement `e` on shared-lane link `a` into `b`: the vehicle `first` picked waits
   * for a full lane group there. The vehicle heading another of the movement's
   * lanes that `pick` would take next, whose group has room; NONE when none (the
   * lane state is left as the first pick set it). Sets `passPrevious` and `passGroup`.
   */
  private pickPastFull(e: number, a: number, b: number, first: number): number {
    const lanes = this.lanes;
    const links = this.links;
    const vehicles = this.vehicles;
    if (lanes.lane[first] === IN_JUNCTION) return NONE;
    const ready = lanes.laneReady[e];
    let skip = (1 << lanes.lane[first]) >>> 0;
    for (let tries = 0; tries < 32; tries++) {
      const u = lanes.pick(e, a, this.queueHead[e], skip);
      if (u === NONE || lanes.lane[u] === IN_JUNCTION) break;
      const g = links.groupOf(u, b, vehicles.routePos[u] + 1, e, links.vehicleGroup(u));
      if (links.hasRoom(b, g)) {
        this.passPrevious = lanes.pickedPrevious;
        this.passGroup = g;
        return u;
      }
      skip = (skip | (1 << lanes.lane[u])) >>> 0;
    }
    lanes.laneBlocked[e] = 0; // restore the first pick's state: it headed a lane
    lanes.laneReady[e] = ready;
    return NONE;
  }

  /** Space was freed on link `l` at `now` (s): wake its blocked entry movements round-robin while storage lasts. */
  wake(l: number, now: number): void {
    const net = this.net;
    const links = this.links;
    const first = net.movementInOffsets[l];
    const count = net.movementInOffsets[l + 1] - first;
    for (let i = 0; i < count && links.occupancy[l] < links.storage[l]; i++) {
      let slot = this.wakeCursor[l] + i; // < 2 x count: wrap by one subtraction
      if (slot >= count) slot -= count;
      const e = net.movementIn[first + slot];
      if (this.blocked[e] === 1) {
        this.blocked[e] = 0;
        links.blockedInto[l]--;
        this.serve(e, now);
        if (this.blocked[e] === 0) this.wakeCursor[l] = slot + 1 === count ? 0 : slot + 1;
      }
    }
  }

  /** Record which movements show green now, without serving (after the controllers' start). */
  showAll(): void {
    const signal = this.signal;
    for (let e = 0; e < signal.length; e++) {
      const open = signal[e] === GREEN || signal[e] === PERMISSIVE;
      this.shownOpen[e] = open ? signal[e] : 0;
      this.sneakers[e] = open ? this.conflicts.storage[e] : 0;
    }
  }

  /**
   * The signal of junction `j` changed at `now` (s): centre the first slot of each
   * new green, arm the junction-storage release of each permissive green that
   * ended (at most the vehicles queued now), serve the queues.
   */
  show(j: number, now: number): void {
    const { signal, shownOpen, nextFree, headway, queueLength, junctionMovements, sneakers } = this;
    for (let p = this.junctionMovementOffsets[j], end = this.junctionMovementOffsets[j + 1]; p < end; p++) {
      const e = junctionMovements[p];
      const st = signal[e];
      const open = st === GREEN || st === PERMISSIVE;
      if (open && shownOpen[e] === 0) {
        // Service slots are centred in the effective green: the first vehicle leaves the
        // start-up lost time plus half a headway after green starts, so g seconds serve
        // s x (g - lost) vehicles as in the fluid model.
        const first = now + this.startUpLost[e] + 0.5 * headway[e];
        if (nextFree[e] < first) nextFree[e] = first;
        sneakers[e] = this.conflicts.storage[e];
        this.moves.green(e, now);
      } else if (!open && shownOpen[e] !== 0) {
        // Green ended: after a permissive one, the vehicles queued now that the storage still holds leave (floor rule).
        if (shownOpen[e] === GREEN && st === YELLOW) this.yellow.onset(e, now);
        if (shownOpen[e] !== PERMISSIVE) sneakers[e] = 0;
        else if (sneakers[e] > queueLength[e]) sneakers[e] = queueLength[e];
      }
      shownOpen[e] = open ? st : 0;
      if (queueLength[e] > 0) this.serve(e, now);
    }
  }

  /**
   * Permissive movement `e` on shared-lane link `a` found no gap at `now` (s): its
   * vehicles heading a lane pull into the junction while its junction storage
   * this green lasts and they fit wholly in it, freeing their lanes for those behind.
   */
  private pullIn(e: number, a: number, now: number): void {
    const lanes = this.lanes;
    const next = this.vehicles.next;
    for (let u = this.queueHead[e], room = Math.min(this.sneakers[e], this.conflicts.storageClear[e]); u !== NONE && lanes.inJunction[e] < room; u = next[u]) {
      if (!lanes.heads(u, e, a)) continue;
      const behind = lanes.toJunction(u, e, a);
      if (behind !== NONE) this.scheduleService(behind, now);
    }
  }

  /** Movement `e` from link `a` waits at a signal that shows it neither green nor permissive now. */
  private closedAt(a: number, e: number): boolean {
    if (this.signalised[a] !== 1) return false;
    const st = this.signal[e];
    return st !== GREEN && st !== PERMISSIVE;
  }

  private scheduleService(e: number, t: number): void {
    const pending = this.serviceAt[e];
    if (pending <= t) return; // an earlier or equal service is already pending (NaN compares false)
    this.serviceAt[e] = t;
    this.scheduler.schedule(t, SERVICE, e);
  }

  /**
   * Gap acceptance for a yielding movement whose vehicle `head` is next: 0 (go now) when the last conflicting
   * vehicle has cleared the junction (its passing plus its movement's clear time)
   * and each next conflicting vehicle reaches the conflict no sooner than the
   * critical lag from now, else the time to look again, s: when the junction
   * clears, or the moment the next conflicting vehicle passes (its stop-line event,
   * or the discharge slot of a queued conflicting vehicle), so a gap is judged from
   * its start, as the HCM potential-capacity model (HCM 6th ed., Eq. 20-38) assumes.
   * Retrying any later lengthens every accepted gap: the old retry 0.1 s after the
   * passing cost 4% of the minor capacity at 1,400 veh/h conflicting.
   *
   * The lag is the stopped one once the head vehicle has halted (the kernel's halt
   * rule, losses.ts); before that, at a yield in the SUMO model, the one for its
   * rolling speed (gap-acceptance.ts). An impatient vehicle (SUMO model:
   * impatience grows with its waiting time) counts a conflicting vehicle that
   * could still stop as arriving up to `IMPATIENCE_HORIZON` later, as SUMO does
   * (gap-acceptance.ts); when it forces its way in, the conflicting movements are
   * held until it has left the junction (they brake for it).
   *
   * Same-time ordering: a stop-line event was scheduled when its vehicle entered the
   * link, before this retry, so at equal times it runs first and the retry sees the
   * vehicle behind it.
   */
  private gapWait(e: number, now: number, head: number): number {
    const c = this.conflicts;
    const net = this.net;
    const transitHead = this.links.transitHead;
    const exitNextFree = this.links.exitNextFree;
    const stopLineTime = this.vehicles.stopLineTime;
    const lastPass = this.lastPass;
    const reached = stopLineTime[head];
    // Green after stopping: a vehicle that arrived at speed first brakes to a halt at the line.
    if (reached + c.haltTime[e] > now) return reached + c.haltTime[e];
    let lag = c.criticalGap[e];
    const crossing = c.rollingCrossing[e];
    if (crossing > 0 && now - reached < this.haltWait[e]) {
      // Not halted: still rolling at u = v (1 - sqrt(w / halt wait)) after a wait w (gap-acceptance.ts).
      const u = net.linkSpeed[net.movementFrom[e]] * (1 - Math.sqrt((now - reached) / this.haltWait[e]));
      lag = leaveTime(crossing, c.vehicleLength, u, net.linkSpeed[net.movementTo[e]], c.accel) + c.timegap;
    }
    let nextConflict = Infinity; // next conflicting arrival
    let nextStoppable = Infinity; // next one still able to stop (at least its stop time away)
    let cleared = -Infinity;
    for (let i = c.conflictOffsets[e], end = c.conflictOffsets[e + 1]; i < end; i++) {
      const other = c.conflicts[i];
      const oa = net.movementFrom[other];
      const clear = lastPass[other] + c.clearTime[other];
      if (clear > cleared) cleared = clear;
      if (this.closedAt(oa, other)) continue;
      let arrival = Infinity;
      if (this.queueLength[other] > 0 && this.lanes.laneBlocked[other] === 0) {
        // A queue held by a full exit link does not move: its head will not pass, so it is no foe now (SUMO:
        // a foe that will not pass, `willPass` false, never blocks; MSLink::blockedByFoe). Waiting for it
        // starved the yielding movement for as long as the spillback lasted, and closed gridlocks SUMO flows through.
        if (this.blocked[other] === 1) continue;
        // Its head passes at its next discharge slot.
        arrival = this.nextFree[other] > exitNextFree[oa] ? this.nextFree[other] : exitNextFree[oa];
        if (this.lanes.movementMask[other] !== 0 && this.lanes.laneReady[other] > arrival) arrival = this.lanes.laneReady[other]; // its lane's headway
        if (arrival < now) arrival = now;
      }
      const head = transitHead[oa];
      if (head !== NONE && stopLineTime[head] < arrival) arrival = stopLineTime[head];
      if (arrival === Infinity && head === NONE) arrival = this.upstreamArrival(other, now);
      if (arrival - now >= c.stopTime[other]) {
        if (arrival < nextStoppable) nextStoppable = arrival;
      } else if (arrival < nextConflict) {
        nextConflict = arrival;
      }
    }
    if (cleared > now) return cleared; // a conflicting vehicle is still on the junction
    if (nextConflict - now >= lag) {
      // Impatience (0 in the HCM model) after the head's wait since it reached the stop line, the vehicle
      // ahead left or the junction last cleared (SUMO's waiting time restarts whenever the vehicle moves).
      let since = reached > lastPass[e] ? reached : lastPass[e];
      if (cleared > since) since = cleared;
      let impatience = c.impatience + (now - since) / c.timeToImpatience;
      if (impatience > 1) impatience = 1;
      if (c.alwaysYields[e] === 0) impatience = 0; // permissive turns at signals: HCM's rule, no impatience
      // A conflicting vehicle far enough to stop is taken as arriving up to IMPATIENCE_HORIZON later.
      const slack = impatience * IMPATIENCE_HORIZON;
      if (nextStoppable + slack - now >= lag) {
        if (c.crossing[e] > 0 && c.alwaysYields[e] === 1) {
          const merging = this.mergeWait(e, now, head, lag);
          if (merging > now) return merging;
        }
        if (nextStoppable - now < lag) {
          // Forced in: the conflicting vehicles brake, none passes before it has left the junction.
          const leave = now + lag - c.timegap;
          for (let i = c.conflictOffsets[e], end = c.conflictOffsets[e + 1]; i < end; i++) {
            const other = c.conflicts[i];
            if (this.nextFree[other] < leave) this.nextFree[other] = leave;
          }
        }
        return 0;
      }
    }
    if (nextStoppable < nextConflict) nextConflict = nextStoppable;
    // A conflicting vehicle due this very instant (its discharge pending at `now`): look again just after it.
    return nextConflict > now ? nextConflict : now + MIN_RETRY;
  }

  /**
   * When no vehicle is on the approach link of conflicting movement `other`: the
   * earliest time a vehicle one link further back reaches `other`'s stop line,
   * at free flow over the approach link (Infinity: none coming). A vehicle
   * driving up to that link's stop line and going on to the approach link counts
   * (the one heading its transit list only, and only while nobody is queued
   * there); behind a signal that is not open, none (it stops there). Queue heads
   * do not count: a yielding or held head may not go, and waiting for one closed
   * waiting cycles into gridlock on OSM Monaco (HCM gaps). SUMO's vehicles
   * announce themselves at every junction within their look-ahead, across short links, which the short edges of a
   * SUMO network (clusters, split roads of 5-20 m) otherwise hide: a vehicle
   * was seen less than a second before it arrived.
   */
  private upstreamArrival(other: number, now: number): number {
    const net = this.net;
    const oa = net.movementFrom[other];
    const exitNext = net.movementTo[other];
    const transitHead = this.links.transitHead;
    const stopLineTime = this.vehicles.stopLineTime;
    const drive = Math.max(0, net.linkFreeFlowTime[oa] + net.movementTimeOffset[other]);
    let best = Infinity;
    for (let i = net.movementInOffsets[oa], end = net.movementInOffsets[oa + 1]; i < end; i++) {
      const m = net.movementIn[i];
      const u = net.movementFrom[m];
      if (this.closedAt(u, m)) continue;
      if (this.queueLength[m] > 0) continue; // a queue stands there: those driving up are behind it, and a standing vehicle announces no near arrival
      const h = transitHead[u];
      if (h !== NONE && this.routeLink(h, 1) === oa && this.routeLink(h, 2) === exitNext && stopLineTime[h] + drive < best) best = stopLineTime[h] + drive;
    }
    return best;
  }

  /** The link `ahead` links after vehicle `v`'s current one on its route, or -1 past its end. */
  private routeLink(v: number, ahead: number): number {
    const vehicles = this.vehicles;
    const at = vehicles.routePos[v] + ahead;
    return at < vehicles.routeEnd[v] ? vehicles.routePool[at] : -1;
  }

  /**
   * SUMO model, a merge (the conflicting movement enters the same exit link): an
   * impatient driver (impatience I > 0) judges a conflicting vehicle by the speed
   * it would still have on arrival if it braked at I x b (MSLink::blockedByFoe with
   * computeFoeArrivalTimeBraking, SUMO 1.15): one at speed v and distance d that
   * cannot stop so (v² > 2 I b d) arrives at sqrt(v² - 2 I b d), and the merge is
   * unsafe (MSLink::unsafeMergeSpeeds, equal decelerations) while that is at least
   * the speed the waiting vehicle leaves the junction with, however long the lag.
   * Impatience grows with SUMO's waiting time, the time at standstill: from when
   * the vehicle has braked to a halt at the line (its halt wait after reaching
   * it) or, moving up behind one that left, a follow-up headway after that one
   * passed; before that it is 0 and the plain lag rule holds (SUMO's followers
   * roll up and go on the plain rule). Returns 0 when no such vehicle blocks the merge, else the time
   * to look again: when the growing impatience first lets it go, or when the
   * blocking vehicle passes. Only the vehicle driving up next on each merging
   * approach is judged (as SUMO's nearest registered foe), and only if it takes
   * the same exit; lanes of the exit link are not told apart (every vehicle
   * entering it counts), nor are vehicles beyond the approach link seen.
   */
  private mergeWait(e: number, now: number, head: number, lag: number): number {
    const c = this.conflicts;
    const net = this.net;
    const transitHead = this.links.transitHead;
    const stopLineTime = this.vehicles.stopLineTime;
    const speedFactor = this.vehicles.speedFactor;
    const b = c.decel;
    const reached = stopLineTime[head];
    const wait = now - reached;
    // SUMO's waiting time counts at standstill only: from when a vehicle arriving at the line has braked to a
    // halt, or a follower has moved up to it (the previous one left a follow-up headway ago); moving resets it.
    let standing = reached + this.haltWait[e];
    const movedUp = this.lastPass[e] + c.followUp[e];
    if (movedUp > standing) standing = movedUp;
    let impatience = c.impatience + (now > standing ? (now - standing) / c.timeToImpatience : 0);
    if (impatience > 1) impatience = 1;
    if (impatience <= 0) return 0;
    // Leave speed: accelerating over the crossing from the speed it still has (0 once halted), at most the exit speed.
    const vIn = net.linkSpeed[net.movementFrom[e]];
    const u = c.rollingCrossing[e] > 0 && wait < this.haltWait[e] ? vIn * (1 - Math.sqrt(wait / this.haltWait[e])) : 0;
    const exitSpeed = net.linkSpeed[net.movementTo[e]];
    let vLeave = Math.sqrt(u * u + 2 * c.accel * c.crossing[e]);
    if (vLeave > exitSpeed) vLeave = exitSpeed;
    let retry = 0;
    for (let i = c.conflictOffsets[e], end = c.conflictOffsets[e + 1]; i < end; i++) {
      if (c.merge[i] === 0) continue;
      const other = c.conflicts[i];
      const oa = net.movementFrom[other];
      if (this.closedAt(oa, other)) continue;
      const h = transitHead[oa];
      let arrival: number;
      let v = net.linkSpeed[oa];
      if (h !== NONE) {
        if (this.routeLink(h, 1) !== net.movementTo[other]) continue; // the vehicle driving up next on that link goes elsewhere (or ends there)
        arrival = stopLineTime[h];
        v *= speedFactor[h];
      } else if (this.queueLength[other] > 0) {
        continue; // only vehicles driving up count: a queued one stands
      } else {
        arrival = this.upstreamArrival(other, now); // the approach link is empty: the next one driving up from further back
      }
      const t = arrival - now;
      if (t <= 0 || t === Infinity) continue;
      // Blocked while v² - 2 I b v t >= vLeave²; impatience grows as I + s / T_i over the next s seconds, the lag shrinks as t - s.
      const k = (v * v - vLeave * vLeave) / (2 * b * v);
      if (k <= 0 || impatience * t > k) continue;
      let free = arrival; // it has passed: look again then
      const ti = c.timeToImpatience;
      if (Number.isFinite(ti)) {
        // Earliest s with (I + s / T_i)(t - s) >= k (impatience capped at 1 is no earlier than this root).
        const bq = t / ti - impatience;
        const disc = bq * bq + (4 * (impatience * t - k)) / ti;
        if (disc >= 0) {
          const s = ((bq - Math.sqrt(disc)) * ti) / 2;
          if (s > 0 && t - s >= lag) free = now + s;
        }
      }
      if (free > retry) retry = free;
    }
    return retry;
  }
}

/**
 * Link sub-state of the kernel: per-link arrays indexed by link id — storage and
 * occupancy, the transit list of vehicles driving to the stop line, the
 * departure queue of trips waiting to enter, the approach's discharge limit, and
 * the experienced travel times routing reads.
 *
 * Model (see ARCHITECTURE.md, "The traffic model"):
 *  - Storage of a link: floor(lanes x length / jam spacing) vehicles, at least
 *    one per lane (a car stands in each lane of a link shorter than itself, its
 *    rear over the junction behind, as SUMO's do on its 0.2 m edges).
 *    A vehicle occupies it from entering until the space it freed at the
 *    downstream end has travelled back to the upstream end.
 *  - Space freed at the downstream end reaches the upstream end after length / w,
 *    with w the backward wave speed of the triangular fundamental diagram,
 *    w = s / (1/jamSpacing - s/speed) (per lane: capacity s, jam density
 *    1/jamSpacing), and is returned to the link then.
 *
 * Releases are lazy: a vehicle leaving takes a sequence number for its release
 * (`Scheduler.reserve`) and the release waits in the link's ring with its time.
 * Whoever reads the link's occupancy first applies the releases due before the
 * command being run (`settle`: time, then sequence number), which is exactly
 * what their commands would have done by then. A `CMD_RELEASE` is pushed only
 * while something waits for the space (a movement blocked on the link, trips
 * waiting to enter it): then the head release is armed with its reserved
 * sequence number, and runs (`free`, then the wake-ups) where its command always
 * ran. Results are bit for bit those of one command per release; the queue of
 * commands carries a release only where one can wake someone.
 *  - A vehicle entering link l reaches its stop line after the free-flow time
 *    length / speed (with the time offset of the turn it takes next, turn-times.ts),
 *    lengthened by dawdling, divided by its desired-speed factor f and plus any
 *    start-up loss it carries (losses.ts). On a one-lane link (or
 *    when the class has no speed spread) never before the vehicle ahead: the
 *    transit list is FIFO. On a link of several lanes, with a spread, faster
 *    vehicles pass slower ones: each reaches the stop line at its own time and
 *    enters the transit list in that order (`insertByArrival`, walking back from
 *    the tail through `prev`, which exists only then: +4 bytes per vehicle). Either
 *    way the list is in stop-line order, which its readers rely on (movements.ts
 *    gap acceptance reads its head as the next arrival; controllers.ts scans it
 *    for detector passages in ascending order).
 *  - The approach as a whole discharges at most one vehicle per 1 / (s x lanes)
 *    (`exitHeadway`, `exitNextFree`); trips enter their first link at the same
 *    rate (`insert`), while storage lasts, unless the vehicle class inserts as
 *    SUMO does (losses.ts `departLane`, `insertionHeadway`): on one lane, and
 *    from standstill no faster than its insertion headway per lane.
 *
 *  - Lane groups (lane-groups.ts): a vehicle on a link counts in one lane group
 *    of its next movement, chosen as it enters (`groupOf`: where the movement
 *    has several, one its lanes upstream lead to, with the shorter queue) and
 *    kept while it is on the link (`Vehicles.group`; its exit group on its last
 *    link); a group's storage and the link's both bound entry, so a full turn
 *    lane blocks only the vehicles that need it (movements.ts checks
 *    `hasRoom`). Trips wait to enter their first link per group: one whose
 *    group is full does not hold up the others (CityFlow and SUMO insert per
 *    lane: SUMO remembers the lanes that refused a vehicle in a step).
 *
 * Not modelled: short turn bays (a pocket shorter than its link that fills and
 * then blocks the shared part); SUMO networks bring bays as separate short edges.
 */
import { InputError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { CMD_INSERT, CMD_RELEASE, CMD_STOPLINE, NONE as NO_VEHICLE } from './commands.js';
import type { SimObserver } from './observer.js';
import { buildLaneGroups } from './lane-groups.js';
import { accelerationDistance, accelerationLossWithin, dawdleFactor, departureLoss, departureLossAt, type VehicleModel } from './losses.js';
import { movementDriveTimes } from './turn-times.js';
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
  /** Storage, vehicles: floor(lanes x length / jam spacing), at least one per lane. */
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
  /** First vehicle driving to the stop line (the list through `Vehicles.next` is in stop-line order: entry order where nobody overtakes), or -1. */
  readonly transitHead: Int32Array;
  /** Last vehicle driving to the stop line, or -1. */
  readonly transitTail: Int32Array;
  /** Per link: trips waiting to enter it as their first link. */
  readonly waitingAt: Int32Array;
  /** Per lane group: first trip waiting to enter the link in that group (FIFO in departure order), or -1. */
  readonly departHead: Int32Array;
  /** Per lane group: last trip waiting to enter in that group, or -1. */
  readonly departTail: Int32Array;
  /** Per link: its first lane group id (length links + 1; lane-groups.ts). */
  readonly groupOffsets: Int32Array;
  /** Per movement (CSR): the lane groups its vehicles may take on its approach link (lane-groups.ts). */
  readonly movementGroupOffsets: Int32Array;
  readonly movementGroups: Int32Array;
  /** Lanes of each lane group on its link (bit i = lane i). */
  readonly groupMask: Uint32Array;
  /** Lane count of each lane group. */
  readonly groupLanes: Int32Array;
  /** Per lane group: vehicles of the group queued at its link's stop line. */
  readonly groupQueued: Int32Array;
  /** Storage of each lane group, vehicles. */
  readonly groupStorage: Int32Array;
  /** Per movement: where its lane feeds start in `feed` (lane-groups.ts). */
  readonly feedBase: Int32Array;
  /** Approach lanes of each movement leading to each lane group of its exit link (0: not stated; lane-groups.ts). */
  readonly feed: Uint32Array;
  /** Vehicles counted in each lane group, plus space not yet returned to it. */
  readonly groupOccupancy: Int32Array;
  /** Per link: groups whose space is on its way back (a ring in `releaseRing[ringOffsets[l] ..]`, FIFO like the releases). */
  private readonly releaseRing: Int32Array;
  /** Per ring slot: when the space reaches the upstream end, s. */
  private readonly releaseTime: Float64Array;
  /** Per ring slot: the sequence number reserved for the release's command. */
  private readonly releaseSeq: Float64Array;
  /** Per link: 1 while the head release has its `CMD_RELEASE` in the queue. */
  private readonly armed: Uint8Array;
  /** Per link: movements into it blocked for want of storage (movements.ts counts them). */
  readonly blockedInto: Int32Array;
  /** Releases not yet applied, all links. */
  private pending = 0;
  /** Every release armed (set when the queue ran dry with releases pending, so the clock passes them as their commands did). */
  private eager = false;
  private readonly ringOffsets: Int32Array;
  private readonly ringHead: Int32Array;
  private readonly ringCount: Int32Array;
  private readonly net: CompiledNetwork;
  /** Shortest time between two trips entering link `l` as their first link, moving and from standstill, s (`insert`). */
  private readonly insertHeadway: Float64Array;
  private readonly standstillInsertHeadway: Float64Array;
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
  /** Per movement, drive time to its approach's stop line for a vehicle taking it next, s; null without time offsets (turn-times.ts). */
  readonly moveDriveTime: Float64Array | null;
  /** Loss of a start from standstill onto the link, s: a trip entering it as its first, a vehicle restarting after a halt (losses.ts). */
  readonly departureLoss: Float64Array;
  /** Distance a start from standstill takes to reach the link's speed, m (0 without start losses). */
  private readonly accelReach: Float64Array;
  /** Per trip: its speed entering its first link, m/s (`TripTable.departSpeed`); absent when every trip starts from standstill. */
  private readonly departSpeed: Float64Array | undefined;
  /** The vehicle class, for the departure loss of a trip that departs moving. */
  private readonly model: VehicleModel;
  /** Link speeds, m/s (the network's). */
  private readonly speedOf: Float64Array;
  /** Latest stop-line time given to a vehicle on the link, s (keeps the transit list FIFO where nobody overtakes). */
  readonly lastStopLine: Float64Array;

  /** Whether vehicles pass slower ones on links of several lanes (the class spreads desired speeds: speedDev > 0). */
  readonly overtake: boolean;
  /** Per vehicle: the vehicle before it in its link's transit list, or -1 (only while `overtake`; empty otherwise). */
  private readonly prev: Int32Array;

  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  private readonly observers: SimObserver[];

  /**
   * Link state of `net`. Throws `InputError` at `links.<id>` when a link's
   * saturation flow cannot be reached at its speed and jam spacing
   * (s >= speed / jamSpacing leaves no backward wave). `observers` is the run's
   * list, shared by reference.
   */
  constructor(net: CompiledNetwork, vehicles: Vehicles, scheduler: Scheduler, observers: SimObserver[], model: VehicleModel, departSpeed?: Float64Array) {
    const m = net.linkCount;
    this.model = model;
    this.departSpeed = departSpeed;
    this.speedOf = net.linkSpeed;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.observers = observers;
    this.storage = new Int32Array(m);
    this.occupancy = new Int32Array(m);
    this.present = new Int32Array(m);
    this.releaseDelay = new Float64Array(m);
    this.exitHeadway = new Float64Array(m);
    this.insertHeadway = new Float64Array(m);
    this.standstillInsertHeadway = new Float64Array(m);
    this.exitNextFree = new Float64Array(m).fill(-Infinity);
    this.transitHead = new Int32Array(m).fill(NONE);
    this.transitTail = new Int32Array(m).fill(NONE);
    this.waitingAt = new Int32Array(m);
    this.insertAt = new Float64Array(m).fill(-Infinity);
    this.lastInsert = new Float64Array(m).fill(-Infinity);
    this.ttSum = new Float64Array(m);
    this.ttCount = new Int32Array(m);
    this.driveTime = new Float64Array(m);
    this.departureLoss = new Float64Array(m);
    this.accelReach = new Float64Array(m);
    this.lastStopLine = new Float64Array(m).fill(-Infinity);
    this.overtake = (model.speedDev ?? 0) > 0;
    this.prev = new Int32Array(this.overtake ? vehicles.next.length : 0).fill(NONE);
    for (let l = 0; l < m; l++) {
      this.driveTime[l] = net.linkFreeFlowTime[l] * (1 + dawdleFactor(model, net.linkSpeed[l]));
      this.departureLoss[l] = departureLoss(model, net.linkSpeed[l]);
      this.accelReach[l] = accelerationDistance(model, net.linkSpeed[l]);
      const s = net.linkSaturationFlow[l];
      const jam = net.linkJamSpacing[l];
      const v = net.linkSpeed[l];
      const denominator = 1 / jam - s / v;
      if (!(denominator > 0)) {
        throw new InputError(`links.${net.linkKey(l)}`, `saturation flow ${s} veh/s per lane cannot be reached at speed ${v} m/s with jam spacing ${jam} m (needs s < speed / jamSpacing)`);
      }
      const w = s / denominator;
      this.releaseDelay[l] = net.linkLength[l] / w;
      this.storage[l] = Math.max(net.linkLanes[l], Math.floor(net.storage(l)));
      this.exitHeadway[l] = 1 / (s * net.linkLanes[l]);
      // Insertion: per lane no faster than the saturation headway (from standstill, the class's insertion headway), over one lane or all.
      const lanes = model.departLane === 'first' ? 1 : net.linkLanes[l];
      this.insertHeadway[l] = 1 / (s * lanes);
      this.standstillInsertHeadway[l] = Math.max(1 / s, model.insertionHeadway ?? 0) / lanes;
    }
    this.net = net;
    this.moveDriveTime = movementDriveTimes(net, this.driveTime);
    const groups = buildLaneGroups(net, this.storage);
    this.groupOffsets = groups.groupOffsets;
    this.movementGroupOffsets = groups.movementGroupOffsets;
    this.movementGroups = groups.movementGroups;
    this.groupQueued = new Int32Array(groups.groupStorage.length);
    this.groupMask = groups.groupMask;
    this.groupLanes = groups.groupLanes;
    this.groupStorage = groups.groupStorage;
    this.feedBase = groups.feedBase;
    this.feed = groups.feed;
    const g = groups.groupLink.length;
    this.groupOccupancy = new Int32Array(g);
    this.departHead = new Int32Array(g).fill(NONE);
    this.departTail = new Int32Array(g).fill(NONE);
    // Releases pending on a link never exceed its storage (each holds a unit of occupancy).
    this.ringOffsets = new Int32Array(m + 1);
    for (let l = 0; l < m; l++) this.ringOffsets[l + 1] = this.ringOffsets[l] + this.storage[l];
    this.releaseRing = new Int32Array(this.ringOffsets[m]);
    this.releaseTime = new Float64Array(this.ringOffsets[m]);
    this.releaseSeq = new Float64Array(this.ringOffsets[m]);
    this.armed = new Uint8Array(m);
    this.blockedInto = new Int32Array(m);
    this.ringHead = new Int32Array(m);
    this.ringCount = new Int32Array(m);
  }

  /** Bytes of per-vehicle state held here: the transit list's back links (0 unless `overtake`). */
  get vehicleBytes(): number {
    return this.prev.byteLength;
  }

  /**
   * Lane group vehicle `v` takes on link `l` when its route position there is
   * `pos`: one of its next movement's (lane-groups.ts: where several serve it,
   * one its lanes on the link it comes from lead to, through movement `via`
   * from its lane group `from` there (-1: unknown), and from which its
   * movement after can be reached, the one with the fewest vehicles queued at
   * the stop line per lane, then the most room), or the link's exit group.
   */
  groupOf(v: number, l: number, pos: number, via = -1, from = -1): number {
    const e = this.nextMovement(v, l, pos);
    if (e < 0) return this.groupOffsets[l + 1] - 1;
    const g0 = this.movementGroupOffsets[e];
    const g1 = this.movementGroupOffsets[e + 1];
    if (g1 - g0 === 1) return this.movementGroups[g0];
    // The lanes it holds upstream: its group's, within the movement it comes through (all of them when unknown).
    const held = via < 0 || from < 0 ? 0 : (this.groupMask[from] & (this.net.movementLaneMask[via] >>> 0 || 0xffffffff)) >>> 0;
    // Several lane classes serve its next movement: keep those its lanes upstream lead to (`via`, `held`) and from
    // which the movement after can be reached, and take the one with the shorter queue.
    if (this.ringCount[l] > 0) this.settle(l);
    const vehicles = this.vehicles;
    const f = pos + 2 < vehicles.routeEnd[v] ? this.net.movementBetween(vehicles.routePool[pos + 1], vehicles.routePool[pos + 2]) : -1;
    let best = -1;
    let bestRank = 0;
    let bestQueued = Infinity;
    let bestRoom = -Infinity;
    for (let k = g0; k < g1; k++) {
      const g = this.movementGroups[k];
      // Rank 2: reachable from the lanes it holds and leads on to its next turn; 1: one of the two; 0: neither.
      let rank = 0;
      if (via < 0 || held === 0 || (this.feedLanes(via, g) & held) !== 0) rank++;
      if (f < 0 || this.leadsTo(e, f, this.groupMask[g])) rank++;
      // The shorter queue: vehicles queued at the stop line per lane; then the most room, then the lowest group.
      const queued = this.groupQueued[g] / this.groupLanes[g];
      const room = this.groupStorage[g] - this.groupOccupancy[g];
      if (best < 0 || rank > bestRank || (rank === bestRank && (queued < bestQueued || (queued === bestQueued && room > bestRoom)))) {
        best = g;
        bestRank = rank;
        bestQueued = queued;
        bestRoom = room;
      }
    }
    return best;
  }

  /** Whether a vehicle of movement `e` in the lanes `mask` of its approach can reach a lane group of movement `f` on the exit link (lane feeds). */
  private leadsTo(e: number, f: number, mask: number): boolean {
    for (let k = this.movementGroupOffsets[f], end = this.movementGroupOffsets[f + 1]; k < end; k++) {
      if ((this.feedLanes(e, this.movementGroups[k]) & mask) !== 0) return true;
    }
    return false;
  }

  /** Whether lane group `g` of link `l` serves vehicle `v` there at route position `pos`: one of its next movement's groups, or the exit group on its last link. */
  serves(v: number, l: number, pos: number, g: number): boolean {
    const e = this.nextMovement(v, l, pos);
    if (e < 0) return g === this.groupOffsets[l + 1] - 1;
    for (let k = this.movementGroupOffsets[e], end = this.movementGroupOffsets[e + 1]; k < end; k++) if (this.movementGroups[k] === g) return true;
    return false;
  }

  /** Lane group vehicle `v` is in on its current link (or its departure queue). */
  vehicleGroup(v: number): number {
    return this.groupOffsets[this.vehicles.link[v]] + this.vehicles.group[v];
  }

  /** Movement vehicle `v` takes to leave link `l` when its route position there is `pos`; -1 on its last link. */
  nextMovement(v: number, l: number, pos: number): number {
    const vehicles = this.vehicles;
    if (pos + 1 >= vehicles.routeEnd[v]) return -1;
    return this.net.movementBetween(l, vehicles.routePool[pos + 1]);
  }

  /**
   * Approach lanes a vehicle of movement `e` drives in to reach lane group
   * `group` of the movement's exit link (bit i = lane i; lane-groups.ts): the
   * movement's every lane where its lane-level connections are not stated.
   */
  feedLanes(e: number, group: number): number {
    const lanes = this.feed[this.feedBase[e] + group - this.groupOffsets[this.net.movementTo[e]]];
    return lanes !== 0 ? lanes : this.net.movementLaneMask[e] >>> 0 || 0xffffffff;
  }

  /** Whether link `l` has room for a vehicle of its lane group `group`: in the link and in the group (releases due applied first). */
  hasRoom(l: number, group: number): boolean {
    if (this.ringCount[l] > 0) this.settle(l);
    return this.occupancy[l] < this.storage[l] && this.groupOccupancy[group] < this.groupStorage[group];
  }

  /** Vehicle `v`, re-routed on link `l`, now needs lane group `to` instead of `from` (it changes lanes). */
  regroup(from: number, to: number): void {
    this.groupOccupancy[from]--;
    this.groupOccupancy[to]++;
  }

  /**
   * Vehicle `v` enters link `l` at `now` (s) in lane group `group` (default: the
   * one its route gives, `groupOf`): it takes storage and reaches the stop line
   * after the drive time plus `loss` (s), plus the loss of its last start from
   * standstill if it reaches its speed on `l` or ends its trip there
   * (`Vehicles.accelFrom`, losses.ts), not before the vehicle ahead.
   */
  enter(v: number, l: number, now: number, loss: number, group = this.groupOf(v, l, this.vehicles.routePos[v])): void {
    const vehicles = this.vehicles;
    vehicles.group[v] = group - this.groupOffsets[l];
    const from = vehicles.accelFrom[v];
    if (from !== Infinity) {
      // Still accelerating from a standstill (losses.ts): the start's loss falls on the link where it reaches speed, or the trip's last.
      const d = this.net.linkLength[l];
      if (from + d >= this.accelReach[l]) {
        loss += this.departureLoss[l];
        vehicles.accelFrom[v] = Infinity;
      } else if (vehicles.routePos[v] + 1 >= vehicles.routeEnd[v]) {
        loss += accelerationLossWithin(this.departureLoss[l], this.speedOf[l], this.model.accel, from + d);
        vehicles.accelFrom[v] = Infinity;
      } else {
        vehicles.accelFrom[v] = from + d;
      }
    }
    const next = vehicles.next;
    this.occupancy[l]++;
    this.present[l]++;
    this.groupOccupancy[group]++;
    vehicles.state[v] = MOVING;
    vehicles.link[v] = l;
    vehicles.enterTime[v] = now;
    vehicles.lastMove = now;
    for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].enter?.(v, l, now);
    const tail = this.transitTail[l];
    const turn = this.moveDriveTime === null ? -1 : this.nextMovement(v, l, vehicles.routePos[v]);
    const drive = turn >= 0 ? this.moveDriveTime![turn] : this.driveTime[l];
    if (this.overtake && this.net.linkLanes[l] > 1) {
      // Several lanes, desired speeds spread: each vehicle at its own speed, passing slower ones.
      const reach = now + drive / vehicles.speedFactor[v] + loss;
      vehicles.stopLineTime[v] = reach;
      if (reach > this.lastStopLine[l]) this.lastStopLine[l] = reach;
      this.insertByArrival(v, l, reach, tail);
      this.scheduler.schedule(reach, STOPLINE, v);
      return;
    }
    next[v] = NONE;
    if (this.overtake) this.prev[v] = tail;
    if (tail === NONE) this.transitHead[l] = v;
    else next[tail] = v;
    this.transitTail[l] = v;
    // One lane (or no spread): nobody overtakes, never before the vehicle ahead (losses.ts).
    let reach = now + drive / vehicles.speedFactor[v] + loss;
    if (reach < this.lastStopLine[l]) reach = this.lastStopLine[l];
    this.lastStopLine[l] = reach;
    vehicles.stopLineTime[v] = reach;
    this.scheduler.schedule(reach, STOPLINE, v);
  }

  /**
   * Put vehicle `v`, reaching the stop line of link `l` at `reach` (s), into the
   * link's transit list after every vehicle reaching it no later (ties keep entry
   * order, as their stop-line commands do), walking back from `tail`.
   */
  private insertByArrival(v: number, l: number, reach: number, tail: number): void {
    const next = this.vehicles.next;
    const prev = this.prev;
    const stopLineTime = this.vehicles.stopLineTime;
    let after = tail;
    while (after !== NONE && stopLineTime[after] > reach) after = prev[after];
    prev[v] = after;
    const before = after === NONE ? this.transitHead[l] : next[after];
    next[v] = before;
    if (after === NONE) this.transitHead[l] = v;
    else next[after] = v;
    if (before === NONE) this.transitTail[l] = v;
    else prev[before] = v;
  }

  /** Vehicle `v` reached the stop line of its link: take it off the transit list; returns the link. */
  reachStopLine(v: number): number {
    const next = this.vehicles.next;
    const l = this.vehicles.link[v];
    // The transit list is in stop-line order (FIFO where nobody overtakes): its head arrives first.
    if (this.transitHead[l] !== v) throw new Error(`internal: vehicle ${v} reached the stop line of link ${l} out of order`);
    const head = next[v];
    this.transitHead[l] = head;
    if (head === NONE) this.transitTail[l] = NONE;
    else if (this.overtake) this.prev[head] = NONE;
    next[v] = NONE;
    return l;
  }

  /**
   * Vehicle `v` leaves link `l` at `now` (s) from lane group `group` through
   * `movement` (-1: its last link): its space is freed upstream after
   * `releaseDelay`; its travel time is counted less the movement's time offset
   * (routing adds that per turn).
   */
  leave(v: number, l: number, now: number, group: number, movement = -1): void {
    this.present[l]--;
    const ring = this.ringOffsets[l];
    let slot = this.ringHead[l] + this.ringCount[l]; // < 2 x size: wrap by one subtraction
    if (slot >= this.ringOffsets[l + 1] - ring) slot -= this.ringOffsets[l + 1] - ring;
    this.releaseRing[ring + slot] = group;
    this.releaseTime[ring + slot] = now + this.releaseDelay[l];
    this.releaseSeq[ring + slot] = this.scheduler.reserve();
    this.ringCount[l]++;
    this.pending++;
    if (this.armed[l] === 0 && (this.blockedInto[l] > 0 || this.waitingAt[l] > 0 || this.eager)) this.arm(l);
    const time = now - this.vehicles.enterTime[v];
    this.ttSum[l] += movement >= 0 && this.moveDriveTime !== null ? time - this.net.movementTimeOffset[movement] : time;
    this.ttCount[l]++;
  }

  /**
   * Apply the releases of link `l` due before the command being run (by time,
   * then sequence number; `Scheduler.seqNow`), as their commands would have.
   */
  settle(l: number): void {
    let count = this.ringCount[l];
    if (count === 0) return;
    const now = this.scheduler.now;
    const seqNow = this.scheduler.seqNow;
    const ring = this.ringOffsets[l];
    const size = this.ringOffsets[l + 1] - ring;
    let head = this.ringHead[l];
    const before = count;
    while (count > 0) {
      const i = ring + head;
      const t = this.releaseTime[i];
      if (t > now || (t === now && this.releaseSeq[i] >= seqNow)) break;
      this.groupOccupancy[this.releaseRing[i]]--;
      head = head + 1 === size ? 0 : head + 1;
      count--;
    }
    if (count === before) return;
    this.occupancy[l] -= before - count;
    this.pending -= before - count;
    this.ringHead[l] = head;
    this.ringCount[l] = count;
  }

  /** Push the `CMD_RELEASE` of link `l`'s next release (due ones applied first), if it has one and none is pushed. */
  arm(l: number): void {
    if (this.armed[l] === 1) return;
    this.settle(l);
    if (this.ringCount[l] === 0) return;
    const i = this.ringOffsets[l] + this.ringHead[l];
    this.armed[l] = 1;
    this.scheduler.scheduleReserved(this.releaseTime[i], this.releaseSeq[i], RELEASE, l);
  }

  /** After link `l`'s `CMD_RELEASE` and its wake-ups: arm the next release while anything still waits for space on it. */
  rearm(l: number): void {
    if (this.armed[l] === 0 && this.ringCount[l] > 0 && (this.blockedInto[l] > 0 || this.waitingAt[l] > 0 || this.eager)) this.arm(l);
  }

  /** Arm every pending release from now on (the queue ran dry with releases pending); false when none is pending. */
  armAll(): boolean {
    if (this.pending === 0) return false;
    this.eager = true;
    for (let l = 0; l < this.ringCount.length; l++) if (this.ringCount[l] > 0) this.arm(l);
    return true;
  }

  /** `CMD_RELEASE` of link `l`: its head release, armed, is due now; the space is returned. */
  free(l: number): void {
    const ring = this.ringOffsets[l];
    const head = this.ringHead[l];
    if (this.armed[l] !== 1 || this.ringCount[l] === 0 || this.releaseSeq[ring + head] !== this.scheduler.seqNow) {
      throw new Error(`internal: release of link ${l} run out of order (armed ${this.armed[l]}, pending ${this.ringCount[l]}, seq ${this.releaseSeq[ring + head]} vs ${this.scheduler.seqNow} at ${this.scheduler.now})`);
    }
    this.armed[l] = 0;
    this.occupancy[l]--;
    this.pending--;
    this.groupOccupancy[this.releaseRing[ring + head]]--;
    this.ringHead[l] = head + 1 === this.ringOffsets[l + 1] - ring ? 0 : head + 1;
    this.ringCount[l]--;
  }

  /** Trip `v` joins the departure queue of link `l`, its first, at `now` (s), in the lane group it will take there. */
  queueDeparture(v: number, l: number, now: number): void {
    const next = this.vehicles.next;
    this.vehicles.enterTime[v] = now; // its place in the departure order until it enters
    const g = this.groupOf(v, l, this.vehicles.routePos[v]);
    this.vehicles.group[v] = g - this.groupOffsets[l];
    const tail = this.departTail[g];
    if (tail === NONE) this.departHead[g] = v;
    else next[tail] = v;
    this.departTail[g] = v;
    next[v] = NONE;
    this.waitingAt[l]++;
    if (this.armed[l] === 0 && this.ringCount[l] > 0) this.arm(l); // it may wait for space
  }

  /**
   * Move trips from the departure queues of link `l` onto it at `now` (s): at most
   * one per headway 1 / (s x lanes), while the link has storage; each time the
   * earliest-departed first trip of a lane group with room (FIFO within a group).
   * With the class's `departLane` "first", over one lane (1 / s); a trip from
   * standstill at least the class's `insertionHeadway` per lane after the last.
   */
  insert(l: number, now: number): void {
    const vehicles = this.vehicles;
    const queuedAt = vehicles.enterTime; // set by queueDeparture until the trip enters
    if (this.ringCount[l] > 0) this.settle(l);
    while (this.waitingAt[l] > 0) {
      if (this.occupancy[l] >= this.storage[l]) return; // woken by the next release
      if (this.insertAt[l] > now) return; // a retry is already scheduled
      let g = NONE;
      for (let q = this.groupOffsets[l], end = this.groupOffsets[l + 1]; q < end; q++) {
        const head = this.departHead[q];
        if (head === NONE || this.groupOccupancy[q] >= this.groupStorage[q]) continue;
        if (g === NONE) { g = q; continue; }
        const other = this.departHead[g];
        if (queuedAt[head] < queuedAt[other] || (queuedAt[head] === queuedAt[other] && head < other)) g = q;
      }
      if (g === NONE) return; // every waiting group is full: woken by the next release
      const v = this.departHead[g];
      const moving = this.departSpeed !== undefined && this.departSpeed[v] > 0;
      const readyAt = this.lastInsert[l] + (moving ? this.insertHeadway[l] : this.standstillInsertHeadway[l]);
      if (readyAt > now) {
        this.insertAt[l] = readyAt;
        this.scheduler.schedule(readyAt, INSERT, l);
        return;
      }
      const head = vehicles.next[v];
      this.departHead[g] = head;
      if (head === NONE) this.departTail[g] = NONE;
      this.waitingAt[l]--;
      vehicles.waiting--;
      vehicles.inNetwork++;
      this.lastInsert[l] = now;
      for (let i = 0, observers = this.observers; i < observers.length; i++) observers[i].depart?.(v, l, now);
      // From standstill the start's loss falls on the link where it reaches speed (enter); a trip departing moving pays its smaller loss here.
      if (!moving) vehicles.accelFrom[v] = 0;
      this.enter(v, l, now, moving ? departureLossAt(this.model, this.speedOf[l], this.departSpeed![v]) : 0, g);
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

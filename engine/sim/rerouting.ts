/**
 * Route choice during a run: the router on experienced link times, the routes
 * of trips that depart without one, the periodic refresh of those times, and
 * en-route re-routing of a share of the vehicles.
 *
 *  - Trips with a route in the trip table keep it; the others are routed at
 *    departure on the current link costs (free-flow times until the first
 *    refresh). A trip with no route, or from a junction to itself, is unroutable.
 *  - Every `routingInterval` s the cost of each link becomes the mean travel time
 *    of the vehicles that left it since the last refresh (none left: half-way
 *    back from the previous cost to the free-flow time), raised to how long the
 *    oldest vehicle still on it has been there, and never below free flow.
 *    With `routingCosts: 'speeds'` each refresh instead samples the mean speed
 *    of the vehicles on each link (queued ones at 0, moving ones at the link's
 *    speed, an empty link at its speed), and the cost is the link's length over
 *    the mean of its samples over the last `routingWindow` s, never below free
 *    flow: SUMO's rerouting device, which routes trips without a route at
 *    insertion on edge speeds sampled every second and averaged over 180 s
 *    (MSRoutingEngine, device.rerouting.adaptation-steps).
 *  - Every turn that yields costs `minorPenalty` s more (yielding-turns.ts), as
 *    SUMO's routers charge `--weights.minor-penalty`; each turn also costs its
 *    own crossing time (`movementTimeOffset`), as the router's default.
 *  - A vehicle is chosen for re-routing at departure with probability
 *    `rerouteShare` (its own random stream, 'reroute'); chosen vehicles that are
 *    driving on a link (not yet queued for a turn) get a new route from that
 *    link at every refresh.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { createRouter, type Router } from '../routing/router.js';
import type { TripTable } from '../demand/demand.js';
import { createRandom, type RandomStream } from '../demand/random.js';
import { CMD_ROUTING, NONE } from './commands.js';
import type { Links } from './links.js';
import type { SimOptions } from './options.js';
import type { Scheduler } from './scheduler.js';
import { VEHICLE_MOVING, type Vehicles } from './vehicles.js';
import { yieldingMovements } from './yielding-turns.js';

/**
 * The router trips are routed with at departure on link costs `cost` (shared,
 * updated through `setCost`): each turn costs its crossing time
 * (`movementTimeOffset`, the router's default) plus `minorPenalty` s when it
 * yields (yielding-turns.ts). Also used to route ahead of a run what the run
 * would route the same way (optimise/routes.ts).
 */
export function departureRouter(net: CompiledNetwork, cost: Float64Array, minorPenalty: number, alwaysYields?: Uint8Array): Router {
  if (!(minorPenalty > 0)) return createRouter(net, { cost });
  const yields = yieldingMovements(net, alwaysYields);
  const turnCost = Float64Array.from(net.movementTimeOffset, (offset, x) => offset + (yields[x] === 1 ? minorPenalty : 0));
  return createRouter(net, { cost, turnCost });
}

/** Floor of a link's averaged speed for its cost, m/s: a link whose vehicles stood through the whole window costs its length at this speed. */
const MIN_SPEED = 0.1;

/** Routing state of a run: link costs, the router on them, and who re-routes. */
export class Rerouting {
  /** Cost of each link for routing: experienced travel time, s (free-flow time until the first refresh). */
  readonly cost: Float64Array;
  /** Per vehicle: 1 when it was chosen to re-route en route. */
  readonly chosen: Uint8Array;

  private readonly net: CompiledNetwork;
  private readonly trips: TripTable;
  private readonly router: Router;
  private readonly random: RandomStream;
  private readonly share: number;
  private readonly interval: number;
  private readonly end: number;
  private readonly links: Links;
  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  /** With `routingCosts: 'speeds'`: per link (CSR of `window` entries) its last sampled mean speeds, m/s, their sum per link, and where the next sample goes. */
  private readonly speeds: Float64Array | undefined;
  private readonly speedSum: Float64Array | undefined;
  private readonly window: number;
  private sample = 0;

  /**
   * Routing state for `trips` on `net` under checked `options` (seed, routingInterval, rerouteShare, end);
   * `alwaysYields`: the run's conflict table's (which turns yield, yielding-turns.ts), not built twice.
   */
  constructor(net: CompiledNetwork, trips: TripTable, options: Readonly<SimOptions>, links: Links, vehicles: Vehicles, scheduler: Scheduler, alwaysYields?: Uint8Array) {
    this.net = net;
    this.trips = trips;
    this.links = links;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.share = options.rerouteShare;
    this.interval = options.routingInterval;
    this.end = options.end;
    this.cost = Float64Array.from(net.linkFreeFlowTime);
    this.chosen = new Uint8Array(trips.count);
    this.random = createRandom(options.seed).fork('reroute');
    this.window = options.routingCosts === 'speeds' && options.routingInterval < Infinity ? Math.max(1, Math.round(options.routingWindow / options.routingInterval)) : 0;
    if (this.window > 0) {
      this.speeds = new Float64Array(net.linkCount * this.window);
      this.speedSum = new Float64Array(net.linkCount);
      for (let l = 0; l < net.linkCount; l++) {
        this.speeds.fill(net.linkSpeed[l], l * this.window, (l + 1) * this.window);
        this.speedSum[l] = net.linkSpeed[l] * this.window;
      }
    }
    this.router = departureRouter(net, this.cost, options.minorPenalty, alwaysYields);
  }

  /** Schedule the first refresh, one interval after `start` (s), unless the interval is Infinity. */
  start(start: number): void {
    if (this.interval < Infinity) this.scheduler.schedule(start + this.interval, CMD_ROUTING, 0);
  }

  /** Give departing trip `v` its route (the trip table's, or the router's on current costs) and draw whether it re-routes; false if it has none. */
  routeAtDeparture(v: number): boolean {
    const trips = this.trips;
    const vehicles = this.vehicles;
    const start = trips.routeOffsets[v];
    const end = trips.routeOffsets[v + 1];
    if (end > start) {
      vehicles.setRoute(v, trips.routeLinks, start, end);
    } else {
      const router = this.router;
      const ol = trips.originLink[v];
      const dl = trips.destinationLink[v];
      let cost: number;
      if (ol >= 0 && dl >= 0) cost = router.routeLinks(ol, dl);
      else if (ol >= 0) cost = router.routeFromLink(ol, trips.destination[v]);
      else if (dl >= 0) cost = router.routeToLink(trips.origin[v], dl);
      else cost = router.route(trips.origin[v], trips.destination[v]);
      if (cost === Infinity || (ol < 0 && dl < 0 && trips.origin[v] === trips.destination[v])) return false;
      const path = router.lastPath();
      vehicles.setRoute(v, path, 0, path.length);
    }
    if (this.share > 0 && this.random.next() < this.share) this.chosen[v] = 1;
    return true;
  }

  /** `CMD_ROUTING` at `now` (s): refresh link costs from experienced times, re-route, schedule the next refresh before the end. */
  refresh(now: number): void {
    if (this.speeds !== undefined && this.speedSum !== undefined) this.sampleSpeeds(this.speeds, this.speedSum);
    else this.averageTravelTimes(now);
    this.router.setCost(this.cost);
    if (this.share > 0) this.reroute();
    const nextTime = now + this.interval;
    if (nextTime < this.end) this.scheduler.schedule(nextTime, CMD_ROUTING, 0);
  }

  /** `routingCosts: 'speeds'`: sample every link's mean speed into `speeds` (replacing the oldest; `sums` kept with them), cost = length / mean of its samples (at least free flow). */
  private sampleSpeeds(speeds: Float64Array, sums: Float64Array): void {
    const net = this.net;
    const { present, transitHead } = this.links;
    const next = this.vehicles.next;
    const w = this.window;
    const k = this.sample;
    this.sample = (k + 1) % w;
    for (let l = 0; l < net.linkCount; l++) {
      let speed = net.linkSpeed[l];
      if (present[l] > 0) {
        let moving = 0; // the transit list holds the vehicles driving to the stop line; the others stand in its queues
        for (let u = transitHead[l]; u !== NONE; u = next[u]) moving++;
        speed = (net.linkSpeed[l] * moving) / present[l];
      }
      sums[l] += speed - speeds[l * w + k];
      speeds[l * w + k] = speed;
      const c = net.linkLength[l] / Math.max(sums[l] / w, MIN_SPEED);
      this.cost[l] = c > net.linkFreeFlowTime[l] ? c : net.linkFreeFlowTime[l];
    }
  }

  /** `routingCosts: 'travel-times'`: the mean travel time of the vehicles that left each link since the last refresh (see the file header). */
  private averageTravelTimes(now: number): void {
    const m = this.net.linkCount;
    const fft = this.net.linkFreeFlowTime;
    const cost = this.cost;
    const { ttSum, ttCount, transitHead } = this.links;
    const enterTime = this.vehicles.enterTime;
    for (let l = 0; l < m; l++) {
      let c = ttCount[l] > 0 ? ttSum[l] / ttCount[l] : fft[l] + 0.5 * (cost[l] - fft[l]);
      const head = transitHead[l];
      if (head !== NONE && now - enterTime[head] > c) c = now - enterTime[head];
      cost[l] = c > fft[l] ? c : fft[l];
      ttSum[l] = 0;
      ttCount[l] = 0;
    }
  }

  /** Re-route vehicles chosen for it that are moving on a link (not yet queued for a turn). */
  private reroute(): void {
    const trips = this.trips;
    const { state, link } = this.vehicles;
    const moving: number = VEHICLE_MOVING;
    for (let v = 0; v < trips.count; v++) {
      if (this.chosen[v] === 0 || state[v] !== moving) continue;
      const l = link[v];
      const dl = trips.destinationLink[v];
      const cost = dl >= 0 ? this.router.routeLinks(l, dl) : this.router.routeFromLink(l, trips.destination[v]);
      if (cost === Infinity) continue;
      const path = this.router.lastPath();
      const links = this.links;
      const before = links.vehicleGroup(v);
      this.vehicles.setRoute(v, path, 0, path.length);
      // It keeps its lanes when they serve its new turn, else changes lanes for it.
      if (links.serves(v, l, this.vehicles.routePos[v], before)) continue;
      const after = links.groupOf(v, l, this.vehicles.routePos[v]);
      links.regroup(before, after);
      this.vehicles.group[v] = after - links.groupOffsets[l];
    }
  }
}

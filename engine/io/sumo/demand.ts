/**
 * SUMO demand records (route-file.ts) -> a greenwave `DemandSpec`, resolved and
 * checked against the imported network with SUMO's own rules, each error at its
 * file and line: a route naming an edge the network lacks, two consecutive route
 * edges without a connection, a vehicle naming an undefined route or vehicle type.
 *
 * - `vehicle` with a route (inline, named, or a `routeDistribution`) -> a trip
 *   with that explicit `route`, so it drives exactly SUMO's route. From a
 *   distribution, each vehicle draws its route by probability from a seeded
 *   stream forked by vehicle id (deterministic, independent of file order).
 * - `trip` (from/to edges, or fromJunction/toJunction) -> a trip the router
 *   routes at departure (`fromLink`/`toLink`, or `from`/`to` junctions).
 * - `flow` -> a `FlowSpec`: `vehsPerHour`, `period` or `number` give uniform
 *   headways, placed as SUMO places them (at begin, begin + period, ...);
 *   `period="exp(r)"` is Poisson with rate r; `probability` p (a Bernoulli draw
 *   per second) is approximated by Poisson with rate p. A flow over a route
 *   distribution becomes one flow per route, its rate split by probability.
 * - Vehicle types are not modelled per vehicle: `network.ts` sets jam spacing
 *   from their length + minGap (see `jamSpacingOf`), and their accel, decel and
 *   sigma (and speedDev, the spread of desired speeds) make the run's vehicle
 *   class for start-up and stop losses (see
 *   `vehicleModelOf`); anything else they set (other car following, speed
 *   limits, classes) is reported.
 * - `departSpeed`: a number (m/s) is kept; "max", "desired" and "speedLimit"
 *   become "max" (the vehicle enters at the link's speed, with no departure
 *   acceleration loss: losses.ts); "random", "avg" and "last" depend on SUMO's
 *   traffic or draws and are imported departing from standstill, counted.
 * - Vehicles on edges without lanes for the imported vehicle class, with
 *   `depart="triggered"` and similar, or on traffic zones are skipped and counted.
 * - The simulated period [begin, end) of the configuration bounds the demand as
 *   SUMO bounds it: a vehicle departing before `begin` is not loaded (SUMO skips
 *   it), nor one at or after `end`; a flow keeps the departures inside the
 *   period. greenwave's uniform flow departs half a headway after its begin, so
 *   a flow whose first vehicle SUMO departs within half a headway of the period's
 *   begin becomes a trip for that vehicle and a flow for the rest (a flow over a
 *   route distribution has its begin moved to the period's begin instead, with a
 *   warning). Every dropped vehicle is counted.
 * - Ids: a vehicle id used twice (SUMO refuses the file), or one that a flow's
 *   generated ids (`flow.0`, `flow.1` ...) would repeat, is renamed `id~2`,
 *   `id~3` ... with a warning, so the scenario written loads.
 */
import { InputError } from '../../errors.js';
import type { DemandSpec, FlowSpec, TripSpec } from '../../demand/demand.js';
import { createRandom, type RandomStream } from '../../demand/random.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { SUMO_GAP_DEFAULTS } from '../../sim/gap-acceptance.js';
import { SUMO_VEHICLE_MODEL, sumoInsertionHeadway, type VehicleModel } from '../../sim/losses.js';
import type { ImportCount, ImportWarning } from '../types.js';
import type { SumoDemand, SumoDemandItem, SumoRoute, SumoVType } from './route-file.js';

/** SUMO's built-in vehicle types (always defined). */
const BUILTIN_TYPES = new Set(['DEFAULT_VEHTYPE', 'DEFAULT_PEDTYPE', 'DEFAULT_BIKETYPE', 'DEFAULT_CONTAINERTYPE', 'DEFAULT_TAXITYPE', 'DEFAULT_RAILTYPE']);
/** SUMO's default flow end when none is given, s after begin (24 h). */
const DEFAULT_FLOW_SPAN = 86400;
/** SUMO default length + minGap, m. */
const DEFAULT_SPACING = 7.5;

/** SUMO's default simulation step (`step-length`), s. */
export const SUMO_DEFAULT_STEP = 1;

/** Options of {@link resolveDemand}. */
export interface DemandOptions {
  /** Seed of route-distribution draws. Default 1. */
  seed?: number;
  /** Simulation begin, s: `depart="begin"` departs then; earlier departures are not loaded (as in SUMO). Default 0. */
  begin?: number;
  /** Simulation end, s: departures at or after it are not loaded. Default: none. */
  end?: number;
  /** Vehicle class whose lanes were imported. Default `passenger`. */
  vClass?: string;
}

/** What the network side knows about an edge id. */
export interface EdgeLookup {
  /** Why a normal edge of the file was dropped, if it was. */
  dropped: ReadonlyMap<string, string>;
  /** Crossings, walking areas and connectors of the file. */
  other: ReadonlySet<string>;
}

/**
 * Mean of `value` over the demand's vehicle types, weighted by vehicle count (a flow by its expected count);
 * a vehicle without a type has SUMO's `DEFAULT_VEHTYPE` (as the file redefines it, if it does; else `value(undefined)`); undefined without demand.
 */
function typeMean(demand: SumoDemand, value: (t: SumoVType | undefined) => number): number | undefined {
  const of = (type = 'DEFAULT_VEHTYPE'): number => {
    const t = demand.vTypes.get(type);
    if (t) return value(t);
    const members = demand.typeDistributions.get(type);
    if (members && members.length > 0) return members.reduce((s, m) => s + of(m), 0) / members.length;
    return value(undefined);
  };
  return itemMean(demand, (item) => of(item.type));
}

/** Mean of `value` over the demand's items, weighted by vehicle count (a flow by its expected count); undefined without demand. */
function itemMean(demand: SumoDemand, value: (item: SumoDemand['items'][number]) => number): number | undefined {
  let weight = 0;
  let sum = 0;
  for (const item of demand.items) {
    let w = 1;
    if (item.kind === 'flow') {
      const span = (item.end ?? (item.begin ?? 0) + DEFAULT_FLOW_SPAN) - (item.begin ?? 0);
      const rate = item.vehsPerHour !== undefined ? item.vehsPerHour / 3600 : item.period ? 1 / item.period : item.expRate ?? item.probability ?? 0;
      w = item.number ?? Math.max(0, rate * span);
    }
    weight += w;
    sum += w * value(item);
  }
  return weight > 0 ? sum / weight : undefined;
}

/**
 * Share of the demand (weighted as `jamSpacingOf`) SUMO inserts on one lane:
 * `departLane` absent (SUMO's default, "first"), "first" or a lane index; the
 * others ("best", "free", "random", "allowed", ...) spread over the lanes.
 * Undefined without demand.
 */
export function oneLaneDepartShare(demand: SumoDemand): number | undefined {
  return itemMean(demand, (item) => (departsOnOneLane(item) ? 1 : 0));
}

/** Whether SUMO inserts `item`'s vehicles on one lane: `departLane` absent (its default, "first"), "first" or a lane index. */
function departsOnOneLane(item: SumoDemand['items'][number]): boolean {
  return item.departLane === undefined || item.departLane === 'first' || /^\d+$/.test(item.departLane.trim());
}

/**
 * Mean space a stopped vehicle takes (length + minGap, m) over the demand,
 * weighted by vehicle count (a flow by its expected count), or undefined when
 * there is no demand. SUMO's default type is 5 + 2.5 m.
 */
export function jamSpacingOf(demand: SumoDemand): number | undefined {
  return typeMean(demand, (t) => (t === undefined ? DEFAULT_SPACING : t.length + t.minGap));
}

/**
 * The demand's vehicle class for start-up and stop losses (sim/losses.ts):
 * accel, decel, sigma and speedDev averaged over the vehicles as `jamSpacingOf`
 * does, SUMO's defaults (2.6 m/s², 4.5 m/s², 0.5, 0.1) where a type does not set
 * them; the start-up lost time is the one measured for SUMO's default car. Gap
 * acceptance is SUMO's rule (sim/gap-acceptance.ts) with the mean vehicle length
 * (default 5 m) and `jmTimegapMinor` (default 1 s). `stepLength` is SUMO's step
 * (the configuration's `step-length`, default 1 s): SUMO's start losses are half a
 * step shorter than the continuous ones (losses.ts), and its yellow decision brakes in
 * steps (sim/yellow.ts). Insertion as SUMO's: from standstill one vehicle per
 * `sumoInsertionHeadway` of the demand's mean spacing, accel and sigma per lane,
 * on one lane (`departLane` "first") when most of the demand departs on one
 * lane as SUMO's default does, else on all.
 * Always SUMO's car at least (its speedDev 0.1 is not greenwave's default);
 * undefined only when the demand has no vehicles to average over.
 */
export function vehicleModelOf(demand: SumoDemand, stepLength = SUMO_DEFAULT_STEP): VehicleModel | undefined {
  const { accel, decel, sigma, startUpLost, speedDev } = SUMO_VEHICLE_MODEL;
  const a = typeMean(demand, (t) => t?.accel ?? accel);
  const b = typeMean(demand, (t) => t?.decel ?? decel);
  const s = typeMean(demand, (t) => t?.sigma ?? sigma);
  const dev = typeMean(demand, (t) => t?.speedDev ?? speedDev ?? 0);
  const length = typeMean(demand, (t) => t?.length ?? SUMO_GAP_DEFAULTS.length);
  const timegapMinor = typeMean(demand, (t) => t?.jmTimegapMinor ?? SUMO_GAP_DEFAULTS.timegapMinor);
  const spacing = jamSpacingOf(demand);
  const oneLane = oneLaneDepartShare(demand);
  if (a === undefined || b === undefined || s === undefined || dev === undefined || length === undefined || timegapMinor === undefined || spacing === undefined || oneLane === undefined) return undefined;
  return {
    accel: a, decel: b, sigma: s, startLoss: true, startUpLost, speedDev: dev, gapAcceptance: { model: 'sumo', timegapMinor, length }, stepLength,
    departLane: oneLane >= 0.5 ? 'first' : 'all', insertionHeadway: sumoInsertionHeadway(spacing, a, s),
  };
}

function located(item: { file: string; line: number }): string {
  return `${item.file}:${item.line}`;
}

/** Resolve every demand record; throws `InputError` at the record's line for dangling references. */
export function resolveDemand(raw: SumoDemand, network: RoadNetwork, edges: EdgeLookup, options: DemandOptions = {}): { demand: DemandSpec; counts: ImportCount[]; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = [];
  const skipped = new Map<string, number>(raw.skipped);
  const skip = (why: string, n = 1) => skipped.set(why, (skipped.get(why) ?? 0) + n);
  /** Flows given as `probability` (SUMO: a Bernoulli draw each second), imported as Poisson flows of the same rate: kept, not skipped. */
  let approximated = 0;
  const vClass = options.vClass ?? 'passenger';
  const begin = options.begin ?? 0;
  const end = options.end;
  const random: RandomStream = createRandom(options.seed ?? 1).fork('sumo-route-distribution');
  const trips: TripSpec[] = [];
  const flows: FlowSpec[] = [];
  let fromDistribution = 0;

  const usedTypes = new Set<SumoVType>();
  const typeOf = (item: SumoDemandItem): void => {
    if (item.type === undefined || BUILTIN_TYPES.has(item.type)) return;
    const t = raw.vTypes.get(item.type);
    if (t) usedTypes.add(t);
    else if (raw.typeDistributions.has(item.type)) {
      for (const m of raw.typeDistributions.get(item.type)!) {
        const member = raw.vTypes.get(m);
        if (!member) throw new InputError(located(item), `${item.kind} "${item.id}": type distribution "${item.type}" names undefined vType "${m}"`);
        usedTypes.add(member);
      }
    } else throw new InputError(located(item), `${item.kind} "${item.id}": type "${item.type}" is not defined`);
  };

  /** Check an edge id; returns false (after counting) if the edge was dropped. */
  const edgeOk = (item: SumoDemandItem, id: string, where: string): boolean => {
    if (network.graph.hasEdge(id)) return true;
    const why = edges.dropped.get(id);
    if (why !== undefined) {
      skip(`vehicles using an edge that ${why}`);
      return false;
    }
    if (edges.other.has(id)) {
      skip('vehicles using a crossing, walking area or connector');
      return false;
    }
    throw new InputError(where, `${item.kind} "${item.id}": edge "${id}" is not in the network`);
  };

  /** The edges of a route, checked; null if the vehicle must be skipped. */
  const edgesOf = (item: SumoDemandItem, route: SumoRoute): string[] | null => {
    let r = route;
    if (r.refId !== undefined) {
      const named = raw.routes.get(r.refId);
      if (!named) throw new InputError(located(r), `${item.kind} "${item.id}": route "${r.refId}" is not defined`);
      r = named;
    }
    const list = r.edges!;
    for (const id of list) if (!edgeOk(item, id, located(r))) return null;
    for (let i = 1; i < list.length; i++) {
      if (!network.movementsFrom(list[i - 1]).some((m) => m.to === list[i])) {
        throw new InputError(located(r), `${item.kind} "${item.id}": route has no connection from edge "${list[i - 1]}" to edge "${list[i]}"`);
      }
    }
    return list;
  };

  /** Routes of an item with their probabilities; empty when it has none (a trip). */
  const routesOf = (item: SumoDemandItem): SumoRoute[] => {
    if (item.routes) return item.routes;
    if (item.routeRef === undefined) return [];
    const named = raw.routes.get(item.routeRef);
    if (named) return [named];
    const dist = raw.distributions.get(item.routeRef);
    if (dist) return dist;
    throw new InputError(located(item), `${item.kind} "${item.id}": route "${item.routeRef}" is not defined`);
  };

  /** Endpoint fields of a routeless item (router chooses); null if skipped. */
  const endpointsOf = (item: SumoDemandItem): Pick<TripSpec, 'from' | 'to' | 'fromLink' | 'toLink'> | null => {
    const out: Pick<TripSpec, 'from' | 'to' | 'fromLink' | 'toLink'> = {};
    if (item.fromEdge !== undefined) {
      if (!edgeOk(item, item.fromEdge, located(item))) return null;
      out.fromLink = item.fromEdge;
    } else if (item.fromJunction !== undefined) {
      if (!network.graph.hasNode(item.fromJunction)) throw new InputError(located(item), `${item.kind} "${item.id}": junction "${item.fromJunction}" is not in the network`);
      out.from = item.fromJunction;
    }
    if (item.toEdge !== undefined) {
      if (!edgeOk(item, item.toEdge, located(item))) return null;
      out.toLink = item.toEdge;
    } else if (item.toJunction !== undefined) {
      if (!network.graph.hasNode(item.toJunction)) throw new InputError(located(item), `${item.kind} "${item.id}": junction "${item.toJunction}" is not in the network`);
      out.to = item.toJunction;
    }
    if ((out.fromLink ?? out.from) === undefined || (out.toLink ?? out.to) === undefined) {
      throw new InputError(located(item), `${item.kind} "${item.id}": needs a route, or from and to (edges or junctions)`);
    }
    if (item.via !== undefined) skip('via edges of trips and flows (routed shortest path, via ignored)');
    return out;
  };

  const standstill = new Map<string, number>(); // departSpeed values read as from standstill -> items
  for (const item of raw.items) {
    typeOf(item);
    const routes = routesOf(item);
    const speed: Pick<TripSpec, 'departSpeed'> = item.departSpeed === undefined ? {} : { departSpeed: item.departSpeed };
    if (item.departSpeedText !== undefined) standstill.set(item.departSpeedText, (standstill.get(item.departSpeedText) ?? 0) + 1);
    if (item.kind !== 'flow') {
      if (Number.isNaN(item.depart)) {
        skip(`vehicles with depart="${item.departText}"`);
        continue;
      }
      const depart = item.depart === -Infinity ? begin : item.depart!;
      if (depart < begin) {
        skip(`vehicles departing before the simulation begin (${begin} s; SUMO does not load them)`);
        continue;
      }
      if (end !== undefined && depart >= end) {
        skip(`vehicles departing at or after the simulation end (${end} s)`);
        continue;
      }
      if (routes.length > 0) {
        let route = routes[0];
        if (routes.length > 1) {
          route = draw(routes, random.fork(item.id));
          fromDistribution++;
        }
        const list = edgesOf(item, route);
        if (list) trips.push({ id: item.id, depart, route: list, ...speed });
      } else {
        const ends = endpointsOf(item);
        if (ends) trips.push({ id: item.id, depart, ...ends, ...speed });
      }
      continue;
    }
    const timing = flowTiming(item);
    if (!timing) {
      skip('flows with no vehicles (number 0 or end <= begin)');
      continue;
    }
    if (timing.approximated) approximated += 1;
    const windowed = windowFlow(timing.flow, begin, end);
    if (windowed.outside !== undefined) {
      skip(windowed.outside);
      continue;
    }
    const windowedFlow = windowed.flow;
    const place = (id: string, where: Omit<TripSpec, 'id' | 'depart'>, rate: number, split: boolean): void => {
      const flow = { ...windowedFlow, rate };
      if (flow.begin >= begin) {
        flows.push({ id, ...where, ...flow });
      } else if (!split && flow.arrivals === 'uniform') {
        // SUMO's first vehicle departs at begin + half a headway of greenwave's flow; keep it as a trip.
        const first = flow.begin + 0.5 / rate;
        trips.push({ id: `${id}.first`, depart: first, ...where });
        const rest = first + 0.5 / rate;
        if (rest < flow.end) flows.push({ id, ...where, ...flow, begin: rest });
      } else {
        if (flow.arrivals === 'uniform') {
          const late = begin - flow.begin;
          warnings.push({ where: located(item), element: id, message: `uniform flow over a route distribution: greenwave's flow would begin ${late.toFixed(2)} s before the simulated period (its vehicles depart half a headway after its begin), so it begins at ${begin} s and its vehicles depart up to ${late.toFixed(2)} s later than in SUMO` });
        }
        flows.push({ id, ...where, ...flow, begin });
      }
    };
    if (routes.length === 0) {
      const ends = endpointsOf(item);
      if (ends) place(item.id, { ...ends, ...speed }, timing.flow.rate, false);
      continue;
    }
    const total = routes.reduce((s, r) => s + r.probability, 0);
    routes.forEach((route, k) => {
      const list = edgesOf(item, route);
      if (!list || route.probability === 0) return;
      const id = routes.length === 1 ? item.id : `${item.id}#${k}`;
      const share = routes.length === 1 ? 1 : route.probability / total;
      place(id, { route: list, ...speed }, timing.flow.rate * share, routes.length > 1);
    });
  }
  renameDuplicates(trips, flows, warnings);

  const counts: ImportCount[] = [
    { label: 'vehicles and trips', count: trips.length },
    { label: 'flows', count: flows.length },
  ];
  if (fromDistribution > 0) counts.push({ label: 'vehicles with a route drawn from a routeDistribution', count: fromDistribution });
  if (approximated > 0) counts.push({ label: 'flows with probability, imported as Poisson flows of the same rate (SUMO draws each second)', count: approximated });
  for (const [why, count] of skipped) counts.push({ label: `skipped: ${why}`, count });
  for (const [text, count] of standstill) counts.push({ label: `vehicles and flows with departSpeed="${text}", imported departing from standstill (greenwave draws no insertion speed)`, count });
  // The class inserts on one lane or all (vehicleModelOf): the records whose departLane says otherwise follow the majority.
  const first = (oneLaneDepartShare(raw) ?? 1) >= 0.5;
  const against = raw.items.filter((item) => departsOnOneLane(item) !== first).length;
  if (against > 0) counts.push({ label: `vehicles and flows whose departLane is ${first ? 'spread over the lanes' : 'one lane'}, inserted on ${first ? 'one lane' : 'all lanes'} as most of the demand`, count: against });
  for (const t of usedTypes) {
    const notes: string[] = [];
    if (t.ignored.length > 0) notes.push(`${t.ignored.join(', ')} (car following is not modelled beyond accel, decel and sigma)`);
    if (t.maxSpeed !== undefined) notes.push(`maxSpeed ${t.maxSpeed} m/s (vehicles drive at link speeds)`);
    if (t.vClass !== vClass) notes.push(`vClass ${t.vClass} (drives on ${vClass} lanes)`);
    if (notes.length > 0) warnings.push({ where: located(t), element: t.id, message: `vType attributes not used: ${notes.join('; ')}` });
  }
  const demand: DemandSpec = {};
  if (trips.length > 0) demand.trips = trips;
  if (flows.length > 0) demand.flows = flows;
  return { demand, counts, warnings };
}

/** Draw one route by probability. */
function draw(routes: readonly SumoRoute[], random: RandomStream): SumoRoute {
  const total = routes.reduce((s, r) => s + r.probability, 0);
  let u = random.next() * total;
  for (const r of routes) {
    u -= r.probability;
    if (u < 0) return r;
  }
  return routes[routes.length - 1];
}

/**
 * A flow (greenwave terms, from {@link flowTiming}) cut to the simulated period
 * [begin, end): SUMO loads no vehicle departing outside it. Uniform departures
 * keep their times (the flow starts at SUMO's first departure inside the period,
 * less half a headway, which may fall before the period: the caller splits it);
 * a Poisson flow starts at the period's begin. `outside` says why nothing is left.
 */
function windowFlow(flow: Pick<FlowSpec, 'rate' | 'begin' | 'end' | 'arrivals'>, begin: number, end: number | undefined): { flow: Pick<FlowSpec, 'rate' | 'begin' | 'end' | 'arrivals'>; outside?: undefined } | { outside: string } {
  const out = { ...flow };
  if (end !== undefined && out.end > end) out.end = end;
  if (out.arrivals === 'uniform') {
    const sumoFirst = out.begin + 0.5 / out.rate;
    if (sumoFirst < begin) {
      // the first departure at or after begin: SUMO's k-th, k = ceil((begin - first) * rate)
      const k = Math.ceil((begin - sumoFirst) * out.rate - 1e-9);
      out.begin = sumoFirst + k / out.rate - 0.5 / out.rate;
    }
    if (out.begin + 0.5 / out.rate >= out.end) {
      return { outside: end !== undefined && flow.begin + 0.5 / flow.rate >= end ? `flows beginning at or after the simulation end (${end} s)` : `flows with no departure inside the simulated period (from ${begin} s)` };
    }
  } else {
    out.begin = Math.max(out.begin, begin);
    if (out.begin >= out.end) return { outside: `flows with no departure inside the simulated period (from ${begin} s)` };
  }
  return { flow: out };
}

/**
 * Make every trip id unique, and distinct from the ids flows generate
 * (`flow.0`, `flow.1` ...): a repeated id becomes `id~2`, `id~3` ..., with one
 * warning naming the first and counting the rest. Flow ids repeated are renamed
 * the same way.
 */
function renameDuplicates(trips: TripSpec[], flows: FlowSpec[], warnings: ImportWarning[]): void {
  const renamed: string[] = [];
  const flowIds = new Set<string>();
  for (const f of flows) {
    if (f.id === undefined) continue;
    if (flowIds.has(f.id)) {
      let n = 2;
      while (flowIds.has(`${f.id}~${n}`)) n++;
      renamed.push(`flow "${f.id}" -> "${f.id}~${n}"`);
      f.id = `${f.id}~${n}`;
    }
    flowIds.add(f.id);
  }
  const generated = (id: string): boolean => {
    const dot = id.lastIndexOf('.');
    return dot > 0 && /^\d+$/.test(id.slice(dot + 1)) && flowIds.has(id.slice(0, dot));
  };
  const used = new Set<string>();
  for (const t of trips) {
    if (t.id === undefined) continue;
    if (used.has(t.id) || generated(t.id)) {
      let n = 2;
      while (used.has(`${t.id}~${n}`)) n++;
      renamed.push(`"${t.id}" -> "${t.id}~${n}"`);
      t.id = `${t.id}~${n}`;
    }
    used.add(t.id);
  }
  if (renamed.length > 0) {
    warnings.push({ message: `${renamed.length} vehicle or flow id(s) used twice (SUMO refuses the file), or repeating a flow's generated ids, renamed: ${renamed.slice(0, 5).join(', ')}${renamed.length > 5 ? ', ...' : ''}` });
  }
}

/** Rate and period of a flow in greenwave's terms, or null if it emits nothing. */
function flowTiming(item: SumoDemandItem): { flow: Pick<FlowSpec, 'rate' | 'begin' | 'end' | 'arrivals'>; approximated: boolean } | null {
  const begin = item.begin ?? 0;
  let end = item.end;
  let rate: number | undefined;
  let arrivals: 'uniform' | 'poisson' = 'uniform';
  if (item.vehsPerHour !== undefined) rate = item.vehsPerHour / 3600;
  else if (item.period !== undefined) rate = item.period > 0 ? 1 / item.period : undefined;
  else if (item.expRate !== undefined) [rate, arrivals] = [item.expRate, 'poisson'];
  else if (item.probability !== undefined) [rate, arrivals] = [item.probability, 'poisson'];
  if (item.number !== undefined) {
    if (item.number === 0) return null;
    if (rate === undefined) {
      if (end === undefined) throw new InputError(located(item), `flow "${item.id}": number without end needs vehsPerHour or period`);
      rate = item.number / (end - begin);
    } else if (arrivals === 'uniform') {
      const last = begin + item.number / rate;
      end = end === undefined ? last : Math.min(end, last);
    }
  }
  if (rate === undefined) throw new InputError(located(item), `flow "${item.id}": needs vehsPerHour, period, probability or number`);
  end ??= begin + DEFAULT_FLOW_SPAN;
  if (!(end > begin) || !(rate > 0)) return null;
  // greenwave's uniform flow departs at begin + (k + 1/2) / rate; SUMO's at begin + k / rate.
  const shift = arrivals === 'uniform' ? 0.5 / rate : 0;
  return { flow: { rate, begin: begin - shift, end, arrivals }, approximated: item.probability !== undefined && item.expRate === undefined && item.period === undefined && item.vehsPerHour === undefined };
}

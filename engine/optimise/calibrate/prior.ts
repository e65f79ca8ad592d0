/**
 * The scenario's own demand as the calibration's prior: its vehicles, simulated
 * as the scenario runs them, grouped by the route each drove and the slot it
 * departed in (the prior x0 of the estimator), and those departing outside the
 * counted slots (kept unchanged, as nothing can check them).
 *
 * A vehicle still travelling when the run ended drove only part of its route:
 * the rest is completed by the fastest free-flow route from its last link to its
 * destination, so its column does not end mid-network. One that never entered
 * keeps its explicit route, or gets the fastest route between its ends.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import { createRouter } from '../../routing/router.js';
import type { TripSpec, TripTable } from '../../demand/demand.js';
import type { SimObserver } from '../../sim/observer.js';

/** Records the links every vehicle enters, in order, and whether it arrived. */
export class RouteCapture implements SimObserver {
  private readonly links: number[][];
  private readonly done: Uint8Array;

  constructor(trips: TripTable) {
    this.links = Array.from({ length: trips.count }, () => []);
    this.done = new Uint8Array(trips.count);
  }

  enter(vehicle: number, link: number): void {
    this.links[vehicle].push(link);
  }

  arrive(vehicle: number): void {
    this.done[vehicle] = 1;
  }

  /** Links vehicle `v` entered (empty if it never departed). */
  route(v: number): Int32Array {
    return Int32Array.from(this.links[v]);
  }

  /** Whether vehicle `v` completed its trip. */
  arrived(v: number): boolean {
    return this.done[v] === 1;
  }
}

/** Trip specs of an expanded table: explicit routes kept, else its first and last links or junctions; departure speeds kept. */
export function tableSpecs(net: CompiledNetwork, table: TripTable): TripSpec[] {
  const specs: TripSpec[] = [];
  for (let v = 0; v < table.count; v++) {
    const a = table.routeOffsets[v];
    const b = table.routeOffsets[v + 1];
    const spec: TripSpec = { id: table.ids[v], depart: table.depart[v] };
    const speed = table.departSpeed?.[v] ?? 0;
    if (speed > 0) spec.departSpeed = speed === Infinity ? 'max' : speed;
    if (b > a) spec.route = Array.from(table.routeLinks.subarray(a, b), (l) => net.linkKey(l));
    else {
      if (table.originLink[v] >= 0) spec.fromLink = net.linkKey(table.originLink[v]);
      else spec.from = net.junctionKey(table.origin[v]);
      if (table.destinationLink[v] >= 0) spec.toLink = net.linkKey(table.destinationLink[v]);
      else spec.to = net.junctionKey(table.destination[v]);
    }
    specs.push(spec);
  }
  return specs;
}

/** The prior's vehicles: routes (link indices) by slot, and the trips outside every slot. */
export interface PriorDemand {
  /** Route, slot and vehicles of each (route, slot) cell. */
  cells: Array<{ route: Int32Array; slot: number; vehicles: number }>;
  /** Trips departing outside the slots (or with no route at all), as specs. */
  background: TripSpec[];
}

/** Group the simulated prior (`table`, its `specs` and what `capture` saw) into cells by route and `slotOf(depart)` (-1: outside). */
export function priorDemand(net: CompiledNetwork, table: TripTable, specs: readonly TripSpec[], capture: RouteCapture, slotOf: (t: number) => number): PriorDemand {
  const router = createRouter(net);
  const full = (v: number): Int32Array | undefined => {
    const driven = capture.route(v);
    if (capture.arrived(v)) return driven;
    const destination = table.destination[v];
    const target = table.destinationLink[v];
    if (driven.length > 0) {
      const last = driven[driven.length - 1];
      if (last === target || (target < 0 && net.linkTo[last] === destination)) return driven;
      const cost = target >= 0 ? router.routeLinks(last, target) : router.routeFromLink(last, destination);
      if (!Number.isFinite(cost)) return undefined;
      const rest = router.lastPath();
      const route = new Int32Array(driven.length + rest.length - 1);
      route.set(driven);
      route.set(rest.subarray(1), driven.length);
      return route;
    }
    const a = table.routeOffsets[v];
    const b = table.routeOffsets[v + 1];
    if (b > a) return table.routeLinks.slice(a, b);
    const origin = table.originLink[v];
    let cost: number;
    if (origin >= 0) cost = target >= 0 ? router.routeLinks(origin, target) : router.routeFromLink(origin, destination);
    else cost = target >= 0 ? router.routeToLink(table.origin[v], target) : router.route(table.origin[v], destination);
    return Number.isFinite(cost) && router.lastPath().length > 0 ? Int32Array.from(router.lastPath()) : undefined;
  };
  const cells = new Map<string, { route: Int32Array; slot: number; vehicles: number }>();
  const background: TripSpec[] = [];
  specs.forEach((spec, v) => {
    const route = full(v);
    const slot = slotOf(spec.depart);
    if (route === undefined || slot < 0) {
      background.push(route ? { id: spec.id, depart: spec.depart, route: Array.from(route, (l) => net.linkKey(l)) } : spec);
      return;
    }
    const key = `${route.join(',')}@${slot}`;
    const cell = cells.get(key);
    if (cell) cell.vehicles++;
    else cells.set(key, { route, slot, vehicles: 1 });
  });
  return { cells: [...cells.values()], background };
}

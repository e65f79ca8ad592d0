/**
 * Building a `TripTable`: generated rows collected in growable columns, trip ids
 * checked for uniqueness (explicit ones against each other and against the ids
 * flows and OD cells generate), then sorted by departure and packed into typed
 * arrays.
 */
import { InputError } from '../errors.js';
import type { TripTable } from './demand.js';
import { describeValue } from '../text/describe.js';
import type { Endpoints } from './resolve.js';

/** Growable columns, in generation order, before sorting. */
export class TripColumns {
  readonly ids: string[] = [];
  readonly depart: number[] = [];
  readonly rows: Endpoints[] = [];
  /** Generated ids are `${prefix}.${k}` for k < count: prefix -> count and the path that owns it. */
  readonly generated = new Map<string, { count: number; owner: string }>();

  add(id: string, depart: number, endpoints: Endpoints): void {
    this.ids.push(id);
    this.depart.push(depart);
    this.rows.push(endpoints);
  }

  /** Record that `owner` generated ids `${prefix}.0` .. `${prefix}.${count - 1}`; throws if another owner did too. */
  generatedIds(prefix: string, count: number, owner: string): void {
    if (count === 0) return;
    const before = this.generated.get(prefix);
    if (before !== undefined) throw new InputError(owner, `expected unique trip ids, found ${describeValue(`${prefix}.0`)} generated here and by ${before.owner}`);
    this.generated.set(prefix, { count, owner });
  }
}

/**
 * Check explicit trip ids against each other and against generated ones without
 * hashing every generated id: a generated id is `${prefix}.${k}` with k a decimal
 * integer, so it can only equal an explicit id that splits the same way at its last dot.
 */
export function checkTripIds(ids: readonly string[], columns: TripColumns): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const before = seen.get(id);
    if (before !== undefined) throw new InputError(`trips[${i}].id`, `expected a unique trip id, found ${describeValue(id)} already used by trips[${before}]`);
    seen.set(id, i);
    const dot = id.lastIndexOf('.');
    const suffix = id.slice(dot + 1);
    if (dot < 0 || !/^(0|[1-9][0-9]*)$/.test(suffix)) return;
    const source = columns.generated.get(id.slice(0, dot));
    if (source !== undefined && Number(suffix) < source.count) {
      throw new InputError(source.owner, `expected unique trip ids, found ${describeValue(id)} generated here and already used by trips[${i}].id`);
    }
  });
}

/** Sort the generated rows by departure (stable) and pack them into typed arrays. */
export function buildTable(columns: TripColumns): TripTable {
  const count = columns.ids.length;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const depart = columns.depart;
  // Explicit trips are usually written in departure order: then the order is already sorted (and stable).
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) sorted = depart[i - 1] <= depart[i];
  if (!sorted) order.sort((a, b) => depart[a] - depart[b] || a - b);
  const table: TripTable = {
    count,
    ids: new Array<string>(count),
    depart: new Float64Array(count),
    origin: new Int32Array(count),
    destination: new Int32Array(count),
    originLink: new Int32Array(count),
    destinationLink: new Int32Array(count),
    routeOffsets: new Int32Array(count + 1),
    routeLinks: new Int32Array(0),
  };
  let routeTotal = 0;
  for (let i = 0; i < count; i++) {
    const row = columns.rows[order[i]];
    table.ids[i] = columns.ids[order[i]];
    table.depart[i] = depart[order[i]];
    table.origin[i] = row.origin;
    table.destination[i] = row.destination;
    table.originLink[i] = row.originLink;
    table.destinationLink[i] = row.destinationLink;
    routeTotal += row.route ? row.route.length : 0;
    table.routeOffsets[i + 1] = routeTotal;
  }
  if (columns.rows.some((row) => row.departSpeed !== 0)) {
    const speeds = new Float64Array(count);
    for (let i = 0; i < count; i++) speeds[i] = columns.rows[order[i]].departSpeed;
    table.departSpeed = speeds;
  }
  table.routeLinks = new Int32Array(routeTotal);
  for (let i = 0; i < count; i++) {
    const route = columns.rows[order[i]].route;
    if (route) table.routeLinks.set(route, table.routeOffsets[i]);
  }
  return table;
}

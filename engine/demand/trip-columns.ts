/**
 * Building a `TripTable`: the explicit trips (already columns, from
 * `resolveDemand`) and the rows generated from flows and OD matrices, trip ids
 * checked for uniqueness (explicit ones against each other and against the ids
 * flows and OD cells generate), then sorted by departure and packed into typed
 * arrays. Explicit trips alone, in departure order, are the table as they are.
 */
import { InputError } from '../errors.js';
import { emptyTripTable, type TripTable } from './demand.js';
import { describeValue } from '../text/describe.js';
import type { Endpoints, ResolvedTrips } from './resolve.js';

/** The explicit trips, then growable columns of generated rows, in generation order, before sorting. */
export class TripColumns {
  /** The explicit trips: rows 0 .. listed.count - 1, before the generated ones. */
  readonly listed: ResolvedTrips;
  /** Generated rows (row `listed.count + k` is `ids[k]`, `depart[k]`, `rows[k]`). */
  readonly ids: string[] = [];
  readonly depart: number[] = [];
  readonly rows: Endpoints[] = [];
  /** Generated ids are `${prefix}.${k}` for k < count: prefix -> count and the path that owns it. */
  readonly generated = new Map<string, { count: number; owner: string }>();

  constructor(listed: ResolvedTrips) {
    this.listed = listed;
  }

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

/** Whether `depart` never decreases. */
function inOrder(depart: ArrayLike<number>): boolean {
  for (let i = 1; i < depart.length; i++) if (!(depart[i - 1] <= depart[i])) return false;
  return true;
}

/** Sort the rows by departure (stable: explicit trips first, then generated rows, in generation order) and pack them into typed arrays. */
export function buildTable(columns: TripColumns): TripTable {
  const { listed, rows } = columns;
  if (rows.length === 0 && inOrder(listed.depart)) {
    // Explicit trips alone, already in departure order (the usual way they are listed): their columns are the table.
    const { count, ids, depart, origin, destination, originLink, destinationLink, routeOffsets, routeLinks, departSpeed } = listed;
    return { count, ids, depart, origin, destination, originLink, destinationLink, routeOffsets, routeLinks, ...(departSpeed === undefined ? {} : { departSpeed }) };
  }
  const n = listed.count;
  const count = n + rows.length;
  const depart = new Float64Array(count);
  depart.set(listed.depart);
  for (let k = 0; k < rows.length; k++) depart[n + k] = columns.depart[k];
  // A plain array, sorted by Array.prototype.sort: V8's TimSort merges the runs already in
  // departure order (each flow's, and listed trips mostly), where TypedArray sort compares n log n times.
  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (!inOrder(depart)) order.sort((a, b) => depart[a] - depart[b] || a - b);
  const table = emptyTripTable(count);
  let routeTotal = 0;
  for (let i = 0; i < count; i++) {
    const r = order[i];
    table.depart[i] = depart[r];
    if (r < n) {
      table.ids[i] = listed.ids[r];
      table.origin[i] = listed.origin[r];
      table.destination[i] = listed.destination[r];
      table.originLink[i] = listed.originLink[r];
      table.destinationLink[i] = listed.destinationLink[r];
      routeTotal += listed.routeOffsets[r + 1] - listed.routeOffsets[r];
    } else {
      const row = rows[r - n];
      table.ids[i] = columns.ids[r - n];
      table.origin[i] = row.origin;
      table.destination[i] = row.destination;
      table.originLink[i] = row.originLink;
      table.destinationLink[i] = row.destinationLink;
      routeTotal += row.route ? row.route.length : 0;
    }
    table.routeOffsets[i + 1] = routeTotal;
  }
  if (listed.departSpeed !== undefined || rows.some((row) => row.departSpeed !== 0)) {
    const speeds = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const r = order[i];
      speeds[i] = r < n ? (listed.departSpeed?.[r] ?? 0) : rows[r - n].departSpeed;
    }
    table.departSpeed = speeds;
  }
  table.routeLinks = new Int32Array(routeTotal);
  for (let i = 0; i < count; i++) {
    const r = order[i];
    if (r < n) {
      for (let k = listed.routeOffsets[r], to = table.routeOffsets[i]; k < listed.routeOffsets[r + 1]; k++, to++) table.routeLinks[to] = listed.routeLinks[k];
    } else {
      const route = rows[r - n].route;
      if (route) table.routeLinks.set(route, table.routeOffsets[i]);
    }
  }
  return table;
}

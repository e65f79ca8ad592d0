/**
 * Traffic counts as demand data: what a loop detector, a camera or a manual
 * turning-movement survey recorded, resolved against a network.
 *
 * A count is the number of vehicles that passed a location during an interval:
 *  - at a link: vehicles ENTERING the link during the interval, including those
 *    that start their trip on it (SUMO edgeData `entered + departed`);
 *  - at a movement `fromLink>toLink`: vehicles turning from one link into the
 *    next during the interval (SUMO edgeRelation `count`).
 *
 * File readers (`engine/io/counts/`) produce {@link CountRecord}s with the file
 * and line each came from; {@link resolveCounts} checks them against a compiled
 * network and returns a {@link CountSet}, or throws a {@link CountsError} listing
 * every problem at its file and line: unknown links or movements, intervals of one
 * location that overlap (the same vehicles counted twice).
 */
import { GreenwaveError, formatScenarioProblem, type ScenarioProblem } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';

/** Where a count was taken, as its file names it. */
export type CountPlace =
  /** A CSV `location` value: a link id, or `fromLink>toLink` (split where both halves are links). */
  | { kind: 'text'; text: string }
  /** A link (SUMO `<edge id>`). */
  | { kind: 'link'; id: string }
  /** A turning movement (SUMO `<edgeRelation from to>`). */
  | { kind: 'movement'; from: string; to: string };

/** One count as read from a file, before it is checked against a network. */
export interface CountRecord {
  place: CountPlace;
  /** Start of the interval, s since midnight. */
  begin: number;
  /** End of the interval, s since midnight (> begin). */
  end: number;
  /** Vehicles that passed during [begin, end) (>= 0). */
  vehicles: number;
  /** File the count came from, as the caller named it. */
  file: string;
  /** 1-based line of the count in its file. */
  line: number;
}

/** A counted location of a {@link CountSet}. */
export interface CountLocation {
  /** `linkId`, or `fromLinkId>toLinkId` for a movement. */
  key: string;
  kind: 'link' | 'movement';
  /** The link (for a movement: its approach link). */
  link: number;
  /** Movement index, -1 for a link count. */
  movement: number;
}

/** One count of a {@link CountSet}. */
export interface CountRow {
  /** Index into `CountSet.locations`. */
  location: number;
  /** s since midnight. */
  begin: number;
  /** s since midnight. */
  end: number;
  /** Observed vehicles. */
  observed: number;
  file: string;
  line: number;
}

/**
 * Counts resolved against a network: distinct locations, and rows sorted by
 * location then begin; the rows of location `k` are
 * `rows[rowOffsets[k] .. rowOffsets[k + 1])`, their intervals disjoint.
 */
export interface CountSet {
  locations: CountLocation[];
  rows: CountRow[];
  rowOffsets: Int32Array;
  /** Earliest begin and latest end over all rows, s. */
  begin: number;
  end: number;
}

/** Most problems listed in one {@link CountsError} (the rest are summarised). */
export const MAX_COUNT_PROBLEMS = 50;

/**
 * Count files that cannot be used: every problem found, each with its file, line,
 * the column or attribute at fault (`path`) and what was expected and found.
 */
export class CountsError extends GreenwaveError {
  override readonly name: string = 'CountsError';
  /** Every problem (at most {@link MAX_COUNT_PROBLEMS}), ordered by file and line. */
  readonly problems: readonly ScenarioProblem[];
  /** Problems found beyond those listed. */
  readonly more: number;

  constructor(problems: readonly ScenarioProblem[]) {
    const sorted = [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0));
    const listed = sorted.slice(0, MAX_COUNT_PROBLEMS);
    const more = sorted.length - listed.length;
    const files = [...new Set(sorted.map((p) => p.file))].join(', ');
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super(`${count} in counts ${files}:\n${listed.map((p) => `  ${formatScenarioProblem(p)}`).join('\n')}${more > 0 ? `\n  ... and ${more} more` : ''}`);
    this.problems = listed;
    this.more = more;
  }
}

/** `HH:MM:SS` of `s` seconds since midnight (for messages). */
export function clockOf(s: number): string {
  const t = Math.round(s);
  const pad = (v: number): string => String(v).padStart(2, '0');
  return `${pad(Math.floor(t / 3600))}:${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}`;
}

/** Edit distance, for "did you mean" (small inputs only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The closest of `candidates` to `word` when it is close (at most a third of its length off), else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Resolution of one place: a location key and indices, or what is wrong with it. */
type Resolved = { key: string; kind: 'link' | 'movement'; link: number; movement: number } | { error: string };

function linkIds(net: CompiledNetwork): string[] {
  return Array.from({ length: net.linkCount }, (_, l) => net.linkKey(l));
}

function unknownLink(net: CompiledNetwork, id: string): string {
  const guess = closest(id, linkIds(net));
  return `expected a link id of the network, found ${JSON.stringify(id)} (no such link${guess === undefined ? '' : `; did you mean ${JSON.stringify(guess)}?`})`;
}

function movementOf(net: CompiledNetwork, from: string, to: string): Resolved {
  const a = net.linkIndex(from);
  const b = net.linkIndex(to);
  if (a < 0) return { error: unknownLink(net, from) };
  if (b < 0) return { error: unknownLink(net, to) };
  const e = net.movementBetween(a, b);
  if (e < 0) {
    const exits = [];
    for (let k = net.movementOffsets[a]; k < net.movementOffsets[a + 1]; k++) exits.push(JSON.stringify(net.linkKey(net.movementTo[k])));
    return {
      error: `expected a permitted turn from link ${JSON.stringify(from)} to link ${JSON.stringify(to)}, found none ` +
        `(${net.linkTo[a] !== net.linkFrom[b] ? 'the links do not meet' : `turns from ${JSON.stringify(from)} go to ${exits.join(', ') || 'no link'}`})`,
    };
  }
  return { key: `${from}>${to}`, kind: 'movement', link: a, movement: e };
}

function resolvePlace(net: CompiledNetwork, place: CountPlace): Resolved {
  if (place.kind === 'link') {
    const l = net.linkIndex(place.id);
    return l < 0 ? { error: unknownLink(net, place.id) } : { key: place.id, kind: 'link', link: l, movement: -1 };
  }
  if (place.kind === 'movement') return movementOf(net, place.from, place.to);
  const text = place.text;
  const l = net.linkIndex(text);
  if (l >= 0) return { key: text, kind: 'link', link: l, movement: -1 };
  // Link ids may contain ">" (generated grids name links "r0c0>r0c1"): try every split.
  const splits: Array<[string, string]> = [];
  for (let i = text.indexOf('>'); i >= 0; i = text.indexOf('>', i + 1)) {
    const from = text.slice(0, i).trim();
    const to = text.slice(i + 1).trim();
    if (net.linkIndex(from) >= 0 && net.linkIndex(to) >= 0) splits.push([from, to]);
  }
  if (splits.length === 1) return movementOf(net, splits[0][0], splits[0][1]);
  if (splits.length > 1) {
    const permitted = splits.filter(([f, t]) => net.movementBetween(net.linkIndex(f), net.linkIndex(t)) >= 0);
    if (permitted.length === 1) return movementOf(net, permitted[0][0], permitted[0][1]);
    return { error: `expected one way to read ${JSON.stringify(text)} as "fromLink>toLink", found ${splits.length}` };
  }
  const cut = text.indexOf('>');
  const guess = closest(text, linkIds(net));
  if (guess !== undefined) return { error: `expected a link id or a movement "fromLink>toLink", found ${JSON.stringify(text)} (no such link; did you mean ${JSON.stringify(guess)}?)` };
  if (cut >= 0 && text.indexOf('>', cut + 1) < 0) {
    const from = text.slice(0, cut).trim();
    const to = text.slice(cut + 1).trim();
    return { error: `expected a movement "fromLink>toLink" of two links: ${unknownLink(net, net.linkIndex(from) < 0 ? from : to)}` };
  }
  return { error: `expected a link id or a movement "fromLink>toLink": ${unknownLink(net, text)}` };
}

/**
 * Check `records` against `net` and group them by location. Throws
 * {@link CountsError} with every unknown link or movement and every pair of
 * overlapping intervals of one location (each at the later record's file and
 * line, naming the earlier one).
 */
export function resolveCounts(net: CompiledNetwork, records: readonly CountRecord[]): CountSet {
  const problems: ScenarioProblem[] = [];
  const byKey = new Map<string, number>();
  const locations: CountLocation[] = [];
  const resolvedRows: CountRow[] = [];
  for (const r of records) {
    const resolved = resolvePlace(net, r.place);
    if ('error' in resolved) {
      problems.push({ file: r.file, line: r.line, path: 'location', message: resolved.error });
      continue;
    }
    let k = byKey.get(resolved.key);
    if (k === undefined) {
      k = locations.length;
      byKey.set(resolved.key, k);
      locations.push({ key: resolved.key, kind: resolved.kind, link: resolved.link, movement: resolved.movement });
    }
    resolvedRows.push({ location: k, begin: r.begin, end: r.end, observed: r.vehicles, file: r.file, line: r.line });
  }
  resolvedRows.sort((a, b) => a.location - b.location || a.begin - b.begin || a.end - b.end);
  const rowOffsets = new Int32Array(locations.length + 1);
  for (const row of resolvedRows) rowOffsets[row.location + 1]++;
  for (let k = 0; k < locations.length; k++) rowOffsets[k + 1] += rowOffsets[k];
  for (let i = 1; i < resolvedRows.length; i++) {
    const prev = resolvedRows[i - 1];
    const row = resolvedRows[i];
    if (row.location === prev.location && row.begin < prev.end) {
      const what = row.begin === prev.begin && row.end === prev.end ? 'the same interval' : `an interval overlapping ${clockOf(prev.begin)}-${clockOf(prev.end)}`;
      problems.push({
        file: row.file, line: row.line, path: 'begin',
        message: `expected intervals of ${JSON.stringify(locations[row.location].key)} that do not overlap, found ${clockOf(row.begin)}-${clockOf(row.end)}: ${what} counted at ${prev.file}:${prev.line}`,
      });
    }
  }
  if (problems.length > 0) throw new CountsError(problems);
  let begin = Infinity;
  let end = -Infinity;
  for (const row of resolvedRows) {
    begin = Math.min(begin, row.begin);
    end = Math.max(end, row.end);
  }
  return { locations, rows: resolvedRows, rowOffsets, begin, end };
}

/**
 * Reading a TNTP trip table (`*_trips.tntp`): `<NUMBER OF ZONES>` (required),
 * `<TOTAL OD FLOW>` (checked against the sum, a warning when they differ), then
 * blocks `Origin o` followed by entries `d : trips;` on any number of lines.
 * The table is the demand of a static assignment: trips per period between zone
 * centroids (import.ts says how it becomes time-dependent demand).
 */
import type { ImportWarning } from '../types.js';
import type { TntpText } from './text.js';

/** A trip table: `trips[(o - 1) * zones + (d - 1)]` trips from zone o to zone d (1-based zones). */
export interface TntpTrips {
  zones: number;
  trips: Float64Array;
  /** Sum of every entry, diagonal included. */
  total: number;
  /** `<TOTAL OD FLOW>` when the file states it. */
  statedTotal?: number;
}

/** Parse a trip table. Throws a located `InputError` for a malformed file. */
export function parseTntpTrips(src: TntpText, warnings: ImportWarning[]): TntpTrips {
  const zones = src.metaInteger('NUMBER OF ZONES', 1);
  if (zones === undefined) throw src.error(1, undefined, 'expected a <NUMBER OF ZONES> line in the metadata block of the trip table');
  const statedTotal = src.metaNumber('TOTAL OD FLOW');
  const trips = new Float64Array(zones * zones);
  const filled = new Uint8Array(zones * zones);
  let origin = 0;
  let total = 0;
  for (let i = src.bodyStart; i < src.lines.length; i++) {
    const raw = src.lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('~')) continue;
    const line = i + 1;
    const block = /^(\s*)origin\b\s*(\S*)\s*$/i.exec(raw);
    if (block !== null) {
      const column = raw.indexOf(block[2], block[1].length + 'origin'.length) + 1;
      const o = Number(block[2]);
      if (block[2] === '' || !Number.isInteger(o) || o < 1 || o > zones) {
        throw src.error(line, block[2] === '' ? raw.length + 1 : column, `Origin: expected a zone number from 1 to ${zones}, found ${block[2] === '' ? 'nothing' : JSON.stringify(block[2])}`);
      }
      origin = o;
      continue;
    }
    if (origin === 0) throw src.error(line, raw.search(/\S/) + 1, `expected "Origin <zone>" before the first entries, found ${JSON.stringify(trimmed.slice(0, 40))}`);
    // Entries "d : trips" separated by ";".
    let at = 0;
    for (const part of raw.split(';')) {
      const start = at;
      at += part.length + 1;
      if (part.trim() === '') continue;
      const column = start + part.search(/\S/) + 1;
      const entry = /^\s*(\S+)\s*:\s*(\S+)\s*$/.exec(part);
      if (entry === null) throw src.error(line, column, `origin ${origin}: expected an entry "destination : trips", found ${JSON.stringify(part.trim())}`);
      const d = Number(entry[1]);
      if (!Number.isInteger(d) || d < 1 || d > zones) throw src.error(line, column, `origin ${origin}: expected a destination zone from 1 to ${zones}, found ${JSON.stringify(entry[1])}`);
      const value = Number(entry[2]);
      const valueColumn = start + part.indexOf(entry[2], part.indexOf(':')) + 1;
      if (!Number.isFinite(value) || value < 0) throw src.error(line, valueColumn, `origin ${origin}, destination ${d}: expected a number of trips >= 0, found ${JSON.stringify(entry[2])}`);
      const cell = (origin - 1) * zones + (d - 1);
      if (filled[cell] === 1) throw src.error(line, column, `origin ${origin}, destination ${d}: expected one entry per origin-destination pair, found a second`);
      filled[cell] = 1;
      trips[cell] = value;
      total += value;
    }
  }
  if (statedTotal !== undefined && Math.abs(statedTotal - total) > 1e-6 * Math.max(1, Math.abs(statedTotal))) {
    warnings.push({ where: src.where(src.metadata.get('TOTAL OD FLOW')!.line), message: `<TOTAL OD FLOW> is ${statedTotal}, but the entries sum to ${total}: the entries are used` });
  }
  return { zones, trips, total, ...(statedTotal === undefined ? {} : { statedTotal }) };
}

/**
 * Traffic counts from a CSV file (RFC 4180, parsed by csv-parse), one count per row:
 *
 * ```csv
 * location,begin,end,vehicles
 * r0c0>r0c1,07:00,07:15,112
 * r0c0>r0c1>r0c1>r0c2,07:00,07:15,40
 * ```
 *
 * Columns (header names are matched without regard to case; other columns are ignored):
 *  - `location`: a link id, or a turning movement `fromLink>toLink`;
 *  - `begin`, `end`: a clock time (`07:15`, `07:15:30`; hours may pass 23) or
 *    seconds since midnight; or `begin_s`/`end_s` (also `beginS`/`endS`) in seconds,
 *    as scenario files name time pairs;
 *  - `vehicles` (or `count`): vehicles that passed during [begin, end): for a link,
 *    those entering it, including those starting their trip on it.
 *
 * Lines starting with `#` are comments (greenwave's own CSV files start with one)
 * and empty lines are skipped. Every problem is reported at once, with the file,
 * line and column name: a missing column, a bad time, a negative or non-numeric
 * count, an interval that ends before it begins.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { ScenarioProblem } from '../../errors.js';
import { closest, CountsError, type CountRecord } from '../../demand/counts.js';

/** Column aliases, lower-cased header -> role. */
const ROLES: Readonly<Record<string, 'location' | 'begin' | 'beginS' | 'end' | 'endS' | 'vehicles'>> = {
  location: 'location',
  begin: 'begin', begin_s: 'beginS', begins: 'beginS',
  end: 'end', end_s: 'endS', ends: 'endS',
  vehicles: 'vehicles', count: 'vehicles',
};

const CLOCK = /^([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9](?:\.[0-9]+)?))?$/;
const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Seconds since midnight of a clock string or a plain number of seconds; undefined if it is neither. */
function timeOf(text: string, clockAllowed: boolean): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  if (!clockAllowed) return undefined;
  const m = CLOCK.exec(text);
  return m === null ? undefined : Number(m[1]) * 3600 + Number(m[2]) * 60 + (m[3] === undefined ? 0 : Number(m[3]));
}

/** Parse counts from CSV `text` read from `file`. Throws `CountsError` listing every problem. */
export function parseCountsCsv(text: string, file: string): CountRecord[] {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { info: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, bom: true, trim: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new CountsError([{ file, ...(e.lines !== undefined ? { line: e.lines } : {}), path: '', message: `CSV syntax error: ${e.message.replace(/ at line \d+$/, '')}` }]);
  }
  if (rows.length === 0) throw new CountsError([{ file, line: 1, path: '', message: 'expected a header row (location,begin,end,vehicles), found an empty file' }]);
  const header = rows[0].record;
  const headerLine = rows[0].info.lines;
  const problems: ScenarioProblem[] = [];
  const index: Partial<Record<(typeof ROLES)[string], number>> = {};
  header.forEach((name, i) => {
    const role = ROLES[name.toLowerCase()];
    if (role === undefined) return;
    if (index[role] !== undefined) problems.push({ file, line: headerLine, path: name, message: `expected each column once, found ${JSON.stringify(name)} twice (columns ${index[role]! + 1} and ${i + 1})` });
    else index[role] = i;
  });
  const missing = (what: string, wanted: string[]): void => {
    const guess = header.map((h) => [h, closest(h.toLowerCase(), wanted)] as const).find(([, g]) => g !== undefined);
    problems.push({
      file, line: headerLine, path: wanted[0],
      message: `expected a column ${what}, found columns ${header.map((h) => JSON.stringify(h)).join(', ')}${guess ? `; did you mean ${JSON.stringify(guess[1])} for ${JSON.stringify(guess[0])}?` : ''}`,
    });
  };
  if (index.location === undefined) missing('"location" (a link id or "fromLink>toLink")', ['location']);
  for (const t of ['begin', 'end'] as const) {
    const s = `${t}S` as const;
    if (index[t] !== undefined && index[s] !== undefined) problems.push({ file, line: headerLine, path: t, message: `expected either "${t}" or "${t}_s", found both` });
    else if (index[t] === undefined && index[s] === undefined) missing(`"${t}" (a clock time or seconds) or "${t}_s" (seconds)`, [t, `${t}_s`]);
  }
  if (index.vehicles === undefined) missing('"vehicles" (vehicles counted in the interval)', ['vehicles', 'count']);
  if (problems.length > 0) throw new CountsError(problems);

  const records: CountRecord[] = [];
  const columnName = (i: number): string => header[i];
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    // info.lines is the line a record ends on; quoted fields may span lines.
    const line = info.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    const problem = (column: number, message: string): void => {
      problems.push({ file, line, path: columnName(column), message });
    };
    const field = (column: number): string | undefined => (column < record.length ? record[column] : undefined);
    let ok = true;
    const loc = field(index.location!);
    if (loc === undefined || loc === '') {
      problem(index.location!, 'expected a link id or a movement "fromLink>toLink", found an empty field');
      ok = false;
    }
    const time = (name: 'begin' | 'end'): number | undefined => {
      const clockColumn = index[name];
      const column = clockColumn ?? index[`${name}S`]!;
      const raw = field(column);
      const value = raw === undefined || raw === '' ? undefined : timeOf(raw, clockColumn !== undefined);
      if (value === undefined || !Number.isFinite(value) || value < 0) {
        const wanted = clockColumn !== undefined ? 'a clock time such as "07:15" or seconds since midnight' : 'seconds since midnight (a number >= 0)';
        problem(column, `expected ${wanted}, found ${raw === undefined || raw === '' ? 'an empty field' : JSON.stringify(raw)}`);
        ok = false;
        return undefined;
      }
      return value;
    };
    const begin = time('begin');
    const end = time('end');
    if (begin !== undefined && end !== undefined && end <= begin) {
      problem(index.end ?? index.endS!, `expected an end after begin ${field(index.begin ?? index.beginS!)}, found ${JSON.stringify(field(index.end ?? index.endS!))}`);
      ok = false;
    }
    const raw = field(index.vehicles!);
    const vehicles = raw !== undefined && NUMBER.test(raw) ? Number(raw) : NaN;
    if (!(vehicles >= 0) || !Number.isFinite(vehicles)) {
      problem(index.vehicles!, `expected a number of vehicles >= 0, found ${raw === undefined || raw === '' ? 'an empty field' : JSON.stringify(raw)}`);
      ok = false;
    }
    if (ok) records.push({ place: { kind: 'text', text: loc! }, begin: begin!, end: end!, vehicles, file, line });
  }
  if (problems.length > 0) throw new CountsError(problems);
  return records;
}

/** Read counts from the CSV `file`. Rejects with `CountsError` (a missing file too). */
export async function readCountsCsv(file: string): Promise<CountRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CountsError([{ file, path: '', message: code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : (error as Error).message }]);
  }
  return parseCountsCsv(text, file);
}

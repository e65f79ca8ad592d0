/**
 * Traffic counts from SUMO's XML: the `edgeData` output of a simulation (or a
 * routeSampler input), and `edgeRelation` data (turn counts), read with the
 * streaming, entity-safe reader of `../xml.ts`:
 *
 * ```xml
 * <meandata>                                   (or <data>)
 *   <interval begin="0.00" end="900.00" id="counts">
 *     <edge id="A0A1" entered="19" departed="9" .../>             link count: count, or entered + departed
 *     <edgeRelation from="A0A1" to="A1A2" count="7"/>             movement count: count, or entered
 *   </interval>
 * </meandata>
 * ```
 *
 * A link is counted as the vehicles entering it, including those inserted on it:
 * `count` when the element has one (routeSampler input), else SUMO's `entered +
 * departed` (`departed` may be absent: 0). Times are seconds (SUMO writes `900.00`;
 * `HH:MM:SS` and `D:HH:MM:SS` are read too). Lane-level output (`<lane>` inside
 * `<edge>`) is refused: aggregate per edge with `edgeData`. Every problem is
 * reported with its file, line and attribute name.
 */
import { GreenwaveError, InputError, type ScenarioProblem } from '../../errors.js';
import { CountsError, type CountRecord } from '../../demand/counts.js';
import { readXml, type XmlElement } from '../xml.js';

/** Seconds of a SUMO time attribute (`900`, `900.00`, `00:15:00`, `1:00:15:00`), or undefined. */
function sumoTime(text: string): number | undefined {
  if (/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text.trim())) return Number(text);
  const parts = text.trim().split(':');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => !/^[0-9]+(?:\.[0-9]+)?$/.test(p))) return undefined;
  const [s, m, h, d = '0'] = parts.reverse();
  return Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Read link and movement counts from SUMO XML `file`. Rejects with `CountsError`. */
export async function readSumoCounts(file: string): Promise<CountRecord[]> {
  const records: CountRecord[] = [];
  const problems: ScenarioProblem[] = [];
  let interval: { begin: number; end: number } | null | undefined; // null: a bad interval (its counts are skipped)
  let root: string | undefined;
  let pendingEdge: XmlElement | undefined; // read at its end tag, once it is known to have no lanes
  const problem = (line: number, attribute: string, message: string): void => {
    problems.push({ file, line, path: attribute, message });
  };
  const number = (e: XmlElement, name: string): number | undefined => {
    const raw = e.attributes[name];
    if (raw === undefined) return undefined;
    const value = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(value >= 0) || !Number.isFinite(value)) {
      problem(e.line, name, `expected a number of vehicles >= 0, found ${JSON.stringify(raw)}`);
      return NaN;
    }
    return value;
  };
  const vehiclesOf = (e: XmlElement, extra: string | undefined): number | undefined => {
    const count = number(e, 'count');
    if (count !== undefined) return count;
    const entered = number(e, 'entered');
    if (entered === undefined) {
      problem(e.line, 'count', `expected a "count" attribute or SUMO's "entered"${extra ? ` (+ "${extra}")` : ''}, found neither`);
      return NaN;
    }
    const more = extra === undefined ? 0 : number(e, extra) ?? 0;
    return entered + more;
  };
  const place = (e: XmlElement, name: string): string | undefined => {
    const value = e.attributes[name];
    if (value === undefined || value === '') problem(e.line, name, `expected a "${name}" attribute naming an edge, found ${value === undefined ? 'none' : 'an empty value'}`);
    return value || undefined;
  };
  try {
    await readXml(file, {
      open(e) {
        const depth = e.parents.length;
        if (depth === 0) {
          root = e.name;
          if (e.name !== 'meandata' && e.name !== 'data') {
            throw new InputError(`${file}:${e.line}`, `expected SUMO edgeData or edgeRelation counts (a <meandata> or <data> root element), found <${e.name}>`);
          }
          return;
        }
        if (e.name === 'interval' && depth === 1) {
          const begin = e.attributes.begin === undefined ? undefined : sumoTime(e.attributes.begin);
          const end = e.attributes.end === undefined ? undefined : sumoTime(e.attributes.end);
          interval = null;
          if (begin === undefined || begin < 0) problem(e.line, 'begin', `expected the interval's begin in seconds, found ${e.attributes.begin === undefined ? 'none' : JSON.stringify(e.attributes.begin)}`);
          else if (end === undefined) problem(e.line, 'end', `expected the interval's end in seconds, found ${e.attributes.end === undefined ? 'none' : JSON.stringify(e.attributes.end)}`);
          else if (end <= begin) problem(e.line, 'end', `expected an end after begin ${e.attributes.begin}, found ${JSON.stringify(e.attributes.end)}`);
          else interval = { begin, end };
          return;
        }
        const inInterval = depth === 2 && e.parents[1] === 'interval';
        if (e.name === 'lane' && e.parents[e.parents.length - 1] === 'edge') {
          pendingEdge = undefined;
          throw new InputError(`${file}:${e.line}`, 'lane-level counts (laneData output) are not read: write edge-level counts with <edgeData> instead');
        }
        if (!inInterval || (e.name !== 'edge' && e.name !== 'edgeRelation')) return; // other SUMO data (tazRelation ...) is not counts
        if (interval === undefined) throw new InputError(`${file}:${e.line}`, `expected <${e.name}> inside an <interval>`);
        if (interval === null) return;
        if (e.name === 'edge') {
          pendingEdge = { ...e, parents: [] };
        } else {
          const from = place(e, 'from');
          const to = place(e, 'to');
          const vehicles = vehiclesOf(e, undefined);
          if (from !== undefined && to !== undefined && Number.isFinite(vehicles)) {
            records.push({ place: { kind: 'movement', from, to }, begin: interval.begin, end: interval.end, vehicles: vehicles!, file, line: e.line });
          }
        }
      },
      close(name) {
        if (name === 'interval') interval = undefined;
        if (name === 'edge' && pendingEdge && interval) {
          const e = pendingEdge;
          pendingEdge = undefined;
          const id = place(e, 'id');
          const vehicles = vehiclesOf(e, 'departed');
          if (id !== undefined && Number.isFinite(vehicles)) records.push({ place: { kind: 'link', id }, begin: interval.begin, end: interval.end, vehicles: vehicles!, file, line: e.line });
        }
      },
    });
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    const path = error instanceof InputError ? error.path : file;
    const m = /^(.*):(\d+)$/.exec(path);
    const message = error instanceof InputError && error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
    problems.push({ file, ...(m ? { line: Number(m[2]) } : {}), path: '', message });
  }
  if (problems.length === 0 && root === undefined) problems.push({ file, line: 1, path: '', message: 'expected SUMO edgeData or edgeRelation counts, found no XML element' });
  if (problems.length > 0) throw new CountsError(problems);
  return records;
}

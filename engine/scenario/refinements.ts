/**
 * The scenario checks that look at several fields of one object at once (a time
 * given in both forms, a flow without an origin, lon without lat, a corridor's
 * gap count, an OD matrix's shape), written once and run by both validators:
 * the zod schema (`schema.ts`, through `superRefine`) and the generated fast
 * validator (`validate.generated.ts`), so the two always agree.
 *
 * Each check receives a value whose fields may still be broken (zod runs some
 * of them before the fields are known to be sound) and reports problems through
 * `addIssue`, with paths relative to the value.
 */
import type { PathSegment } from '../text/position.js';

/** Where a check reports (zod's refinement context satisfies it). */
export interface IssueSink {
  addIssue(issue: { code: 'custom'; path: PathSegment[]; message: string }): void;
}

/** A check of one object. */
export type Refinement = (value: unknown, sink: IssueSink) => void;

/** A time pair of an object: `nameS` (seconds) or `name` (clock string). */
export interface TimePair {
  name: string;
  required: boolean;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Never both forms of time `name` (`seconds` is `${name}S`); a required time has one of them. */
function timePair(name: string, seconds: string, required: boolean): Refinement {
  return (value, sink) => {
    const record = asRecord(value);
    if (record === undefined) return;
    const hasSeconds = record[seconds] !== undefined;
    const hasClock = record[name] !== undefined;
    if (hasSeconds && hasClock) {
      sink.addIssue({ code: 'custom', path: [name], message: `give either ${name}S (seconds) or ${name} (clock time), not both` });
    } else if (required && !hasSeconds && !hasClock) {
      sink.addIssue({ code: 'custom', path: [`${name}S`], message: `missing required time: give ${name}S (seconds since midnight) or ${name} (a clock time such as "07:30")` });
    }
  };
}

/**
 * Never both forms of a time; a required time has one of them. One check per
 * pair, and a single pair (a trip's departure) is its check alone: the
 * validator runs it once per trip, and a loop over destructured pairs cost a
 * 1.0 MB scenario's validation a quarter of its time (mostly in compiling it).
 */
function timePairs(pairs: readonly TimePair[]): Refinement {
  const checks = pairs.map(({ name, required }) => timePair(name, `${name}S`, required));
  if (checks.length === 1) return checks[0];
  return (value, sink) => {
    for (let k = 0; k < checks.length; k++) checks[k](value, sink);
  };
}

/** An origin and a destination are needed: a junction, a link or a route each. */
const endpoints: Refinement = (value, sink) => {
  const r = asRecord(value);
  if (r === undefined) return;
  if (r.from === undefined && r.fromLink === undefined && r.route === undefined) {
    sink.addIssue({ code: 'custom', path: ['from'], message: 'missing origin: give from (a junction), fromLink (a link) or route' });
  }
  if (r.to === undefined && r.toLink === undefined && r.route === undefined) {
    sink.addIssue({ code: 'custom', path: ['to'], message: 'missing destination: give to (a junction), toLink (a link) or route' });
  }
};

/** lon and lat come together. */
const lonLat: Refinement = (value, sink) => {
  const j = asRecord(value);
  if (j === undefined) return;
  if ((j.lon === undefined) !== (j.lat === undefined)) {
    const missing = j.lon === undefined ? 'lon' : 'lat';
    sink.addIssue({ code: 'custom', path: [missing], message: `missing ${missing}: give lon and lat together, or neither` });
  }
};

/** A corridor's list of gaps has junctions - 1 entries, and one junction needs an end length. */
const corridorSpacing: Refinement = (value, sink) => {
  const c = asRecord(value);
  if (c === undefined || !Array.isArray(c.spacingM) || typeof c.junctions !== 'number') return;
  if (c.spacingM.length !== c.junctions - 1) {
    sink.addIssue({ code: 'custom', path: ['spacingM'], message: `expected junctions - 1 = ${c.junctions - 1} gaps, found ${c.spacingM.length}` });
  } else if (c.spacingM.length === 0 && c.endLengthM === undefined) {
    sink.addIssue({ code: 'custom', path: ['endLengthM'], message: 'missing endLengthM: needed when spacingM is an empty list (one junction)' });
  }
};

/** An OD matrix has one row and one column per zone (and one name per zone, when named). */
const odShape: Refinement = (value, sink) => {
  const m = asRecord(value);
  if (m === undefined || !Array.isArray(m.zones) || !Array.isArray(m.vehPerHour)) return;
  const n = m.zones.length;
  if (Array.isArray(m.zoneNames) && m.zoneNames.length !== n) {
    sink.addIssue({ code: 'custom', path: ['zoneNames'], message: `expected ${n} names (one per zone), found ${m.zoneNames.length}` });
  }
  if (m.vehPerHour.length !== n) {
    sink.addIssue({ code: 'custom', path: ['vehPerHour'], message: `expected ${n} rows (one per zone), found ${m.vehPerHour.length}` });
  }
  m.vehPerHour.forEach((row: unknown, o) => {
    if (Array.isArray(row) && row.length !== n) {
      sink.addIssue({ code: 'custom', path: ['vehPerHour', o], message: `expected ${n} columns (one per zone), found ${row.length}` });
    }
  });
};

/** Every check, by name; `timePairs` takes its pairs. The generated validator calls them by these names. */
export const REFINEMENTS = {
  timePairs,
  endpoints: (): Refinement => endpoints,
  lonLat: (): Refinement => lonLat,
  corridorSpacing: (): Refinement => corridorSpacing,
  odShape: (): Refinement => odShape,
} as const;

/** Name of a check in {@link REFINEMENTS}. */
export type RefinementName = keyof typeof REFINEMENTS;

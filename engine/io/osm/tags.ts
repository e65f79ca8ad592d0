/**
 * Reading OSM tags of a `highway` way as a car road: its class, and per travel
 * direction its lanes, free-flow speed and turn-lane markings, or the reason it
 * is left out.
 *
 * Rules follow the OpenStreetMap wiki pages Key:highway, Key:lanes, Key:maxspeed,
 * Key:oneway, Key:access and Key:turn (turn:lanes), and what SUMO's netconvert
 * does with them (implied one-way for motorways and roundabouts, lanes split
 * between the directions of a two-way road). Values the wiki does not document
 * are never dropped silently: each gives a warning saying how it was read.
 *
 * Defaults where a tag is missing (lanes per direction, speed) are per road class,
 * chosen as typical urban free-flow values; a known country caps them at its
 * legal limit (60 km/h in Macau, 50 in Hong Kong).
 */
import { MAX_LANES } from '../../network/types.js';
import { countrySpeedKmh, countryUrbanCap, isCountryCode, KMH_PER_MPH, WALK_KMH } from './countries.js';
import type { ImportReport } from './report.js';

/** OSM tags of an element. */
export type Tags = Record<string, string>;

/** Road classes (`highway` values) kept by default: the car network. */
export const DEFAULT_CLASSES: readonly string[] = [
  'motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link',
  'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'road',
];

/** Standard `highway` values that are not car roads by default (or not roads at all). */
const OTHER_CLASSES = [
  'service', 'track', 'footway', 'steps', 'pedestrian', 'cycleway', 'path', 'bridleway', 'construction', 'proposed',
  'bus_guideway', 'busway', 'raceway', 'corridor', 'elevator', 'platform', 'escalator', 'via_ferrata', 'abandoned',
  'disused', 'razed', 'rest_area', 'services', 'emergency_bay', 'bus_stop', 'crossing', 'traffic_signals',
  'street_lamp', 'turning_circle', 'turning_loop', 'mini_roundabout', 'stop', 'give_way', 'motorway_junction',
  'milestone', 'speed_camera', 'passing_place', 'traffic_mirror', 'ladder', 'trailhead', 'emergency_access_point',
];

/** Every standard `highway` value the importer knows. */
export const KNOWN_CLASSES: ReadonlySet<string> = new Set([...DEFAULT_CLASSES, ...OTHER_CLASSES]);

/** Default lanes per direction and free-flow speed (km/h) per road class, when untagged. */
export const CLASS_DEFAULTS: Readonly<Record<string, { lanes: number; speedKmh: number }>> = {
  motorway: { lanes: 2, speedKmh: 110 },
  motorway_link: { lanes: 1, speedKmh: 60 },
  trunk: { lanes: 2, speedKmh: 80 },
  trunk_link: { lanes: 1, speedKmh: 50 },
  primary: { lanes: 2, speedKmh: 50 },
  primary_link: { lanes: 1, speedKmh: 40 },
  secondary: { lanes: 1, speedKmh: 50 },
  secondary_link: { lanes: 1, speedKmh: 40 },
  tertiary: { lanes: 1, speedKmh: 40 },
  tertiary_link: { lanes: 1, speedKmh: 30 },
  unclassified: { lanes: 1, speedKmh: 40 },
  residential: { lanes: 1, speedKmh: 30 },
  living_street: { lanes: 1, speedKmh: 10 },
  road: { lanes: 1, speedKmh: 40 },
  service: { lanes: 1, speedKmh: 20 },
  track: { lanes: 1, speedKmh: 20 },
};
const FALLBACK_DEFAULTS = { lanes: 1, speedKmh: 30 };

/** `maxspeed=none` (no legal limit, German motorways): the advisory speed, km/h. */
export const NO_LIMIT_KMH = 130;

/** Turn-lane tokens of the OSM `turn:lanes` key. */
export type TurnToken =
  | 'left' | 'slight_left' | 'sharp_left' | 'through' | 'right' | 'slight_right' | 'sharp_right' | 'reverse'
  | 'merge_to_left' | 'merge_to_right' | 'none';
const TURN_TOKENS: ReadonlySet<string> = new Set([
  'left', 'slight_left', 'sharp_left', 'through', 'right', 'slight_right', 'sharp_right', 'reverse', 'merge_to_left', 'merge_to_right', 'none',
]);

/** One travel direction of a way. */
export interface Direction {
  lanes: number;
  /** Free-flow speed, m/s. */
  speed: number;
  /** `turn:lanes` of this direction, lanes listed left to right as OSM writes them; undefined when untagged. */
  turnLanes?: TurnToken[][];
}

/** A `highway` way read as a car road. */
export interface Road {
  /** Road class (`highway`, non-standard values mapped to a standard one). */
  cls: string;
  /** Travel along the way's node order, or null when forbidden (one-way against it). */
  forward: Direction | null;
  /** Travel against the node order, or null. */
  backward: Direction | null;
  name?: string;
  /** Names in other languages, by language code (from {@link OTHER_NAME_KEYS}). */
  names?: Record<string, string>;
  roundabout: boolean;
}

/** Language codes whose `name:<code>` tags are kept beside `name` (Macau's official languages, and English). */
export const OTHER_NAME_KEYS: readonly string[] = ['pt', 'zh', 'en'];

/** Context of tag interpretation. */
export interface TagContext {
  /** Road classes kept. */
  classes: ReadonlySet<string>;
  /** ISO 3166-1 code when known (caps default speeds, resolves `XX:urban`-style zones). */
  country?: string;
  /** Per-class default overrides. */
  classDefaults?: Readonly<Record<string, { lanes?: number; speedKmh?: number }>>;
  report: ImportReport;
}

/** Where an element is, for warnings (`file:line`). */
export interface Place {
  element: string;
  where?: string;
}

/**
 * The standard class a `highway` value stands for: itself when standard; for a
 * non-standard value, the longest standard prefix before an underscore
 * (`residential_tunnel` -> `residential`, `primary_bridge` -> `primary`);
 * undefined when nothing matches.
 */
export function standardClass(value: string): string | undefined {
  if (KNOWN_CLASSES.has(value)) return value;
  const parts = value.split('_');
  for (let k = parts.length - 1; k >= 1; k--) {
    const prefix = parts.slice(0, k).join('_');
    if (KNOWN_CLASSES.has(prefix)) return prefix;
  }
  return undefined;
}

const DENIED = new Set(['no', 'private', 'agricultural', 'forestry', 'emergency', 'military', 'delivery', 'bus', 'psv', 'permit', 'discouraged']);
const ALLOWED = new Set(['yes', 'permissive', 'designated', 'destination', 'customers', 'official', 'unknown']);
/** Access keys from most to least specific for a private car (Key:access, "transport mode hierarchy"). */
const ACCESS_KEYS = ['motorcar', 'motor_vehicle', 'vehicle', 'access'];

/**
 * Whether private cars may use the way in a direction (`suffix` '' for both,
 * ':forward' or ':backward'): the most specific access key present decides.
 * Returns the deciding `key=value` when denied, undefined when allowed.
 */
function deniedBy(tags: Tags, suffix: string, ctx: TagContext, at: Place): string | undefined {
  for (const key of ACCESS_KEYS) {
    const value = tags[key + suffix];
    if (value === undefined) continue;
    const v = value.trim().toLowerCase();
    if (DENIED.has(v)) return `${key}${suffix}=${value}`;
    if (!ALLOWED.has(v)) {
      ctx.report.warnOnce(`${key}${suffix}=${value}`, `${key}${suffix}="${value}" is not a documented access value: read as allowed`, at.element, at.where);
    }
    return undefined;
  }
  return undefined;
}

/** A positive lane count from a tag, or undefined (with a warning) when malformed. */
function laneCount(tags: Tags, key: string, ctx: TagContext, at: Place): number | undefined {
  const raw = tags[key];
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (/^\d+$/.test(v) && Number(v) >= 1) {
    const n = Number(v);
    if (n > MAX_LANES) {
      ctx.report.warn('lanes', `${key}="${raw}" exceeds ${MAX_LANES}: capped`, at.element, at.where);
      return MAX_LANES;
    }
    return n;
  }
  if (/^\d+(\.\d+)?$/.test(v) && Number(v) >= 1) {
    const n = Math.round(Number(v));
    ctx.report.warn('lanes', `${key}="${raw}" is not a whole number: read as ${n}`, at.element, at.where);
    return Math.min(n, MAX_LANES);
  }
  ctx.report.warn('lanes', `${key}="${raw}" is not a lane count: the class default is used`, at.element, at.where);
  return undefined;
}

/** The result of parsing a `maxspeed` value. */
export type SpeedValue =
  | { kind: 'speed'; kmh: number; note?: string }
  | { kind: 'default'; note: string }
  | { kind: 'invalid'; note: string };

/**
 * Parse a `maxspeed` value (Key:maxspeed): a number (km/h), a number with a unit
 * (`mph`, `km/h`, `kmh`, `kph`, `knots`), `walk`, `none`, `signals`/`variable`
 * (class default), or `XX:context` (a country's legal default, see
 * `countrySpeedKmh`). Several values (`50;30`) take the first, with a note.
 */
export function parseMaxspeed(value: string): SpeedValue {
  const v = value.trim();
  if (v.includes(';')) {
    const first = parseMaxspeed(v.split(';')[0]);
    return first.kind === 'speed' ? { ...first, note: `several values: the first (${first.kmh} km/h) is used` } : first;
  }
  const num = /^(\d+(?:[.,]\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/i.exec(v);
  if (num) {
    const n = Number(num[1].replace(',', '.'));
    const unit = (num[2] ?? 'km/h').toLowerCase();
    if (n <= 0) return { kind: 'invalid', note: 'is not a positive speed' };
    const kmh = unit === 'mph' ? n * KMH_PER_MPH : unit === 'knots' ? n * 1.852 : n;
    return { kind: 'speed', kmh };
  }
  const lower = v.toLowerCase();
  if (lower === 'walk') return { kind: 'speed', kmh: WALK_KMH };
  if (lower === 'none') return { kind: 'speed', kmh: NO_LIMIT_KMH, note: `no legal limit: ${NO_LIMIT_KMH} km/h assumed` };
  if (lower === 'signals' || lower === 'variable') return { kind: 'default', note: 'a variable limit: the class default is used' };
  const zone = /^([A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?):([a-z_:0-9]+)$/.exec(v);
  if (zone) {
    const kmh = countrySpeedKmh(zone[1], zone[2]);
    if (kmh !== undefined) return { kind: 'speed', kmh };
    return { kind: 'invalid', note: `is a country default greenwave has no table entry for` };
  }
  return { kind: 'invalid', note: 'is not a documented maxspeed value' };
}

/** Speed of one direction, m/s. */
function speedOf(tags: Tags, suffix: string, cls: string, ctx: TagContext, at: Place, warned: Set<string>): number {
  const key = tags[`maxspeed${suffix}`] !== undefined ? `maxspeed${suffix}` : 'maxspeed';
  const raw = tags[key];
  if (raw !== undefined) {
    const parsed = parseMaxspeed(raw);
    if (parsed.kind === 'speed') {
      if (parsed.note && !warned.has(key)) ctx.report.warn('maxspeed', `${key}="${raw}": ${parsed.note}`, at.element, at.where);
      warned.add(key);
      ctx.report.count('maxspeed: tagged (directions)');
      return parsed.kmh / 3.6;
    }
    if (!warned.has(key)) ctx.report.warn('maxspeed', `${key}="${raw}" ${parsed.note}: the ${cls} default is used`, at.element, at.where);
    warned.add(key);
  }
  ctx.report.count('maxspeed: class default (directions)');
  return defaultSpeedKmh(cls, ctx) / 3.6;
}

/** Class default speed, km/h, capped by the country's limit on ordinary roads. */
export function defaultSpeedKmh(cls: string, ctx: Pick<TagContext, 'country' | 'classDefaults'>): number {
  const given = ctx.classDefaults?.[cls]?.speedKmh;
  if (given !== undefined) return given;
  const base = (CLASS_DEFAULTS[cls] ?? FALLBACK_DEFAULTS).speedKmh;
  if (!ctx.country) return base;
  if (cls === 'motorway' || cls === 'trunk') return countrySpeedKmh(ctx.country, cls) ?? base;
  const cap = countryUrbanCap(ctx.country);
  return cap === undefined ? base : Math.min(base, cap);
}

function defaultLanes(cls: string, ctx: TagContext): number {
  return ctx.classDefaults?.[cls]?.lanes ?? (CLASS_DEFAULTS[cls] ?? FALLBACK_DEFAULTS).lanes;
}

/** Parse a `turn:lanes` value into lanes (left to right) of tokens; unknown tokens are warned and read as `none`. */
export function parseTurnLanes(raw: string, key: string, ctx: TagContext, at: Place): TurnToken[][] {
  return raw.split('|').map((lane) =>
    lane.split(';').map((t) => {
      const token = t.trim().toLowerCase();
      if (token === '') return 'none';
      if (TURN_TOKENS.has(token)) return token as TurnToken;
      ctx.report.warn('turn:lanes', `${key}="${raw}": "${t}" is not a documented turn value: read as none`, at.element, at.where);
      return 'none';
    }),
  );
}

type Oneway = 'forward' | 'backward' | 'both' | 'reversible';

function onewayOf(tags: Tags, cls: string, ctx: TagContext, at: Place): Oneway {
  const raw = tags.oneway;
  const junction = tags.junction;
  const implied = cls === 'motorway' || cls === 'motorway_link' || junction === 'roundabout' || junction === 'circular';
  if (raw === undefined) return implied ? 'forward' : 'both';
  const v = raw.trim().toLowerCase();
  if (v === 'yes' || v === 'true' || v === '1') return 'forward';
  if (v === '-1' || v === 'reverse') return 'backward';
  if (v === 'no' || v === 'false' || v === '0') return 'both';
  if (v === 'reversible') return 'reversible';
  if (v === 'alternating') {
    ctx.report.warn('oneway', 'oneway="alternating" (one lane used in turns): read as two-way with one lane each way', at.element, at.where);
    return 'both';
  }
  ctx.report.warnOnce(`oneway=${raw}`, `oneway="${raw}" is not a documented value: read as ${implied ? 'one-way (implied by the road)' : 'two-way'}`, at.element, at.where);
  return implied ? 'forward' : 'both';
}

/**
 * Read a way's tags as a car road, or return null when it is left out (the
 * reason counted as `dropped: <reason>`). Warnings name the tag and value.
 */
export function readRoad(tags: Tags, ctx: TagContext, at: Place): Road | null {
  const { report } = ctx;
  const value = tags.highway;
  const cls = standardClass(value);
  if (cls === undefined) {
    report.warnOnce(`highway=${value}`, `highway="${value}" is not a standard value and matches no standard class: way left out`, at.element, at.where);
    report.count(`dropped: highway=${value} (non-standard)`);
    return null;
  }
  if (cls !== value) {
    report.warnOnce(`highway=${value}`, `highway="${value}" is not a standard value: read as highway="${cls}"`, at.element, at.where);
    report.count(`non-standard highway read as ${cls}`);
  }
  if (!ctx.classes.has(cls)) {
    report.count(`dropped: highway=${cls}`);
    return null;
  }
  if (tags.area === 'yes') {
    report.count('dropped: area=yes');
    return null;
  }
  const denied = deniedBy(tags, '', ctx, at);
  if (denied) {
    report.count(`dropped: ${denied.replace(/^.*=/, 'access=')}`);
    return null;
  }
  const oneway = onewayOf(tags, cls, ctx, at);
  if (oneway === 'reversible') {
    report.warn('oneway', 'oneway="reversible" (direction changes with the time of day) cannot be modelled: way left out', at.element, at.where);
    report.count('dropped: oneway=reversible');
    return null;
  }
  let fwd = oneway !== 'backward';
  let bwd = oneway !== 'forward';
  if (fwd && deniedBy(tags, ':forward', ctx, at)) fwd = false;
  if (bwd && deniedBy(tags, ':backward', ctx, at)) bwd = false;
  if (!fwd && !bwd) {
    report.count('dropped: access=no (both directions)');
    return null;
  }

  // Lanes (Key:lanes): on a one-way road `lanes` is the count of the one direction.
  const dflt = defaultLanes(cls, ctx);
  const total = laneCount(tags, 'lanes', ctx, at);
  let lanesF: number | undefined;
  let lanesB: number | undefined;
  let tagged = total !== undefined;
  if (fwd && bwd) {
    lanesF = laneCount(tags, 'lanes:forward', ctx, at);
    lanesB = laneCount(tags, 'lanes:backward', ctx, at);
    tagged ||= lanesF !== undefined || lanesB !== undefined;
    const both = laneCount(tags, 'lanes:both_ways', ctx, at) ?? 0;
    if (total !== undefined) {
      const rest = total - both;
      if (lanesF === undefined && lanesB !== undefined) lanesF = rest - lanesB;
      else if (lanesB === undefined && lanesF !== undefined) lanesB = rest - lanesF;
      else if (lanesF === undefined && lanesB === undefined) lanesF = lanesB = Math.floor(rest / 2);
    }
    lanesF = Math.max(1, lanesF ?? dflt);
    lanesB = Math.max(1, lanesB ?? dflt);
  } else {
    const single = total ?? laneCount(tags, fwd ? 'lanes:forward' : 'lanes:backward', ctx, at);
    tagged ||= single !== undefined;
    if (fwd) lanesF = single ?? dflt;
    else lanesB = single ?? dflt;
  }
  report.count(tagged ? 'lanes: tagged (ways)' : 'lanes: class default (ways)');

  const warned = new Set<string>();
  const direction = (lanes: number, suffix: ':forward' | ':backward'): Direction => {
    const d: Direction = { lanes, speed: speedOf(tags, suffix, cls, ctx, at, warned) };
    const key = tags[`turn:lanes${suffix}`] !== undefined ? `turn:lanes${suffix}` : fwd !== bwd ? 'turn:lanes' : undefined;
    if (key !== undefined && tags[key] !== undefined) {
      const turns = parseTurnLanes(tags[key], key, ctx, at);
      if (turns.length === lanes) d.turnLanes = turns;
      else if (!tagged) {
        d.lanes = Math.min(turns.length, MAX_LANES);
        d.turnLanes = turns.slice(0, d.lanes);
      } else {
        report.warn('turn:lanes', `${key} lists ${turns.length} lanes but the road has ${lanes}: turn lanes ignored`, at.element, at.where);
      }
    }
    return d;
  };
  if (fwd && bwd && tags['turn:lanes'] !== undefined && tags['turn:lanes:forward'] === undefined) {
    report.warn('turn:lanes', 'turn:lanes on a two-way road (should be turn:lanes:forward/backward): ignored', at.element, at.where);
  }
  const road: Road = {
    cls,
    forward: fwd ? direction(lanesF as number, ':forward') : null,
    backward: bwd ? direction(lanesB as number, ':backward') : null,
    roundabout: tags.junction === 'roundabout' || tags.junction === 'circular',
  };
  const name = tags.name ?? tags.ref;
  if (name !== undefined) road.name = name;
  for (const lang of OTHER_NAME_KEYS) {
    const other = tags[`name:${lang}`];
    if (other !== undefined && other !== name) (road.names ??= {})[lang] = other;
  }
  return road;
}

/** Country code named by an element's tags (`addr:country`, `is_in:country_code`, `ISO3166-1`), if any. */
export function countryTag(tags: Tags): string | undefined {
  for (const key of ['addr:country', 'is_in:country_code', 'ISO3166-1', 'ISO3166-1:alpha2', 'country_code']) {
    const v = tags[key];
    if (v !== undefined && isCountryCode(v.trim())) return v.trim().toUpperCase();
  }
  for (const key of ['maxspeed', 'source:maxspeed', 'maxspeed:type', 'zone:maxspeed', 'zone:traffic']) {
    const m = /^([A-Za-z]{2}):/.exec(tags[key] ?? '');
    if (m) return m[1].toUpperCase();
  }
  return undefined;
}

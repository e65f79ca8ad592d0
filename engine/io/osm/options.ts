/**
 * Options of `importOsm`: their defaults and their validation, once, at the
 * public boundary (`InputError` with the option's path, e.g. `options.bbox`).
 */
import { InputError } from '../../errors.js';
import type { DefaultProgramOptions } from '../../signals/program.js';
import type { DrivingSide } from '../../network/types.js';
import { isCountryCode } from './countries.js';
import { DEFAULT_CLASSES, KNOWN_CLASSES } from './tags.js';

/** Options of {@link importOsm}. Distances in metres. */
export interface OsmImportOptions {
  /** `highway` classes kept. Default {@link DEFAULT_CLASSES} (motorway .. residential, links, living_street, road; no service, track, footway, steps, pedestrian, cycleway, path, construction, proposed). */
  classes?: readonly string[];
  /** Keep only nodes inside [minLon, minLat, maxLon, maxLat] (WGS84 degrees); ways are cut at its edge. */
  bbox?: readonly [number, number, number, number];
  /** Side traffic drives on. Default: from `country`, else from the data's country tags, else `right` (with a warning). */
  drivingSide?: DrivingSide;
  /** ISO 3166-1 alpha-2 code (`MO`, `HK`, `PT`): driving side, legal default speeds and `XX:urban`-style limits. Default: from the data's tags. */
  country?: string;
  /** Join real junctions linked by a segment shorter than this into one junction (dual carriageways). Default 15; 0 keeps every node. */
  joinDistance?: number;
  /** A signal node this close (along an incoming road) to a junction signalises that junction. Default 30. */
  signalDistance?: number;
  /** Links shorter than this are lengthened to it. Default 7.5 (one jam spacing). */
  minLinkLength?: number;
  /**
   * Strongly connected parts of the link graph kept: `largest` (only the largest),
   * `all`, or a number N (the largest and every other part of at least N links).
   * Default {@link DEFAULT_OSM_OPTIONS}.components. Every part cut off from the
   * largest is listed in the warnings with its size and street names.
   */
  components?: 'all' | 'largest' | number;
  /**
   * A one-way way ending (or starting) this close to another way's node, with no
   * other way at that end, is joined to that node (mappers often stop a one-way
   * street a few metres short of the one it meets). Default 15; 0 joins nothing.
   */
  gapDistance?: number;
  /**
   * Where signals come from: `osm` (the data's `highway=traffic_signals` nodes),
   * `guess` (the guessing rule only, see `guessSignals`), `osm+guess` (both),
   * `none`, or `auto` (default): `osm`, unless the data tags fewer signals than
   * {@link AUTO_GUESS_SHARE} of the junctions the rule would signalise, then
   * `osm+guess` with a warning.
   */
  signals?: SignalSource | 'auto';
  /** Per class, default lanes per direction and speed (km/h) where the way has no tag. */
  classDefaults?: Readonly<Record<string, { lanes?: number; speedKmh?: number }>>;
  /** Timing of the generated programs (s): green per phase, yellow, all-red ... Default `defaultProgram`'s (30, 3, 2). */
  signalTiming?: DefaultProgramOptions;
  /** All-red pedestrian phase added at mid-block (crossing) signals, s. Default 10; 0 for none. */
  pedestrianPhase?: number;
}

/** Sources of signals an import can use. */
export type SignalSource = 'osm' | 'guess' | 'osm+guess' | 'none';
const SIGNAL_SOURCES: readonly string[] = ['osm', 'guess', 'osm+guess', 'none', 'auto'];

/** With `signals: auto`, guessing is added when the data's signals are fewer than this share of the guessed ones. */
export const AUTO_GUESS_SHARE = 0.5;

/** Defaults of {@link OsmImportOptions}. */
export const DEFAULT_OSM_OPTIONS = {
  joinDistance: 15,
  signalDistance: 30,
  minLinkLength: 7.5,
  components: 20,
  gapDistance: 15,
  signals: 'auto',
  pedestrianPhase: 10,
} as const;

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InputError(`options.${name}`, `must be a finite number >= 0, got ${show(value)}`);
  return value;
}

/** Options after validation, defaults applied. */
export interface CheckedOsmOptions {
  classes: Set<string>;
  bbox?: readonly [number, number, number, number];
  drivingSide?: DrivingSide;
  country?: string;
  joinDistance: number;
  signalDistance: number;
  minLinkLength: number;
  components: 'all' | 'largest' | number;
  gapDistance: number;
  signals: SignalSource | 'auto';
  classDefaults: Readonly<Record<string, { lanes?: number; speedKmh?: number }>>;
  signalTiming: DefaultProgramOptions;
  pedestrianPhase: number;
}

/** Validate options and apply defaults. */
export function checkOptions(options: OsmImportOptions): CheckedOsmOptions {
  if (typeof options !== 'object' || options === null) throw new InputError('options', `must be an object, got ${show(options)}`);
  const classes = options.classes ?? DEFAULT_CLASSES;
  if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string')) throw new InputError('options.classes', `must be an array of highway values, got ${show(classes)}`);
  classes.forEach((c, i) => {
    if (!KNOWN_CLASSES.has(c)) throw new InputError(`options.classes[${i}]`, `"${c}" is not a standard highway value (for example primary, residential, service)`);
  });
  const out: CheckedOsmOptions = {
    classes: new Set(classes),
    joinDistance: nonNegative(options.joinDistance, 'joinDistance', DEFAULT_OSM_OPTIONS.joinDistance),
    signalDistance: nonNegative(options.signalDistance, 'signalDistance', DEFAULT_OSM_OPTIONS.signalDistance),
    minLinkLength: nonNegative(options.minLinkLength, 'minLinkLength', DEFAULT_OSM_OPTIONS.minLinkLength),
    components: options.components ?? DEFAULT_OSM_OPTIONS.components,
    gapDistance: nonNegative(options.gapDistance, 'gapDistance', DEFAULT_OSM_OPTIONS.gapDistance),
    signals: options.signals ?? DEFAULT_OSM_OPTIONS.signals,
    classDefaults: options.classDefaults ?? {},
    signalTiming: options.signalTiming ?? {},
    pedestrianPhase: nonNegative(options.pedestrianPhase, 'pedestrianPhase', DEFAULT_OSM_OPTIONS.pedestrianPhase),
  };
  const c = out.components;
  if (c !== 'all' && c !== 'largest' && !(typeof c === 'number' && Number.isInteger(c) && c >= 1)) {
    throw new InputError('options.components', `must be "all", "largest" or a whole number of links >= 1, got ${show(c)}`);
  }
  if (typeof out.signals !== 'string' || !SIGNAL_SOURCES.includes(out.signals)) {
    throw new InputError('options.signals', `must be one of ${SIGNAL_SOURCES.join(', ')}, got ${show(out.signals)}`);
  }
  const known = new Set(['classes', 'bbox', 'drivingSide', 'country', 'joinDistance', 'signalDistance', 'minLinkLength', 'components', 'gapDistance', 'signals', 'classDefaults', 'signalTiming', 'pedestrianPhase']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new InputError(`options.${key}`, `is not an option of the OpenStreetMap importer (options: ${[...known].join(', ')})`);
  }
  if (out.minLinkLength <= 0) throw new InputError('options.minLinkLength', `must be > 0, got ${out.minLinkLength}`);
  if (options.bbox !== undefined) {
    const b = options.bbox;
    if (!Array.isArray(b) || b.length !== 4 || b.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError('options.bbox', `must be [minLon, minLat, maxLon, maxLat] in degrees, got ${show(b)}`);
    }
    if (b[0] >= b[2] || b[1] >= b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90) {
      throw new InputError('options.bbox', `must be [minLon, minLat, maxLon, maxLat] with min < max, within [-180, 180] x [-90, 90], got ${show(b)}`);
    }
    out.bbox = b;
  }
  if (options.drivingSide !== undefined) {
    if (options.drivingSide !== 'left' && options.drivingSide !== 'right') throw new InputError('options.drivingSide', `must be "left" or "right", got ${show(options.drivingSide)}`);
    out.drivingSide = options.drivingSide;
  }
  if (options.country !== undefined) {
    if (typeof options.country !== 'string' || !isCountryCode(options.country)) {
      throw new InputError('options.country', `must be an ISO 3166-1 alpha-2 code such as "MO" or "PT", got ${show(options.country)}`);
    }
    out.country = options.country.toUpperCase();
  }
  for (const [cls, d] of Object.entries(out.classDefaults)) {
    if (d.lanes !== undefined && (!Number.isInteger(d.lanes) || d.lanes < 1 || d.lanes > 32)) throw new InputError(`options.classDefaults.${cls}.lanes`, `must be an integer from 1 to 32, got ${show(d.lanes)}`);
    if (d.speedKmh !== undefined && (typeof d.speedKmh !== 'number' || !Number.isFinite(d.speedKmh) || d.speedKmh <= 0)) {
      throw new InputError(`options.classDefaults.${cls}.speedKmh`, `must be a number > 0, got ${show(d.speedKmh)}`);
    }
  }
  return out;
}


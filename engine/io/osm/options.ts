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
  /** Keep only the largest strongly connected component of the link graph. Default true. */
  largestComponent?: boolean;
  /** Per class, default lanes per direction and speed (km/h) where the way has no tag. */
  classDefaults?: Readonly<Record<string, { lanes?: number; speedKmh?: number }>>;
  /** Timing of the generated programs (s): green per phase, yellow, all-red ... Default `defaultProgram`'s (30, 3, 2). */
  signalTiming?: DefaultProgramOptions;
  /** All-red pedestrian phase added at mid-block (crossing) signals, s. Default 10; 0 for none. */
  pedestrianPhase?: number;
}

/** Defaults of {@link OsmImportOptions}. */
export const DEFAULT_OSM_OPTIONS = {
  joinDistance: 15,
  signalDistance: 30,
  minLinkLength: 7.5,
  largestComponent: true,
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
  largestComponent: boolean;
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
    largestComponent: options.largestComponent ?? DEFAULT_OSM_OPTIONS.largestComponent,
    classDefaults: options.classDefaults ?? {},
    signalTiming: options.signalTiming ?? {},
    pedestrianPhase: nonNegative(options.pedestrianPhase, 'pedestrianPhase', DEFAULT_OSM_OPTIONS.pedestrianPhase),
  };
  if (typeof out.largestComponent !== 'boolean') throw new InputError('options.largestComponent', `must be true or false, got ${show(out.largestComponent)}`);
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


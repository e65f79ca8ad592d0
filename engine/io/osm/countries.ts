/**
 * Country facts the OSM importer needs: which side traffic drives on, and the
 * legal default speed limits that `maxspeed=XX:urban`-style values refer to.
 *
 * Sources:
 *  - Driving side: the list of left-hand-traffic countries and territories in
 *    Wikipedia, "Left- and right-hand traffic" (every ISO 3166-1 code not listed
 *    drives on the right).
 *  - Default limits: OpenStreetMap wiki, "Default speed limits" and
 *    "Key:maxspeed" (the `<country>:<context>` convention). Only a few countries
 *    are tabulated; an unknown `XX:context` is reported as a warning and the road
 *    class default is used instead. Hong Kong: Road Traffic Ordinance (Cap. 374),
 *    50 km/h on every road unless signed. Macau: 60 km/h unless signed (Road
 *    Traffic Law 3/2007 and its regulation). United Kingdom: 30 mph in built-up
 *    areas, 60 mph single and 70 mph dual carriageways and motorways.
 */
import type { DrivingSide } from '../../network/types.js';

/** ISO 3166-1 alpha-2 codes of countries and territories that drive on the left. */
const LEFT_HAND = new Set(
  ('AG AI AU BB BD BM BN BS BT BW CC CK CX CY DM FJ FK GB GD GG GY HK ID IE IM IN JE JM JP KE KI KN KY LC LK LS MO MS MT MU ' +
    'MV MW MY MZ NA NF NP NR NU NZ PG PK PN SB SC SG SH SR SZ TC TH TK TL TO TT TV TZ UG VC VG VI WS ZA ZM ZW').split(' '),
);

/** Driving side of a country (ISO 3166-1 alpha-2, case-insensitive; a sub-code such as `GB-SCT` is cut at the dash). */
export function drivingSideOf(country: string): DrivingSide {
  return LEFT_HAND.has(country.toUpperCase().split('-')[0]) ? 'left' : 'right';
}

/** True for a well-formed ISO 3166-1 alpha-2 code, optionally with a sub-code (`GB-SCT`, `US-CA`). */
export function isCountryCode(code: string): boolean {
  return /^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/.test(code);
}

const MPH = 1.609344;

/** Legal default limits of a country, km/h, by `maxspeed` context name. */
const LIMITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AT: { urban: 50, rural: 100, trunk: 100, motorway: 130, living_street: 5 },
  BE: { urban: 50, rural: 70, trunk: 120, motorway: 120, living_street: 20 },
  CH: { urban: 50, rural: 80, trunk: 100, motorway: 120, living_street: 20 },
  CN: { urban: 50, rural: 70, trunk: 100, motorway: 120 },
  DE: { urban: 50, rural: 100, trunk: 130, motorway: 130, living_street: 7, bicycle_road: 30 },
  DK: { urban: 50, rural: 80, trunk: 80, motorway: 130 },
  ES: { urban: 50, rural: 90, trunk: 120, motorway: 120, living_street: 20 },
  FR: { urban: 50, rural: 80, trunk: 110, motorway: 130, living_street: 20 },
  GB: { urban: 30 * MPH, rural: 60 * MPH, nsl_single: 60 * MPH, nsl_dual: 70 * MPH, nsl_restricted: 30 * MPH, trunk: 70 * MPH, motorway: 70 * MPH },
  HK: { urban: 50, rural: 50, trunk: 50, motorway: 50 },
  IE: { urban: 50, rural: 80, trunk: 100, motorway: 120 },
  IT: { urban: 50, rural: 90, trunk: 110, motorway: 130 },
  MC: { urban: 50, rural: 50, trunk: 50, motorway: 50 },
  MO: { urban: 60, rural: 60, trunk: 60, motorway: 60 },
  NL: { urban: 50, rural: 80, trunk: 100, motorway: 100, living_street: 15 },
  PT: { urban: 50, rural: 90, trunk: 100, motorway: 120 },
  SG: { urban: 50, rural: 50, trunk: 90, motorway: 90 },
};

/**
 * The legal default speed of `context` in `country`, km/h, or undefined when not
 * tabulated. Contexts: `urban`, `rural`, `trunk`, `motorway`, `living_street`,
 * `walk`, the zone forms `zone30`, `zone:30` (km/h; mph in GB and US), and the
 * UK's `nsl_single`, `nsl_dual`, `nsl_restricted`.
 */
export function countrySpeedKmh(country: string, context: string): number | undefined {
  const code = country.toUpperCase().split('-')[0];
  const zone = /^zone:?(\d+)$/.exec(context);
  if (zone) return Number(zone[1]) * (code === 'GB' || code === 'US' ? MPH : 1);
  if (context === 'walk') return WALK_KMH;
  return LIMITS[code]?.[context];
}

/** `maxspeed=walk`: walking pace, km/h (the OSM wiki's value for "Schrittgeschwindigkeit"-style limits). */
export const WALK_KMH = 6;

/** Miles per hour to km/h. */
export const KMH_PER_MPH = MPH;

/**
 * Highest limit a country allows on ordinary (non-motorway, non-trunk) roads,
 * km/h, used to cap class defaults where the country is known; undefined when not tabulated.
 */
export function countryUrbanCap(country: string): number | undefined {
  const limits = LIMITS[country.toUpperCase().split('-')[0]];
  return limits ? Math.max(limits.urban ?? 0, limits.rural ?? 0) || undefined : undefined;
}

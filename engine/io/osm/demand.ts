/**
 * `morningPeakDemand(net, options)`: a generated demand for a network that came
 * without one (an OSM import), so it can be simulated at once. It is a
 * placeholder for counts or a survey matrix, not a forecast: through traffic
 * between the network's edges, peaking in the middle of the morning.
 *
 * - Zones: named after the street they are on (`zoneNames`); the fringe junctions (dead ends, where the extract cut roads or a
 *   street ends) that have a link in and a link out; with fewer than four of
 *   them, every junction with both. At most `maxZones`, picked evenly by
 *   bearing around the network's centre so that every side of the area feeds
 *   traffic.
 * - Pairs: every ordered pair of distinct zones at least `minTripDistance`
 *   apart (straight line) with a route between them (checked with the router,
 *   turn restrictions included) gets an equal share.
 * - Volume: `vehPerHour` on average over the period (default: 30 veh/h per
 *   zone), shaped by a morning profile (factor 0.5 at `begin`, 1.5 over the
 *   middle half hour, 0.5 at `end`, scaled so the period's mean is 1) and drawn
 *   as Poisson arrivals by `expandDemand`.
 */
import { UsageError } from '../../errors.js';
import type { DemandSpec } from '../../demand/demand.js';
import type { ProfilePoint } from '../../demand/profile.js';
import { createRouter } from '../../routing/router.js';
import { compile } from '../../network/compile.js';
import { CompiledNetwork } from '../../network/compiled.js';
import { junctionName } from '../../network/labels.js';
import type { RoadNetwork } from '../../network/road-network.js';

/** Options of {@link morningPeakDemand}. Times in seconds since midnight. */
export interface MorningPeakOptions {
  /** Mean total vehicles per hour over the period. Default 30 x the number of zones (40 gridlocked Monaco on 3 of 4 seeds). */
  vehPerHour?: number;
  /** Start of the period, s. Default 25,200 (07:00). */
  begin?: number;
  /** End of the period, s. Default 32,400 (09:00). */
  end?: number;
  /** Most zones used. Default 40. */
  maxZones?: number;
  /** Shortest straight-line distance between a trip's zones, m. Default 300. */
  minTripDistance?: number;
  /** Arrival process. Default `poisson`. */
  arrivals?: 'poisson' | 'uniform';
}

/** Defaults of {@link MorningPeakOptions}. */
export const DEFAULT_MORNING_PEAK = { begin: 7 * 3600, end: 9 * 3600, maxZones: 40, minTripDistance: 300, vehPerHourPerZone: 30 } as const;

/** The morning profile over [begin, end] before scaling: 0.5, rising to 1.5 over the middle quarter, back to 0.5. */
function morningProfile(begin: number, end: number): ProfilePoint[] {
  const d = end - begin;
  const raw = [
    { time: begin, factor: 0.5 },
    { time: begin + 0.375 * d, factor: 1.5 },
    { time: begin + 0.625 * d, factor: 1.5 },
    { time: end, factor: 0.5 },
  ];
  // Mean of the piecewise-linear profile over [begin, end] (trapezoids), so it can be scaled to 1.
  let area = 0;
  for (let i = 1; i < raw.length; i++) area += ((raw[i].factor + raw[i - 1].factor) / 2) * (raw[i].time - raw[i - 1].time);
  const mean = area / d;
  return raw.map((p) => ({ time: p.time, factor: p.factor / mean }));
}

function positive(value: unknown, name: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`morningPeakDemand: options.${name} must be a finite ${integer ? 'integer' : 'number'} >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * A generated morning-peak demand between the fringe zones of `network` (see
 * the module header). Returns a `DemandSpec` with one OD matrix (vehicles per
 * hour at profile factor 1) and its profile. Throws `UsageError` for bad
 * options or a network with fewer than two usable zones.
 */
export function morningPeakDemand(network: RoadNetwork | CompiledNetwork, options: MorningPeakOptions = {}): DemandSpec {
  const net = network instanceof CompiledNetwork ? network : compile(network);
  const begin = positive(options.begin, 'begin', DEFAULT_MORNING_PEAK.begin);
  const end = positive(options.end, 'end', DEFAULT_MORNING_PEAK.end);
  if (end <= begin) throw new UsageError(`morningPeakDemand: options.end (${end}) must be after options.begin (${begin})`);
  const maxZones = positive(options.maxZones, 'maxZones', DEFAULT_MORNING_PEAK.maxZones, true);
  const minTripDistance = positive(options.minTripDistance, 'minTripDistance', DEFAULT_MORNING_PEAK.minTripDistance);
  const arrivals = options.arrivals ?? 'poisson';
  if (arrivals !== 'poisson' && arrivals !== 'uniform') throw new UsageError(`morningPeakDemand: options.arrivals must be "poisson" or "uniform", got ${String(arrivals)}`);

  const n = net.junctionCount;
  const { junctionOutOffsets: outOff, junctionInOffsets: inOff, junctionOutLinks, junctionInLinks, linkFrom, linkTo } = net;
  const both: number[] = [];
  const fringe: number[] = [];
  for (let j = 0; j < n; j++) {
    if (outOff[j + 1] === outOff[j] || inOff[j + 1] === inOff[j]) continue;
    both.push(j);
    const neighbours = new Set<number>();
    for (let i = outOff[j]; i < outOff[j + 1]; i++) neighbours.add(linkTo[junctionOutLinks[i]]);
    for (let i = inOff[j]; i < inOff[j + 1]; i++) neighbours.add(linkFrom[junctionInLinks[i]]);
    if (neighbours.size === 1) fringe.push(j);
  }
  let candidates = fringe.length >= 4 ? fringe : both;
  // Evenly by bearing around the centre.
  let cx = 0;
  let cy = 0;
  for (const j of both) {
    cx += net.junctionX[j];
    cy += net.junctionY[j];
  }
  cx /= Math.max(1, both.length);
  cy /= Math.max(1, both.length);
  const bearing = (j: number): number => Math.atan2(net.junctionY[j] - cy, net.junctionX[j] - cx);
  candidates = [...candidates].sort((a, b) => bearing(a) - bearing(b) || a - b);
  const zones: number[] = [];
  if (candidates.length <= maxZones) zones.push(...candidates);
  else for (let k = 0; k < maxZones; k++) zones.push(candidates[Math.floor((k * candidates.length) / maxZones)]);
  if (zones.length < 2) throw new UsageError(`morningPeakDemand: the network has ${zones.length} junction(s) with a link in and out; at least 2 are needed`);

  const router = createRouter(net);
  const z = zones.length;
  const ok: boolean[][] = zones.map(() => new Array<boolean>(z).fill(false));
  let pairs = 0;
  for (let a = 0; a < z; a++) {
    // One shortest-path tree per zone answers every pair from it.
    const reach = router.tree(zones[a]).junctionCost;
    for (let b = 0; b < z; b++) {
      if (a === b) continue;
      const d = Math.hypot(net.junctionX[zones[a]] - net.junctionX[zones[b]], net.junctionY[zones[a]] - net.junctionY[zones[b]]);
      if (d < minTripDistance) continue;
      if (!Number.isFinite(reach[zones[b]])) continue;
      ok[a][b] = true;
      pairs++;
    }
  }
  if (pairs === 0) throw new UsageError(`morningPeakDemand: no two of the ${z} zones are ${minTripDistance} m apart with a route between them`);
  const total = positive(options.vehPerHour, 'vehPerHour', DEFAULT_MORNING_PEAK.vehPerHourPerZone * z);
  const cell = total / pairs;
  return {
    od: [{
      zones: zones.map((j) => net.junctionKey(j)),
      zoneNames: zones.map((j) => junctionName(net, j) ?? net.junctionKey(j)),
      trips: ok.map((row) => row.map((v) => (v ? cell : 0))),
      begin,
      end,
      profile: morningProfile(begin, end),
      arrivals,
    }],
  };
}

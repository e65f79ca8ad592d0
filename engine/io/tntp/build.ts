/**
 * Building the greenwave `RoadNetwork` of a TNTP data set from its parsed
 * network and node files: units, coordinates, lanes, speeds, movements and
 * junction control, as import.ts's header describes.
 */
import { InputError, NetworkError } from '../../errors.js';
import { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_JAM_SPACING, MAX_LANES, type DrivingSide } from '../../network/types.js';
import { LIMITS } from '../../limits.js';
import type { ImportCount, ImportWarning } from '../types.js';
import type { TntpLengthUnit, TntpNetwork, TntpTimeUnit } from './net.js';
import type { TntpNodes } from './nodes.js';

/** How node coordinates are read: `auto`, longitude/latitude `degrees`, or a planar unit. */
export type TntpCoordinates = 'auto' | 'degrees' | 'm' | 'ft' | 'km' | 'mi';

/** Settings of {@link buildTntpNetwork} (SI). */
export interface TntpBuildSettings {
  netFile: string;
  nodeFile: string;
  drivingSide: DrivingSide;
  lengthUnit: TntpLengthUnit;
  timeUnit: TntpTimeUnit;
  coordinates: TntpCoordinates;
  /** veh/s per lane. */
  saturationPerLane: number;
  /** m/s. */
  connectorSpeed: number;
  /** `default`: signals where traffic may pass and at least 3 junctions meet; `none`: no signals. */
  signals: 'default' | 'none';
}

/** Metres per unit. */
const METRES: Readonly<Record<TntpLengthUnit, number>> = { mi: 1609.344, km: 1000, m: 1, ft: 0.3048 };
/** Seconds per unit. */
const SECONDS: Readonly<Record<TntpTimeUnit, number>> = { min: 60, h: 3600, s: 1 };
/** Mean Earth radius, m (the local projection of lon/lat coordinates). */
const EARTH_RADIUS = 6371008.8;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[s.length >> 1];
}

/** Planar metres (and lon/lat when the nodes are in degrees) for every node, with a description of the choice. */
function placeNodes(net: TntpNetwork, nodes: TntpNodes, settings: TntpBuildSettings, lengthM: Float64Array): { x: Float64Array; y: Float64Array; degrees: boolean; label: string } {
  const n = net.nodes;
  let degrees = settings.coordinates === 'degrees';
  if (settings.coordinates === 'auto') {
    degrees = true;
    for (let j = 1; j <= n; j++) {
      if (Number.isNaN(nodes.x[j])) continue;
      if (Math.abs(nodes.x[j]) > 180 || Math.abs(nodes.y[j]) > 90) { degrees = false; break; }
    }
  }
  const x = new Float64Array(n + 1);
  const y = new Float64Array(n + 1);
  if (degrees) {
    let lon0 = 0;
    let lat0 = 0;
    let count = 0;
    for (let j = 1; j <= n; j++) if (!Number.isNaN(nodes.x[j])) { lon0 += nodes.x[j]; lat0 += nodes.y[j]; count++; }
    lon0 /= Math.max(1, count);
    lat0 /= Math.max(1, count);
    const k = (Math.PI / 180) * EARTH_RADIUS;
    const c = Math.cos((lat0 * Math.PI) / 180);
    for (let j = 1; j <= n; j++) {
      x[j] = (nodes.x[j] - lon0) * k * c;
      y[j] = (nodes.y[j] - lat0) * k;
    }
    return { x, y, degrees, label: 'junctions placed from longitude/latitude (projected to local metres)' };
  }
  let unit = settings.coordinates as Exclude<TntpCoordinates, 'auto' | 'degrees'>;
  let ratio = NaN;
  if (settings.coordinates === 'auto') {
    // The planar unit that makes link lengths match straight-line distances best.
    const ratios: number[] = [];
    for (let l = 0; l < net.from.length; l++) {
      const a = net.from[l];
      const b = net.to[l];
      const d = Math.hypot(nodes.x[b] - nodes.x[a], nodes.y[b] - nodes.y[a]);
      if (d > 0 && lengthM[l] > 0) ratios.push(lengthM[l] / d);
    }
    ratio = median(ratios);
    let best = Infinity;
    for (const u of ['m', 'ft', 'km', 'mi'] as const) {
      const miss = Math.abs(Math.log(ratio / METRES[u]));
      if (miss < best) { best = miss; unit = u; }
    }
    if (!Number.isFinite(ratio)) unit = 'm';
  }
  const f = METRES[unit];
  for (let j = 1; j <= n; j++) {
    x[j] = nodes.x[j] * f;
    y[j] = nodes.y[j] * f;
  }
  const how = Number.isFinite(ratio) ? `, chosen as the median link length is ${(ratio / f).toFixed(2)} x the straight-line distance` : '';
  return { x, y, degrees, label: `junctions placed from planar coordinates read as ${unit === 'm' ? 'metres' : unit === 'ft' ? 'feet' : unit === 'km' ? 'kilometres' : 'miles'}${how}` };
}

/** Build the network. Throws a located `InputError` where the files disagree. */
export function buildTntpNetwork(net: TntpNetwork, nodes: TntpNodes, settings: TntpBuildSettings, warnings: ImportWarning[]): { network: RoadNetwork; counts: ImportCount[] } {
  const m = net.from.length;
  const metres = METRES[settings.lengthUnit];
  const seconds = SECONDS[settings.timeUnit];
  // The speed column is in miles per hour for imperial files, km/h for metric ones.
  const speedUnit = settings.lengthUnit === 'mi' || settings.lengthUnit === 'ft' ? 1609.344 / 3600 : 1 / 3.6;
  const at = (l: number): string => `${settings.netFile}:${net.line[l]}`;
  for (let l = 0; l < m; l++) {
    for (const [node, field] of [[net.from[l], 'init_node'], [net.to[l], 'term_node']] as const) {
      if (Number.isNaN(nodes.x[node])) throw new InputError(at(l), `link ${net.from[l]}-${net.to[l]}: ${field} ${node} has no row in the node file ${settings.nodeFile}`);
    }
  }
  const lengthM = Float64Array.from(net.length, (v) => v * metres);
  const place = placeNodes(net, nodes, settings, lengthM);

  // Junctions: every node a link uses, and every zone.
  const used = new Uint8Array(net.nodes + 1);
  for (let j = 1; j <= net.zones; j++) used[j] = 1;
  for (let l = 0; l < m; l++) { used[net.from[l]] = 1; used[net.to[l]] = 1; }
  const neighbours: Array<Set<number>> = Array.from({ length: net.nodes + 1 }, () => new Set<number>());
  for (let l = 0; l < m; l++) { neighbours[net.from[l]].add(net.to[l]); neighbours[net.to[l]].add(net.from[l]); }
  const through = (j: number): boolean => j >= net.firstThruNode;
  const network = new RoadNetwork({ drivingSide: settings.drivingSide });
  let signals = 0;
  let zonesWithoutCoordinates = 0;
  for (let j = 1; j <= net.nodes; j++) {
    if (used[j] === 0) continue;
    const signal = settings.signals === 'default' && through(j) && neighbours[j].size >= 3;
    if (signal) signals++;
    const known = !Number.isNaN(nodes.x[j]);
    if (!known) zonesWithoutCoordinates++;
    network.addJunction({
      id: String(j),
      x: known ? place.x[j] : 0,
      y: known ? place.y[j] : 0,
      ...(place.degrees && known ? { lon: nodes.x[j], lat: nodes.y[j] } : {}),
      control: signal ? 'signal' : 'uncontrolled',
    });
  }
  if (zonesWithoutCoordinates > 0) {
    warnings.push({ where: settings.nodeFile, message: `${zonesWithoutCoordinates} zone(s) without links have no row in the node file: placed at (0, 0); trips to and from them are unroutable` });
  }

  // Links.
  const minSpeed = 1.2 * settings.saturationPerLane * DEFAULT_JAM_SPACING;
  const seen = new Map<string, number>();
  let connectors = 0;
  let raised = 0;
  let zeroLength = 0;
  let tolls = 0;
  let firstRaised = 0;
  const maxSpeed = LIMITS.speedKmh.max / 3.6;
  let capped = 0;
  let firstCapped = 0;
  let laneSum = 0;
  let laneLinks = 0;
  for (let l = 0; l < m; l++) {
    const a = net.from[l];
    const b = net.to[l];
    const base = `${a}-${b}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    const id = k === 1 ? base : `${base}.${k}`;
    let length = lengthM[l];
    if (!(length > 0)) {
      length = Math.max(1, Math.hypot(place.x[b] - place.x[a], place.y[b] - place.y[a]));
      zeroLength++;
    }
    let speed: number;
    if (net.freeFlowTime[l] > 0) speed = length / (net.freeFlowTime[l] * seconds);
    else {
      connectors++;
      speed = net.speed[l] > 0 ? net.speed[l] * speedUnit : settings.connectorSpeed;
    }
    if (speed < minSpeed) {
      if (raised++ === 0) firstRaised = net.line[l];
      speed = minSpeed;
    }
    if (speed > maxSpeed) {
      // A free-flow time rounded down on a short link gives a speed no road has: capped.
      if (capped++ === 0) firstCapped = net.line[l];
      speed = maxSpeed;
    }
    if (net.toll[l] > 0) tolls++;
    const lanes = Math.min(MAX_LANES, Math.max(1, Math.round(net.capacity[l] / (settings.saturationPerLane * 3600))));
    if (net.freeFlowTime[l] > 0) { laneSum += lanes; laneLinks++; }
    try {
      network.addLink({ id, from: String(a), to: String(b), length, lanes, speed, saturationFlow: settings.saturationPerLane });
    } catch (error) {
      if (error instanceof NetworkError) throw new InputError(at(l), `link ${id}: ${error.message}`);
      throw error;
    }
  }
  if (zeroLength > 0) warnings.push({ where: settings.netFile, message: `${zeroLength} link(s) of length 0: given the straight-line distance between their nodes (at least 1 m)` });
  if (capped > 0) {
    warnings.push({
      where: `${settings.netFile}:${firstCapped}`,
      message: `${capped} link(s) whose length and free-flow time give a speed above ${LIMITS.speedKmh.max} km/h (${LIMITS.speedKmh.whyMax}): capped to it`,
    });
  }
  if (raised > 0) {
    warnings.push({
      where: `${settings.netFile}:${firstRaised}`,
      message: `${raised} link(s) slower than ${(minSpeed * 3.6).toFixed(1)} km/h (too slow to carry their saturation flow at jam spacing ${DEFAULT_JAM_SPACING} m): raised to it`,
    });
  }
  if (tolls > 0) warnings.push({ where: settings.netFile, message: `${tolls} link(s) have a toll: tolls are not modelled (routes minimise travel time)` });

  // Movements: every turn but the U-turn, at junctions traffic may pass through.
  const passable: string[] = [];
  for (let j = 1; j <= net.nodes; j++) if (used[j] === 1 && through(j)) passable.push(String(j));
  network.addDefaultMovements({ junctions: passable });

  const counts: ImportCount[] = [
    { label: 'nodes (junctions)', count: network.junctionCount },
    { label: 'zones', count: net.zones },
    { label: 'zones closed to through traffic (below <FIRST THRU NODE>)', count: Math.max(0, Math.min(net.zones, net.firstThruNode - 1)) },
    { label: 'links', count: m },
    { label: `links with free-flow time 0 (connectors; ${(settings.connectorSpeed * 3.6).toFixed(0)} km/h unless a speed is given)`, count: connectors },
    { label: 'movements (every turn but U-turns)', count: network.movementCount },
    { label: 'signalised junctions (default fixed-time programs)', count: signals },
    { label: place.label, count: network.junctionCount },
    { label: `mean lanes per link, connectors aside (capacity / ${Math.round(settings.saturationPerLane * 3600)} veh/h per lane)`, count: laneLinks === 0 ? 0 : Number((laneSum / laneLinks).toFixed(2)) },
  ];
  return { network, counts };
}

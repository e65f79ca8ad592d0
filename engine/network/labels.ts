/**
 * What a planner reads instead of ids: a junction named after the streets that
 * meet there ("Av. Almeida Ribeiro / Rua da Praia Grande"), a link's street name,
 * and a link's drawn polyline (its junctions and shape points), in planar metres
 * or WGS84 degrees.
 *
 * Geographic shape points: the network keeps shape points in planar metres only.
 * Each is placed in lon/lat by the similarity transform (scale, rotation,
 * translation) that maps the link's two junctions from metres to local
 * east/north metres of their lon/lat (metres per degree from the WGS84
 * ellipsoid's meridian and prime-vertical radii at their mean latitude, so the
 * local frame is conformal like the projection).
 * Any conformal projection (the OSM importer's transverse Mercator) is a
 * similarity to first order over one link, so the error is second order in the
 * link length: well under a centimetre for a 1 km link in a city extract.
 */
import type { CompiledNetwork } from './compiled.js';

/** Road classes from most to least important (OSM `highway`), for ordering names. */
const CLASS_RANK: readonly string[] = [
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'motorway_link', 'trunk_link', 'primary_link',
  'secondary_link', 'tertiary_link', 'unclassified', 'residential', 'living_street', 'road', 'service',
];

/** Rank of a road class: lower is more important; unknown or absent classes last. */
export function roadClassRank(cls: string | undefined): number {
  const i = cls === undefined ? -1 : CLASS_RANK.indexOf(cls);
  return i < 0 ? CLASS_RANK.length : i;
}

/**
 * Right-of-way rank of a road class at unsignalised junctions (`LinkSpec.priority`,
 * higher wins): the order above reversed, so the major road of a priority junction
 * is the pair of opposite approaches of the most important class, as SUMO's OSM
 * import ranks them; 0 for unknown or absent classes.
 */
export function roadClassPriority(cls: string | undefined): number {
  return CLASS_RANK.length - roadClassRank(cls);
}

/** Most street names a junction name lists. */
const NAMES_PER_JUNCTION = 3;

/**
 * A junction's name from the streets that meet there: the distinct names of the
 * links entering and leaving it, most important road class first (then the most
 * links), at most three, joined by " / ". Undefined when no link there has a name.
 */
export function junctionName(net: CompiledNetwork, j: number): string | undefined {
  const seen = new Map<string, { rank: number; count: number; order: number }>();
  const add = (l: number): void => {
    const name = net.linkName(l);
    if (name === undefined) return;
    const rank = roadClassRank(net.linkRoadClass(l));
    const entry = seen.get(name);
    if (entry) {
      entry.count++;
      entry.rank = Math.min(entry.rank, rank);
    } else seen.set(name, { rank, count: 1, order: seen.size });
  };
  for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) add(net.junctionInLinks[i]);
  for (let i = net.junctionOutOffsets[j]; i < net.junctionOutOffsets[j + 1]; i++) add(net.junctionOutLinks[i]);
  if (seen.size === 0) return undefined;
  return [...seen]
    .sort((a, b) => a[1].rank - b[1].rank || b[1].count - a[1].count || a[1].order - b[1].order)
    .slice(0, NAMES_PER_JUNCTION)
    .map(([name]) => name)
    .join(' / ');
}

/** Whether every junction has lon/lat (then outputs are in WGS84). */
export function isGeographic(net: CompiledNetwork): boolean {
  if (net.junctionCount === 0) return false;
  for (let j = 0; j < net.junctionCount; j++) if (Number.isNaN(net.junctionLon[j]) || Number.isNaN(net.junctionLat[j])) return false;
  return true;
}

/** WGS84 semi-major axis, m, and first eccentricity squared. */
const WGS84_A = 6_378_137;
const WGS84_E2 = 0.00669437999014;

/** Metres per degree north and east at latitude `lat` (degrees) on the WGS84 ellipsoid. */
function metresPerDegree(lat: number): { north: number; east: number } {
  const phi = (lat * Math.PI) / 180;
  const w = 1 - WGS84_E2 * Math.sin(phi) ** 2;
  const rad = Math.PI / 180;
  return { north: ((WGS84_A * (1 - WGS84_E2)) / w ** 1.5) * rad, east: (WGS84_A / Math.sqrt(w)) * Math.cos(phi) * rad };
}

/**
 * The polyline of link `l`: its upstream junction, its shape points, its
 * downstream junction. Planar metres, or `[lon, lat]` degrees when `geographic`
 * (every junction must then have lon/lat: see {@link isGeographic}).
 */
export function linkPolyline(net: CompiledNetwork, l: number, geographic: boolean): Array<[number, number]> {
  const a = net.linkFrom[l];
  const b = net.linkTo[l];
  const shape = net.linkShape(l);
  if (!geographic) return [[net.junctionX[a], net.junctionY[a]], ...shape, [net.junctionX[b], net.junctionY[b]]];
  const start: [number, number] = [net.junctionLon[a], net.junctionLat[a]];
  const end: [number, number] = [net.junctionLon[b], net.junctionLat[b]];
  if (shape.length === 0) return [start, end];
  // Local east/north metres of the two junctions.
  const per = metresPerDegree((start[1] + end[1]) / 2);
  const ex = (end[0] - start[0]) * per.east;
  const ey = (end[1] - start[1]) * per.north;
  const px = net.junctionX[b] - net.junctionX[a];
  const py = net.junctionY[b] - net.junctionY[a];
  const d2 = px * px + py * py;
  // Similarity z -> c * z with complex c = e / p (rotation and scale); identity when the junctions coincide.
  const cr = d2 > 0 ? (ex * px + ey * py) / d2 : 1;
  const ci = d2 > 0 ? (ey * px - ex * py) / d2 : 0;
  const out: Array<[number, number]> = [start];
  for (const [x, y] of shape) {
    const dx = x - net.junctionX[a];
    const dy = y - net.junctionY[a];
    const east = cr * dx - ci * dy;
    const north = ci * dx + cr * dy;
    out.push([start[0] + east / per.east, start[1] + north / per.north]);
  }
  out.push(end);
  return out;
}

/** The street that carries most of the length of a route (links in order), or undefined when none is named. */
export function routeStreet(net: CompiledNetwork, links: ArrayLike<number>): string | undefined {
  const byName = new Map<string, number>();
  for (let i = 0; i < links.length; i++) {
    const name = net.linkName(links[i]);
    if (name !== undefined) byName.set(name, (byName.get(name) ?? 0) + net.linkLength[links[i]]);
  }
  let best: string | undefined;
  let most = -1;
  for (const [name, length] of byName) if (length > most) [best, most] = [name, length];
  return best;
}

/**
 * Where calibrated trips may start and end.
 *
 *  - `boundary`: trips enter the network on links leaving its boundary junctions
 *    and leave it on links entering them. A boundary junction is a dead end (one
 *    neighbouring junction, such as the stubs of a generated grid or a road cut
 *    at the edge of an OpenStreetMap extract), or a pure source or sink. This is a
 *    cordon model: traffic crosses the study area.
 *  - `any`: a trip may start and end on any link (parking, side streets and
 *    buildings inside the area), as SUMO's randomTrips does. The fleet penalty of
 *    the estimator still joins counts into long routes where the counts allow.
 *  - `auto` (default): `boundary` when the network has at least one boundary
 *    junction with a way in and one with a way out, else `any`.
 */
import { UsageError } from '../../errors.js';
import type { CompiledNetwork } from '../../network/compiled.js';

/** Trip-end policies of `greenwave calibrate --trip-ends`. */
export const TRIP_ENDS = ['auto', 'boundary', 'any'] as const;
export type TripEndsPolicy = (typeof TRIP_ENDS)[number];

/** The resolved trip ends. */
export interface TripEnds {
  policy: 'boundary' | 'any';
  /** 1 for links a trip may start on. */
  origin: Uint8Array;
  /** 1 for links a trip may end on. */
  destination: Uint8Array;
  /** Origin links, ascending. */
  origins: Int32Array;
}

/** Whether junction `j` is a boundary junction (one neighbour, or no way in, or no way out). */
export function isBoundary(net: CompiledNetwork, j: number): boolean {
  const ins = net.junctionInOffsets[j + 1] - net.junctionInOffsets[j];
  const outs = net.junctionOutOffsets[j + 1] - net.junctionOutOffsets[j];
  if (ins === 0 || outs === 0) return ins + outs > 0;
  const neighbours = new Set<number>();
  for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) neighbours.add(net.linkFrom[net.junctionInLinks[i]]);
  for (let i = net.junctionOutOffsets[j]; i < net.junctionOutOffsets[j + 1]; i++) neighbours.add(net.linkTo[net.junctionOutLinks[i]]);
  return neighbours.size === 1;
}

/** The trip ends of `policy` on `net`. */
export function tripEnds(net: CompiledNetwork, policy: TripEndsPolicy): TripEnds {
  if (!(TRIP_ENDS as readonly string[]).includes(policy)) throw new UsageError(`trip ends must be one of ${TRIP_ENDS.join(', ')}, got ${JSON.stringify(policy)}`);
  const m = net.linkCount;
  const origin = new Uint8Array(m);
  const destination = new Uint8Array(m);
  if (policy !== 'any') {
    for (let j = 0; j < net.junctionCount; j++) {
      if (!isBoundary(net, j)) continue;
      for (let i = net.junctionOutOffsets[j]; i < net.junctionOutOffsets[j + 1]; i++) origin[net.junctionOutLinks[i]] = 1;
      for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) destination[net.junctionInLinks[i]] = 1;
    }
  }
  const usable = origin.includes(1) && destination.includes(1);
  if (policy === 'boundary' && !usable) {
    throw new UsageError('--trip-ends boundary: the network has no boundary junction (a dead end, source or sink) where trips could enter and leave; use --trip-ends any');
  }
  const resolved = policy === 'boundary' || (policy === 'auto' && usable) ? 'boundary' : 'any';
  if (resolved === 'any') {
    origin.fill(1);
    destination.fill(1);
  }
  const origins: number[] = [];
  for (let l = 0; l < m; l++) if (origin[l]) origins.push(l);
  return { policy: resolved, origin, destination, origins: Int32Array.from(origins) };
}

/**
 * `ring(junctions, radius)`: junctions on a circle joined by a two-way ring road,
 * optionally with radial spokes; the closed-loop network of ring-road experiments
 * (Sugiyama et al. 2008) and a network where every route has an alternative.
 *
 * Junction `j<k>` sits at angle 2*pi*k/junctions, counter-clockwise from east, on a
 * circle of `radius` m centred on `origin`. Ring links `j<k>>j<k+1>` (counter-
 * clockwise) and `j<k+1>>j<k>` (clockwise) are named `ring` and their length is the
 * ARC length 2*pi*radius/junctions, so the ring's length is its circumference;
 * their drawn geometry is the chord. Turn kinds come from the chords, so with fewer
 * than 13 junctions (turn angle 360/junctions >= 30 degrees) following the ring is
 * a `left` (counter-clockwise) or `right` turn rather than `straight`.
 *
 * With `spokeLength` > 0 each ring junction gets a two-way spoke named `spoke <k>`
 * radially outward to a dead-end fringe junction `f<k>`, where demand enters and
 * leaves; the ring junctions then have three neighbours and are signalised.
 *
 * Movements: every turn but U-turns; see `common.ts` (`deadEndUTurns`). Without
 * U-turns the two directions never meet: a ring without spokes is two one-way
 * loops, and with spokes a trip picks its direction where it enters;
 * `deadEndUTurns` with spokes joins everything into one strongly connected piece.
 */
import type { RoadNetwork } from '../road-network.js';
import {
  checkCount,
  checkNonNegative,
  checkPositive,
  NetworkPlan,
  resolveOptions,
  SIDE_STREET_KEYS,
  type GeneratorOptions,
  type SideStreetOptions,
} from './common.js';

/** Options of {@link ring}. Spokes take `sideLanes` (default 1) and `sideSpeed` (default `speed`). */
export interface RingOptions extends GeneratorOptions, SideStreetOptions {
  /** Length of the radial spoke from each ring junction outward to a fringe junction, m. Default 0: no spokes. */
  spokeLength?: number;
}

/**
 * A two-way ring of `junctions` junctions on a circle of `radius` m, with optional
 * outward spokes. By default only junctions with 3 or more neighbours (ring
 * junctions with a spoke) are signalised.
 *
 * Counts: `junctions` junctions, 2*junctions links, 2*junctions movements; spokes
 * double the junctions and links and make it 6*junctions movements.
 *
 * @param junctions Number of junctions on the ring, integer >= 3.
 * @param radius Radius of the circle, m.
 * @throws UsageError naming the argument, for example `ring.radius`.
 */
export function ring(junctions: number, radius: number, options?: RingOptions): RoadNetwork {
  checkCount('ring.junctions', junctions, 3);
  checkPositive('ring.radius', radius);
  const { resolved, record } = resolveOptions('ring', options, ['spokeLength', ...SIDE_STREET_KEYS]);
  const spoke = record.spokeLength === undefined ? 0 : checkNonNegative('ring.options.spokeLength', record.spokeLength);
  const { main, side } = resolved;
  const arc = (2 * Math.PI * radius) / junctions;

  const plan = new NetworkPlan();
  const angle = (k: number): number => (2 * Math.PI * k) / junctions;
  for (let k = 0; k < junctions; k++) {
    plan.junction(`j${k}`, radius * Math.cos(angle(k)), radius * Math.sin(angle(k)));
  }
  if (spoke > 0) {
    const outer = radius + spoke;
    for (let k = 0; k < junctions; k++) plan.junction(`f${k}`, outer * Math.cos(angle(k)), outer * Math.sin(angle(k)));
  }
  for (let k = 0; k < junctions; k++) {
    plan.twoWay(`j${k}`, `j${(k + 1) % junctions}`, arc, main, 'ring');
  }
  if (spoke > 0) {
    for (let k = 0; k < junctions; k++) plan.twoWay(`j${k}`, `f${k}`, spoke, side, `spoke ${k}`);
  }
  return plan.build(resolved);
}

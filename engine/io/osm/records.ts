/**
 * The records the OSM network builder works on: link candidates, movement sets
 * and the policy for cut-off parts, in a file of their own so that the parts
 * analysis (parts.ts) and the builder (build.ts) share them without importing
 * each other.
 */
import type { TurnToken } from './tags.js';
import type { JunctionGroup } from './topology.js';

/** A directed link candidate. */
export interface LinkRec {
  id: string;
  from: JunctionGroup;
  to: JunctionGroup;
  /** First and last node of its geometry (members of `from` and `to`). */
  startNode: number;
  endNode: number;
  /** Length simulated, m (the geometry's, raised to the minimum link length). */
  length: number;
  /** Length along the geometry, m. */
  geometryLength: number;
  lanes: number;
  speed: number;
  cls: string;
  name?: string;
  names?: Record<string, string>;
  /** Part of a roundabout. */
  roundabout?: boolean;
  /**
   * Shape points between its junctions, m, in the direction of travel: the inner
   * nodes of its geometry, and its end nodes where a junction is a joined cluster
   * (drawn at the cluster's centroid).
   */
  shape: Array<[number, number]>;
  turnLanes?: TurnToken[][];
  /** OSM way of its first and last piece. */
  firstWay: number;
  lastWay: number;
  /** Unit heading leaving the upstream junction and arriving at the downstream one (over the first / last 20 m). */
  outHeading: [number, number];
  inHeading: [number, number];
}

/** Movement set under construction: per approach link index, the exit link indices. */
export type MovementSets = Array<Set<number>>;

/**
 * Which strongly connected parts of the link graph are kept: `largest` (only the
 * largest), `all`, or a number N (the largest, and every other part of at least N
 * links).
 */
export type ComponentPolicy = 'all' | 'largest' | number;

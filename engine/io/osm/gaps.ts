/**
 * Closing the gaps real OSM data has at junctions: one-way streets that stop a
 * few metres short of the street they meet (see {@link joinGaps}).
 */
import type { Positions, WayPiece } from './topology.js';

/** A one-way dead end or start joined to another road's node by {@link joinGaps}. */
export interface JoinedGap {
  wayId: number;
  /** `end`: traffic arrived there and could not go on; `start`: traffic could not get there. */
  kind: 'end' | 'start';
  /** The dead-end node and the node it was joined to (node indices). */
  from: number;
  to: number;
  /** Gap bridged, m. */
  distance: number;
}

/**
 * Step 0 (before splitting): close the gaps real data has at junctions. A one-way
 * way whose end (or start) is used by no other way, with a node of another way
 * within `distance` metres, is extended to the nearest such node, so traffic can
 * leave (or reach) it; the join then becomes a junction like any shared node.
 * Mappers often stop a one-way street a few metres short of the street it meets;
 * left alone, every such street is a trap that cuts its part of the network off.
 * Two-way dead ends are left as they are (vehicles turn back there). Node indices
 * are compared by position through a grid of `distance`-sized cells. Mutates the
 * pieces' node lists; returns what was joined.
 */
export function joinGaps(pieces: WayPiece[], positions: Positions, distance: number): JoinedGap[] {
  if (!(distance > 0)) return [];
  const { x, y } = positions;
  const uses = new Map<number, number>();
  for (const p of pieces) {
    for (let i = 0; i < p.nodes.length; i++) {
      const n = p.nodes[i];
      uses.set(n, (uses.get(n) ?? 0) + (i === 0 || i === p.nodes.length - 1 ? 2 : 1));
    }
  }
  // Grid of nodes by cell, with the way each belongs to.
  const cell = (v: number): number => Math.floor(v / distance);
  const key = (cx: number, cy: number): string => `${cx},${cy}`;
  const grid = new Map<string, Array<[number, number]>>();
  for (const p of pieces) {
    for (const n of p.nodes) {
      const k = key(cell(x[n]), cell(y[n]));
      const list = grid.get(k);
      if (list) list.push([n, p.wayId]);
      else grid.set(k, [[n, p.wayId]]);
    }
  }
  const nearest = (node: number, wayId: number): { node: number; distance: number } | undefined => {
    let best: { node: number; distance: number } | undefined;
    const cx = cell(x[node]);
    const cy = cell(y[node]);
    for (let i = -1; i <= 1; i++) {
      for (let j = -1; j <= 1; j++) {
        for (const [n, w] of grid.get(key(cx + i, cy + j)) ?? []) {
          if (w === wayId || n === node) continue;
          const d = Math.hypot(x[n] - x[node], y[n] - y[node]);
          if (d <= distance && (best === undefined || d < best.distance || (d === best.distance && n < best.node))) best = { node: n, distance: d };
        }
      }
    }
    return best;
  };
  const joined: JoinedGap[] = [];
  for (const p of pieces) {
    const { forward, backward } = p.road;
    if ((forward === null) === (backward === null)) continue; // two-way (or no way at all)
    const first = p.nodes[0];
    const last = p.nodes[p.nodes.length - 1];
    if (first === last) continue;
    // Along the node order when forward: the last node is where traffic ends, the first where it starts.
    const ends: Array<{ at: 'first' | 'last'; kind: 'end' | 'start' }> = forward !== null
      ? [{ at: 'last', kind: 'end' }, { at: 'first', kind: 'start' }]
      : [{ at: 'first', kind: 'end' }, { at: 'last', kind: 'start' }];
    for (const { at, kind } of ends) {
      const node = at === 'first' ? p.nodes[0] : p.nodes[p.nodes.length - 1];
      if ((uses.get(node) ?? 0) > 2) continue; // shared with another way: a junction already
      const target = nearest(node, p.wayId);
      if (!target) continue;
      if (at === 'first') p.nodes.unshift(target.node);
      else p.nodes.push(target.node);
      uses.set(target.node, (uses.get(target.node) ?? 0) + 2);
      joined.push({ wayId: p.wayId, kind, from: node, to: target.node, distance: target.distance });
    }
  }
  return joined;
}

/**
 * From OSM ways to a junction graph: the topology steps of the OSM importer.
 *
 *  1. Split: each kept way (already cut where its nodes are missing or outside
 *     the bounding box) is split into segments at junction candidates: nodes
 *     shared with another way (or used twice by one), way ends, signal nodes and
 *     the via nodes of turn restrictions. A segment that would start and end at
 *     the same node (a closed way touched once) is split again at its middle.
 *  2. Signals: a `highway=traffic_signals` node that is not itself a junction
 *     belongs to the nearest real junction (three or more segment ends) within
 *     `signalDistance` metres along a segment that traffic drives towards it, as
 *     mappers put the signal at the stop line; one with no such junction stays a
 *     junction of its own (a mid-block signal, usually a pedestrian crossing).
 *  3. Chains: nodes with exactly two segment ends, where travel through the node
 *     keeps the same lanes and speed in each direction, are merged away, so links
 *     run junction to junction with their length measured along the geometry.
 *  4. Clusters: with `joinDistance` > 0, real junctions connected by a segment
 *     shorter than it are joined into one junction at their centroid (dual
 *     carriageways draw one crossing as 2-4 nodes a few metres apart; left apart
 *     they give tiny links that fill at once and gridlock a simulation), as
 *     netconvert's `--junctions.join` does. A cluster never spreads more than
 *     `joinDistance` from its centroid. Internal segments disappear; which exits
 *     each entry reaches through them is kept for the movements.
 */
import type { Direction, Road } from './tags.js';

/** A piece of road between two graph nodes, with per-direction attributes. */
export interface Segment {
  /** `${wayId}#${k}`: way id and piece index of its first piece. */
  key: string;
  /** Node indices along the geometry. */
  nodes: number[];
  /** Length along the geometry, m. */
  length: number;
  /** Travel along `nodes`, or null. */
  fwd: Direction | null;
  /** Travel against `nodes`, or null. */
  bwd: Direction | null;
  cls: string;
  name?: string;
  names?: Record<string, string>;
  /** Part of a roundabout (`junction=roundabout`). */
  roundabout?: boolean;
  /** OSM way of the first and of the last piece (in node order), for turn restrictions. */
  firstWay: number;
  lastWay: number;
  alive: boolean;
}

/** A way piece ready for splitting: consecutive present nodes of one way. */
export interface WayPiece {
  wayId: number;
  /** Piece index within the way (a way cut at missing nodes has several). */
  piece: number;
  nodes: number[];
  road: Road;
}

/** Node positions in projected metres, by node index. */
export interface Positions {
  x: Float64Array;
  y: Float64Array;
}

function polylineLength(nodes: readonly number[], p: Positions): number {
  let len = 0;
  for (let i = 1; i < nodes.length; i++) len += Math.hypot(p.x[nodes[i]] - p.x[nodes[i - 1]], p.y[nodes[i]] - p.y[nodes[i - 1]]);
  return len;
}

/** The segment with its node order reversed. */
export function reversed(s: Segment): Segment {
  return { ...s, nodes: [...s.nodes].reverse(), fwd: s.bwd, bwd: s.fwd, firstWay: s.lastWay, lastWay: s.firstWay };
}

/** A graph of segments over node indices. */
export class SegmentGraph {
  readonly segments: Segment[] = [];
  /** Segment ids incident to each node (both ends; a segment appears twice at a node only if it loops). */
  readonly incident = new Map<number, number[]>();

  constructor(readonly positions: Positions) {}

  add(s: Segment): number {
    const id = this.segments.length;
    this.segments.push(s);
    for (const end of [s.nodes[0], s.nodes[s.nodes.length - 1]]) {
      const list = this.incident.get(end);
      if (list) list.push(id);
      else this.incident.set(end, [id]);
    }
    return id;
  }

  remove(id: number): void {
    const s = this.segments[id];
    s.alive = false;
    for (const end of [s.nodes[0], s.nodes[s.nodes.length - 1]]) {
      const list = this.incident.get(end);
      if (!list) continue;
      const k = list.indexOf(id);
      if (k >= 0) list.splice(k, 1);
      if (list.length === 0) this.incident.delete(end);
    }
  }

  /** Number of segment ends at a node. */
  degree(node: number): number {
    return this.incident.get(node)?.length ?? 0;
  }

  /** Live segments. */
  alive(): Segment[] {
    return this.segments.filter((s) => s.alive);
  }
}

/**
 * Step 1: split way pieces at junction candidates into a segment graph.
 * `keep` marks nodes that must be junction candidates whatever their use count
 * (signal nodes, restriction via nodes).
 */
export function splitWays(pieces: readonly WayPiece[], positions: Positions, keep: ReadonlySet<number>): SegmentGraph {
  const uses = new Map<number, number>();
  for (const p of pieces) {
    for (let i = 0; i < p.nodes.length; i++) {
      const end = i === 0 || i === p.nodes.length - 1 ? 2 : 1;
      uses.set(p.nodes[i], (uses.get(p.nodes[i]) ?? 0) + end);
    }
  }
  const graph = new SegmentGraph(positions);
  for (const p of pieces) {
    let start = 0;
    let k = 0;
    const emit = (from: number, to: number): void => {
      const nodes = p.nodes.slice(from, to + 1);
      if (nodes[0] === nodes[nodes.length - 1]) {
        // A loop back to its own start: split at the middle node.
        if (nodes.length < 3) return;
        const mid = Math.floor((nodes.length - 1) / 2);
        emitNodes(nodes.slice(0, mid + 1));
        emitNodes(nodes.slice(mid));
        return;
      }
      emitNodes(nodes);
    };
    const emitNodes = (nodes: number[]): void => {
      graph.add({
        key: `${p.wayId}#${p.piece > 0 ? `${p.piece}.` : ''}${k++}`,
        nodes,
        length: polylineLength(nodes, positions),
        fwd: p.road.forward,
        bwd: p.road.backward,
        cls: p.road.cls,
        ...(p.road.name !== undefined ? { name: p.road.name } : {}),
        ...(p.road.names !== undefined ? { names: p.road.names } : {}),
        ...(p.road.roundabout ? { roundabout: true } : {}),
        firstWay: p.wayId,
        lastWay: p.wayId,
        alive: true,
      });
    };
    for (let i = 1; i < p.nodes.length; i++) {
      const n = p.nodes[i];
      if (i === p.nodes.length - 1 || (uses.get(n) ?? 0) > 1 || keep.has(n)) {
        emit(start, i);
        start = i;
      }
    }
  }
  return graph;
}

/** True when two directions carry the same traffic (both absent, or the same lanes and speed). */
function sameDirection(a: Direction | null, b: Direction | null): boolean {
  if (a === null || b === null) return a === b;
  return a.lanes === b.lanes && Math.abs(a.speed - b.speed) < 1e-9;
}

/**
 * Step 2: attach signal nodes to junctions. Returns the nodes that are
 * signalised junctions: real junctions with a signal on or just before them,
 * and mid-block signals (also listed in `midBlock`).
 */
export function placeSignals(
  graph: SegmentGraph,
  signalNodes: Iterable<number>,
  signalDistance: number,
): { junctions: Set<number>; midBlock: Set<number>; attached: number } {
  const junctions = new Set<number>();
  const midBlock = new Set<number>();
  let attached = 0;
  for (const s of signalNodes) {
    const ids = graph.incident.get(s);
    if (!ids) continue;
    if (ids.length !== 2) {
      junctions.add(s);
      continue;
    }
    let best = -1;
    let bestDistance = Infinity;
    for (const id of ids) {
      const seg = graph.segments[id];
      const startsHere = seg.nodes[0] === s;
      const other = startsHere ? seg.nodes[seg.nodes.length - 1] : seg.nodes[0];
      // Traffic must drive from the signal towards the other end.
      const towards = startsHere ? seg.fwd : seg.bwd;
      if (towards === null || graph.degree(other) < 3 || seg.length > signalDistance) continue;
      if (seg.length < bestDistance) {
        bestDistance = seg.length;
        best = other;
      }
    }
    if (best >= 0) {
      junctions.add(best);
      attached++;
    } else {
      junctions.add(s);
      midBlock.add(s);
    }
  }
  // A signal attached to a junction leaves its own node free to merge.
  return { junctions, midBlock, attached };
}

/**
 * Step 3: merge chains through nodes with two segment ends where traffic keeps
 * its lanes and speed. `pinned` nodes are never merged away. Returns the number
 * of nodes merged away.
 */
export function mergeChains(graph: SegmentGraph, pinned: ReadonlySet<number>): number {
  let merged = 0;
  const candidates = [...graph.incident.keys()];
  for (const v of candidates) {
    if (pinned.has(v)) continue;
    const live = graph.incident.get(v);
    if (!live || live.length !== 2 || live[0] === live[1]) continue;
    const ids = [live[0], live[1]];
    let a = graph.segments[ids[0]];
    let b = graph.segments[ids[1]];
    // Orient a to end at v and b to start at v; the result keeps a's key and a's original orientation.
    const flipped = a.nodes[a.nodes.length - 1] !== v;
    if (flipped) a = reversed(a);
    if (b.nodes[0] !== v) b = reversed(b);
    const aStart = a.nodes[0];
    const bEnd = b.nodes[b.nodes.length - 1];
    if (aStart === bEnd) continue; // would close a loop
    if (!sameDirection(a.fwd, b.fwd) || !sameDirection(a.bwd, b.bwd)) continue;
    const longer = a.length >= b.length ? a : b;
    const fwd = a.fwd && b.fwd ? { lanes: a.fwd.lanes, speed: a.fwd.speed, ...(b.fwd.turnLanes ? { turnLanes: b.fwd.turnLanes } : {}) } : null;
    const bwd = a.bwd && b.bwd ? { lanes: a.bwd.lanes, speed: a.bwd.speed, ...(a.bwd.turnLanes ? { turnLanes: a.bwd.turnLanes } : {}) } : null;
    const named = longer.name !== undefined ? longer : a.name !== undefined ? a : b;
    const joined: Segment = {
      key: a.key,
      nodes: [...a.nodes, ...b.nodes.slice(1)],
      length: a.length + b.length,
      fwd,
      bwd,
      cls: longer.cls,
      ...(named.name !== undefined ? { name: named.name } : {}),
      ...(named.names !== undefined ? { names: named.names } : {}),
      ...(a.roundabout || b.roundabout ? { roundabout: true } : {}),
      firstWay: a.firstWay,
      lastWay: b.lastWay,
      alive: true,
    };
    graph.remove(ids[0]);
    graph.remove(ids[1]);
    graph.add(flipped ? reversed(joined) : joined);
    merged++;
  }
  return merged;
}

/** A junction of the final graph: one node, or a joined cluster of nodes. */
export interface JunctionGroup {
  /** Representative node (the member with most segment ends; ties: first found). */
  node: number;
  members: number[];
  /** Directed internal connections between members (from the removed internal segments). */
  internal: Array<[number, number]>;
}

/**
 * Step 4: join clusters of real junctions (three or more segment ends) linked by
 * segments shorter than `joinDistance`, shortest first, never letting a cluster
 * spread more than `joinDistance` from its centroid. Internal segments are
 * removed from the graph. Returns the group of every node that is a segment end.
 */
export function joinClusters(graph: SegmentGraph, joinDistance: number): { groupOf: Map<number, JunctionGroup>; joined: number; removed: number } {
  const { x, y } = graph.positions;
  const parent = new Map<number, number>();
  const members = new Map<number, number[]>();
  const find = (n: number): number => {
    let r = n;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    let c = n;
    while (c !== r) {
      const next = parent.get(c) as number;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  let joined = 0;
  if (joinDistance > 0) {
    const short = graph.segments
      .map((s, id) => ({ s, id }))
      .filter(({ s }) => s.alive && s.length < joinDistance)
      .sort((p, q) => p.s.length - q.s.length || p.id - q.id);
    for (const { s } of short) {
      const u = s.nodes[0];
      const v = s.nodes[s.nodes.length - 1];
      if (graph.degree(u) < 3 || graph.degree(v) < 3) continue;
      const ru = find(u);
      const rv = find(v);
      if (ru === rv) continue;
      const all = [...(members.get(ru) ?? [ru]), ...(members.get(rv) ?? [rv])];
      let cx = 0;
      let cy = 0;
      for (const n of all) {
        cx += x[n];
        cy += y[n];
      }
      cx /= all.length;
      cy /= all.length;
      if (all.some((n) => Math.hypot(x[n] - cx, y[n] - cy) > joinDistance)) continue;
      parent.set(ru, ru);
      parent.set(rv, ru);
      members.set(ru, all);
      members.delete(rv);
      joined++;
    }
  }

  const groupOf = new Map<number, JunctionGroup>();
  for (const [root, list] of members) {
    let node = root;
    for (const n of list) if (graph.degree(n) > graph.degree(node)) node = n;
    const group: JunctionGroup = { node, members: list, internal: [] };
    for (const n of list) groupOf.set(n, group);
  }
  for (const n of graph.incident.keys()) {
    if (!groupOf.has(n)) groupOf.set(n, { node: n, members: [n], internal: [] });
  }
  // Remove internal segments, keeping their directed connections.
  let removed = 0;
  for (let id = 0; id < graph.segments.length; id++) {
    const s = graph.segments[id];
    if (!s.alive) continue;
    const u = s.nodes[0];
    const v = s.nodes[s.nodes.length - 1];
    const g = groupOf.get(u) as JunctionGroup;
    if (g !== groupOf.get(v)) continue;
    if (s.fwd) g.internal.push([u, v]);
    if (s.bwd) g.internal.push([v, u]);
    graph.remove(id);
    removed++;
  }
  return { groupOf, joined, removed };
}

/** Members of a group reachable from `start` over its internal connections (start included). */
export function reachableInGroup(group: JunctionGroup, start: number): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const u = stack.pop() as number;
    for (const [a, b] of group.internal) {
      if (a === u && !seen.has(b)) {
        seen.add(b);
        stack.push(b);
      }
    }
  }
  return seen;
}


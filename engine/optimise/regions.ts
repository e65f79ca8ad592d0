/**
 * Regions of signalised junctions and the classes of junctions far enough apart
 * to be changed in one simulation, for the decomposed search (local-search.ts).
 *
 * The region of a signal is where a change of its timing shows first: the
 * junctions on the roads into and out of it, up to and including the next
 * signal in each direction and at most `radiusS` seconds of free-flow travel
 * away. Its local objective is the delay of the vehicles through those
 * junctions (control delay, metrics.ts).
 *
 * Two signals whose regions share no junction are scored apart in one run:
 * each one's local objective counts only its own region. The classes are a
 * greedy colouring of the "regions overlap" graph (largest degree first,
 * Welsh and Powell 1967): every class holds signals with pairwise disjoint
 * regions, and one candidate per class changes all of them at once.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';

/** Default region radius, s of free-flow travel (about 400 m at 50 km/h). */
export const DEFAULT_REGION_RADIUS_S = 30;

/**
 * The region of each junction of `junctions` (indices of signalised junctions):
 * junction indices reached from it along links in either direction within
 * `radiusS` s of free-flow travel, not past another signal (which is included).
 */
export function signalRegions(net: CompiledNetwork, junctions: readonly number[], radiusS = DEFAULT_REGION_RADIUS_S): Int32Array[] {
  const { junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, linkTo, linkFrom, linkFreeFlowTime, junctionControl } = net;
  const best = new Float64Array(net.junctionCount).fill(Infinity);
  const signal: number = CONTROL_CODE.signal;
  return junctions.map((root) => {
    const seen: number[] = [root];
    best[root] = 0;
    // Dijkstra by a small sorted frontier: regions are a few dozen junctions.
    const frontier: Array<[number, number]> = [[0, root]];
    while (frontier.length > 0) {
      frontier.sort((a, b) => b[0] - a[0]);
      const [t, j] = frontier.pop() as [number, number];
      if (t > best[j]) continue;
      if (j !== root && junctionControl[j] === signal) continue; // the next signal ends the region
      const visit = (k: number, cost: number): void => {
        const tk = t + cost;
        if (tk > radiusS || tk >= best[k]) return;
        if (best[k] === Infinity) seen.push(k);
        best[k] = tk;
        frontier.push([tk, k]);
      };
      for (let e = junctionOutOffsets[j], end = junctionOutOffsets[j + 1]; e < end; e++) visit(linkTo[junctionOutLinks[e]], linkFreeFlowTime[junctionOutLinks[e]]);
      for (let e = junctionInOffsets[j], end = junctionInOffsets[j + 1]; e < end; e++) visit(linkFrom[junctionInLinks[e]], linkFreeFlowTime[junctionInLinks[e]]);
    }
    for (const k of seen) best[k] = Infinity;
    return Int32Array.from(seen).sort();
  });
}

/**
 * Classes of mutually far-apart signals: positions into `regions`, each class's
 * regions pairwise disjoint. Every position is in exactly one class.
 */
export function disjointClasses(regions: readonly Int32Array[]): number[][] {
  const n = regions.length;
  const owners = new Map<number, number[]>();
  regions.forEach((r, i) => {
    for (const j of r) {
      let list = owners.get(j);
      if (list === undefined) owners.set(j, (list = []));
      list.push(i);
    }
  });
  const neighbours = Array.from({ length: n }, () => new Set<number>());
  for (const list of owners.values()) {
    for (const a of list) for (const b of list) if (a !== b) neighbours[a].add(b);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => neighbours[b].size - neighbours[a].size || a - b);
  const colour = new Int32Array(n).fill(-1);
  const classes: number[][] = [];
  for (const i of order) {
    const used = new Set<number>();
    for (const k of neighbours[i]) if (colour[k] >= 0) used.add(colour[k]);
    let c = 0;
    while (used.has(c)) c++;
    colour[i] = c;
    (classes[c] ??= []).push(i);
  }
  return classes.map((list) => list.sort((a, b) => a - b));
}

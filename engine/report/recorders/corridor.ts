/**
 * Corridors for the time-space diagram: which links a `CorridorTrace` watches.
 *
 * {@link corridorRoute} is the corridor a user names (`"FROM:TO"`, two junction
 * ids: the free-flow shortest route between them); {@link defaultCorridor} picks
 * one when none is named; {@link corridorPlan} adds the opposite direction and
 * the signalised movements along both.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import { createRouter } from '../../routing/router.js';
import { UsageError } from '../../errors.js';

/**
 * The corridor named by `spec`, `"FROM:TO"` (two junction ids): link indices of
 * the free-flow shortest route from FROM to TO, in driving order.
 * @param option how the user gave `spec`, first in every message (the CLI passes `--corridor`).
 * @throws UsageError for a malformed spec, an unknown junction, no route, or FROM = TO.
 */
export function corridorRoute(net: CompiledNetwork, spec: string, option = 'corridor'): Int32Array {
  const parts = spec.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new UsageError(`${option}: expected FROM:TO (two junction ids), got "${spec}"`);
  const [from, to] = parts.map((id) => {
    const j = net.junctionIndex(id);
    if (j < 0) throw new UsageError(`${option}: no junction "${id}" in the network`);
    return j;
  });
  const router = createRouter(net);
  if (!Number.isFinite(router.route(from, to))) throw new UsageError(`${option}: no route from "${parts[0]}" to "${parts[1]}"`);
  const path = Int32Array.from(router.lastPath());
  if (path.length === 0) throw new UsageError(`${option}: "${parts[0]}" and "${parts[1]}" are the same junction`);
  return path;
}

/** A corridor: a path of links and, where it exists, the opposite direction. */
export interface CorridorPlan {
  /** Forward path, link indices in driving order. */
  forward: Int32Array;
  /** The opposite carriageway, link indices in its driving order (empty if the path has no complete reverse). */
  reverse: Int32Array;
  /** Signalised movements along each direction (from one corridor link to the next), with the junction they are at. */
  movements: Int32Array;
}

/**
 * The corridor along a path of links: the path, its reverse where every link has
 * an opposite link (same junctions, other way) joined by permitted turns, and
 * the signalised movements that continue along either direction.
 * @throws UsageError if consecutive links are not joined by a permitted turn.
 */
export function corridorPlan(net: CompiledNetwork, path: ArrayLike<number>): CorridorPlan {
  const forward = Int32Array.from(path);
  if (forward.length === 0) throw new UsageError('corridorPlan: the path has no links');
  const movements: number[] = [];
  const along = (links: Int32Array, strict: boolean): boolean => {
    const found: number[] = [];
    for (let i = 0; i + 1 < links.length; i++) {
      const e = net.movementBetween(links[i], links[i + 1]);
      if (e < 0) {
        if (strict) throw new UsageError(`corridorPlan: no permitted turn from link "${net.linkKey(links[i])}" to "${net.linkKey(links[i + 1])}"`);
        return false;
      }
      if (net.junctionControl[net.linkTo[links[i]]] === CONTROL_CODE.signal) found.push(e);
    }
    movements.push(...found);
    return true;
  };
  along(forward, true);
  const back: number[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const from = net.linkFrom[forward[i]];
    const to = net.linkTo[forward[i]];
    let opposite = -1;
    for (let o = net.junctionOutOffsets[to], end = net.junctionOutOffsets[to + 1]; o < end; o++) {
      if (net.linkTo[net.junctionOutLinks[o]] === from) { opposite = net.junctionOutLinks[o]; break; }
    }
    if (opposite < 0) { back.length = 0; break; }
    back.push(opposite);
  }
  let reverse = Int32Array.from(back);
  if (reverse.length > 0 && !along(reverse, false)) reverse = new Int32Array(0);
  return { forward, reverse, movements: Int32Array.from(movements) };
}

/**
 * A default corridor for a run, for a time-space diagram: among the 50
 * origin-destination pairs with the most trips, take each one's free-flow
 * shortest route, keep its longest stretch of straight-on movements, and choose
 * the stretch with the highest (trips x signalised junctions along it); ties go
 * to the busier pair. Returns link indices, or an empty array if no trip has a route.
 */
export function defaultCorridor(net: CompiledNetwork, trips: TripTable): Int32Array {
  const counts = new Map<number, number>();
  const n = net.junctionCount;
  for (let v = 0; v < trips.count; v++) {
    const o = trips.origin[v];
    const d = trips.destination[v];
    if (o === d) continue;
    const key = o * n + d;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const pairs = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 50);
  const router = createRouter(net);
  let best = new Int32Array(0);
  let bestScore = -1;
  for (const [key, count] of pairs) {
    if (!Number.isFinite(router.route(Math.floor(key / n), key % n))) continue;
    const path = router.lastPath();
    // Longest run of links joined by straight-on movements, and its signals.
    let runStart = 0;
    let bestRun: [number, number, number] = [0, 1, 0];
    let signals = 0;
    for (let i = 1; i <= path.length; i++) {
      const e = i < path.length ? net.movementBetween(path[i - 1], path[i]) : -1;
      if (e >= 0 && net.turn(e) === 'straight') {
        if (net.junctionControl[net.linkTo[path[i - 1]]] === CONTROL_CODE.signal) signals++;
        continue;
      }
      if (signals > bestRun[2] || (signals === bestRun[2] && i - runStart > bestRun[1] - bestRun[0])) bestRun = [runStart, i, signals];
      runStart = i;
      signals = 0;
    }
    const score = count * Math.max(1, bestRun[2]);
    if (score > bestScore) {
      bestScore = score;
      best = Int32Array.from(path.subarray(bestRun[0], bestRun[1]));
    }
  }
  return best;
}

/**
 * Consistency of the counts themselves, checked before any calibration: counts
 * that contradict each other or that no demand on the network could produce are
 * reported, so a planner fixes the data instead of blaming the model.
 *
 *  - Junction balance: at an inner junction where every approach and every exit link is
 *    counted, vehicles in must equal vehicles out, give or take trips that start
 *    or end there. Compared over the whole common counting window (GEH of the two
 *    totals as hourly flows; per 15 minutes the travel time across the junction
 *    blurs it). With `boundary` trip ends an imbalance of GEH > 5 at an inner
 *    junction is a contradiction; with `any` it is reported as the trips that must
 *    start (out > in) or end (in > out) there.
 *  - Turn balance: turning counts out of a counted approach cannot exceed its link
 *    count, nor turning counts into a counted exit its link count (GEH > 5 over the
 *    common window); when every turn is counted and no trip may end (start) on the
 *    link, they must match.
 *  - Unservable counts: a counted location no trip can reach from an allowed trip
 *    start, or from which no allowed trip end can be reached; and counts above the
 *    location's saturation flow (lanes x saturation flow x duration), which no
 *    demand can produce. The estimator aims at the capacity there.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import { clockOf, type CountSet } from '../../demand/counts.js';
import { geh } from './fit.js';
import { isBoundary, type TripEnds } from './trip-ends.js';

/** In and out totals at a junction with every link counted. */
export interface JunctionBalance {
  junction: string;
  /** Common counting window, s. */
  begin: number;
  end: number;
  in: number;
  out: number;
  geh: number;
  /** True when GEH > 5 and the trip ends cannot explain it. */
  contradiction: boolean;
}

/** Turning counts against the link count they belong to. */
export interface TurnBalance {
  link: string;
  /** `out`: turns leaving the link; `in`: turns entering it. */
  side: 'out' | 'in';
  begin: number;
  end: number;
  linkCount: number;
  turns: number;
  /** Every turn on that side is counted. */
  complete: boolean;
  geh: number;
  contradiction: boolean;
}

/** A count no demand can produce. */
export interface UnservableCount {
  location: string;
  /** Interval, s; the whole period when the location itself cannot be reached. */
  begin: number;
  end: number;
  observed: number;
  /** Vehicles the location can carry in the interval (Infinity when unreachable is the reason). */
  capacity: number;
  reason: string;
}

/** The consistency report. */
export interface CountConsistency {
  junctions: JunctionBalance[];
  turns: TurnBalance[];
  unservable: UnservableCount[];
  /** One line per contradiction or unservable count (empty when the counts are consistent). */
  problems: string[];
  /** Lines that are not contradictions (trips implied by `any` trip ends). */
  notes: string[];
}

/** Total of location `k`'s counts inside [begin, end], or NaN when its intervals do not cover that window exactly. */
function totalIn(counts: CountSet, k: number, begin: number, end: number): number {
  let total = 0;
  let covered = 0;
  for (let i = counts.rowOffsets[k]; i < counts.rowOffsets[k + 1]; i++) {
    const r = counts.rows[i];
    if (r.begin >= begin && r.end <= end) {
      total += r.observed;
      covered += r.end - r.begin;
    }
  }
  return Math.abs(covered - (end - begin)) < 1e-6 ? total : NaN;
}

/** Common window of locations `ks`: [latest first begin, earliest last end], or null if empty. */
function windowOf(counts: CountSet, ks: readonly number[]): { begin: number; end: number } | null {
  let begin = -Infinity;
  let end = Infinity;
  for (const k of ks) {
    begin = Math.max(begin, counts.rows[counts.rowOffsets[k]].begin);
    end = Math.min(end, counts.rows[counts.rowOffsets[k + 1] - 1].end);
  }
  return end > begin ? { begin, end } : null;
}

function reach(net: CompiledNetwork, seeds: Uint8Array, forward: boolean): Uint8Array {
  const seen = Uint8Array.from(seeds);
  const stack: number[] = [];
  for (let l = 0; l < net.linkCount; l++) if (seen[l]) stack.push(l);
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (forward) {
      for (let e = net.movementOffsets[a]; e < net.movementOffsets[a + 1]; e++) {
        const b = net.movementTo[e];
        if (!seen[b]) { seen[b] = 1; stack.push(b); }
      }
    } else {
      for (let i = net.movementInOffsets[a]; i < net.movementInOffsets[a + 1]; i++) {
        const b = net.movementFrom[net.movementIn[i]];
        if (!seen[b]) { seen[b] = 1; stack.push(b); }
      }
    }
  }
  return seen;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

/** Check `counts` on `net` under trip ends `ends` (see the file header). */
export function countConsistency(net: CompiledNetwork, counts: CountSet, ends: TripEnds): CountConsistency {
  const linkLoc = new Int32Array(net.linkCount).fill(-1);
  const movLoc = new Int32Array(net.movementCount).fill(-1);
  counts.locations.forEach((loc, k) => {
    if (loc.kind === 'link') linkLoc[loc.link] = k;
    else movLoc[loc.movement] = k;
  });
  const problems: string[] = [];
  const notes: string[] = [];
  const span = (w: { begin: number; end: number }): string => `${clockOf(w.begin)}-${clockOf(w.end)}`;

  const junctions: JunctionBalance[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (isBoundary(net, j)) continue; // where the network ends, in and out are trips ending and starting
    const ins = Array.from(net.junctionInLinks.subarray(net.junctionInOffsets[j], net.junctionInOffsets[j + 1]));
    const outs = Array.from(net.junctionOutLinks.subarray(net.junctionOutOffsets[j], net.junctionOutOffsets[j + 1]));
    if (ins.length === 0 || outs.length === 0 || [...ins, ...outs].some((l) => linkLoc[l] < 0)) continue;
    const w = windowOf(counts, [...ins, ...outs].map((l) => linkLoc[l]));
    if (!w) continue;
    const total = (links: number[]): number => links.reduce((s, l) => s + totalIn(counts, linkLoc[l], w.begin, w.end), 0);
    const vIn = total(ins);
    const vOut = total(outs);
    if (!Number.isFinite(vIn) || !Number.isFinite(vOut)) continue;
    const g = geh(vOut, vIn, (w.end - w.begin) / 3600);
    const canStart = outs.some((l) => ends.origin[l]);
    const canEnd = ins.some((l) => ends.destination[l]);
    const contradiction = g > 5 && (vOut > vIn ? !canStart : !canEnd);
    const id = net.junctionKey(j);
    junctions.push({ junction: id, ...w, in: vIn, out: vOut, geh: g, contradiction });
    if (contradiction) {
      problems.push(`junction ${JSON.stringify(id)}, ${span(w)}: ${vIn} vehicles counted in, ${vOut} out (GEH ${g.toFixed(1)}); trips cannot ${vOut > vIn ? 'start' : 'end'} here with --trip-ends ${ends.policy}`);
    } else if (g > 5) {
      notes.push(`junction ${JSON.stringify(id)}, ${span(w)}: ${vIn} in, ${vOut} out: about ${Math.abs(vOut - vIn)} trips ${vOut > vIn ? 'start' : 'end'} here`);
    }
  }

  const turns: TurnBalance[] = [];
  for (let l = 0; l < net.linkCount; l++) {
    const k = linkLoc[l];
    if (k < 0) continue;
    for (const side of ['out', 'in'] as const) {
      const movements: number[] = [];
      if (side === 'out') for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) movements.push(e);
      else for (let i = net.movementInOffsets[l]; i < net.movementInOffsets[l + 1]; i++) movements.push(net.movementIn[i]);
      const counted = movements.filter((e) => movLoc[e] >= 0);
      if (counted.length === 0) continue;
      const w = windowOf(counts, [k, ...counted.map((e) => movLoc[e])]);
      if (!w) continue;
      const linkCount = totalIn(counts, k, w.begin, w.end);
      const turned = counted.reduce((s, e) => s + totalIn(counts, movLoc[e], w.begin, w.end), 0);
      if (!Number.isFinite(linkCount) || !Number.isFinite(turned)) continue;
      const complete = counted.length === movements.length;
      const g = geh(turned, linkCount, (w.end - w.begin) / 3600);
      const tripsEndOrStart = side === 'out' ? ends.destination[l] : ends.origin[l];
      const contradiction = g > 5 && (turned > linkCount || (complete && !tripsEndOrStart));
      const id = net.linkKey(l);
      turns.push({ link: id, side, ...w, linkCount, turns: turned, complete, geh: g, contradiction });
      if (contradiction) {
        problems.push(`link ${JSON.stringify(id)}, ${span(w)}: ${linkCount} vehicles counted entering it, ${turned} counted turning ${side === 'out' ? 'out of' : 'into'} it (GEH ${g.toFixed(1)})`);
      }
    }
  }

  const fromStart = reach(net, ends.origin, true);
  const toEnd = reach(net, ends.destination, false);
  const unservable: UnservableCount[] = [];
  counts.locations.forEach((loc, k) => {
    const first = counts.rowOffsets[k];
    const last = counts.rowOffsets[k + 1] - 1;
    const entry = loc.link;
    const exit = loc.kind === 'link' ? loc.link : net.movementTo[loc.movement];
    let reason = '';
    if (!fromStart[entry]) reason = `no trip start (--trip-ends ${ends.policy}) reaches it`;
    else if (!toEnd[exit]) reason = `no trip end (--trip-ends ${ends.policy}) can be reached from it`;
    if (reason !== '') {
      let observed = 0;
      for (let i = first; i <= last; i++) observed += counts.rows[i].observed;
      if (observed > 0) {
        unservable.push({ location: loc.key, begin: counts.rows[first].begin, end: counts.rows[last].end, observed, capacity: Infinity, reason });
        problems.push(`${JSON.stringify(loc.key)}: ${observed} vehicles counted, but ${reason}`);
      }
      return;
    }
    const lanes = loc.kind === 'link' ? net.linkLanes[loc.link] : popcount(net.movementLaneMask[loc.movement]) || net.linkLanes[loc.link];
    const perSecond = lanes * net.linkSaturationFlow[loc.link];
    for (let i = first; i <= last; i++) {
      const r = counts.rows[i];
      const capacity = perSecond * (r.end - r.begin);
      if (r.observed > capacity) {
        const reasonText = `more than its saturation flow allows (${lanes} lane${lanes === 1 ? '' : 's'} x ${Math.round(net.linkSaturationFlow[loc.link] * 3600)} veh/h = ${Math.floor(capacity)} vehicles)`;
        unservable.push({ location: loc.key, begin: r.begin, end: r.end, observed: r.observed, capacity, reason: reasonText });
        problems.push(`${r.file}:${r.line}  ${JSON.stringify(loc.key)}, ${span(r)}: ${r.observed} vehicles counted, ${reasonText}`);
      }
    }
  });
  return { junctions, turns, unservable, problems, notes };
}

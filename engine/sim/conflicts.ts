/**
 * Who yields to whom at each junction, computed once per network from geometry:
 *
 *  - Signalised junctions: a movement shown PERMISSIVE (SUMO's 'g') yields to the
 *    straight and near-side movements of the opposing approach (the approach whose
 *    heading is most nearly opposite, within 45 degrees of it).
 *  - Priority junctions: a movement's right of way is the one its source states
 *    (`MovementSpec.rightOfWay`, from SUMO's connection state); otherwise the major
 *    road is the pair of most nearly opposite approaches with the highest link
 *    priority (`LinkSpec.priority`: SUMO's edge priority, an OSM highway class), then
 *    the highest lanes x speed, and its straight and near-side movements are major.
 *    A minor movement on an approach with a major movement (a turn off the major
 *    road) yields to the major movements of the other approaches; a minor-road
 *    movement yields to every movement of the major road's approaches.
 *  - Uncontrolled junctions: nobody yields (SUMO's "unregulated").
 *
 * Gap acceptance uses HCM 7th ed. (Exhibit 20-11/20-12) base critical headways
 * and follow-up headways for passenger cars: major far-side turn 4.1 s / 2.2 s;
 * minor near-side turn 6.2 s / 3.3 s; minor straight 6.5 s / 4.0 s; minor far-side
 * turn 7.1 s / 3.5 s. A permissive turn at a signal uses the major far-side values.
 */
import { CONTROL_CODE, RIGHT_OF_WAY_CODE } from '../network/compiled.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { TURN_CODE } from '../network/turns.js';

/** Conflict table: movement e yields to `conflicts[conflictOffsets[e] .. conflictOffsets[e+1])`. */
export interface ConflictTable {
  conflictOffsets: Int32Array;
  conflicts: Int32Array;
  /** Critical gap, s (0 for movements that never yield). */
  criticalGap: Float64Array;
  /** Follow-up headway between successive yielding vehicles, s. */
  followUp: Float64Array;
  /** 1 where the movement yields whatever its signal shows (priority junctions), 0 otherwise. */
  alwaysYields: Uint8Array;
}

const OPPOSITE_COS = Math.cos((3 * Math.PI) / 4); // headings within 45 degrees of opposite

function isFarSide(turn: number, left: boolean): boolean {
  return turn === TURN_CODE.uturn || (left ? turn === TURN_CODE.right : turn === TURN_CODE.left);
}

/** Build the conflict table of `net`. */
export function buildConflicts(net: CompiledNetwork): ConflictTable {
  const k = net.movementCount;
  const left = net.drivingSide === 'left';
  const lists: number[][] = Array.from({ length: k }, () => []);
  const criticalGap = new Float64Array(k);
  const followUp = new Float64Array(k);
  const alwaysYields = new Uint8Array(k);
  const { junctionInOffsets, junctionInLinks, linkFrom, linkTo, linkPriority, junctionX, junctionY, movementOffsets, movementTurn, movementRightOfWay } = net;

  const heading = (l: number): [number, number] => {
    const dx = junctionX[linkTo[l]] - junctionX[linkFrom[l]];
    const dy = junctionY[linkTo[l]] - junctionY[linkFrom[l]];
    const len = Math.hypot(dx, dy) || 1;
    return [dx / len, dy / len];
  };
  /** Approach most nearly opposite to `a` at the same junction, or -1. */
  const opposite = (a: number, approaches: number[]): number => {
    const [ax, ay] = heading(a);
    let best = -1;
    let bestCos = OPPOSITE_COS;
    for (const b of approaches) {
      if (b === a || linkFrom[b] === linkFrom[a]) continue;
      const [bx, by] = heading(b);
      const cos = ax * bx + ay * by;
      if (cos < bestCos) {
        bestCos = cos;
        best = b;
      }
    }
    return best;
  };
  const movementsOf = (l: number): number[] => {
    const out: number[] = [];
    for (let e = movementOffsets[l]; e < movementOffsets[l + 1]; e++) out.push(e);
    return out;
  };
  const priorityMovements = (l: number): number[] => movementsOf(l).filter((e) => !isFarSide(movementTurn[e], left));

  for (let j = 0; j < net.junctionCount; j++) {
    const control = net.junctionControl[j];
    if (control === CONTROL_CODE.uncontrolled) continue;
    const approaches: number[] = [];
    for (let i = junctionInOffsets[j]; i < junctionInOffsets[j + 1]; i++) approaches.push(junctionInLinks[i]);
    if (control === CONTROL_CODE.signal) {
      // Permissive movements (decided at run time by the signal) yield to the opposing approach.
      for (const a of approaches) {
        const opp = opposite(a, approaches);
        for (const e of movementsOf(a)) {
          criticalGap[e] = 4.1;
          followUp[e] = 2.2;
          if (opp >= 0) lists[e].push(...priorityMovements(opp));
        }
      }
      continue;
    }
    // Priority junction: the major road is the pair of opposite approaches with the
    // highest right-of-way rank (link priority), then lanes x speed, then link index.
    const rank = (l: number): number => net.linkLanes[l] * net.linkSpeed[l];
    let majorA = -1;
    let majorB = -1;
    let bestPriority = -Infinity;
    let bestRank = -1;
    for (const a of approaches) {
      const b = opposite(a, approaches);
      const p = linkPriority[a] + (b >= 0 ? linkPriority[b] : linkPriority[a]);
      const r = rank(a) + (b >= 0 ? rank(b) : 0);
      if (p > bestPriority || (p === bestPriority && (r > bestRank || (r === bestRank && a < majorA)))) {
        bestPriority = p;
        bestRank = r;
        majorA = a;
        majorB = b;
      }
    }
    // Each movement's right of way: as the source states it, else major for the major
    // road's straight and near-side movements, minor for everything else.
    const isMajor = (e: number): boolean => {
      const stated = movementRightOfWay[e];
      if (stated !== 0) return stated === RIGHT_OF_WAY_CODE.major;
      const a = net.movementFrom[e];
      return (a === majorA || a === majorB) && !isFarSide(movementTurn[e], left);
    };
    const majorApproach = new Set(approaches.filter((a) => movementsOf(a).some(isMajor)));
    for (const a of approaches) {
      for (const e of movementsOf(a)) {
        if (isMajor(e)) continue;
        const turn = movementTurn[e];
        if (majorApproach.has(a)) {
          // A turn off the major road yields to the major movements of the other approaches.
          for (const b of approaches) if (b !== a) lists[e].push(...movementsOf(b).filter(isMajor));
          criticalGap[e] = 4.1;
          followUp[e] = 2.2;
        } else {
          // A minor-road movement yields to every movement of the major road, its turns included.
          for (const b of majorApproach) lists[e].push(...movementsOf(b));
          if (turn === TURN_CODE.straight) {
            criticalGap[e] = 6.5;
            followUp[e] = 4.0;
          } else if (isFarSide(turn, left)) {
            criticalGap[e] = 7.1;
            followUp[e] = 3.5;
          } else {
            criticalGap[e] = 6.2;
            followUp[e] = 3.3;
          }
        }
        if (lists[e].length > 0) alwaysYields[e] = 1;
      }
    }
  }
  const conflictOffsets = new Int32Array(k + 1);
  for (let e = 0; e < k; e++) conflictOffsets[e + 1] = conflictOffsets[e] + lists[e].length;
  const conflicts = new Int32Array(conflictOffsets[k]);
  for (let e = 0; e < k; e++) conflicts.set(lists[e], conflictOffsets[e]);
  return { conflictOffsets, conflicts, criticalGap, followUp, alwaysYields };
}

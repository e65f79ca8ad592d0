/**
 * Who yields to whom at each junction, computed once per network from geometry:
 *
 *  - Signalised junctions: a movement shown PERMISSIVE (SUMO's 'g') yields to the
 *    straight and near-side movements of the opposing approach (the approach whose
 *    heading is most nearly opposite, within 45 degrees of it). A movement whose
 *    source states it a stop (`rightOfWay: 'stop'`: SUMO's 's', green after
 *    stopping, a right turn on red) is, when shown PERMISSIVE, a stop as at a
 *    priority junction: it yields to every movement of the other approaches into
 *    its exit link (and, a far-side turn, to the opposing approach), with a minor
 *    movement's critical lag for its turn; every vehicle halts at the line first
 *    (braking time v / (2b), then the restart loss), and the next moves up from a
 *    halt to a halt (SUMO model: follow-up sqrt(2 (l + minGap)(1/a + 1/b)), 3.0 s
 *    for SUMO's car; HCM: its stop-controlled follow-up); the signal decides
 *    which of the conflicting movements move.
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
 * Critical lags, follow-up headways and the time a passing vehicle occupies the
 * junction come from the vehicle class's gap-acceptance model (gap-acceptance.ts:
 * HCM 7th ed. by default, SUMO's rule for SUMO imports). A permissive turn at a
 * signal uses HCM's major far-side values in both. Permissive far-side turns at
 * signals get a junction storage (junction-storage.ts): vehicles that wait inside
 * the junction and leave when the permissive green ends (SUMO imports: read from
 * the movement's wait point in the net, else estimated from the crossing length).
 */
import { CONTROL_CODE, RIGHT_OF_WAY_CODE } from '../network/compiled.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';
import { TURN_CODE } from '../network/turns.js';
import { HCM_GAPS, leaveTime, sumoGapParameters, type GapAcceptance } from './gap-acceptance.js';
import { estimatedWaitPoint, HCM_SNEAKERS, SUMO_MIN_GAP, sumoStorage } from './junction-storage.js';
import { SUMO_STEP } from './losses.js';
import { minorApproachLoss, SUMO_FOE_VISIBILITY, SUMO_TAU } from './sumo-lane.js';

/** What SUMO's cautious approach to minor links needs of the class besides a and b: Krauss sigma, SUMO's step (s; 0: SUMO's 1 s), and whether the class pays losses (`startLoss`; without, none). */
export interface MinorCar {
  sigma: number;
  step: number;
  losses: boolean;
}

/** SUMO's default car for {@link buildConflicts}: sigma 0.5, 1 s steps, losses. */
const SUMO_MINOR_CAR: MinorCar = { sigma: 0.5, step: SUMO_STEP, losses: true };

/** Conflict table: movement e yields to `conflicts[conflictOffsets[e] .. conflictOffsets[e+1])`. */
export interface ConflictTable {
  conflictOffsets: Int32Array;
  conflicts: Int32Array;
  /** Critical lag of a stopped (or refused) vehicle: least time to the next conflicting arrival it accepts, s (0 for movements that never yield). */
  criticalGap: Float64Array;
  /** Crossing length L of each yielding movement whose vehicles may go rolling (SUMO model, yields), m; 0: always the stopped lag. */
  rollingCrossing: Float64Array;
  /** Crossing length L of each minor movement in the SUMO model (its leave speed when merging), m; 0 elsewhere. */
  crossing: Float64Array;
  /** Per entry of `conflicts`: 1 where the conflicting movement enters the same exit link (a merge: SUMO's same target lane), 0 for a crossing. */
  merge: Uint8Array;
  /** Vehicle length l of the class (SUMO model), m. */
  vehicleLength: number;
  /** Acceleration a of the class, m/s². */
  accel: number;
  /** Deceleration b of the class, m/s². */
  decel: number;
  /** Follow-up headway between successive yielding vehicles, s. */
  followUp: Float64Array;
  /** Time a vehicle crossing each minor movement without halting loses to SUMO's cautious approach (sumo-lane.ts), less what it waited at the line, s (0 elsewhere and in the HCM model). */
  minorLoss: Float64Array;
  /** Time a vehicle of each movement occupies the junction after passing its stop line, s: a yielding foe waits it out (0 in the HCM model). */
  clearTime: Float64Array;
  /** Time a vehicle of each movement needs to stop from its approach speed, v / (2b), s: one farther away than that can still brake for an impatient driver. */
  stopTime: Float64Array;
  /** The class's base impatience, 0..1 (0 in the HCM model). */
  impatience: number;
  /** Wait at the head of a minor queue after which impatience reaches 1, s (Infinity: never grows; the HCM model). */
  timeToImpatience: number;
  /** Time gap a minor vehicle keeps after leaving before a conflicting arrival (included in the lags), s (0 in the HCM model). */
  timegap: number;
  /** 1 where the movement yields whatever its signal shows (priority junctions), 0 otherwise. */
  alwaysYields: Uint8Array;
  /**
   * Green after stopping (a stop at a signal, see the file header): the time a
   * vehicle arriving at speed needs to brake to a halt at the stop line, v / (2b),
   * before it may go when the movement yields; it has then halted (restart loss,
   * a stop in the metrics). 0: no halt needed.
   */
  haltTime: Float64Array;
  /** Junction storage of each far-side turn at a signal that yields when permissive, vehicles (all its lanes; junction-storage.ts: S); 0 elsewhere. */
  storage: Uint8Array;
  /** Of `storage`, the vehicles wholly inside the junction, which no longer hold their approach lane (junction-storage.ts: F; all of them in the HCM model). */
  storageClear: Uint8Array;
}

const OPPOSITE_COS = Math.cos((3 * Math.PI) / 4); // headings within 45 degrees of opposite

function isFarSide(turn: number, left: boolean): boolean {
  return turn === TURN_CODE.uturn || (left ? turn === TURN_CODE.right : turn === TURN_CODE.left);
}

/**
 * Build the conflict table of `net` for a vehicle class accelerating at `accel`
 * and braking at `decel` (m/s²) with gap-acceptance model `gap` (default HCM) and
 * junction storage `storagePerLane` (vehicles per lane of a permissive far-side
 * turn; default the model's: HCM's 2, SUMO's from the movement's wait point or a
 * geometry estimate; junction-storage.ts). In the SUMO model, `car` (sigma and
 * step) sets the cost of the cautious approach to minor links (sumo-lane.ts).
 */
export function buildConflicts(net: CompiledNetwork, gap: GapAcceptance = { model: 'hcm' }, accel = 2.6, decel = 4.5, storagePerLane?: number, car: MinorCar = SUMO_MINOR_CAR): ConflictTable {
  const k = net.movementCount;
  const left = net.drivingSide === 'left';
  const lists: number[][] = Array.from({ length: k }, () => []);
  const criticalGap = new Float64Array(k);
  const rollingCrossing = new Float64Array(k);
  const crossingOf = new Float64Array(k);
  const followUp = new Float64Array(k);
  const minorLoss = new Float64Array(k);
  const clearTime = new Float64Array(k);
  const stopTime = new Float64Array(k);
  const alwaysYields = new Uint8Array(k);
  const haltTime = new Float64Array(k);
  const storage = new Uint8Array(k);
  const storageClear = new Uint8Array(k);
  const { junctionInOffsets, junctionInLinks, junctionOutOffsets, junctionOutLinks, linkFrom, linkTo, linkPriority, junctionX, junctionY, movementOffsets, movementTurn, movementRightOfWay } = net;
  const sumo = gap.model === 'sumo' ? sumoGapParameters(gap) : undefined;

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
  /**
   * SUMO model: crossing length of the junction for vehicles from approach `a`, m:
   * the lanes of the roads crossing its direction (in and out links more than 45
   * degrees off it, halved: each road counted once from each side) x lane width,
   * plus the corner radius on both sides.
   */
  const crossingLength = (a: number, laneWidth: number, radius: number): number => {
    const j = linkTo[a];
    const [ax, ay] = heading(a);
    let lanes = 0;
    const add = (l: number): void => {
      const [bx, by] = heading(l);
      if (Math.abs(ax * bx + ay * by) < Math.SQRT1_2) lanes += net.linkLanes[l];
    };
    for (let i = junctionInOffsets[j]; i < junctionInOffsets[j + 1]; i++) add(junctionInLinks[i]);
    for (let i = junctionOutOffsets[j]; i < junctionOutOffsets[j + 1]; i++) add(junctionOutLinks[i]);
    return (lanes / 2) * laneWidth + 2 * radius;
  };
  /** Gap parameters of a minor movement `e` at a priority junction: HCM's `hcm` pair, or SUMO's rule. */
  const setMinor = (e: number, hcm: { criticalGap: number; followUp: number }): void => {
    if (sumo === undefined) {
      criticalGap[e] = hcm.criticalGap;
      followUp[e] = hcm.followUp;
      return;
    }
    const a = net.movementFrom[e];
    const crossing = crossingLength(a, sumo.laneWidth, sumo.junctionRadius);
    const vMax = net.linkSpeed[net.movementTo[e]];
    criticalGap[e] = leaveTime(crossing, sumo.length, 0, vMax, accel) + sumo.timegapMinor;
    crossingOf[e] = crossing;
    followUp[e] = 1 / (net.linkSaturationFlow[a] * laneCount(net.movementLaneMask[e]));
    if (movementRightOfWay[e] === RIGHT_OF_WAY_CODE.stop) return;
    rollingCrossing[e] = crossing;
    // SUMO's cautious approach to a link without right of way (one with foes): what slowing down to be able to stop costs a vehicle.
    if (car.losses && lists[e].length > 0) {
      const pass = net.movementCrossingSpeed[e]; // SUMO's vehicles reach the line no faster than the turn's internal lane allows
      minorLoss[e] = minorApproachLoss({
        speed: Math.min(net.linkSpeed[a], vMax, Number.isNaN(pass) ? Infinity : pass), accel, decel, sigma: car.sigma, length: sumo.length, spacing: net.linkJamSpacing[a],
        visibility: SUMO_FOE_VISIBILITY, step: car.step > 0 ? car.step : SUMO_STEP, tau: SUMO_TAU,
      });
    }
  };

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
          if (movementRightOfWay[e] === RIGHT_OF_WAY_CODE.stop) {
            // Green after stopping (SUMO's 's', a right turn on red): when shown permissive it is a stop, as at a
            // priority junction: it gives way to every movement of the other approaches that enters its exit
            // (merging into the stream it joins) and, a far-side turn, to the opposing approach as below; the
            // signal decides which of them move.
            const exit = net.movementTo[e];
            for (const b of approaches) if (b !== a) lists[e].push(...movementsOf(b).filter((m) => net.movementTo[m] === exit));
            if (opp >= 0 && isFarSide(movementTurn[e], left)) for (const m of priorityMovements(opp)) if (!lists[e].includes(m)) lists[e].push(m);
            const turn = movementTurn[e];
            setMinor(e, turn === TURN_CODE.straight ? HCM_GAPS.minorStraight : isFarSide(turn, left) ? HCM_GAPS.minorFarTurn : HCM_GAPS.minorNearTurn);
            // Every vehicle halts at the line. SUMO model: the next one moves up from a halt to a halt over
            // d = l + minGap, at best in sqrt(2 d (1/a + 1/b)) (accelerate, then brake); HCM's follow-up
            // headways are for stop-controlled approaches already.
            if (sumo !== undefined) followUp[e] = Math.sqrt(2 * (sumo.length + SUMO_MIN_GAP) * (1 / accel + 1 / decel));
            haltTime[e] = net.linkSpeed[a] / (2 * decel);
            continue;
          }
          criticalGap[e] = HCM_GAPS.majorFarTurn.criticalGap;
          followUp[e] = HCM_GAPS.majorFarTurn.followUp;
          if (opp >= 0) lists[e].push(...priorityMovements(opp));
          if (lists[e].length > 0 && isFarSide(movementTurn[e], left)) {
            const stated = net.movementWaitPoint[e];
            const geometry = sumo === undefined ? undefined : sumoStorage(Number.isNaN(stated) ? estimatedWaitPoint(crossingLength(a, sumo.laneWidth, sumo.junctionRadius)) : stated, sumo.length);
            const perLane = storagePerLane ?? geometry?.stored ?? HCM_SNEAKERS;
            const lanes = laneCount(net.movementLaneMask[e]);
            storage[e] = Math.min(255, perLane * lanes);
            storageClear[e] = Math.min(storage[e], geometry === undefined ? storage[e] : geometry.clear * lanes);
          }
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
      if (stated !== 0) return stated === RIGHT_OF_WAY_CODE.major; // minor and stop yield
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
          setMinor(e, HCM_GAPS.majorFarTurn);
        } else {
          // A minor-road movement yields to every movement of the major road, its turns included.
          for (const b of majorApproach) lists[e].push(...movementsOf(b));
          setMinor(e, turn === TURN_CODE.straight ? HCM_GAPS.minorStraight : isFarSide(turn, left) ? HCM_GAPS.minorFarTurn : HCM_GAPS.minorNearTurn);
        }
        if (lists[e].length > 0) alwaysYields[e] = 1;
      }
    }
  }
  if (sumo !== undefined) {
    // How long each vehicle occupies its junction after its stop line: (L + l) / v, SUMO's leaving time at the approach speed.
    for (let e = 0; e < k; e++) {
      const a = net.movementFrom[e];
      if (net.junctionControl[linkTo[a]] !== CONTROL_CODE.priority) continue;
      clearTime[e] = leaveTime(crossingLength(a, sumo.laneWidth, sumo.junctionRadius), sumo.length, net.linkSpeed[a], net.linkSpeed[net.movementTo[e]], accel);
      stopTime[e] = net.linkSpeed[a] / (2 * decel);
    }
  }
  const conflictOffsets = new Int32Array(k + 1);
  for (let e = 0; e < k; e++) conflictOffsets[e + 1] = conflictOffsets[e] + lists[e].length;
  const conflicts = new Int32Array(conflictOffsets[k]);
  for (let e = 0; e < k; e++) conflicts.set(lists[e], conflictOffsets[e]);
  const merge = new Uint8Array(conflicts.length);
  for (let e = 0; e < k; e++) {
    for (let i = conflictOffsets[e]; i < conflictOffsets[e + 1]; i++) merge[i] = net.movementTo[conflicts[i]] === net.movementTo[e] ? 1 : 0;
  }
  return {
    conflictOffsets, conflicts, merge, crossing: crossingOf, criticalGap, rollingCrossing, followUp, minorLoss, clearTime, stopTime, alwaysYields, haltTime, storage, storageClear,
    vehicleLength: sumo?.length ?? 0,
    accel,
    decel,
    impatience: sumo?.impatience ?? 0,
    timeToImpatience: sumo === undefined || sumo.timeToImpatience === 0 ? Infinity : sumo.timeToImpatience,
    timegap: sumo?.timegapMinor ?? 0,
  };
}

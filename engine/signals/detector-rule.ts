/**
 * Which detectors may extend a green: SUMO's rule for its actuated traffic
 * lights (MSActuatedTrafficLightLogic::init, SUMO 1.15; read in its source, not
 * copied), carried over from SUMO's lanes to greenwave's movements.
 *
 * SUMO puts one induction loop on each approach lane and lets it extend a phase
 * only if every link leaving that lane may drive in the phase ("check1"): a loop
 * on a lane that also feeds a link shown red would hold the green for vehicles
 * that cannot use it. A link counts as driving when it shows major green `G`, or
 * minor green `g` where
 *  - the link never shows `G` in the program, or is a U-turn, and some `G` link
 *    of the phase leaves the same lane (the minor link is taken as unimportant
 *    beside the major one), or
 *  - its road has a single lane (there would be no actuation otherwise).
 * "Green after stopping" (`s`, a right turn on red: greenwave's permissive
 * movements with a stop, RIGHT_OF_WAY_CODE.stop) never counts.
 *
 * greenwave detects per movement, so a movement's detector extends a phase when
 * at least one of the approach lanes it uses (`movementLaneMask`) passes the
 * test above: every movement using that lane drives in the phase. A phase none
 * of whose movements passes has no controlling detector: SUMO then ends it at
 * its minimum duration (gapControl finds no loop to extend it), and so does
 * greenwave. Where SUMO splits a movement's vehicles between a usable and an
 * unusable lane, greenwave counts all of them: the one approximation left.
 */
import { RIGHT_OF_WAY_CODE, type CompiledNetwork } from '../network/compiled.js';
import { TURN_CODE } from '../network/turns.js';
import type { Phase } from './program.js';

/** Lanes of movement `e` (bit i = approach lane i); a movement without lane data uses every lane of its approach. */
function lanesOf(net: CompiledNetwork, e: number): number {
  const mask = net.movementLaneMask[e] >>> 0;
  if (mask !== 0) return mask;
  const lanes = net.linkLanes[net.movementFrom[e]];
  return lanes >= 32 ? 0xffffffff : (2 ** lanes - 1) >>> 0;
}

/**
 * Per phase of `phases` (one program), the movements whose detectors may extend
 * its green under SUMO's lane rule (see the file header): a subset of the
 * phase's green and permissive movements, empty for a phase with no
 * controlling detector.
 */
export function extendingDetectors(net: CompiledNetwork, phases: readonly Phase[]): Int32Array[] {
  const stop = (e: number): boolean => net.movementRightOfWay[e] === RIGHT_OF_WAY_CODE.stop;
  const major = new Set<number>();
  for (const p of phases) for (const e of p.green) major.add(e);
  // Every movement of the approaches the program shows, by approach: the lanes' other users.
  const byApproach = new Map<number, number[]>();
  for (const p of phases) {
    for (const e of [...p.green, ...p.permissive]) {
      const a = net.movementFrom[e];
      let list = byApproach.get(a);
      if (list === undefined) byApproach.set(a, (list = []));
      if (!list.includes(e)) list.push(e);
    }
  }
  // Movements of the program's approaches not shown in any phase (never green) still share lanes.
  for (const [a, list] of byApproach) {
    for (let e = net.movementOffsets[a]; e < net.movementOffsets[a + 1]; e++) if (!list.includes(e)) list.push(e);
  }
  return phases.map((p) => {
    const green = new Set<number>(p.green);
    const majorHere = Array.from(p.green);
    for (const e of p.permissive) {
      if (stop(e)) continue;
      const a = net.movementFrom[e];
      const lanes = lanesOf(net, e);
      const oneLane = net.linkLanes[a] === 1;
      const sharesMajor = majorHere.some((m) => net.movementFrom[m] === a && (lanesOf(net, m) & lanes) !== 0);
      if (oneLane || ((!major.has(e) || net.movementTurn[e] === TURN_CODE.uturn) && sharesMajor)) green.add(e);
    }
    const usable: number[] = [];
    for (const e of green) {
      const a = net.movementFrom[e];
      const users = byApproach.get(a) ?? [];
      let lanes = lanesOf(net, e);
      // A lane is usable when every movement leaving it drives in this phase.
      for (const other of users) if (!green.has(other)) lanes &= ~lanesOf(net, other);
      if (lanes >>> 0 !== 0) usable.push(e);
    }
    return Int32Array.from(usable);
  });
}

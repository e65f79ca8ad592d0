/**
 * Drive times by turn: where a network gives movements time offsets
 * (`CompiledNetwork.movementTimeOffset`; SUMO imports fold each link's mean
 * junction crossing into its length, and keep each turn's own crossing as its
 * offset on that mean: a left crosses slower than a right), a vehicle reaches
 * its approach's stop line after the approach's drive time scaled by
 * (free-flow time + offset of the turn it takes next) / free-flow time. The
 * scale is clamped at 0 (the vehicle never reaches the stop line before it
 * entered); RoadNetwork refuses offsets below minus the link's free-flow time,
 * and a SUMO import's sum is the edge's own time plus the turn's own crossing,
 * so the clamp does not bind on either.
 */
import type { CompiledNetwork } from '../network/compiled.js';

/**
 * Per movement, the drive time (s) to the stop line of its approach for a
 * vehicle taking it next, from `driveTime` per link (s: free-flow time with
 * dawdling); null when the network has no movement time offsets.
 */
export function movementDriveTimes(net: CompiledNetwork, driveTime: Float64Array): Float64Array | null {
  if (!net.hasTimeOffsets) return null;
  const drive = new Float64Array(net.movementCount);
  const { linkFreeFlowTime: free, movementFrom, movementTimeOffset } = net;
  for (let e = 0; e < drive.length; e++) {
    const a = movementFrom[e];
    drive[e] = free[a] > 0 ? (driveTime[a] * Math.max(0, free[a] + movementTimeOffset[e])) / free[a] : driveTime[a];
  }
  return drive;
}

/**
 * Lane sets of a compiled network. A movement's lanes are a 32-bit mask over its
 * approach link's lanes (bit i = lane i, counted from the kerb side; at most
 * `MAX_LANES` = 32 lanes), as `CompiledNetwork.movementLaneMask` stores them.
 */

/**
 * Number of lanes in lane mask `mask` (its population count): 0 for an empty
 * mask, at most 32. `mask` is read as an unsigned 32-bit integer.
 */
export function laneCount(mask: number): number {
  let c = 0;
  for (let v = mask >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

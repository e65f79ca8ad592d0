/**
 * Lane groups of a compiled network: the parts of a link's lanes that its
 * movements use, each with its own storage, so that a full turn lane blocks the
 * vehicles that need it and not the others (spillback inside a link).
 *
 * Model (as SUMO and CityFlow behave without lane changing): the groups of link l
 * are the connected components of its movements' lane sets (two movements
 * sharing a lane are in one group; a movement with an empty lane mask uses every
 * lane). A vehicle entering l counts in the group of its next movement (the lane
 * it takes at the upstream junction); a vehicle ending its trip on l counts in
 * the link's exit group, which has no storage of its own. A group stores
 * floor(lanes of the group x length / jam spacing) vehicles, at least one per
 * lane (links.ts); the link's own storage (all lanes) still bounds the sum.
 * Space a vehicle frees is returned to its group when it is returned to the link
 * (after the backward wave, links.ts): releases of one link happen in the order
 * they were scheduled (same delay), so each link keeps a ring of the groups it
 * will free, no event more.
 *
 * Group ids: link l has groups `groupOffsets[l] .. groupOffsets[l + 1] - 1`; the
 * last of them is its exit group.
 *
 * Lane feeds: where a movement a -> b states its lane-level connections
 * (`MovementSpec.laneLinks`), a vehicle taking it drives in the approach lanes
 * that lead to the lanes of its group on b, as SUMO's vehicles choose their lane
 * for the turns ahead. `feed` holds, per movement and per group of its exit
 * link, those approach lanes (bit i = lane i of a; 0 where no connection reaches
 * the group, or none is stated: the movement's every lane). movements.ts lets a
 * vehicle go past one waiting for a full group when no lane can hold both.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';

/** Lane groups of every link (struct of arrays, indexed by group id unless said otherwise). */
export interface LaneGroupTable {
  /** Per link (length links + 1): first group id of each link. */
  groupOffsets: Int32Array;
  /** Group of each movement on its approach link. */
  movementGroup: Int32Array;
  /** Link of each group. */
  groupLink: Int32Array;
  /** Storage of each group, vehicles (exit groups: the link's storage). */
  groupStorage: Int32Array;
  /** Lanes of each group (exit groups: the link's lanes). */
  groupLanes: Int32Array;
  /** Lanes of each group on its link (bit i = lane i; exit groups: every lane). */
  groupMask: Uint32Array;
  /** Per movement: where its feeds start in `feed` (one per group of its exit link, in group order). */
  feedBase: Int32Array;
  /** Approach lanes of a movement leading to each group of its exit link (see the file header). */
  feed: Uint32Array;
}

/** Lane groups of `net` (see the file header); `linkStorage` is each link's storage in vehicles. */
export function buildLaneGroups(net: CompiledNetwork, linkStorage: Int32Array): LaneGroupTable {
  const m = net.linkCount;
  const movementGroup = new Int32Array(net.movementCount);
  const groupOffsets = new Int32Array(m + 1);
  const link: number[] = [];
  const storage: number[] = [];
  const lanes: number[] = [];
  const groupMask: number[] = [];
  for (let l = 0; l < m; l++) {
    groupOffsets[l] = link.length;
    const all = net.linkLanes[l] >= 32 ? 0xffffffff : (1 << net.linkLanes[l]) - 1;
    // Union of lane masks into components: each component is a mask; a movement joins every component it touches.
    const masks: number[] = [];
    const first = net.movementOffsets[l];
    const last = net.movementOffsets[l + 1];
    for (let e = first; e < last; e++) {
      let mask = (net.movementLaneMask[e] >>> 0) || all;
      for (let c = masks.length - 1; c >= 0; c--) {
        if ((masks[c] & mask) !== 0) {
          mask = (mask | masks[c]) >>> 0;
          masks.splice(c, 1);
        }
      }
      masks.push(mask);
    }
    for (const mask of masks) {
      const n = laneCount(mask);
      link.push(l);
      lanes.push(n);
      groupMask.push(mask);
      storage.push(Math.max(n, Math.floor((n * net.linkLength[l]) / net.linkJamSpacing[l])));
    }
    for (let e = first; e < last; e++) {
      const mask = (net.movementLaneMask[e] >>> 0) || all;
      const c = masks.findIndex((x) => (x & mask) !== 0);
      movementGroup[e] = groupOffsets[l] + c;
    }
    link.push(l); // the exit group
    lanes.push(net.linkLanes[l]);
    groupMask.push(all);
    storage.push(linkStorage[l]);
  }
  groupOffsets[m] = link.length;
  const { feedBase, feed } = laneFeeds(net, groupOffsets, groupMask);
  return {
    groupOffsets,
    movementGroup,
    groupLink: Int32Array.from(link),
    groupStorage: Int32Array.from(storage),
    groupLanes: Int32Array.from(lanes),
    groupMask: Uint32Array.from(groupMask),
    feedBase,
    feed,
  };
}

/** Per movement and group of its exit link, the approach lanes whose stated connections reach the group's lanes. */
function laneFeeds(net: CompiledNetwork, groupOffsets: Int32Array, groupMask: readonly number[]): { feedBase: Int32Array; feed: Uint32Array } {
  const k = net.movementCount;
  const feedBase = new Int32Array(k);
  let size = 0;
  for (let e = 0; e < k; e++) {
    feedBase[e] = size;
    const b = net.movementTo[e];
    size += groupOffsets[b + 1] - groupOffsets[b];
  }
  const feed = new Uint32Array(size);
  const offsets = net.movementLaneLinkOffsets;
  for (let e = 0; e < k; e++) {
    const b = net.movementTo[e];
    for (let g = groupOffsets[b]; g < groupOffsets[b + 1]; g++) {
      let lanes = 0;
      for (let i = offsets[e]; i < offsets[e + 1]; i++) {
        const pair = net.movementLaneLinks[i];
        if ((groupMask[g] >>> (pair & 31)) & 1) lanes |= 1 << (pair >> 5);
      }
      feed[feedBase[e] + g - groupOffsets[b]] = lanes >>> 0;
    }
  }
  return { feedBase, feed };
}

/**
 * Lane groups of a compiled network: the parts of a link's lanes that its
 * movements use, each with its own storage, so that a full turn lane blocks the
 * vehicles that need it and not the others (spillback inside a link).
 *
 * Model (as SUMO and CityFlow behave without lane changing): the groups of link l
 * are its lane classes, the lanes used by the same set of movements (a movement
 * with an empty lane mask uses every lane): a through movement on two lanes, the
 * kerb lane shared with the right turn and the other with the left, has two
 * groups, and its vehicles in the left one wait behind a left-turner that the
 * others pass, as in SUMO, where a vehicle is in one lane. A vehicle entering l
 * takes one of the groups of its next movement (the lane it takes at the
 * upstream junction): among those that its lanes on the link it comes from lead
 * to (lane feeds, below) and from which the movement after can be reached, the
 * one with the shorter queue (fewest vehicles queued at the stop line per lane;
 * then the most room); a vehicle ending its trip on l counts in the
 * link's exit group, which has no storage of its own. Before 2026-12-08 a
 * link's groups were the connected components of its movements' lane sets (two
 * movements sharing a lane in one group), so such a through movement pooled
 * both lanes with both turns: on SUMO's cologne3, left-turners waiting on a
 * 9.7 m link shared with the through lane held no lane upstream, where SUMO's
 * queue grows back in their lane. A group stores
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
  /** First group of each movement on its approach link (`movementGroups` has them all). */
  movementGroup: Int32Array;
  /** Per movement (CSR, length movements + 1): where its groups start in `movementGroups`. */
  movementGroupOffsets: Int32Array;
  /** The lane groups each movement's vehicles may take on its approach link (lane classes inside its lanes), ascending. */
  movementGroups: Int32Array;
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
  const movementGroupOffsets = new Int32Array(net.movementCount + 1);
  const perMovement: number[] = [];
  const groupOffsets = new Int32Array(m + 1);
  const link: number[] = [];
  const storage: number[] = [];
  const lanes: number[] = [];
  const groupMask: number[] = [];
  for (let l = 0; l < m; l++) {
    groupOffsets[l] = link.length;
    const all = net.linkLanes[l] >= 32 ? 0xffffffff : (1 << net.linkLanes[l]) - 1;
    // Lane classes: lanes used by the same movements form one group (a movement with no lane mask uses every lane).
    const first = net.movementOffsets[l];
    const last = net.movementOffsets[l + 1];
    const lanesHere = Math.min(32, net.linkLanes[l]);
    const signature: string[] = new Array<string>(lanesHere).fill('');
    for (let e = first; e < last; e++) {
      const mask = (net.movementLaneMask[e] >>> 0) || all;
      for (let i = 0; i < lanesHere; i++) if (((mask >>> i) & 1) === 1) signature[i] += `${e - first},`;
    }
    const classes = new Map<string, number>();
    for (let i = 0; i < lanesHere; i++) if (signature[i] !== '') classes.set(signature[i], ((classes.get(signature[i]) ?? 0) | (1 << i)) >>> 0);
    const masks = [...classes.values()];
    for (const mask of masks) {
      const n = laneCount(mask);
      link.push(l);
      lanes.push(n);
      groupMask.push(mask);
      storage.push(Math.max(n, Math.floor((n * net.linkLength[l]) / net.linkJamSpacing[l])));
    }
    for (let e = first; e < last; e++) {
      const mask = (net.movementLaneMask[e] >>> 0) || all;
      movementGroup[e] = -1;
      for (let c = 0; c < masks.length; c++) {
        if ((masks[c] & mask) === 0) continue;
        if (movementGroup[e] < 0) movementGroup[e] = groupOffsets[l] + c;
        perMovement.push(groupOffsets[l] + c);
      }
      if (movementGroup[e] < 0) { // lanes past the 32nd only: the first group
        movementGroup[e] = groupOffsets[l];
        perMovement.push(groupOffsets[l]);
      }
      movementGroupOffsets[e + 1] = perMovement.length;
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
    movementGroupOffsets,
    movementGroups: Int32Array.from(perMovement),
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

/**
 * A network as plain lists, whichever layer it comes from (a RoadNetwork or its
 * compiled form), and the SUMO time format: what the SUMO writers (export.ts,
 * export-actuated.ts, plain.ts) share.
 */
import { CompiledNetwork } from '../../network/compiled.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { TURN_KINDS } from '../../network/turns.js';
import type { DrivingSide, JunctionControl, TurnKind } from '../../network/types.js';

/** A network, whichever layer it comes from, as plain lists in insertion order. */
export interface NetView {
  side: DrivingSide;
  junctions: { id: string; x: number; y: number; control: JunctionControl }[];
  links: { id: string; from: string; to: string; lanes: number; length: number; speed: number; name?: string }[];
  /** Per link index: its movements. */
  movements: { to: string; lanes: number[]; turn: TurnKind }[][];
}

/** The network as a {@link NetView}. */
export function viewOf(net: CompiledNetwork | RoadNetwork): NetView {
  if (net instanceof CompiledNetwork) {
    const junctions = Array.from({ length: net.junctionCount }, (_, j) => ({ id: net.junctionKey(j), x: net.junctionX[j], y: net.junctionY[j], control: net.control(j) }));
    const links = Array.from({ length: net.linkCount }, (_, l) => ({
      id: net.linkKey(l), from: net.junctionKey(net.linkFrom[l]), to: net.junctionKey(net.linkTo[l]), lanes: net.linkLanes[l], length: net.linkLength[l], speed: net.linkSpeed[l],
      ...(net.linkName(l) === undefined ? {} : { name: net.linkName(l) as string }),
    }));
    const movements = links.map((_, l) => {
      const list: NetView['movements'][number] = [];
      for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) {
        const lanes: number[] = [];
        for (let b = 0; b < 32; b++) if ((net.movementLaneMask[e] >>> b) & 1) lanes.push(b);
        list.push({ to: net.linkKey(net.movementTo[e]), lanes, turn: TURN_KINDS[net.movementTurn[e]] });
      }
      return list;
    });
    return { side: net.drivingSide, junctions, links, movements };
  }
  const links = net.links();
  return {
    side: net.drivingSide,
    junctions: net.junctions().map((j) => ({ id: j.id, x: j.x, y: j.y, control: j.control })),
    links: links.map((l) => ({ id: l.id, from: l.from, to: l.to, lanes: l.lanes, length: l.length, speed: l.speed, ...(l.name === undefined ? {} : { name: l.name }) })),
    movements: links.map((l) => net.movementsFrom(l.id).map((m) => ({ to: m.to, lanes: [...m.lanes], turn: m.turn }))),
  };
}

/** Approach links (indices into `view.links`) of each junction id, in link order. */
export function approaches(view: NetView): Map<string, number[]> {
  const out = new Map<string, number[]>();
  view.links.forEach((l, i) => {
    const list = out.get(l.to) ?? [];
    list.push(i);
    out.set(l.to, list);
  });
  return out;
}

/** Seconds at SUMO's millisecond resolution, without trailing zeros. */
export function sumoSeconds(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

/**
 * CityFlow light phases -> a greenwave fixed-time `SignalProgramSpec`.
 *
 * - `trafficLight.lightphases[]` -> one program per signalised junction. CityFlow
 *   cycles through the phases in order from t = 0 (`TrafficLight::passTime` in
 *   cityflow-project/CityFlow `src/roadnet/trafficlight.cpp`), each for `time`
 *   seconds, with no amber: a roadLink is available or not. Movements
 *   available in a phase are its green movements; a `turn_left` is permissive
 *   when the opposing approach's straight runs in the same phase, and protected
 *   otherwise (far-side turn: `turn_right` for a left-hand network). The
 *   always-available near-side turns do not make a turn permissive: they are
 *   the slip turns of CityFlow's data, which give way themselves.
 * - Transition phases: the roadLinks available in every phase (in CityFlow's
 *   data, the right turns) never stop; a phase that shows only those (CityFlow's
 *   phase 0 of 5 s, the "yellow" of the signal-control literature, or an empty
 *   all-red phase) is the intergreen between the phases around it. Each is
 *   folded into the `allRed` of the phase before it (cyclically: a leading one
 *   into the last phase, and the program's `offset` moves by its time so the
 *   first real phase still turns green when CityFlow shows it). `allRed` rather
 *   than `yellow` because CityFlow shows red, not amber; greenwave discharges
 *   nothing on either. The cycle and every green start are CityFlow's exactly;
 *   the one difference is that the always-available turns stop during the
 *   folded interval instead of running through it.
 */
import type { MovementRef, PhaseSpec, SignalProgramSpec } from '../../signals/program.js';
import type { RoadNetwork } from '../../network/road-network.js';
import type { CityflowRoad } from './road.js';

/** A roadLink of an intersection as read. */
export interface RoadLinkInfo {
  /** Index in the intersection's roadLinks (CityFlow's signal index). */
  index: number;
  type: string;
  from: string;
  to: string;
  /** Movement key `${from}>${to}`, or undefined when the roadLink has no laneLinks. */
  key: string | undefined;
}

/** Heading of a road from its start to its end junction (unit vector), as greenwave's turn and conflict geometry use. */
function heading(network: RoadNetwork, road: CityflowRoad): [number, number] {
  const a = network.junction(road.from);
  const b = network.junction(road.to);
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  return [(b.x - a.x) / len, (b.y - a.y) / len];
}

/** Headings within 45 degrees of opposite oppose each other (as in greenwave's default programs). */
const OPPOSITE_COS = Math.cos((3 * Math.PI) / 4);

/**
 * The program of `junction` from its running phases (time > 0) and roadLinks:
 * transition phases folded into all-red, far-side turns (`farType`) permissive
 * when the opposing straight runs with them. Returns it and how many phases were folded.
 */
export function buildProgram(
  junction: string,
  phases: Array<{ time: number; set: Set<number>; index: number }>,
  roadLinks: RoadLinkInfo[],
  roads: Map<string, CityflowRoad>,
  farType: string,
  network: RoadNetwork,
): { spec: SignalProgramSpec; folded: number } {
  // Links available in every phase never stop; a phase showing only those is a transition.
  const always = new Set(phases[0].set);
  for (const p of phases) for (const k of always) if (!p.set.has(k)) always.delete(k);
  const isTransition = (p: { set: Set<number> }): boolean => p.set.size === always.size;
  const transitionsOnly = phases.every(isTransition);

  // Opposing approach of each approach road, by heading.
  const approaches = [...new Set(roadLinks.map((l) => l.from))];
  const opposite = new Map<string, string>();
  for (const a of approaches) {
    const [ax, ay] = heading(network, roads.get(a)!);
    let best = OPPOSITE_COS;
    for (const b of approaches) {
      if (b === a || roads.get(b)!.from === roads.get(a)!.from) continue;
      const [bx, by] = heading(network, roads.get(b)!);
      const cos = ax * bx + ay * by;
      if (cos < best) {
        best = cos;
        opposite.set(a, b);
      }
    }
  }

  const specs: PhaseSpec[] = [];
  let leading = 0;
  let folded = 0;
  for (const p of phases) {
    if (!transitionsOnly && isTransition(p)) {
      folded++;
      const last = specs[specs.length - 1];
      if (last === undefined) leading += p.time;
      else last.allRed = (last.allRed ?? 0) + p.time;
      continue;
    }
    const shown = roadLinks.filter((l) => p.set.has(l.index) && l.key !== undefined);
    const green: MovementRef[] = [];
    const permissive: MovementRef[] = [];
    const seen = new Set<string>();
    for (const l of shown) {
      if (seen.has(l.key!)) continue;
      seen.add(l.key!);
      const opp = opposite.get(l.from);
      const opposed = l.type === farType && opp !== undefined && shown.some((o) => o.from === opp && o.type === 'go_straight');
      (opposed ? permissive : green).push({ from: l.from, to: l.to });
    }
    specs.push({ green, ...(permissive.length > 0 ? { permissive } : {}), duration: p.time, yellow: 0, allRed: 0 });
  }
  // Transitions before the first real phase close the cycle: they are the last phase's all-red.
  if (leading > 0) specs[specs.length - 1].allRed = (specs[specs.length - 1].allRed ?? 0) + leading;
  return { spec: { junction, offset: leading, phases: specs }, folded };
}

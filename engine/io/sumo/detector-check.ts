/**
 * SUMO's own placement and use of an actuated traffic light's induction loops
 * (MSActuatedTrafficLightLogic::init, SUMO 1.15; read in its source, not
 * copied), run on a program before it is written, so the export can write what
 * SUMO will run without warnings:
 *
 * - a loop on every vehicle lane that feeds a link shown `G` or `g` in an
 *   actuated phase (minDur < maxDur), except lanes given `NO_DETECTOR`;
 * - a loop serves an actuated phase only if every link from its lane may drive
 *   in it (`G`, or `g` under SUMO's minor-link conditions: see
 *   signals/detector-rule.ts, the same rule on greenwave's movements) and, where
 *   its lane leads straight onto another loop of the same light (joined
 *   lights), that loop's links may drive too;
 * - SUMO warns "actuated phase N has no controlling detector" for an actuated
 *   phase no loop serves (it then ends the phase at its minDur), and "linkIndex
 *   N has no controlling detector" for a link driving in an actuated phase whose
 *   lane's loop serves no phase (unless the lane says `NO_DETECTOR`).
 */

/** One link index of a traffic light: the SUMO lanes its connections leave from and lead to. */
export interface TlLink {
  from: string[];
  to: string[];
  /** Every connection of the link is a turnaround (`dir="t"`). */
  turnaround: boolean;
  /** One of its from-lanes lies on an edge with a single motorised lane. */
  oneLane: boolean;
}

/** The links of one traffic light (index = link index) and which of their lanes can carry a loop. */
export interface TlTopology {
  links: TlLink[];
  /** Lanes that allow vehicles (SUMO builds no loop on a sidewalk or a lane nothing may use). */
  vehicleLanes: ReadonlySet<string>;
  /** Lanes that allow motorised vehicles (not only pedestrians and bicycles): SUMO's linkIndex warning is about these. */
  motorisedLanes: ReadonlySet<string>;
}

/** A phase as SUMO reads it. */
export interface CheckedPhase {
  state: string;
  /** minDur < maxDur. */
  actuated: boolean;
}

/** What {@link checkLoops} finds. */
export interface LoopCheck {
  /** Per phase: the loops (lane ids) that serve it; empty for fixed phases. */
  serving: string[][];
  /** Actuated phases no loop serves (SUMO: "actuated phase N has no controlling detector"). */
  uncontrolledPhases: number[];
  /** Links driving in an actuated phase with no loop serving them (SUMO: "linkIndex N has no controlling detector"). */
  uncontrolledLinks: number[];
  /** From-lanes of those links, for a `NO_DETECTOR` parameter. */
  uncontrolledLanes: string[];
}

const isGreen = (c: string | undefined): boolean => c === 'G' || c === 'g';

/** SUMO's loops and their use for `phases` on `topology`; `noDetector`: lanes whose parameter says `NO_DETECTOR`. */
export function checkLoops(phases: readonly CheckedPhase[], topology: TlTopology, noDetector: ReadonlySet<string> = new Set()): LoopCheck {
  const { links } = topology;
  const n = links.length;
  // Loops: vehicle lanes feeding a link shown G or g in an actuated phase.
  const loops = new Set<string>();
  for (const p of phases) {
    if (!p.actuated) continue;
    for (let i = 0; i < n; i++) {
      if (!isGreen(p.state[i])) continue;
      for (const lane of links[i].from) if (topology.vehicleLanes.has(lane) && !noDetector.has(lane)) loops.add(lane);
    }
  }
  // Per loop lane, the links leaving it (any state) and the lanes they lead to.
  const loopLinks = new Map<string, number[]>();
  const nextLanes = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    for (const lane of links[i].from) {
      if (!loops.has(lane)) continue;
      loopLinks.set(lane, [...(loopLinks.get(lane) ?? []), i]);
      if (!links[i].turnaround) nextLanes.set(lane, [...(nextLanes.get(lane) ?? []), ...links[i].to]);
    }
  }
  const neverMajor = Array.from({ length: n }, (_, i) => !phases.some((p) => p.state[i] === 'G'));
  const serving: string[][] = [];
  const uncontrolledPhases: number[] = [];
  const actuatedLinks = new Set<number>();
  const covered = new Set<number>();
  phases.forEach((p, k) => {
    const used: string[] = [];
    serving.push(used);
    if (!p.actuated) return;
    const green = new Set<number>();
    for (let i = 0; i < n; i++) {
      const c = p.state[i];
      const hasMajor = (): boolean => {
        const lanes = new Set(links[i].from);
        for (let j = 0; j < n; j++) if (p.state[j] === 'G' && links[j].from.some((l) => lanes.has(l))) return true;
        return false;
      };
      if (c === 'G' || (c === 'g' && (((neverMajor[i] || links[i].turnaround) && hasMajor()) || links[i].oneLane))) {
        green.add(i);
        if (c === 'G' || !links[i].turnaround) actuatedLinks.add(i);
      }
    }
    for (const [lane, own] of loopLinks) {
      if (!own.every((i) => green.has(i))) continue; // SUMO check1
      const blockedAhead = (nextLanes.get(lane) ?? []).some((next) => loops.has(next) && !(loopLinks.get(next) ?? []).every((i) => green.has(i))); // check2
      if (blockedAhead) continue;
      used.push(lane);
      for (const i of own) covered.add(i);
    }
    if (used.length === 0) uncontrolledPhases.push(k);
  });
  const uncontrolledLinks: number[] = [];
  const lanes = new Set<string>();
  for (const i of [...actuatedLinks].sort((a, b) => a - b)) {
    if (covered.has(i) || links[i].from.length === 0) continue;
    const before = links[i].from[0];
    if (!topology.motorisedLanes.has(before) || noDetector.has(before)) continue;
    uncontrolledLinks.push(i);
    lanes.add(before);
  }
  return { serving, uncontrolledPhases, uncontrolledLinks, uncontrolledLanes: [...lanes] };
}

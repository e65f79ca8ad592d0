/**
 * From the junction graph to a `RoadNetwork`: directed links (with names, road
 * class and shape points), movements (default turns, turn restrictions, turn-lane
 * masks) and the strongly connected parts kept.
 *
 * - Links: one per direction a segment allows, `w<way>#<k>` along the way's node
 *   order and `w<way>#<k>-r` against it; length along the geometry, raised to
 *   `minLinkLength` where shorter (counted).
 * - Movements: every entry to every exit its junction connects (through a joined
 *   cluster: every exit reachable over the cluster's internal segments), except
 *   U-turns, which are permitted only where an entry would otherwise have no exit
 *   (dead ends), so that no street becomes a trap.
 * - Turn restrictions (`type=restriction`, Relation:restriction): `no_*` removes
 *   the movements from the `from` way to the `to` way at the `via` node; `only_*`
 *   removes every other movement of the `from` way there. `restriction:motorcar`
 *   wins over `restriction`; `except=motorcar` and conditional restrictions are
 *   skipped; via ways are reported as unsupported.
 * - Turn lanes (`turn:lanes`): OSM lists lanes left to right; greenwave numbers
 *   them from the kerb (lane 0 = rightmost in right-hand traffic, leftmost in
 *   left-hand traffic). A movement is served by the lanes whose markings include
 *   its turn (left/slight/sharp left, through, right..., reverse; `none` and
 *   `merge_to_*` count as through); the turn is classified from the geometry
 *   within 20 m of the junction. A movement no lane marks gets the lane nearest
 *   its side, with a warning.
 * - Parts: the strongly connected components of the candidate link graph (turn
 *   restrictions included) are found with Tarjan's algorithm on the movement
 *   sets; the largest is kept with every other part of at least `components`
 *   links, and each part cut off from the largest is listed with its size,
 *   length and streets. Junctions left without links are dropped and counted.
 * - Saturation flow: capped by speed and jam spacing (`saturationFlowFor`).
 */
import { describeParts, linkComponents, reportParts } from './parts.js';
import type { ComponentPolicy, LinkRec, MovementSets } from './records.js';
import { roadClassPriority } from '../../network/labels.js';
import { RoadNetwork } from '../../network/road-network.js';
import { classifyTurn } from '../../network/turns.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, type DrivingSide, type TurnKind } from '../../network/types.js';
import type { ImportReport } from './report.js';
import type { TurnToken } from './tags.js';
import { reachableInGroup, type JunctionGroup, type Positions, type Segment } from './topology.js';

export type { ComponentPolicy, LinkRec, MovementSets } from './records.js';

/** A turn restriction relation, as read. */
export interface Restriction {
  id: number;
  value: string;
  from: number;
  via: number;
  to: number;
  where?: string;
}

/** Reaction time added to the time a queued vehicle needs to move up one jam spacing, s (see {@link saturationFlowFor}). */
export const START_UP_GAP = 1;

/**
 * Saturation flow per lane (veh/s) of an imported link of free-flow speed `speed`
 * (m/s): greenwave's default 1,800 veh/h, but never more than one vehicle per
 * (jamSpacing / speed + {@link START_UP_GAP}) seconds, the time a queued vehicle
 * needs to move up one jam spacing at that speed plus a reaction time. Below
 * about 27 km/h (living streets at 10 km/h, `maxspeed=walk`) that is lower than
 * 1,800 veh/h, and it always stays below speed / jam spacing, the most a lane can
 * carry at that speed, which the scenario check requires.
 */
export function saturationFlowFor(speed: number, jamSpacing = DEFAULT_JAM_SPACING): number {
  return Math.min(DEFAULT_SATURATION_FLOW, 1 / (jamSpacing / speed + START_UP_GAP));
}

/** Distance over which approach and exit headings are measured, m. */
const HEADING_SPAN = 20;

function heading(nodes: readonly number[], p: Positions, atEnd: boolean): [number, number] {
  const seq = atEnd ? [...nodes].reverse() : nodes;
  const x0 = p.x[seq[0]];
  const y0 = p.y[seq[0]];
  let dx = 0;
  let dy = 0;
  for (let i = 1; i < seq.length; i++) {
    dx = p.x[seq[i]] - x0;
    dy = p.y[seq[i]] - y0;
    if (Math.hypot(dx, dy) >= HEADING_SPAN) break;
  }
  const len = Math.hypot(dx, dy);
  if (len === 0) return [0, 0];
  // At the end we walked backwards: the arriving heading points from that point to the end.
  return atEnd ? [-dx / len, -dy / len] : [dx / len, dy / len];
}

/** Directed links of the live segments. */
export function directedLinks(
  segments: readonly Segment[],
  groupOf: Map<number, JunctionGroup>,
  positions: Positions,
  minLinkLength: number,
  report: ImportReport,
): LinkRec[] {
  const links: LinkRec[] = [];
  for (const s of segments) {
    if (!s.alive) continue;
    const a = s.nodes[0];
    const b = s.nodes[s.nodes.length - 1];
    const ga = groupOf.get(a) as JunctionGroup;
    const gb = groupOf.get(b) as JunctionGroup;
    let length = s.length;
    if (length < minLinkLength) {
      report.count('links lengthened to the minimum length', (s.fwd ? 1 : 0) + (s.bwd ? 1 : 0));
      length = minLinkLength;
    }
    const inner = s.nodes.slice(ga.members.length > 1 ? 0 : 1, gb.members.length > 1 ? s.nodes.length : s.nodes.length - 1);
    const shape = inner.map((v) => [positions.x[v], positions.y[v]] as [number, number]);
    const startH = heading(s.nodes, positions, false);
    const endH = heading(s.nodes, positions, true);
    // Objects of one shape (absent values as undefined): spreads of varying keys cost a hidden class each.
    const make = (forward: boolean): LinkRec => {
      const d = (forward ? s.fwd : s.bwd) as NonNullable<Segment['fwd']>;
      const rec = {
        id: forward ? `w${s.key}` : `w${s.key}-r`,
        from: forward ? ga : gb,
        to: forward ? gb : ga,
        startNode: forward ? a : b,
        endNode: forward ? b : a,
        length,
        geometryLength: s.length,
        lanes: d.lanes,
        speed: d.speed,
        cls: s.cls,
        name: s.name,
        names: s.names,
        roundabout: s.roundabout,
        shape: forward ? shape : [...shape].reverse(),
        turnLanes: d.turnLanes,
        firstWay: forward ? s.firstWay : s.lastWay,
        lastWay: forward ? s.lastWay : s.firstWay,
        outHeading: forward ? startH : ([-endH[0], -endH[1]] as [number, number]),
        inHeading: forward ? endH : ([-startH[0], -startH[1]] as [number, number]),
      };
      return rec as LinkRec;
    };
    if (s.fwd) links.push(make(true));
    if (s.bwd) links.push(make(false));
  }
  return links;
}

/**
 * Default movements: every reachable exit except U-turns, U-turns only where
 * nothing else is possible. `uturns[i]` receives the U-turn exits of link i
 * that were left out (for {@link buildNetwork}'s reconnection step).
 */
export function defaultMovements(links: readonly LinkRec[], uturnsLeftOut: Array<[number, number]>): MovementSets {
  const outs = new Map<JunctionGroup, number[]>();
  links.forEach((l, i) => {
    const list = outs.get(l.from);
    if (list) list.push(i);
    else outs.set(l.from, [i]);
  });
  return links.map((l, i) => {
    const set = new Set<number>();
    const exits = outs.get(l.to) ?? [];
    const reach = l.to.members.length > 1 ? reachableInGroup(l.to, l.endNode) : null;
    const uturns: number[] = [];
    for (const o of exits) {
      const out = links[o];
      if (reach && !reach.has(out.startNode)) continue;
      if (out.to === l.from) uturns.push(o);
      else set.add(o);
    }
    if (set.size === 0) for (const o of uturns) set.add(o);
    else for (const o of uturns) uturnsLeftOut.push([i, o]);
    return set;
  });
}

const RESTRICTIONS = new Set([
  'no_left_turn', 'no_right_turn', 'no_straight_on', 'no_u_turn', 'no_entry', 'no_exit',
  'only_left_turn', 'only_right_turn', 'only_straight_on', 'only_u_turn',
]);

/** Whether a restriction value is one the importer applies. */
export function isRestrictionValue(value: string): boolean {
  return RESTRICTIONS.has(value);
}

/** Apply turn restrictions to the movement sets. */
export function applyRestrictions(
  links: readonly LinkRec[],
  moves: MovementSets,
  restrictions: readonly Restriction[],
  groupOfNode: (osmNode: number) => JunctionGroup | undefined,
  report: ImportReport,
  banned: Set<string>,
): void {
  const inByGroup = new Map<JunctionGroup, number[]>();
  const outByGroup = new Map<JunctionGroup, number[]>();
  links.forEach((l, i) => {
    for (const [map, g] of [[inByGroup, l.to], [outByGroup, l.from]] as const) {
      const list = map.get(g);
      if (list) list.push(i);
      else map.set(g, [i]);
    }
  });
  for (const r of restrictions) {
    const element = `relation ${r.id}`;
    const group = groupOfNode(r.via);
    if (!group) {
      report.warn('restriction', `restriction ${r.value}: its via node ${r.via} is not on the kept road network: ignored`, element, r.where);
      report.count('restrictions: not on the kept network');
      continue;
    }
    const ins = (inByGroup.get(group) ?? []).filter((i) => links[i].lastWay === r.from);
    const outs = (outByGroup.get(group) ?? []).filter((o) => links[o].firstWay === r.to);
    if (ins.length === 0 || outs.length === 0) {
      report.warn('restriction', `restriction ${r.value}: no ${ins.length === 0 ? `link of from-way ${r.from} arrives` : `link of to-way ${r.to} leaves`} at via node ${r.via}: ignored`, element, r.where);
      report.count('restrictions: not on the kept network');
      continue;
    }
    const only = r.value.startsWith('only_');
    for (const i of ins) {
      if (only) {
        for (const o of [...moves[i]]) {
          if (outs.includes(o)) continue;
          moves[i].delete(o);
          banned.add(`${i}>${o}`);
        }
        for (const o of outs) moves[i].add(o);
        for (const o of outByGroup.get(group) ?? []) if (!outs.includes(o)) banned.add(`${i}>${o}`);
      } else {
        for (const o of outs) {
          moves[i].delete(o);
          banned.add(`${i}>${o}`);
        }
      }
    }
    report.count('restrictions: applied');
  }
}

/** The turn kind a turn-lane token marks. */
function tokenTurn(t: TurnToken): TurnKind {
  switch (t) {
    case 'left':
    case 'slight_left':
    case 'sharp_left':
      return 'left';
    case 'right':
    case 'slight_right':
    case 'sharp_right':
      return 'right';
    case 'reverse':
      return 'uturn';
    default:
      return 'straight';
  }
}

/** Geometric turn kind of a movement, from the headings near the junction. */
export function movementTurn(a: LinkRec, b: LinkRec): TurnKind {
  return classifyTurn(a.inHeading[0], a.inHeading[1], b.outHeading[0], b.outHeading[1], b.to === a.from);
}

/**
 * Lanes (kerb-side numbering) serving each movement of approach `a`, from its
 * turn lanes; undefined when the link has no turn lanes.
 */
export function turnLaneMasks(
  a: LinkRec,
  exits: readonly number[],
  links: readonly LinkRec[],
  side: DrivingSide,
  report: ImportReport,
): Map<number, number[]> | undefined {
  const marks = a.turnLanes;
  if (!marks) return undefined;
  const n = marks.length;
  // OSM index i (left to right) -> greenwave lane (0 = kerb side).
  const gw = (i: number): number => (side === 'right' ? n - 1 - i : i);
  const result = new Map<number, number[]>();
  for (const o of exits) {
    const turn = movementTurn(a, links[o]);
    const lanes: number[] = [];
    marks.forEach((tokens, i) => {
      if (tokens.some((t) => tokenTurn(t) === turn)) lanes.push(gw(i));
    });
    if (lanes.length === 0) {
      // No marking for this turn: the lane nearest its side (U-turns from the far side).
      const farLeft = turn === 'left' || (turn === 'uturn' && side === 'right');
      const osmLane = turn === 'straight' ? Math.floor((n - 1) / 2) : farLeft ? 0 : n - 1;
      lanes.push(gw(osmLane));
      report.warn('turn:lanes', `turn:lanes of link "${a.id}" mark no lane for its ${turn} turn to "${links[o].id}": served from lane ${gw(osmLane)} (0 = kerb side)`, a.id);
      report.count('turn lanes: unmarked movement given the nearest lane');
    }
    result.set(o, lanes.sort((p, q) => p - q));
  }
  report.count('turn lanes: approaches with lane markings');
  return result;
}

/** A junction id for a group. */
export function junctionId(group: JunctionGroup, osmIds: ArrayLike<number>): string {
  return `n${osmIds[group.node]}`;
}


/** What {@link buildNetwork} needs about each junction. */
export interface JunctionInfo {
  x: number;
  y: number;
  lon: number;
  lat: number;
  signal: boolean;
}

/**
 * Build the `RoadNetwork` of the given links and movements, keeping the strongly
 * connected parts of the link graph that `components` says, and listing every part
 * cut off from the largest (kept or dropped) as a warning with its size and streets.
 */
export function buildNetwork(
  links: readonly LinkRec[],
  moves: MovementSets,
  lanesOf: Array<Map<number, number[]> | undefined>,
  junction: (g: JunctionGroup) => JunctionInfo & { id: string },
  side: DrivingSide,
  components: ComponentPolicy,
  report: ImportReport,
  uturnCandidates: ReadonlyArray<[number, number]> = [],
  banned: ReadonlySet<string> = new Set(),
): { network: RoadNetwork; keptLinks: boolean[] } {
  const assemble = (keep: (i: number) => boolean): RoadNetwork => {
    const net = new RoadNetwork({ drivingSide: side });
    const seen = new Set<JunctionGroup>();
    const neighbours = new Map<JunctionGroup, Set<JunctionGroup>>();
    links.forEach((l, i) => {
      if (!keep(i)) return;
      for (const [g, other] of [[l.from, l.to], [l.to, l.from]] as const) {
        const set = neighbours.get(g) ?? new Set();
        set.add(other);
        neighbours.set(g, set);
      }
    });
    const addJunction = (g: JunctionGroup): void => {
      if (seen.has(g)) return;
      seen.add(g);
      const info = junction(g);
      const arms = neighbours.get(g)?.size ?? 0;
      net.addJunction({
        id: info.id, x: info.x, y: info.y, lon: info.lon, lat: info.lat,
        control: info.signal ? 'signal' : arms >= 3 ? 'priority' : 'uncontrolled',
      });
    };
    links.forEach((l, i) => {
      if (!keep(i)) return;
      addJunction(l.from);
      addJunction(l.to);
      const saturationFlow = saturationFlowFor(l.speed);
      net.addLink({
        id: l.id, from: junction(l.from).id, to: junction(l.to).id, length: l.length, lanes: l.lanes, speed: l.speed,
        ...(saturationFlow < DEFAULT_SATURATION_FLOW ? { saturationFlow } : {}),
        roadClass: l.cls,
        priority: roadClassPriority(l.cls),
        ...(l.name !== undefined ? { name: l.name } : {}),
        ...(l.names !== undefined ? { names: l.names } : {}),
        ...(l.shape.length > 0 ? { shape: l.shape } : {}),
      });
    });
    links.forEach((l, i) => {
      if (!keep(i)) return;
      for (const o of moves[i]) {
        if (!keep(o)) continue;
        const lanes = lanesOf[i]?.get(o);
        net.addMovement({ from: l.id, to: links[o].id, ...(lanes ? { lanes } : {}) });
      }
    });
    return net;
  };

  if (components === 'all' || links.length === 0) return { network: assemble(() => true), keptLinks: links.map(() => true) };
  let { component, count, largest, largestSize } = linkComponents(links.length, moves);
  // Reconnect: a link outside the largest component may turn back where a U-turn was left out (a street whose
  // only other exits are traps, a stub cut by the bounding box); permit those U-turns and look again.
  let added = 0;
  for (const [i, o] of uturnCandidates) {
    if (component[i] === largest || banned.has(`${i}>${o}`) || moves[i].has(o)) continue;
    moves[i].add(o);
    added++;
  }
  if (added > 0) {
    report.count('U-turns permitted to reconnect links', added);
    ({ component, count, largest, largestSize } = linkComponents(links.length, moves));
  }
  if (largestSize <= 1) {
    report.warn('network', 'the link graph has no cycle (no trip can come back): nothing dropped as disconnected');
    return { network: assemble(() => true), keptLinks: links.map(() => true) };
  }
  const parts = describeParts(links, component, count);
  const minLinks = components === 'largest' ? Infinity : components;
  const keepPart = (c: number): boolean => c === largest || parts[c].links >= minLinks;
  const keptLinks = links.map((_, i) => keepPart(component[i]));
  reportParts(parts, largest, keepPart, components, report);
  report.count('strongly connected components (parts)', count);
  const dropped = keptLinks.filter((k) => !k).length;
  const network = assemble((i) => keptLinks[i]);
  if (dropped > 0) {
    const junctions = new Set<JunctionGroup>();
    for (const l of links) junctions.add(l.from).add(l.to);
    report.count('dropped: links of small cut-off parts', dropped);
    report.count('dropped: junctions of small cut-off parts', junctions.size - network.junctionCount);
  }
  return { network, keptLinks };
}


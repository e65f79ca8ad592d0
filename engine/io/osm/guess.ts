/**
 * Guessing where the signals are when the data does not say (Macau's OSM data
 * tags none): a rule on road class, legs, lanes and turn arrows, applied to the
 * junctions of the imported graph (joined clusters count as one junction).
 *
 * The rule (measured against extracts that do tag their signals: see the README):
 *
 * 1. Legs: the roads that meet at a junction are grouped into legs by the
 *    direction they leave it in (within {@link LEG_ANGLE} degrees), so the two
 *    carriageways of a divided road are one leg.
 * 2. A leg is major when one of its roads is `trunk`, `primary` or `secondary`
 *    (or their `_link`s), or a `tertiary` road with two or more lanes in a
 *    direction or with turn arrows (`turn:lanes`) marking a separate left or
 *    right turn lane: roads built to carry queues.
 * 3. A junction is signalised when it has at least three legs, at least two of
 *    them major, and a third leg that is major or at least a `tertiary` or
 *    `unclassified` road (a major road meeting a road that carries through
 *    traffic, not a residential side street). Roundabouts and junctions with a
 *    motorway (not its ramps) are never signalised.
 * 4. Clusters: guessed junctions linked by a road shorter than
 *    {@link CLUSTER_DISTANCE} metres are one intersection in reality (the
 *    carriageways of two divided roads cross in four junctions); only its
 *    strongest member (most major legs, then most legs, then the lowest node)
 *    gets the signal, so one signal controls the intersection.
 */
import type { LinkRec } from './build.js';
import type { JunctionGroup } from './topology.js';

/** Roads within this angle of each other leave a junction as one leg, degrees. */
export const LEG_ANGLE = 35;
/** Guessed junctions closer than this along a road are one intersection, m. */
export const CLUSTER_DISTANCE = 40;

const MAJOR = new Set(['trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link']);
const MEDIUM = new Set(['tertiary', 'tertiary_link', 'unclassified']);

/** Whether a road makes its leg major (rule 2). */
function isMajor(l: LinkRec): boolean {
  if (MAJOR.has(l.cls)) return true;
  if (l.cls !== 'tertiary') return false;
  if (l.lanes >= 2) return true;
  return (l.turnLanes ?? []).some((tokens) => tokens.every((t) => t !== 'through' && t !== 'none') && tokens.length > 0);
}

interface Leg {
  /** Unit direction away from the junction. */
  dx: number;
  dy: number;
  major: boolean;
  /** A tertiary or unclassified road (or better) is part of it. */
  medium: boolean;
  names: Set<string>;
}

/** What the rule found at a junction. */
export interface JunctionLegs {
  legs: number;
  major: number;
}

/** Legs of every junction (rule 1) and how many are major (rule 2), with the junctions excluded by rule 3. */
function legsOf(links: readonly LinkRec[]): { legs: Map<JunctionGroup, Leg[]>; excluded: Set<JunctionGroup> } {
  const legs = new Map<JunctionGroup, Leg[]>();
  const excluded = new Set<JunctionGroup>();
  const cos = Math.cos((LEG_ANGLE * Math.PI) / 180);
  const add = (g: JunctionGroup, dx: number, dy: number, l: LinkRec): void => {
    if (l.roundabout || l.cls === 'motorway') excluded.add(g);
    let list = legs.get(g);
    if (!list) legs.set(g, (list = []));
    const major = isMajor(l);
    const medium = major || MEDIUM.has(l.cls);
    for (const leg of list) {
      if (leg.dx * dx + leg.dy * dy >= cos) {
        leg.major ||= major;
        leg.medium ||= medium;
        if (l.name !== undefined) leg.names.add(l.name);
        return;
      }
    }
    list.push({ dx, dy, major, medium, names: new Set(l.name === undefined ? [] : [l.name]) });
  };
  for (const l of links) {
    add(l.from, l.outHeading[0], l.outHeading[1], l);
    add(l.to, -l.inHeading[0], -l.inHeading[1], l);
  }
  return { legs, excluded };
}

/** Rule 3 on one junction's legs. */
function qualifies(list: readonly Leg[]): boolean {
  if (list.length < 3) return false;
  const major = list.filter((l) => l.major).length;
  const medium = list.filter((l) => l.medium).length;
  return major >= 2 && medium >= 3;
}

/**
 * Junctions the rule signalises (see the module header), one per intersection.
 * `links` are every directed link candidate of the import.
 */
export function guessSignals(links: readonly LinkRec[]): { junctions: Set<JunctionGroup>; candidates: number; clustered: number } {
  const { legs, excluded } = legsOf(links);
  const chosen = new Map<JunctionGroup, { legs: number; major: number }>();
  for (const [g, list] of legs) {
    if (excluded.has(g) || !qualifies(list)) continue;
    chosen.set(g, { legs: list.length, major: list.filter((l) => l.major).length });
  }
  // Rule 4: clusters of guessed junctions joined by short roads keep their strongest member.
  const parent = new Map<JunctionGroup, JunctionGroup>();
  const find = (g: JunctionGroup): JunctionGroup => {
    let r = g;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r) as JunctionGroup;
    return r;
  };
  for (const g of chosen.keys()) parent.set(g, g);
  for (const l of links) {
    if (l.length >= CLUSTER_DISTANCE || !chosen.has(l.from) || !chosen.has(l.to)) continue;
    const a = find(l.from);
    const b = find(l.to);
    if (a !== b) parent.set(b, a);
  }
  const best = new Map<JunctionGroup, JunctionGroup>();
  const stronger = (p: JunctionGroup, q: JunctionGroup): boolean => {
    const a = chosen.get(p) as JunctionLegs;
    const b = chosen.get(q) as JunctionLegs;
    return a.major !== b.major ? a.major > b.major : a.legs !== b.legs ? a.legs > b.legs : p.node < q.node;
  };
  for (const g of chosen.keys()) {
    const root = find(g);
    const current = best.get(root);
    if (current === undefined || stronger(g, current)) best.set(root, g);
  }
  const junctions = new Set(best.values());
  return { junctions, candidates: chosen.size, clustered: chosen.size - junctions.size };
}

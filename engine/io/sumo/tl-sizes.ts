/**
 * The number of links each traffic light of a SUMO network controls, read from
 * the network's `<connection tl=".." linkIndex="..">` elements (and
 * `linkIndex2`): a program written for that network must have state strings of
 * exactly this length (SUMO: "Mismatching phase size in tls ..."). greenwave's
 * `signalIndex` only knows the links of the movements it imported (no
 * pedestrian crossings, no lanes of other vehicle classes), so a plan written
 * onto the original network takes its lengths from here.
 *
 * Also the links the network's programs show "green after stopping" (`s`, right
 * turn on red) and never plain permissive green (`g`): greenwave reads `s` as a
 * permissive green (it yields, see programs.ts), so a plan written back shows
 * those links `s` wherever it shows them permissive, as the user's program did
 * (written `g`, SUMO's vehicles would turn without stopping, a gain the plan
 * did not earn: 1.5 s of mean time loss on RESCO's grid4x4).
 */
import { InputError } from '../../errors.js';
import { shortName } from '../files.js';
import { readXml } from '../xml.js';
import type { TlLink, TlTopology } from './detector-check.js';

/** What {@link readTlLinks} reads: per traffic-light id, its link count and its stop-then-go links. */
export interface TlLinks {
  /** 1 + the largest link index any connection of the network gives the traffic light. */
  counts: Map<string, number>;
  /** Link indices some phase of the traffic light's programs shows `s` and none shows `g`. */
  stopLinks: Map<string, Set<number>>;
  /** Per traffic light, the lanes of its links: where SUMO puts an actuated program's loops (detector-check.ts). */
  topology: Map<string, TlTopology>;
}

/** SUMO 1.15's vehicle classes (SVCAll), for lane permissions given as `disallow`. */
const VEHICLE_CLASSES = [
  'private', 'emergency', 'authority', 'army', 'vip', 'pedestrian', 'passenger', 'hov', 'taxi', 'bus', 'coach', 'delivery', 'truck', 'trailer',
  'motorcycle', 'moped', 'bicycle', 'evehicle', 'tram', 'rail_urban', 'rail', 'rail_electric', 'rail_fast', 'ship', 'custom1', 'custom2',
];

/** The classes a lane's `allow` / `disallow` admit (SUMO: both absent admit every class). */
function permitted(allow: string | undefined, disallow: string | undefined): Set<string> {
  const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');
  if (allow !== undefined) {
    const given = words(allow);
    return new Set(given.includes('all') ? VEHICLE_CLASSES : given);
  }
  const banned = new Set(words(disallow ?? ''));
  return new Set(banned.has('all') ? [] : VEHICLE_CLASSES.filter((c) => !banned.has(c)));
}

/**
 * Per traffic light, the link indices some phase of its programs (`logics`: id
 * and the phases' state strings, several programs of one id together) shows `s`
 * and none shows `g`: the links a plan writes `s` where it shows them permissive,
 * and the movements the importer makes stops at the signal (network.ts).
 */
export function stopLinksOf(logics: Iterable<{ id: string; states: readonly string[] }>): Map<string, Set<number>> {
  const stops = new Map<string, Set<number>>();
  const permissive = new Map<string, Set<number>>();
  for (const { id, states } of logics) {
    for (const state of states) {
      for (let i = 0; i < state.length; i++) {
        const into = state[i] === 's' ? stops : state[i] === 'g' ? permissive : undefined;
        if (into === undefined) continue;
        const set = into.get(id) ?? new Set<number>();
        set.add(i);
        into.set(id, set);
      }
    }
  }
  const out = new Map<string, Set<number>>();
  for (const [id, set] of stops) {
    const never = [...set].filter((i) => !(permissive.get(id)?.has(i) ?? false));
    if (never.length > 0) out.set(id, new Set(never));
  }
  return out;
}

/**
 * The traffic lights' link counts and stop-then-go links of a SUMO network, in
 * one pass. Rejects with `InputError` for a file whose root is not `<net>`,
 * malformed XML or a link index that is not a whole number >= 0.
 */
export async function readTlLinks(netFile: string): Promise<TlLinks> {
  const counts = new Map<string, number>();
  const logics: Array<{ id: string; states: string[] }> = [];
  const vehicleLanes = new Set<string>();
  const motorisedLanes = new Set<string>();
  /** Motorised lanes per edge. */
  const motorised = new Map<string, number>();
  const edgeOfLane = new Map<string, string>();
  const connections = new Map<string, Array<{ index: number; from: string; to: string; turnaround: boolean }>>();
  let edge = '';
  await readXml(netFile, {
    open(element) {
      if (element.parents.length === 0) {
        if (element.name !== 'net') throw new InputError(`${shortName(netFile)}:${element.line}`, `not a SUMO network: the root element is <${element.name}>, expected <net>`);
        return;
      }
      if (element.name === 'edge' && element.parents.length === 1) {
        edge = element.attributes.id ?? '';
        return;
      }
      if (element.name === 'lane' && element.parents.length === 2 && element.parents[1] === 'edge') {
        const id = element.attributes.id ?? '';
        const classes = permitted(element.attributes.allow, element.attributes.disallow);
        // SUMO's noVehicles: a lane nothing may use, or a sidewalk (pedestrians only).
        if (classes.size > 0 && !(classes.size === 1 && classes.has('pedestrian'))) vehicleLanes.add(id);
        if ([...classes].some((c) => c !== 'pedestrian' && c !== 'bicycle')) {
          motorisedLanes.add(id);
          motorised.set(edge, (motorised.get(edge) ?? 0) + 1);
        }
        edgeOfLane.set(id, edge);
        return;
      }
      if (element.name === 'tlLogic' && element.parents.length === 1) {
        logics.push({ id: element.attributes.id ?? '', states: [] });
        return;
      }
      if (element.name === 'phase' && element.parents.length === 2 && logics.length > 0) {
        logics[logics.length - 1].states.push(element.attributes.state ?? '');
        return;
      }
      if (element.name !== 'connection' || element.parents.length !== 1) return;
      const light = element.attributes.tl;
      if (light === undefined) return;
      for (const key of ['linkIndex', 'linkIndex2'] as const) {
        const text = element.attributes[key];
        if (text === undefined) continue;
        const index = Number(text);
        if (!Number.isInteger(index) || index < -1) throw new InputError(`${shortName(netFile)}:${element.line}`, `connection of traffic light "${light}": ${key} must be a whole number >= 0, got ${JSON.stringify(text)}`);
        counts.set(light, Math.max(counts.get(light) ?? 0, index + 1));
        if (index < 0) continue;
        const { from, fromLane, to, toLane, dir } = element.attributes;
        const list = connections.get(light) ?? [];
        list.push({ index, from: `${from}_${fromLane}`, to: `${to}_${toLane}`, turnaround: dir === 't' });
        connections.set(light, list);
      }
    },
  });
  const topology = new Map<string, TlTopology>();
  for (const [light, list] of connections) {
    const links: TlLink[] = Array.from({ length: counts.get(light) ?? 0 }, () => ({ from: [], to: [], turnaround: true, oneLane: false }));
    for (const c of list) {
      const link = links[c.index];
      if (!link.from.includes(c.from)) link.from.push(c.from);
      if (!link.to.includes(c.to)) link.to.push(c.to);
      link.turnaround &&= c.turnaround;
      link.oneLane ||= motorised.get(edgeOfLane.get(c.from) ?? '') === 1;
    }
    for (const link of links) if (link.from.length === 0) link.turnaround = false;
    topology.set(light, { links, vehicleLanes, motorisedLanes });
  }
  return { counts, stopLinks: stopLinksOf(logics), topology };
}

/** Per traffic-light id, 1 + the largest link index any connection of the network gives it (see {@link readTlLinks}). */
export async function readTlLinkCounts(netFile: string): Promise<Map<string, number>> {
  return (await readTlLinks(netFile)).counts;
}

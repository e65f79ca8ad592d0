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

/** What {@link readTlLinks} reads: per traffic-light id, its link count and its stop-then-go links. */
export interface TlLinks {
  /** 1 + the largest link index any connection of the network gives the traffic light. */
  counts: Map<string, number>;
  /** Link indices some phase of the traffic light's programs shows `s` and none shows `g`. */
  stopLinks: Map<string, Set<number>>;
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
  await readXml(netFile, {
    open(element) {
      if (element.parents.length === 0) {
        if (element.name !== 'net') throw new InputError(`${shortName(netFile)}:${element.line}`, `not a SUMO network: the root element is <${element.name}>, expected <net>`);
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
      }
    },
  });
  return { counts, stopLinks: stopLinksOf(logics) };
}

/** Per traffic-light id, 1 + the largest link index any connection of the network gives it (see {@link readTlLinks}). */
export async function readTlLinkCounts(netFile: string): Promise<Map<string, number>> {
  return (await readTlLinks(netFile)).counts;
}

/**
 * A greenwave network as SUMO "plain XML" (`.nod.xml`, `.edg.xml`, `.con.xml`,
 * `.tll.xml`), the input of `netconvert`, which builds what a complete SUMO
 * network needs and greenwave does not model: junction shapes, internal lanes
 * and the right-of-way matrix (SUMO docs, Networks/PlainXML). Build it with
 *
 *     netconvert --node-files network.nod.xml --edge-files network.edg.xml \
 *       --connection-files network.con.xml --tllogic-files network.tll.xml --no-turnarounds \
 *       --output-file network.net.xml
 *
 * (`--lefthand` is added for left-hand networks: {@link netconvertCommand}).
 *
 * - Nodes: signalised junctions are `traffic_light` nodes (the traffic light has
 *   the junction's id), the others `priority` (netconvert gives way by road
 *   importance; greenwave's uncontrolled junctions have no yielding rule SUMO
 *   can express without collisions, so they get the same).
 * - Ids: SUMO refuses ids with any of `<>&|\'";` or white space (netconvert:
 *   "Invalid edge id"), so those characters become `_` (greenwave's generators
 *   name links `r0c0>r0c1`: SUMO edge `r0c0_r0c1`); a clash after that gets
 *   `#2`, `#3`, ... appended. {@link sumoIds} gives the mapping.
 * - Edges: the links with their lanes and speed, straight between their
 *   junctions, with `length` set to greenwave's link length so travel distances
 *   agree whatever netconvert does to the geometry.
 * - Connections: one per approach lane of each movement, to the same lane index
 *   of the exit (or its last lane), so SUMO builds exactly greenwave's movements
 *   and no others (netconvert guesses connections only for edges without any).
 * - Traffic lights: each signal's program (the given one, else greenwave's
 *   default) as `tlLogic` programID `0`, and every signalised connection with
 *   its `tl` and `linkIndex` as {@link sumoSignalIndex} numbers them, so a plan
 *   written by `tlLogicXml(programs, network)` loads onto the built network.
 */
import { UsageError } from '../../errors.js';
import { compile } from '../../network/compile.js';
import { CompiledNetwork, CONTROL_CODE } from '../../network/compiled.js';
import type { RoadNetwork } from '../../network/road-network.js';
import type { DrivingSide } from '../../network/types.js';
import { defaultProgram, programToSpec, type SignalProgramSpec } from '../../signals/program.js';
import { escapeXml } from '../xml.js';
import type { TlLink, TlTopology } from './detector-check.js';
import { sumoSignalIndex, tlLogicElements } from './export.js';
import { approaches, viewOf } from './net-view.js';

/** The four plain-XML files of a network, as text. */
export interface SumoPlainXml {
  /** `.nod.xml` */
  nodes: string;
  /** `.edg.xml` */
  edges: string;
  /** `.con.xml` */
  connections: string;
  /** `.tll.xml` */
  trafficLights: string;
}

/** Options of {@link sumoPlainXml}. */
export interface SumoPlainXmlOptions {
  /** Programs of the signals (others get greenwave's default program). */
  programs?: readonly SignalProgramSpec[];
}

const HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- written by greenwave: build the SUMO network with netconvert (see README, "SUMO round trip") -->';

function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

const INVALID = /[\s<>&|\\'";]/g;

/** SUMO ids for a network's junctions and links (greenwave id -> SUMO id); see the module header. */
export function sumoIds(net: RoadNetwork | CompiledNetwork): { junctions: Map<string, string>; links: Map<string, string> } {
  const view = viewOf(net);
  const map = (ids: string[]): Map<string, string> => {
    const out = new Map<string, string>();
    const used = new Set<string>();
    for (const id of ids) {
      const base = id.replace(INVALID, '_') || '_';
      let candidate = base;
      for (let k = 2; used.has(candidate); k++) candidate = `${base}#${k}`;
      used.add(candidate);
      out.set(id, candidate);
    }
    return out;
  };
  return { junctions: map(view.junctions.map((j) => j.id)), links: map(view.links.map((l) => l.id)) };
}

/**
 * SUMO link indices of the network netconvert builds from {@link sumoPlainXml}:
 * {@link sumoSignalIndex} with each traffic light named by its SUMO junction id.
 * Pass it to `tlLogicXml(programs, net, plainSignalIndex(net))` to write a plan
 * for that network.
 */
export function plainSignalIndex(net: RoadNetwork | CompiledNetwork): ReturnType<typeof sumoSignalIndex> {
  const ids = sumoIds(net);
  const index = sumoSignalIndex(net);
  for (const [junction, entry] of Object.entries(index)) entry.controller = ids.junctions.get(junction) ?? junction;
  return index;
}

/**
 * The lanes of each traffic light's links in the network netconvert builds from
 * {@link sumoPlainXml} (the connections it writes, lane to lane, and the link
 * indices of {@link plainSignalIndex}), for `tlLogicXml`'s `topology`: so an
 * actuated plan written for that network follows SUMO's loop rule too. Every
 * lane there is a motorised vehicle lane.
 */
export function plainTopology(net: RoadNetwork | CompiledNetwork): Map<string, TlTopology> {
  const view = viewOf(net);
  const ids = sumoIds(net);
  const into = approaches(view);
  const signalIndex = plainSignalIndex(net);
  const lanesOf = new Map(view.links.map((l) => [l.id, l.lanes]));
  const out = new Map<string, TlTopology>();
  const lanes = new Set<string>();
  for (const l of view.links) for (let i = 0; i < l.lanes; i++) lanes.add(`${ids.links.get(l.id) ?? l.id}_${i}`);
  for (const j of view.junctions) {
    const entry = signalIndex[j.id];
    if (entry === undefined) continue;
    const links: TlLink[] = [];
    for (const l of into.get(j.id) ?? []) {
      const from = view.links[l].id;
      for (const m of view.movements[l]) {
        const indices = entry.links[`${from}>${m.to}`] ?? [];
        const toLanes = lanesOf.get(m.to) ?? 1;
        m.lanes.forEach((lane, k) => {
          links[indices[k]] = {
            from: [`${ids.links.get(from) ?? from}_${lane}`],
            to: [`${ids.links.get(m.to) ?? m.to}_${Math.min(lane, toLanes - 1)}`],
            turnaround: m.turn === 'uturn',
            oneLane: view.links[l].lanes === 1,
          };
        });
      }
    }
    out.set(entry.controller, { links, vehicleLanes: lanes, motorisedLanes: lanes });
  }
  return out;
}

/** The netconvert command that builds `<base>.net.xml` from the files {@link sumoPlainXml} writes as `<base>.nod.xml` etc. */
export function netconvertCommand(base: string, side: DrivingSide): string {
  return `netconvert --node-files ${base}.nod.xml --edge-files ${base}.edg.xml --connection-files ${base}.con.xml --tllogic-files ${base}.tll.xml --no-turnarounds${side === 'left' ? ' --lefthand' : ''} --output-file ${base}.net.xml`;
}

/** `net` as SUMO plain XML for netconvert; see the module header. Throws `UsageError` for a program at a junction that is not a signal. */
export function sumoPlainXml(net: RoadNetwork | CompiledNetwork, options: SumoPlainXmlOptions = {}): SumoPlainXml {
  const view = viewOf(net);
  const compiled = net instanceof CompiledNetwork ? net : compile(net, { shared: false });
  const signalIndex = plainSignalIndex(compiled);
  const given = new Map((options.programs ?? []).map((p) => [p.junction, p]));
  for (const id of given.keys()) if (!signalIndex[id]) throw new UsageError(`sumoPlainXml: program for junction "${id}", which is not a signal`);
  const programs: SignalProgramSpec[] = [];
  for (let j = 0; j < compiled.junctionCount; j++) {
    if (compiled.junctionControl[j] !== CONTROL_CODE.signal) continue;
    const id = compiled.junctionKey(j);
    programs.push(given.get(id) ?? programToSpec(compiled, defaultProgram(compiled, j)));
  }

  const ids = sumoIds(net);
  const jid = (id: string): string => escapeXml(ids.junctions.get(id) ?? id);
  const lid = (id: string): string => escapeXml(ids.links.get(id) ?? id);
  const nodes = [HEADER, '<nodes>'];
  for (const j of view.junctions) {
    const type = j.control === 'signal' ? ` type="traffic_light" tl="${jid(j.id)}"` : ' type="priority"';
    nodes.push(`    <node id="${jid(j.id)}" x="${num(j.x)}" y="${num(j.y)}"${type}/>`);
  }
  nodes.push('</nodes>', '');

  const edges = [HEADER, '<edges>'];
  for (const l of view.links) {
    const name = l.name === undefined ? '' : ` name="${escapeXml(l.name)}"`;
    edges.push(`    <edge id="${lid(l.id)}" from="${jid(l.from)}" to="${jid(l.to)}" numLanes="${l.lanes}" speed="${num(l.speed)}" length="${num(l.length)}"${name}/>`);
  }
  edges.push('</edges>', '');

  const into = approaches(view);
  const lanesOf = new Map(view.links.map((l) => [l.id, l.lanes]));
  const connections = [HEADER, '<connections>'];
  const tlConnections: string[] = [];
  for (const j of view.junctions) {
    for (const l of into.get(j.id) ?? []) {
      const from = view.links[l].id;
      for (const m of view.movements[l]) {
        const toLanes = lanesOf.get(m.to) ?? 1;
        const indices = signalIndex[j.id]?.links[`${from}>${m.to}`];
        m.lanes.forEach((lane, k) => {
          const where = `from="${lid(from)}" to="${lid(m.to)}" fromLane="${lane}" toLane="${Math.min(lane, toLanes - 1)}"`;
          connections.push(`    <connection ${where}/>`);
          if (indices) tlConnections.push(`    <connection ${where} tl="${jid(j.id)}" linkIndex="${indices[k]}"/>`);
        });
      }
    }
  }
  connections.push('</connections>', '');

  const trafficLights = [HEADER, '<tlLogics>', ...tlLogicElements(programs, signalIndex, '0'), ...tlConnections, '</tlLogics>', ''];
  return { nodes: nodes.join('\n'), edges: edges.join('\n'), connections: connections.join('\n'), trafficLights: trafficLights.join('\n') };
}

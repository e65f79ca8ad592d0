/**
 * A greenwave `RoadNetwork` from the records of a SUMO network file.
 *
 * - Junctions keep their id and planar coordinates; SUMO junction types map to
 *   controls: `traffic_light*` -> `signal`; `priority`, `priority_stop`,
 *   `right_before_left`, `left_before_right`, `allway_stop`, `zipper` ->
 *   `priority` (greenwave has one priority rule: a major road, minor roads yield);
 *   SUMO's right of way is kept: each edge's `priority` becomes the link's rank, and
 *   at unsignalised junctions each connection's `state` (M major; m minor; s stop) the
 *   movement's `rightOfWay` (other states, such as `=` and `w`, leave greenwave's rule);
 *   everything else (`unregulated`, `dead_end`, rail, districts) -> `uncontrolled`.
 * - Each normal edge with at least one lane open to the chosen vehicle class
 *   (default `passenger`) becomes a link with the same id. Its lanes are those
 *   open lanes, renumbered from the kerb (SUMO's lane 0 is the outermost lane on
 *   either driving side, as greenwave's lane 0 is). Length is the mean length of
 *   those lanes, speed their highest speed limit.
 * - SUMO draws a junction as an area crossed on internal lanes; a greenwave link
 *   runs up to the next junction's centre. So by default (`junctionCrossing`) each
 *   link is extended by the mean length of its connections' internal paths, and
 *   its speed set so that the free-flow time is the edge's plus the crossing's at
 *   the internal lanes' (lower, for turns) speed limits. Without internal lanes
 *   (`--no-internal-links` nets) nothing is added. Turns cross differently (a
 *   right turn short, a left long and slow), and SUMO's routing counts each
 *   connection's own internal lanes, so each movement keeps the difference as
 *   its `timeOffset`: its connections' mean crossing time (internal lanes'
 *   length / speed, averaged over its lane pairs) minus the link's mean. Link
 *   free-flow time plus offset is then the edge's time plus the movement's own
 *   crossing, exactly.
 * - Each connection between open lanes of kept edges becomes part of the movement
 *   from-edge -> to-edge; the movement's lanes are the from-lanes of its
 *   connections. U-turn connections are movements too (SUMO routes use them).
 *   Its `waitPoint` is where its vehicles wait for a gap inside the junction: the
 *   length of the first internal lane when an internal junction ends it, else 0
 *   (mean over its connections; none without internal lanes, with a warning).
 * - For every connection controlled by a traffic light, its `linkIndex` is
 *   recorded under the junction and movement (`signalIndex`), so programs can be
 *   read from state strings and written back to SUMO. Signalled connections
 *   greenwave does not model (pedestrian crossings, lanes of other vehicle
 *   classes) are recorded too, under `${fromLaneId}>${toLaneId}` (SUMO lane ids,
 *   never a movement key), so written state strings keep their full length.
 */
import { InputError, NetworkError } from '../../errors.js';
import { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_JAM_SPACING, type JunctionControl, type TurnKind } from '../../network/types.js';
import type { MovementRef } from '../../signals/program.js';
import { SUMO_START_UP_LOST, SUMO_STEP, SUMO_VEHICLE_MODEL, type VehicleModel } from '../../sim/losses.js';
import { discharge, SUMO_FOE_VISIBILITY, SUMO_TAU } from '../../sim/sumo-lane.js';
import type { ImportCount, ImportResult, ImportWarning } from '../types.js';
import type { SumoEdge, SumoLane, SumoNet } from './net-file.js';
import { stopLinksOf } from './tl-sizes.js';

/** SUMO junction types greenwave treats as signals. */
const SIGNAL_TYPES = new Set(['traffic_light', 'traffic_light_right_on_red', 'traffic_light_unregulated']);
/** SUMO junction types greenwave treats as priority junctions (the last five approximately). */
const PRIORITY_TYPES = new Set(['priority', 'priority_stop', 'right_before_left', 'left_before_right', 'allway_stop', 'zipper']);
const EXACT_TYPES = new Set([...SIGNAL_TYPES, 'priority', 'unregulated', 'dead_end']);
const SUMO_DIR: Readonly<Record<string, TurnKind>> = { s: 'straight', l: 'left', L: 'left', r: 'right', R: 'right', t: 'uturn' };

/** Options of the network part of the SUMO import. */
export interface SumoNetworkOptions {
  /** Vehicle class whose lanes are kept (SUMO `vClass`). Default `passenger`. */
  vClass?: string;
  /** Add each connection's path across the junction (internal lanes) to the link it leaves. Default true. */
  junctionCrossing?: boolean;
  /** Saturation flow per lane of every link, veh/s. Default {@link SUMO_SATURATION_FLOW} (1,871 veh/h). */
  saturationFlow?: number;
  /** Jam spacing of every link (space a stopped vehicle takes), m. Default greenwave's 7.5. */
  jamSpacing?: number;
  /**
   * SUMO's queue discharge on an edge of lane speed v (m/s): a factor on
   * `saturationFlow` and the start-up lost time at a green (`sumoDischarge`).
   * Default: none (the saturation flow as given, the class's lost time).
   */
  discharge?: (speed: number) => { scale: number; startUpLost: number };
}

/**
 * Saturation flow per lane of SUMO's default car, veh/s: 1,871 veh/h, the
 * discharge headway of 1.92 s measured with SUMO 1.15 on one signalised lane
 * kept saturated (default vType: Krauss, sigma 0.5, tau 1 s, 5 m + 2.5 m
 * minGap); with its start-up lost time (sim/losses.ts, 1.1 s) it reproduces
 * the vehicles SUMO serves per green of 5 to 30 s within 2%.
 */
export const SUMO_SATURATION_FLOW = 1871 / 3600;

/**
 * How much longer SUMO's queue discharge headway gets per metre of a vehicle's
 * length + minGap, s/m: 0.091, the least-squares slope of four runs of SUMO
 * 1.15 (one saturated signalised lane at 13.89 m/s, 60 s greens, default
 * Krauss car otherwise, speedDev 0.1): 4.5 / 5.8 / 7.5 / 9.5 m gave 35.3 / 33.0
 * / 30.2 / 27.8 vehicles per green, headways 1.669 / 1.785 / 1.954 / 2.119 s
 * with the 1.1 s start-up lost time. The follower keeps its gap at the
 * discharge speed, so a shorter car leaves sooner after the one ahead.
 */
const SUMO_HEADWAY_PER_SPACING_METRE = 0.0908;

/**
 * Saturation flow per lane, veh/s, of SUMO cars taking `spacing` m stopped
 * (length + minGap): SUMO's default car's 1,871 veh/h at its 7.5 m, its 1.924 s
 * headway lengthened or shortened by 0.091 s per metre (2,034 veh/h for RESCO's
 * Cologne cars, 4.3 m + 1.5 m; SUMO measured 2,017).
 */
export function sumoSaturationFlow(spacing: number): number {
  return 1 / (1 / SUMO_SATURATION_FLOW + SUMO_HEADWAY_PER_SPACING_METRE * (spacing - DEFAULT_JAM_SPACING));
}

/** Road speed at which SUMO's saturation flow and its change with car size were measured (above), m/s: 50 km/h. */
const SATURATION_MEASURED_AT = 13.89;

/**
 * SUMO's queue discharge on an edge of lane speed v (m/s) for SUMO's cars
 * `model` (default SUMO's car) stopping `spacing` m apart, from SUMO's
 * car-following run for one lane over a green's worth of queue
 * (sim/sumo-lane.ts `discharge`): a factor on the saturation flow, the
 * discharge headway at 50 km/h over that at v (SUMO 1.15's default car: x 0.62
 * at 20 km/h, 0.80 at 30, 0.92 at 40, 1.07 at 70), and the start-up lost time
 * at a green, the class's (measured at 50 km/h) moved by the difference of the
 * lost times at v and at 50 km/h (-1.5 s at 20 km/h: below 0 the first
 * vehicles leave at the green's start; 1.7 s at 70). Vehicles served per 30 s
 * green on two lanes, SUMO 1.15 against greenwave (test/io/sumo/discharge.test.ts):
 * 19.78 / 20 at 20 km/h, 24.85 / 25 at 30, 27.89 / 28 at 40 (11 m/s), 30.09 / 30
 * at 50, 32.37 / 31 at 70; before, greenwave served 30 at every speed.
 */
export function sumoDischarge(model: VehicleModel | undefined, spacing: number): (speed: number) => { scale: number; startUpLost: number } {
  const car = model ?? SUMO_VEHICLE_MODEL;
  const stated = car.gapAcceptance?.model === 'sumo' ? car.gapAcceptance.length : undefined;
  const length = Math.min(stated ?? 5, spacing);
  const at = (speed: number) => discharge({
    speed, accel: car.accel, decel: car.decel, sigma: car.sigma, length, spacing, visibility: SUMO_FOE_VISIBILITY,
    step: car.stepLength !== undefined && car.stepLength > 0 ? car.stepLength : SUMO_STEP, tau: SUMO_TAU, speedDev: car.speedDev ?? 0,
  });
  const reference = at(SATURATION_MEASURED_AT);
  const lost = car.startUpLost ?? SUMO_START_UP_LOST;
  return (speed) => {
    const here = at(Math.round(speed * 100) / 100);
    return { scale: reference.greenHeadway / here.greenHeadway, startUpLost: lost + here.lost - reference.lost };
  };
}

/** Largest share of the flow a link's speed and jam spacing allow (speed / jamSpacing) given as saturation flow. */
const MAX_FLOW_SHARE = 0.8;

/** Where a movement of the network sits under a traffic light. */
export interface TlLink {
  junction: string;
  /** `${fromLinkId}>${toLinkId}` (ids may hold `>` themselves: use from/to, never split this). */
  movement: string;
  from: string;
  to: string;
}

/** The built network and what the program and route readers need to resolve SUMO references. */
export interface BuiltNetwork {
  network: RoadNetwork;
  /** Per tl id, per linkIndex, the movements it controls. */
  tlLinks: Map<string, Map<number, TlLink[]>>;
  /** Per signalised junction, movements no traffic light times: green in every phase. */
  untimed: Map<string, MovementRef[]>;
  signalIndex: NonNullable<ImportResult['signalIndex']>;
  /** Normal edges of the file that were dropped (no lane for the vehicle class, or a loop): edge id -> why. */
  dropped: Map<string, string>;
  counts: ImportCount[];
  warnings: ImportWarning[];
}

function admits(lane: SumoLane, edge: SumoEdge, vClass: string): boolean {
  const allow = lane.allow ?? (lane.disallow === undefined ? edge.allow : undefined);
  const disallow = lane.disallow ?? (lane.allow === undefined ? edge.disallow : undefined);
  if (allow !== undefined) {
    const classes = allow.split(/\s+/);
    return classes.includes(vClass) || classes.includes('all');
  }
  if (disallow !== undefined) {
    const classes = disallow.split(/\s+/);
    return !(classes.includes(vClass) || classes.includes('all'));
  }
  return true;
}

function controlOf(type: string): JunctionControl {
  if (SIGNAL_TYPES.has(type)) return 'signal';
  if (PRIORITY_TYPES.has(type)) return 'priority';
  return 'uncontrolled';
}

/**
 * Where a connection's vehicles wait for a gap inside the junction: the length of
 * its first internal lane `via` when an internal junction ends it (SUMO splits the
 * crossing there; a yielding vehicle stops on it, its front POSITION_EPS = 0.1 m
 * short of the internal junction), 0 when none does (it waits at the stop line), m;
 * undefined without internal lanes.
 */
function waitPoint(net: SumoNet, via: string | undefined): number | undefined {
  if (via === undefined) return undefined;
  const row = net.internalLanes.get(via);
  if (row === undefined) return undefined;
  return net.internalNext.has(via) ? net.internalLength[row] : 0;
}

/** Speed limit of a connection's first internal lane `via` (SUMO's link-pass speed: its vehicles reach the stop line no faster), m/s; undefined without internal lanes. */
function passSpeed(net: SumoNet, via: string | undefined): number | undefined {
  if (via === undefined) return undefined;
  const row = net.internalLanes.get(via);
  return row === undefined ? undefined : net.internalSpeed[row];
}

/** Length (m) and free-flow time (s) of the internal path starting on lane `via`. */
function crossing(net: SumoNet, via: string | undefined): [number, number] {
  let length = 0;
  let time = 0;
  for (let lane = via, guard = 0; lane !== undefined && guard < 16; lane = net.internalNext.get(lane), guard++) {
    const row = net.internalLanes.get(lane);
    if (row === undefined) break;
    length += net.internalLength[row];
    time += net.internalLength[row] / net.internalSpeed[row];
  }
  return [length, time];
}

/** Turn `NetworkError`s from the builder into `InputError`s at the element's line. */
function at<T>(file: string, line: number, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof NetworkError) throw new InputError(`${file}:${line}`, err.message);
    throw err;
  }
}

/** Build the greenwave network of `net`. Throws `InputError` for dangling references and bad data. */
export function buildNetwork(net: SumoNet, options: SumoNetworkOptions = {}): BuiltNetwork {
  const vClass = options.vClass ?? 'passenger';
  const addCrossing = options.junctionCrossing ?? true;
  const file = net.file;
  const warnings: ImportWarning[] = [];
  const network = new RoadNetwork({ drivingSide: net.lefthand ? 'left' : 'right' });
  const dropped = new Map<string, string>();

  // Edges first (to know which junctions are used), then junctions, then links.
  const junctionById = new Map(net.junctions.map((j) => [j.id, j]));
  const edgeById = new Map<string, SumoEdge>();
  const laneMaps = new Map<string, Int32Array>(); // edge id -> SUMO lane index -> greenwave lane, -1 if closed
  const kept: SumoEdge[] = [];
  for (const e of net.edges) {
    if (edgeById.has(e.id)) throw new InputError(`${file}:${e.line}`, `edge "${e.id}": duplicate edge id`);
    edgeById.set(e.id, e);
    for (const end of ['from', 'to'] as const) {
      if (!junctionById.has(e[end])) throw new InputError(`${file}:${e.line}`, `edge "${e.id}": ${end} refers to unknown junction "${e[end]}"`);
    }
    if (e.lanes.length === 0) throw new InputError(`${file}:${e.line}`, `edge "${e.id}": has no lanes`);
    const sorted = [...e.lanes].sort((p, q) => p.index - q.index);
    // SUMO numbers an edge's n lanes 0 to n-1, once each (a lane index is also the size of the lane map below).
    sorted.forEach((lane, i) => {
      if (lane.index !== i) throw new InputError(`${file}:${e.line}`, `edge "${e.id}": lane indices must be 0 to ${sorted.length - 1}, each once (one per lane), found ${sorted.map((l) => l.index).join(', ')}`);
    });
    const map = new Int32Array(sorted.length).fill(-1);
    let open = 0;
    for (const lane of sorted) if (admits(lane, e, vClass)) map[lane.index] = open++;
    if (open === 0) {
      dropped.set(e.id, `has no lane open to ${vClass}`);
      continue;
    }
    if (e.from === e.to) {
      dropped.set(e.id, 'is a loop (starts and ends at one junction)');
      warnings.push({ where: `${file}:${e.line}`, element: e.id, message: 'edge is a loop (starts and ends at one junction); dropped' });
      continue;
    }
    laneMaps.set(e.id, map);
    kept.push(e);
  }

  const used = new Set<string>();
  for (const e of kept) used.add(e.from).add(e.to);
  // Per traffic light, the link indices its programs show "green after stopping" (s: right turn on red) and never
  // plain permissive green (g): their movements are stops at the signal (rightOfWay: 'stop', below).
  const stopLinks = stopLinksOf(net.tlLogics.map((l) => ({ id: l.id, states: l.phases.map((p) => p.state) })));
  // A junction with a traffic-light-controlled connection is a signal whatever its type says.
  const tlJunctions = new Set<string>();
  for (const c of net.connections) {
    const from = edgeById.get(c.from);
    if (c.tl !== undefined && from) tlJunctions.add(from.to);
  }
  const approximated = new Map<string, number>();
  const unsignalled: string[] = [];
  let signals = 0;
  for (const j of net.junctions) {
    if (!used.has(j.id)) continue;
    // A traffic-light junction none of whose connections a traffic light controls (a cluster whose program was
    // removed or joined elsewhere) runs in SUMO by its connections' right of way (M, m): a priority junction.
    const unsignalledLight = !tlJunctions.has(j.id) && SIGNAL_TYPES.has(j.type);
    if (unsignalledLight) unsignalled.push(j.id);
    const control = tlJunctions.has(j.id) ? 'signal' : unsignalledLight ? 'priority' : controlOf(j.type);
    if (control === 'signal') signals++;
    if (!EXACT_TYPES.has(j.type) && control !== 'signal') approximated.set(j.type, (approximated.get(j.type) ?? 0) + 1);
    at(file, j.line, () => network.addJunction({ id: j.id, x: j.x, y: j.y, control }));
  }
  if (unsignalled.length > 0) {
    warnings.push({ where: file, message: `${unsignalled.length} junction(s) of a traffic_light type with no connection a traffic light controls imported as priority junctions, as SUMO runs them by their connections' right of way: ${unsignalled.slice(0, 5).map((id) => `"${id}"`).join(', ')}${unsignalled.length > 5 ? ', ...' : ''}` });
  }
  for (const [type, count] of approximated) {
    warnings.push({ where: file, message: `${count} junction(s) of type "${type}" imported as ${controlOf(type)} (greenwave's ${controlOf(type)} rule approximates SUMO's)` });
  }

  // Connections: validate references, group lane pairs into movements.
  interface Group { from: string; to: string; lanes: number; laneLinks: Array<[number, number]>; line: number; crossLength: number; crossTime: number; pairs: number; passSpeed: number; passPairs: number; wait: number; waitPairs: number; timed: boolean; dir?: string; major: number; minor: number; stop: number; signalled: number; stopSignals: number }
  const groups = new Map<string, Group>();
  const byEdge = new Map<string, Group[]>();
  const tlLinks = new Map<string, Map<number, TlLink[]>>();
  const signalIndex: NonNullable<ImportResult['signalIndex']> = {};
  let skippedConnections = 0;
  const otherSignals = [...net.internalSignals];
  for (const c of net.connections) {
    for (const end of ['from', 'to'] as const) {
      const id = c[end];
      if (!edgeById.has(id) && !net.otherEdges.has(id)) {
        throw new InputError(`${file}:${c.line}`, `connection ${c.from} -> ${c.to}: ${end} refers to unknown edge "${id}"`);
      }
    }
    const fromMap = laneMaps.get(c.from);
    const toMap = laneMaps.get(c.to);
    const fromEdge = edgeById.get(c.from);
    const toEdge = edgeById.get(c.to);
    if (fromEdge && c.fromLane >= fromEdge.lanes.length) throw new InputError(`${file}:${c.line}`, `connection ${c.from} -> ${c.to}: fromLane ${c.fromLane} does not exist (edge "${c.from}" has ${fromEdge.lanes.length} lanes)`);
    if (toEdge && c.toLane >= toEdge.lanes.length) throw new InputError(`${file}:${c.line}`, `connection ${c.from} -> ${c.to}: toLane ${c.toLane} does not exist (edge "${c.to}" has ${toEdge.lanes.length} lanes)`);
    if (!fromMap || !toMap || fromMap[c.fromLane] < 0 || toMap[c.toLane] < 0) {
      skippedConnections++;
      if (c.tl !== undefined && c.linkIndex !== undefined) otherSignals.push(c);
      continue;
    }
    const key = `${c.from}>${c.to}`;
    let g = groups.get(key);
    if (!g) {
      g = { from: c.from, to: c.to, lanes: 0, laneLinks: [], line: c.line, crossLength: 0, crossTime: 0, pairs: 0, passSpeed: 0, passPairs: 0, wait: 0, waitPairs: 0, timed: false, dir: c.dir, major: 0, minor: 0, stop: 0, signalled: 0, stopSignals: 0 };
      groups.set(key, g);
      const list = byEdge.get(c.from) ?? [];
      list.push(g);
      byEdge.set(c.from, list);
    }
    g.lanes |= 1 << fromMap[c.fromLane];
    g.laneLinks.push([fromMap[c.fromLane], toMap[c.toLane]]);
    if (c.state === 'M') g.major++;
    else if (c.state === 'm' || c.state === 's') g.minor++;
    if (c.state === 's') g.stop++;
    const [length, time] = crossing(net, c.via);
    g.crossLength += length;
    g.crossTime += time;
    g.pairs++;
    const pass = passSpeed(net, c.via);
    if (pass !== undefined) {
      g.passSpeed += pass;
      g.passPairs++;
    }
    const wait = waitPoint(net, c.via);
    if (wait !== undefined) {
      g.wait += wait;
      g.waitPairs++;
    }
    if (c.tl !== undefined && c.linkIndex !== undefined) {
      g.timed = true;
      g.signalled++;
      if (stopLinks.get(c.tl)?.has(c.linkIndex) === true) g.stopSignals++;
      const junction = edgeById.get(c.from)!.to;
      let perTl = tlLinks.get(c.tl);
      if (!perTl) tlLinks.set(c.tl, (perTl = new Map()));
      const list = perTl.get(c.linkIndex) ?? [];
      if (!list.some((x) => x.junction === junction && x.movement === key)) list.push({ junction, movement: key, from: c.from, to: c.to });
      perTl.set(c.linkIndex, list);
      const entry = (signalIndex[junction] ??= { controller: c.tl, links: {} });
      if (entry.controller !== c.tl) {
        throw new InputError(`${file}:${c.line}`, `connection ${c.from} -> ${c.to}: junction "${junction}" is controlled by two traffic lights ("${entry.controller}" and "${c.tl}"); greenwave needs one per junction`);
      }
      const indices = (entry.links[key] ??= []);
      if (!indices.includes(c.linkIndex)) indices.push(c.linkIndex);
    }
  }

  const saturationFlow = options.saturationFlow ?? SUMO_SATURATION_FLOW;
  const jamSpacing = options.jamSpacing ?? DEFAULT_JAM_SPACING;
  let slow = 0;
  // Signal indices of lanes greenwave does not model (pedestrian crossings, other vehicle classes) stay in
  // the index under SUMO lane ids, so exported state strings keep the traffic light's full length.
  for (const c of otherSignals) {
    const entry = Object.values(signalIndex).find((x) => x.controller === c.tl);
    if (!entry) continue;
    const indices = (entry.links[`${c.from}_${c.fromLane}>${c.to}_${c.toLane}`] ??= []);
    if (!indices.includes(c.linkIndex!)) indices.push(c.linkIndex!);
  }

  let crossingAdded = 0;
  // Per movement: its own mean crossing time minus the link's mean (already in the link's free-flow time), s.
  const crossingOffset = new Map<Group, number>();
  for (const e of kept) {
    const lanes = e.lanes.filter((lane) => laneMaps.get(e.id)![lane.index] >= 0);
    let length = lanes.reduce((s, lane) => s + lane.length, 0) / lanes.length;
    let speed = Math.max(...lanes.map((lane) => lane.speed));
    const laneSpeed = speed;
    const out = byEdge.get(e.id) ?? [];
    const pairs = out.reduce((s, g) => s + g.pairs, 0);
    if (addCrossing && pairs > 0) {
      const extra = out.reduce((s, g) => s + g.crossLength, 0) / pairs;
      if (extra > 0) {
        const mean = out.reduce((s, g) => s + g.crossTime, 0) / pairs;
        const time = length / speed + mean;
        for (const g of out) crossingOffset.set(g, g.crossTime / g.pairs - mean);
        length += extra;
        speed = length / time;
        crossingAdded++;
      }
    }
    // The triangular fundamental diagram needs s < speed / jamSpacing; very slow links (SUMO service roads, 5 km/h) cannot discharge 1,800 veh/h.
    const bySpeed = options.discharge?.(laneSpeed);
    let s = bySpeed === undefined ? saturationFlow : saturationFlow * bySpeed.scale;
    if (s > (MAX_FLOW_SHARE * speed) / jamSpacing) {
      s = (MAX_FLOW_SHARE * speed) / jamSpacing;
      slow++;
    }
    at(file, e.line, () => network.addLink({
      id: e.id, from: e.from, to: e.to, length, speed, lanes: lanes.length, saturationFlow: s, jamSpacing, ...(bySpeed === undefined ? {} : { startUpLost: bySpeed.startUpLost }),
      ...(e.name ? { name: e.name } : {}), ...(e.priority === undefined ? {} : { priority: e.priority }),
    }));
  }

  // Movements at signals that no traffic light times (no linkIndex) may always go.
  const untimed = new Map<string, MovementRef[]>();
  for (const g of groups.values()) {
    const junction = edgeById.get(g.from)!.to;
    if (g.timed || !tlJunctions.has(junction)) continue;
    const list = untimed.get(junction) ?? [];
    list.push({ from: g.from, to: g.to });
    untimed.set(junction, list);
  }
  if (untimed.size > 0) {
    const total = [...untimed.values()].reduce((s, l) => s + l.length, 0);
    warnings.push({ where: file, message: `${total} movement(s) at signals have no linkIndex; they show green in every phase` });
  }

  if (signals > 0 && net.internalLanes.size === 0) {
    warnings.push({ where: file, message: 'the net has no internal lanes (built with --no-internal-links?): how many left-turners wait inside a junction is estimated from its size, not read from SUMO\'s wait points' });
  }

  if (slow > 0) {
    warnings.push({ where: file, message: `${slow} slow link(s): saturation flow lowered to 0.8 x speed / jam spacing (a triangular fundamental diagram cannot carry more)` });
  }

  let dirMismatch = 0;
  let example = '';
  let mixedRight = 0;
  for (const g of groups.values()) {
    const lanes: number[] = [];
    for (let b = 0; b < 32; b++) if ((g.lanes >>> b) & 1) lanes.push(b);
    // SUMO's right of way at unsignalised junctions (connection state): a movement is
    // minor when any of its lane connections yields (m, s), a stop when all of those
    // are stops (s: halt first), major when all are M.
    const junction = edgeById.get(g.from)!.to;
    // At a signal, a movement whose every signalled lane is a stop link (above) is a stop: its permissive green is
    // SUMO's "green after stopping" (right turn on red); greenwave's other rules apply to the rest.
    const rightOfWay = tlJunctions.has(junction)
      ? (g.signalled > 0 && g.stopSignals === g.signalled ? 'stop' : undefined)
      : g.minor > 0 ? (g.stop === g.minor ? 'stop' : 'minor') : g.major > 0 ? 'major' : undefined;
    if (rightOfWay !== undefined && rightOfWay !== 'major' && g.major > 0) mixedRight++;
    const wait = g.waitPairs > 0 ? g.wait / g.waitPairs : undefined;
    const timeOffset = crossingOffset.get(g) ?? 0;
    const crossingSpeed = g.passPairs > 0 ? g.passSpeed / g.passPairs : undefined;
    const movement = at(file, g.line, () => network.addMovement({
      from: g.from, to: g.to, lanes, ...(rightOfWay ? { rightOfWay } : {}), ...(wait === undefined ? {} : { waitPoint: wait }), ...(timeOffset !== 0 ? { timeOffset } : {}),
      ...(crossingSpeed === undefined ? {} : { crossingSpeed }), laneLinks: g.laneLinks,
    }));
    const expected = g.dir === undefined ? undefined : SUMO_DIR[g.dir];
    if (expected !== undefined && expected !== movement.turn) {
      dirMismatch++;
      if (!example) example = `${g.from} -> ${g.to} is "${g.dir}" in SUMO, ${movement.turn} from junction coordinates`;
    }
  }
  if (mixedRight > 0) {
    warnings.push({ where: file, message: `${mixedRight} movement(s) whose lane connections have both major (M) and minor (m, s) right of way in SUMO; imported as minor` });
  }
  if (dirMismatch > 0) {
    warnings.push({ where: file, message: `${dirMismatch} movement(s) whose SUMO direction differs from the turn greenwave derives from junction coordinates (e.g. ${example}); yield rules follow greenwave's` });
  }
  if (dropped.size > 0) {
    const reasons = new Map<string, number>();
    for (const why of dropped.values()) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    for (const [why, count] of reasons) warnings.push({ where: file, message: `${count} edge(s) dropped: ${why}` });
  }

  const counts: ImportCount[] = [
    { label: 'junctions', count: network.junctionCount },
    { label: 'signalised junctions', count: signals },
    { label: 'links (edges)', count: network.linkCount },
    { label: 'lanes', count: network.links().reduce((s, l) => s + l.lanes, 0) },
    { label: 'movements', count: network.movementCount },
    { label: 'connections', count: net.connections.length - skippedConnections },
  ];
  if (crossingAdded > 0) counts.push({ label: 'links extended across the junction (internal lanes)', count: crossingAdded });
  if (dropped.size > 0) counts.push({ label: 'dropped: edges', count: dropped.size });
  if (net.otherEdges.size > 0) counts.push({ label: 'dropped: crossings, walking areas, connectors', count: net.otherEdges.size });
  if (skippedConnections > 0) counts.push({ label: 'dropped: connections of closed lanes or dropped edges', count: skippedConnections });
  return { network, tlLinks, untimed, signalIndex, dropped, counts, warnings };
}

/**
 * CityFlow `roadnet.json` -> `RoadNetwork` and fixed-time signal programs.
 *
 * What a roadnet holds and how it maps (CityFlow's reader: `src/roadnet/roadnet.cpp`,
 * cityflow-project/CityFlow):
 *
 * - `intersections[]` -> junctions at `point` (metres). A `virtual: true`
 *   intersection is the network's boundary: CityFlow skips its roadLinks and
 *   traffic light entirely, so vehicles only start or end there and no turn
 *   exists to control. It becomes an `uncontrolled` junction: `priority` would
 *   name a major road and make movements yield, and there are no movements.
 *   A real intersection with roadLinks is `signal`; one without any is
 *   `uncontrolled` (nothing crosses it).
 * - `roads[]` -> links from `startIntersection` to `endIntersection`; length is
 *   the length of the `points` polyline (intersection centre to centre: CityFlow
 *   cuts the lanes back by the intersection widths and adds the crossing curves,
 *   which comes to about the same distance), lanes = `lanes.length`, free-flow
 *   speed = the lanes' `maxSpeed` (their mean if they differ, with a warning).
 * - `roadLinks[]` -> movements `startRoad` -> `endRoad`, served by the start lanes
 *   of their `laneLinks`. CityFlow lays lanes out from the road's centre line
 *   outwards (lane 0 innermost, see `Road::initLanesPoints`), so CityFlow lane k
 *   of n is greenwave lane n - 1 - k (0 = kerb side). Two roadLinks between the
 *   same roads become one movement with the union of their lanes.
 * - `trafficLight.lightphases[]` -> one fixed-time program per signalised
 *   junction (see `lights.ts`).
 *
 * Bad data (dangling ids, wrong types, lanes out of range) is an `InputError` at
 * `file:line:column: json.path`.
 */
import { NetworkError } from '../../errors.js';
import type { SignalProgramSpec } from '../../signals/program.js';
import { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, MAX_LANES, type DrivingSide, type TurnKind } from '../../network/types.js';
import type { ImportCount, ImportResult, ImportWarning } from '../types.js';
import { Reader, show, type JsonDocument, type JsonPath } from './json.js';
import { buildProgram, type RoadLinkInfo } from './lights.js';
import type { CityflowRoad } from './road.js';

export type { CityflowRoad } from './road.js';

/** CityFlow's turn types, and the geometric turn kind each should be. */
const ROAD_LINK_TYPES: Readonly<Record<string, TurnKind>> = { go_straight: 'straight', turn_left: 'left', turn_right: 'right' };

/** What {@link readRoadnet} produced. */
export interface CityflowRoadnet {
  network: RoadNetwork;
  programs: SignalProgramSpec[];
  signalIndex: NonNullable<ImportResult['signalIndex']>;
  roads: Map<string, CityflowRoad>;
  /** Roads reachable from each road through one movement, by road id. */
  next: Map<string, string[]>;
  counts: ImportCount[];
}

/** Options of {@link readRoadnet}. */
export interface RoadnetOptions {
  drivingSide: DrivingSide;
  /** Jam spacing for every link, m (from the vehicles of the flow file); default greenwave's. */
  jamSpacing?: number;
  /** Saturation flow per lane for every link, veh/s (from the vehicles of the flow file); default greenwave's. */
  saturationFlow?: number;
}

interface IntersectionInfo {
  id: string;
  index: number;
  x: number;
  y: number;
  virtual: boolean;
  width: number;
  raw: Record<string, unknown>;
}


function polylineLength(points: ReadonlyArray<{ x: number; y: number }>): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) length += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  return length;
}

/**
 * Read a CityFlow roadnet document into a `RoadNetwork` with its movements and
 * the fixed-time programs of its traffic lights. Warnings are appended to
 * `warnings`. Throws `InputError` located in `doc`.
 */
export function readRoadnet(doc: JsonDocument, options: RoadnetOptions, warnings: ImportWarning[]): CityflowRoadnet {
  const r: Reader = new Reader(doc);
  const root = r.object(doc.data, [], 'a CityFlow roadnet: an object with "intersections" and "roads"');
  const intersectionValues = r.array(r.field(root, 'intersections', []), ['intersections']);
  const roadValues = r.array(r.field(root, 'roads', []), ['roads']);
  const warn = (at: JsonPath, element: string | undefined, message: string): void => {
    warnings.push({ where: doc.where(at), ...(element === undefined ? {} : { element }), message });
  };

  // Ids first, so references can be checked in any order.
  const intersections = new Map<string, IntersectionInfo>();
  const intersectionList: IntersectionInfo[] = intersectionValues.map((value, i) => {
    const at = ['intersections', i];
    const raw = r.object(value, at, 'an intersection object');
    const id = r.string(r.field(raw, 'id', at), [...at, 'id'], 'an intersection id');
    if (intersections.has(id)) r.fail([...at, 'id'], `expected a unique intersection id, found ${show(id)} again (also intersections[${intersections.get(id)!.index}])`);
    const point = r.object(r.field(raw, 'point', at), [...at, 'point'], 'a point {x, y}');
    const info: IntersectionInfo = {
      id,
      index: i,
      x: r.number(r.field(point, 'x', [...at, 'point']), [...at, 'point', 'x'], 'x in metres'),
      y: r.number(r.field(point, 'y', [...at, 'point']), [...at, 'point', 'y'], 'y in metres'),
      virtual: r.boolean(r.field(raw, 'virtual', at), [...at, 'virtual']),
      width: 0,
      raw,
    };
    if (!info.virtual) info.width = r.nonNegative(r.field(raw, 'width', at), [...at, 'width'], 'the intersection width in metres');
    intersections.set(id, info);
    return info;
  });
  const roadIndex = new Map<string, number>();
  roadValues.forEach((value, i) => {
    const at = ['roads', i];
    const raw = r.object(value, at, 'a road object');
    const id = r.string(r.field(raw, 'id', at), [...at, 'id'], 'a road id');
    if (roadIndex.has(id)) r.fail([...at, 'id'], `expected a unique road id, found ${show(id)} again (also roads[${roadIndex.get(id)}])`);
    roadIndex.set(id, i);
  });
  const intersectionRef = (value: unknown, at: JsonPath): IntersectionInfo => {
    const id = r.string(value, at, 'an intersection id');
    const found = intersections.get(id);
    if (found === undefined) r.fail(at, `expected an intersection id of the roadnet, found ${show(id)} (no such intersection)`);
    return found;
  };
  const roadRef = (value: unknown, at: JsonPath): string => {
    const id = r.string(value, at, 'a road id');
    if (!roadIndex.has(id)) r.fail(at, `expected a road id of the roadnet, found ${show(id)} (no such road)`);
    return id;
  };

  // Roads.
  const roads = new Map<string, CityflowRoad>();
  let mixedSpeeds = 0;
  roadValues.forEach((value, i) => {
    const at = ['roads', i];
    const raw = value as Record<string, unknown>;
    const id = raw.id as string;
    const start = intersectionRef(r.field(raw, 'startIntersection', at), [...at, 'startIntersection']);
    const end = intersectionRef(r.field(raw, 'endIntersection', at), [...at, 'endIntersection']);
    if (start === end) r.fail([...at, 'endIntersection'], `expected an intersection other than the start, found ${show(end.id)} for both (a road cannot loop back to where it starts)`);
    const lanes = r.array(r.field(raw, 'lanes', at), [...at, 'lanes'], 'an array of lanes');
    if (lanes.length === 0) r.fail([...at, 'lanes'], 'expected at least one lane, found an empty array');
    if (lanes.length > MAX_LANES) r.fail([...at, 'lanes'], `expected at most ${MAX_LANES} lanes, found ${lanes.length}`);
    const speeds = lanes.map((lane, k) => {
      const laneAt = [...at, 'lanes', k];
      const record = r.object(lane, laneAt, 'a lane {width, maxSpeed}');
      r.positive(r.field(record, 'width', laneAt), [...laneAt, 'width'], 'the lane width in metres');
      return r.positive(r.field(record, 'maxSpeed', laneAt), [...laneAt, 'maxSpeed'], 'the lane speed limit in m/s');
    });
    const points = r.array(r.field(raw, 'points', at), [...at, 'points'], 'an array of points');
    if (points.length < 2) r.fail([...at, 'points'], `expected at least 2 points, found ${points.length}`);
    const xy = points.map((p, k) => {
      const pointAt = [...at, 'points', k];
      const record = r.object(p, pointAt, 'a point {x, y}');
      return {
        x: r.number(r.field(record, 'x', pointAt), [...pointAt, 'x'], 'x in metres'),
        y: r.number(r.field(record, 'y', pointAt), [...pointAt, 'y'], 'y in metres'),
      };
    });
    const length = polylineLength(xy);
    if (!(length > 0)) r.fail([...at, 'points'], 'expected a polyline of positive length, found all points at one place');
    const mixed = speeds.some((s) => s !== speeds[0]);
    if (mixed) mixedSpeeds++;
    const speed = mixed ? speeds.reduce((a, b) => a + b, 0) / speeds.length : speeds[0];
    const laneLength = Math.max(length - (start.virtual ? 0 : start.width) - (end.virtual ? 0 : end.width), 0);
    roads.set(id, { id, index: i, from: start.id, to: end.id, length, laneLength, lanes: lanes.length, speed });
  });
  if (mixedSpeeds > 0) {
    warn(['roads'], undefined, `${mixedSpeeds} road(s) have lanes with different maxSpeed: each link uses the mean of its lanes' speeds`);
  }

  // Junctions and links.
  const network = new RoadNetwork({ drivingSide: options.drivingSide });
  const roadLinkValues = new Map<string, unknown[]>();
  for (const info of intersectionList) {
    const at = ['intersections', info.index];
    const listed = r.array(r.field(info.raw, 'roads', at), [...at, 'roads'], 'an array of road ids');
    listed.forEach((id, k) => roadRef(id, [...at, 'roads', k]));
    let links: unknown[] = [];
    if (info.virtual) {
      const ignored = info.raw.roadLinks;
      if (Array.isArray(ignored) && ignored.length > 0) {
        warn([...at, 'roadLinks'], info.id, `virtual intersection with ${ignored.length} roadLinks: ignored, as CityFlow does (vehicles only enter and leave the network here)`);
      }
    } else {
      links = r.array(r.field(info.raw, 'roadLinks', at), [...at, 'roadLinks'], 'an array of roadLinks');
      roadLinkValues.set(info.id, links);
    }
    try {
      network.addJunction({ id: info.id, x: info.x, y: info.y, control: links.length > 0 ? 'signal' : 'uncontrolled' });
    } catch (e) {
      if (e instanceof NetworkError) r.fail(at, e.message);
      throw e;
    }
  }
  // The kernel needs speed / jam spacing above the saturation flow (a positive backward wave speed).
  const jamSpacing = options.jamSpacing ?? DEFAULT_JAM_SPACING;
  const saturationFlow = options.saturationFlow ?? DEFAULT_SATURATION_FLOW;
  let slowRoads = 0;
  for (const road of roads.values()) {
    const capped = road.speed / jamSpacing <= saturationFlow;
    if (capped) slowRoads++;
    try {
      network.addLink({
        id: road.id,
        from: road.from,
        to: road.to,
        length: road.length,
        lanes: road.lanes,
        speed: road.speed,
        ...(options.jamSpacing === undefined ? {} : { jamSpacing: options.jamSpacing }),
        ...(capped ? { saturationFlow: (0.9 * road.speed) / jamSpacing } : options.saturationFlow === undefined ? {} : { saturationFlow }),
      });
    } catch (e) {
      if (e instanceof NetworkError) r.fail(['roads', road.index], e.message);
      throw e;
    }
  }

  if (slowRoads > 0) {
    warn(['roads'], undefined, `${slowRoads} road(s) are slower than ${(saturationFlow * jamSpacing * 3.6).toFixed(1)} km/h: their saturation flow was lowered to 90% of speed / jam spacing (${jamSpacing} m) so that queues can discharge`);
  }

  // Movements and programs, intersection by intersection.
  const programs: SignalProgramSpec[] = [];
  const signalIndex: CityflowRoadnet['signalIndex'] = {};
  const next = new Map<string, string[]>();
  let roadLinkCount = 0;
  let phaseCount = 0;
  let folded = 0;
  let noLaneLinks = 0;
  const turnMismatch: string[] = [];
  const farType = options.drivingSide === 'right' ? 'turn_left' : 'turn_right';
  for (const info of intersectionList) {
    const values = roadLinkValues.get(info.id);
    if (values === undefined || values.length === 0) continue;
    const at = ['intersections', info.index];
    roadLinkCount += values.length;

    // Read roadLinks; group by (startRoad, endRoad).
    const lanesByKey = new Map<string, Set<number>>();
    const roadLinks: RoadLinkInfo[] = values.map((value, k) => {
      const linkAt = [...at, 'roadLinks', k];
      const raw = r.object(value, linkAt, 'a roadLink object');
      const type = r.string(r.field(raw, 'type', linkAt), [...linkAt, 'type'], 'a roadLink type');
      if (!(type in ROAD_LINK_TYPES)) r.fail([...linkAt, 'type'], `expected "go_straight", "turn_left" or "turn_right", found ${show(type)}`);
      const from = roadRef(r.field(raw, 'startRoad', linkAt), [...linkAt, 'startRoad']);
      const to = roadRef(r.field(raw, 'endRoad', linkAt), [...linkAt, 'endRoad']);
      const a = roads.get(from)!;
      const b = roads.get(to)!;
      if (a.to !== info.id) r.fail([...linkAt, 'startRoad'], `expected a road ending at intersection ${show(info.id)}, found ${show(from)}, which ends at ${show(a.to)}`);
      if (b.from !== info.id) r.fail([...linkAt, 'endRoad'], `expected a road starting at intersection ${show(info.id)}, found ${show(to)}, which starts at ${show(b.from)}`);
      const laneLinks = r.array(r.field(raw, 'laneLinks', linkAt), [...linkAt, 'laneLinks'], 'an array of laneLinks');
      const key = `${from}>${to}`;
      if (laneLinks.length === 0) {
        noLaneLinks++;
        return { index: k, type, from, to, key: undefined };
      }
      const lanes = lanesByKey.get(key) ?? new Set<number>();
      laneLinks.forEach((laneLink, m) => {
        const laneAt = [...linkAt, 'laneLinks', m];
        const record = r.object(laneLink, laneAt, 'a laneLink {startLaneIndex, endLaneIndex}');
        const startLane = r.integer(r.field(record, 'startLaneIndex', laneAt), [...laneAt, 'startLaneIndex'], 'a lane index (integer)');
        const endLane = r.integer(r.field(record, 'endLaneIndex', laneAt), [...laneAt, 'endLaneIndex'], 'a lane index (integer)');
        if (startLane < 0 || startLane >= a.lanes) r.fail([...laneAt, 'startLaneIndex'], `expected a lane of road ${show(from)} (0 to ${a.lanes - 1}), found ${startLane}`);
        if (endLane < 0 || endLane >= b.lanes) r.fail([...laneAt, 'endLaneIndex'], `expected a lane of road ${show(to)} (0 to ${b.lanes - 1}), found ${endLane}`);
        lanes.add(a.lanes - 1 - startLane);
      });
      if (lanesByKey.has(key)) warn(linkAt, info.id, `roadLinks[${k}] repeats the turn ${from} -> ${to}: merged into one movement with the lanes of both`);
      lanesByKey.set(key, lanes);
      return { index: k, type, from, to, key };
    });
    const links: Record<string, number[]> = {};
    for (const [key, lanes] of lanesByKey) {
      const link = roadLinks.find((l) => l.key === key)!;
      const movement = network.addMovement({ from: link.from, to: link.to, lanes: [...lanes] });
      const expected = ROAD_LINK_TYPES[link.type];
      if (movement.turn !== expected) turnMismatch.push(`${info.id}: ${link.from} -> ${link.to} is ${link.type} in CityFlow, ${movement.turn} by geometry`);
      links[key] = roadLinks.filter((l) => l.key === key).map((l) => l.index);
      const list = next.get(link.from) ?? [];
      list.push(link.to);
      next.set(link.from, list);
    }
    signalIndex[info.id] = { controller: info.id, links };

    // Traffic light.
    const light = r.object(r.field(info.raw, 'trafficLight', at), [...at, 'trafficLight'], 'a trafficLight object');
    const phaseValues = r.array(r.field(light, 'lightphases', [...at, 'trafficLight']), [...at, 'trafficLight', 'lightphases'], 'an array of light phases');
    if (phaseValues.length === 0) r.fail([...at, 'trafficLight', 'lightphases'], 'expected at least one light phase, found none (CityFlow cannot run such a light)');
    const phases = phaseValues.map((value, p) => {
      const phaseAt = [...at, 'trafficLight', 'lightphases', p];
      const raw = r.object(value, phaseAt, 'a light phase {time, availableRoadLinks}');
      const time = r.nonNegative(r.field(raw, 'time', phaseAt), [...phaseAt, 'time'], 'the phase time in seconds');
      const available = r.array(r.field(raw, 'availableRoadLinks', phaseAt), [...phaseAt, 'availableRoadLinks'], 'an array of roadLink indices');
      const set = new Set<number>();
      available.forEach((index, k) => {
        const n = r.integer(index, [...phaseAt, 'availableRoadLinks', k], 'a roadLink index (integer)');
        if (n < 0 || n >= roadLinks.length) r.fail([...phaseAt, 'availableRoadLinks', k], `expected a roadLink index 0 to ${roadLinks.length - 1}, found ${n}`);
        set.add(n);
      });
      return { time, set, index: p };
    });
    phaseCount += phases.length;
    const running = phases.filter((p) => p.time > 0);
    if (running.length === 0) r.fail([...at, 'trafficLight', 'lightphases'], 'expected a light phase with time > 0, found only phases of 0 s (CityFlow would never leave them)');
    if (running.length < phases.length) {
      warn([...at, 'trafficLight', 'lightphases'], info.id, `${phases.length - running.length} light phase(s) of 0 s skipped, as CityFlow skips them`);
    }
    const program = buildProgram(info.id, running, roadLinks, roads, farType, network);
    folded += program.folded;
    programs.push(program.spec);
  }
  if (noLaneLinks > 0) warn(['intersections'], undefined, `${noLaneLinks} roadLink(s) have no laneLinks: no vehicle can use them, so no movement was made for them`);
  if (turnMismatch.length > 0) {
    warn(['intersections'], undefined, `${turnMismatch.length} roadLink(s) whose CityFlow type differs from the turn their geometry shows (greenwave uses geometry for turn kinds), e.g. ${turnMismatch.slice(0, 3).join('; ')}`);
  }

  const virtualCount = intersectionList.filter((i) => i.virtual).length;
  const counts: ImportCount[] = [
    { label: 'intersections', count: intersectionList.length },
    { label: 'intersections: signalised', count: programs.length },
    { label: 'intersections: virtual (boundary, uncontrolled)', count: virtualCount },
    { label: 'roads', count: roads.size },
    { label: 'roadLinks', count: roadLinkCount },
    { label: 'movements', count: network.movementCount },
    { label: 'light phases', count: phaseCount },
    { label: 'light phases folded into all-red (transition phases)', count: folded },
  ];
  return { network, programs, signalIndex, roads, next, counts };
}

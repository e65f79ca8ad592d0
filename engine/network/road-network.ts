/**
 * `RoadNetwork`: the authoring and analysis layer of a road network, on a
 * graphology `MultiDirectedGraph` (junctions are nodes, links are keyed edges,
 * parallel links allowed). Every element is validated as it is added, so bad data
 * fails with a `NetworkError` naming the element and field, never later inside a
 * hot loop. Movements (permitted turns) live beside the graph, keyed by approach
 * link; their turn kind is computed from geometry.
 *
 * Hot loops do not use this class: `compile()` turns it into a `CompiledNetwork`.
 */
import { MultiDirectedGraph } from 'graphology';
import { NetworkError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { describeValue } from '../text/describe.js';
import { describeRange, inRange, type NumberRange } from '../text/numbers.js';
import { classifyTurn } from './turns.js';
import {
  DEFAULT_JAM_SPACING,
  DEFAULT_SATURATION_FLOW,
  MAX_LANES,
  MAX_PRIORITY,
  type DrivingSide,
  type Junction,
  type JunctionSpec,
  type Link,
  type LinkSpec,
  type Movement,
  type MovementSpec,
} from './types.js';

/** Options of a new {@link RoadNetwork}. */
export interface RoadNetworkOptions {
  /** Side of the road traffic drives on. Default `right`. */
  drivingSide?: DrivingSide;
}

/** Options of {@link RoadNetwork.addDefaultMovements}. */
export interface DefaultMovementOptions {
  /** Also permit U-turns (back to the approach's upstream junction). Default false. */
  uTurns?: boolean;
  /** Only at these junctions (ids). Default: every junction. */
  junctions?: Iterable<string>;
}

const CONTROLS = new Set(['signal', 'priority', 'uncontrolled']);

function checkId(kind: 'junction' | 'link', id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new NetworkError(kind, String(id), 'id', `must be a non-empty string, got ${describeValue(id)}`);
  }
  return id;
}

const FINITE: NumberRange = {};
const POSITIVE: NumberRange = { min: 0, minExclusive: true };

/** `value` if it is a number in `range`, else a `NetworkError` at the element's field. */
function checkNumber(kind: 'junction' | 'link', id: string, field: string, value: unknown, range: NumberRange): number {
  if (!inRange(value, range)) throw new NetworkError(kind, id, field, `must be ${describeRange(range)}, got ${describeValue(value)}`);
  return value;
}

/**
 * Give the node `key` of `graph` adjacency objects without a prototype.
 * graphology keeps each node's neighbours in plain objects keyed by neighbour
 * id, so a junction named `constructor`, `toString` or `__proto__` would find
 * `Object.prototype`'s member there and corrupt the graph. The node is new (no
 * neighbours yet); if graphology's internals ever change shape, nothing is done.
 */
function nullPrototypeAdjacency(graph: MultiDirectedGraph<Junction, Link>, key: string): void {
  const nodes = (graph as unknown as { _nodes?: Map<string, { in?: object; out?: object; inDegree?: number; outDegree?: number }> })._nodes;
  const data = nodes instanceof Map ? nodes.get(key) : undefined;
  if (data === undefined || data.inDegree !== 0 || data.outDegree !== 0) return;
  if (typeof data.in === 'object' && typeof data.out === 'object') {
    data.in = Object.create(null) as object;
    data.out = Object.create(null) as object;
  }
}

/** A road network: junctions, directed links and the movements between them. */
export class RoadNetwork {
  /** The graphology graph: node attributes are {@link Junction}, edge attributes {@link Link}. */
  readonly graph: MultiDirectedGraph<Junction, Link>;
  /** Side of the road traffic drives on. */
  readonly drivingSide: DrivingSide;
  private readonly movementsByLink = new Map<string, Movement[]>();
  private movementTotal = 0;

  constructor(options: RoadNetworkOptions = {}) {
    const side = options.drivingSide ?? 'right';
    if (side !== 'left' && side !== 'right') {
      throw new NetworkError('network', '', 'drivingSide', `must be "left" or "right", got ${JSON.stringify(side)}`);
    }
    this.drivingSide = side;
    this.graph = new MultiDirectedGraph<Junction, Link>({ allowSelfLoops: false });
  }

  /** Number of junctions. */
  get junctionCount(): number {
    return this.graph.order;
  }

  /** Number of links. */
  get linkCount(): number {
    return this.graph.size;
  }

  /** Number of movements. */
  get movementCount(): number {
    return this.movementTotal;
  }

  /** Add a junction. Throws `NetworkError` on a duplicate id or bad coordinates. */
  addJunction(spec: JunctionSpec): Junction {
    const id = checkId('junction', spec.id);
    if (this.graph.hasNode(id)) throw new NetworkError('junction', id, 'id', 'is a duplicate junction id');
    const junction: Junction = {
      id,
      x: checkNumber('junction', id, 'x', spec.x, FINITE),
      y: checkNumber('junction', id, 'y', spec.y, FINITE),
      control: spec.control ?? 'uncontrolled',
    };
    if (!CONTROLS.has(junction.control)) {
      throw new NetworkError('junction', id, 'control', `must be signal, priority or uncontrolled, got ${JSON.stringify(spec.control)}`);
    }
    if (spec.lon !== undefined || spec.lat !== undefined) {
      junction.lon = checkNumber('junction', id, 'lon', spec.lon, { min: -180, max: 180 });
      junction.lat = checkNumber('junction', id, 'lat', spec.lat, { min: -90, max: 90 });
    }
    this.graph.addNode(id, junction);
    nullPrototypeAdjacency(this.graph, id);
    return junction;
  }

  /** Add a directed link. Throws `NetworkError` on unknown junctions, duplicate ids or bad physical data. */
  addLink(spec: LinkSpec): Link {
    const id = checkId('link', spec.id);
    if (this.graph.hasEdge(id)) throw new NetworkError('link', id, 'id', 'is a duplicate link id');
    for (const field of ['from', 'to'] as const) {
      if (typeof spec[field] !== 'string' || !this.graph.hasNode(spec[field])) {
        throw new NetworkError('link', id, field, `refers to unknown junction ${JSON.stringify(spec[field])}`);
      }
    }
    if (spec.from === spec.to) throw new NetworkError('link', id, 'to', `must differ from from (both ${JSON.stringify(spec.from)})`);
    let length = spec.length;
    if (length === undefined) {
      const a = this.graph.getNodeAttributes(spec.from);
      const b = this.graph.getNodeAttributes(spec.to);
      length = Math.hypot(b.x - a.x, b.y - a.y);
      if (length <= 0) throw new NetworkError('link', id, 'length', 'is missing and its junctions share coordinates');
    }
    const link: Link = {
      id,
      from: spec.from,
      to: spec.to,
      length: checkNumber('link', id, 'length', length, POSITIVE),
      lanes: checkNumber('link', id, 'lanes', spec.lanes ?? 1, { min: 1, max: MAX_LANES, integer: true }),
      speed: checkNumber('link', id, 'speed', spec.speed, POSITIVE),
      saturationFlow: checkNumber('link', id, 'saturationFlow', spec.saturationFlow ?? DEFAULT_SATURATION_FLOW, POSITIVE),
      jamSpacing: checkNumber('link', id, 'jamSpacing', spec.jamSpacing ?? DEFAULT_JAM_SPACING, POSITIVE),
    };
    if (spec.name !== undefined) link.name = String(spec.name);
    if (spec.names !== undefined) {
      if (typeof spec.names !== 'object' || spec.names === null || Object.values(spec.names).some((v) => typeof v !== 'string')) {
        throw new NetworkError('link', id, 'names', `must map language codes to names (strings), got ${JSON.stringify(spec.names)}`);
      }
      if (Object.keys(spec.names).length > 0) link.names = { ...spec.names };
    }
    if (spec.roadClass !== undefined) link.roadClass = String(spec.roadClass);
    if (spec.priority !== undefined) link.priority = checkNumber('link', id, 'priority', spec.priority, { min: -MAX_PRIORITY, max: MAX_PRIORITY, integer: true });
    if (spec.startUpLost !== undefined) link.startUpLost = checkNumber('link', id, 'startUpLost', spec.startUpLost, { min: LIMITS.linkStartUpLostS.min, max: LIMITS.linkStartUpLostS.max });
    if (spec.shape !== undefined) {
      if (!Array.isArray(spec.shape)) throw new NetworkError('link', id, 'shape', `must be an array of [x, y] points, got ${JSON.stringify(spec.shape)}`);
      spec.shape.forEach((p, i) => {
        if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          throw new NetworkError('link', id, `shape[${i}]`, `must be a point [x, y] of finite metres, got ${JSON.stringify(p)}`);
        }
      });
      if (spec.shape.length > 0) link.shape = spec.shape.map((p) => [p[0], p[1]] as const);
    }
    this.graph.addDirectedEdgeWithKey(id, spec.from, spec.to, link);
    return link;
  }

  /**
   * Permit a turn from link `from` to link `to`. They must meet (`from` ends where
   * `to` starts); lanes default to every lane of the approach. Throws `NetworkError`.
   */
  addMovement(spec: MovementSpec): Movement {
    const key = `${String(spec.from)} -> ${String(spec.to)}`;
    for (const field of ['from', 'to'] as const) {
      if (typeof spec[field] !== 'string' || !this.graph.hasEdge(spec[field])) {
        throw new NetworkError('movement', key, field, `refers to unknown link ${JSON.stringify(spec[field])}`);
      }
    }
    const a = this.graph.getEdgeAttributes(spec.from);
    const b = this.graph.getEdgeAttributes(spec.to);
    if (a.to !== b.from) {
      throw new NetworkError('movement', key, 'to', `starts at junction "${b.from}" but link "${a.id}" ends at junction "${a.to}": the links do not meet`);
    }
    const list = this.movementsByLink.get(a.id) ?? [];
    if (list.some((m) => m.to === b.id)) throw new NetworkError('movement', key, '', 'is a duplicate movement');
    let laneLinks: Array<readonly [number, number]> | undefined;
    if (spec.laneLinks !== undefined) {
      if (!Array.isArray(spec.laneLinks) || spec.laneLinks.length === 0) {
        throw new NetworkError('movement', key, 'laneLinks', 'must be a non-empty array of [approach lane, exit lane] pairs');
      }
      const seen = new Set<number>();
      laneLinks = [];
      for (const pair of spec.laneLinks) {
        const [from, to] = Array.isArray(pair) && pair.length === 2 ? pair : [NaN, NaN];
        if (!Number.isInteger(from) || from < 0 || from >= a.lanes || !Number.isInteger(to) || to < 0 || to >= b.lanes) {
          throw new NetworkError('movement', key, 'laneLinks', `holds ${JSON.stringify(pair)}: each must be [approach lane 0 to ${a.lanes - 1} of link "${a.id}", exit lane 0 to ${b.lanes - 1} of link "${b.id}"]`);
        }
        if (seen.has(from * 64 + to)) continue;
        seen.add(from * 64 + to);
        laneLinks.push([from, to]);
      }
      laneLinks.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    }
    let lanes: number[];
    if (spec.lanes === undefined) {
      lanes = laneLinks === undefined ? Array.from({ length: a.lanes }, (_, i) => i) : [...new Set(laneLinks.map((p) => p[0]))];
    } else {
      if (!Array.isArray(spec.lanes) || spec.lanes.length === 0) {
        throw new NetworkError('movement', key, 'lanes', 'must be a non-empty array of lane indices');
      }
      lanes = [...new Set(spec.lanes)].sort((p, q) => p - q);
      for (const lane of lanes) {
        if (!Number.isInteger(lane) || lane < 0 || lane >= a.lanes) {
          throw new NetworkError('movement', key, 'lanes', `holds ${String(lane)}, but link "${a.id}" has lanes 0 to ${a.lanes - 1}`);
        }
      }
    }
    if (laneLinks !== undefined && spec.lanes !== undefined) {
      const stray = laneLinks.find((p) => !lanes.includes(p[0]));
      if (stray) throw new NetworkError('movement', key, 'laneLinks', `holds [${stray[0]}, ${stray[1]}], but approach lane ${stray[0]} is not among the movement's lanes (${lanes.join(', ')})`);
    }
    const j0 = this.graph.getNodeAttributes(a.from);
    const j1 = this.graph.getNodeAttributes(a.to);
    const j2 = this.graph.getNodeAttributes(b.to);
    const turn = classifyTurn(j1.x - j0.x, j1.y - j0.y, j2.x - j1.x, j2.y - j1.y, b.to === a.from);
    const movement: Movement = { from: a.id, to: b.id, lanes, turn };
    if (spec.rightOfWay !== undefined) {
      if (spec.rightOfWay !== 'major' && spec.rightOfWay !== 'minor' && spec.rightOfWay !== 'stop') {
        throw new NetworkError('movement', key, 'rightOfWay', `must be "major", "minor" or "stop", got ${JSON.stringify(spec.rightOfWay)}`);
      }
      movement.rightOfWay = spec.rightOfWay;
    }
    if (spec.waitPoint !== undefined) {
      if (!inRange(spec.waitPoint, LIMITS.waitPointM)) throw new NetworkError('movement', key, 'waitPoint', `must be ${describeRange(LIMITS.waitPointM)} m, got ${describeValue(spec.waitPoint)}`);
      movement.waitPoint = spec.waitPoint;
    }
    if (spec.timeOffset !== undefined && spec.timeOffset !== 0) {
      const offset = spec.timeOffset;
      const free = a.length / a.speed;
      if (typeof offset !== 'number' || !Number.isFinite(offset) || free + offset < 0) {
        throw new NetworkError('movement', key, 'timeOffset', `must be a finite number of seconds no less than minus the approach link's free-flow time (${free.toFixed(3)} s), got ${String(offset)}`);
      }
      movement.timeOffset = offset;
    }
    if (spec.crossingSpeed !== undefined) {
      if (!inRange(spec.crossingSpeed * 3.6, LIMITS.speedKmh)) throw new NetworkError('movement', key, 'crossingSpeed', `must be ${describeRange(LIMITS.speedKmh)} km/h (as m/s), got ${describeValue(spec.crossingSpeed)}`);
      movement.crossingSpeed = spec.crossingSpeed;
    }
    if (laneLinks !== undefined) movement.laneLinks = laneLinks;
    list.push(movement);
    this.movementsByLink.set(a.id, list);
    this.movementTotal++;
    return movement;
  }

  /**
   * Permit every turn from each approach to each exit at the chosen junctions
   * (U-turns only if asked), skipping movements that already exist. Returns how
   * many were added. Generators and scenario files without explicit movements use it.
   */
  addDefaultMovements(options: DefaultMovementOptions = {}): number {
    const junctions = [...(options.junctions ?? this.graph.nodes())];
    // Check every id first, so a bad one leaves the network unchanged.
    for (const j of junctions) if (!this.graph.hasNode(j)) throw new NetworkError('junction', j, 'id', 'is not in the network');
    let added = 0;
    for (const j of junctions) {
      const ins = this.graph.inEdges(j);
      const outs = this.graph.outEdges(j);
      for (const inLink of ins) {
        const existing = this.movementsByLink.get(inLink);
        const upstream = this.graph.source(inLink);
        for (const outLink of outs) {
          if (!options.uTurns && this.graph.target(outLink) === upstream) continue;
          if (existing?.some((m) => m.to === outLink)) continue;
          this.addMovement({ from: inLink, to: outLink });
          added++;
        }
      }
    }
    return added;
  }

  /** The junction with this id, or throws `NetworkError`. */
  junction(id: string): Junction {
    if (!this.graph.hasNode(id)) throw new NetworkError('junction', id, 'id', 'is not in the network');
    return this.graph.getNodeAttributes(id);
  }

  /** The link with this id, or throws `NetworkError`. */
  link(id: string): Link {
    if (!this.graph.hasEdge(id)) throw new NetworkError('link', id, 'id', 'is not in the network');
    return this.graph.getEdgeAttributes(id);
  }

  /** Junctions in insertion order. */
  junctions(): Junction[] {
    return this.graph.mapNodes((_, attrs) => attrs);
  }

  /** Links in insertion order. */
  links(): Link[] {
    return this.graph.mapEdges((_, attrs) => attrs);
  }

  /** Movements leaving link `linkId` (its permitted turns), in insertion order. */
  movementsFrom(linkId: string): readonly Movement[] {
    return this.movementsByLink.get(linkId) ?? [];
  }

  /** Every movement, grouped by approach link in link insertion order. */
  movements(): Movement[] {
    const out: Movement[] = [];
    this.graph.forEachEdge((id) => {
      const list = this.movementsByLink.get(id);
      if (list) out.push(...list);
    });
    return out;
  }

  /**
   * Remove link `id` and every movement into or out of it (a road closed in a
   * what-if). Throws `NetworkError` when there is no such link.
   */
  removeLink(id: string): void {
    this.link(id);
    for (const [from, list] of this.movementsByLink) {
      const kept = from === id ? [] : list.filter((m) => m.to !== id);
      this.movementTotal -= list.length - kept.length;
      if (kept.length === 0) this.movementsByLink.delete(from);
      else this.movementsByLink.set(from, kept);
    }
    this.graph.dropEdge(id);
  }

  /**
   * Change the lanes or speed (m/s) of link `id` (a lane closed, a new limit in a
   * what-if). Its movements keep the lanes that remain; one left with none is
   * served by every lane. Throws `NetworkError` for a bad value or link.
   */
  updateLink(id: string, change: { lanes?: number; speed?: number }): void {
    const link = this.link(id);
    const lanes = change.lanes === undefined ? link.lanes : checkNumber('link', id, 'lanes', change.lanes, { min: 1, max: MAX_LANES, integer: true });
    const speed = change.speed === undefined ? link.speed : checkNumber('link', id, 'speed', change.speed, POSITIVE);
    link.lanes = lanes;
    link.speed = speed;
    const list = this.movementsByLink.get(id);
    if (list === undefined) return;
    this.movementsByLink.set(id, list.map((m) => {
      const kept = m.lanes.filter((l) => l < lanes);
      return { ...m, lanes: kept.length > 0 ? kept : Array.from({ length: lanes }, (_, i) => i) };
    }));
  }
}

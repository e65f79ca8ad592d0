/**
 * Reading a SUMO network file (`.net.xml`, `.net.xml.gz`) into plain records, in
 * one streamed pass (see ../xml.ts). Nothing here builds a greenwave network:
 * `network.ts` does that from these records, once every element has been seen
 * (SUMO writes edges before the junctions they join).
 *
 * What is kept, per the SUMO network file format
 * (https://sumo.dlr.de/docs/Networks/SUMO_Road_Networks.html): `<net lefthand>`;
 * junctions (id, type, x, y); edges with their lanes (index, speed, length,
 * allow/disallow); for internal edges (`function="internal"`, ids starting with
 * `:`) only each lane's length and speed, so a connection's path across the
 * junction can be measured; connections (from/to edge and lane, via, tl,
 * linkIndex, dir); `tlLogic` programs with their phases. Lane shapes, junction
 * shapes, requests, roundabouts and parameters are skipped as they stream past.
 */
import { InputError } from '../../errors.js';
import { readXml, type XmlElement } from '../xml.js';
import { MAX_PRIORITY } from '../../network/types.js';

/** A lane of a normal edge. */
export interface SumoLane {
  /** SUMO lane index: 0 is the outermost (kerb-side) lane. */
  index: number;
  /** m/s. */
  speed: number;
  /** m. */
  length: number;
  /** Space-separated vehicle classes from `allow`, if given. */
  allow?: string;
  /** Space-separated vehicle classes from `disallow`, if given. */
  disallow?: string;
}

/** A normal (non-internal) edge. */
export interface SumoEdge {
  id: string;
  from: string;
  to: string;
  name?: string;
  /** `allow`/`disallow` of the edge itself (lanes may override). */
  allow?: string;
  disallow?: string;
  /** SUMO edge `priority` (right of way at priority junctions: higher wins), if given. */
  priority?: number;
  lanes: SumoLane[];
  line: number;
}

/** A junction (internal junctions, ids starting with `:`, are not kept). */
export interface SumoJunction {
  id: string;
  type: string;
  x: number;
  y: number;
  line: number;
}

/** A connection between lanes of normal edges. */
export interface SumoConnection {
  from: string;
  to: string;
  fromLane: number;
  toLane: number;
  /** First internal lane crossing the junction, if any. */
  via?: string;
  /** Controlling traffic light id, if any. */
  tl?: string;
  /** Index into that traffic light's state strings. */
  linkIndex?: number;
  /** SUMO direction: s, l, r, t, L, R, invalid. */
  dir?: string;
  /** SUMO link state at an unsignalised junction: M (major), m (minor), s (stop), w (all-way stop), = (equal), Z (zipper), O (off). */
  state?: string;
  line: number;
}

/** One phase of a `tlLogic`. */
export interface SumoPhase {
  /** s. */
  duration: number;
  state: string;
  minDur?: number;
  maxDur?: number;
  line: number;
}

/** A traffic-light program. */
export interface SumoTlLogic {
  id: string;
  programID: string;
  type: string;
  /** s. */
  offset: number;
  phases: SumoPhase[];
  /** `<param key value>` children (actuated settings such as max-gap). */
  params: Map<string, string>;
  file: string;
  line: number;
}

/** Everything read from a network file. */
export interface SumoNet {
  file: string;
  lefthand: boolean;
  junctions: SumoJunction[];
  edges: SumoEdge[];
  /** Edge ids of the file that are not normal road edges (crossings, walking areas, connectors). */
  otherEdges: Set<string>;
  /** Junctions with a pedestrian crossing (`function="crossing"` edges, netconvert's ids `:<junction>_c<n>`). */
  crossingJunctions: Set<string>;
  connections: SumoConnection[];
  tlLogics: SumoTlLogic[];
  /** Internal lane id -> its row in `internalLength` / `internalSpeed`. */
  internalLanes: Map<string, number>;
  /** Internal lane lengths, m (first `internalLanes.size` entries). */
  internalLength: Float64Array;
  /** Internal lane speed limits, m/s. */
  internalSpeed: Float64Array;
  /** Internal lane id -> the next internal lane on the same path (internal junctions split a crossing in two). */
  internalNext: Map<string, string>;
  /** Signalled connections between internal lanes (pedestrian crossings): only their tl and linkIndex matter. */
  internalSignals: SumoConnection[];
}

/** Attribute helpers that fail with `file:line: element "id": ...`. */
export class Attributes {
  constructor(
    readonly file: string,
    readonly element: XmlElement,
    readonly label: string,
  ) {}

  error(message: string): InputError {
    return new InputError(`${this.file}:${this.element.line}`, `${this.label}: ${message}`);
  }

  optional(name: string): string | undefined {
    return this.element.attributes[name];
  }

  string(name: string): string {
    const value = this.element.attributes[name];
    if (value === undefined || value === '') throw this.error(`missing attribute ${name}`);
    return value;
  }

  number(name: string, fallback?: number): number {
    const raw = this.element.attributes[name];
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      throw this.error(`missing attribute ${name}`);
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) throw this.error(`attribute ${name} must be a number, got ${JSON.stringify(raw)}`);
    return value;
  }

  integer(name: string, fallback?: number): number {
    const value = this.number(name, fallback);
    if (!Number.isInteger(value) || value < 0) throw this.error(`attribute ${name} must be an integer >= 0, got ${JSON.stringify(this.element.attributes[name])}`);
    return value;
  }
}

/** Label of an element for messages: `edge "e3"`. */
export function labelOf(element: XmlElement): string {
  const id = element.attributes.id;
  return id === undefined ? element.name : `${element.name} "${id}"`;
}

/**
 * Read `tlLogic`/`phase` elements: shared by network and additional files.
 * Returns true when it consumed the element.
 */
export function readTlElement(file: string, element: XmlElement, into: SumoTlLogic[]): boolean {
  if (element.name === 'tlLogic') {
    const a = new Attributes(file, element, labelOf(element));
    into.push({
      id: a.string('id'),
      programID: a.optional('programID') ?? '0',
      type: a.optional('type') ?? 'static',
      offset: a.number('offset', 0),
      phases: [],
      params: new Map(),
      file,
      line: element.line,
    });
    return true;
  }
  if (element.name === 'phase' && element.parents[element.parents.length - 1] === 'tlLogic') {
    const logic = into[into.length - 1];
    const a = new Attributes(file, element, `tlLogic "${logic.id}" phase ${logic.phases.length}`);
    const duration = a.number('duration');
    if (duration < 0) throw a.error(`duration must be >= 0, got ${duration}`);
    const phase: SumoPhase = { duration, state: a.string('state'), line: element.line };
    if (a.optional('minDur') !== undefined) phase.minDur = a.number('minDur');
    if (a.optional('maxDur') !== undefined) phase.maxDur = a.number('maxDur');
    logic.phases.push(phase);
    return true;
  }
  if (element.name === 'param' && element.parents[element.parents.length - 1] === 'tlLogic') {
    const logic = into[into.length - 1];
    const a = new Attributes(file, element, `tlLogic "${logic.id}" param`);
    logic.params.set(a.string('key'), a.string('value'));
    return true;
  }
  return false;
}

/** Stream a SUMO network file into a {@link SumoNet}. Rejects with `InputError` (`file:line`). */
export async function readNetFile(file: string): Promise<SumoNet> {
  const net: SumoNet = {
    file,
    lefthand: false,
    junctions: [],
    edges: [],
    otherEdges: new Set(),
    crossingJunctions: new Set(),
    connections: [],
    tlLogics: [],
    internalLanes: new Map(),
    internalLength: new Float64Array(1024),
    internalSpeed: new Float64Array(1024),
    internalNext: new Map(),
    internalSignals: [],
  };
  let sawNet = false;
  /** The normal edge whose lanes are being read, or null inside an internal/other edge. */
  let edge: SumoEdge | null = null;
  let internalEdge = false;

  await readXml(file, {
    open(element) {
      const { name, attributes } = element;
      if (element.parents.length === 0) {
        if (name !== 'net') throw new InputError(`${file}:${element.line}`, `not a SUMO network file: the root element is <${name}>, expected <net>`);
        sawNet = true;
        net.lefthand = attributes.lefthand === 'true' || attributes.lefthand === '1';
        return;
      }
      if (readTlElement(file, element, net.tlLogics)) return;
      switch (name) {
        case 'edge': {
          const a = new Attributes(file, element, labelOf(element));
          const id = a.string('id');
          const fn = attributes.function ?? 'normal';
          edge = null;
          internalEdge = fn === 'internal';
          if (fn === 'normal' || fn === '') {
            edge = { id, from: a.string('from'), to: a.string('to'), lanes: [], line: element.line };
            if (attributes.name) edge.name = attributes.name;
            if (attributes.allow !== undefined) edge.allow = attributes.allow;
            if (attributes.disallow !== undefined) edge.disallow = attributes.disallow;
            if (attributes.priority !== undefined) {
              const priority = a.number('priority');
              if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) throw a.error(`attribute priority must be an integer from ${-MAX_PRIORITY} to ${MAX_PRIORITY}, got ${JSON.stringify(attributes.priority)}`);
              edge.priority = priority;
            }
            net.edges.push(edge);
          } else if (!internalEdge) {
            net.otherEdges.add(id);
            if (fn === 'crossing') net.crossingJunctions.add(id.replace(/^:/, '').replace(/_c\d+$/, ''));
          }
          return;
        }
        case 'lane': {
          if (element.parents[element.parents.length - 1] !== 'edge') return;
          const a = new Attributes(file, element, labelOf(element));
          const length = a.number('length');
          const speed = a.number('speed');
          if (internalEdge) {
            const row = net.internalLanes.size;
            if (row === net.internalLength.length) {
              const grow = (old: Float64Array) => {
                const next = new Float64Array(old.length * 2);
                next.set(old);
                return next;
              };
              net.internalLength = grow(net.internalLength);
              net.internalSpeed = grow(net.internalSpeed);
            }
            net.internalLanes.set(a.string('id'), row);
            net.internalLength[row] = length;
            net.internalSpeed[row] = speed;
            return;
          }
          if (!edge) return;
          if (!(length > 0)) throw a.error(`length must be > 0, got ${length}`);
          if (!(speed > 0)) throw a.error(`speed must be > 0, got ${speed}`);
          const lane: SumoLane = { index: a.integer('index'), speed, length };
          if (attributes.allow !== undefined) lane.allow = attributes.allow;
          if (attributes.disallow !== undefined) lane.disallow = attributes.disallow;
          edge.lanes.push(lane);
          return;
        }
        case 'junction': {
          const id = attributes.id;
          if (id === undefined || id.startsWith(':') || attributes.type === 'internal') return;
          const a = new Attributes(file, element, labelOf(element));
          net.junctions.push({ id, type: a.optional('type') ?? 'priority', x: a.number('x'), y: a.number('y'), line: element.line });
          return;
        }
        case 'connection': {
          const a = new Attributes(file, element, `connection ${attributes.from ?? '?'} -> ${attributes.to ?? '?'}`);
          const from = a.string('from');
          const to = a.string('to');
          if (from.startsWith(':')) {
            // Internal path: lane `${from}_${fromLane}` continues on `via` (or leaves the junction).
            const via = attributes.via;
            if (via !== undefined && via !== '') net.internalNext.set(`${from}_${a.integer('fromLane')}`, via);
            if (attributes.tl) net.internalSignals.push({ from, to, fromLane: a.integer('fromLane'), toLane: a.integer('toLane'), tl: attributes.tl, linkIndex: a.integer('linkIndex'), line: element.line });
            return;
          }
          const c: SumoConnection = { from, to, fromLane: a.integer('fromLane'), toLane: a.integer('toLane'), line: element.line };
          if (attributes.via) c.via = attributes.via;
          if (attributes.tl) {
            c.tl = attributes.tl;
            c.linkIndex = a.integer('linkIndex');
          }
          if (attributes.dir) c.dir = attributes.dir;
          if (attributes.state) c.state = attributes.state;
          net.connections.push(c);
          return;
        }
        default:
          return;
      }
    },
    close(name) {
      if (name === 'edge') {
        edge = null;
        internalEdge = false;
      }
    },
  });
  if (!sawNet) throw new InputError(file, 'not a SUMO network file: no <net> element');
  return net;
}

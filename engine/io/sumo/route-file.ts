/**
 * Reading SUMO demand files (`.rou.xml`, `.trips.xml`, `.rou.xml.gz`) into plain
 * records, streamed (see ../xml.ts). References (route ids, vehicle types, edge
 * ids) are resolved later, against the network, by `demand.ts`, so a vehicle may
 * use a route defined further down or in a later file.
 *
 * Elements read (https://sumo.dlr.de/docs/Definition_of_Vehicles%2C_Vehicle_Types%2C_and_Routes.html):
 * `vType` (also inside `vTypeDistribution`), `route` (named, or inside a
 * vehicle or flow), `routeDistribution` (named or inside a vehicle), `vehicle`,
 * `trip`, `flow` (also inside `interval`, whose begin/end it inherits). Persons,
 * containers and stops are counted and skipped.
 */
import { InputError } from '../../errors.js';
import { readXml, type XmlElement } from '../xml.js';
import { Attributes, labelOf } from './net-file.js';

/** Where an element was read. */
export interface Located {
  file: string;
  line: number;
}

/** A vehicle type (only what greenwave can use or must report). */
export interface SumoVType extends Located {
  id: string;
  /** m; SUMO default 5. */
  length: number;
  /** m; SUMO default 2.5. */
  minGap: number;
  /** m/s, if limited. */
  maxSpeed?: number;
  vClass: string;
  /** m/s², if given (SUMO default 2.6): for start-up losses. */
  accel?: number;
  /** m/s², if given (SUMO default 4.5): for the halt rule. */
  decel?: number;
  /** Krauss driver imperfection, if given (SUMO default 0.5): for dawdling. */
  sigma?: number;
  /** Spread of the desired-speed factor, if given (SUMO default 0.1 for cars): losses.ts. */
  speedDev?: number;
  /** Junction-model time gap a minor vehicle keeps before a foe (`jmTimegapMinor`), s, if given (SUMO default 1): sim/gap-acceptance.ts. */
  jmTimegapMinor?: number;
  /** Car-following attributes given that are not modelled (tau, speedFactor ...). */
  ignored: string[];
}

/** A route: edge ids, or a reference to a named route or distribution. */
export interface SumoRoute extends Located {
  id?: string;
  edges?: string[];
  /** `refId` of a route inside a distribution. */
  refId?: string;
  probability: number;
}

/** One vehicle, trip or flow, before resolution. */
export interface SumoDemandItem extends Located {
  kind: 'vehicle' | 'trip' | 'flow';
  id: string;
  type?: string;
  /** s (vehicles, trips); `NaN` for an unsupported depart such as "triggered". */
  depart?: number;
  departText?: string;
  /**
   * `departSpeed`: m/s, or "max" for SUMO's "max", "desired" and "speedLimit"
   * (the vehicle enters at the lane's speed in free flow); absent: from standstill.
   */
  departSpeed?: number | 'max';
  /** A `departSpeed` greenwave cannot follow ("random", "avg", "last"), as written. */
  departSpeedText?: string;
  /** `departLane` as written (absent: SUMO's default, "first"). */
  departLane?: string;
  /** Named route or route distribution id. */
  routeRef?: string;
  /** Embedded route or distribution (alternatives). */
  routes?: SumoRoute[];
  fromEdge?: string;
  toEdge?: string;
  fromJunction?: string;
  toJunction?: string;
  via?: string;
  /** Flow timing, s and veh/s as written. */
  begin?: number;
  end?: number;
  vehsPerHour?: number;
  period?: number;
  /** `period="exp(rate)"`: Poisson, rate veh/s. */
  expRate?: number;
  probability?: number;
  number?: number;
}

/** Everything read from the route files. */
export interface SumoDemand {
  vTypes: Map<string, SumoVType>;
  /** vTypeDistribution id -> member type ids. */
  typeDistributions: Map<string, string[]>;
  routes: Map<string, SumoRoute>;
  distributions: Map<string, SumoRoute[]>;
  items: SumoDemandItem[];
  skipped: Map<string, number>;
}

/** Parse a SUMO time: seconds, or [[d:]h:]m:s. NaN if neither. */
export function parseSumoTime(text: string): number {
  const t = text.trim();
  if (t === '') return NaN;
  if (!t.includes(':')) return Number(t);
  const parts = t.split(':').map(Number);
  if (parts.length > 4 || parts.some((p) => !Number.isFinite(p))) return NaN;
  const scale = [86400, 3600, 60, 1].slice(4 - parts.length);
  return parts.reduce((s, p, i) => s + p * scale[i], 0);
}

const CAR_FOLLOWING = ['emergencyDecel', 'tau', 'speedFactor', 'carFollowModel', 'laneChangeModel', 'actionStepLength'];
const SKIPPED = new Set(['person', 'personFlow', 'container', 'containerFlow']);

function time(a: Attributes, name: string): number | undefined {
  const raw = a.optional(name);
  if (raw === undefined) return undefined;
  const value = parseSumoTime(raw);
  if (!Number.isFinite(value)) throw a.error(`attribute ${name} must be a time in seconds, got ${JSON.stringify(raw)}`);
  return value;
}

function positive(a: Attributes, name: string): number | undefined {
  if (a.optional(name) === undefined) return undefined;
  const value = a.number(name);
  if (!(value > 0)) throw a.error(`attribute ${name} must be > 0, got ${value}`);
  return value;
}

/** Stream SUMO route files into one {@link SumoDemand}. Rejects with `InputError` (`file:line`). */
export async function readRouteFiles(files: readonly string[]): Promise<SumoDemand> {
  const demand: SumoDemand = { vTypes: new Map(), typeDistributions: new Map(), routes: new Map(), distributions: new Map(), items: [], skipped: new Map() };
  for (const file of files) await readRouteFile(file, demand);
  return demand;
}

async function readRouteFile(file: string, demand: SumoDemand): Promise<void> {
  let item: SumoDemandItem | null = null;
  let distribution: { id?: string; routes: SumoRoute[] } | null = null;
  let typeDistribution: string[] | null = null;
  let interval: { begin?: number; end?: number } | null = null;
  let skipDepth = -1;
  const skip = (name: string) => demand.skipped.set(name, (demand.skipped.get(name) ?? 0) + 1);

  const readRoute = (element: XmlElement, a: Attributes): SumoRoute => {
    const route: SumoRoute = { file, line: element.line, probability: a.number('probability', 1) };
    if (route.probability < 0) throw a.error(`probability must be >= 0, got ${route.probability}`);
    const id = a.optional('id');
    if (id !== undefined) route.id = id;
    const edges = a.optional('edges');
    const refId = a.optional('refId');
    if (edges !== undefined) route.edges = edges.trim().split(/\s+/).filter((e) => e !== '');
    else if (refId !== undefined) route.refId = refId;
    else throw a.error('needs edges (or refId inside a routeDistribution)');
    if (route.edges && route.edges.length === 0) throw a.error('edges is empty');
    for (const attr of ['repeat', 'cycleTime']) if (a.optional(attr) !== undefined) skip(`route attribute ${attr}`);
    return route;
  };

  await readXml(file, {
    open(element) {
      const depth = element.parents.length;
      if (skipDepth >= 0) return;
      const { name } = element;
      if (depth === 0) {
        if (name !== 'routes' && name !== 'additional') throw new InputError(`${file}:${element.line}`, `not a SUMO route file: the root element is <${name}>, expected <routes>`);
        return;
      }
      const a = new Attributes(file, element, labelOf(element));
      if (SKIPPED.has(name)) {
        skip(name);
        skipDepth = depth;
        return;
      }
      switch (name) {
        case 'vType': {
          const id = a.string('id');
          const ignored = CAR_FOLLOWING.filter((k) => a.optional(k) !== undefined);
          const type: SumoVType = { id, file, line: element.line, length: positive(a, 'length') ?? 5, minGap: a.number('minGap', 2.5), vClass: a.optional('vClass') ?? 'passenger', ignored };
          if (type.minGap < 0) throw a.error(`minGap must be >= 0, got ${type.minGap}`);
          const maxSpeed = positive(a, 'maxSpeed');
          if (maxSpeed !== undefined) type.maxSpeed = maxSpeed;
          const accel = positive(a, 'accel');
          if (accel !== undefined) type.accel = accel;
          const decel = positive(a, 'decel');
          if (decel !== undefined) type.decel = decel;
          if (a.optional('sigma') !== undefined) {
            type.sigma = a.number('sigma', 0.5);
            if (!(type.sigma >= 0 && type.sigma <= 1)) throw a.error(`sigma must be within [0, 1], got ${type.sigma}`);
          }
          if (a.optional('speedDev') !== undefined) {
            type.speedDev = a.number('speedDev', 0.1);
            if (!(type.speedDev >= 0 && type.speedDev <= 1)) throw a.error(`speedDev must be within [0, 1], got ${type.speedDev}`);
          }
          if (a.optional('jmTimegapMinor') !== undefined) {
            type.jmTimegapMinor = a.number('jmTimegapMinor', 1);
            if (!(type.jmTimegapMinor >= 0 && Number.isFinite(type.jmTimegapMinor))) throw a.error(`jmTimegapMinor must be a finite number of seconds >= 0, got ${type.jmTimegapMinor}`);
          }
          demand.vTypes.set(id, type);
          typeDistribution?.push(id);
          return;
        }
        case 'vTypeDistribution': {
          typeDistribution = [];
          demand.typeDistributions.set(a.string('id'), typeDistribution);
          const members = a.optional('vTypes');
          if (members) typeDistribution.push(...members.trim().split(/\s+/));
          return;
        }
        case 'routeDistribution': {
          distribution = { routes: [] };
          const id = a.optional('id');
          if (id !== undefined) distribution.id = id;
          else if (!item) throw a.error('a routeDistribution outside a vehicle needs an id');
          return;
        }
        case 'route': {
          const route = readRoute(element, a);
          if (distribution) distribution.routes.push(route);
          else if (item) item.routes = [route];
          else {
            if (route.id === undefined) throw a.error('a route outside a vehicle needs an id');
            demand.routes.set(route.id, route);
          }
          return;
        }
        case 'interval':
          interval = {};
          if (a.optional('begin') !== undefined) interval.begin = time(a, 'begin');
          if (a.optional('end') !== undefined) interval.end = time(a, 'end');
          return;
        case 'vehicle':
        case 'trip':
        case 'flow': {
          const it: SumoDemandItem = { kind: name, id: a.string('id'), file, line: element.line };
          for (const key of ['type', 'via'] as const) {
            const value = a.optional(key);
            if (value !== undefined) it[key] = value;
          }
          const route = a.optional('route');
          if (route !== undefined) it.routeRef = route;
          const departLane = a.optional('departLane');
          if (departLane !== undefined) it.departLane = departLane;
          const departSpeed = a.optional('departSpeed');
          if (departSpeed === 'max' || departSpeed === 'desired' || departSpeed === 'speedLimit') it.departSpeed = 'max';
          else if (departSpeed === 'random' || departSpeed === 'avg' || departSpeed === 'last') it.departSpeedText = departSpeed;
          else if (departSpeed !== undefined) {
            const value = Number(departSpeed);
            if (departSpeed.trim() === '' || !(Number.isFinite(value) && value >= 0)) {
              throw a.error(`departSpeed must be a speed in m/s >= 0 or one of max, desired, speedLimit, random, avg, last, got ${JSON.stringify(departSpeed)}`);
            }
            if (value > 0) it.departSpeed = value;
          }
          const from = a.optional('from');
          const to = a.optional('to');
          if (from !== undefined) it.fromEdge = from;
          if (to !== undefined) it.toEdge = to;
          const fromJ = a.optional('fromJunction');
          const toJ = a.optional('toJunction');
          if (fromJ !== undefined) it.fromJunction = fromJ;
          if (toJ !== undefined) it.toJunction = toJ;
          if (a.optional('fromTaz') !== undefined || a.optional('toTaz') !== undefined) skip('fromTaz/toTaz (traffic zones)');
          if (name === 'flow') {
            it.begin = time(a, 'begin') ?? interval?.begin ?? 0;
            const end = time(a, 'end') ?? interval?.end;
            if (end !== undefined) it.end = end;
            const vph = a.optional('vehsPerHour') ?? a.optional('vehsperhour');
            if (vph !== undefined) it.vehsPerHour = Number(vph);
            const period = a.optional('period');
            if (period !== undefined) {
              const exp = /^exp\((.*)\)$/.exec(period.trim());
              if (exp) it.expRate = Number(exp[1]);
              else it.period = parseSumoTime(period);
            }
            const probability = a.optional('probability');
            if (probability !== undefined) it.probability = Number(probability);
            const number = a.optional('number');
            if (number !== undefined) it.number = Number(number);
            for (const [key, value] of [['vehsPerHour', it.vehsPerHour], ['period', it.period ?? it.expRate], ['probability', it.probability], ['number', it.number]] as const) {
              if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw a.error(`${key} must be a number >= 0, got ${JSON.stringify(a.optional(key))}`);
            }
          } else {
            const depart = a.string('depart');
            const value = parseSumoTime(depart);
            it.depart = depart === 'begin' ? -Infinity : value;
            if (!Number.isFinite(it.depart) && depart !== 'begin') {
              if (/^\d|^-/.test(depart)) throw a.error(`depart must be a time in seconds, got ${JSON.stringify(depart)}`);
              it.depart = NaN;
              it.departText = depart;
            }
          }
          item = it;
          demand.items.push(it);
          return;
        }
        case 'stop':
          skip('stop');
          return;
        default:
          return;
      }
    },
    close(name) {
      if (skipDepth >= 0) {
        if (name === 'person' || name === 'personFlow' || name === 'container' || name === 'containerFlow') skipDepth = -1;
        return;
      }
      if (name === 'routeDistribution' && distribution) {
        if (distribution.id !== undefined) {
          demand.distributions.set(distribution.id, distribution.routes);
          if (item && !item.routes && !item.routeRef) item.routeRef = distribution.id;
        } else if (item) {
          item.routes = distribution.routes;
        }
        distribution = null;
      } else if (name === 'vTypeDistribution') {
        typeDistribution = null;
      } else if (name === 'interval') {
        interval = null;
      } else if (name === 'vehicle' || name === 'trip' || name === 'flow') {
        item = null;
      }
    },
  });
}

/**
 * Plain data shapes of a road network, in SI units (metres, seconds, m/s, veh/s).
 * These are what `RoadNetwork` accepts and returns; scenario files use planners'
 * units and are converted to these once, at load.
 */

/** How a junction is controlled. */
export type JunctionControl = 'signal' | 'priority' | 'uncontrolled';

/** Which side of the road vehicles drive on (`left` in Macau, Hong Kong, UK, Japan). */
export type DrivingSide = 'left' | 'right';

/**
 * Geometric kind of a turn, from the angle between the approach and exit links.
 * Which of `left`/`right` crosses oncoming traffic depends on the driving side:
 * see {@link isFarSideTurn}.
 */
export type TurnKind = 'straight' | 'left' | 'right' | 'uturn';

/** A junction (graph node). Coordinates are planar metres (x east, y north). */
export interface JunctionSpec {
  id: string;
  /** Easting, m. */
  x: number;
  /** Northing, m. */
  y: number;
  /** Optional WGS84 longitude, degrees. */
  lon?: number;
  /** Optional WGS84 latitude, degrees. */
  lat?: number;
  /** Default `uncontrolled`. */
  control?: JunctionControl;
}

/** A directed link (one carriageway direction between two junctions). */
export interface LinkSpec {
  id: string;
  /** Upstream junction id. */
  from: string;
  /** Downstream junction id. */
  to: string;
  /** Length, m. Default: the straight-line distance between the junctions. */
  length?: number;
  /** Number of lanes (positive integer). Default 1. */
  lanes?: number;
  /** Free-flow speed, m/s. */
  speed: number;
  /** Saturation flow per lane, veh/s. Default 0.5 (1,800 veh/h). */
  saturationFlow?: number;
  /** Jam spacing (space one stopped vehicle takes), m. Default 7.5. */
  jamSpacing?: number;
  /**
   * Start-up lost time of a queue at the beginning of each green on this link, s
   * (a green of g s serves (g - this) x saturation flow per lane; below 0 the first
   * vehicles leave at the start of green). Default: the vehicle class's
   * (sim/losses.ts); a class without start-up lost time ignores it. The SUMO
   * import sets it by lane speed: SUMO's queues reach their discharge headway
   * sooner on slower roads.
   */
  startUpLost?: number;
  /** Optional street name, for reports. */
  name?: string;
  /** Names in other languages by language code (OSM `name:pt`, `name:zh`), for reports. */
  names?: Readonly<Record<string, string>>;
  /** Road class (an OSM `highway` value such as `primary` or `residential`), for reports. */
  roadClass?: string;
  /**
   * Right-of-way rank at unsignalised priority junctions (an integer, higher wins; SUMO's
   * edge `priority`, an OSM importer's highway class). The major road is the pair of
   * opposite approaches with the highest rank; equal ranks fall back to lanes x speed.
   * Default 0.
   */
  priority?: number;
  /**
   * Shape points strictly between the two junctions, planar metres `[x, y]`, in the
   * direction of travel: the link is drawn through them. Default none (a straight line).
   * Drawing only: `length` is what the simulation uses.
   */
  shape?: ReadonlyArray<readonly [number, number]>;
}

/** A permitted turn from one link to another at the junction where they meet. */
export interface MovementSpec {
  /** Approach link id. */
  from: string;
  /** Exit link id. */
  to: string;
  /**
   * Lanes of the approach link that serve this movement, 0 = the kerb-side lane.
   * Default: every lane.
   */
  lanes?: readonly number[];
  /**
   * Right of way at an unsignalised priority junction, as the source states it (SUMO
   * connection state `M` = major; `m` = minor, a yield; `s` = stop, a minor movement
   * whose vehicles must halt before they may go): a minor movement yields to the
   * major movements of the junction's other approaches. Default: derived from the
   * junction's major road (see {@link LinkSpec.priority}). At a signal only
   * `stop` counts: the movement's permissive green is a green after stopping
   * (SUMO's `s`, a right turn on red): its vehicles halt, then yield to the
   * movements of the other approaches entering its exit (sim/conflicts.ts).
   */
  rightOfWay?: RightOfWay;
  /**
   * Distance from the stop line, along the turn, to the point inside the junction
   * where its vehicles wait for a gap in a conflicting stream, m (SUMO: the length
   * of the connection's first internal lane when an internal junction ends it; 0
   * when its vehicles wait at the stop line). Sets how many vehicles of a permissive
   * turn wait inside the junction (sim/junction-storage.ts). Default: estimated
   * from the junction's size.
   */
  waitPoint?: number;
  /**
   * Free-flow time this turn adds to its approach link's, s (negative: takes
   * off): a vehicle that leaves the approach through this movement reaches its
   * stop line `timeOffset` later than the link's free-flow time says, and routes
   * through it cost as much more. Importers set it where the source gives turns
   * their own crossing paths (SUMO internal lanes: each movement's crossing time
   * minus the mean its approach link's length already holds); link free-flow
   * time plus offset must stay >= 0. Default 0. (OSM and generated networks
   * could derive it from turn geometry; none does yet.)
   */
  timeOffset?: number;
  /**
   * Speed limit of the turn's path where it crosses the stop line, m/s (SUMO: the
   * speed of the connection's first internal lane, which its vehicles slow down
   * to). With SUMO's car it sets what the cautious approach to a minor link costs
   * (sim/sumo-lane.ts). Default: not stated (the approach and exit links'
   * speeds).
   */
  crossingSpeed?: number;
  /**
   * Lane-level connections of the turn: each pair is an approach lane (0 = the
   * kerb-side lane) and the exit link's lane it leads to (SUMO connections'
   * `fromLane`/`toLane`). A vehicle of this movement drives in the approach lanes
   * that lead to the exit lanes its next turn uses, so one that waits for a full
   * lane group of the exit link holds only those lanes: the movement's vehicles in
   * other lanes still go (sim/lane-groups.ts). Approach lanes default to the pairs'
   * (when `lanes` is given, the pairs must lie in it). Default: not stated (a
   * vehicle waiting for a full group of the exit holds the whole movement).
   */
  laneLinks?: readonly (readonly [number, number])[];
}

/** Explicit right of way of a movement at a priority junction. */
export type RightOfWay = 'major' | 'minor' | 'stop';

/** A junction as stored, with defaults applied. */
export interface Junction extends Required<Omit<JunctionSpec, 'lon' | 'lat'>> {
  lon?: number;
  lat?: number;
}

/** A link as stored, with defaults applied. */
export interface Link extends Required<Omit<LinkSpec, 'name' | 'names' | 'roadClass' | 'shape' | 'priority' | 'startUpLost'>> {
  name?: string;
  priority?: number;
  startUpLost?: number;
  names?: Readonly<Record<string, string>>;
  roadClass?: string;
  shape?: ReadonlyArray<readonly [number, number]>;
}

/** A movement as stored, with its turn kind computed. */
export interface Movement {
  from: string;
  to: string;
  /** Approach lanes serving it, ascending, 0 = kerb side. */
  lanes: readonly number[];
  /** Geometric turn kind. */
  turn: TurnKind;
  /** Right of way stated by the source, if any. */
  rightOfWay?: RightOfWay;
  /** Distance from the stop line to where its vehicles wait for a gap inside the junction, if stated, m. */
  waitPoint?: number;
  /** Free-flow time added to the approach link's for vehicles taking this turn, s (see {@link MovementSpec.timeOffset}); absent = 0. */
  timeOffset?: number;
  /** Speed limit of the turn's path at the stop line, if stated, m/s (see {@link MovementSpec.crossingSpeed}). */
  crossingSpeed?: number;
  /** Lane-level connections as [approach lane, exit lane] pairs, if stated (see {@link MovementSpec.laneLinks}). */
  laneLinks?: readonly (readonly [number, number])[];
}

/** Default saturation flow per lane: 1,800 veh/h = 0.5 veh/s. */
export const DEFAULT_SATURATION_FLOW = 1800 / 3600;
/** Default jam spacing, m. */
export const DEFAULT_JAM_SPACING = 7.5;
/** Most lanes a link may have (movement lane sets are 32-bit masks when compiled). */
export const MAX_LANES = 32;
/** Largest magnitude of a link's right-of-way rank (`LinkSpec.priority`). */
export const MAX_PRIORITY = 1_000_000;

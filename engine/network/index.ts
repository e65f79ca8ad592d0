/**
 * Public API of the road-network layer (`greenwave/network`): the authoring
 * graph and its validation, the compiled form (and the codes its typed arrays
 * use), turns, connectivity, and the synthetic network generators.
 */
export { RoadNetwork } from './road-network.js';
export type { RoadNetworkOptions, DefaultMovementOptions } from './road-network.js';
export { compile } from './compile.js';
export type { CompileOptions } from './compile.js';
export { CompiledNetwork, CONTROL_CODE, CONTROL_KINDS, RIGHT_OF_WAY_CODE } from './compiled.js';
export type { CompiledCounts } from './compiled.js';
export { classifyTurn, turnAngle, isFarSideTurn, isNearSideTurn, TURN_CODE, TURN_KINDS } from './turns.js';
export { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, MAX_LANES } from './types.js';
export type {
  DrivingSide, Junction, JunctionControl, JunctionSpec, Link, LinkSpec, Movement, MovementSpec, RightOfWay, TurnKind,
} from './types.js';
export { junctionName, linkPolyline, isGeographic, roadClassPriority, roadClassRank, routeStreet } from './labels.js';
export { analyseConnectivity } from './connectivity.js';
export type { ConnectivityReport, ConnectivityWarning, ConnectivityWarningKind, LinkConnectivityWarning, JunctionConnectivityWarning } from './connectivity.js';
export {
  grid, corridor, ring, DEFAULT_GRID_SPACING, DEFAULT_SIDE_LENGTH, DEFAULT_GENERATOR_LANES, DEFAULT_GENERATOR_SPEED, DEFAULT_SIDE_LANES,
} from './generators/index.js';
export type { GridOptions, CorridorOptions, RingOptions, GeneratorOptions, LonLat, Point, SideStreetOptions, SignalPolicy } from './generators/index.js';

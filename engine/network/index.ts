/** Public API of the road-network layer. */
export { RoadNetwork } from './road-network.js';
export type { RoadNetworkOptions, DefaultMovementOptions } from './road-network.js';
export { compile } from './compile.js';
export type { CompileOptions } from './compile.js';
export { CompiledNetwork, CONTROL_CODE, CONTROL_KINDS, COMPILED_MAGIC, COMPILED_VERSION } from './compiled.js';
export type { CompiledCounts } from './compiled.js';
export { classifyTurn, turnAngle, isFarSideTurn, isNearSideTurn, TURN_CODE, TURN_KINDS } from './turns.js';
export { DEFAULT_JAM_SPACING, DEFAULT_SATURATION_FLOW, MAX_LANES } from './types.js';
export type {
  DrivingSide, Junction, JunctionControl, JunctionSpec, Link, LinkSpec, Movement, MovementSpec, TurnKind,
} from './types.js';
export { junctionName, linkPolyline, isGeographic, roadClassRank, routeStreet } from './labels.js';
export { analyseConnectivity } from './connectivity.js';
export type { ConnectivityReport, ConnectivityWarning, ConnectivityWarningKind, LinkConnectivityWarning, JunctionConnectivityWarning } from './connectivity.js';
export * from './generators/index.js';

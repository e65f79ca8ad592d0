/** Public API of the demand layer: seeded random streams, time-of-day profiles, demand expansion. */
export { RandomStream, createRandom } from './random.js';
export { createProfile } from './profile.js';
export type { Profile, ProfilePoint } from './profile.js';
export { expandDemand } from './expand.js';
export type { ArrivalProcess, DemandSpec, FlowSpec, OdMatrixSpec, RouteFields, TripSpec, TripTable } from './demand.js';
export { scaleDemand } from './scale.js';
export { resolveCounts, CountsError } from './counts.js';
export type { CountPlace, CountRecord, CountLocation, CountRow, CountSet } from './counts.js';
export { swapRoutes, gapWeightedShares, withRoutes } from './route-swap.js';
export type { RouteSet, SwapResult } from './route-swap.js';

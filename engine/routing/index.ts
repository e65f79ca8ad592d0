/** Public API of the routing layer (`greenwave/routing`): the router over a compiled network and its options and results. */
export { createRouter } from './router.js';
export type { Router, RouterOptions, OneToOneAlgorithm, ShortestPathTree, BatchRoutes } from './router.js';
export type { HeapKind } from './heap.js';
export { createTimeDependentRouter, freeFlowCosts, traverse } from './time-dependent.js';
export type { IntervalCosts, TimedTrips, TimeDependentRouter } from './time-dependent.js';

/** Public API of the routing layer. */
export { createRouter } from './router.js';
export type { Router, RouterOptions, OneToOneAlgorithm, ShortestPathTree, BatchRoutes } from './router.js';
export { TypedHeap, FastPriorityQueueHeap, createQueue } from './heap.js';
export type { MinQueue, HeapKind } from './heap.js';

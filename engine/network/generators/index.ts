/** The synthetic network generators (re-exports only; public through `greenwave/network`). */
export { grid, DEFAULT_GRID_SPACING } from './grid.js';
export type { GridOptions } from './grid.js';
export { corridor, DEFAULT_SIDE_LENGTH } from './corridor.js';
export type { CorridorOptions } from './corridor.js';
export { ring } from './ring.js';
export type { RingOptions } from './ring.js';
export { DEFAULT_GENERATOR_LANES, DEFAULT_GENERATOR_SPEED, DEFAULT_SIDE_LANES } from './common.js';
export type { GeneratorOptions, LonLat, Point, SideStreetOptions, SignalPolicy } from './common.js';

/** Dynamic user equilibrium by iterated simulation (`equilibrate`) and the link travel-time recorder it measures with. */
export { equilibrate, equilibrateSteps, resolveEquilibriumOptions, DEFAULT_EQUILIBRIUM_OPTIONS } from './equilibrium.js';
export type { EquilibriumOptions, EquilibriumIteration, EquilibriumResult } from './equilibrium.js';
export { LinkTimeRecorder } from './link-times.js';

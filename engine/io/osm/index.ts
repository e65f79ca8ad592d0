/** OpenStreetMap import: public names (re-exports only). */
export { importOsm } from './import.js';
export { DEFAULT_OSM_OPTIONS } from './options.js';
export type { OsmImportOptions } from './options.js';
export { morningPeakDemand, DEFAULT_MORNING_PEAK } from './demand.js';
export type { MorningPeakOptions } from './demand.js';
export { DEFAULT_CLASSES, CLASS_DEFAULTS, parseMaxspeed, standardClass } from './tags.js';
export type { SpeedValue } from './tags.js';
export { drivingSideOf, countrySpeedKmh } from './countries.js';

/** OpenStreetMap import: public names (re-exports only). */
export { importOsm, DEFAULT_OSM_OPTIONS } from './import.js';
export type { OsmImportOptions } from './import.js';
export { morningPeakDemand, DEFAULT_MORNING_PEAK } from './demand.js';
export type { MorningPeakOptions } from './demand.js';
export { DEFAULT_CLASSES, CLASS_DEFAULTS, parseMaxspeed, standardClass } from './tags.js';
export type { SpeedValue } from './tags.js';
export { drivingSideOf, countrySpeedKmh } from './countries.js';

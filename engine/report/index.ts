/** Public API of the report layer: output files of a run. */
export { writeOutputs, summaryOf, networkGeoJson, csvField, OUTPUT_FILE_NAMES } from './outputs.js';
export type { Provenance } from './outputs.js';
export { summarise, summariseMetrics, studentTQuantile, incompleteBeta } from './stats.js';
export type { Summary, MetricSummaries } from './stats.js';

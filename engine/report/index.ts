/** Public API of the report layer: output files of a run. */
export { writeOutputs, summaryOf, networkGeoJson, csvField, OUTPUT_FILE_NAMES } from './outputs.js';
export type { Provenance } from './outputs.js';
export { summarise, summariseMetrics, studentTQuantile, incompleteBeta } from './stats.js';
export type { Summary, MetricSummaries } from './stats.js';
export { renderReport, renderReportHtml } from './html/render.js';
export type { ReportOptions } from './html/render.js';
export { loadReportData, REPORT_INPUT_FILES, COMPARISON_METRICS } from './html/data.js';
export type { ReportData, ReportLink, ReportJunction, ReportTimeSample, ReportJunctionSeries, ConvergencePoint, Comparison, CorridorFile } from './html/data.js';
export { escapeHtml, html, Html } from './html/escape.js';
export type { HtmlValue } from './html/escape.js';
export { writeRecordings, junctionSeriesCsv, linkFlowsCsv, corridorJson, RECORDING_FILE_NAMES } from './html/recordings.js';
export type { Recordings } from './html/recordings.js';
export { LOS_COLOURS, LOS_GRADES, NO_DATA_COLOUR, speedRatioColour, vcColour, losColour } from './html/colours.js';

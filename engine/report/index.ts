/**
 * Public API of the report layer (`greenwave/report`): a run's output files,
 * its results keyed by id, the report recorders and their files, plan comparisons on held-out seeds, and
 * the self-contained HTML report.
 */
export { writeOutputs, summaryOf, networkGeoJson, OUTPUT_FILE_NAMES } from './outputs.js';
export type { Provenance } from './outputs.js';
export { junctionsById, linksById, tripsById } from './by-id.js';
export type { JunctionRecord, LinkRecord, TripRecord } from './by-id.js';
export { summarise, summariseMetrics } from './stats.js';
export type { Summary, MetricSummaries } from './stats.js';
export { comparePlans, judge, pairedDifference, versusBestBaseline, COMPARED_METRICS } from './compare.js';
export type { Comparison, ComparisonRow, CompareOptions, ComparedMetric, Verdict, VersusBest } from './compare.js';
export { compareScenarios, WHAT_IF_METRICS } from './what-if.js';
export type { ScenarioRuns, WhatIfComparison, VariantComparison, ElementDifference, WhatIfMetric } from './what-if.js';
export { timingRows, timingCsv, movementLabel, TIMING_COLUMNS } from './timing.js';
export type { TimingRow } from './timing.js';
export { outputMetadata, METADATA_FILE, FILE_CATALOGUE, UNIT_CONVENTION } from './metadata.js';
export { JunctionSeries } from './recorders/junction-series.js';
export type { JunctionSeriesOptions, JunctionSeriesResult } from './recorders/junction-series.js';
export { CorridorTrace } from './recorders/corridor-trace.js';
export type { CorridorTraceOptions, CorridorTraceResult } from './recorders/corridor-trace.js';
export { corridorPlan, corridorRoute, defaultCorridor } from './recorders/corridor.js';
export type { CorridorPlan } from './recorders/corridor.js';
export { reportRecorders } from './recorders/report-recorders.js';
export type { ReportRecorderOptions, ReportRecorders } from './recorders/report-recorders.js';
export { writeRecordings, RECORDING_FILE_NAMES } from './recordings.js';
export type { Recordings } from './recordings.js';
export { renderReport, renderReportHtml } from './html/render.js';
export type { ReportOptions } from './html/render.js';
export { loadReportData } from './html/read.js';
export { runReportData } from './html/run-data.js';
export type { RunReportInput } from './html/run-data.js';
export { writeReport, writeRunReport } from './html/write.js';
export type { WrittenReport } from './html/write.js';
export { REPORT_INPUT_FILES } from './html/data.js';
export type {
  ReportData, ReportSummary, ReportLink, ReportJunction, ReportJunctionSeries, ConvergencePoint, ComparisonFile, CorridorFile,
} from './html/data.js';

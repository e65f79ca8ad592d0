/**
 * Writing report pages: `writeReport(dir)` renders an outputs directory into
 * `dir/report.html` (what `greenwave report` does); `writeRunReport(dir, run)`
 * writes a run's recordings and its page rendered from memory (what
 * `greenwave run --report` does once the run's outputs are written).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRecordings, type Recordings } from '../recordings.js';
import { renderReport, renderReportHtml, type ReportOptions } from './render.js';
import { runReportData, type RunReportInput } from './run-data.js';

/** Where a page was written and its size, bytes. */
export interface WrittenReport {
  /** The page's path. */
  path: string;
  /** Its size, bytes (UTF-8). */
  bytes: number;
}

async function writePage(path: string, page: string): Promise<WrittenReport> {
  await writeFile(path, page);
  return { path, bytes: Buffer.byteLength(page) };
}

/** Render the report of outputs directory `dir` into `out` (default `dir/report.html`). */
export async function writeReport(dir: string, out?: string, options: ReportOptions = {}): Promise<WrittenReport> {
  return writePage(out ?? join(dir, 'report.html'), await renderReport(dir, options));
}

/**
 * After a run wrote its outputs into `dir` (`writeOutputs`): write its
 * recordings (`writeRecordings`) and `dir/report.html`, rendered from the run
 * in memory (`runReportData`). Resolves to the paths written, the page last.
 */
export async function writeRunReport(dir: string, run: RunReportInput & { recordings: Recordings }, options: ReportOptions = {}): Promise<string[]> {
  const written = await writeRecordings(dir, run.net, run.trips, run.recordings, run.provenance);
  written.push((await writePage(join(dir, 'report.html'), renderReportHtml(runReportData(run), options))).path);
  return written;
}

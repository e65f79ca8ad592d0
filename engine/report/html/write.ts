/**
 * Writing report pages: `writeReport(dir)` renders an outputs directory into
 * `dir/report.html` (what `greenwave report` does); `writeRunReport(dir, run)`
 * writes a run's recordings and its page rendered from memory (what
 * `greenwave run --report` does once the run's outputs are written). Pages are
 * written atomically, or through the caller's sink (its run manifest).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../text/atomic-file.js';
import type { OutputSink } from '../outputs.js';
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
  await writeFileAtomic(path, page);
  return { path, bytes: Buffer.byteLength(page) };
}

/** Render the report of outputs directory `dir` into `out` (default `dir/report.html`, through `sink` when given). */
export async function writeReport(dir: string, out?: string, options: ReportOptions = {}, sink?: OutputSink): Promise<WrittenReport> {
  const page = await renderReport(dir, options);
  if (sink !== undefined && out === undefined) return { path: await sink.write('report.html', page), bytes: Buffer.byteLength(page) };
  return writePage(out ?? join(dir, 'report.html'), page);
}

/**
 * After a run wrote its outputs into `dir` (`writeOutputs`): write its
 * recordings (`writeRecordings`) and `dir/report.html`, rendered from the run
 * in memory (`runReportData`). Resolves to the paths written, the page last.
 */
export async function writeRunReport(dir: string, run: RunReportInput & { recordings: Recordings }, options: ReportOptions = {}, sink?: OutputSink): Promise<string[]> {
  const written = await writeRecordings(dir, run.net, run.trips, run.recordings, run.provenance, sink);
  const page = renderReportHtml(runReportData(run), options);
  written.push(sink !== undefined ? await sink.write('report.html', page) : (await writePage(join(dir, 'report.html'), page)).path);
  return written;
}

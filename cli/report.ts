/**
 * `greenwave report <dir>`: render an outputs directory as one self-contained
 * HTML file. (What `run --report` records, and the page it writes from the run
 * in memory, are the report layer's: engine/report.)
 */
import { writeReport, type WrittenReport } from '../engine/report/html/write.js';

/** Options of `greenwave report`. */
export interface ReportCommandOptions {
  /** Where to write the page (default `<dir>/report.html`). */
  out?: string;
  /** Junction ids to chart over time. */
  junction?: string[];
  /** Stack traces for every error. */
  debug?: boolean;
}

/** `greenwave report <dir>`: resolves to the exit code (2 for a user mistake). */
export async function reportCommand(dir: string, options: ReportCommandOptions): Promise<number> {
  let written: WrittenReport;
  try {
    written = await writeReport(dir, options.out, options.junction ? { junctions: options.junction } : {});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EROFS') {
      process.stderr.write(`greenwave: cannot write the report: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const { path, bytes } = written;
  process.stdout.write(`${path} (${(bytes / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB)\n`);
  return 0;
}

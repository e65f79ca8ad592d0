/**
 * `greenwave report <dir>`: render an outputs directory as one self-contained
 * HTML file. (What `run --report` records, and the page it writes from the run
 * in memory, are the report layer's: engine/report.)
 *
 * It renders one run only: the directory's manifest must say its run finished
 * and every file it reads must be the one the run recorded (or, for outputs
 * without a manifest, every file must name the same scenario and seed); the
 * junctions asked for must exist; an existing page is replaced only with
 * --force (or when it is the report.html the directory's run recorded). The
 * page is written atomically.
 */
import { lstat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { GreenwaveError, OutputError, UsageError } from '../engine/errors.js';
import { REPORT_INPUT_FILES, loadReportData, renderReportHtml, type ReportData } from '../engine/report/index.js';
import { checkRunFiles, parseProvenanceLine, readManifest, recordInManifest, type FileProvenance } from '../engine/report/output-dir.js';
import { ensureDirectory, shownPath, writeFileAtomic } from '../engine/text/atomic-file.js';

/** Options of `greenwave report`. */
export interface ReportCommandOptions {
  /** Where to write the page (default `<dir>/report.html`). */
  out?: string;
  /** Junction ids to chart over time. */
  junction?: string[];
  /** Replace an existing page. */
  force?: boolean;
  /** Stack traces for every error. */
  debug?: boolean;
}

/** Scenario and seed each file of `data` records. */
function provenanceOf(data: ReportData): Record<string, FileProvenance> {
  const out: Record<string, FileProvenance> = {};
  for (const [file, line] of Object.entries(data.provenance)) out[file] = parseProvenanceLine(line);
  if (data.summary) out['summary.json'] = { scenario: data.summary.scenario, seed: data.summary.seed };
  return out;
}

/** The junction ids `data` knows (its per-junction files), or undefined when it has none. */
function knownJunctions(data: ReportData): Set<string> | undefined {
  if (data.junctionSeries === undefined && data.junctions === undefined) return undefined;
  return new Set([...(data.junctionSeries?.keys() ?? []), ...(data.junctions ?? []).map((j) => j.id)]);
}

/** `greenwave report <dir>`: resolves to the exit code (2 for a user mistake). */
export async function reportCommand(dir: string, options: ReportCommandOptions): Promise<number> {
  let path: string;
  let bytes: number;
  try {
    const info = await lstat(dir).catch(() => undefined);
    if (info !== undefined && !info.isDirectory() && !info.isSymbolicLink()) throw new UsageError(`${shownPath(dir)}: is not a directory (give the outputs directory of a run or an optimisation)`);
    const unfit = (problems: string[]): UsageError =>
      new UsageError(`${shownPath(dir)} does not hold the files of one finished run, so a report would mix or misstate them:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    // A run stopped while writing may have removed the earlier run's files before writing its own: its manifest says so first.
    if ((await readManifest(dir))?.state === 'writing') throw unfit(await checkRunFiles(dir, [], {}));
    const data = await loadReportData(dir);
    const problems = await checkRunFiles(dir, REPORT_INPUT_FILES, provenanceOf(data));
    if (problems.length > 0) throw unfit(problems);
    if (options.junction !== undefined) {
      const known = knownJunctions(data);
      const unknown = options.junction.filter((id) => !known?.has(id));
      if (unknown.length > 0) {
        const some = [...(known ?? [])].slice(0, 8);
        throw new UsageError(`--junction: no junction ${unknown.map((id) => `"${id.slice(0, 80)}"`).join(', ')} in ${shownPath(dir)}${some.length > 0 ? ` (its junctions include ${some.join(', ')}${(known?.size ?? 0) > some.length ? ', ...' : ''})` : ' (it has no per-junction files: run with --report)'}`);
      }
    }
    path = options.out ?? join(dir, 'report.html');
    const inDir = resolve(dirname(path)) === resolve(dir);
    const own = inDir && (await readManifest(dir))?.files[basename(path)] !== undefined;
    const existing = await lstat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new OutputError(shownPath(path), 'is a directory: give the path of the page to write');
    if (existing !== undefined && !own && options.force !== true) throw new OutputError(shownPath(path), 'already exists; add --force to replace it, or give another file with -o');
    const page = renderReportHtml(data, options.junction ? { junctions: options.junction } : {});
    await ensureDirectory(dirname(path));
    await writeFileAtomic(path, page);
    if (inDir) await recordInManifest(dir, basename(path), page);
    bytes = Buffer.byteLength(page);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (options.debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  process.stdout.write(`${path} (${(bytes / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB)\n`);
  return 0;
}

/**
 * `greenwave import <format> <files...> -o scenario.json`: read another tool's
 * files (SUMO, CityFlow, OpenStreetMap, TNTP), print what was read, dropped and
 * guessed, and write a scenario file that `greenwave run` and `validate` take.
 *
 * The written document is checked before it is written: it is parsed and built
 * exactly as `greenwave run` would (`parseScenario` + `buildScenario`), so a file
 * that lands on disk always loads. Exit codes as for every command: 0 written;
 * 2 a user mistake (bad files with their located message, an existing output
 * without --force, bad options), with no stack trace; 1 an internal failure
 * (including a document that does not load: a bug in an importer).
 *
 * The command's options are registered by `import-command.ts`; this file is
 * imported only when the command runs.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { lstat } from 'node:fs/promises';
import { GreenwaveError, ScenarioError, UsageError } from '../engine/errors.js';
import { importNetwork, IMPORT_FORMAT_NAMES } from '../engine/io/import-network.js';
import { scenarioDocument } from '../engine/io/scenario-doc.js';
import { checkImportRanges } from '../engine/io/ranges.js';
import type { ImportFormat, ImportResult } from '../engine/io/types.js';
import { ensureDirectory, shownPath, writeFileAtomic } from '../engine/text/atomic-file.js';
import { formatNumber } from '../engine/text/numbers.js';
import { SHOWN_WARNINGS } from './import-command.js';

/** Options of `greenwave import`. */
export interface ImportCommandOptions {
  out: string;
  name?: string;
  drivingSide?: 'left' | 'right';
  end?: number;
  force?: boolean;
  /** OSM: total generated morning-peak demand, veh/h; false with --no-demand. */
  demand?: boolean;
  vehPerHour?: number;
  country?: string;
  /** OSM: where signals come from (osm, guess, osm+guess, none, auto). */
  signals?: string;
  /** OSM: cut-off parts kept (all, largest or a number of links). */
  components?: string;
  /** OSM: one-way gaps joined up to this distance, m. */
  gapDistance?: number;
  /** Write `network: { import, file, options }` instead of the network inline (default for osm). */
  reference?: boolean;
  /** Write the network inline (default for sumo and cityflow). */
  inline?: boolean;
  /** `program`: the source's programs keep their own yellow and all-red as the floor (signals.safety.clearances). */
  clearances?: 'ite' | 'program';
  debug?: boolean;
}

/** The importer options a command line gives (also what a referencing scenario records). */
function importerOptions(options: ImportCommandOptions): Record<string, unknown> {
  const c = options.components;
  return {
    ...(options.drivingSide === undefined ? {} : { drivingSide: options.drivingSide }),
    ...(options.end === undefined ? {} : { end: options.end }),
    ...(options.country === undefined ? {} : { country: options.country }),
    ...(options.signals === undefined ? {} : { signals: options.signals }),
    ...(c === undefined ? {} : { components: c === 'all' || c === 'largest' ? c : Number(c) }),
    ...(options.gapDistance === undefined ? {} : { gapDistance: options.gapDistance }),
  };
}

function userError(error: unknown, debug: boolean): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
}

/** The summary printed after an import: files, counts, warnings (the first 20, then how many more). */
export function importSummary(result: ImportResult, out: string, doc: { name?: unknown; simulation?: { startS?: number; endS?: number } }): string {
  const lines: string[] = [];
  lines.push(`imported ${IMPORT_FORMAT_NAMES[result.format]}: ${result.files.join(', ')}`);
  const width = Math.max(...result.counts.map((c) => c.label.length), 10);
  for (const c of result.counts) lines.push(`  ${c.label.padEnd(width)}  ${formatNumber(c.count)}`);
  if (result.warnings.length > 0) {
    lines.push('', `warnings (${result.warnings.length}):`);
    for (const w of result.warnings.slice(0, SHOWN_WARNINGS)) {
      const where = [w.where, w.element === undefined ? undefined : `"${w.element}"`].filter((s) => s !== undefined).join(' ');
      lines.push(`  ${where === '' ? '' : `${where}: `}${w.message}`);
    }
    if (result.warnings.length > SHOWN_WARNINGS) lines.push(`  ... and ${result.warnings.length - SHOWN_WARNINGS} more`);
  }
  const sim = doc.simulation ?? {};
  lines.push('', `wrote ${out} (scenario "${String(doc.name)}", ${result.network.junctionCount} junctions, ${result.network.linkCount} links, ${result.programs.length} signal programs, simulation ${sim.startS} s to ${sim.endS} s)`);
  lines.push(`next: greenwave run ${out}`);
  return `${lines.join('\n')}\n`;
}

/**
 * OSM has no traffic: give an import without demand a generated morning peak
 * between the fringe junctions (and its period), so the scenario runs at once.
 * @throws UsageError naming `file` when its network is too small for it.
 */
export async function addMorningPeak(result: ImportResult, file: string, vehPerHour?: number): Promise<void> {
  if (Object.keys(result.demand).length > 0) return;
  const { morningPeakDemand } = await import('../engine/io/osm/demand.js');
  try {
    result.demand = morningPeakDemand(result.network, vehPerHour === undefined ? {} : { vehPerHour });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`import: the network of ${file} is too small for the generated morning peak (${error.message.replace(/^morningPeakDemand: /, '')}): import it with --no-demand and add demand to the scenario, or use a larger extract`);
  }
  const begin = result.demand.od?.[0]?.begin;
  const end = result.demand.od?.[0]?.end;
  if (begin !== undefined && end !== undefined) result.simulation = { start: begin, end: end + 3600, ...result.simulation };
  checkImportRanges(result); // the generated demand, as every import is checked
}

/** `greenwave import`. Resolves to the exit code. */
export async function importCommand(format: string, files: string[], options: ImportCommandOptions): Promise<number> {
  const debug = options.debug === true;
  if (!Object.hasOwn(IMPORT_FORMAT_NAMES, format)) {
    process.stderr.write(`greenwave: import: unknown format "${format}"; expected one of ${Object.keys(IMPORT_FORMAT_NAMES).join(', ')}\n`);
    return 2;
  }
  if (!/\.json$/i.test(options.out)) {
    process.stderr.write(`greenwave: import: --out must name a .json scenario file, got "${options.out}"\n`);
    return 2;
  }
  const existing = await lstat(options.out).catch(() => undefined);
  if (existing?.isDirectory()) {
    process.stderr.write(`greenwave: import: ${shownPath(options.out)} is a directory; give the scenario file to write\n`);
    return 2;
  }
  if (existing !== undefined && options.force !== true) {
    process.stderr.write(`greenwave: import: ${shownPath(options.out)} already exists; use --force to overwrite it\n`);
    return 2;
  }
  let result: ImportResult;
  try {
    if (format !== 'osm' && (options.signals !== undefined || options.components !== undefined || options.gapDistance !== undefined)) {
      process.stderr.write('greenwave: import: --signals, --components and --gap-distance are options of the osm import\n');
      return 2;
    }
    result = await importNetwork(format as ImportFormat, files, importerOptions(options));
    if (format === 'osm' && options.demand !== false) await addMorningPeak(result, files[0], options.vehPerHour);
  } catch (error) {
    return userError(error, debug);
  }
  let reference: { file: string; options: Record<string, unknown> } | undefined;
  if (options.reference === true && options.inline === true) {
    process.stderr.write('greenwave: import: give --reference or --inline, not both\n');
    return 2;
  }
  if (options.reference === true || (format === 'osm' && options.inline !== true)) {
    if (files.length !== 1) {
      process.stderr.write(`greenwave: import: --reference needs one input file (the scenario names it), got ${files.length}\n`);
      return 2;
    }
    const { end: _end, ...recorded } = importerOptions(options);
    reference = { file: relative(dirname(resolve(options.out)), resolve(files[0])).split(sep).join('/'), options: recorded };
  }
  const doc = scenarioDocument(result, {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(reference === undefined ? {} : { reference }),
    ...(options.clearances === undefined ? {} : { clearances: options.clearances }),
  }) as { name?: unknown; simulation?: { startS?: number; endS?: number } };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  // Imported here, not at the top: other commands never load the scenario schema (zod).
  const { buildScenario } = await import('../engine/scenario/build.js');
  const { parseScenario } = await import('../engine/scenario/parse.js');
  try {
    const loaded = parseScenario(text, options.out);
    if (reference !== undefined) loaded.imported = result; // the same import the file names, already done
    buildScenario(loaded);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new Error(`the imported scenario does not load (an importer bug; please report it with the input files):\n${error.message}`);
  }
  try {
    await ensureDirectory(dirname(options.out));
    await writeFileAtomic(options.out, text);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: import: ${error.message}\n`);
    return 2;
  }
  process.stdout.write(importSummary(result, options.out, doc));
  return 0;
}

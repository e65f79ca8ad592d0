/**
 * Loading a scenario file: read JSON or YAML, report every syntax and schema
 * problem at once with its line, column and path (`ScenarioError`), and convert
 * planners' units to the engine's SI units exactly once (see `convert.ts`).
 *
 * Loading costs what reading costs: the file is read within a size cap (regular
 * files only), JSON by `JSON.parse` alone, and the data checked by the compiled
 * validator (`validate.generated.ts`, no zod). Only a scenario with a problem
 * pays for the exact path: the zod schema for the messages (`schema-problems.ts`,
 * imported then) and a scan of the text for the lines and columns.
 *
 * A file naming a `base` is a what-if overlay (overlay.ts): the base loads as
 * above, then the overlay's changes apply.
 *
 * What the result holds is ready for `buildScenario`, which needs the network to
 * check the rest (ids, turns, signal programs). `locate` stays with the result so
 * that later problems point at the file too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GreenwaveError, InputError, ScenarioError, type ScenarioProblem } from '../errors.js';
import { scaleDemand } from '../demand/scale.js';
import type { ImportResult } from '../io/types.js';
import { importNetwork, IMPORT_FORMAT_NAMES } from '../io/import-network.js';
import { formatPath, type Locator, type PathSegment } from '../text/position.js';
import { readTextFile } from '../text/read.js';
import { checkTimes, convertScenario, type LoadedScenario } from './convert.js';
import type { IMPORT_FORMATS } from './formats.js';
import type { ScenarioFile } from './schema.js';
import { memberCount, parseSource, syntaxOf } from './source.js';
import { validateScenario } from './validate.generated.js';

export { timeKey } from './convert.js';
export type { LoadedScenario, NetworkSource, ScenarioMovementRef, ScenarioPhase, ScenarioProgram, ScenarioSimulation } from './convert.js';

/** Options of {@link loadScenario}. */
export interface LoadOptions {
  /** Largest scenario file read, bytes. Default: the JSON or YAML cap of `INPUT_SIZE_LIMITS` (`engine/text/read.ts`). */
  maxInputBytes?: number;
  /** How a user raises that cap, named when a file passes it (the CLI says `--max-input <MiB>`). */
  raiseInputWith?: string;
  /** Internal: the overlay file whose base this is (a base must be a whole scenario, not another overlay). */
  overlayOf?: string;
}

/** A scenario text whose syntax is sound, after the fast validator looked at its data. */
export interface CheckedText {
  file: string;
  /** The data as read (left unchanged when it is not valid). */
  data: unknown;
  locate: Locator;
  /** The data as a valid scenario file (defaults applied), or `undefined` when the zod schema must say what is wrong. */
  valid: ScenarioFile | undefined;
}

const EXTENSIONS = /\.(json|ya?ml)$/i;

/**
 * Syntax and fast validation of scenario `text` from `file` (its extension picks
 * JSON or YAML). Throws `ScenarioError` for syntax problems and an empty file.
 */
export function checkText(text: string, file: string): CheckedText {
  const source = parseSource(text.replace(/^\uFEFF/, ''), file, syntaxOf(file));
  if (source.problems.length > 0) throw new ScenarioError(source.problems);
  const data = source.data;
  if (data === undefined || data === null) {
    throw new ScenarioError([{ file, line: 1, column: 1, path: '', message: 'expected a scenario (a mapping with name, network, demand and simulation), found an empty file' }]);
  }
  const fast = validateScenario(data);
  const duplicate = fast.ok ? source.duplicateKey?.(fast.members, fast.colonsInText) : source.duplicateKey?.(memberCount(data));
  if (duplicate !== undefined) throw new ScenarioError([duplicate]);
  return { file, data, locate: source.locate, valid: fast.ok ? (data as ScenarioFile) : undefined };
}

/**
 * The last checks of a scenario file and its conversion: `scenario` is the
 * valid file (or `undefined`, with `schemaProblems` saying why). The network
 * file of an import must exist, whatever else is wrong, and times must fit the
 * run. Throws `ScenarioError` with every problem.
 */
export function finishScenario(checked: CheckedText, scenario: ScenarioFile | undefined, schemaProblems: readonly ScenarioProblem[]): LoadedScenario {
  const { file, data, locate } = checked;
  const problems: ScenarioProblem[] = [...schemaProblems];
  const problem = (at: readonly PathSegment[], message: string, key = false): void => {
    const pos = locate(at, { key });
    problems.push({ file, ...(pos ? { line: pos.line, column: pos.column } : {}), path: formatPath(at), message });
  };
  const network = (data as { network?: { import?: unknown; file?: unknown } }).network;
  let networkFile: string | undefined;
  if (typeof network === 'object' && network !== null && typeof network.import === 'string' && typeof network.file === 'string' && network.file !== '') {
    networkFile = path.resolve(path.dirname(path.resolve(file)), network.file);
    if (!existsSync(networkFile)) problem(['network', 'file'], `network file not found: ${JSON.stringify(network.file)} (resolved to ${networkFile})`);
  }
  if (problems.length > 0 || scenario === undefined) throw new ScenarioError(problems);
  const loaded = convertScenario(scenario, file, networkFile, locate);
  checkTimes(scenario, loaded, problem);
  if (problems.length > 0) throw new ScenarioError(problems);
  return loaded;
}

/**
 * Read and validate a scenario file (`.json`, `.yaml` or `.yml`). Rejects with a
 * `ScenarioError` listing every problem found: a missing, unreadable, oversized
 * or non-regular file, syntax errors, schema problems, a missing network file,
 * inconsistent times.
 */
export async function loadScenario(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  if (!EXTENSIONS.test(file)) {
    throw new ScenarioError([{ file, path: '', message: `expected a .json, .yaml or .yml scenario file, found ${JSON.stringify(path.extname(file) || 'no extension')}` }]);
  }
  let text: string;
  try {
    text = await readTextFile(file, { format: syntaxOf(file), what: 'scenario file', maxBytes: options.maxInputBytes, raiseWith: options.raiseInputWith });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new ScenarioError([{ file, ...error.position, path: '', message: error.reason }]);
  }
  // (indexOf first: the line-anchored test costs milliseconds on a megabyte of JSON that has no `base`)
  if (text.includes('base') && /^\s*["']?base["']?\s*:/m.test(text)) {
    // Perhaps a what-if overlay (a base scenario and changes): parsed here, loaded with zod only then.
    const source = parseSource(text.replace(/^\uFEFF/, ''), file, syntaxOf(file));
    if (source.problems.length > 0) throw new ScenarioError(source.problems);
    const overlayModule = await import('./overlay.js');
    if (overlayModule.isOverlay(source.data)) {
      if (options.overlayOf !== undefined) {
        const at = source.locate(['base']);
        throw new ScenarioError([{ file, ...(at ? { line: at.line, column: at.column } : {}), path: 'base', message: `expected a whole scenario as the base of ${options.overlayOf}, found another overlay (changes of changes are not supported: copy the changes into one overlay)` }]);
      }
      const overlay = overlayModule.checkOverlay(source.data, file, source.locate);
      const base = await loadScenario(overlayModule.basePath(overlay, file), { ...options, overlayOf: file });
      return overlayModule.applyOverlay(base, overlay, file, source.locate);
    }
  }
  const checked = checkText(text, file);
  let loaded: LoadedScenario;
  if (checked.valid !== undefined) {
    loaded = finishScenario(checked, checked.valid, []);
  } else {
    const { schemaProblems } = await import('./schema-problems.js');
    const exact = schemaProblems(checked.data, file, checked.locate);
    loaded = finishScenario(checked, exact.ok ? exact.scenario : undefined, exact.ok ? [] : exact.problems);
  }
  if (loaded.network.kind === 'import') await importNetworkOf(loaded, loaded.network.format, loaded.network.file, loaded.network.options);
  return loaded;
}

/**
 * Run the importer of an imported network (`importNetwork` loads it on demand:
 * scenarios that import nothing never load an XML parser). Its problems become
 * located scenario problems at `network.file`.
 */
async function importNetworkOf(loaded: LoadedScenario, format: (typeof IMPORT_FORMATS)[number], networkFile: string, options: Record<string, unknown> = {}): Promise<void> {
  let imported: ImportResult;
  try {
    imported = await importNetwork(format, [networkFile], options); // the network keeps its source's driving side
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    const at = loaded.locate(['network', 'file']);
    throw new ScenarioError([{
      file: loaded.file, ...(at ? { line: at.line, column: at.column } : {}), path: 'network.file',
      message: `the ${IMPORT_FORMAT_NAMES[format]} import of ${networkFile} failed: ${error.message}`,
    }]);
  }
  loaded.imported = imported;
  const { trips, flows, od } = loaded.demand;
  if ((trips?.length ?? 0) + (flows?.length ?? 0) + (od?.length ?? 0) === 0) loaded.demand = scaleDemand(imported.demand, loaded.source.demand.scale ?? 1);
}

/**
 * Where a command writes, for `run` and `optimise`: `--out` when given (the
 * user named the directory), else the scenario's `outputs.dir`, resolved against
 * the scenario file's own directory and required to stay inside it. A scenario
 * file is data that may come from anyone (an import, a colleague's e-mail): its
 * `outputs.dir` must not be able to write over `../../somewhere` or an absolute
 * path, including through a symbolic link, unless the user says so with --out.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GreenwaveError, OutputError } from '../engine/errors.js';
import { shownPath } from '../engine/text/atomic-file.js';

function inside(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The nearest existing ancestor of `target` (itself when it exists), with symbolic links resolved. */
async function existingReal(target: string): Promise<{ real: string; rest: string }> {
  let at = target;
  let rest = '';
  for (let i = 0; i < 256; i++) {
    const info = await stat(at).catch(() => undefined);
    if (info !== undefined) return { real: await realpath(at), rest };
    const parent = path.dirname(at);
    if (parent === at) break;
    rest = rest === '' ? path.basename(at) : path.join(path.basename(at), rest);
    at = parent;
  }
  return { real: at, rest };
}

/**
 * The output directory of a command on `scenarioFile`: `out` as given, else
 * `outputsDir` (the scenario's `outputs.dir`) resolved against the scenario's
 * directory, which it must not leave (`..`, an absolute path, a symbolic link
 * pointing out).
 * @throws OutputError naming the scenario field and how to write elsewhere.
 */
export async function outputDirectory(scenarioFile: string, outputsDir: string, out: string | undefined, suffix?: string): Promise<string> {
  if (out !== undefined) return out;
  const base = path.dirname(path.resolve(scenarioFile));
  const target = path.resolve(base, outputsDir, suffix ?? '');
  const refuse = (why: string): never => {
    throw new OutputError(shownPath(scenarioFile), `outputs.dir "${shownPath(outputsDir)}" ${why}; a scenario file writes only inside its own directory (${shownPath(base)}): give a relative outputs.dir inside it, or name the output directory with --out`);
  };
  if (path.isAbsolute(outputsDir)) refuse('is an absolute path');
  if (!inside(base, target)) refuse('leads out of the scenario\'s directory');
  const realBase = await realpath(base).catch(() => base);
  const { real } = await existingReal(target);
  if (!inside(realBase, real)) refuse(`leads out of the scenario's directory through a symbolic link (to ${shownPath(real)})`);
  return path.relative(process.cwd(), target) || '.';
}

/** Print a user mistake about outputs (any GreenwaveError) and give exit code 2; rethrow anything else. */
export function outputFailure(error: unknown, debug = false): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
}

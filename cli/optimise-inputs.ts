/**
 * What `greenwave optimise` reads besides the scenario: its checkpoints (for
 * --resume, their size and shape checked) and the digest of every input file
 * that a checkpoint's fingerprint names.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { UsageError } from '../engine/errors.js';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { OptimiseCheckpoint } from '../engine/optimise/optimise.js';
import { parseCheckpoint } from '../engine/optimise/checkpoint.js';

/** The checkpoint in `file` (its shape checked), or undefined when there is none. */
export async function readCheckpoint(file: string): Promise<OptimiseCheckpoint | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile()) throw new UsageError(`--resume: ${file} is not a regular file`);
  if (info.size > MAX_CHECKPOINT_BYTES) throw new UsageError(`--resume: ${file} is ${(info.size / 2 ** 20).toFixed(0)} MiB, more than a checkpoint can be (${MAX_CHECKPOINT_BYTES / 2 ** 20} MiB); delete it to start afresh`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--resume: cannot read the checkpoint ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseCheckpoint(text, file);
}

/** Largest checkpoint read, bytes (a checkpoint of 100,000 evaluations of 300 signals is a few tens of MB). */
const MAX_CHECKPOINT_BYTES = 256 * 2 ** 20;

/**
 * Digest of everything the optimisation reads: the scenario text and, for an
 * imported network, the bytes of every file the importer read (a .net.xml edited
 * after a checkpoint must not be resumed as if nothing changed).
 */
export async function inputDigest(scenarioText: string, built: BuiltScenario): Promise<string> {
  const hash = createHash('sha256').update(scenarioText);
  for (const f of built.scenario.imported?.files ?? []) {
    hash.update(`\0${f}\0`);
    await new Promise<void>((resolve, reject) => {
      createReadStream(f).on('data', (chunk) => hash.update(chunk)).on('end', resolve).on('error', (error) => reject(new UsageError(`cannot read ${f} to fingerprint the run: ${error.message}`)));
    });
  }
  return hash.digest('hex');
}

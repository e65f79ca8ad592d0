/**
 * An output directory that holds one run's files and says so: a manifest,
 * `greenwave-manifest.json`, records who wrote the directory (command kind,
 * scenario name and file, seed, greenwave version), whether the writing
 * finished, and every file written with its size and SHA-256. Every file goes
 * through `writeFileAtomic` (temporary name, flush, rename), so a process killed
 * at any moment never leaves a half-written file.
 *
 * The protocol, in order:
 *  1. `prepareOutputDir` (before the long work, so a mistake shows at once):
 *     creates the directory, and refuses when it holds another scenario's run
 *     (a manifest naming another scenario or command), files of the names this
 *     command writes that no manifest accounts for, or a directory where one of
 *     those files belongs. `force` accepts the first two: only the files the
 *     earlier run recorded are removed, nothing else of the directory.
 *  2. `open()`: writes the manifest with `state: "writing"`, then removes the
 *     earlier run's recorded files (so none is left stale beside the new ones).
 *  3. `write(name, data)` for each file; `commit(state)` rewrites the manifest
 *     as `complete` (or `interrupted`) with the files. After a failure,
 *     `abort()` removes what this run wrote, and the manifest.
 *
 * Readers (`greenwave report`) use {@link checkRunFiles}: a manifest still
 * `writing` means a run was stopped while writing; a recorded file whose size or
 * hash differs, or a report input present but not recorded, means files of two
 * runs are mixed. Without a manifest (outputs of older versions) the scenario
 * and seed every file records are compared instead.
 */
import { createHash, randomUUID } from 'node:crypto';
import { lstat, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from '../errors.js';
import { ensureDirectory, removeStaleTemporaries, shownPath, writeFileAtomic } from '../text/atomic-file.js';

/** Name of the manifest file in an output directory. */
export const MANIFEST_FILE = 'greenwave-manifest.json';

/** Who writes an output directory. */
export interface OutputOwner {
  /** The command: a run's outputs or an optimisation's. */
  kind: 'run' | 'optimise';
  /** Scenario name. */
  scenario: string;
  /** Scenario file (resolved to an absolute path in the manifest), when there is one. */
  scenarioFile?: string;
  /** Seed of the run whose files are written. */
  seed?: number;
  /** greenwave version. */
  version: string;
}

/** The manifest's content. */
export interface RunManifest {
  format: 'greenwave-manifest';
  version: 1;
  kind: 'run' | 'optimise';
  /** Id of the run that wrote the directory. */
  run: string;
  scenario: string;
  scenarioFile: string | null;
  seed: number | null;
  /** greenwave version. */
  greenwave: string;
  state: 'writing' | 'complete' | 'interrupted';
  /** ISO times. */
  started: string;
  finished: string | null;
  /** Each file written: its size in bytes and SHA-256 (hex). */
  files: Record<string, { bytes: number; sha256: string }>;
}

/**
 * The manifest's schema, made on first use: zod is loaded only when a manifest
 * is read (a run into a fresh directory never loads it).
 */
let manifestSchema: Promise<import('zod').ZodType<RunManifest>> | undefined;
function schema(): Promise<import('zod').ZodType<RunManifest>> {
  manifestSchema ??= import('zod').then(({ z }) => z.object({
    format: z.literal('greenwave-manifest'),
    version: z.literal(1),
    kind: z.enum(['run', 'optimise']),
    run: z.string(),
    scenario: z.string(),
    scenarioFile: z.string().nullable(),
    seed: z.number().nullable(),
    greenwave: z.string(),
    state: z.enum(['writing', 'complete', 'interrupted']),
    started: z.string(),
    finished: z.string().nullable(),
    files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  }));
  return manifestSchema;
}

/** Options of {@link prepareOutputDir}. */
export interface PrepareOptions {
  /** Names of the files this command may write (checked before anything is written). */
  names: readonly string[];
  /** Replace another run's files (only those its manifest records) or unrecorded files of these names. */
  force?: boolean;
}

/** An output directory being written. */
export interface OutputDir {
  /** The directory, as given. */
  readonly dir: string;
  /** Write `name` atomically and record it; returns its path. */
  write(name: string, data: string | Uint8Array): Promise<string>;
  /** Record the writing as finished (`complete`, or `interrupted` for the best so far of a stopped search). */
  commit(state?: 'complete' | 'interrupted'): Promise<void>;
  /** After a failure: remove the files this run wrote, and the manifest. */
  abort(): Promise<void>;
}

/** A checked output directory, not yet written to. */
export interface PreparedOutputDir {
  readonly dir: string;
  /** The manifest found there, if any. */
  readonly previous: RunManifest | undefined;
  /** True when the previous manifest is this owner's (the same command and scenario). */
  readonly own: boolean;
  /** Remove the earlier run's files, write the manifest (`writing`) and start. */
  open(): Promise<OutputDir>;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The manifest of `dir`, or undefined when there is none.
 * @throws OutputError when it is not a regular file or not a greenwave manifest.
 */
export async function readManifest(dir: string): Promise<RunManifest | undefined> {
  const file = path.join(dir, MANIFEST_FILE);
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile()) throw new OutputError(shownPath(file), 'is not a regular file (a symbolic link or directory where greenwave keeps its manifest): remove it');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new OutputError(shownPath(file), `is not a greenwave manifest (${(error as Error).message.slice(0, 80)}): remove it, or write elsewhere`);
  }
  const parsed = (await schema()).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OutputError(shownPath(file), `is not a greenwave manifest (${issue.path.join('.') || 'the file'}: ${issue.message}): remove it, or write elsewhere`);
  }
  return parsed.data;
}

function sameOwner(manifest: RunManifest, owner: OutputOwner): boolean {
  const file = owner.scenarioFile === undefined ? null : path.resolve(owner.scenarioFile);
  return manifest.kind === owner.kind && manifest.scenario === owner.scenario && (manifest.scenarioFile === null || file === null || manifest.scenarioFile === file);
}

/** "scenario "corridor" (greenwave run corridor.yaml, 2024-05-01T08:00:00Z)". */
function describeOwner(m: RunManifest): string {
  return `scenario "${m.scenario}" (greenwave ${m.kind}${m.scenarioFile ? ` ${m.scenarioFile}` : ''}, ${m.started})`;
}

/**
 * Check `dir` for `owner` before any long work (see the file header, step 1).
 * @throws OutputError naming what is in the way and what to do.
 */
export async function prepareOutputDir(dir: string, owner: OutputOwner, options: PrepareOptions): Promise<PreparedOutputDir> {
  await ensureDirectory(dir);
  const previous = await readManifest(dir);
  const own = previous !== undefined && sameOwner(previous, owner);
  if (previous !== undefined && !own && options.force !== true) {
    throw new OutputError(shownPath(dir), `holds the outputs of ${describeOwner(previous)}; writing ${owner.kind === 'run' ? 'this run' : 'this optimisation'} of "${owner.scenario}" there would mix the two: give another output directory, or add --force to replace them (only the ${Object.keys(previous.files).length} file(s) that run recorded are removed)`);
  }
  const recorded = new Set(previous ? Object.keys(previous.files) : []);
  const unrecorded: string[] = [];
  for (const name of options.names) {
    const info = await lstat(path.join(dir, name)).catch(() => undefined);
    if (info === undefined) continue;
    if (info.isDirectory()) throw new OutputError(shownPath(path.join(dir, name)), 'is a directory where greenwave writes a file: remove or rename it, or write elsewhere');
    if (!recorded.has(name) && !(own && name.startsWith('checkpoint-'))) unrecorded.push(name);
  }
  if (unrecorded.length > 0 && options.force !== true) {
    throw new OutputError(shownPath(dir), `already holds ${unrecorded.join(', ')}, not recorded as written by ${previous ? `its run (${describeOwner(previous)})` : 'a greenwave run (no manifest)'}: give another output directory, or add --force to overwrite them`);
  }
  return {
    dir,
    previous,
    own,
    async open() {
      await removeStaleTemporaries(dir);
      const manifest: RunManifest = {
        format: 'greenwave-manifest',
        version: 1,
        kind: owner.kind,
        run: randomUUID(),
        scenario: owner.scenario,
        scenarioFile: owner.scenarioFile === undefined ? null : path.resolve(owner.scenarioFile),
        seed: owner.seed ?? null,
        greenwave: owner.version,
        state: 'writing',
        started: new Date().toISOString(),
        finished: null,
        files: {},
      };
      const saveManifest = (): Promise<void> => writeFileAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      // The manifest says "writing" before the earlier run's files go: killed in between, the directory
      // reads as a run stopped while writing, never as the earlier run, complete, with its files missing.
      await saveManifest();
      for (const name of recorded) await unlink(path.join(dir, name)).catch(() => {});
      return {
        dir,
        async write(name, data) {
          const file = path.join(dir, name);
          await writeFileAtomic(file, data);
          manifest.files[name] = { bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, sha256: sha256(data) };
          return file;
        },
        async commit(state = 'complete') {
          manifest.state = state;
          manifest.finished = new Date().toISOString();
          await saveManifest();
        },
        async abort() {
          for (const name of Object.keys(manifest.files)) await unlink(path.join(dir, name)).catch(() => {});
          await unlink(path.join(dir, MANIFEST_FILE)).catch(() => {});
        },
      };
    },
  };
}

/**
 * Add `name` (just written into `dir` by another command, such as `greenwave
 * report` writing report.html) to the manifest of a finished run there.
 */
export async function recordInManifest(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const manifest = await readManifest(dir);
  if (manifest === undefined || manifest.state === 'writing') return;
  manifest.files[name] = { bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, sha256: sha256(data) };
  await writeFileAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Scenario and seed a file records: `# greenwave 0.1.0; scenario corridor; seed 8` (CSV) or its JSON fields. */
export interface FileProvenance {
  scenario?: string;
  seed?: number;
}

/** Scenario and seed of a CSV provenance line (without its `#`). */
export function parseProvenanceLine(line: string): FileProvenance {
  const scenario = /(?:^|;)\s*scenario ([^;]+?)\s*(?:;|$)/.exec(line)?.[1];
  const seed = /(?:^|;)\s*seed (\d+)\s*(?:;|$)/.exec(line)?.[1];
  const optimise = /^greenwave \S+ optimise (\S+)/.exec(line)?.[1];
  return { ...(scenario ?? optimise ? { scenario: scenario ?? optimise } : {}), ...(seed !== undefined ? { seed: Number(seed) } : {}) };
}

/**
 * Problems that make `dir` unfit to report as one run: empty when it is fine.
 * With a manifest: it must be finished, each of `inputs` it records must be
 * there with its size and hash, and each of `inputs` present must be recorded. Without
 * one: every file's recorded scenario (and seed, for a run) must agree
 * (`provenance`: per file name).
 */
export async function checkRunFiles(dir: string, inputs: readonly string[], provenance: Readonly<Record<string, FileProvenance>>): Promise<string[]> {
  const manifest = await readManifest(dir);
  const problems: string[] = [];
  if (manifest === undefined) {
    const seen = Object.entries(provenance).filter(([, p]) => p.scenario !== undefined);
    const scenarios = new Set(seen.map(([, p]) => p.scenario));
    if (scenarios.size > 1) problems.push(`the files belong to different scenarios: ${seen.map(([f, p]) => `${f}: ${p.scenario}`).join(', ')}`);
    const seeds = new Set(seen.filter(([, p]) => p.seed !== undefined).map(([, p]) => p.seed));
    if (scenarios.size <= 1 && seeds.size > 1) problems.push(`the files belong to runs with different seeds: ${seen.filter(([, p]) => p.seed !== undefined).map(([f, p]) => `${f}: seed ${p.seed}`).join(', ')}`);
    return problems;
  }
  if (manifest.state === 'writing') {
    problems.push(`the ${manifest.kind} that writes here (${describeOwner(manifest)}) did not finish writing: it is still running, or was stopped; run it again`);
    return problems;
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (!inputs.includes(name)) continue; // only what the reader reads (a planner may edit trips.csv in a spreadsheet)
    let data: Buffer;
    try {
      data = await readFile(path.join(dir, name));
    } catch {
      problems.push(`${name} is recorded in ${MANIFEST_FILE} but missing`);
      continue;
    }
    if (data.byteLength !== expected.bytes || sha256(data) !== expected.sha256) problems.push(`${name} changed after the run wrote it (another run's file, or edited)`);
  }
  for (const name of inputs) {
    if (manifest.files[name] !== undefined) continue;
    const info = await lstat(path.join(dir, name)).catch(() => undefined);
    if (info !== undefined) problems.push(`${name} is not from the run recorded in ${MANIFEST_FILE} (${describeOwner(manifest)}): it is left from another run; remove it`);
  }
  return problems;
}

/**
 * Writing files so that no reader ever sees half of one, as git and SQLite do:
 * the bytes go to a new temporary file in the same directory (created with
 * O_EXCL, so an existing file or symbolic link of that name is never opened),
 * are flushed to disk, and the temporary file is renamed over the target. A
 * rename replaces a symbolic link at the target rather than following it, so a
 * link planted in an output directory cannot redirect a write elsewhere. A
 * process killed at any moment leaves either the old file or the new one, and
 * at worst a stray `.<name>.<pid>-<hex>.tmp` (removed by {@link removeStaleTemporaries}).
 *
 * `ensureDirectory` creates a directory and its missing parents one level at a
 * time (Node's recursive mkdir loops for ever on some paths, such as `/proc/x`).
 * Every failure is an `OutputError` naming the path and saying what is wrong in
 * words (disk full, read-only, permission denied ...).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from '../errors.js';

/** Most directory levels `ensureDirectory` creates (a path deeper than this is a mistake). */
const MAX_NEW_LEVELS = 64;

/** Longest path shown in a message before it is shortened. */
const SHOWN = 200;

/** A path short enough for a message. */
export function shownPath(file: string): string {
  return file.length <= SHOWN ? file : `${file.slice(0, SHOWN / 2)}...${file.slice(-SHOWN / 2)} (${file.length.toLocaleString('en')} characters)`;
}

/** What a failed file-system call means for the user, in words. */
export function describeWriteError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC': return 'no space left on the device (the disk is full)';
    case 'EDQUOT': return 'the disk quota is exceeded';
    case 'EROFS': return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ENOENT': return 'the directory does not exist and cannot be created here';
    case 'ENAMETOOLONG': return 'the name is too long for this system';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EIO': return 'an input/output error of the device';
    case 'EMFILE':
    case 'ENFILE': return 'too many open files';
    case 'EFBIG': return 'the file is larger than the file system allows';
    default: return e.code !== undefined ? `${e.code}: ${e.message}` : String(e?.message ?? error);
  }
}

/** True for the errors a user can act on (disk, permissions, paths); others are bugs and are rethrown. */
export function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * Create `dir` and its missing parents (like `mkdir -p`, one level at a time).
 * @throws OutputError when a level cannot be created or a part of the path is a file.
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let at = target; ; at = path.dirname(at)) {
    let info;
    try {
      info = await stat(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new OutputError(shownPath(dir), `cannot create the directory: ${describeWriteError(error)}`);
    }
    if (info !== undefined) {
      if (!info.isDirectory()) throw new OutputError(shownPath(dir), `cannot create the directory: ${at === target ? 'it exists and is not a directory' : `${shownPath(at)} is not a directory`}`);
      break;
    }
    missing.push(at);
    if (missing.length > MAX_NEW_LEVELS || path.dirname(at) === at) throw new OutputError(shownPath(dir), `cannot create the directory: more than ${MAX_NEW_LEVELS} levels are missing`);
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        const info = await stat(level).catch(() => undefined);
        if (info?.isDirectory()) continue;
      }
      const where = level === target ? '' : ` (at ${shownPath(level)})`;
      throw new OutputError(shownPath(dir), `cannot create the directory${where}: ${describeWriteError(error)}`);
    }
  }
}

/** The temporary name `file` is written under: `.<name>.<pid>-<random>.tmp` beside it. */
function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Temporary files of {@link writeFileAtomic}: `.<name>.<pid>-<8 hex>.tmp`. */
const TEMPORARY = /^\..+\.(\d+)-[0-9a-f]{8}\.tmp$/;

/**
 * Write `data` to `file` atomically (see the file header). The directory must
 * exist. Refuses when `file` is a directory.
 * @throws OutputError for every file-system failure (disk full, read-only, permissions ...).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const existing = await lstat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new OutputError(shownPath(file), 'is a directory where greenwave writes a file: remove or rename it, or write elsewhere');
  const tmp = temporaryName(file);
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    if (error instanceof OutputError) throw error;
    if (!isFileSystemError(error)) throw error;
    throw new OutputError(shownPath(file), `cannot write: ${describeWriteError(error)}`);
  }
}

/** Remove temporary files of {@link writeFileAtomic} in `dir` left by processes that no longer run. */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) await unlink(path.join(dir, name)).catch(() => {});
  }
}

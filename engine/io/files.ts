/**
 * Input files of the importers, checked before they are read: only regular
 * files (a directory, FIFO, socket or device is refused before it is opened: a
 * FIFO would block for ever), every failure an `InputError` at the file in
 * words, and long names shortened in messages (a 1 MB name is not echoed).
 * No parser is loaded here, so an importer that needs none stays light.
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { shortName } from '../text/read.js';

export { shortName };

/**
 * Why `file` cannot be read as a regular file, as an `InputError` located at the
 * file, or undefined when it can. Errors of `stat` itself (missing, no
 * permission, a name too long) are described the same way.
 */
export async function regularFileProblem(file: string): Promise<InputError | undefined> {
  const name = shortName(file);
  try {
    const info = await stat(file);
    if (info.isDirectory()) return new InputError(name, 'is a directory, not a file');
    if (!info.isFile()) return new InputError(name, `is not a regular file (${info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device or other special file'}); give a file`);
    return undefined;
  } catch (error) {
    return fileError(error, name);
  }
}

/** An `InputError` for a failed file operation on `name`, or undefined when it is not about the file. */
export function fileError(error: unknown, name: string): InputError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(name, 'file not found');
  if (code === 'EISDIR') return new InputError(name, 'is a directory, not a file');
  if (code === 'EACCES' || code === 'EPERM') return new InputError(name, 'permission denied');
  if (code === 'ENAMETOOLONG') return new InputError(name, 'the file name is too long for this system');
  if (code === 'ENOTDIR') return new InputError(name, 'a part of the path is not a directory');
  if (code === 'ELOOP') return new InputError(name, 'too many levels of symbolic links');
  if (code === 'EIO' || code === 'ENXIO' || code === 'ENODEV') return new InputError(name, `cannot be read (${code})`);
  return undefined;
}

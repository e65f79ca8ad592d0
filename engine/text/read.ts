/**
 * Bounded reading of input files: regular files only, and no larger than a
 * per-format size cap, checked before a byte is read.
 *
 * A named pipe (FIFO) would block a reader forever, a device such as
 * `/dev/zero` never ends, a directory is not a file: each is refused with a
 * message that says what the path is. The file is opened without blocking
 * (`O_NONBLOCK`, which changes nothing for regular files) and checked with
 * `fstat` on the open descriptor, so what is checked is what is read.
 *
 * {@link readTextFile} reads a whole text file (strict UTF-8, a byte-order mark
 * dropped); {@link openInputFile} does the same checks and hands back the open
 * file for readers that stream (XML, PBF). Both throw `InputError` whose path is
 * the file as the caller named it.
 */
import { constants, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { lineIndex } from './position.js';

/** Formats with a size cap of their own. */
export type InputFormat = 'json' | 'yaml' | 'xml' | 'pbf' | 'csv' | 'text';

const MiB = 1024 * 1024;

/**
 * Default size caps, bytes. JSON: `JSON.parse` needs about 5 to 10 bytes of heap
 * per byte of text, and a V8 string holds at most about 512 MiB. YAML: the
 * `yaml` package's document model needs about 30 bytes per byte and reads about
 * 0.3 to 1 MB/s, so large inputs should be JSON. XML and PBF are streamed.
 */
export const INPUT_SIZE_LIMITS: Readonly<Record<InputFormat, number>> = {
  json: 256 * MiB,
  yaml: 16 * MiB,
  xml: 2048 * MiB,
  pbf: 2048 * MiB,
  csv: 256 * MiB,
  text: 256 * MiB,
};

/** The largest text `readTextFile` can return: V8's longest string (2^29 - 24 characters). */
const MAX_STRING = 2 ** 29 - 24;

/** Options of {@link readTextFile} and {@link openInputFile}. */
export interface InputFileOptions {
  /** Format, for the default size cap and the message. */
  format: InputFormat;
  /** What the file is, for messages: `scenario file`, `SUMO network`. Default `input file`. */
  what?: string;
  /** Size cap, bytes (default {@link INPUT_SIZE_LIMITS}[format]). */
  maxBytes?: number;
  /** How a user raises the cap, named in the message (`--max-input-mib`). Default: the `maxBytes` option. */
  raiseWith?: string;
}

const FORMAT_NAMES: Readonly<Record<InputFormat, string>> = { json: 'JSON', yaml: 'YAML', xml: 'XML', pbf: 'PBF', csv: 'CSV', text: 'text' };

/** `2,003 bytes`, `3.5 MiB`, `256 MiB`. */
function size(bytes: number): string {
  if (bytes < MiB) return `${bytes.toLocaleString('en')} bytes`;
  const v = bytes / MiB;
  return `${v >= 10 ? Math.round(v).toLocaleString('en') : Math.round(v * 10) / 10} MiB`;
}

/** `path`, cut in the middle when it is longer than 200 characters (a message never grows with the input). */
function shortPath(full: string): string {
  return full.length <= 200 ? full : `${full.slice(0, 100)}...${full.slice(-97)}`;
}

/** A file name short enough for a message: a long name keeps its start and end and says how long it was (a 1 MB name is not echoed). */
export function shortName(file: string, max = 160): string {
  return file.length <= max ? file : `${file.slice(0, max / 2 - 2)}...${file.slice(-(max / 2 - 2))} (a name of ${file.length.toLocaleString('en')} characters)`;
}

function cannotRead(file: string, options: InputFileOptions, why: string): InputError {
  return new InputError(shortName(file), `cannot read the ${options.what ?? 'input file'} (${shortPath(path.resolve(file))}): ${why}`);
}

function tooLarge(file: string, options: InputFileOptions, bytes: number | undefined, cap: number): InputError {
  const found = bytes === undefined ? `more than ${size(cap)}` : size(bytes);
  return cannotRead(file, options, `it is ${found}, above the limit of ${size(cap)} for ${FORMAT_NAMES[options.format]} files; raise the limit with ${options.raiseWith ?? 'the maxBytes option'} if the machine has the memory`);
}

function kindOf(stat: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isDirectory()) return 'it is a directory';
  if (stat.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'it is a device, not a regular file';
  if (stat.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/** Why `open` failed, in words. */
function openFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ENAMETOOLONG': return 'the file name is too long';
    case 'ELOOP': return 'too many symbolic links';
    case 'ENXIO': return 'no such device';
    default: return error.code ?? error.message;
  }
}

function capOf(options: InputFileOptions): number {
  const cap = options.maxBytes ?? INPUT_SIZE_LIMITS[options.format];
  if (!(cap > 0)) throw new InputError('maxBytes', `expected a number of bytes > 0, found ${String(cap)}`);
  return cap;
}

/**
 * Open `file` for reading after checking it is a regular file within the size
 * cap. The caller closes the handle. Throws `InputError` (path: `file`).
 */
export async function openInputFile(file: string, options: InputFileOptions): Promise<{ handle: FileHandle; size: number }> {
  const cap = capOf(options);
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw cannotRead(file, options, openFailure(error as NodeJS.ErrnoException));
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw cannotRead(file, options, kindOf(stat));
    if (stat.size > cap) throw tooLarge(file, options, stat.size, cap);
    return { handle, size: stat.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Line and column of the first byte of `bytes` that is not UTF-8, as text positions go (a rough guide: the bytes before it are decoded leniently). */
function firstInvalidByte(bytes: Uint8Array): { line: number; column: number } {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) break;
    let ok = true;
    for (let k = 1; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) ok = false;
    if (!ok) break;
    i += n;
  }
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, i).toString('utf8');
  return lineIndex(before)(before.length);
}

/**
 * The text of `file`: a regular file within the size cap of its format, strict
 * UTF-8 (a leading byte-order mark is dropped). Throws `InputError` (path:
 * `file`) with what is wrong: missing, a directory, a FIFO or device, too
 * large (the cap and how to raise it in the message), or not UTF-8 (where).
 */
export async function readTextFile(file: string, options: InputFileOptions): Promise<string> {
  const cap = Math.min(capOf(options), MAX_STRING);
  const { handle, size } = await openInputFile(file, { ...options, maxBytes: cap });
  let bytes: Uint8Array;
  try {
    // Files such as those under /proc report size 0: read until the end, never past the cap.
    let buffer = Buffer.allocUnsafe(Math.min(cap + 1, Math.max(size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > cap) throw tooLarge(file, options, undefined, cap);
        const grown = Buffer.allocUnsafe(Math.min(cap + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > cap) throw tooLarge(file, options, undefined, cap);
    bytes = buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidByte(bytes);
    throw new InputError(file, `the ${options.what ?? 'input file'} is not UTF-8 text (an invalid byte here); save it as UTF-8`, at);
  }
}

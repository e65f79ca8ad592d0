/**
 * Reading an importer's input file as text, with the one message every importer
 * gives for a file it cannot read: an `InputError` whose path is the file, naming
 * what the file was meant to be and why it could not be read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

/** Read `file` as UTF-8; `what` names it in the message ("CityFlow roadnet", "TNTP network"). */
export async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new InputError(file, `cannot read the ${what} file (${path.resolve(file)}): ${why}`);
  }
}

/**
 * Safe, streamed XML reading for the importers (SUMO today; any XML format later).
 *
 * Files are read in 64 KiB chunks and fed to `saxes` (a strict, non-validating
 * XML 1.0 parser), so memory stays bounded by what the caller keeps, not by the
 * file size; `.gz` files are decompressed on the fly (SUMO writes `.net.xml.gz`).
 * Callers receive start and end tags with their attributes and the 1-based line
 * the tag starts on, and keep only what they need.
 *
 * Safety: a DOCTYPE that declares entities (`<!ENTITY`) or names an external DTD
 * (`SYSTEM` / `PUBLIC`) is rejected before anything it declares could be used
 * (billion-laughs expansion, external entity reads). saxes never expands custom
 * entities itself, and never fetches anything. Malformed XML and every error a
 * handler raises become an `InputError` whose path is `file:line`.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { GreenwaveError, InputError } from '../errors.js';

/** A start tag as handed to {@link XmlHandlers.open}. */
export interface XmlElement {
  /** Tag name, for example `edge`. */
  name: string;
  /** Attributes as written (entities resolved). */
  attributes: Record<string, string>;
  /** 1-based line of the tag's `<`. */
  line: number;
  /** Names of the open ancestors, outermost first (the root element has `[]`). */
  parents: readonly string[];
}

/** Callbacks of {@link readXml}; each may throw (an `InputError` keeps its path, another `GreenwaveError` is located at the current line). */
export interface XmlHandlers {
  /** A start tag (also for self-closing tags). */
  open(element: XmlElement): void;
  /** An end tag (also for self-closing tags), with the line it ends on. */
  close?(name: string, line: number): void;
}

/** Chunk size of the read stream, bytes. */
const CHUNK = 1 << 16;

/**
 * True when a DOCTYPE body declares entities or refers to an external DTD.
 * `<!DOCTYPE net>` alone is harmless and accepted.
 */
export function isUnsafeDoctype(doctype: string): boolean {
  return /<!ENTITY/i.test(doctype) || /\b(SYSTEM|PUBLIC)\b/.test(doctype);
}

/** Escape text for an XML attribute value or element content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/**
 * Stream `file` through `handlers`. Rejects with `InputError` (`path` = `file:line`)
 * for malformed XML, an unsafe DOCTYPE, a missing or unreadable file (path = `file`),
 * or an error thrown by a handler (an `InputError` from a handler is passed on as is).
 */
export async function readXml(file: string, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser({ position: true, fileName: file });
  const parents: string[] = [];
  let tagLine = 1;
  let failure: unknown;
  const at = (line: number) => `${file}:${line}`;
  parser.on('error', (err: Error) => {
    // saxes prefixes "file:line:column: "; keep its message, locate it ourselves.
    const message = err.message.replace(/^.*?:\d+:\d+: /, '');
    throw new InputError(at(parser.line), `malformed XML: ${message}`);
  });
  parser.on('doctype', (doctype: string) => {
    if (isUnsafeDoctype(doctype)) {
      throw new InputError(at(parser.line), 'DOCTYPE with entity declarations or an external DTD is not accepted (entity expansion and external entities are refused for safety); remove the DOCTYPE');
    }
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    handlers.open({ name: tag.name, attributes: tag.attributes as Record<string, string>, line: tagLine, parents });
    parents.push(tag.name);
  });
  parser.on('closetag', (tag) => {
    parents.pop();
    handlers.close?.(tag.name, parser.line);
  });

  const raw = createReadStream(file, { highWaterMark: CHUNK });
  const source = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  source.setEncoding('utf8');
  try {
    for await (const chunk of source) parser.write(chunk as string);
    parser.close();
  } catch (err) {
    failure = err;
  } finally {
    raw.destroy();
    if (source !== raw) source.destroy();
  }
  if (failure === undefined) return;
  if (failure instanceof InputError) throw failure;
  const code = (failure as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new InputError(file, 'file not found');
  if (code === 'EISDIR') throw new InputError(file, 'is a directory, not a file');
  if (code === 'EACCES') throw new InputError(file, 'permission denied');
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new InputError(file, 'is not a valid gzip file');
  if (failure instanceof GreenwaveError) throw new InputError(at(parser.line), failure.message);
  throw failure; // a bug, not a user mistake: keep its stack
}

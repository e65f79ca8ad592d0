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
 *
 * Bounds: saxes keeps a whole attribute value, tag name, comment, CDATA section
 * or DOCTYPE in memory before it hands it over, so each is limited
 * (`maxValueLength`, default 16 Mi characters: SUMO's longest `shape` and route
 * `edges` values are a few hundred KB), as are the attributes of one element
 * (`maxAttributes`, default 10,000) and the nesting depth (`maxDepth`, default
 * 256). A value over its limit is refused at its line after at most one more
 * 64 KiB chunk was read, so a 300 MB attribute costs about 16 MB, not gigabytes.
 * Only regular files are read: a directory, FIFO or device is refused before it
 * is opened (a FIFO would block for ever).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { GreenwaveError, InputError } from '../errors.js';
import { fileError, regularFileProblem, shortName } from './files.js';

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

/** Limits of {@link readXml}; see the file header. */
export interface XmlLimits {
  /** Longest attribute value, tag name, comment, CDATA section or DOCTYPE, characters. Default 16 Mi. */
  maxValueLength?: number;
  /** Most attributes on one element. Default 10,000. */
  maxAttributes?: number;
  /** Deepest nesting of elements. Default 256. */
  maxDepth?: number;
}

/** Default {@link XmlLimits}. */
export const DEFAULT_XML_LIMITS: Readonly<Required<XmlLimits>> = { maxValueLength: 16 * 1024 * 1024, maxAttributes: 10_000, maxDepth: 256 };

/** What saxes accumulates between events (its fields are private in the typings, plain properties at run time). */
interface SaxesBuffers {
  text?: string;
  name?: string;
  attribList?: unknown[];
}

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
export async function readXml(file: string, handlers: XmlHandlers, limits: XmlLimits = {}): Promise<void> {
  const { maxValueLength, maxAttributes, maxDepth } = { ...DEFAULT_XML_LIMITS, ...limits };
  const name = shortName(file);
  const unreadable = await regularFileProblem(file);
  if (unreadable) throw unreadable;
  const parser = new SaxesParser({ position: true, fileName: name });
  const buffers = parser as unknown as SaxesBuffers;
  const parents: string[] = [];
  let tagLine = 1;
  let failure: unknown;
  const at = (line: number) => `${name}:${line}`;
  const tooLong = (line: number): InputError => new InputError(at(line), `an attribute value, name, comment or DOCTYPE longer than ${maxValueLength.toLocaleString('en')} characters (the limit; no SUMO file needs one this long)`);
  const tooMany = (line: number): InputError => new InputError(at(line), `an element with more than ${maxAttributes.toLocaleString('en')} attributes (the limit)`);
  // Between chunks: what saxes holds so far (bounds memory); in the handlers: each complete value (exact limits).
  const checkBuffers = (): void => {
    if (Math.max(buffers.text?.length ?? 0, buffers.name?.length ?? 0) > maxValueLength) throw tooLong(parser.line);
    if ((buffers.attribList?.length ?? 0) > maxAttributes) throw tooMany(parser.line);
  };
  parser.on('comment', (text: string) => {
    if (text.length > maxValueLength) throw tooLong(parser.line);
  });
  parser.on('error', (err: Error) => {
    // saxes prefixes "file:line:column: "; keep its message, locate it ourselves.
    const message = err.message.replace(/^.*?:\d+:\d+: /, '');
    throw new InputError(at(parser.line), `malformed XML: ${message}`);
  });
  parser.on('doctype', (doctype: string) => {
    if (doctype.length > maxValueLength) throw tooLong(parser.line);
    if (isUnsafeDoctype(doctype)) {
      throw new InputError(at(parser.line), 'DOCTYPE with entity declarations or an external DTD is not accepted (entity expansion and external entities are refused for safety); remove the DOCTYPE');
    }
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    if (parents.length >= maxDepth) throw new InputError(at(tagLine), `elements nested more than ${maxDepth} deep (the limit)`);
    let count = 0;
    for (const key in tag.attributes) {
      if (++count > maxAttributes) throw tooMany(tagLine);
      if ((tag.attributes[key] as string).length > maxValueLength) throw tooLong(tagLine);
    }
    if (tag.name.length > maxValueLength) throw tooLong(tagLine);
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
    for await (const chunk of source) {
      // Write in slices so no buffer grows more than a slice past its limit before it is checked.
      const text = chunk as string;
      for (let i = 0; i < text.length; i += CHUNK) {
        parser.write(i === 0 && text.length <= CHUNK ? text : text.slice(i, i + CHUNK));
        checkBuffers();
      }
    }
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
  const located = fileError(failure, name);
  if (located) throw located;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new InputError(name, 'is not a valid gzip file');
  if (failure instanceof GreenwaveError) throw new InputError(at(parser.line), failure.message);
  throw failure; // a bug, not a user mistake: keep its stack
}

/**
 * Streamed reading of OSM files: XML (`.osm`, optionally gzipped) and PBF
 * (`.osm.pbf`), chosen by the file's first bytes, not its name.
 *
 * - XML is parsed with `saxes`, a conforming streaming XML parser, fed the file
 *   chunk by chunk; only the element being read is held. A DOCTYPE declaration is
 *   rejected outright (`saxes` does not expand DTD entities, and an OSM file never
 *   needs one; rejecting it rules out entity-expansion attacks). Elements carry
 *   their line, so warnings and errors point into the file.
 * - PBF blocks are read one at a time by `pbfBlocks` (pbf.ts: the format's 64 KiB
 *   header and 32 MiB block limits enforced before inflating) and decoded with
 *   `osm-pbf-parser-node`'s `parse`, asking only for the tag keys the caller needs.
 *
 * The caller reads a file twice (ways and relations first, then only the nodes it
 * needs), so memory stays proportional to the road network kept, not the file.
 * Malformed files raise `InputError` naming the file (and line for XML).
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { importOptional } from '../../optional.js';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InputError } from '../../errors.js';
import { pbfBlocks } from './pbf.js';
import type { Tags } from './tags.js';

/** An OSM node. */
export interface OsmNode {
  id: number;
  lon: number;
  lat: number;
  tags?: Tags;
  /** 1-based line in an XML file. */
  line?: number;
}

/** An OSM way. */
export interface OsmWay {
  id: number;
  refs: number[];
  tags: Tags;
  line?: number;
}

/** A member of an OSM relation. */
export interface OsmMember {
  type: 'node' | 'way' | 'relation';
  ref: number;
  role: string;
}

/** An OSM relation. */
export interface OsmRelation {
  id: number;
  members: OsmMember[];
  tags: Tags;
  line?: number;
}

/** What to do with each element read; only the kinds given are built. */
export interface OsmHandlers {
  node?: (node: OsmNode) => void;
  way?: (way: OsmWay) => void;
  relation?: (relation: OsmRelation) => void;
  /** The file's declared bounds [minLon, minLat, maxLon, maxLat], when it has them. */
  bounds?: (bbox: [number, number, number, number]) => void;
}

/** Tag keys a PBF read keeps, per element kind (XML reads keep every tag of the kinds handled). */
export interface TagFilter {
  node?: string[];
}

/** Format of an OSM file. */
export type OsmFileFormat = 'xml' | 'xml.gz' | 'pbf';

/** Detect the format from the first bytes: `<` (XML), gzip magic, or a PBF BlobHeader naming `OSMHeader`. */
export async function detectFormat(file: string): Promise<OsmFileFormat> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(file, `cannot be read: ${(error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytesRead === 0) throw new InputError(file, 'is empty');
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'xml.gz';
    if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68) throw new InputError(file, 'is bzip2-compressed: decompress it first (bunzip2) or convert it to .osm.pbf');
    const text = bytes.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
    if (text.startsWith('<')) return 'xml';
    if (bytes.includes(Buffer.from('OSMHeader'))) return 'pbf';
    throw new InputError(file, 'is neither OSM XML nor OSM PBF (no "<" at the start and no PBF OSMHeader block)');
  } finally {
    await handle.close();
  }
}

/** Read every element of an OSM file, calling the handlers in file order. */
export async function readOsm(file: string, handlers: OsmHandlers, filter: TagFilter = {}): Promise<void> {
  const format = await detectFormat(file);
  if (format === 'pbf') await readPbf(file, handlers, filter);
  else await readXml(file, format === 'xml.gz', handlers);
}

function num(value: string | undefined, file: string, line: number, what: string): number {
  const n = value === undefined ? NaN : Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n)) {
    throw new InputError(`${file}:${line}`, `${what} must be a number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return n;
}

async function readXml(file: string, gzipped: boolean, handlers: OsmHandlers): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, fileName: file, position: true });
  const wantNodes = handlers.node !== undefined;
  const wantWays = handlers.way !== undefined;
  const wantRelations = handlers.relation !== undefined;
  let node: OsmNode | null = null;
  let way: OsmWay | null = null;
  let relation: OsmRelation | null = null;
  let sawOsm = false;

  parser.on('doctype', () => {
    throw new InputError(`${file}:${parser.line}`, 'has a DOCTYPE declaration: rejected (OSM files have none, and DTD entities are a known attack on XML readers)');
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const a = tag.attributes as Record<string, string | undefined>;
    const line = parser.line;
    switch (tag.name) {
      case 'osm':
      case 'osmChange':
        sawOsm = true;
        if (tag.name === 'osmChange') throw new InputError(`${file}:${line}`, 'is an osmChange (diff) file, not an OSM data file');
        break;
      case 'bounds':
        if (handlers.bounds) {
          handlers.bounds([
            num(a.minlon, file, line, 'bounds minlon'), num(a.minlat, file, line, 'bounds minlat'),
            num(a.maxlon, file, line, 'bounds maxlon'), num(a.maxlat, file, line, 'bounds maxlat'),
          ]);
        }
        break;
      case 'node':
        if (wantNodes) {
          node = { id: num(a.id, file, line, 'node id'), lon: num(a.lon, file, line, `node ${a.id} lon`), lat: num(a.lat, file, line, `node ${a.id} lat`), line };
        }
        break;
      case 'way':
        if (wantWays) way = { id: num(a.id, file, line, 'way id'), refs: [], tags: {}, line };
        break;
      case 'relation':
        if (wantRelations) relation = { id: num(a.id, file, line, 'relation id'), members: [], tags: {}, line };
        break;
      case 'nd':
        if (way) way.refs.push(num(a.ref, file, line, `way ${way.id} nd ref`));
        break;
      case 'member':
        if (relation) {
          const type = a.type;
          if (type !== 'node' && type !== 'way' && type !== 'relation') {
            throw new InputError(`${file}:${line}`, `relation ${relation.id}: member type must be node, way or relation, got ${JSON.stringify(type)}`);
          }
          relation.members.push({ type, ref: num(a.ref, file, line, `relation ${relation.id} member ref`), role: a.role ?? '' });
        }
        break;
      case 'tag': {
        const target = node ?? way ?? relation;
        if (target && a.k !== undefined) {
          const tags = (target.tags ??= {});
          tags[a.k] = a.v ?? '';
        }
        break;
      }
      default:
        break;
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.name === 'node' && node) {
      const n = node;
      node = null;
      handlers.node?.(n);
    } else if (tag.name === 'way' && way) {
      const w = way;
      way = null;
      handlers.way?.(w);
    } else if (tag.name === 'relation' && relation) {
      const r = relation;
      relation = null;
      handlers.relation?.(r);
    }
  });

  let source: NodeJS.ReadableStream = createReadStream(file);
  if (gzipped) source = source.pipe(createGunzip());
  source.setEncoding('utf8');
  try {
    for await (const chunk of source) parser.write(chunk as string);
    parser.close();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = (error as Error).message;
    // saxes prefixes its messages with "file:line:column: ".
    const m = /^(.*?:\d+:\d+): (.*)$/s.exec(message);
    throw new InputError(m ? m[1] : file, `is not well-formed XML: ${m ? m[2] : message}`);
  }
  if (!sawOsm) throw new InputError(file, 'has no <osm> root element: not an OSM XML file');
}

interface PbfItem {
  type?: 'node' | 'way' | 'relation';
  id: number;
  lat?: number;
  lon?: number;
  refs?: number[];
  members?: OsmMember[];
  tags?: Tags;
  bbox?: { left: number; right: number; top: number; bottom: number };
}

async function readPbf(file: string, handlers: OsmHandlers, filter: TagFilter): Promise<void> {
  // The entity decoder is an optional dependency, loaded only when a PBF file is read.
  const { OSMTransform, parse } = await importOptional(() => import('osm-pbf-parser-node'), ['osm-pbf-parser-node'], 'reading .osm.pbf files');
  // Only its options are used: `parse` reads which tags to keep from an OSMTransform instance.
  const options = new OSMTransform({
    withTags: { node: handlers.node ? filter.node ?? true : false, way: handlers.way !== undefined, relation: handlers.relation !== undefined },
    withInfo: false,
  });
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(file, `cannot be read: ${(error as Error).message}`);
  }
  try {
    for await (const block of pbfBlocks(file, handle)) {
      if (block.type === 'OSMHeader') {
        if (block.bbox && handlers.bounds) handlers.bounds(block.bbox);
        continue;
      }
      let batch: PbfItem[];
      try {
        batch = parse(block.data, options) as PbfItem[];
      } catch (error) {
        throw new InputError(file, `is not a readable OSM PBF file: ${(error as Error).message}`);
      }
      for (const item of batch) {
        switch (item.type) {
          case 'node':
            handlers.node?.({ id: item.id, lon: item.lon as number, lat: item.lat as number, ...(item.tags ? { tags: item.tags } : {}) });
            break;
          case 'way':
            handlers.way?.({ id: item.id, refs: item.refs ?? [], tags: item.tags ?? {} });
            break;
          case 'relation':
            handlers.relation?.({ id: item.id, members: item.members ?? [], tags: item.tags ?? {} });
            break;
          default:
            break;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The OSM PBF file format's framing, read with bounded memory: a sequence of
 * (4-byte big-endian length, `BlobHeader`, `Blob`) blocks, each `Blob` holding
 * one zlib-compressed `OSMHeader` or `OSMData` block (wiki: PBF_Format).
 *
 * The format caps a `BlobHeader` at 64 KiB and a decompressed `Blob` at 32 MiB;
 * both caps are enforced before anything is allocated or inflated (`inflateSync`
 * with `maxOutputLength`), so a hostile or corrupt file (a block that claims or
 * inflates to a gigabyte) is refused with its byte offset instead of exhausting
 * memory. The small framing messages are decoded here by hand (protobuf varints
 * and length-delimited fields); the entities of an `OSMData` block are decoded by
 * `osm-pbf-parser-node`'s `parse`.
 */
import type { FileHandle } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { InputError } from '../../errors.js';

/** Largest `BlobHeader`, bytes (the format's limit). */
export const MAX_BLOB_HEADER = 64 * 1024;
/** Largest `Blob`, compressed or decompressed, bytes (the format's limit). */
export const MAX_BLOB = 32 * 1024 * 1024;

/** A protobuf field as read: varint value or length-delimited bytes. */
interface Field {
  number: number;
  varint?: number;
  bytes?: Buffer;
}

/** The top-level fields of a protobuf message (only varint and length-delimited wire types; others skipped). */
function fields(buf: Buffer, where: () => string): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new InputError(where(), 'is not a readable OSM PBF file: a protobuf message ends inside a number');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new InputError(where(), 'is not a readable OSM PBF file: a protobuf number is longer than 10 bytes');
  };
  while (pos < buf.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ number, varint: varint() });
    else if (wire === 2) {
      const length = varint();
      if (pos + length > buf.length) throw new InputError(where(), 'is not a readable OSM PBF file: a protobuf field runs past its message');
      out.push({ number, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new InputError(where(), `is not a readable OSM PBF file: protobuf wire type ${wire} is not used by the format`);
  }
  return out;
}

/** Zigzag-decoded signed varint (sint64) from its raw varint value (exact up to 2^53). */
function zigzag(v: number): number {
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/** One decoded block of a PBF file. */
export type PbfBlock =
  | { type: 'OSMHeader'; bbox?: [number, number, number, number] }
  | { type: 'OSMData'; data: Buffer };

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer | undefined> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) return got === 0 ? undefined : buf.subarray(0, got);
    got += bytesRead;
  }
  return buf;
}

/**
 * The blocks of PBF file `file` (open as `handle`), one at a time, decompressed.
 * Throws `InputError` naming the file and byte offset for a truncated block, a
 * block over the format's limits, or a compression other than zlib.
 */
export async function* pbfBlocks(file: string, handle: FileHandle): AsyncGenerator<PbfBlock> {
  let offset = 0;
  for (;;) {
    const at = offset;
    const where = (): string => `${file} (byte ${at})`;
    const head = await readExactly(handle, 4, offset);
    if (head === undefined) return;
    if (head.length < 4) throw new InputError(where(), 'is not a readable OSM PBF file: it ends inside a block length');
    const headerLength = head.readUInt32BE(0);
    if (headerLength > MAX_BLOB_HEADER) throw new InputError(where(), `is not a readable OSM PBF file: a block header of ${headerLength} bytes exceeds the format's ${MAX_BLOB_HEADER}-byte limit`);
    const header = await readExactly(handle, headerLength, offset + 4);
    if (header === undefined || header.length < headerLength) throw new InputError(where(), 'is not a readable OSM PBF file: it ends inside a block header');
    let type = '';
    let dataSize = -1;
    for (const f of fields(header, where)) {
      if (f.number === 1 && f.bytes) type = f.bytes.toString('utf8');
      else if (f.number === 3 && f.varint !== undefined) dataSize = f.varint;
    }
    if (dataSize < 0) throw new InputError(where(), 'is not a readable OSM PBF file: a block header has no data size');
    if (dataSize > MAX_BLOB) throw new InputError(where(), `is not a readable OSM PBF file: a block of ${dataSize} bytes exceeds the format's ${MAX_BLOB}-byte limit`);
    const blob = await readExactly(handle, dataSize, offset + 4 + headerLength);
    if (blob === undefined || blob.length < dataSize) throw new InputError(where(), 'is not a readable OSM PBF file: it ends inside a block');
    offset += 4 + headerLength + dataSize;
    if (type !== 'OSMHeader' && type !== 'OSMData') continue; // unknown block types are skipped, as the format asks
    let raw: Buffer | undefined;
    let zlib: Buffer | undefined;
    let rawSize = -1;
    let other: number | undefined;
    for (const f of fields(blob, where)) {
      if (f.number === 1) raw = f.bytes;
      else if (f.number === 2) rawSize = f.varint ?? -1;
      else if (f.number === 3) zlib = f.bytes;
      else if (f.number >= 4 && f.number <= 7) other = f.number;
    }
    if (rawSize > MAX_BLOB) throw new InputError(where(), `is not a readable OSM PBF file: a block that inflates to ${rawSize} bytes exceeds the format's ${MAX_BLOB}-byte limit`);
    let data: Buffer;
    if (raw) data = raw;
    else if (zlib) {
      try {
        data = inflateSync(zlib, { maxOutputLength: rawSize > 0 ? rawSize : MAX_BLOB });
      } catch (error) {
        const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /larger than|too large/i.test((error as Error).message);
        throw new InputError(where(), tooBig
          ? `is not a readable OSM PBF file: a block inflates to more than ${rawSize > 0 ? `its declared ${rawSize} bytes` : `the format's ${MAX_BLOB}-byte limit`}`
          : `is not a readable OSM PBF file: a block does not inflate (${(error as Error).message})`);
      }
    } else if (other !== undefined) {
      throw new InputError(file, `has PBF blocks that are not zlib-compressed (${['lzma', 'bzip2', 'lz4', 'zstd'][other - 4]}), which the PBF reader does not support: re-encode it (osmium cat in.osm.pbf -o out.osm.pbf -f pbf,pbf_compression=zlib)`);
    } else throw new InputError(where(), 'is not a readable OSM PBF file: a block has no data');
    if (type === 'OSMData') {
      yield { type, data };
      continue;
    }
    // HeaderBlock: field 1 is the HeaderBBox (left, right, top, bottom: sint64 nanodegrees).
    const box = fields(data, where).find((f) => f.number === 1)?.bytes;
    if (!box) {
      yield { type };
      continue;
    }
    const v: Record<number, number> = {};
    for (const f of fields(box, where)) if (f.varint !== undefined) v[f.number] = zigzag(f.varint) * 1e-9;
    yield { type, ...(v[1] !== undefined && v[2] !== undefined && v[3] !== undefined && v[4] !== undefined ? { bbox: [v[1], v[4], v[2], v[3]] as [number, number, number, number] } : {}) };
  }
}

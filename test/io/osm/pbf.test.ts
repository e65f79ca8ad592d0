/**
 * PBF framing with bounded memory (engine/io/osm/pbf.ts): blocks are re-framed by
 * hand from test/fixtures/osm/signals.osm.pbf (written by osmium-tool), so the
 * reader is checked on uncompressed blocks, on a block that inflates past the
 * format's 32 MiB limit (a decompression bomb: 40 MiB of zeros in 40 KB) and on a
 * header length past the 64 KiB limit. The limits are the OSM wiki's PBF_Format page's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../../engine/io/osm/index.js';
import { MAX_BLOB } from '../../../engine/io/osm/pbf.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'greenwave-pbf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
const field = (num: number, value: Buffer | number): Buffer =>
  typeof value === 'number' ? Buffer.concat([varint(num * 8), varint(value)]) : Buffer.concat([varint(num * 8 + 2), varint(value.length), value]);

/** Blocks of a PBF file: [type, data (decompressed)]. */
function blocks(file: string): Array<[string, Buffer]> {
  const buf = readFileSync(file);
  const out: Array<[string, Buffer]> = [];
  let pos = 0;
  const read = (msg: Buffer): Map<number, Buffer | number> => {
    const m = new Map<number, Buffer | number>();
    let p = 0;
    const v = (): number => { let r = 0; let s = 1; for (;;) { const b = msg[p++]; r += (b & 0x7f) * s; if (!(b & 0x80)) return r; s *= 128; } };
    while (p < msg.length) {
      const key = v();
      if (key % 8 === 0) m.set(key >> 3, v());
      else { const len = v(); m.set(key >> 3, msg.subarray(p, p + len)); p += len; }
    }
    return m;
  };
  while (pos < buf.length) {
    const hl = buf.readUInt32BE(pos);
    const header = read(buf.subarray(pos + 4, pos + 4 + hl));
    const size = header.get(3) as number;
    const blob = read(buf.subarray(pos + 4 + hl, pos + 4 + hl + size));
    out.push([(header.get(1) as Buffer).toString(), inflateSync(blob.get(3) as Buffer)]);
    pos += 4 + hl + size;
  }
  return out;
}

function frame(type: string, blob: Buffer): Buffer {
  const header = Buffer.concat([field(1, Buffer.from(type)), field(3, blob.length)]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([len, header, blob]);
}

function write(name: string, data: Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

describe('PBF blocks', () => {
  const source = blocks(fixture('signals.osm.pbf'));

  it('reads uncompressed (raw) blocks as the format allows, to the same network as zlib blocks', async () => {
    const raw = write('raw.osm.pbf', Buffer.concat(source.map(([type, data]) => frame(type, Buffer.concat([field(1, data), field(2, data.length)])))));
    const zlib = await importOsm(fixture('signals.osm.pbf'));
    const plain = await importOsm(raw);
    expect(plain.programs).toEqual(zlib.programs);
    expect(plain.network.linkCount).toBe(zlib.network.linkCount);
  });

  it('refuses a block that inflates past the 32 MiB limit (a decompression bomb) without inflating it all', async () => {
    const bomb = deflateSync(Buffer.alloc(40 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_BLOB / 100);
    // The file's own OSMHeader block first (the format starts with one), then the bomb.
    const head = frame(source[0][0], Buffer.concat([field(2, source[0][1].length), field(3, deflateSync(source[0][1]))]));
    const file = write('bomb.osm.pbf', Buffer.concat([head, frame('OSMData', field(3, bomb))]));
    const before = process.memoryUsage().rss;
    await expect(importOsm(file)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/inflates to more than .*33554432-byte limit/) });
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    // A block that declares its size is held to it.
    const liar = write('liar.osm.pbf', Buffer.concat([head, frame('OSMData', Buffer.concat([field(2, 1000), field(3, deflateSync(Buffer.alloc(5000)))]))]));
    await expect(importOsm(liar)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/declared 1000 bytes/) });
  });

  it('refuses a block header longer than 64 KiB and a block larger than 32 MiB, naming the byte offset', async () => {
    const long = Buffer.alloc(8);
    long.writeUInt32BE(1 << 30);
    const file = write('long.osm.pbf', Buffer.concat([long, Buffer.from('OSMHeader')]));
    await expect(importOsm(file)).rejects.toMatchObject({ name: 'InputError', path: `${file} (byte 0)`, message: expect.stringMatching(/65536-byte limit/) });
    const header = Buffer.concat([field(1, Buffer.from('OSMData')), field(3, 2 ** 31)]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(header.length);
    const big = write('big.osm.pbf', Buffer.concat([len, header, Buffer.from('OSMHeader')]));
    await expect(importOsm(big)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/2147483648 bytes exceeds/) });
  });
});

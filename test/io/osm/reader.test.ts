/**
 * The OSM file reader (engine/io/osm/reader.ts) through importOsm: format
 * detection from content (XML, gzipped XML, PBF), and bad files rejected with an
 * `InputError` whose path names the file and, for XML, the line: a DOCTYPE
 * (entity expansion), malformed XML, a bad coordinate, a file that is not OSM,
 * a missing file, a truncated PBF, uncompressed PBF blocks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { importOsm } from '../../../engine/io/osm/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'greenwave-osm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function temp(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('importOsm: reading files', () => {
  it('rejects a DOCTYPE (entity expansion) with the file and line', async () => {
    const file = fixture('doctype.osm');
    await expect(importOsm(file)).rejects.toMatchObject({ name: 'InputError', path: `${file}:7`, message: expect.stringMatching(/DOCTYPE/) });
  });

  it('rejects malformed XML with the file, line and column', async () => {
    const file = temp('bad.osm', '<?xml version="1.0"?>\n<osm version="0.6">\n  <node id="1" lat="22.19" lon="113.54">\n</osm>\n');
    await expect(importOsm(file)).rejects.toMatchObject({ name: 'InputError', path: expect.stringMatching(/bad\.osm:4:\d+$/) });
  });

  it('rejects a node with a bad coordinate, naming the line', async () => {
    const xml = readFileSync(fixture('restrictions.osm'), 'utf8').replace('<node id="3" lat="22.1900000"', '<node id="3" lat="north"');
    const file = temp('coord.osm', xml);
    await expect(importOsm(file)).rejects.toMatchObject({ name: 'InputError', path: expect.stringMatching(/coord\.osm:6$/), message: expect.stringMatching(/node 3 lat/) });
  });

  it('rejects files that are not OSM, and missing files', async () => {
    await expect(importOsm(temp('x.osm', '{"type": "FeatureCollection"}'))).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/neither OSM XML nor OSM PBF/) });
    await expect(importOsm(temp('html.osm', '<html><body/></html>'))).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/no <osm> root/) });
    await expect(importOsm(join(dir, 'absent.osm'))).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/cannot be read/) });
    await expect(importOsm(temp('empty.osm', ''))).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/is empty/) });
  });

  it('reads gzipped XML like the plain file', async () => {
    const plain = await importOsm(fixture('signals.osm'));
    const gz = await importOsm(temp('signals.osm.gz', gzipSync(readFileSync(fixture('signals.osm')))));
    expect(gz.network.links().map((l) => [l.id, l.length])).toEqual(plain.network.links().map((l) => [l.id, l.length]));
    expect(gz.programs).toEqual(plain.programs);
  });

  it('reads PBF like XML (signals, programs) and rejects a truncated PBF', async () => {
    const xml = await importOsm(fixture('signals.osm'));
    const pbf = await importOsm(fixture('signals.osm.pbf'));
    expect(pbf.network.junctions().map((j) => [j.id, j.control])).toEqual(xml.network.junctions().map((j) => [j.id, j.control]));
    expect(pbf.programs).toEqual(xml.programs);
    const truncated = temp('cut.osm.pbf', readFileSync(fixture('signals.osm.pbf')).subarray(0, 300));
    await expect(importOsm(truncated)).rejects.toMatchObject({ name: 'InputError', path: expect.stringMatching(/cut\.osm\.pbf \(byte \d+\)$/) });
  });

  it.skipIf(!hasOsmium())('reads uncompressed PBF blocks as the format allows (needs osmium-tool)', async () => {
    const raw = join(dir, 'raw.osm.pbf');
    execFileSync('osmium', ['cat', fixture('signals.osm'), '-o', raw, '-f', 'pbf,pbf_compression=none', '--overwrite']);
    const xml = await importOsm(fixture('signals.osm'));
    expect((await importOsm(raw)).programs).toEqual(xml.programs);
  });
});

function hasOsmium(): boolean {
  try {
    execFileSync('osmium', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * importOsm never writes a value the scenario loader rejects (engine/limits.ts
 * ranges): the fuzzer's findings, a node moved to the other side of the world,
 * refused with an InputError naming the file, the OSM element and the range.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { importOsm } from '../../../engine/io/osm/index.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const FIX = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'osm');

/** Fixture `name` in a fresh directory with `from` replaced by `to`. */
function mutated(name: string, from: string, to: string): string {
  const text = readFileSync(path.join(FIX, name), 'utf8');
  expect(text).toContain(from);
  const file = path.join(tempDir('greenwave-osm-ranges-'), name);
  writeFileSync(file, text.replace(from, to));
  return file;
}

async function refusal(file: string): Promise<InputError> {
  const error = await importOsm(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('importOsm: values out of the scenario ranges', () => {
  it('refuses a node projected 11,000 km from the rest, naming the node and the coordinate range (fuzz case osm-1058)', async () => {
    const file = mutated('oneway.osm', '<node id="20" lat="22.1882048" lon="113.5402338"/>', '<node id="20" lat="22.1882048" lon="-1"/>');
    const e = await refusal(file);
    expect(e.path).toBe(`${file}: node 20`);
    expect(e.message).toMatch(/junction "n20": y expected a number from -10000000 to 10000000 \(planar coordinates/);
  });

  it('refuses a way 2,455 km long, naming the way and the length range (fuzz case osm-1196)', async () => {
    const file = mutated('classes.osm', '<node id="25" lat="22.1884336" lon="113.5409702"/>', '<node id="25" lat="1e-300" lon="113.5409702"/>');
    const e = await refusal(file);
    expect(e.path).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: way \\d+$`));
    expect(e.message).toMatch(/link "w\d+#\d+": length \(m\) expected a number > 0 and <= 100000 \(a link longer than 100 km/);
  });
});

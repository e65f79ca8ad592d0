/** Output files: what a planner opens in a spreadsheet or QGIS. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, grid } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import { writeOutputs } from '../../engine/report/index.js';
import { csvField } from '../../engine/report/outputs.js';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function run(geo: boolean) {
  const net = compile(grid(2, 3, { spacing: 200, ...(geo ? { geo: { lon: 113.54, lat: 22.19 } } : {}) }));
  const trips = expandDemand(net, { flows: [{ id: 'f', from: 'r0c0', to: 'r1c2', rate: 0.05, begin: 0, end: 600 }] }, createRandom(1));
  const result = simulate(net, trips, {}, { end: 1200, seed: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-out-'));
  dirs.push(dir);
  const files = await writeOutputs(dir, net, trips, result, { scenario: 'test "grid", 2x3', seed: 3, version: '0.1.0' });
  return { net, trips, result, dir, files };
}

describe('csvField', () => {
  it('quotes fields with commas, quotes or newlines (RFC 4180) and blanks non-finite numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Avenida, Almeida "Ribeiro"')).toBe('"Avenida, Almeida ""Ribeiro"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(NaN)).toBe('');
    expect(csvField(1.23456)).toBe('1.235');
  });
});

describe('writeOutputs', () => {
  it('writes every file with one row per trip, link and junction, each recording its provenance', async () => {
    const { net, trips, dir, files } = await run(false);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['junctions.csv', 'links.csv', 'network.geojson', 'summary.json', 'timeseries.csv', 'trips.csv']);
    const lines = (name: string) => readFile(join(dir, name), 'utf8').then((t) => t.trimEnd().split('\n'));
    const tripLines = await lines('trips.csv');
    expect(tripLines[0]).toBe('# greenwave 0.1.0; scenario test "grid", 2x3; seed 3');
    expect(tripLines.length).toBe(2 + trips.count);
    expect((await lines('links.csv')).length).toBe(2 + net.linkCount);
    expect((await lines('junctions.csv')).length).toBe(2 + net.junctionCount);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ greenwave: '0.1.0', seed: 3, scenario: 'test "grid", 2x3' });
    expect(summary.totals.arrived).toBe(trips.count);
    const geo = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
    expect(geo.features).toHaveLength(net.linkCount);
    expect(geo.greenwave.seed).toBe(3);
    expect(geo.crs).toBeDefined(); // planar network: flagged as not WGS84
    expect(geo.features[0].geometry.coordinates[1]).toEqual([200, 0]);
  });

  it('writes WGS84 coordinates when the network has lon/lat', async () => {
    const { dir } = await run(true);
    const geo = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
    expect(geo.crs).toBeUndefined();
    const [lon, lat] = geo.features[0].geometry.coordinates[0];
    expect(lon).toBeCloseTo(113.54, 6);
    expect(lat).toBeCloseTo(22.19, 6);
  });
});

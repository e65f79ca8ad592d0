/** Output files: what a planner opens in a spreadsheet or QGIS. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, grid } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { simulate } from '../../engine/sim/index.js';
import { reportRecorders, writeOutputs, writeRecordings } from '../../engine/report/index.js';
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
  it('writes every file with one row per trip, link and junction, and the provenance in metadata.json', async () => {
    const { net, trips, dir, files } = await run(false);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['junctions.csv', 'links.csv', 'metadata.json', 'network.geojson', 'summary.json', 'timeseries.csv', 'trips.csv']);
    const lines = (name: string) => readFile(join(dir, name), 'utf8').then((t) => t.trimEnd().split('\n'));
    const tripLines = await lines('trips.csv');
    expect(tripLines[0]).toBe('id,depart_s,origin,destination,inserted_s,arrived_s,travel_time_s,delay_s,waiting_s,stops,route_length_m,depart_delay_s,finished');
    expect(tripLines.length).toBe(1 + trips.count);
    expect((await lines('links.csv')).length).toBe(1 + net.linkCount);
    expect((await lines('junctions.csv')).length).toBe(1 + net.junctionCount);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ greenwave: '0.1.0', seed: 3, scenario: 'test "grid", 2x3' });
    expect(summary.totals.arrived).toBe(trips.count);
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({ format: 'greenwave-metadata', greenwave: '0.1.0', seed: 3, scenario: 'test "grid", 2x3', provenance: 'greenwave 0.1.0; scenario test "grid", 2x3; seed 3' });
    expect(metadata.files['junctions.csv'].columns.los).toMatch(/HCM/);
    const geo = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
    const links = geo.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'link');
    expect(links).toHaveLength(net.linkCount);
    expect(geo.greenwave.seed).toBe(3);
    expect(links[0].geometry.coordinates[1]).toEqual([200, 0]);
  });

  it('names no invented CRS for a planar network: the GeoJSON has no crs member, metadata.json says planar and how to load it in QGIS', async () => {
    const { dir } = await run(false);
    const geo = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
    expect(geo.crs).toBeUndefined(); // before: { name: 'planar metres (...)' }, which GDAL cannot resolve
    expect(geo.greenwave.coordinates).toBe('planar-metres');
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    expect(metadata.coordinates).toMatchObject({ system: 'planar', epsg: null, units: 'metres' });
    expect(metadata.coordinates.qgis).toMatch(/Set CRS/);
    const junctions = parse(await readFile(join(dir, 'junctions.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(junctions[0])).toEqual(expect.arrayContaining(['x_m', 'y_m', 'los']));
    expect(junctions.find((j) => j.id === 'r0c1')).toMatchObject({ x_m: '200', y_m: '0' });
  });

  it('writes WGS84 coordinates when the network has lon/lat, and junctions as a point layer with their level of service', async () => {
    const { dir, net, result } = await run(true);
    const geo = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
    expect(geo.crs).toBeUndefined();
    expect(geo.greenwave.coordinates).toBe('wgs84-lon-lat');
    const [lon, lat] = geo.features[0].geometry.coordinates[0];
    expect(lon).toBeCloseTo(113.54, 6);
    expect(lat).toBeCloseTo(22.19, 6);
    const points = geo.features.filter((f: { geometry: { type: string } }) => f.geometry.type === 'Point');
    expect(points).toHaveLength(net.junctionCount);
    const j = net.junctionIndex('r0c1');
    const point = points.find((f: { properties: { id: string } }) => f.properties.id === 'r0c1');
    expect(point.properties).toMatchObject({ kind: 'junction', los: result.junctions.levelOfService[j] || null, vehicles: result.junctions.vehicles[j] });
    expect(point.geometry.coordinates).toEqual([net.junctionLon[j], net.junctionLat[j]]);
    const junctions = parse(await readFile(join(dir, 'junctions.csv'), 'utf8'), { columns: true, cast: false }) as Array<Record<string, string>>;
    const row = junctions.find((r) => r.id === 'r0c1');
    expect(Number(row?.lon)).toBeCloseTo(net.junctionLon[j], 3);
    expect(Number(row?.lat)).toBeCloseTo(net.junctionLat[j], 3);
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    expect(metadata.coordinates).toMatchObject({ system: 'WGS84', epsg: 4326 });
  });

  it('every CSV opens in a plain CSV parser with its header as the first row (no comment line, one field count)', async () => {
    const net = compile(grid(2, 3, { spacing: 200 }));
    const trips = expandDemand(net, { flows: [{ id: 'f', from: 'r0c0', to: 'r1c2', rate: 0.05, begin: 0, end: 600 }] }, createRandom(1));
    const recorders = reportRecorders(net, trips, { start: 0, end: 1200, interval: 300 });
    const result = simulate(net, trips, {}, { end: 1200, seed: 3, attach: (sim) => recorders.attach(sim) });
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-csv-'));
    dirs.push(dir);
    const provenance = { scenario: 'plain', seed: 3, version: '0.1.0' };
    await writeOutputs(dir, net, trips, result, provenance);
    await writeRecordings(dir, net, trips, recorders.recordings(), provenance);
    const csvs = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
    expect(csvs).toEqual(['junction-timeseries.csv', 'junctions.csv', 'link-flows.csv', 'links.csv', 'timeseries.csv', 'trips.csv']);
    for (const name of csvs) {
      const rows = parse(await readFile(join(dir, name), 'utf8')) as string[][]; // no options: what Excel or QGIS does
      expect(rows[0].every((h) => /^[a-z][a-z0-9_]*$/.test(h)), `${name}: first row ${rows[0].join(',')}`).toBe(true);
      expect(rows.length, name).toBeGreaterThan(1);
      for (const r of rows) expect(r.length, name).toBe(rows[0].length);
    }
  });
});

/**
 * What real OSM data needs (issue: the real city in one command), on the
 * hand-written test/fixtures/osm/real-gaps.osm: one-way gaps joined, cut-off parts
 * kept or dropped by size and listed with their streets, a walking-speed street
 * whose saturation flow is capped so the scenario loads, signals guessed at the
 * crossing of two avenues, and names, road classes and shapes carried to the
 * compiled network, the output files and a referencing scenario file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { importOsm, morningPeakDemand } from '../../../engine/io/osm/index.js';
import { saturationFlowFor } from '../../../engine/io/osm/build.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import type { ImportResult } from '../../../engine/io/types.js';
import { compile } from '../../../engine/network/compile.js';
import { junctionName, linkPolyline } from '../../../engine/network/labels.js';
import { writeOutputs } from '../../../engine/report/outputs.js';
import { buildScenario, loadScenario, parseScenario } from '../../../engine/scenario/index.js';
import { simulate } from '../../../engine/sim/simulate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));
const FILE = fixture('real-gaps.osm');
const dir = mkdtempSync(join(tmpdir(), 'greenwave-osm-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const count = (r: ImportResult, label: string): number => r.counts.find((c) => c.label === label)?.count ?? 0;
const hasLink = (r: ImportResult, id: string): boolean => r.network.graph.hasEdge(id);

describe('importOsm on real-data problems (real-gaps.osm)', () => {
  it('joins a one-way street that ends 8 m short of the avenue, and says so', async () => {
    const r = await importOsm(FILE);
    expect(count(r, 'gaps joined: one-way dead ends')).toBe(1);
    expect(hasLink(r, 'w104#0')).toBe(true);
    expect(r.warnings.some((w) => /way 104 \("Travessa D"\) ended 8\.0 m from node 8/.test(w.message))).toBe(true);
    // Left alone, the street is a trap: cut off and dropped with the other small parts.
    const apart = await importOsm(FILE, { gapDistance: 0 });
    expect(hasLink(apart, 'w104#0')).toBe(false);
    expect(apart.warnings.some((w) => /^dropped: .*Travessa D/.test(w.message))).toBe(true);
  });

  it('lists every part cut off from the largest with its size and streets, and keeps parts of at least N links', async () => {
    const r = await importOsm(FILE); // default: parts of 20 links or more
    expect(r.warnings.some((w) => /^dropped: a part of 4 links \(0\.\d+ km; Estrada G\) is cut off from the largest part/.test(w.message))).toBe(true);
    expect(hasLink(r, 'w110#0')).toBe(false);
    for (const components of ['all', 4] as const) {
      const kept = await importOsm(FILE, { components });
      expect(hasLink(kept, 'w110#0'), String(components)).toBe(true);
    }
    expect(count(await importOsm(FILE, { components: 4 }), 'parts cut off from the largest: kept')).toBe(1);
    expect(hasLink(await importOsm(FILE, { components: 5 }), 'w110#0')).toBe(false);
    await expect(importOsm(FILE, { components: 0 })).rejects.toMatchObject({ name: 'InputError', path: 'options.components' });
  });

  it('caps the saturation flow of a walking-speed street so the scenario loads, naming the way', async () => {
    const r = await importOsm(FILE);
    const f = r.network.link('w105#0');
    expect(f.speed).toBeCloseTo(6 / 3.6, 9); // maxspeed=walk
    // One vehicle per jam spacing / speed + 1 s: 7.5 / 1.667 + 1 = 5.5 s, 655 veh/h, below speed / jam spacing (800 veh/h).
    expect(f.saturationFlow).toBeCloseTo(1 / (7.5 / (6 / 3.6) + 1), 12);
    expect(f.saturationFlow).toBe(saturationFlowFor(f.speed));
    expect(f.saturationFlow).toBeLessThan(f.speed / f.jamSpacing);
    expect(r.network.link('w101#0').saturationFlow).toBe(0.5); // 50 km/h: the default 1,800 veh/h
    expect(r.warnings.some((w) => /way 105 \("Beco F"\), living_street at 6 km\/h: saturation flow capped at 655 veh\/h/.test(w.message))).toBe(true);
    const doc = scenarioDocument({ ...r, demand: morningPeakDemand(r.network, { minTripDistance: 100 }) }, { name: 'gaps' });
    expect(() => buildScenario(parseScenario(JSON.stringify(doc), 'gaps.json'))).not.toThrow();
  });

  it('loads the lanes-speeds fixture with every speed under 13.5 km/h (10, 5, walk) as a scenario', async () => {
    const text = readFileSync(fixture('lanes-speeds.osm'), 'utf8');
    for (const speed of ['10', '5', 'walk', '1 mph']) {
      const file = join(dir, `slow-${speed.replace(' ', '')}.osm`);
      writeFileSync(file, text.replace(/k="maxspeed(:forward|:backward)?" v="[^"]*"/g, `k="maxspeed$1" v="${speed}"`));
      const r = await importOsm(file, { components: 'all' });
      const doc = scenarioDocument(r, { name: 'slow' });
      expect(() => buildScenario(parseScenario(JSON.stringify(doc), 'slow.json')), speed).not.toThrow();
    }
  });

  it('guesses a signal where two avenues cross, and only with signals guess, osm+guess or auto', async () => {
    const auto = await importOsm(FILE);
    expect(auto.network.junction('n1').control).toBe('signal');
    expect(count(auto, 'signals: source osm+guess')).toBe(1);
    expect(auto.warnings.some((w) => /tags 0 signalised junctions, fewer than 50% of the 1 the guessing rule finds/.test(w.message))).toBe(true);
    expect(auto.programs.map((p) => p.junction)).toEqual(['n1']);
    for (const signals of ['guess', 'osm+guess'] as const) expect((await importOsm(FILE, { signals })).network.junction('n1').control, signals).toBe('signal');
    for (const signals of ['osm', 'none'] as const) {
      const r = await importOsm(FILE, { signals });
      expect(r.programs, signals).toHaveLength(0);
    }
    // Where Travessa D meets Rua B (three legs, one road major): no signal.
    expect(auto.network.junction('n11').control).not.toBe('signal');
  });

  it('keeps names (and pt/zh names), road classes and shapes through compile and the output files', async () => {
    const r = await importOsm(FILE, { components: 'all' });
    const a = r.network.link('w101#0');
    expect(a).toMatchObject({ name: 'Avenida A', names: { pt: 'Avenida de Almeida', zh: '亞美打大馬路' }, roadClass: 'primary' });
    const net = compile(r.network);
    const south = net.linkIndex('w102#0'); // node 4 -> 13 (a bend) -> 1
    expect(net.linkName(south)).toBe('Rua B');
    expect(net.linkRoadClass(south)).toBe('primary');
    expect(net.linkShape(south)).toHaveLength(1);
    const line = linkPolyline(net, south, true);
    expect(line).toHaveLength(3);
    // The bend is placed in lon/lat where the file has it (to 1e-7 degrees, about 1 cm).
    expect(line[1][0]).toBeCloseTo(113.54005, 7);
    expect(line[1][1]).toBeCloseTo(22.1891, 7);
    expect(junctionName(net, net.junctionIndex('n1'))).toBe('Avenida A / Rua B');
    expect(junctionName(net, net.junctionIndex('n11'))).toBe('Rua B / Travessa D');

    const trips = expandDemand(net, { flows: [{ from: 'n2', to: 'n3', rate: 0.05, begin: 0, end: 600 }] }, createRandom(1));
    const result = simulate(net, trips, { programs: r.programs }, { end: 1800, seed: 1 });
    const out = join(dir, 'out');
    await writeOutputs(out, net, trips, result, { scenario: 'gaps', seed: 1, version: 'test' });
    const links = readFileSync(join(out, 'links.csv'), 'utf8').split('\n');
    expect(links[0]).toBe('id,from,to,length_m,lanes,speed_m_s,entered,left,mean_travel_time_s,mean_queue_veh,max_queue_veh,name,other_names,road_class');
    expect(links.find((l) => l.startsWith('w101#0,'))).toMatch(/,Avenida A,pt: Avenida de Almeida; zh: 亞美打大馬路,primary$/);
    expect(readFileSync(join(out, 'junctions.csv'), 'utf8')).toMatch(/\nn1,Avenida A \/ Rua B,signal,/);
    const geo = JSON.parse(readFileSync(join(out, 'network.geojson'), 'utf8'));
    const feature = geo.features.find((f: { properties: { id: string } }) => f.properties.id === 'w102#0');
    expect(feature.geometry.coordinates).toHaveLength(3);
    expect(feature.properties).toMatchObject({ name: 'Rua B', roadClass: 'primary' });
  });

  it('writes a short scenario that references the OSM file and loads to the same network, with a demand scale', async () => {
    const r = await importOsm(FILE, { components: 'all' });
    r.demand = morningPeakDemand(r.network, { minTripDistance: 100, vehPerHour: 100 });
    const doc = scenarioDocument(r, { name: 'ref', reference: { file: FILE, options: { components: 'all' } } }) as Record<string, unknown>;
    expect(doc.network).toEqual({ import: 'osm', file: FILE, options: { components: 'all' } });
    expect(doc.signals).toBeUndefined(); // the importer makes the same programs again
    const zones = (doc.demand as { od: Array<{ zoneNames: string[] }> }).od[0].zoneNames;
    expect(zones).toContain('Avenida A'); // fringe zones named after their street
    const file = join(dir, 'ref.json');
    writeFileSync(file, JSON.stringify({ ...doc, demand: { ...(doc.demand as object), scale: 2 } }));
    const loaded = await loadScenario(file);
    const built = buildScenario(loaded);
    expect(built.network.linkCount).toBe(r.network.linkCount);
    expect(built.signals.programs).toHaveLength(r.programs.length);
    // demand.scale 2 doubles every OD cell.
    expect(loaded.demand.od?.[0].trips).toEqual(r.demand.od?.[0].trips.map((row) => row.map((v) => 2 * v)));
  });
});

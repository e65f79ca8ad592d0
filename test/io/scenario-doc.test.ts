/**
 * scenarioDocument (any ImportResult -> a scenario file) and importNetwork (the
 * dispatcher). Round trip: import -> document -> parseScenario -> buildScenario
 * gives the same junctions, links, movements (with lanes), programs and trips as
 * the import itself, and the same simulation results.
 */
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../engine/errors.js';
import { compile } from '../../engine/network/compile.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { createRandom } from '../../engine/demand/random.js';
import { expandDemand } from '../../engine/demand/expand.js';
import { compileProgram, programToSpec } from '../../engine/signals/program.js';
import { simulate } from '../../engine/sim/simulate.js';
import { buildScenario, parseScenario } from '../../engine/scenario/index.js';
import { importCityflow } from '../../engine/io/cityflow/index.js';
import { importNetwork, scenarioDocument, scenarioName } from '../../engine/io/index.js';
import type { ImportResult } from '../../engine/io/types.js';

const FIX = 'test/fixtures/cityflow';

/** import -> document text -> loader -> built scenario. */
function roundTrip(result: ImportResult, name?: string) {
  const doc = scenarioDocument(result, name === undefined ? {} : { name });
  const text = JSON.stringify(doc, null, 2);
  return { doc: doc as Record<string, unknown>, built: buildScenario(parseScenario(text, 'imported.json')) };
}

describe('scenarioDocument: CityFlow corridor round trip', async () => {
  const result = await importCityflow(`${FIX}/corridor/config.json`, { end: 600 });
  const { doc, built } = roundTrip(result);
  const net = compile(result.network);

  it('keeps every junction, link and movement (with its lanes and turn), and the driving side', () => {
    expect(built.compiled.junctionCount).toBe(result.network.junctionCount);
    expect(built.compiled.linkCount).toBe(result.network.linkCount);
    expect(built.compiled.movementCount).toBe(result.network.movementCount);
    expect(built.network.movements()).toEqual(result.network.movements());
    // Speeds pass through km/h: equal to the last bit or the next double (11.11 m/s has no exact km/h double).
    const near = (x: number) => expect.closeTo(x, 12);
    expect(built.network.links()).toEqual(result.network.links().map((l) => ({ ...l, speed: near(l.speed) })));
    expect(built.network.junctions()).toEqual(result.network.junctions());
    expect(built.compiled.drivingSide).toBe('right');
  });

  it('keeps the signal programs, offsets and all-red times', () => {
    const direct = result.programs.map((p, i) => programToSpec(net, compileProgram(net, p, `programs[${i}]`)));
    expect(built.signals.programs.map((p) => programToSpec(built.compiled, p))).toEqual(direct);
  });

  it('keeps every trip: ids, departures, routes', () => {
    const direct = expandDemand(net, result.demand, createRandom(built.seeds[0]).fork('demand'));
    expect(built.trips.ids).toEqual(direct.ids);
    expect(Array.from(built.trips.depart)).toEqual(Array.from(direct.depart).map((t) => expect.closeTo(t, 9)));
    expect(built.trips.routeLinks).toEqual(direct.routeLinks);
    expect(built.trips.routeOffsets).toEqual(direct.routeOffsets);
  });

  it('runs to the same results as the import simulated directly', () => {
    const direct = expandDemand(net, result.demand, createRandom(1).fork('demand'));
    const programs = result.programs.map((p, i) => compileProgram(net, p, `programs[${i}]`));
    const a = simulate(net, direct, { programs }, { start: 0, end: 600, seed: 1, vehicle: result.vehicle });
    const b = simulate(built.compiled, built.trips, built.signals, { ...built.options, seed: 1 });
    const { trips, inserted, arrived, unfinished, unroutable, ...means } = a.network;
    expect(b.network).toMatchObject({ trips, inserted, arrived, unfinished, unroutable });
    for (const [key, value] of Object.entries(means)) expect((b.network as unknown as Record<string, number>)[key], key).toBeCloseTo(value, 9);
    expect(a.network.arrived).toBeGreaterThan(0);
  });

  it('writes planners\' units, the simulated period and a provenance description', () => {
    expect(doc.name).toBe('corridor'); // config.json says nothing: its folder names the scenario
    // CityFlow's vehicle class: its usual accelerations, no losses, no junction storage of permissive turns.
    expect(doc.simulation).toEqual({ startS: 0, endS: 600, vehicle: { accelMS2: 2, decelMS2: 4.5, sigma: 0, startLoss: false, startUpLostS: 0, speedDev: 0, junctionStorageVeh: 0, yellowDecelMS2: 4.5, stepLengthS: 0 } }); // the source's class decides on yellow with its own decel, continuous (CityFlow's phases have no yellow anyway)
    expect(String(doc.description)).toMatch(/Imported from cityflow files .*config\.json.*4 import warnings/);
    const links = (doc.network as { links: Array<Record<string, unknown>> }).links;
    expect(links.find((l) => l.id === 'road_W_A')).toEqual({ id: 'road_W_A', from: 'int_W', to: 'int_A', lengthM: 300, lanes: 3, speedKmh: 50.004, jamSpacingM: 7, saturationVehPerHourPerLane: expect.closeTo(3600 / (1.5 + 7 / 13.89), 2) }); // CityFlow car following: 1 / (headwayTime + (length + minGap) / maxSpeed)
    const movements = (doc.network as { movements: Array<Record<string, unknown>> }).movements;
    expect(movements.find((m) => m.from === 'road_NA_A' && m.to === 'road_A_SA')).toEqual({ from: 'road_NA_A', to: 'road_A_SA' }); // every lane: lanes omitted
    expect(movements.find((m) => m.from === 'road_W_A' && m.to === 'road_A_B')).toEqual({ from: 'road_W_A', to: 'road_A_B', lanes: [1] });
  });
});

describe('scenarioDocument: any ImportResult', () => {
  /** What an OSM or SUMO import could produce: coordinates, odd ids, non-default link physics, OD demand, no period. */
  function handMade(): ImportResult {
    const network = new RoadNetwork({ drivingSide: 'left' });
    network.addJunction({ id: 'a', x: 0, y: 0, lon: 113.54, lat: 22.19 });
    network.addJunction({ id: 'b', x: 200, y: 0, lon: 113.542, lat: 22.19, control: 'signal' });
    network.addJunction({ id: 'c', x: 400, y: 0, lon: 113.544, lat: 22.19, control: 'priority' });
    network.addLink({ id: 'a>b', from: 'a', to: 'b', speed: 50 / 3.6, lanes: 2, saturationFlow: 1900 / 3600, name: 'Rua A' });
    network.addLink({ id: 'b>c', from: 'b', to: 'c', speed: 40 / 3.6, length: 210.5, jamSpacing: 8, priority: 7 });
    network.addLink({ id: 'c>b', from: 'c', to: 'b', speed: 40 / 3.6 });
    network.addLink({ id: 'b>a', from: 'b', to: 'a', speed: 50 / 3.6 });
    network.addMovement({ from: 'a>b', to: 'b>c', lanes: [1] });
    network.addMovement({ from: 'c>b', to: 'b>a', rightOfWay: 'stop' });
    return {
      format: 'osm',
      files: ['maps/macau centre.osm.pbf'],
      network,
      programs: [{ junction: 'b', offset: 12, control: { kind: 'actuated', gap: 2.5, detectorGap: 1.5, passingTime: 1.9 }, phases: [
        { green: [{ from: 'a>b', to: 'b>c' }], duration: 25, yellow: 3, allRed: 2, minGreen: 6, maxGreen: 50 },
        { green: [], permissive: [{ from: 'c>b', to: 'b>a' }], duration: 20 },
      ] }],
      demand: {
        trips: [{ id: 't1', depart: 30, from: 'a', to: 'c' }],
        flows: [{ id: 'f', fromLink: 'c>b', toLink: 'b>a', rate: 0.1, begin: 0, end: 1800, arrivals: 'poisson' }],
        od: [{ zones: ['a', 'c'], trips: [[0, 120], [60, 0]], begin: 600, end: 5000, profile: [{ time: 600, factor: 1 }, { time: 3000, factor: 1.5 }] }],
      },
      counts: [],
      warnings: [],
    };
  }

  it('writes a document the loader accepts, with ids containing ">" as { from, to } references', () => {
    const result = handMade();
    const { doc, built } = roundTrip(result, 'Macau centre (AM)');
    expect(doc.name).toBe('Macau-centre-AM-');
    expect(doc.drivingSide).toBe('left');
    const phases = (doc.signals as { programs: Array<{ phases: Array<Record<string, unknown>> }> }).programs[0].phases;
    expect(phases[0].green).toEqual([{ from: 'a>b', to: 'b>c' }]);
    expect(phases[0]).toMatchObject({ greenS: 25, yellowS: 3, allRedS: 2, minGreenS: 6, maxGreenS: 50 });
    // The program's own actuated control travels as signals.programs[i].actuated.
    expect((doc.signals as { programs: Array<Record<string, unknown>> }).programs[0].actuated).toEqual({ maxGapS: 2.5, detectorGapS: 1.5, passingTimeS: 1.9 });
    expect(built.signals.programs[0].control).toEqual({ kind: 'actuated', gap: 2.5, detectorGap: 1.5, passingTime: 1.9 });
    expect(built.network.junction('a')).toMatchObject({ lon: 113.54, lat: 22.19 });
    expect(built.network.junction('c').control).toBe('priority');
    expect(built.network.link('a>b')).toMatchObject({ saturationFlow: 1900 / 3600, name: 'Rua A', lanes: 2 });
    expect(built.network.link('b>c')).toMatchObject({ length: 210.5, jamSpacing: 8, priority: 7 });
    expect(built.network.movementsFrom('c>b')[0].rightOfWay).toBe('stop');
    expect(built.network.movements()).toEqual(result.network.movements());
    expect(built.signals.programs[0].offset).toBe(12);
    const direct = expandDemand(compile(result.network), result.demand, createRandom(built.seeds[0]).fork('demand'));
    expect(built.trips.ids).toEqual(direct.ids);
    expect(Array.from(built.trips.depart)).toEqual(Array.from(direct.depart));
  });

  it('without a simulated period, runs from 0 to the next whole hour after the last demand time', () => {
    const { doc } = roundTrip(handMade());
    expect(doc.simulation).toEqual({ startS: 0, endS: 7200 }); // the OD matrix ends at 5000 s
    const empty = { ...handMade(), demand: {}, programs: [] };
    expect(scenarioDocument(empty, {})).toMatchObject({ simulation: { startS: 0, endS: 3600 }, name: 'macau-centre' });
  });

  it('names a scenario from a file name or text', () => {
    expect(scenarioName('roadnet_4_4')).toBe('roadnet_4_4');
    expect(scenarioName('  my net!')).toBe('my-net-');
    expect(scenarioName('***')).toBe('imported');
  });
});

describe('importNetwork', () => {
  it('dispatches cityflow with one file (config or roadnet) or two (roadnet, flow)', async () => {
    const one = await importNetwork('cityflow', [`${FIX}/corridor/config.json`], { end: 600 });
    expect(one.network.linkCount).toBe(14);
    const two = await importNetwork('cityflow', [`${FIX}/tiny/roadnet.json`, `${FIX}/tiny/flow.json`]);
    expect(two.demand.flows?.[0]).toMatchObject({ id: 'flow_0', rate: 1 / 20 });
    await expect(importNetwork('cityflow', ['a', 'b', 'c'])).rejects.toThrow(UsageError);
    await expect(importNetwork('cityflow', [`${FIX}/bad/malformed.json`])).rejects.toThrow(InputError);
  });

  it('says clearly when an importer is not part of this build, and rejects bad arguments', async () => {
    for (const format of ['sumo', 'osm'] as const) {
      const error = await importNetwork(format, ['x.net.xml']).catch((e: unknown) => e);
      if (error instanceof UsageError && /not installed/.test(error.message)) {
        expect(error.message).toMatch(format === 'sumo' ? /SUMO importer/ : /OpenStreetMap importer/);
      } else {
        // The importer is installed: it must then refuse the missing file as bad input, not crash.
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).name).not.toBe('TypeError');
      }
    }
    await expect(importNetwork('osm', ['a.osm', 'b.osm'])).rejects.toThrow(/one \.osm/);
    await expect(importNetwork('cityflow', [])).rejects.toThrow(UsageError);
    await expect(importNetwork('shapefile' as 'osm', ['x'])).rejects.toThrow(/unknown import format/);
  });
});

/**
 * The CityFlow importer on the public CityFlow data sets in ../shared/data/cityflow
 * (CityFlow's example; the Hangzhou 4x4 real-world flows used across the
 * signal-control literature; a synthetic 3x3 grid): each imports, every vehicle
 * of the flow file is accounted for, and each runs to its horizon under its own
 * fixed-time light phases with every vehicle arrived, still travelling or still
 * waiting to enter. The Hangzhou average travel time is CityFlow's definition
 * (`Engine::getAverageTravelTime`): see engine/io/cityflow/travel-time.ts.
 * The data is for checking only and is never committed; the suite skips when
 * it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/network/compile.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';
import type { CompiledNetwork } from '../../../engine/network/compiled.js';
import { createRandom } from '../../../engine/demand/random.js';
import type { TripTable } from '../../../engine/demand/demand.js';
import { expandDemand } from '../../../engine/demand/expand.js';
import { compileProgram } from '../../../engine/signals/program.js';
import { simulate, type SimulationResult } from '../../../engine/sim/simulate.js';
import { buildScenario, parseScenario } from '../../../engine/scenario/index.js';
import { cityflowAverageTravelTime, importCityflow } from '../../../engine/io/cityflow/index.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import type { ImportResult } from '../../../engine/io/types.js';

const DATA = path.join(SHARED_DATA, 'cityflow');
const present = existsSync(path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'));
if (!present) console.warn(`cityflow-shared-data: skipped, ${DATA} (the shared CityFlow data) is absent`);

interface FlowEntry { interval: number; startTime?: number; endTime?: number }
const readFlows = (file: string): FlowEntry[] => JSON.parse(readFileSync(file, 'utf8')) as FlowEntry[];

/** Vehicles CityFlow generates before `horizon` with a 1 s step, for integral start/end/interval. */
function expectedVehicles(flows: FlowEntry[], horizon: number): number {
  let n = 0;
  for (const f of flows) {
    const start = f.startTime ?? 0;
    const end = f.endTime === undefined || f.endTime === -1 ? Infinity : f.endTime;
    for (let t = start; t <= end && t < horizon; t += f.interval) n++;
  }
  return n;
}

function run(result: ImportResult): { net: CompiledNetwork; trips: TripTable; sim: SimulationResult } {
  const net = compile(result.network);
  const trips = expandDemand(net, result.demand, createRandom(1).fork('demand'));
  const programs = result.programs.map((p, i) => compileProgram(net, p, `programs[${i}]`));
  const sim = simulate(net, trips, { programs }, { start: 0, end: result.simulation!.end!, seed: 1, vehicle: result.vehicle });
  return { net, trips, sim };
}

/** Every vehicle is arrived, unfinished (driving or waiting to enter) or unroutable: nothing lost. */
function expectAccountedFor(trips: TripTable, sim: SimulationResult): void {
  const m = sim.network;
  expect(m.trips).toBe(trips.count);
  expect(m.unroutable).toBe(0);
  expect(m.arrived + m.unfinished).toBe(trips.count);
  let arrived = 0;
  for (let i = 0; i < trips.count; i++) if (sim.trips.arrived[i] >= 0) arrived++;
  expect(arrived).toBe(m.arrived);
  expect(sim.gridlock).toBeUndefined();
}

/** Mean over trips of min(free-flow route time, horizon - depart): no travel time can be shorter. */
function freeFlowBound(net: CompiledNetwork, trips: TripTable, horizon: number): number {
  let sum = 0;
  for (let i = 0; i < trips.count; i++) {
    let ff = 0;
    for (let k = trips.routeOffsets[i]; k < trips.routeOffsets[i + 1]; k++) ff += net.linkLength[trips.routeLinks[k]] / net.linkSpeed[trips.routeLinks[k]];
    sum += Math.min(ff, horizon - trips.depart[i]);
  }
  return sum / trips.count;
}

describe.skipIf(!present)(present ? `CityFlow shared data (${DATA})` : `CityFlow shared data: SKIPPED, ${DATA} is absent`, () => {
  it('example/config.json: 1 signal, 12 endless flows every 5 s -> 720 vehicles each in 3,600 s', async () => {
    const result = await importCityflow(path.join(DATA, 'example', 'config.json'));
    expect(result.network.junctionCount).toBe(5);
    expect(result.programs).toHaveLength(1);
    // Four green phases, each followed by a 5 s right-turns-only phase: four phases with 5 s all-red.
    expect(result.programs[0].phases.map((p) => [p.duration, p.allRed])).toEqual([[30, 5], [30, 5], [30, 5], [30, 5]]);
    expect(result.demand.flows).toHaveLength(12);
    const { trips, sim } = run(result);
    expect(trips.count).toBe(12 * 720);
    expectAccountedFor(trips, sim);
  });

  for (const flowFile of ['anon_4_4_hangzhou_real.json', 'anon_4_4_hangzhou_real_5734.json', 'anon_4_4_hangzhou_real_5816.json']) {
    it(`hangzhou_4x4 ${flowFile}: imports, runs 3,600 s under its own fixed-time phases, every vehicle accounted for`, async () => {
      const file = path.join(DATA, 'hangzhou_4x4', flowFile);
      const result = await importCityflow({ roadnet: path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'), flow: file });
      expect(result.network.junctionCount).toBe(32);
      expect(result.network.linkCount).toBe(80);
      expect(result.programs).toHaveLength(16);
      for (const p of result.programs) {
        // CityFlow's 5 s phase 0 (right turns only) becomes the all-red closing the cycle; 8 phases of 30 s.
        expect(p.offset).toBe(5);
        expect(p.phases.map((ph) => ph.duration)).toEqual([30, 30, 30, 30, 30, 30, 30, 30]);
        expect(p.phases[7].allRed).toBe(5);
      }
      const { net, trips, sim } = run(result);
      expect(trips.count).toBe(expectedVehicles(readFlows(file), 3600));
      expectAccountedFor(trips, sim);
      const att = cityflowAverageTravelTime(trips, sim, 3600);
      console.log(`hangzhou_4x4 ${flowFile}: ${trips.count} vehicles, arrived ${sim.network.arrived}, CityFlow average travel time ${att.toFixed(2)} s (fixed time, seed 1)`);
      expect(att).toBeGreaterThanOrEqual(freeFlowBound(net, trips, 3600));
      expect(att).toBeLessThan(3600);
    });
  }

  it('hangzhou_4x4 anon_4_4_hangzhou_real.json, its fixed plan: CityFlow average travel time within 10% of CityFlow\'s own 525.3 s', async () => {
    // Reference: CityFlow (cityflow-project/CityFlow, its Python module) run on the same
    // roadnet and flow file for 3,600 s under the roadnet's light phases, 1 s step:
    // Engine::get_average_travel_time() = 525.28 s.
    const result = await importCityflow({ roadnet: path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'), flow: path.join(DATA, 'hangzhou_4x4', 'anon_4_4_hangzhou_real.json') });
    const { trips, sim } = run(result);
    const att = cityflowAverageTravelTime(trips, sim, 3600);
    expect(Math.abs(att - 525.28) / 525.28, `greenwave ${att.toFixed(1)} s vs CityFlow 525.3 s`).toBeLessThan(0.10);
  });

  it('hangzhou_4x4 anon_4_4_hangzhou_real.json under max-pressure (Varaiya 2013): every vehicle accounted for, well below fixed time', async () => {
    const result = await importCityflow({ roadnet: path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'), flow: path.join(DATA, 'hangzhou_4x4', 'anon_4_4_hangzhou_real.json') });
    const { net, trips, sim: fixed } = run(result);
    // The literature's max-pressure runs on CityFlow insert the 5 s phase 0 (all red
    // but right turns) at every phase change; here: 5 s all-red after every phase.
    const programs = result.programs.map((p) => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, yellow: 0, allRed: 5 })) }));
    const sim = simulate(net, trips, { programs, control: { kind: 'max-pressure' } }, { start: 0, end: 3600, seed: 1, vehicle: result.vehicle });
    expectAccountedFor(trips, sim);
    const att = cityflowAverageTravelTime(trips, sim, 3600);
    const fixedAtt = cityflowAverageTravelTime(trips, fixed, 3600);
    console.log(`hangzhou_4x4 anon_4_4_hangzhou_real.json: CityFlow average travel time ${att.toFixed(2)} s under max-pressure, ${fixedAtt.toFixed(2)} s fixed time (published max-pressure on CityFlow: 240.97 s)`);
    expect(att).toBeGreaterThanOrEqual(freeFlowBound(net, trips, 3600));
    expect(att).toBeLessThan(0.8 * fixedAtt);
  });

  it('hangzhou_4x4 anon_4_4_hangzhou_real.json, the literature\'s max-pressure written in a scenario file: within 10% of CityFlow\'s 345.9 s', async () => {
    // Reference: CityFlow run on the same files with the literature's max-pressure: every 10 s
    // each signal shows, among light phases 1-8, the one whose roadLinks have the largest sum of
    // (vehicles on the start lanes - vehicles on the end lanes), every vehicle on a lane counted;
    // ties to the lowest phase; no yellow, all-red or minimum green: average travel time 345.88 s.
    // greenwave's import already leaves CityFlow's phase 0 (right turns only) out of the phases.
    const result = await importCityflow({ roadnet: path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'), flow: path.join(DATA, 'hangzhou_4x4', 'anon_4_4_hangzhou_real.json') });
    const doc = scenarioDocument(result, { name: 'hangzhou-mp' }) as Record<string, unknown> & { signals: Record<string, unknown> };
    doc.signals = { ...doc.signals, default: 'max-pressure', maxPressure: { intervalS: 10, minGreenS: 0, interGreen: 'none', pressure: 'lanes', ties: 'lowest' } };
    const built = buildScenario(parseScenario(JSON.stringify(doc), 'hangzhou-mp.json'));
    const sim = simulate(built.compiled, built.trips, built.signals, built.options);
    expectAccountedFor(built.trips, sim);
    const att = sim.network.meanTravelTimeAllTrips;
    expect(Math.abs(att - 345.88) / 345.88, `greenwave ${att.toFixed(1)} s vs CityFlow 345.9 s`).toBeLessThan(0.10);
  });

  it('hangzhou_4x4: the scenario document builds to the same network, programs and trips', async () => {
    const result = await importCityflow({ roadnet: path.join(DATA, 'hangzhou_4x4', 'roadnet_4_4.json'), flow: path.join(DATA, 'hangzhou_4x4', 'anon_4_4_hangzhou_real.json') });
    const built = buildScenario(parseScenario(JSON.stringify(scenarioDocument(result, { name: 'hangzhou' })), 'hangzhou.json'));
    const { trips, sim } = run(result);
    expect(built.compiled.movementCount).toBe(result.network.movementCount);
    expect(built.signals.programs).toHaveLength(16);
    expect(built.trips.ids).toEqual(trips.ids);
    expect(Array.from(built.trips.depart)).toEqual(Array.from(trips.depart));
    const again = simulate(built.compiled, built.trips, built.signals, built.options);
    expect(again.network.arrived).toBe(sim.network.arrived);
  });

  it('synthetic_3x3 with a 14,400 s horizon: flows every 12 s and 40 s, all vehicles imported', async () => {
    const file = path.join(DATA, 'synthetic_3x3', 'anon_3_3_300_0.3_bi.json');
    const result = await importCityflow({ roadnet: path.join(DATA, 'synthetic_3x3', 'roadnet_3_3.json'), flow: file }, { end: 14400 });
    const { trips, sim } = run(result);
    expect(trips.count).toBe(expectedVehicles(readFlows(file), 14400));
    expectAccountedFor(trips, sim);
  });
});

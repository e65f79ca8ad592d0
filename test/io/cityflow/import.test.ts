/**
 * importCityflow on hand-written fixtures (test/fixtures/cityflow): every mapping
 * rule (junction control, link length/lanes/speed, lane masks, phases and the
 * folding of transition phases, permissive lefts, CityFlow's departure times,
 * anchor routes, horizon and step) and every bad-file case (located InputError).
 * Departure semantics are checked against a direct port of CityFlow's
 * Flow::nextStep accumulator (src/flow/flow.cpp).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../engine/errors.js';
import { compile } from '../../../engine/network/compile.js';
import { createRandom } from '../../../engine/demand/random.js';
import type { TripTable } from '../../../engine/demand/demand.js';
import { expandDemand } from '../../../engine/demand/expand.js';
import { importCityflow } from '../../../engine/io/cityflow/index.js';
import { cityflowSaturationFlow, flowDepartures, resolveRoute, type CityflowFlowEntry, type FlowDepartures } from '../../../engine/io/cityflow/flow.js';
import type { CityflowRoad } from '../../../engine/io/cityflow/roadnet.js';
import type { ImportResult } from '../../../engine/io/types.js';

const FIX = 'test/fixtures/cityflow';
const CORRIDOR = `${FIX}/corridor/config.json`;

function tripsOf(result: ImportResult): TripTable {
  return expandDemand(compile(result.network), result.demand, createRandom(1).fork('demand'));
}

/** Departure times of the vehicles of CityFlow flow `flow_i`, whatever form (trip or flow) they were written in. */
function departuresOf(table: TripTable, flow: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < table.count; i++) {
    const id = table.ids[i];
    if (id.startsWith(`flow_${flow}_`) || id.startsWith(`flow_${flow}.`)) out.push(table.depart[i]);
  }
  return out.sort((a, b) => a - b);
}

const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) out.push(t);
  return out;
};

/** CityFlow's Flow::nextStep, run step by step (the reference the closed form is checked against). */
function cityflowSteps(interval: number, startTime: number, endTime: number, dt: number, horizon: number): number[] {
  const times: number[] = [];
  let nowTime = interval;
  let currentTime = 0;
  for (let step = 0; step * dt < horizon; step++) {
    if (endTime !== -1 && currentTime > endTime) break;
    if (currentTime >= startTime) {
      while (nowTime >= interval) {
        times.push(step * dt);
        nowTime -= interval;
      }
      nowTime += dt;
    }
    currentTime += dt;
  }
  return times;
}

describe('importCityflow: corridor fixture (config.json)', async () => {
  const result = await importCityflow(CORRIDOR, { end: 600 });
  const net = result.network;

  it('finds the roadnet and flow files beside the config when dir does not lead to them', () => {
    expect(result.files).toEqual([CORRIDOR, `${FIX}/corridor/roadnet.json`, `${FIX}/corridor/flow.json`]);
    expect(result.format).toBe('cityflow');
    expect(result.simulation).toEqual({ start: 0, end: 600 });
  });

  it('makes virtual intersections uncontrolled boundary junctions and real ones signals', () => {
    expect(net.junctionCount).toBe(8);
    expect(net.junction('int_A').control).toBe('signal');
    expect(net.junction('int_B').control).toBe('signal');
    for (const id of ['int_W', 'int_E', 'int_NA', 'int_SA', 'int_NB', 'int_SB']) expect(net.junction(id).control).toBe('uncontrolled');
    expect(net.junction('int_B')).toMatchObject({ x: 300, y: 0 });
  });

  it('makes one link per road: polyline length, lane count, lane speed (mean when lanes differ), jam spacing from the vehicles', () => {
    expect(net.linkCount).toBe(14);
    expect(net.link('road_W_A')).toMatchObject({ from: 'int_W', to: 'int_A', length: 300, lanes: 3, speed: 13.89, jamSpacing: 7 });
    expect(net.link('road_NA_A')).toMatchObject({ lanes: 2, speed: 11.11 });
    expect(net.link('road_A_B').speed).toBeCloseTo((13.89 + 13.89 + 12.5) / 3, 12);
    expect(result.warnings.some((w) => /different maxSpeed/.test(w.message))).toBe(true);
  });

  it('maps CityFlow lanes (0 = innermost) to greenwave lanes (0 = kerb side)', () => {
    const lanes = (from: string, to: string) => net.movementsFrom(from).find((m) => m.to === to)?.lanes;
    // Three lanes: CityFlow 0 left, 1 straight, 2 right.
    expect(lanes('road_W_A', 'road_A_NA')).toEqual([2]);
    expect(lanes('road_W_A', 'road_A_B')).toEqual([1]);
    expect(lanes('road_W_A', 'road_A_SA')).toEqual([0]);
    // Two lanes: CityFlow 0 left + straight, 1 straight + right.
    expect(lanes('road_NA_A', 'road_A_B')).toEqual([1]);
    expect(lanes('road_NA_A', 'road_A_SA')).toEqual([0, 1]);
    expect(lanes('road_NA_A', 'road_A_W')).toEqual([0]);
    expect(net.movementsFrom('road_NA_A').find((m) => m.to === 'road_A_W')?.turn).toBe('right');
    expect(net.movementCount).toBe(24);
  });

  it('folds the leading right-turns-only phase into the last phase\'s all-red and moves the offset by its time', () => {
    const a = result.programs.find((p) => p.junction === 'int_A')!;
    expect(a.offset).toBe(5);
    expect(a.phases.map((p) => [p.duration, p.yellow, p.allRed])).toEqual([[30, 0, 0], [15, 0, 0], [25, 0, 5]]);
    const cycle = a.phases.reduce((s, p) => s + p.duration + (p.yellow ?? 0) + (p.allRed ?? 0), 0);
    expect(cycle).toBe(5 + 30 + 15 + 25); // CityFlow's cycle, unchanged
    // Phase 1 of CityFlow (through traffic W-E) is the program's phase 0, with the always-available right turns.
    const green0 = a.phases[0].green.map((m) => `${m.from}>${m.to}`).sort();
    expect(green0).toEqual(['road_B_A>road_A_NA', 'road_B_A>road_A_W', 'road_NA_A>road_A_W', 'road_SA_A>road_A_B', 'road_W_A>road_A_B', 'road_W_A>road_A_SA']);
  });

  it('shows a left turn permissive only when the opposing straight runs in the same phase', () => {
    const a = result.programs.find((p) => p.junction === 'int_A')!;
    expect(a.phases[1].permissive ?? []).toEqual([]); // protected lefts W and E
    expect(a.phases[1].green.map((m) => `${m.from}>${m.to}`)).toContain('road_W_A>road_A_NA');
    expect((a.phases[2].permissive ?? []).map((m) => `${m.from}>${m.to}`).sort()).toEqual(['road_NA_A>road_A_B', 'road_SA_A>road_A_W']);
  });

  it('folds empty (all-red) phases into the all-red of the phase before them', () => {
    const b = result.programs.find((p) => p.junction === 'int_B')!;
    expect(b.offset).toBe(0);
    expect(b.phases.map((p) => [p.duration, p.allRed])).toEqual([[30, 4], [30, 4]]);
    expect(result.counts.find((c) => c.label.startsWith('light phases folded'))?.count).toBe(3);
  });

  it('keeps the CityFlow roadLink indices of each movement for export', () => {
    expect(result.signalIndex?.int_A.controller).toBe('int_A');
    expect(result.signalIndex?.int_A.links['road_W_A>road_A_B']).toEqual([0]);
    expect(result.signalIndex?.int_B.links['road_SB_B>road_B_NB']).toEqual([11]);
  });

  it('reproduces CityFlow\'s departure times: one vehicle every interval from startTime to endTime inclusive', () => {
    const table = tripsOf(result);
    expect(departuresOf(table, 0)).toEqual([10]);
    expect(departuresOf(table, 1)).toEqual(range(0, 100, 10));
    expect(departuresOf(table, 2)).toEqual(range(20, 80, 15));
    expect(departuresOf(table, 3)).toEqual([0, 3, 5, 8, 10]); // interval 2.5 on a 1 s step
    expect(departuresOf(table, 4)).toEqual(range(0, 540, 60)); // endTime -1: until the horizon
    expect(departuresOf(table, 8)).toEqual([500, 550]); // the rest is due after the 600 s horizon
    expect(table.count).toBe(35);
    expect(result.counts.find((c) => c.label === 'dropped: vehicles at or after the horizon')?.count).toBe(9);
  });

  it('writes evenly spaced flows as uniform flows (a leading trip when the flow starts at 0) and keeps CityFlow vehicle ids for trips', () => {
    const flows = result.demand.flows ?? [];
    expect(flows.map((f) => f.id)).toEqual(['flow_1', 'flow_2', 'flow_4', 'flow_8']);
    expect(flows[0]).toMatchObject({ rate: 0.1, begin: 5, end: 105, arrivals: 'uniform' });
    expect(flows[1]).toMatchObject({ begin: 12.5, end: 87.5 });
    const tripIds = (result.demand.trips ?? []).map((t) => t.id);
    expect(tripIds).toEqual(expect.arrayContaining(['flow_0_0', 'flow_1_0', 'flow_3_0', 'flow_3_4', 'flow_4_0', 'flow_5_0']));
  });

  it('fills the gaps between anchor roads with the shortest path, as CityFlow\'s router does', () => {
    const trip = result.demand.trips!.find((t) => t.id === 'flow_5_0')!;
    expect(trip.route).toEqual(['road_W_A', 'road_A_B', 'road_B_E']);
  });

  it('drops flows whose route CityFlow rejects (one road; unreachable anchor), with a located warning', () => {
    const dropped = result.warnings.filter((w) => w.element === 'flow_6' || w.element === 'flow_7');
    expect(dropped).toHaveLength(2);
    expect(dropped[0].where).toMatch(/flow\.json:8:\d+: \[6\]\.route$/);
    expect(dropped[1].message).toMatch(/no path/);
    const table = tripsOf(result);
    expect(departuresOf(table, 6)).toEqual([]);
  });

  it('takes a longer horizon and a coarser CityFlow step as options', async () => {
    const long = tripsOf(await importCityflow(CORRIDOR, { end: 1200 }));
    expect(departuresOf(long, 8)).toEqual(range(500, 1000, 50));
    expect(departuresOf(long, 4)).toEqual(range(0, 1140, 60));
    const coarse = tripsOf(await importCityflow(CORRIDOR, { end: 600, interval: 2 }));
    expect(departuresOf(coarse, 3)).toEqual([0, 4, 6, 8, 10]);
    expect(departuresOf(coarse, 2)).toEqual([20, 36, 50, 66, 80]); // 15 s on a 2 s step
  });

  it('rejects bad options with UsageError', async () => {
    await expect(importCityflow(CORRIDOR, { end: -5 })).rejects.toBeInstanceOf(UsageError);
    await expect(importCityflow(CORRIDOR, { interval: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(importCityflow(CORRIDOR, { drivingSide: 'middle' as 'left' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('importCityflow: rules fixture', async () => {
  const result = await importCityflow({ roadnet: `${FIX}/rules/roadnet.json`, flow: `${FIX}/rules/flow.json` });
  const messages = result.warnings.map((w) => w.message).join('\n');

  it('merges repeated roadLinks into one movement with the lanes of both', () => {
    expect(result.network.movementsFrom('r_in').find((m) => m.to === 'r_out')?.lanes).toEqual([0, 1]);
    expect(result.signalIndex?.j.links['r_in>r_out']).toEqual([0, 1]);
    expect(messages).toMatch(/repeats the turn r_in -> r_out/);
  });

  it('makes no movement for a roadLink without laneLinks, skips 0 s phases and ignores roadLinks of virtual intersections', () => {
    expect(result.network.movementCount).toBe(2);
    expect(result.signalIndex?.j.links['r_in>r_side']).toEqual([3]);
    expect(result.programs[0].phases.map((p) => p.duration)).toEqual([20, 25]);
    expect(messages).toMatch(/no laneLinks/);
    expect(messages).toMatch(/0 s skipped/);
    expect(messages).toMatch(/virtual intersection with 1 roadLinks: ignored/);
  });

  it('reports a CityFlow turn type that geometry contradicts', () => {
    expect(messages).toMatch(/r_in -> r_side is go_straight in CityFlow, left by geometry/);
  });

  it('gives every link the saturation flow of CityFlow car following, 1 / (headwayTime + (length + minGap) / maxSpeed), weighted by the vehicles each flow generates', () => {
    // flow 0: 3 vehicles (0, 30, 60 s), h = 1.5 + 7.5 / 10 = 2.25 s; flow 1: 1 vehicle, h = 1.5 + 9 / 8 = 2.625 s.
    const h = (3 * 2.25 + 2.625) / 4;
    expect(result.network.link('r_in').saturationFlow).toBeCloseTo(1 / h, 12);
    expect(result.counts.find((c) => c.label.startsWith('saturation flow'))?.count).toBeCloseTo(3600 / h, 1);
  });

  it('brings a vehicle class without start-up or stop losses, with the vehicles\' usual accelerations for the halt rule', () => {
    expect(result.vehicle).toEqual({ accel: 2, decel: 4.5, sigma: 0, startLoss: false, startUpLost: 0, speedDev: 0, junctionStorage: 0 });
  });

  it('uses the mean vehicle spacing when vehicles differ, and lowers the saturation flow of roads too slow to discharge it', () => {
    expect(result.network.link('r_in').jamSpacing).toBe(8.25);
    expect(result.network.link('r_side').saturationFlow).toBeCloseTo((0.9 * 3) / 8.25, 12);
    expect(messages).toMatch(/saturation flow was lowered/);
    expect(messages).toMatch(/slower than roads on their route/);
  });

  it('writes a roadnet without a flow file as a network with empty demand', async () => {
    const bare = await importCityflow(`${FIX}/tiny/roadnet.json`);
    expect(bare.demand).toEqual({});
    expect(bare.network.link('r_out').length).toBe(200); // two segments of 100 m
    expect(bare.programs[0].phases).toEqual([{ green: [{ from: 'r_in', to: 'r_out' }], duration: 30, yellow: 0, allRed: 5 }]);
  });
});

describe('importCityflow: bad files', () => {
  const roadnetCases: Array<[string, RegExp, RegExp]> = [
    ['malformed', /malformed\.json:19:5$/, /not valid JSON/],
    ['dangling-roadlink', /dangling-roadlink\.json:11:\d+: intersections\[1\]\.roadLinks\[0\]\.startRoad$/, /"r_nowhere" \(no such road\)/],
    ['dangling-intersection', /dangling-intersection\.json:19:\d+: roads\[1\]\.endIntersection$/, /"nowhere" \(no such intersection\)/],
    ['dangling-intersection-road', /: intersections\[2\]\.roads\[1\]$/, /"r_gone" \(no such road\)/],
    ['wrong-type-speed', /wrong-type-speed\.json:18:\d+: roads\[0\]\.lanes\[0\]\.maxSpeed$/, /found "50"/],
    ['lane-out-of-range', /: intersections\[1\]\.roadLinks\[0\]\.laneLinks\[0\]\.startLaneIndex$/, /0 to 0\), found 2/],
    ['phase-index', /: intersections\[1\]\.trafficLight\.lightphases\[0\]\.availableRoadLinks\[1\]$/, /found 3/],
    ['road-not-at-intersection', /: intersections\[1\]\.roadLinks\[0\]\.startRoad$/, /ends at "out"/],
    ['intersections-not-array', /:1:19: intersections$/, /expected an array, found an object/],
    ['missing-virtual', /:3:5: intersections\[0\]$/, /missing required field "virtual"/],
    ['no-phases', /: intersections\[1\]\.trafficLight\.lightphases$/, /at least one light phase/],
  ];
  for (const [name, path, message] of roadnetCases) {
    it(`${name}.json: InputError at file:line:column and JSON path`, async () => {
      const error = await importCityflow(`${FIX}/bad/${name}.json`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).path).toMatch(path);
      expect((error as InputError).message).toMatch(message);
    });
  }

  const flowCases: Array<[string, RegExp, RegExp]> = [
    ['flow-unknown-road', /flow-unknown-road\.json:2:\d+: \[0\]\.route\[1\]$/, /"r_missing" \(no such road\)/],
    ['flow-wrong-type', /: \[0\]\.interval$/, /found "20"/],
    ['flow-missing-vehicle-field', /: \[0\]\.vehicle$/, /missing required field "headwayTime"/],
    ['flow-not-array', /flow-not-array\.json:1:1$/, /expected a CityFlow flow file/],
    ['flow-zero-interval', /: \[0\]\.interval$/, /a number > 0\), found 0/],
  ];
  for (const [name, path, message] of flowCases) {
    it(`${name}.json: InputError at file:line:column and JSON path`, async () => {
      const error = await importCityflow({ roadnet: `${FIX}/tiny/roadnet.json`, flow: `${FIX}/bad/${name}.json` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).path).toMatch(path);
      expect((error as InputError).message).toMatch(message);
    });
  }

  it('a config whose roadnet cannot be found: InputError at the config\'s roadnetFile, naming where it looked', async () => {
    const error = await importCityflow(`${FIX}/bad/config-missing-roadnet.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toMatch(/config-missing-roadnet\.json:1:\d+: roadnetFile$/);
    expect((error as InputError).message).toMatch(/looked for .*no-such-roadnet\.json/);
  });

  it('a missing file, and files given in the wrong order', async () => {
    const missing = await importCityflow(`${FIX}/nope.json`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InputError);
    expect((missing as InputError).message).toMatch(/cannot read the CityFlow file \(.*nope\.json\): no such file/);
    const swapped = await importCityflow({ roadnet: `${FIX}/tiny/flow.json`, flow: `${FIX}/tiny/roadnet.json` }).catch((e: unknown) => e);
    expect(swapped).toBeInstanceOf(InputError);
    expect((swapped as InputError).message).toMatch(/expected a CityFlow roadnet .* found a CityFlow flow file/);
    const flowAlone = await importCityflow(`${FIX}/tiny/flow.json`).catch((e: unknown) => e);
    expect((flowAlone as InputError).message).toMatch(/give the roadnet or the config/);
  });
});

describe('flowDepartures', () => {
  const listed = (d: FlowDepartures): number[] => Array.from({ length: d.count }, (_, k) => d.timeAt(k));

  it('matches CityFlow\'s Flow::nextStep stepped one step at a time', () => {
    // Times in halves of seconds so every float operation of the reference is exact.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: -5, max: 200 }), fc.integer({ min: -1, max: 400 }),
        fc.constantFrom(0.5, 1, 2), fc.integer({ min: 1, max: 300 }),
        (halfInterval, startTime, endTime, dt, horizon) => {
          const interval = halfInterval / 2;
          const expected = cityflowSteps(interval, startTime, endTime, dt, horizon);
          expect(listed(flowDepartures({ interval, startTime, endTime }, dt, horizon))).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('counts the vehicles a finite flow would generate after the horizon', () => {
    const d = flowDepartures({ interval: 10, startTime: 0, endTime: 100 }, 1, 50);
    expect([listed(d), d.evenlySpaced, d.beyondHorizon]).toEqual([[0, 10, 20, 30, 40], true, 6]);
    expect(flowDepartures({ interval: 10, startTime: 0, endTime: -1 }, 1, 50).beyondHorizon).toBe(0);
  });
});

describe('cityflowSaturationFlow', () => {
  const entry = (headwayTime: number, spacing: number, maxSpeed: number, interval: number): CityflowFlowEntry => (
    { index: 0, route: [], interval, startTime: 0, endTime: -1, spacing, maxSpeed, headwayTime, accel: 2, decel: 4.5 }
  );
  it('is 1,346 veh/h for the public data sets\' vehicle (headwayTime 2 s, 5 m + 2.5 m, 11.111 m/s)', () => {
    expect(cityflowSaturationFlow([entry(2, 7.5, 11.111, 10)], 1, 3600)! * 3600).toBeCloseTo(3600 / (2 + 7.5 / 11.111), 9);
    expect(Math.round(cityflowSaturationFlow([entry(2, 7.5, 11.111, 10)], 1, 3600)! * 3600)).toBe(1346);
  });
  it('averages the headways (not the flows) over the vehicles generated, and is undefined without vehicles', () => {
    // 360 vehicles with h = 2 s, 120 with h = 3 s: mean headway 2.25 s.
    expect(cityflowSaturationFlow([entry(1, 10, 10, 10), entry(2, 10, 10, 30)], 1, 3600)).toBeCloseTo(1 / 2.25, 12);
    expect(cityflowSaturationFlow([], 1, 3600)).toBeUndefined();
  });
});

describe('resolveRoute', () => {
  const road = (id: string, index: number, laneLength: number): CityflowRoad => ({ id, index, from: '', to: '', length: laneLength, laneLength, lanes: 1, speed: 10 });
  const roads = new Map([road('a', 0, 100), road('b', 1, 500), road('c', 2, 200), road('d', 3, 100), road('x', 4, 50)].map((r) => [r.id, r]));
  const next = new Map<string, string[]>([['a', ['b', 'c']], ['b', ['d']], ['c', ['d']]]);

  it('takes the path of least lane length between anchors, as CityFlow\'s LENGTH router', () => {
    expect(resolveRoute(['a', 'd'], next, roads)).toEqual(['a', 'c', 'd']);
    expect(resolveRoute(['a', 'b', 'd'], next, roads)).toEqual(['a', 'b', 'd']);
  });

  it('is undefined for an unreachable anchor or a one-road route', () => {
    expect(resolveRoute(['a', 'x'], next, roads)).toBeUndefined();
    expect(resolveRoute(['a'], next, roads)).toBeUndefined();
    expect(resolveRoute(['a', 'a'], next, roads)).toBeUndefined();
  });
});

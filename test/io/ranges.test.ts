/**
 * checkImportRanges (engine/io/ranges.ts): the last check of every import.
 * The property that matters: an import result it accepts always gives a
 * scenario document the loader accepts (parseScenario + buildScenario), and one
 * it refuses is one the loader would refuse too — so an importer can neither
 * write what the loader rejects nor refuse what it would take. Checked on
 * seeded random results whose numbers range from ordinary to absurd (the
 * values the fuzzer's mutations produce: 9007199254740993, 1e308, 1e-9, -1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, ScenarioError } from '../../engine/errors.js';
import { checkImportRanges } from '../../engine/io/ranges.js';
import { scenarioDocument } from '../../engine/io/scenario-doc.js';
import type { ImportResult } from '../../engine/io/types.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { buildScenario } from '../../engine/scenario/build.js';
import { parseScenario } from '../../engine/scenario/parse.js';

interface Draw {
  x: number; y: number; length: number; lanes: number; speed: number; saturation: number; jam: number;
  offset: number; green: number; yellow: number; allRed: number; minGreen: number | undefined; maxGreen: number | undefined;
  depart: number; rate: number; begin: number; end: number; od: number; factor: number; start: number | undefined; stop: number | undefined;
  gap: number; detectorGap: number; passingTime: number; accel: number; decel: number; sigma: number;
}

const between = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true });
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** An ordinary import result's values (every one in range and consistent). */
const ordinary: fc.Arbitrary<Draw> = fc.record({
  x: between(-1000, 1000), y: between(-1000, 1000), length: between(10, 1000), lanes: fc.integer({ min: 1, max: 3 }), speed: between(5, 30),
  saturation: between(0.2, 0.6), jam: between(2, 7.5),
  offset: between(-100, 100), green: between(5, 60), yellow: between(0, 5), allRed: between(0, 3), minGreen: maybe(between(1, 5)), maxGreen: maybe(between(30, 60)),
  depart: between(100, 900), rate: between(0.01, 1), begin: between(100, 200), end: between(1000, 2000), od: between(0, 1000), factor: between(0, 2),
  start: maybe(between(0, 100)), stop: maybe(between(3600, 7200)),
  gap: between(0.5, 5), detectorGap: between(0.5, 3), passingTime: between(0.5, 3), accel: between(1, 5), decel: between(2, 8), sigma: between(0, 1),
});

/** Numbers as mutations make them: bounds, just past them, and the absurd. */
const absurd: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e-9, 2, 1.999, 33, 50, 50.5, 60, 61, 250, 250.1, 3600, 3601, 14_400, 86_400, 604_800, 604_801, 1e7, 1.1e7, 115_200, 2 ** 31, 9007199254740993, 1e308),
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
);

const KEYS: Array<keyof Draw> = ['x', 'y', 'length', 'lanes', 'speed', 'saturation', 'jam', 'offset', 'green', 'yellow', 'allRed', 'minGreen', 'maxGreen', 'depart', 'rate', 'begin', 'end', 'od', 'factor', 'start', 'stop', 'gap', 'detectorGap', 'passingTime', 'accel', 'decel', 'sigma'];

/** An ordinary draw with up to three of its values replaced by absurd ones. */
const draw: fc.Arbitrary<Draw> = fc.tuple(ordinary, fc.array(fc.tuple(fc.constantFrom(...KEYS), absurd), { maxLength: 3 }))
  .map(([d, changes]) => {
    const out = { ...d };
    for (const [key, v] of changes) out[key] = v;
    return out;
  });

/** A two-link corridor A -> B (signal) -> C with the drawn values, or undefined when the network itself refuses them. */
function resultOf(d: Draw): ImportResult | undefined {
  const network = new RoadNetwork();
  try {
    network.addJunction({ id: 'A', x: 0, y: 0 });
    network.addJunction({ id: 'B', x: d.x, y: d.y, control: 'signal' });
    network.addJunction({ id: 'C', x: 2 * d.x + 1, y: 0 });
    network.addLink({ id: 'AB', from: 'A', to: 'B', length: d.length, lanes: d.lanes, speed: d.speed, saturationFlow: d.saturation, jamSpacing: d.jam });
    network.addLink({ id: 'BC', from: 'B', to: 'C', length: 200, lanes: 1, speed: 14 });
    network.addMovement({ from: 'AB', to: 'BC' });
  } catch {
    return undefined; // the network's own checks (positive, finite) come first
  }
  return {
    format: 'sumo',
    files: ['corridor.net.xml'],
    network,
    programs: [{
      junction: 'B', offset: d.offset, control: { kind: 'actuated', gap: d.gap, detectorGap: d.detectorGap, passingTime: d.passingTime },
      phases: [{ green: [{ from: 'AB', to: 'BC' }], duration: d.green, yellow: d.yellow, allRed: d.allRed, ...(d.minGreen === undefined ? {} : { minGreen: d.minGreen }), ...(d.maxGreen === undefined ? {} : { maxGreen: d.maxGreen }) }],
    }],
    demand: {
      trips: [{ id: 't', depart: d.depart, from: 'A', to: 'C' }],
      flows: [{ id: 'f', from: 'A', to: 'C', rate: d.rate, begin: d.begin, end: d.end }],
      od: [{ zones: ['A', 'C'], trips: [[0, d.od], [0, 0]], begin: d.begin, end: d.end, profile: [{ time: d.begin, factor: d.factor }] }],
    },
    ...(d.start === undefined && d.stop === undefined ? {} : { simulation: { ...(d.start === undefined ? {} : { start: d.start }), ...(d.stop === undefined ? {} : { end: d.stop }) } }),
    vehicle: { accel: d.accel, decel: d.decel, sigma: d.sigma, startLoss: true },
    counts: [],
    warnings: [],
  };
}

/** Whether the loader takes the scenario document of `result`. */
function loads(result: ImportResult): boolean {
  try {
    buildScenario(parseScenario(`${JSON.stringify(scenarioDocument(result), null, 2)}\n`, 'imported.json'));
    return true;
  } catch (error) {
    if (error instanceof ScenarioError) return false;
    throw error;
  }
}

function accepted(result: ImportResult): boolean {
  try {
    checkImportRanges(result);
    return true;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

describe('checkImportRanges', () => {
  it('accepts exactly the import results whose scenario document the loader accepts (2,000 seeded draws)', () => {
    let both = 0;
    let neither = 0;
    fc.assert(fc.property(draw, (d) => {
      const result = resultOf(d);
      if (result === undefined) return;
      const ok = accepted(result);
      expect(loads(result), JSON.stringify(d)).toBe(ok);
      if (ok) both++;
      else neither++;
    }), { seed: 24, numRuns: 2000 });
    // both sides were reached, so the equivalence was tested and not vacuous
    expect(both).toBeGreaterThan(20);
    expect(neither).toBeGreaterThan(20);
  }, 240_000);

  it('locates a value out of range where the importer read it, with the range and why', () => {
    const result = resultOf({
      x: 100, y: 100, length: 200, lanes: 1, speed: 14, saturation: 0.5, jam: 5.8e13, offset: 0, green: 30, yellow: 3, allRed: 2,
      minGreen: undefined, maxGreen: undefined, depart: 100, rate: 0.1, begin: 100, end: 1000, od: 100, factor: 1, start: undefined, stop: undefined,
      gap: 3, detectorGap: 2, passingTime: 1.9, accel: 2.6, decel: 4.5, sigma: 0.5,
    })!;
    let error: unknown;
    try {
      checkImportRanges(result, (kind, id) => (kind === 'link' && id === 'AB' ? 'corridor.net.xml:12' : undefined));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe('corridor.net.xml:12');
    expect((error as InputError).message).toMatch(/link "AB": jam spacing \(m\) expected a number from 2 to 50 \(a stopped vehicle .*\), found 58000000000000/);
  });
});

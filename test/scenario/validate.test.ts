/**
 * The compiled fast validator (engine/scenario/validate.generated.ts) against
 * its reference, the zod schema it is compiled from: the same verdict on every
 * scenario, valid or broken, and the same data (defaults applied) when valid.
 * Also: the committed file is what the generator writes today.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaAt } from '../../engine/scenario/issues.js';
import { ScenarioSchema } from '../../engine/scenario/schema.js';
import { validateScenario } from '../../engine/scenario/validate.generated.js';
import { generatedFiles } from '../../scripts/generate-schema.js';

/** Valid scenarios covering every branch of the format. */
const VALID: unknown[] = [
  {
    name: 'inline', description: 'x', drivingSide: 'left',
    network: {
      junctions: [{ id: 'A', xM: 0, yM: 0, lon: 113.5, lat: 22.2 }, { id: 'B', xM: 400, yM: 0, control: 'signal' }, { id: 'C', xM: 800, yM: 0 }],
      links: [
        { id: 'AB', from: 'A', to: 'B', speedKmh: 50, lanes: 2, lengthM: 410, saturationVehPerHourPerLane: 1800, jamSpacingM: 7.5, name: 'Av.', names: { pt: 'Av. Almeida Ribeiro', 'zh:Hant': '新馬路' }, roadClass: 'primary', shapeM: [[100, 1], [200, -1]] },
        { id: 'BC', from: 'B', to: 'C', speedKmh: 50 },
      ],
      movements: [{ from: 'AB', to: 'BC', lanes: [0, 1] }],
    },
    demand: {
      trips: [{ id: 't', departS: 10, from: 'A', to: 'C' }, { depart: '00:01:00', fromLink: 'AB', toLink: 'BC' }, { departS: 5, route: ['AB', 'BC'] }],
      flows: [{ id: 'f', from: 'A', to: 'C', vehPerHour: 600, begin: '00:00', endS: 900, arrivals: 'poisson' }],
      scale: 1.5,
      od: [{ zones: ['A', 'C'], zoneNames: ['west', 'east: Rua'], vehPerHour: [[0, 100], [50, 0]], beginS: 0, end: '00:30', profile: [{ timeS: 0, factor: 1 }, { time: '00:15', factor: 2 }], arrivals: 'uniform' }],
    },
    signals: {
      default: 'actuated',
      programs: [{ junction: 'B', offsetS: -10, cycleS: 40, phases: [{ green: ['AB>BC', { from: 'AB', to: 'BC' }], permissive: [], greenS: 35, yellowS: 3, allRedS: 2, minGreenS: 5, maxGreenS: 60 }] }],
      actuated: { gapS: 2, detectorGapS: 1.5, detectorDistanceM: 30 },
    },
    simulation: { start: '00:00', endS: 1800, seed: 3, replications: 2, gridlockTimeoutS: 300, routingIntervalS: 60, rerouteShare: 0.5, stopThresholdS: 2, intervalS: 60 },
    outputs: { dir: 'out/x', files: ['summary.json'] },
  },
  {
    $schema: '../schema.json', name: 'grid',
    network: { generator: 'grid', rows: 3, cols: 4, spacingM: 200, attachLengthM: 50, speedKmh: 40, lanes: 2, saturationVehPerHourPerLane: 1700, jamSpacingM: 8, signals: 'all', idPrefix: 'g', origin: { xM: 10, yM: -5 }, geo: { lon: 113.5, lat: 22.2 }, deadEndUTurns: true },
    demand: {},
    simulation: { endS: 60 },
  },
  { name: 'corridor', network: { generator: 'corridor', junctions: 3, spacingM: [250, 300], endLengthM: 100, sideLengthM: 80, sideLanes: 1, sideSpeedKmh: 30 }, demand: { flows: [{ from: 'west', to: 'east', vehPerHour: 300 }] }, simulation: { endS: 600 } },
  { name: 'ring', network: { generator: 'ring', junctions: 5, radiusM: 300, spokeLengthM: 100 }, demand: {}, signals: { default: 'max-pressure' }, simulation: { end: '01:00' } },
  { name: 'import', network: { import: 'osm', file: 'x.osm', options: { country: 'MO', signals: 'auto', nested: { a: [1, 'x:y', { b: null }] } } }, demand: {}, simulation: { endS: 60 } },
];

/** A JSON-like value to write somewhere. */
const anyValue = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1e-9, 1, 1.5, 31, 32, 1000, 1001, 1e12, 2 ** 53, '', 'A', 'x', '07:30', '7:75', 'AB>BC', 'grid', 'signal', true, null, [], {}, [1], ['AB']),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Paths to every value of `data`. */
function paths(data: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(data)) data.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (typeof data === 'object' && data !== null) for (const [k, v] of Object.entries(data)) paths(v, [...prefix, k], out);
  return out;
}

type Edit = { kind: 'set' | 'delete' | 'add'; at: number; value: unknown; key: string };

function applyEdit(data: unknown, edit: Edit): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[edit.at % all.length];
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (edit.kind === 'set') parent[last] = edit.value;
  else if (edit.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) Object.defineProperty(target, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
    else parent[last] = edit.value;
  }
  return copy;
}

const edit = fc.record({
  kind: fc.constantFrom<Edit['kind']>('set', 'delete', 'add'),
  at: fc.nat(),
  value: anyValue,
  key: fc.constantFrom('speedKmH', 'constructor', '__proto__', 'toString', 'seed', 'x', 'lanes', 'generator'),
});

function agree(data: unknown): void {
  const fast = structuredClone(data);
  const verdict = validateScenario(fast);
  const zod = ScenarioSchema.safeParse(data);
  expect(verdict.ok, JSON.stringify(zod.success ? data : zod.error.issues[0])).toBe(zod.success);
  if (zod.success) expect(fast).toEqual(zod.data);
  else expect(fast).toEqual(data); // a refused scenario is left as it was, for zod to describe
}

describe('validateScenario (compiled from the zod schema)', () => {
  it('accepts every valid example, applying the same defaults as zod', () => {
    for (const data of VALID) agree(data);
    const grid = structuredClone(VALID[1]) as Record<string, unknown>;
    validateScenario(grid);
    expect(grid.drivingSide).toBe('right');
    expect(grid.simulation).toEqual({ endS: 60, seed: 1, replications: 1 });
  });

  it('drops a __proto__ key of a record (street names, importer options) as zod does, and counts it', () => {
    const data = structuredClone(VALID[0]) as { network: { links: Array<{ names: Record<string, unknown> }> } };
    Object.defineProperty(data.network.links[0].names, '__proto__', { value: 'x:y', enumerable: true, writable: true, configurable: true });
    agree(data);
    const verdict = validateScenario(data);
    expect(verdict.ok).toBe(true);
    expect(Object.keys(data.network.links[0].names)).toEqual(['pt', 'zh:Hant']);
  });

  it('gives zod\'s verdict on scenarios with one to three edits: values set, keys deleted or added (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 3 }), (base, edits) => {
      agree(edits.reduce<unknown>((d, e) => applyEdit(d, e), base));
    }), { numRuns: 4000, seed: 15 });
  });

  it('gives zod\'s verdict with every number set to each bound of its range, and just inside and outside it', () => {
    let cases = 0;
    for (const base of VALID) {
      for (const path of paths(base)) {
        // The bounds of the field, read from the zod schema itself (its checks' values).
        const schema = schemaAt(ScenarioSchema, path, base) as unknown as { _zod: { def: { checks?: Array<{ _zod: { def: { value?: unknown } } }> } } } | undefined;
        const bounds = (schema?._zod.def.checks ?? []).map((c) => c._zod.def.value).filter((v): v is number => typeof v === 'number');
        const probes: unknown[] = ['', null, [], {}, true, -1, 0, 1.5];
        for (const bound of bounds) for (const d of [-1, -1e-9, 0, 1e-9, 1]) probes.push(bound + d);
        for (const value of probes) {
          const copy = structuredClone(base) as Record<string | number, unknown>;
          let parent = copy;
          for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
          parent[path[path.length - 1]] = value;
          agree(copy);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(1000);
  }, 120_000);

  it('counts the key-value pairs of every object and the colons inside text values (what the JSON reader compares with the text)', () => {
    const text = JSON.stringify(VALID[0]);
    const colons = [...text.matchAll(/"(?:[^"\\]|\\.)*"|:/g)].filter((m) => m[0] === ':').length;
    const inStrings = [...text.matchAll(/"(?:[^"\\]|\\.)*"/g)].reduce((n, m) => n + m[0].split(':').length - 1, 0);
    expect(inStrings).toBeGreaterThan(0);
    expect(validateScenario(JSON.parse(text))).toEqual({ ok: true, members: colons, colonsInText: inStrings });
  });

  it('is what scripts/generate-schema.ts writes today (run npx tsx scripts/generate-schema.ts after changing the schema)', () => {
    for (const { path, text } of generatedFiles()) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });
});

/**
 * expandDemand: trips, flows and OD matrices expanded into a sorted TripTable in
 * index space. Counts are checked against closed forms: uniform flows give exactly
 * rate x duration vehicles; Poisson counts are Poisson(rate x duration), checked
 * within 3 or 4 sigma = sqrt(mean); an OD cell's expected count is
 * trips/3600 x ∫ profile, so a triangular profile halves it. Every validation
 * error is checked by class and path.
 */
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand, type DemandSpec, type TripTable } from '../../engine/demand/index.js';
import { InputError, UsageError } from '../../engine/errors.js';
import { compile, RoadNetwork, type CompiledNetwork } from '../../engine/network/index.js';

/**
 *   D
 *   |          A -> B -> C along x, D north of B; two-way links, every
 *   A -- B -- C   turn permitted except U-turns.
 */
function tee(): CompiledNetwork {
  const net = new RoadNetwork();
  net.addJunction({ id: 'A', x: 0, y: 0 });
  net.addJunction({ id: 'B', x: 100, y: 0 });
  net.addJunction({ id: 'C', x: 200, y: 0 });
  net.addJunction({ id: 'D', x: 100, y: 100 });
  for (const [from, to] of [['A', 'B'], ['B', 'C'], ['B', 'D']]) {
    net.addLink({ id: `${from}${to}`, from, to, speed: 10 });
    net.addLink({ id: `${to}${from}`, from: to, to: from, speed: 10 });
  }
  net.addDefaultMovements();
  return compile(net);
}

const net = tee();
const J = (id: string) => net.junctionIndex(id);
const L = (id: string) => net.linkIndex(id);
const HOUR = 3600;

function expand(spec: DemandSpec, seed = 1): TripTable {
  return expandDemand(net, spec, createRandom(seed).fork('demand'));
}

function routeOf(t: TripTable, i: number): string[] {
  return Array.from(t.routeLinks.subarray(t.routeOffsets[i], t.routeOffsets[i + 1]), (l) => net.linkKey(l));
}

function departuresOf(t: TripTable, prefix: string): number[] {
  return t.ids.flatMap((id, i) => (id.startsWith(prefix) ? [t.depart[i]] : []));
}

function inputError(spec: unknown): InputError {
  try {
    expand(spec as DemandSpec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('expandDemand: trips', () => {
  it('maps junction and link ids to indices, with -1 for free links and empty routes', () => {
    const t = expand({ trips: [{ id: 'a', depart: 5, from: 'A', to: 'C' }] });
    expect(t.count).toBe(1);
    expect(t.ids).toEqual(['a']);
    expect(Array.from(t.depart)).toEqual([5]);
    expect([t.origin[0], t.destination[0], t.originLink[0], t.destinationLink[0]]).toEqual([J('A'), J('C'), -1, -1]);
    expect(Array.from(t.routeOffsets)).toEqual([0, 0]);
  });

  it('takes the origin from fromLink (its upstream junction) and the destination from toLink (its downstream one)', () => {
    const t = expand({ trips: [{ depart: 0, fromLink: 'BC', toLink: 'DB' }] });
    expect([t.origin[0], t.destination[0], t.originLink[0], t.destinationLink[0]]).toEqual([J('B'), J('B'), L('BC'), L('DB')]);
    expect(t.ids).toEqual(['trip0']);
  });

  it('takes everything from a route when only a route is given', () => {
    const t = expand({ trips: [{ depart: 0, route: ['AB', 'BD'] }] });
    expect([t.origin[0], t.destination[0], t.originLink[0], t.destinationLink[0]]).toEqual([J('A'), J('D'), L('AB'), L('BD')]);
    expect(routeOf(t, 0)).toEqual(['AB', 'BD']);
  });

  it('accepts a route consistent with from/to and fromLink/toLink', () => {
    const t = expand({
      trips: [
        { depart: 0, from: 'A', to: 'C', route: ['AB', 'BC'] },
        { depart: 1, fromLink: 'CB', toLink: 'BA', from: 'C', to: 'A', route: ['CB', 'BA'] },
      ],
    });
    expect(routeOf(t, 0)).toEqual(['AB', 'BC']);
    expect(routeOf(t, 1)).toEqual(['CB', 'BA']);
    expect(Array.from(t.routeOffsets)).toEqual([0, 2, 4]);
  });

  it('returns an empty table for an empty spec', () => {
    const t = expand({});
    expect(t.count).toBe(0);
    expect(Array.from(t.routeOffsets)).toEqual([0]);
    expect(t.routeLinks.length).toBe(0);
  });
});

describe('expandDemand: flows', () => {
  it('gives exactly 900 trips for a uniform 900 veh/h flow over one hour, 4 s apart from begin + 2 s', () => {
    const t = expand({ flows: [{ from: 'A', to: 'C', rate: 900 / HOUR, begin: 100, end: 100 + HOUR }] });
    expect(t.count).toBe(900);
    expect(t.depart[0]).toBeCloseTo(102, 9);
    expect(t.depart[899]).toBeCloseTo(100 + HOUR - 2, 9);
    for (let i = 1; i < t.count; i++) expect(t.depart[i] - t.depart[i - 1]).toBeCloseTo(4, 9);
    expect(t.ids[0]).toBe('flow0.0');
    expect(t.ids[899]).toBe('flow0.899');
  });

  it('rounds rate x duration to the count for uniform flows and gives none at rate 0', () => {
    expect(expand({ flows: [{ from: 'A', to: 'C', rate: 0.26, begin: 0, end: 10 }] }).count).toBe(3); // 2.6
    expect(expand({ flows: [{ from: 'A', to: 'C', rate: 0.24, begin: 0, end: 10 }] }).count).toBe(2); // 2.4
    expect(expand({ flows: [{ from: 'A', to: 'C', rate: 0, begin: 0, end: 10 }] }).count).toBe(0);
  });

  it('gives Poisson(900) trips for a Poisson 900 veh/h flow over one hour (900 ± 3 sigma = ±90), for many seeds', () => {
    const counts = [1, 2, 3, 4, 5, 6, 7, 8].map(
      (seed) => expand({ flows: [{ id: 'p', from: 'A', to: 'C', rate: 0.25, begin: 0, end: HOUR, arrivals: 'poisson' }] }, seed).count,
    );
    for (const c of counts) expect(Math.abs(c - 900)).toBeLessThanOrEqual(90);
    expect(new Set(counts).size).toBeGreaterThan(1);
    // The mean of 8 counts has sigma 30 / sqrt(8) = 10.6.
    expect(Math.abs(counts.reduce((s, c) => s + c, 0) / counts.length - 900)).toBeLessThan(4 * 10.6);
  });

  it('is deterministic for a seed and keeps a flow\'s departures when other flows are added or reordered', () => {
    const target = { id: 'main', from: 'A', to: 'C', rate: 0.2, begin: 0, end: 600, arrivals: 'poisson' as const };
    const other = { id: 'side', from: 'D', to: 'A', rate: 0.3, begin: 0, end: 600, arrivals: 'poisson' as const };
    const alone = departuresOf(expand({ flows: [target] }), 'main.');
    expect(departuresOf(expand({ flows: [target] }), 'main.')).toEqual(alone);
    expect(departuresOf(expand({ flows: [other, target] }), 'main.')).toEqual(alone);
    expect(departuresOf(expand({ flows: [target, other], trips: [{ depart: 3, from: 'A', to: 'B' }] }), 'main.')).toEqual(alone);
    expect(departuresOf(expand({ flows: [target] }, 2), 'main.')).not.toEqual(alone);
  });

  it('copies a flow\'s route to every trip it generates', () => {
    const t = expand({ flows: [{ id: 'r', route: ['DB', 'BA'], rate: 0.1, begin: 0, end: 100 }] });
    expect(t.count).toBe(10);
    for (let i = 0; i < t.count; i++) {
      expect(routeOf(t, i)).toEqual(['DB', 'BA']);
      expect([t.origin[i], t.destination[i]]).toEqual([J('D'), J('A')]);
    }
  });

  it('carries departSpeed to every trip it applies to ("max" as Infinity), with no column when nobody departs moving', () => {
    const t = expand({ trips: [{ id: 'a', depart: 50, from: 'A', to: 'C', departSpeed: 7.5 }, { id: 'b', depart: 0, from: 'A', to: 'C' }], flows: [{ id: 'f', from: 'A', to: 'C', rate: 0.02, begin: 0, end: 100, departSpeed: 'max' }] });
    expect(t.ids).toEqual(['b', 'f.0', 'a', 'f.1']);
    expect(Array.from(t.departSpeed!)).toEqual([0, Infinity, 7.5, Infinity]);
    expect(expand({ trips: [{ depart: 0, from: 'A', to: 'C', departSpeed: 0 }] }).departSpeed).toBeUndefined();
  });
});

describe('expandDemand: od', () => {
  const zones = ['A', 'C', 'D'];
  const triangle = [{ time: 0, factor: 0 }, { time: 1800, factor: 1 }, { time: 3600, factor: 0 }];

  it('gives trips/3600 x duration trips per cell with a constant profile (Poisson: within 4 sigma)', () => {
    const t = expand({ od: [{ zones, trips: [[0, 600, 0], [0, 0, 0], [0, 0, 0]], begin: 0, end: HOUR }] });
    expect(Math.abs(t.count - 600)).toBeLessThan(4 * Math.sqrt(600));
    expect(t.ids.every((id) => /^od0\.0-1\.\d+$/.test(id))).toBe(true);
    for (let i = 0; i < t.count; i++) {
      expect([t.origin[i], t.destination[i], t.originLink[i], t.destinationLink[i]]).toEqual([J('A'), J('C'), -1, -1]);
    }
  });

  it('halves the expected count under a triangular profile (Poisson: 300 within 4 sigma; uniform: exactly 300)', () => {
    const spec = { zones, trips: [[0, 600, 0], [0, 0, 0], [0, 0, 0]], begin: 0, end: HOUR, profile: triangle };
    const poisson = expand({ od: [spec] });
    expect(Math.abs(poisson.count - 300)).toBeLessThan(4 * Math.sqrt(300));
    const uniform = expand({ od: [{ ...spec, arrivals: 'uniform' }] });
    expect(uniform.count).toBe(300);
    // Evenly spaced in expected count: the k-th departs where t^2 / 2 / 1800 x (600/3600) = k + 1/2 before the apex.
    expect(uniform.depart[0]).toBeCloseTo(Math.sqrt(0.5 * 2 * 1800 * 6), 6);
    expect(uniform.depart[149]).toBeLessThan(1800);
    expect(uniform.depart[150]).toBeGreaterThan(1800);
  });

  it('follows the profile in time: under a ramp 0 -> 1 departures have mean 2/3 of the period (within 4 se)', () => {
    // Density proportional to t on [0, T]: mean 2T/3, sd T / sqrt(18).
    const t = expand({ od: [{ zones, trips: [[0, 1200, 0], [0, 0, 0], [0, 0, 0]], begin: 0, end: HOUR, profile: [{ time: 0, factor: 0 }, { time: HOUR, factor: 1 }] }] });
    expect(Math.abs(t.count - 600)).toBeLessThan(4 * Math.sqrt(600));
    const mean = t.depart.reduce((s, x) => s + x, 0) / t.count;
    expect(Math.abs(mean - (2 * HOUR) / 3)).toBeLessThan((4 * HOUR) / Math.sqrt(18) / Math.sqrt(t.count));
    for (const d of t.depart) expect(d >= 0 && d < HOUR).toBe(true);
  });

  it('generates no trip, and does not throw, when a tiny rate times a tiny profile factor underflows to 0', () => {
    // 8.9e-321 veh/h at factor 5e-324: each is > 0 (the schema takes them), their product is 0 in doubles.
    const t = expand({ od: [{ zones, trips: [[0, 8.9e-321, 0], [0, 0, 0], [0, 0, 0]], begin: 0, end: HOUR, profile: [{ time: 0, factor: 5e-324 }] }] });
    expect(t.count).toBe(0);
  });

  it('skips zero cells and keeps a cell\'s departures when the zones are reordered', () => {
    const a = expand({ od: [{ zones: ['A', 'C', 'D'], trips: [[0, 100, 50], [0, 0, 0], [0, 0, 0]], begin: 0, end: HOUR }] });
    const b = expand({ od: [{ zones: ['D', 'A', 'C'], trips: [[0, 0, 0], [50, 0, 100], [0, 0, 0]], begin: 0, end: HOUR }] });
    expect(a.ids.filter((id) => id.startsWith('od0.0-1.')).length).toBeGreaterThan(0);
    expect(departuresOf(b, 'od0.1-2.')).toEqual(departuresOf(a, 'od0.0-1.'));
    expect(departuresOf(b, 'od0.1-0.')).toEqual(departuresOf(a, 'od0.0-2.'));
    expect(a.ids.some((id) => /^od0\.(1|2)-/.test(id))).toBe(false);
  });

  it('sorts everything by departure, ties in generation order: trips, then flows, then od', () => {
    const t = expand({
      od: [{ zones, trips: [[0, 0, 0], [0, 0, 1800], [0, 0, 0]], begin: 0, end: 2, arrivals: 'uniform' }],
      flows: [{ id: 'f', from: 'A', to: 'C', rate: 1, begin: 0, end: 3 }, { id: 'g', from: 'C', to: 'A', rate: 0.1, begin: 0, end: 100, arrivals: 'poisson' }],
      trips: [{ id: 'late', depart: 50, from: 'A', to: 'D' }, { id: 'tie', depart: 1.5, from: 'D', to: 'A' }, { id: 'first', depart: -1, from: 'C', to: 'D' }],
    });
    for (let i = 1; i < t.count; i++) expect(t.depart[i]).toBeGreaterThanOrEqual(t.depart[i - 1]);
    expect(t.ids[0]).toBe('first');
    // Flow f departs at 0.5, 1.5, 2.5 s; OD cell C -> D is 0.5 veh/s for 2 s: one vehicle where 0.5 veh/s x t = 1/2, t = 1 s.
    const at = (id: string) => t.ids.indexOf(id);
    expect(t.depart[at('tie')]).toBe(1.5);
    expect(t.depart[at('f.1')]).toBe(1.5);
    expect(at('tie')).toBeLessThan(at('f.1'));
    expect(t.depart[at('od0.1-2.0')]).toBeCloseTo(1, 9);
    expect(t.origin[at('od0.1-2.0')]).toBe(J('C'));
  });
});

describe('expandDemand: validation', () => {
  const ok = { from: 'A', to: 'C', rate: 0.1, begin: 0, end: 100 };
  const od = { zones: ['A', 'B', 'C', 'D'], trips: [[0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]], begin: 0, end: 100 };
  /** 1 veh/s per cell: about 100 generated trips each. */
  const busyOd = { ...od, trips: od.trips.map((row) => row.map((v) => v * HOUR)) };
  const cases: Array<[string, unknown, string, RegExp?]> = [
    ['an unknown junction', { trips: [{ depart: 0, from: 'Z', to: 'C' }] }, 'trips[0].from', /junction id.*"Z".*no such junction/],
    ['a junction id that is not a string', { trips: [{ depart: 0, from: 'A', to: 7 }] }, 'trips[0].to', /junction id \(string\), found 7/],
    ['an unknown fromLink', { trips: [{ depart: 0, fromLink: 'XY', to: 'C' }] }, 'trips[0].fromLink', /link id.*"XY"/],
    ['an unknown toLink', { trips: [{ depart: 0, from: 'A', toLink: 'XY' }] }, 'trips[0].toLink', /no such link/],
    ['a NaN departure', { trips: [{ depart: NaN, from: 'A', to: 'C' }] }, 'trips[0].depart', /NaN/],
    ['a missing departure', { trips: [{ from: 'A', to: 'C' }] }, 'trips[0].depart', /found nothing/],
    ['no origin', { trips: [{ depart: 0, to: 'C' }] }, 'trips[0].from', /origin/],
    ['no destination', { trips: [{ depart: 0, from: 'A' }] }, 'trips[0].to', /destination/],
    ['the same origin and destination', { trips: [{ depart: 0, from: 'A', to: 'A' }] }, 'trips[0].to', /"A"/],
    ['a fromLink not leaving from', { trips: [{ depart: 0, from: 'A', fromLink: 'BC', to: 'C' }] }, 'trips[0].fromLink', /"BC".*starts at "B"/],
    ['a toLink not reaching to', { trips: [{ depart: 0, from: 'A', toLink: 'BC', to: 'D' }] }, 'trips[0].toLink', /"BC".*ends at "C"/],
    ['a U-turn in a route', { trips: [{ depart: 0, route: ['AB', 'BA'] }] }, 'trips[0].route[1]', /movement from link "AB" to link "BA"/],
    ['route links that do not meet', { trips: [{ depart: 0, route: ['AB', 'BC', 'DB'] }] }, 'trips[0].route[2]', /"BC".*"DB"/],
    ['an unknown route link', { trips: [{ depart: 0, route: ['AB', 'nope'] }] }, 'trips[0].route[1]', /"nope"/],
    ['an empty route', { trips: [{ depart: 0, from: 'A', to: 'C', route: [] }] }, 'trips[0].route', /at least one/],
    ['a route not starting at from', { trips: [{ depart: 0, from: 'D', to: 'C', route: ['AB', 'BC'] }] }, 'trips[0].route[0]', /"D".*"AB"/],
    ['a route not starting with fromLink', { trips: [{ depart: 0, fromLink: 'DB', route: ['AB', 'BC'] }] }, 'trips[0].route[0]', /"DB".*"AB"/],
    ['a route not ending at to', { trips: [{ depart: 0, to: 'D', route: ['AB', 'BC'] }] }, 'trips[0].route[1]', /"D".*"BC"/],
    ['a route not ending with toLink', { trips: [{ depart: 0, toLink: 'BD', route: ['AB', 'BC'] }] }, 'trips[0].route[1]', /"BD".*"BC"/],
    ['an empty trip id', { trips: [{ id: '', depart: 0, from: 'A', to: 'C' }] }, 'trips[0].id'],
    ['a duplicate trip id', { trips: [{ id: 'x', depart: 0, from: 'A', to: 'C' }, { id: 'x', depart: 1, from: 'A', to: 'C' }] }, 'trips[1].id', /"x".*trips\[0\]/],
    ['a trip id clashing with a generated one', { trips: [{ id: 'f.0', depart: 0, from: 'A', to: 'C' }], flows: [{ ...ok, id: 'f' }] }, 'flows[0].id', /"f\.0"/],
    ['a flow id clashing with OD ids', { flows: [{ ...ok, id: 'od0.0-1' }], od: [busyOd] }, 'od[0].trips[0][1]', /"od0\.0-1\.0".*flows\[0\]\.id/],
    ['a trip id clashing with OD ids', { trips: [{ id: 'od0.2-3.0', depart: 0, from: 'A', to: 'C' }], od: [{ ...busyOd, arrivals: 'uniform' }] }, 'od[0].trips[2][3]', /trips\[0\]\.id/],
    ['a default trip id given explicitly', { trips: [{ depart: 0, from: 'A', to: 'C' }, { id: 'trip0', depart: 0, from: 'A', to: 'C' }] }, 'trips[1].id', /"trip0"/],
    ['a trip that is not an object', { trips: [null] }, 'trips[0]'],
    ['a negative departSpeed', { trips: [{ depart: 0, from: 'A', to: 'C', departSpeed: -1 }] }, 'trips[0].departSpeed', /speed in m\/s.*or "max", found -1/],
    ['a departSpeed word other than max', { flows: [{ ...ok, departSpeed: 'desired' }] }, 'flows[0].departSpeed', /"desired"/],
    ['trips that are not an array', { trips: {} }, 'trips', /array/],
    ['a negative rate', { flows: [ok, ok, { ...ok, rate: -1 }] }, 'flows[2].rate', /-1/],
    ['a NaN rate', { flows: [{ ...ok, rate: NaN }] }, 'flows[0].rate', /NaN/],
    ['a rate that is a string', { flows: [{ ...ok, rate: '5' }] }, 'flows[0].rate', /found "5"/],
    ['end <= begin', { flows: [{ ...ok, begin: 100, end: 100 }] }, 'flows[0].end', /after begin \(100 s\), found 100/],
    ['a NaN begin', { flows: [{ ...ok, begin: NaN }] }, 'flows[0].begin'],
    ['unknown arrivals', { flows: [{ ...ok, arrivals: 'bursty' }] }, 'flows[0].arrivals', /"bursty"/],
    ['a duplicate flow id', { flows: [{ ...ok, id: 'f' }, { ...ok, id: 'f' }] }, 'flows[1].id', /flows\[0\]/],
    ['a bad flow endpoint', { flows: [ok, { ...ok, to: 'Q' }] }, 'flows[1].to', /"Q"/],
    ['a flow route U-turn', { flows: [{ rate: 1, begin: 0, end: 1, route: ['CB', 'BC'] }] }, 'flows[0].route[1]', /"CB".*"BC"/],
    ['an unknown zone', { od: [{ ...od, zones: ['A', 'Q', 'C', 'D'] }] }, 'od[0].zones[1]', /"Q"/],
    ['a duplicate zone', { od: [{ ...od, zones: ['A', 'B', 'A', 'D'] }] }, 'od[0].zones[2]', /od\[0\]\.zones\[0\]/],
    ['no zones', { od: [{ ...od, zones: [] }] }, 'od[0].zones'],
    ['too few rows', { od: [{ ...od, trips: od.trips.slice(1) }] }, 'od[0].trips', /4 rows.*3 rows/],
    ['a short row', { od: [{ ...od, trips: [od.trips[0], [1, 0, 1], od.trips[2], od.trips[3]] }] }, 'od[0].trips[1]', /4 columns.*3 columns/],
    ['a negative cell', { od: [{ ...od, trips: [od.trips[0], [1, 0, 1, -2], od.trips[2], od.trips[3]] }] }, 'od[0].trips[1][3]', /-2/],
    ['a NaN cell', { od: [od, { ...od, trips: [od.trips[0], [1, 0, 1, NaN], od.trips[2], od.trips[3]] }] }, 'od[1].trips[1][3]', /NaN/],
    ['a non-zero diagonal', { od: [{ ...od, trips: [od.trips[0], [1, 5, 1, 1], od.trips[2], od.trips[3]] }] }, 'od[0].trips[1][1]', /0 on the diagonal.*"B".*5/],
    ['an OD end <= begin', { od: [{ ...od, end: -5 }] }, 'od[0].end'],
    ['a bad profile point', { od: [{ ...od, profile: [{ time: 0, factor: 1 }, { time: 0, factor: 1 }] }] }, 'od[0].profile[1].time'],
    ['unknown OD arrivals', { od: [{ ...od, arrivals: 'fixed' }] }, 'od[0].arrivals'],
    ['a spec that is not an object', null, 'demand'],
  ];

  for (const [what, spec, path, message] of cases) {
    it(`refuses ${what} at ${path}`, () => {
      const e = inputError(spec);
      expect(e.path).toBe(path);
      if (message) expect(e.message).toMatch(message);
    });
  }

  it('accepts explicit ids that only look like generated ones', () => {
    // flow f generates f.0 .. f.9 (0.1 veh/s for 100 s); f.10 and f.05 are not among them.
    const t = expand({ trips: [{ id: 'f.10', depart: 0, from: 'A', to: 'C' }, { id: 'f.05', depart: 0, from: 'A', to: 'C' }, { id: 'f', depart: 0, from: 'A', to: 'C' }], flows: [{ ...ok, id: 'f' }] });
    expect(t.count).toBe(13);
    expect(new Set(t.ids).size).toBe(13);
  });

  it('validates the whole spec before generating anything', () => {
    // The id clash only shows during generation; the OD mistake must be reported first.
    const e = inputError({ trips: [{ id: 'f.0', depart: 0, from: 'A', to: 'C' }], flows: [{ ...ok, id: 'f' }], od: [{ ...od, zones: ['A', 'B', 'C', 'nowhere'] }] });
    expect(e.path).toBe('od[0].zones[3]');
  });

  it('refuses arguments that are not a CompiledNetwork or RandomStream with UsageError', () => {
    expect(() => expandDemand({} as CompiledNetwork, {}, createRandom(1))).toThrow(UsageError);
    expect(() => expandDemand(net, {}, Math as never)).toThrow(UsageError);
  });
});

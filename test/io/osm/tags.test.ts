/**
 * importOsm, tag rules (engine/io/osm/tags.ts): which `highway` ways
 * become car links (classes, access, non-standard values), lanes per direction
 * (Key:lanes), free-flow speed (Key:maxspeed: units, walk, none, country zones,
 * directional limits), one-way rules (Key:oneway, implied for motorways and
 * roundabouts) and the country read from the data (driving side, legal limits).
 * Fixtures in test/fixtures/osm/ are stars of ways from node 1, one way per rule,
 * imported with `components: 'all'` so dead-end spokes stay.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importOsm, parseMaxspeed, standardClass } from '../../../engine/io/osm/index.js';
import type { ImportResult } from '../../../engine/io/types.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));
const kmh = (v: number): number => v * 3.6;

function linkIds(r: ImportResult): string[] {
  return r.network.links().map((l) => l.id).sort();
}

function count(r: ImportResult, label: string): number {
  return r.counts.find((c) => c.label === label)?.count ?? 0;
}

function warnings(r: ImportResult, pattern: RegExp): string[] {
  return r.warnings.filter((w) => pattern.test(w.message)).map((w) => `${w.element ?? ''}: ${w.message}`);
}

describe('importOsm: road classes and access (classes.osm)', () => {
  it('keeps car classes, leaves out footways, steps, service, track, construction, proposed ... and counts them', async () => {
    const r = await importOsm(fixture('classes.osm'), { components: 'all' });
    // Kept: primary 100, residential 101, residential_tunnel 111, motorcar=yes over access=no 115, unknown access 116.
    expect(linkIds(r)).toEqual(['w100#0', 'w100#0-r', 'w101#0', 'w101#0-r', 'w111#0', 'w111#0-r', 'w115#0', 'w115#0-r', 'w116#0', 'w116#0-r']);
    for (const cls of ['footway', 'steps', 'service', 'track', 'construction', 'proposed', 'cycleway', 'path', 'pedestrian']) {
      expect(count(r, `dropped: highway=${cls}`), cls).toBe(1);
    }
    expect(count(r, 'dropped: access=private')).toBe(1);
    expect(count(r, 'dropped: access=no')).toBe(1); // motor_vehicle=no
    expect(count(r, 'dropped: area=yes')).toBe(1);
    expect(r.network.link('w100#0').name).toBe('Avenida A');
  });

  it('reports non-standard highway values instead of dropping them silently', async () => {
    const r = await importOsm(fixture('classes.osm'), { components: 'all' });
    expect(warnings(r, /residential_tunnel/)).toEqual(['way 111: highway="residential_tunnel" is not a standard value: read as highway="residential"']);
    expect(warnings(r, /superhighway/)).toHaveLength(1);
    expect(count(r, 'dropped: highway=superhighway (non-standard)')).toBe(1);
    expect(warnings(r, /access="sometimes"/)).toHaveLength(1);
    // XML warnings carry file and line.
    expect(r.warnings.find((w) => w.element === 'way 111')?.where).toMatch(/classes\.osm:\d+$/);
  });

  it('keeps service roads when asked', async () => {
    const r = await importOsm(fixture('classes.osm'), { components: 'all', classes: ['residential', 'service'] });
    expect(linkIds(r)).toEqual(['w101#0', 'w101#0-r', 'w104#0', 'w104#0-r', 'w111#0', 'w111#0-r', 'w115#0', 'w115#0-r', 'w116#0', 'w116#0-r']);
  });

  it('standardClass maps a non-standard value to its longest standard prefix', () => {
    expect(standardClass('primary_bridge')).toBe('primary');
    expect(standardClass('motorway_link')).toBe('motorway_link');
    expect(standardClass('motorway_link_tunnel')).toBe('motorway_link');
    expect(standardClass('superhighway')).toBeUndefined();
  });
});

describe('importOsm: lanes and speeds (lanes-speeds.osm)', () => {
  it('splits lanes between directions and applies class defaults', async () => {
    const r = await importOsm(fixture('lanes-speeds.osm'), { components: 'all' });
    const lanes = (id: string): number => r.network.link(id).lanes;
    expect([lanes('w100#0'), lanes('w100#0-r')]).toEqual([2, 2]); // lanes=4
    expect([lanes('w101#0'), lanes('w101#0-r')]).toEqual([2, 1]); // lanes=3, lanes:forward=2
    expect(lanes('w102#0')).toBe(3); // one-way lanes=3
    expect(r.network.graph.hasEdge('w102#0-r')).toBe(false);
    expect([lanes('w103#0'), lanes('w103#0-r')]).toEqual([2, 2]); // primary default
    expect([lanes('w104#0'), lanes('w104#0-r')]).toEqual([1, 1]); // residential default
    expect(lanes('w105#0')).toBe(1); // lanes=two: default, warned
    expect(warnings(r, /lanes="two"/)).toHaveLength(1);
    expect([lanes('w106#0'), lanes('w106#0-r')]).toEqual([2, 2]); // 5 lanes, 1 both ways
  });

  it('reads maxspeed with units, walk, none, country zones and directions', async () => {
    const r = await importOsm(fixture('lanes-speeds.osm'), { components: 'all' });
    const speed = (id: string): number => kmh(r.network.link(id).speed);
    expect(speed('w107#0')).toBeCloseTo(50, 9);
    expect(speed('w108#0')).toBeCloseTo(30 * 1.609344, 9);
    expect(speed('w109#0')).toBeCloseTo(6, 9);
    expect(speed('w110#0')).toBeCloseTo(50, 9); // PT:urban
    expect(speed('w111#0')).toBeCloseTo(60, 9); // MO:urban
    expect(speed('w112#0')).toBeCloseTo(30, 9); // signals: residential default
    expect(speed('w113#0')).toBeCloseTo(30, 9); // "fast": default, warned
    expect([speed('w114#0'), speed('w114#0-r')].map((v) => Math.round(v))).toEqual([60, 40]);
    expect(speed('w115#0')).toBeCloseTo(20 * 1.852, 9);
    expect(speed('w116#0')).toBeCloseTo(30, 9); // XX:urban unknown
    expect(speed('w117#0')).toBeCloseTo(50, 9); // 50;30: first
    expect(speed('w118#0')).toBeCloseTo(130, 9); // none
    expect(warnings(r, /maxspeed="fast"/)).toHaveLength(1);
    expect(warnings(r, /maxspeed="signals"/)).toHaveLength(1);
    expect(warnings(r, /maxspeed="XX:urban"/)).toHaveLength(1);
    expect(warnings(r, /maxspeed="50;30"/)).toHaveLength(1);
  });

  it('parseMaxspeed', () => {
    expect(parseMaxspeed('80')).toEqual({ kind: 'speed', kmh: 80 });
    expect(parseMaxspeed('80 km/h')).toEqual({ kind: 'speed', kmh: 80 });
    expect(parseMaxspeed('GB:nsl_dual')).toEqual({ kind: 'speed', kmh: 70 * 1.609344 });
    expect(parseMaxspeed('DE:zone30')).toEqual({ kind: 'speed', kmh: 30 });
    expect(parseMaxspeed('DE:zone:20')).toEqual({ kind: 'speed', kmh: 20 });
    expect(parseMaxspeed('HK:urban')).toEqual({ kind: 'speed', kmh: 50 });
    expect(parseMaxspeed('0').kind).toBe('invalid');
    expect(parseMaxspeed('variable').kind).toBe('default');
  });
});

describe('importOsm: one-way rules (oneway.osm)', () => {
  it('follows oneway values and implied one-ways, drops reversible roads and reports unknown values', async () => {
    const r = await importOsm(fixture('oneway.osm'), { components: 'all' });
    const dirs = (way: number): string => {
      const f = r.network.graph.hasEdge(`w${way}#0`) ? 'f' : '';
      const b = r.network.graph.hasEdge(`w${way}#0-r`) ? 'b' : '';
      return f + b || '-';
    };
    expect([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112].map(dirs)).toEqual([
      'f', 'f', 'f', 'b', '-', 'fb', 'fb', 'f', 'f', 'fb', 'fb', 'f', 'b',
    ]);
    expect(count(r, 'dropped: oneway=reversible')).toBe(1);
    expect(warnings(r, /oneway="maybe"/)).toHaveLength(1);
    expect(warnings(r, /oneway="alternating"/)).toHaveLength(1);
  });
});

describe('importOsm: country and driving side (macau.osm)', () => {
  it('reads the country from addr:country: left-hand traffic, Macau limits cap the class defaults', async () => {
    const r = await importOsm(fixture('macau.osm'), { components: 'all' });
    expect(r.network.drivingSide).toBe('left');
    expect(warnings(r, /country MO inferred/)).toHaveLength(1);
    expect(kmh(r.network.link('w102#0').speed)).toBeCloseTo(60, 9); // MO:urban
    expect(kmh(r.network.link('w103#0').speed)).toBeCloseTo(60, 9); // motorway default capped by MO
    expect(kmh(r.network.link('w101#0').speed)).toBeCloseTo(50, 9); // primary default below the cap
  });

  it('options override the data; without a country the importer says what it assumed', async () => {
    const forced = await importOsm(fixture('macau.osm'), { components: 'all', drivingSide: 'right' });
    expect(forced.network.drivingSide).toBe('right');
    const hk = await importOsm(fixture('macau.osm'), { components: 'all', country: 'HK' });
    expect(hk.network.drivingSide).toBe('left');
    expect(kmh(hk.network.link('w103#0').speed)).toBeCloseTo(50, 9);
    const none = await importOsm(fixture('oneway.osm'), { components: 'all' });
    expect(none.network.drivingSide).toBe('right');
    expect(warnings(none, /no country found/)).toHaveLength(1);
  });
});

describe('importOsm: options', () => {
  it('rejects bad options with InputError naming the option', async () => {
    const file = fixture('classes.osm');
    await expect(importOsm(file, { classes: ['primary', 'highway'] })).rejects.toMatchObject({ name: 'InputError', path: 'options.classes[1]' });
    await expect(importOsm(file, { country: 'Macau' })).rejects.toMatchObject({ name: 'InputError', path: 'options.country' });
    await expect(importOsm(file, { joinDistance: -1 })).rejects.toMatchObject({ name: 'InputError', path: 'options.joinDistance' });
    await expect(importOsm(file, { drivingSide: 'middle' as 'left' })).rejects.toMatchObject({ name: 'InputError', path: 'options.drivingSide' });
    await expect(importOsm(file, { classDefaults: { residential: { lanes: 0 } } })).rejects.toMatchObject({ name: 'InputError', path: 'options.classDefaults.residential.lanes' });
  });

  it('applies classDefaults where tags are missing', async () => {
    const r = await importOsm(fixture('lanes-speeds.osm'), { components: 'all', classDefaults: { residential: { lanes: 2, speedKmh: 25 } } });
    expect(r.network.link('w104#0').lanes).toBe(2);
    expect(kmh(r.network.link('w104#0').speed)).toBeCloseTo(25, 9);
    expect(kmh(r.network.link('w107#0').speed)).toBeCloseTo(50, 9); // tagged maxspeed still wins
  });
});

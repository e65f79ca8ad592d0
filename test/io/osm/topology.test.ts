/**
 * importOsm, topology and junction rules (engine/io/osm/topology.ts,
 * build.ts, signals.ts): chains merged with their length along the geometry,
 * dual-carriageway clusters joined by `joinDistance`, short links lengthened,
 * the largest strongly connected component kept (traps dropped, dead ends
 * turned), the bounding box, turn restrictions (Relation:restriction), turn-lane
 * masks (Key:turn, both driving sides), signals on, before and between
 * junctions with their generated programs. The one-way approach in
 * turn-lanes.osm has no way back, so that file is read with `components: 'all'`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/network/compile.js';
import { roadClassPriority } from '../../../engine/network/labels.js';
import { importOsm } from '../../../engine/io/osm/index.js';
import type { ImportResult } from '../../../engine/io/types.js';
import { compileProgram } from '../../../engine/signals/program.js';
import { bayGroups } from '../../fixtures/bay.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));

function count(r: ImportResult, label: string): number {
  return r.counts.find((c) => c.label === label)?.count ?? 0;
}

/** Exits of a link, sorted. */
function exits(r: ImportResult, link: string): string[] {
  return r.network.movementsFrom(link).map((m) => m.to).sort();
}

function hasLink(r: ImportResult, id: string): boolean {
  return r.network.graph.hasEdge(id);
}

describe('importOsm: chains, clusters, short links (topology.osm)', () => {
  it('merges degree-2 chains into one link whose length follows the geometry', async () => {
    const r = await importOsm(fixture('topology.osm'));
    // Ways 101-103 (nodes 1-2-3-4-5, a bend through 3 and 4): one link, 100 + 111.8 + 100 + 111.8 m.
    const l = r.network.link('w103#0');
    expect([l.from, l.to]).toEqual(['n1', 'n5']);
    const polyline = 200 + 2 * Math.hypot(100, 50);
    expect(Math.abs(l.length - polyline) / polyline).toBeLessThan(0.003); // projection and fixture rounding
    for (const gone of ['n2', 'n3', 'n4']) expect(r.network.graph.hasNode(gone), gone).toBe(false);
    // The lane count changes at 5 and 6 (4 lanes, then 1 each way): they stay junctions.
    expect(r.network.link('w104#0').lanes).toBe(2);
    expect(r.network.link('w105#0').lanes).toBe(1);
    expect(count(r, 'nodes merged into longer links (chains)')).toBe(4); // 2 and 4 (3 is a shape node), 9, 10
  });

  it('joins a dual-carriageway crossing into one junction with joinDistance, and keeps the turns through it', async () => {
    const joined = await importOsm(fixture('topology.osm'));
    expect(joined.network.graph.hasNode('n21')).toBe(true);
    expect(joined.network.graph.hasNode('n22')).toBe(false);
    expect(hasLink(joined, 'w112#1')).toBe(false); // the 12 m piece between the carriageways is gone
    // Southbound carriageway (110) reaches the east arm, which leaves from the other carriageway's node.
    expect(exits(joined, 'w110#0')).toEqual(['w110#1', 'w111#1', 'w112#0-r', 'w112#2']);
    const j = joined.network.junction('n21');
    expect(j.x).toBeCloseTo((joined.network.junction('n20').x + joined.network.junction('n23').x) / 2, 0);

    const apart = await importOsm(fixture('topology.osm'), { joinDistance: 0 });
    expect(apart.network.graph.hasNode('n22')).toBe(true);
    expect(apart.network.link('w112#1').length).toBeCloseTo(12, 0);
  });

  it('lengthens links shorter than minLinkLength', async () => {
    const r = await importOsm(fixture('topology.osm'), { joinDistance: 0 });
    expect(r.network.link('w120#0').length).toBe(7.5); // 3 m in the data
    expect(count(r, 'links lengthened to the minimum length')).toBe(2);
    const longer = await importOsm(fixture('topology.osm'), { joinDistance: 0, minLinkLength: 20 });
    expect(longer.network.link('w120#0').length).toBe(20);
    expect(longer.network.link('w112#1').length).toBe(20); // the 12 m carriageway gap
  });

  it('keeps the largest strongly connected component: drops one-way traps, turns at dead ends', async () => {
    const r = await importOsm(fixture('topology.osm'), { components: 'largest' });
    expect(hasLink(r, 'w130#0')).toBe(false); // one-way into a dead end: a trap
    expect(count(r, 'dropped: links of small cut-off parts')).toBe(2); // the trap, 114 against the carriageways
    // Each dropped part is listed with its size.
    expect(r.warnings.filter((w) => /^dropped: 2 single links on no cycle/.test(w.message))).toHaveLength(1);
    // Dead end at node 50: the only way on is a U-turn.
    expect(exits(r, 'w107#0-r')).toEqual(['w107#0']);
    // At node 8 the only other exit is the trap: a U-turn reconnects the street.
    expect(exits(r, 'w106#0-r')).toEqual(['w106#0']);
    expect(count(r, 'U-turns permitted to reconnect links')).toBeGreaterThanOrEqual(1);
    // No U-turn where there is somewhere else to go.
    expect(exits(r, 'w105#0')).not.toContain('w105#0-r');
    // Everything left is one strongly connected component.
    const { analyseConnectivity } = await import('../../../engine/network/connectivity.js');
    const report = analyseConnectivity(compile(r.network));
    expect(report.components).toBe(1);

    const all = await importOsm(fixture('topology.osm'), { components: 'all' });
    expect(hasLink(all, 'w130#0')).toBe(true);
  });

  it('cuts ways at the bounding box', async () => {
    // Node 30-35 lie east of x = 900 m; the fixture centre is 113.54 E, so cut at about x = 800 m.
    const r = await importOsm(fixture('topology.osm'), { bbox: [113.535, 22.18, 113.5477, 22.20] });
    for (const id of ['w120#0', 'w121#0', 'w122#0']) expect(hasLink(r, id), id).toBe(false);
    expect(count(r, 'nodes outside the bounding box')).toBe(6);
    expect(hasLink(r, 'w104#0')).toBe(true);
    await expect(importOsm(fixture('topology.osm'), { bbox: [1, 2, 0, 3] })).rejects.toMatchObject({ name: 'InputError', path: 'options.bbox' });
  });

  it('keeps lon/lat on junctions and projects to metres', async () => {
    const r = await importOsm(fixture('topology.osm'));
    const a = r.network.junction('n5');
    const b = r.network.junction('n6');
    expect(a.lon).toBeCloseTo(113.54 + 400 / (111320 * Math.cos((22.19 * Math.PI) / 180)), 6);
    expect(a.lat).toBeCloseTo(22.19, 6);
    expect(Math.hypot(b.x - a.x, b.y - a.y)).toBeCloseTo(100, 0);
  });
});

describe('importOsm: turn restrictions (restrictions.osm)', () => {
  it('applies no_* and only_* restrictions at the via node, reports what it cannot apply', async () => {
    const r = await importOsm(fixture('restrictions.osm'));
    // 901: no_left_turn from the west arm (104) to the north arm (101).
    expect(exits(r, 'w104#0-r')).toEqual(['w102#0', 'w103#0']);
    // 902: only_straight_on from the south arm (103) to the north arm.
    expect(exits(r, 'w103#0-r')).toEqual(['w101#0']);
    // 906: restriction:motorcar=no_right_turn (E -> S) wins over restriction=no_left_turn.
    expect(exits(r, 'w102#0-r')).toEqual(['w101#0', 'w104#0']);
    // 904 (except motorcar) is skipped: north arm keeps its left turn to the east.
    expect(exits(r, 'w101#0-r')).toEqual(['w102#0', 'w103#0', 'w104#0']);
    expect(count(r, 'restrictions: applied')).toBe(3);
    expect(count(r, 'restrictions: via way (unsupported)')).toBe(1);
    expect(count(r, 'restrictions: except motorcar (skipped)')).toBe(1);
    expect(count(r, 'restrictions: unknown value (skipped)')).toBe(1);
    expect(r.warnings.find((w) => w.element === 'relation 903')?.message).toMatch(/via way is not supported/);
    expect(r.warnings.find((w) => w.element === 'relation 905')?.where).toMatch(/restrictions\.osm:\d+$/);
  });

  it('reads the same network from PBF (converted by osmium) as from XML', async () => {
    const xml = await importOsm(fixture('restrictions.osm'));
    const pbf = await importOsm(fixture('restrictions.osm.pbf'));
    const shape = (r: ImportResult): unknown => ({
      junctions: r.network.junctions().map((j) => [j.id, j.x.toFixed(3), j.y.toFixed(3), j.lon?.toFixed(7), j.control]),
      links: r.network.links().map((l) => [l.id, l.from, l.to, l.length.toFixed(3), l.lanes, l.speed]),
      movements: r.network.movements().map((m) => [m.from, m.to, m.lanes.join()]),
    });
    expect(shape(pbf)).toEqual(shape(xml));
    expect(count(pbf, 'restrictions: applied')).toBe(3);
  });
});

describe('importOsm: turn lanes (turn-lanes.osm)', () => {
  it('maps turn:lanes to movement lanes, kerb lane 0 on the right in right-hand traffic', async () => {
    const r = await importOsm(fixture('turn-lanes.osm'), { drivingSide: 'right', components: 'all' });
    const lanes = (to: string): number[] => [...(r.network.movementsFrom('w201#0').find((m) => m.to === to)?.lanes ?? [])];
    // left|through|through;right, left to right: lane 2 (left), 1 (through), 0 (through;right).
    expect(lanes('w204#0')).toEqual([2]); // left turn
    expect(lanes('w202#0')).toEqual([0, 1]); // straight on
    expect(lanes('w203#0')).toEqual([0]); // right turn
  });

  it('numbers lanes from the left kerb in left-hand traffic (Macau)', async () => {
    const r = await importOsm(fixture('turn-lanes.osm'), { drivingSide: 'left', components: 'all' });
    const lanes = (to: string): number[] => [...(r.network.movementsFrom('w201#0').find((m) => m.to === to)?.lanes ?? [])];
    expect(lanes('w204#0')).toEqual([0]);
    expect(lanes('w202#0')).toEqual([1, 2]);
    expect(lanes('w203#0')).toEqual([2]);
  });

  it('keeps a turn bay (turn-bay.osm: a 2-lane way widening into 45 m of 3 lanes) as its own short link whose left lane is a lane group with the bay\'s storage', async () => {
    const r = await importOsm(fixture('turn-bay.osm'), { drivingSide: 'right', components: 'all' });
    // The widening node is not merged away (the lane count changes there): the bay stays a link.
    expect(r.network.link('w302#0').lanes).toBe(3);
    expect(r.network.link('w302#0').length).toBeGreaterThan(40);
    expect(r.network.link('w302#0').length).toBeLessThan(50);
    expect(r.network.movementsFrom('w301#0').map((m) => m.to)).toEqual(['w302#0']);
    const g = bayGroups(r.network, 'w302#0', 'w304#0', 'w303#0');
    expect(g.separate).toBe(true);
    expect(g.turn).toEqual({ lanes: 1, storage: Math.floor(g.length / 7.5) }); // 5 places
    expect(g.through.lanes).toBe(2);
  });

  it('ignores turn lanes that disagree with the tagged lane count, with a warning', async () => {
    const r = await importOsm(fixture('turn-lanes.osm'), { components: 'all' });
    expect(r.warnings.filter((w) => w.element === 'way 205' && /turn lanes ignored/.test(w.message))).toHaveLength(2);
    expect(r.network.movementsFrom('w205#0')[0].lanes).toEqual([0]);
  });
});

describe('importOsm: right of way by road class', () => {
  it('ranks every link by its highway class (LinkSpec.priority: motorway highest, unknown 0)', async () => {
    const r = await importOsm(fixture('signals.osm'));
    const links = r.network.links();
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.priority).toBe(roadClassPriority(l.roadClass));
    expect(roadClassPriority('primary')).toBeGreaterThan(roadClassPriority('residential'));
    expect(roadClassPriority(undefined)).toBe(0);
  });
});

describe('importOsm: signals (signals.osm)', () => {
  it('signalises a junction with a signal on it or up to signalDistance before it; mid-block signals become crossings', async () => {
    const r = await importOsm(fixture('signals.osm'));
    const control = (id: string): string => r.network.junction(id).control;
    expect(control('n1')).toBe('signal'); // signal node 31, 20 m before it on the south approach
    expect(r.network.graph.hasNode('n31')).toBe(false); // merged away once attached
    expect(control('n41')).toBe('signal'); // signal on the node itself
    expect(control('n61')).toBe('signal'); // mid-block, 300 m from any junction
    expect(control('n75')).toBe('signal'); // 50 m before junction 71: too far, mid-block
    expect(control('n71')).toBe('priority');
    expect(count(r, 'signalised junctions')).toBe(4);
    expect(count(r, 'signalised junctions: mid-block crossings')).toBe(2);
    expect(count(r, 'signals: nodes before a junction, moved onto it')).toBe(1);

    const near = await importOsm(fixture('signals.osm'), { signalDistance: 60 });
    expect(near.network.junction('n71').control).toBe('signal');
    expect(near.network.graph.hasNode('n75')).toBe(false);
  });

  it('generates programs that compile: two axes at a cross, a pedestrian phase at a crossing', async () => {
    const r = await importOsm(fixture('signals.osm'), { signalTiming: { green: 25 } });
    const net = compile(r.network);
    expect(r.programs.map((p) => p.junction).sort()).toEqual(['n1', 'n41', 'n61', 'n75']);
    for (const p of r.programs) compileProgram(net, p, `programs.${p.junction}`);
    const cross = r.programs.find((p) => p.junction === 'n1');
    expect(cross?.phases.map((ph) => ph.duration)).toEqual([25, 25]);
    // The north-south axis runs together: south approach straight on is protected, its left turn permissive.
    const phase = cross?.phases.find((ph) => ph.green.some((m) => m.from === 'w103#0'));
    expect(phase?.green).toContainEqual({ from: 'w103#0', to: 'w101#0' });
    expect(phase?.permissive).toContainEqual({ from: 'w103#0', to: 'w104#0' });
    const crossing = r.programs.find((p) => p.junction === 'n61');
    expect(crossing?.phases).toHaveLength(2);
    expect(crossing?.phases[1]).toMatchObject({ green: [], duration: 10 });
    expect(crossing?.cycle).toBe(25 + 3 + 2 + 10);
  });
});

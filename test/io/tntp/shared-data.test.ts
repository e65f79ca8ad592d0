/**
 * The TNTP importer on the published Sioux Falls and Chicago Sketch data sets
 * (../shared/data/tntp, from the Transportation Networks for Research
 * repository): their documented sizes, units and trip totals come out, every
 * origin-destination pair with trips is routable, and a thinned Sioux Falls
 * demand runs with every vehicle accounted for. The data is for checking only
 * and is never committed; the suite skips when it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/network/compile.js';
import { createRandom, expandDemand, scaleDemand } from '../../../engine/demand/index.js';
import { importTntp } from '../../../engine/io/tntp/index.js';
import type { ImportResult } from '../../../engine/io/types.js';
import { createRouter } from '../../../engine/routing/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';

const DATA = path.join(SHARED_DATA, 'tntp');
const SIOUX = path.join(DATA, 'SiouxFalls', 'SiouxFalls_net.tntp');
const CHICAGO = path.join(DATA, 'Chicago-Sketch', 'ChicagoSketch_net.tntp');
const present = existsSync(SIOUX) && existsSync(CHICAGO);
if (!present) console.warn(`tntp-shared-data: skipped, ${DATA} (the shared TNTP data) is absent`);

const count = (r: ImportResult, label: string): number | undefined => r.counts.find((c) => c.label === label)?.count;

/** Every zone pair with trips in the OD matrix has a route. */
function expectRoutable(r: ImportResult): void {
  const net = compile(r.network);
  const od = r.demand.od![0];
  const origins: number[] = [];
  const destinations: number[] = [];
  od.trips.forEach((row, o) => row.forEach((v, d) => {
    if (v > 0) { origins.push(net.junctionIndex(od.zones[o])); destinations.push(net.junctionIndex(od.zones[d])); }
  }));
  const routes = createRouter(net).routeBatch(Int32Array.from(origins), Int32Array.from(destinations));
  expect(routes.costs.every((c) => c < Infinity)).toBe(true);
}

describe.skipIf(!present)(present ? `TNTP shared data (${DATA})` : `TNTP shared data: SKIPPED, ${DATA} is absent`, () => {
  it('Sioux Falls: 24 nodes (all zones), 76 links, 360,600 trips, longitude/latitude', async () => {
    const r = await importTntp(SIOUX);
    expect(r.network.junctionCount).toBe(24);
    expect(r.network.linkCount).toBe(76);
    expect(count(r, 'zones')).toBe(24);
    expect(count(r, 'trips in the table')).toBe(360600);
    expect(count(r, 'intrazonal trips dropped')).toBe(0);
    expect(r.network.junction('1').lon).toBeCloseTo(-96.77041974, 8);
    // Its units are not stated: both assumptions are reported.
    expect(r.warnings.filter((w) => /does not state/.test(w.message))).toHaveLength(2);
    expectRoutable(r);
  });

  it('Sioux Falls at 1% of its demand runs with every vehicle arrived or still on its way', async () => {
    const r = await importTntp(SIOUX);
    const net = compile(r.network);
    const trips = expandDemand(net, scaleDemand(r.demand, 0.01), createRandom(1).fork('demand'));
    expect(Math.abs(trips.count - 3606)).toBeLessThan(4 * Math.sqrt(3606));
    const run = simulate(net, trips, {}, { end: r.simulation!.end!, seed: 1 });
    expect(run.network.unroutable).toBe(0);
    expect(run.network.arrived + run.network.unfinished).toBe(trips.count);
    expect(run.network.arrived).toBeGreaterThan(0.99 * trips.count);
  });

  it('Chicago Sketch: 933 nodes, 2,950 links, 387 zones, 774 connectors, feet, 1.26 M trips of which 123,414 intrazonal', async () => {
    const r = await importTntp(CHICAGO);
    expect(r.network.junctionCount).toBe(933);
    expect(r.network.linkCount).toBe(2950);
    expect(count(r, 'zones')).toBe(387);
    expect(count(r, 'links with free-flow time 0 (connectors; 40 km/h unless a speed is given)')).toBe(774);
    expect(count(r, 'trips in the table')).toBe(1260907); // README: 1,260,907.44
    expect(count(r, 'intrazonal trips dropped')).toBe(123414);
    expect(r.counts.some((c) => /planar coordinates read as feet/.test(c.label))).toBe(true);
    // Node 1 is at (690309, 1976022) Illinois State Plane feet.
    expect(r.network.junction('1').x).toBeCloseTo(690309 * 0.3048, 6);
    expect(r.warnings.some((w) => /does not state/.test(w.message))).toBe(false); // its header says miles and minutes
    expect(createRouter(compile(r.network)).searchLevel).toBe('junctions');
    expectRoutable(r);
  });
});

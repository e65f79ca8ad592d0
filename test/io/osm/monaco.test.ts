/**
 * The Monaco check: importOsm on a real city extract (../shared/data/osm/monaco.osm,
 * from the MoST scenario: 1,525 ways, 12 signal nodes, non-standard highway values),
 * then the generated morning-peak demand simulated with the generated programs.
 * It checks the import summary is sensible and the default setting runs without
 * gridlock, and prints the figures (links, junctions, signals, vehicles, import
 * and run time, peak memory). Skipped when the data file is absent; nothing
 * derived from it is written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandDemand } from '../../../engine/demand/expand.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';
import { createRandom } from '../../../engine/demand/random.js';
import { compile } from '../../../engine/network/compile.js';
import { analyseConnectivity } from '../../../engine/network/connectivity.js';
import { importOsm, morningPeakDemand } from '../../../engine/io/osm/index.js';
import { simulate } from '../../../engine/sim/simulate.js';

const MONACO = path.join(SHARED_DATA, 'osm', 'monaco.osm');
const present = existsSync(MONACO);
if (!present) console.log(`osm-monaco.test.ts skipped: ${MONACO} is absent`);

describe.skipIf(!present)(`importOsm on Monaco (${MONACO})`, () => {
  it('imports a sensible car network and simulates the morning peak without gridlock', async () => {
    const t0 = performance.now();
    const result = await importOsm(MONACO);
    const importMs = performance.now() - t0;
    const count = (label: string): number => result.counts.find((c) => c.label === label)?.count ?? 0;

    console.log(['Monaco import summary:', ...result.counts.map((c) => `  ${c.label}: ${c.count}`), `  warnings: ${result.warnings.length}`].join('\n'));

    // What the file holds (SOURCE.md): steps and pedestrian ways left out, non-standard values read and reported.
    expect(count('dropped: highway=steps')).toBe(246);
    expect(count('dropped: highway=pedestrian')).toBe(148);
    expect(count('dropped: highway=service')).toBe(27);
    expect(result.warnings.some((w) => /highway="residential_tunnel" is not a standard value: read as highway="residential"/.test(w.message))).toBe(true);
    expect(count('non-standard highway read as primary')).toBe(20);
    expect(count('restrictions: applied')).toBeGreaterThanOrEqual(15);
    // A network of the size of the city's car network: at least 85% of the directed car-road length read is kept.
    expect(count('junctions')).toBeGreaterThan(500);
    expect(count('links')).toBeGreaterThan(1500);
    expect(count('directed car-road length kept, % of read')).toBeGreaterThanOrEqual(85);
    // 12 signal nodes for a city of this size is too few (the rule signalises about three times as many
    // junctions), so the default adds guessed signals to the tagged ones, and says so.
    expect(count('signals: source osm+guess')).toBe(count('signalised junctions'));
    expect(count('signals: junctions guessed (road class, legs, lanes, turn arrows)')).toBeGreaterThan(12);
    expect(result.warnings.some((w) => /signals guessed where the data has none/.test(w.message))).toBe(true);
    expect(result.programs).toHaveLength(count('signalised junctions'));
    const tagged = await importOsm(MONACO, { signals: 'osm' });
    const taggedCount = tagged.counts.find((c) => c.label === 'signalised junctions')?.count ?? 0;
    expect(taggedCount).toBeGreaterThanOrEqual(8); // signals on most of the 12 signal nodes' junctions
    expect(taggedCount).toBeLessThanOrEqual(12);
    const net = compile(result.network);
    // Parts cut off from the largest are kept when they have 20 links or more, and listed.
    const parts = analyseConnectivity(net).components;
    expect(parts).toBe(1 + count('parts cut off from the largest: kept'));
    for (const j of result.network.junctions()) {
      expect(j.lon).toBeGreaterThan(7.36);
      expect(j.lon).toBeLessThan(7.49);
    }

    const demand = morningPeakDemand(net);
    const trips = expandDemand(net, demand, createRandom(1));
    const t1 = performance.now();
    const run = simulate(net, trips, { programs: result.programs }, { start: 7 * 3600, end: 10 * 3600, seed: 1 });
    const runMs = performance.now() - t1;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      [
        'Monaco morning peak (default settings):',
        `  links ${net.linkCount}, junctions ${net.junctionCount}, signalised ${result.programs.length}, zones ${demand.od?.[0].zones.length}`,
        `  vehicles ${trips.count}, arrived ${run.network.arrived}, unfinished ${run.network.unfinished}, gridlock ${run.gridlock ? 'yes' : 'no'}`,
        `  mean travel time ${run.network.meanTravelTime.toFixed(0)} s, mean delay ${run.network.meanDelay.toFixed(0)} s`,
        `  import ${importMs.toFixed(0)} ms, run ${runMs.toFixed(0)} ms, peak RSS ${peakMb.toFixed(0)} MB`,
      ].join('\n'),
    );
    expect(run.gridlock).toBeUndefined();
    expect(trips.count).toBeGreaterThan(2000);
    expect(run.network.arrived).toBe(trips.count);
  });
});

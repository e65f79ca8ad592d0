/**
 * Wait points of turns in SUMO imports (engine/io/sumo/network.ts,
 * engine/sim/junction-storage.ts): a connection whose first internal lane ends at
 * an internal junction waits there, that lane's length past the stop line; one
 * whose internal lane crosses in one piece waits at the stop line (0); without
 * internal lanes nothing is read and the import says the storage is estimated.
 * The wait point travels through the scenario file greenwave import writes.
 *
 * So does each turn's crossing speed: the speed of its first internal lane, which
 * SUMO's vehicles reach the stop line no faster than (sim/sumo-lane.ts).
 *
 * Fixture: test/fixtures/sumo/cross.net.xml (hand-written): the left NC -> CE
 * crosses on :C_2_0 (8 m at 6 m/s), split by the internal junction :C_10_0; NC's
 * right (:C_0_0, 5 m/s) and through (:C_1_0, 13.89 m/s) cross on single internal
 * lanes; EC's connections have none.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import { compile } from '../../../engine/network/index.js';
import { buildScenario, parseScenario } from '../../../engine/scenario/index.js';
import { buildConflicts } from '../../../engine/sim/conflicts.js';
import { sumoStorage } from '../../../engine/sim/junction-storage.js';

const NET = path.resolve('test/fixtures/sumo/cross.net.xml');
const dir = mkdtempSync(path.join(tmpdir(), 'greenwave-wait-point-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NO_INTERNAL = /internal lanes/;

describe('wait points of SUMO turns', () => {
  it('read from the first internal lane when an internal junction ends it, 0 when none does, absent without internal lanes', async () => {
    const r = await importSumo({ net: NET });
    const wait = (from: string, to: string) => r.network.movementsFrom(from).find((m) => m.to === to)!.waitPoint;
    expect(wait('NC', 'CE')).toBe(8);
    expect(wait('NC', 'CS')).toBe(0);
    expect(wait('NC', 'CW')).toBe(0);
    expect(wait('EC', 'CS')).toBeUndefined();
    const pass = (from: string, to: string) => r.network.movementsFrom(from).find((m) => m.to === to)!.crossingSpeed;
    expect([pass('NC', 'CE'), pass('NC', 'CW'), pass('NC', 'CS'), pass('EC', 'CS')]).toEqual([6, 5, 13.89, undefined]);
    expect(r.warnings.map((w) => w.message).filter((m) => NO_INTERNAL.test(m))).toEqual([]);
    // SUMO's model: the storage of the left follows the wait point, not the crossing-length estimate.
    const net = compile(r.network);
    const left = net.movementBetween(net.linkIndex('NC'), net.linkIndex('CE'));
    expect(net.movementWaitPoint[left]).toBe(8);
    const conflicts = buildConflicts(net, { model: 'sumo' });
    // One lane; fronts at 7.9 and 0.4 m: two in the junction, only the first wholly in.
    expect([conflicts.storage[left], conflicts.storageClear[left]]).toEqual([2, 1]);
    expect(sumoStorage(8, 5)).toEqual({ stored: 2, clear: 1 });
  });

  it('a net without internal lanes: no wait points, and a warning that the storage is estimated', async () => {
    const text = readFileSync(NET, 'utf8')
      .replace(/<edge id=":C_\d+" function="internal">[\s\S]*?<\/edge>\n/g, '')
      .replace(/<junction id=":C_10_0"[^>]*\/>\n/, '')
      .replace(/<connection from=":C_\d+"[^>]*\/>\n/g, '')
      .replace(/ via=":C_\d+_0"/g, '')
      .replace(/ intLanes="[^"]*"/, ' intLanes=""');
    const file = path.join(dir, 'flat.net.xml');
    writeFileSync(file, text);
    const r = await importSumo({ net: file });
    expect(r.network.movements().every((m) => m.waitPoint === undefined && m.crossingSpeed === undefined)).toBe(true);
    // Estimated instead: the crossing length of gap-acceptance.ts (NC's left crosses EC/CE, 1 + 2 open lanes, WC/CW,
    // 2 + 1: 6 / 2 x 3.2 m + 2 x 4 m = 17.6 m), half of it the wait point: 8.8 m -> fronts at 8.7 and 1.2 m.
    const net = compile(r.network);
    const left = net.movementBetween(net.linkIndex('NC'), net.linkIndex('CE'));
    const conflicts = buildConflicts(net, { model: 'sumo' });
    expect([conflicts.storage[left], conflicts.storageClear[left]]).toEqual([2, 1]);
    expect(r.warnings.map((w) => w.message).filter((m) => NO_INTERNAL.test(m))).toHaveLength(1);
  });

  it('greenwave import\'s inline scenario keeps them (waitPointM, crossingSpeedKmh), and the scenario builds the same network', async () => {
    const r = await importSumo({ net: NET });
    const doc = scenarioDocument(r, {}) as { network: { movements: Array<{ from: string; to: string; waitPointM?: number }> } };
    expect(doc.network.movements.find((m) => m.from === 'NC' && m.to === 'CE')?.waitPointM).toBe(8);
    expect(doc.network.movements.find((m) => m.from === 'EC' && m.to === 'CS')?.waitPointM).toBeUndefined();
    const built = buildScenario(parseScenario(JSON.stringify(doc), 'cross.json'));
    const direct = compile(r.network);
    expect(Array.from(built.compiled.movementWaitPoint)).toEqual(Array.from(direct.movementWaitPoint));
    expect((doc.network.movements as Array<{ from: string; to: string; crossingSpeedKmh?: number }>).find((m) => m.from === 'NC' && m.to === 'CE')?.crossingSpeedKmh).toBeCloseTo(21.6, 9);
    const speeds = (net: { movementCrossingSpeed: Float64Array }) => Array.from(net.movementCrossingSpeed, (x) => (Number.isNaN(x) ? 'none' : x.toFixed(9)));
    expect(speeds(built.compiled)).toEqual(speeds(direct));
    expect(speeds(direct).filter((x) => x !== 'none')).toHaveLength(3);
    // So do the links' start-up lost times the import sets by lane speed (io/sumo/network.ts sumoDischarge).
    expect(Array.from(direct.linkStartUpLost).every((x) => Number.isFinite(x))).toBe(true);
    expect(Array.from(built.compiled.linkStartUpLost)).toEqual(Array.from(direct.linkStartUpLost));
    expect(Array.from(built.compiled.linkSaturationFlow)).toEqual(Array.from(direct.linkSaturationFlow));
    // So do the turns' lane-level connections (laneLinks: SUMO's fromLane / toLane, lanes counted among the car lanes).
    const laneLinks = (net: { movementLaneLinkOffsets: Int32Array; movementLaneLinks: Int32Array }) => [Array.from(net.movementLaneLinkOffsets), Array.from(net.movementLaneLinks)];
    expect(laneLinks(built.compiled)).toEqual(laneLinks(direct));
    expect(direct.movementLaneLinkOffsets[direct.movementCount]).toBe(r.network.movements().reduce((n, m) => n + (m.laneLinks?.length ?? 0), 0));
    expect(r.network.movements().every((m) => m.laneLinks !== undefined && m.laneLinks.every(([from]) => m.lanes.includes(from)))).toBe(true);
    // The turns' own crossing times (movement time offsets) travel the same way (timeOffsetS).
    expect(direct.hasTimeOffsets).toBe(true);
    expect(Array.from(built.compiled.movementTimeOffset)).toEqual(Array.from(direct.movementTimeOffset));
  });
});

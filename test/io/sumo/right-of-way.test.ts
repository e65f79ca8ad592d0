/**
 * SUMO's right of way at unsignalised junctions, as importSumo reads it
 * (test/fixtures/sumo/priority.net.xml, built by netconvert from four one-lane
 * arms of equal speed: W-E edges `priority="3"`, N-S edges `priority="1"`; SUMO
 * makes W-E the major road, connection states M on its straight and right turns,
 * m on its left turns and on every N-S connection). greenwave's own rule (lanes x
 * speed) would have made N-S major here, by a rounding difference in speed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../engine/network/index.js';
import { RIGHT_OF_WAY_CODE } from '../../../engine/network/compiled.js';
import { buildConflicts } from '../../../engine/sim/conflicts.js';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { scenarioDocument } from '../../../engine/io/index.js';
import { buildScenario, parseScenario } from '../../../engine/scenario/index.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', 'priority.net.xml');

/** Movements (as "from>to") that movement `from>to` yields to at the compiled network's junctions. */
async function yieldsOf(file: string, from: string, to: string): Promise<string[]> {
  const net = compile((await importSumo(file)).network);
  const table = buildConflicts(net);
  const e = net.movementBetween(net.linkIndex(from), net.linkIndex(to));
  const out: string[] = [];
  for (let i = table.conflictOffsets[e]; i < table.conflictOffsets[e + 1]; i++) {
    const o = table.conflicts[i];
    out.push(`${net.linkKey(net.movementFrom[o])}>${net.linkKey(net.movementTo[o])}`);
  }
  return out.sort();
}

describe('importSumo: right of way at priority junctions', () => {
  it('keeps each edge\'s priority as the link\'s rank and each connection\'s state as the movement\'s right of way', async () => {
    const r = await importSumo(FIXTURE);
    expect(r.network.link('WC').priority).toBe(3);
    expect(r.network.link('SC').priority).toBe(1);
    const rightOf = (from: string, to: string) => r.network.movementsFrom(from).find((m) => m.to === to)?.rightOfWay;
    expect(rightOf('WC', 'CE')).toBe('major'); // state M
    expect(rightOf('WC', 'CS')).toBe('major'); // M: right turn off the major road
    expect(rightOf('WC', 'CN')).toBe('minor'); // m: left turn off the major road
    expect(rightOf('SC', 'CN')).toBe('minor');
    const net = compile(r.network);
    expect(net.movementRightOfWay[net.movementBetween(net.linkIndex('EC'), net.linkIndex('CW'))]).toBe(RIGHT_OF_WAY_CODE.major);
  });

  it('imports a traffic_light junction that no traffic light controls (no connection names one) as the priority junction SUMO runs, with a warning', async () => {
    // As in ingolstadt21 (RESCO): junctions of type traffic_light whose connections carry M and m and no tl. Before, they
    // imported as signals and ran greenwave's default program where SUMO has none.
    const file = path.join(tempDir('gw-unsignalled-light-'), 'light.net.xml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace('<junction id="C" type="priority"', '<junction id="C" type="traffic_light"'));
    const r = await importSumo(file);
    const net = compile(r.network);
    expect(net.control(net.junctionIndex('C'))).toBe('priority');
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/1 junction\(s\) of a traffic_light type with no connection a traffic light controls imported as priority junctions.*"C"/);
    expect(await yieldsOf(file, 'SC', 'CN')).toEqual(await yieldsOf(FIXTURE, 'SC', 'CN')); // the same right of way as the priority junction
    expect(r.programs ?? []).toEqual([]);
  });

  it('makes the minor road yield to the major road SUMO names, not to the one greenwave\'s tie-break would pick', async () => {
    // Minor through: yields to every movement of both major approaches.
    expect(await yieldsOf(FIXTURE, 'SC', 'CN')).toEqual(['EC>CN', 'EC>CS', 'EC>CW', 'WC>CE', 'WC>CN', 'WC>CS']);
    // Major through: yields to nobody; major left turn: to the opposing major movements only.
    expect(await yieldsOf(FIXTURE, 'WC', 'CE')).toEqual([]);
    expect(await yieldsOf(FIXTURE, 'WC', 'CN')).toEqual(['EC>CN', 'EC>CW']);
  });

  it('follows the connection states alone when the edges give no priority', async () => {
    const dir = tempDir('gw-row-');
    const file = path.join(dir, 'net.net.xml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/ priority="\d+"/g, ''));
    expect((await importSumo(file)).network.link('WC').priority).toBeUndefined();
    expect(await yieldsOf(file, 'SC', 'CN')).toEqual(['EC>CN', 'EC>CS', 'EC>CW', 'WC>CE', 'WC>CN', 'WC>CS']);
    expect(await yieldsOf(file, 'WC', 'CE')).toEqual([]);
  });

  it('reads state "s" as a stop: a minor movement whose vehicles halt first (the stopped lag even on arrival in SUMO\'s gap model)', async () => {
    const dir = tempDir('gw-row-');
    const file = path.join(dir, 'net.net.xml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/(<connection from="SC"[^>]*?)state="m"/g, '$1state="s"'));
    const r = await importSumo(file);
    const rightOf = (from: string, to: string) => r.network.movementsFrom(from).find((m) => m.to === to)?.rightOfWay;
    expect(rightOf('SC', 'CN')).toBe('stop');
    expect(rightOf('NC', 'CS')).toBe('minor');
    expect(await yieldsOf(file, 'SC', 'CN')).toEqual(['EC>CN', 'EC>CS', 'EC>CW', 'WC>CE', 'WC>CN', 'WC>CS']);
    // SUMO's gap model: a yield may go rolling (its crossing length is kept), a stop never.
    const net = compile(r.network);
    const table = buildConflicts(net, { model: 'sumo' });
    const e = (from: string, to: string) => net.movementBetween(net.linkIndex(from), net.linkIndex(to));
    expect(table.rollingCrossing[e('SC', 'CN')]).toBe(0);
    expect(table.rollingCrossing[e('NC', 'CS')]).toBeGreaterThan(0);
    expect(table.criticalGap[e('SC', 'CN')]).toBe(table.criticalGap[e('NC', 'CS')]);
  });

  it('without states or priorities falls back to greenwave\'s rule (lanes x speed, then link index)', async () => {
    const dir = tempDir('gw-row-');
    const file = path.join(dir, 'net.net.xml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/ priority="\d+"/g, '').replace(/ state="[Mm]"/g, ''));
    // lanes x speed decides: the N-S arms' imported speed (edge plus junction crossing) is
    // higher than W-E's by rounding only (13.5833 vs 13.5832 m/s), so N-S becomes major.
    expect(await yieldsOf(file, 'WC', 'CE')).not.toEqual([]);
    expect(await yieldsOf(file, 'SC', 'CN')).toEqual([]);
  });

  it('survives the scenario file greenwave import writes: the same ranks, states and conflicts after reading it back', async () => {
    // With priorities gone, greenwave's own rule would make N-S major (the test above):
    // a scenario file that dropped them would silently swap the major road.
    const dir = tempDir('gw-row-');
    const file = path.join(dir, 'net.net.xml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/(<connection from="SC"[^>]*?)state="m"/g, '$1state="s"'));
    const r = await importSumo(file);
    const text = JSON.stringify(scenarioDocument(r, { name: 'priority' }));
    const built = buildScenario(parseScenario(text, 'priority.json'));
    expect(built.network.link('WC').priority).toBe(3);
    expect(built.network.link('SC').priority).toBe(1);
    expect(built.network.movements()).toEqual(r.network.movements());
    const direct = compile(r.network);
    expect(Array.from(built.compiled.movementRightOfWay)).toEqual(Array.from(direct.movementRightOfWay));
    const a = buildConflicts(direct, { model: 'sumo' });
    const b = buildConflicts(built.compiled, { model: 'sumo' });
    expect(Array.from(b.conflicts)).toEqual(Array.from(a.conflicts));
    expect(Array.from(b.rollingCrossing)).toEqual(Array.from(a.rollingCrossing));
  });
});

describe('importSumo: green after stopping at signals', () => {
  it('makes a signalled movement its programs show "s" and never "g" a stop; one also shown "g" keeps the permissive rule', async () => {
    // cross.net.xml's second green shows the right turns NC>CW (0) and SC>CE (6) "s" here, and the left turn
    // SC>CW (8) "s" in one phase and "g" in the other.
    const text = readFileSync(path.join(path.dirname(FIXTURE), 'cross.net.xml'), 'utf8').replace('state="rrrGGgrrrGGGgr"', 'state="srrGGgsrsGGGgr"');
    const file = path.join(tempDir('gw-sumo-rtor-'), 'cross-rtor.net.xml');
    writeFileSync(file, text);
    const r = await importSumo(file);
    const rightOf = (from: string, to: string) => r.network.movementsFrom(from).find((m) => m.to === to)?.rightOfWay;
    expect(rightOf('NC', 'CW')).toBe('stop'); // G in the first green, s in the second
    expect(rightOf('SC', 'CE')).toBe('stop');
    expect(rightOf('SC', 'CW')).toBeUndefined(); // g in the first green: a plain permissive turn there
    expect(rightOf('NC', 'CS')).toBeUndefined();
    // A stop yields to the movements entering its exit (conflicts.ts): into CW come EC>CW and SC>CW.
    expect(await yieldsOf(file, 'NC', 'CW')).toEqual(['EC>CW', 'SC>CW']);
  });
});

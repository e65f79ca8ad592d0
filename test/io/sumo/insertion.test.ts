/**
 * Verification against SUMO itself (needs `sumo` and `netconvert`; skips with a
 * message otherwise): how many vehicles an entry road takes when more are asked
 * for than fit. SUMO inserts a vehicle from standstill (its default
 * departSpeed 0) at the start of a lane once the one ahead has cleared its
 * length + minGap, and without `departLane` only on the first lane: 1,200
 * veh/h on a three-lane road for its default car, three times that with
 * `departLane="best"`. greenwave's SUMO import reads both (the class's
 * `departLane` and `insertionHeadway`, sim/losses.ts `sumoInsertionHeadway`);
 * before, it inserted every trip at the saturation headway over all lanes
 * (5,600 veh/h here). The vehicles inserted in 600 s must agree within 6%.
 *
 * The case is built here from plain XML: a 500 m road of three lanes and on, a
 * flow of 5,000 veh/h for 600 s. Without SUMO: the import's choice of one lane
 * or all from the trips' `departLane`, and its count of the trips that say
 * otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { findSumo, sumoEnvironment } from '../../../engine/io/sumo/run-sumo.js';
import { compile } from '../../../engine/network/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { sumoInsertionHeadway } from '../../../engine/sim/losses.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const HAS_SUMO = sumoOnPath() && spawnSync('netconvert', ['--version'], { stdio: 'ignore' }).status === 0;
const END = 600;
const CROSS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', 'cross.net.xml');

describe('the SUMO import\'s insertion settings (no SUMO needed)', () => {
  /** Routes on the hand-written cross: `lanes` gives each trip's departLane attribute ('' for none). */
  const importWith = async (lanes: string[]) => {
    const file = path.join(tempDir('gw-insertion-import-'), 'r.rou.xml');
    const trips = lanes.map((lane, i) => `  <trip id="t${i}" depart="${i}" from="WC" to="CE"${lane === '' ? '' : ` departLane="${lane}"`}/>`);
    writeFileSync(file, `<routes>\n  <vType id="DEFAULT_VEHTYPE" length="4.3" minGap="1.5"/>\n${trips.join('\n')}\n</routes>\n`);
    return importSumo({ net: CROSS, routes: [file] });
  };

  it('most trips without departLane (or "first", or a lane index): one lane, and the trips that say otherwise are counted', async () => {
    const r = await importWith(['', 'first', '1', 'best']);
    expect(r.vehicle?.departLane).toBe('first');
    expect(r.vehicle?.insertionHeadway).toBeCloseTo(sumoInsertionHeadway(5.8, 2.6, 0.5), 9);
    expect(r.counts.find((c) => /departLane is spread over the lanes/.test(c.label))?.count).toBe(1);
  });

  it('most trips spread over the lanes ("best", "free", "random"): every lane', async () => {
    const r = await importWith(['best', 'free', 'random', '']);
    expect(r.vehicle?.departLane).toBe('all');
    expect(r.counts.find((c) => /departLane is one lane/.test(c.label))?.count).toBe(1);
  });
});

describe.skipIf(!HAS_SUMO)('vehicles inserted on a saturated entry road: greenwave vs SUMO 1.15 (needs sumo and netconvert)', () => {
  if (!HAS_SUMO) return; // vitest still runs a skipped suite's body to collect its tests
  const dir = tempDir('gw-insertion-');
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('n.nod.xml'), '<nodes>\n  <node id="a" x="0" y="0"/>\n  <node id="b" x="500" y="0"/>\n  <node id="c" x="1000" y="0"/>\n</nodes>\n');
  writeFileSync(file('n.edg.xml'), '<edges>\n  <edge id="ab" from="a" to="b" numLanes="3" speed="13.89"/>\n  <edge id="bc" from="b" to="c" numLanes="3" speed="13.89"/>\n</edges>\n');

  const routes = (name: string, type: string, attributes: string): string => {
    writeFileSync(file(name), `<routes>\n  ${type}\n  <flow id="f" ${type === '' ? '' : 'type="car" '}begin="0" end="${END}" vehsPerHour="5000" from="ab" to="bc" ${attributes}/>\n</routes>\n`);
    return name;
  };

  const sumoInserted = async (rou: string): Promise<number> => {
    const binary = (await findSumo())!;
    const { env, args } = sumoEnvironment(binary);
    execFileSync('netconvert', ['-n', file('n.nod.xml'), '-e', file('n.edg.xml'), '-o', file('n.net.xml'), ...args], { env, stdio: 'ignore' });
    const out = execFileSync(binary, ['-n', file('n.net.xml'), '-r', file(rou), '--end', String(END), '--no-step-log', '--duration-log.statistics', ...args], { env, encoding: 'utf8', timeout: 600_000 });
    return Number(/Inserted: (\d+)/.exec(out)![1]);
  };

  const greenwaveInserted = async (rou: string): Promise<number> => {
    const r = await importSumo({ net: file('n.net.xml'), routes: [file(rou)] });
    const net = compile(r.network);
    const trips = expandDemand(net, r.demand, createRandom(1).fork('demand'));
    const result = simulate(net, trips, {}, { end: END, seed: 1, vehicle: r.vehicle });
    return Array.from(result.trips.inserted).filter((t) => t < END).length;
  };

  it.each([
    ['SUMO\'s default car, departLane absent (first)', '', ''],
    ['cars of 4.3 m + 1.5 m (RESCO\'s Cologne cars)', '<vType id="car" length="4.3" minGap="1.5"/>', ''],
    ['slow starters, accel 1.5 m/s²', '<vType id="car" accel="1.5"/>', ''],
    ['departLane="best": every lane', '', 'departLane="best"'],
  ])('%s: greenwave inserts within 6% of SUMO', async (label, type, attributes) => {
    const rou = routes(`r${label.length}.rou.xml`, type, attributes);
    const sumo = await sumoInserted(rou);
    const gw = await greenwaveInserted(rou);
    console.info(`entry road, ${label}: SUMO inserted ${sumo} in ${END} s, greenwave ${gw}`);
    expect(Math.abs(gw - sumo) / sumo).toBeLessThan(0.06);
  });
});

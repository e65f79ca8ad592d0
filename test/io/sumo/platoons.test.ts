/**
 * Verification against SUMO itself (needs `sumo` and `netconvert`; skips with a
 * message otherwise): evenly spaced departures on a one-lane road reach the next
 * junction in platoons, because SUMO's default car draws its desired speed from
 * speedFactor = normc(1, 0.1, 0.2, 2) and nobody overtakes on one lane. greenwave
 * models that with the vehicle class's speedDev (sim/losses.ts), which the SUMO
 * import brings; without it every headway at the junction stays the departure
 * headway, which decides gap acceptance at priority junctions (a 5.14 s headway
 * is below the 6.5 s critical gap of a minor through movement: no minor vehicle
 * would ever cross).
 *
 * The case: a one-lane road of 500 m at 13.89 m/s into a priority node and on,
 * a SUMO flow of 700 veh/h (`vehsPerHour`: one vehicle every 5.14 s, departSpeed
 * max). Compared over the vehicles passing the node in 600-3,600 s: the standard
 * deviation of the headways and the share of headways under 2.5 s (followers in
 * a platoon), within 15% of SUMO's; and the same figures without the spread, to
 * show what the spread changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { findSumo, sumoEnvironment } from '../../../engine/io/sumo/run-sumo.js';
import { compile } from '../../../engine/network/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';

const HAS_SUMO = sumoOnPath() && spawnSync('netconvert', ['--version'], { stdio: 'ignore' }).status === 0;
const FROM = 600;
const TO = 3600;

/** Standard deviation of the headways and the share of them under 2.5 s, for passing times `t` (s). */
function headways(t: number[]): { sd: number; platooned: number } {
  const s = t.filter((x) => x >= FROM && x < TO).sort((a, b) => a - b);
  const h = s.slice(1).map((x, i) => x - s[i]);
  const mean = h.reduce((a, b) => a + b, 0) / h.length;
  const sd = Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / h.length);
  return { sd, platooned: h.filter((x) => x < 2.5).length / h.length };
}

describe.skipIf(!HAS_SUMO)('platoons from evenly spaced departures on one lane: greenwave vs SUMO 1.15 (needs sumo and netconvert)', () => {
  if (!HAS_SUMO) return; // vitest still runs a skipped suite's body to collect its tests
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-platoons-'));
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('n.nod.xml'), '<nodes>\n  <node id="a" x="0" y="0" type="priority"/>\n  <node id="b" x="500" y="0" type="priority"/>\n  <node id="c" x="1000" y="0" type="priority"/>\n</nodes>\n');
  writeFileSync(file('n.edg.xml'), '<edges>\n  <edge id="ab" from="a" to="b" numLanes="1" speed="13.89"/>\n  <edge id="bc" from="b" to="c" numLanes="1" speed="13.89"/>\n</edges>\n');
  writeFileSync(file('r.rou.xml'), '<routes>\n  <flow id="f" begin="0" end="3600" vehsPerHour="700" from="ab" to="bc" departSpeed="max"/>\n</routes>\n');

  it('headway spread and platooned share at the junction within 15% of SUMO\'s (speedDev 0.1); without the spread every headway stays 5.14 s', async () => {
    const binary = (await findSumo())!;
    const { env, args } = sumoEnvironment(binary);
    execFileSync('netconvert', ['-n', file('n.nod.xml'), '-e', file('n.edg.xml'), '-o', file('n.net.xml'), ...args], { env, stdio: 'ignore' });
    execFileSync(binary, ['-n', file('n.net.xml'), '-r', file('r.rou.xml'), '--end', '4000', '--no-step-log',
      '--vehroute-output', file('vr.xml'), '--vehroute-output.exit-times', ...args], { env, stdio: 'ignore', timeout: 600_000 });
    const sumo = headways([...readFileSync(file('vr.xml'), 'utf8').matchAll(/edges="ab bc" exitTimes="([\d.]+) /g)].map((m) => Number(m[1])));

    const r = await importSumo({ net: file('n.net.xml'), routes: [file('r.rou.xml')] });
    expect(r.vehicle?.speedDev).toBe(0.1);
    const net = compile(r.network);
    const trips = expandDemand(net, r.demand, createRandom(1).fork('demand'));
    const ab = net.linkIndex('ab');
    const run = (speedDev: number, seed: number): number[] => {
      const exits: number[] = [];
      simulate(net, trips, {}, { end: 4000, seed, vehicle: { ...r.vehicle!, speedDev }, attach: (sim) => sim.observe({ leave: (_v, l, _e, t) => { if (l === ab) exits.push(t); } }) });
      return exits;
    };
    const seeds = [1, 2, 3, 4, 5];
    const gw = seeds.map((s) => headways(run(0.1, s)));
    const sd = gw.reduce((a, x) => a + x.sd, 0) / seeds.length;
    const platooned = gw.reduce((a, x) => a + x.platooned, 0) / seeds.length;
    console.info(`one lane, 700 veh/h evenly spaced: headway sd ${sd.toFixed(2)} s (SUMO ${sumo.sd.toFixed(2)}), under 2.5 s ${(100 * platooned).toFixed(1)}% (SUMO ${(100 * sumo.platooned).toFixed(1)}%)`);
    expect(Math.abs(sd / sumo.sd - 1)).toBeLessThan(0.15);
    expect(Math.abs(platooned / sumo.platooned - 1)).toBeLessThan(0.15);
    const flat = headways(run(0, 1));
    expect(flat.sd).toBeLessThan(1e-6);
    expect(flat.platooned).toBe(0);
  });
});

/**
 * Shared lanes (engine/sim/shared-lanes.ts, issue 16): head-of-line blocking in a
 * through-and-left lane, greenwave against SUMO 1.15. Needs `sumo` and
 * `netconvert`; skips with a message otherwise.
 *
 * The case, laid out as every approach of the sumo-grid10 reference: a signalised
 * crossroads of four two-way arms of 300 m at 13.89 m/s, two lanes each way, lane 0
 * right + through, lane 1 through + left, the left shown `g` (permissive, no bay),
 * netconvert's static two-phase program (26 s green, 3 s yellow, 1 s all-red per
 * axis, 60 s cycle). Random flows (`probability`, imported as Poisson) from 0 to
 * 3,600 s on every approach: through Q, left L and right R veh/h; run to 5,400 s.
 * Figure per turn: mean delay over the four approaches and three seeds, SUMO's
 * timeLoss + departDelay (tripinfo, unfinished written), greenwave's delay +
 * departure delay (unfinished: time in the network less free-flow time).
 *
 * greenwave runs with the simulation option `sharedLanes`. In SUMO a left-turner
 * waiting for a gap at the head of lane 1 holds the through vehicles behind it
 * (HCM 7th ed., Ch. 31, Eq. 31-121/122: the shared permitted left). Here its wait
 * point is 5.01 m into the junction (the left's first internal lane), so SUMO lets
 * one left-turner in per green, and that one, 5 m long and stopped 0.1 m short of
 * the wait point, still reaches back over the stop line: lane 1 stays blocked
 * until it leaves (junction-storage.ts: S = 1, F = 0; read from the net).
 * Measured (3 seeds), delay through / left / right, s:
 *   Q 500, L 100, R 100: SUMO 26.9 / 318.5 / 21.5; greenwave 25.3 / 70.3 / 19.0
 *     with lane classes (lane-groups.ts: the through vehicles in lane 1 wait
 *     in its queue behind the left-turner; 19.8 / 52.0 / 18.4 before, when both
 *     lanes were one group: through -26%; asserted within 30%; the left's gap,
 *     below, holds it back)
 *     (measured before the import read departSpeed="max" and SUMO's step, which
 *     charged every vehicle 2.67 s of departure loss SUMO does not count and each
 *     restart 0.5 s more: 23.8 / 63.6 / 22.1; with the storage estimated as 2
 *     vehicles that free the lane 17.7 / 30.7 / 18.8; without the shared-lane
 *     FIFO 16.3 / 29.7 / 19.5).
 *   Q 800, L 100, R 100: SUMO 255.3 / 963.4 / 205.8 (it breaks down);
 *     greenwave 177.2 / 821.0 / 146.1 (173.9 / 788.9 / 138.9 before lane
 *     classes; it breaks down too; with the estimated
 *     storage, measured before departSpeed was read, 23.6 / 57.8 / 23.2: no
 *     breakdown).
 * NOT matched: the left at Q 500. SUMO serves 1.57 left-turners per approach and
 * cycle there (fcd, seed 1, flows over 1,800 s: the one in the junction plus a
 * gap now and then),
 * just under the 1.67 that arrive, so its left queue grows through the hour;
 * greenwave's gap acceptance serves the left a little more, under the demand, so
 * its left delay stays low. At that margin the delay is too sensitive to assert.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { compile } from '../../../engine/network/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { ARMS, CROSSROADS_NODES, crossroadsConnections, crossroadsEdges, netconvertCrossroads, TURNS } from '../../fixtures/sumo-crossroads.js';

const HAS_SUMO = sumoOnPath() && spawnSync('netconvert', ['--version'], { stdio: 'ignore' }).status === 0;
const SEEDS = [1, 2, 3];
const FLOW_END = 3600;
const END = 5400;
const NODES = CROSSROADS_NODES;
const EDGES = crossroadsEdges(2);
const CONNECTIONS = crossroadsConnections({ right: [[0, 0]], through: [[0, 0], [1, 1]], left: [[1, 1]] });

type Turn = 't' | 'l' | 'r';
const TURN_NAME = { t: 'through', l: 'left', r: 'right' } as const;
function routes(rates: Record<Turn, number>): string {
  const flow = (id: string, from: string, to: string, rate: number) => `  <flow id="${id}" begin="0" end="${FLOW_END}" from="${from}" to="${to}" probability="${(rate / 3600).toFixed(6)}" departSpeed="max" departLane="best"/>`;
  return '<routes>\n' + ARMS.flatMap((a) => (['t', 'l', 'r'] as const).map((k) => flow(`${k}${a}`, `${a}C`, `C${TURNS[a][TURN_NAME[k]]}`, rates[k]))).join('\n') + '\n</routes>\n';
}

describe.skipIf(!HAS_SUMO)('a shared through-and-left lane at a fixed-time crossroads: greenwave vs SUMO 1.15 (needs sumo and netconvert)', () => {
  if (!HAS_SUMO) return; // vitest still runs a skipped suite's body to collect its tests
  const { file, netconvert } = netconvertCrossroads('gw-shared-lane-', { nodes: NODES, edges: EDGES, connections: CONNECTIONS });

  /** Mean delay per turn (s), SUMO and greenwave, flows per approach in veh/h. */
  const measure = async (rates: Record<Turn, number>): Promise<{ sumo: Record<Turn, number>; greenwave: Record<Turn, number> }> => {
    const { binary, env, args } = await netconvert;
    const name = `${rates.t}_${rates.l}_${rates.r}`;
    const rou = file(`r${name}.rou.xml`);
    writeFileSync(rou, routes(rates));
    const sums = { sumo: { t: [0, 0], l: [0, 0], r: [0, 0] }, greenwave: { t: [0, 0], l: [0, 0], r: [0, 0] } };
    for (const seed of SEEDS) {
      const out = file(`t${name}_${seed}.xml`);
      execFileSync(binary, ['-n', file('n.net.xml'), '-r', rou, '--end', String(END), '--seed', String(seed), '--no-step-log',
        '--tripinfo-output', out, '--tripinfo-output.write-unfinished', ...args], { env, stdio: 'ignore', timeout: 600_000 });
      for (const [line] of readFileSync(out, 'utf8').matchAll(/<tripinfo id="[tlr][^>]*>/g)) {
        const attr = (key: string) => Number(new RegExp(` ${key}="([-\\d.]+)"`).exec(line)![1]);
        const s = sums.sumo[line[14] as Turn];
        s[0] += attr('departDelay') + attr('timeLoss');
        s[1]++;
      }
    }
    const r = await importSumo({ net: file('n.net.xml'), routes: [rou] });
    const net = compile(r.network);
    for (const seed of SEEDS) {
      const trips = expandDemand(net, r.demand, createRandom(seed).fork('demand'));
      const run = simulate(net, trips, { programs: r.programs }, { end: END, seed, vehicle: r.vehicle, sharedLanes: true });
      for (let v = 0; v < trips.count; v++) {
        const arrived = run.trips.arrived[v];
        const freeFlow = run.trips.travelTime[v] - run.trips.delay[v];
        const s = sums.greenwave[trips.ids[v][0] as Turn];
        s[0] += Number.isNaN(arrived) ? END - trips.depart[v] - (Number.isNaN(freeFlow) ? 0 : freeFlow) : run.trips.delay[v] + run.trips.departDelay[v];
        s[1]++;
      }
    }
    const mean = (x: Record<Turn, number[]>) => ({ t: x.t[0] / x.t[1], l: x.l[0] / x.l[1], r: x.r[0] / x.r[1] });
    const figures = { sumo: mean(sums.sumo), greenwave: mean(sums.greenwave) };
    const show = (k: Turn) => `${k} SUMO ${figures.sumo[k].toFixed(1)} / greenwave ${figures.greenwave[k].toFixed(1)} s`;
    console.info(`shared lane, through ${rates.t} / left ${rates.l} / right ${rates.r} veh/h per approach, delay: ${show('t')}; ${show('l')}; ${show('r')}`);
    return figures;
  };

  it('moderate opposing flow (through 500, left 100, right 100 veh/h): through delay within 30%, right delay within 25% of SUMO\'s', async () => {
    const { sumo, greenwave } = await measure({ t: 500, l: 100, r: 100 });
    expect(Math.abs(greenwave.t / sumo.t - 1)).toBeLessThan(0.3);
    expect(Math.abs(greenwave.r / sumo.r - 1)).toBeLessThan(0.25);
  });

  it('heavy opposing flow (through 800): the lane blocked by the left-turner breaks down as in SUMO: through, left and right delay within 35% of SUMO\'s', async () => {
    const { sumo, greenwave } = await measure({ t: 800, l: 100, r: 100 });
    for (const k of ['t', 'l', 'r'] as const) expect(Math.abs(greenwave[k] / sumo[k] - 1)).toBeLessThan(0.35);
  });
});

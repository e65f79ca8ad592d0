/**
 * tlLogicXml, sumoNetXml and sumoSignalIndex.
 *
 * Without SUMO: the exact state strings written for the hand-written cross
 * (including the pedestrian crossing's index, written red), programs that
 * round-trip through importSumoAdditional, and networks that round-trip through
 * importSumo (same junctions, links, movements, lanes and programs).
 *
 * With SUMO on PATH (skipped otherwise, the project never needs it): SUMO loads
 * an exported network and plan, runs vehicles on it to their destinations, and
 * shows, second by second, the same signal at every linkIndex as greenwave's
 * fixed-time controller, offsets included.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../engine/errors.js';
import { compile, corridor, grid, type CompiledNetwork, type RoadNetwork } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { defaultProgram, programToSpec, SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW, type SignalProgramSpec } from '../../../engine/signals/index.js';
import { Simulation } from '../../../engine/sim/index.js';
import { importSumo, importSumoAdditional, movementOfKey, sumoNetXml, sumoSignalIndex, tlLogicXml } from '../../../engine/io/sumo/index.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const fixture = (name: string) => path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', name);
const tmp = () => tempDir('gw-sumo-export-');

const HAS_SUMO = sumoOnPath();

/** Every signalised junction's default program, with `green` and offset varied per junction so timing errors show. */
function programsOf(net: CompiledNetwork): SignalProgramSpec[] {
  const out: SignalProgramSpec[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.control(j) !== 'signal') continue;
    const spec = programToSpec(net, defaultProgram(net, j, { green: 17 + 4 * out.length, yellow: 3, allRed: 2 }));
    spec.offset = 7 + 11 * out.length;
    out.push(spec);
  }
  return out;
}

describe('tlLogicXml', () => {
  it('writes green, yellow and all-red phases in SUMO linkIndex order, the crossing red, offset modulo the cycle', async () => {
    const r = await importSumo(fixture('cross.net.xml'));
    const xml = tlLogicXml(r.programs, r.network, r.signalIndex, { programId: 'x' });
    expect(xml).toContain('<tlLogic id="C" type="static" programID="x" offset="12">');
    const phases = [...xml.matchAll(/<phase duration="([\d.]+)" state="([^"]+)"\/>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(phases).toEqual([
      [30, 'GGgrrrGGgrrrrr'],
      [3, 'yyyrrryyyrrrrr'],
      [2, 'rrrrrrrrrrrrrr'],
      [25, 'rrrGGgrrrGGGgr'],
      [4, 'rrryyyrrryyyyr'],
      [2, 'rrrrrrrrrrrrrr'],
    ]);
    const shifted = tlLogicXml([{ ...r.programs[0], offset: 12 - 3 * 66 }], r.network, r.signalIndex);
    expect(shifted).toContain('offset="12"');
  });

  it('round-trips through importSumoAdditional', async () => {
    const r = await importSumo(fixture('cross.net.xml'));
    const file = path.join(tmp(), 'plan.add.xml');
    writeFileSync(file, tlLogicXml(r.programs, r.network, r.signalIndex));
    const back = await importSumoAdditional(file, r);
    expect(back.programs).toEqual(r.programs.map((p) => ({ ...p, offset: 12 })));
  });

  it('never switches a link from green straight to red: a green without clearance of its own gets the program\'s yellow at the start of the next phase, as the input wrote it', async () => {
    // RESCO-style: a SUMO phase where some movements turn yellow while others stay green imports as a phase of
    // its own after a green with no yellow (import.test.ts). Writing that phase plainly switched the links that
    // end from G to r (SUMO: "Missing yellow phase in tlLogic ..."), in the plan.add.xml a user would deploy.
    const base = await importSumo({ net: fixture('cross.net.xml') });
    const [program] = (await importSumoAdditional(fixture('partial-yellow.add.xml'), base)).programs;
    const states = (xml: string) => [...xml.matchAll(/<phase duration="([\d.]+)"(?: minDur="([\d.]+)" maxDur="([\d.]+)")? state="([^"]+)"\/>/g)].map((m) => [Number(m[1]), m[2] === undefined ? null : Number(m[2]), m[3] === undefined ? null : Number(m[3]), m[4]]);
    const noGreenToRed = (rows: (string | number | null)[][]) => {
      rows.forEach((row, k) => {
        const now = row[3] as string;
        const next = rows[(k + 1) % rows.length][3] as string;
        for (let i = 0; i < now.length; i++) expect(`${k}:${i} ${now[i]}${next[i]}`).not.toMatch(/[Gg]r$/);
      });
    };
    // Static: exactly the input's states ("s" and "o" are permissive green "g", "u" red).
    const fixed = states(tlLogicXml([program], base.network, base.signalIndex));
    expect(fixed.map(([d, , , s]) => [d, s])).toEqual([
      [10, 'GGggrrGGggrrrr'],
      [3, 'yyyyrryyyyrrrr'],
      [10, 'rrrGGgrrrGGGgr'],
      [3, 'rrrGGyrrrGGGyr'],
      [3, 'rrryyrrrryyyrr'],
    ]);
    noGreenToRed(fixed);
    // A longer next phase: the yellow lead, then the rest of its green.
    const longer = { ...program, phases: program.phases.map((ph, k) => (k === 2 ? { ...ph, duration: 8 } : ph)) };
    expect(states(tlLogicXml([longer], base.network, base.signalIndex)).slice(3, 5).map(([d, , , s]) => [d, s])).toEqual([[3, 'rrrGGyrrrGGGyr'], [5, 'rrrGGrrrrGGGrr']]);
    // Actuated: the lead is a fixed part (no minDur/maxDur); the actuated rest keeps the green's minimum and maximum end times.
    const actuated = states(tlLogicXml([program], base.network, base.signalIndex, { control: { kind: 'actuated' } }));
    expect(actuated.slice(3, 5)).toEqual([[3, null, null, 'rrrGGyrrrGGGyr'], [2, 2, 57, 'rrrGGrrrrGGGrr']]);
    noGreenToRed(actuated);
    // A minimum green no longer than the yellow: the rest keeps a positive length (SUMO refuses zero), or is left out when it has none.
    const short = (minGreen: number, maxGreen: number) => states(tlLogicXml([{ ...program, phases: program.phases.map((ph, k) => (k === 2 ? { ...ph, duration: minGreen, minGreen, maxGreen } : ph)) }], base.network, base.signalIndex, { control: { kind: 'actuated' } })).slice(3, 5);
    expect(short(3, 20)).toEqual([[3, null, null, 'rrrGGyrrrGGGyr'], [1, 0, 17, 'rrrGGrrrrGGGrr']]);
    expect(short(3, 3)[0]).toEqual([3, null, null, 'rrrGGyrrrGGGyr']);
    expect(short(3, 3)[1][3]).toBe('rrryyrrrryyyrr'); // straight on to the yellow
  });

  it('writes "s" (green after stopping) where the target network\'s programs did, wherever the plan shows those links permissive', async () => {
    const r = await importSumo(fixture('cross.net.xml'));
    const xml = tlLogicXml(r.programs, r.network, r.signalIndex, { stopLinks: new Map([['C', new Set([2, 3])]]) });
    const phases = [...xml.matchAll(/<phase duration="[\d.]+" state="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(phases[0]).toBe('GGsrrrGGgrrrrr'); // 2 is permissive there: s; 8 is not a stop link: g
    expect(phases[1]).toBe('yyyrrryyyrrrrr'); // its yellow as before
    expect(phases[3]).toBe('rrrGGgrrrGGGgr'); // 3 is protected there: G stays G
  });

  it('rejects a junction without a traffic light, and junctions of one traffic light with different times', async () => {
    const r = await importSumo(fixture('cross.net.xml'));
    expect(() => tlLogicXml([{ ...r.programs[0], junction: 'N' }], r.network, r.signalIndex)).toThrow(UsageError);
    const joined = { C: r.signalIndex!.C, N: { controller: 'C', links: {} } };
    const other = { ...r.programs[0], junction: 'N', phases: r.programs[0].phases.map((p) => ({ ...p, green: [], permissive: [], duration: p.duration + 1 })) };
    expect(() => tlLogicXml([r.programs[0], other], r.network, joined)).toThrow(/share SUMO traffic light "C" but their programs have different offsets or phase times/);
  });
});

describe('sumoSignalIndex', () => {
  it('numbers each signal\'s movement lanes 0..n-1 over its approaches in link order', () => {
    const net = compile(grid(2, 2, { attachLength: 100 }));
    const index = sumoSignalIndex(net);
    expect(Object.keys(index).sort()).toEqual(['r0c0', 'r0c1', 'r1c0', 'r1c1']);
    for (const [junction, { controller, links }] of Object.entries(index)) {
      expect(controller).toBe(junction);
      const all = Object.values(links).flat().sort((a, b) => a - b);
      const j = net.junctionIndex(junction);
      let lanes = 0;
      for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
        const l = net.junctionInLinks[i];
        for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) lanes += net.movementLaneMask[e].toString(2).split('1').length - 1;
      }
      expect(all).toEqual(Array.from({ length: lanes }, (_, i) => i));
    }
  });
});

describe('sumoNetXml', () => {
  const cases: [string, RoadNetwork][] = [
    ['a right-hand grid', grid(3, 2, { attachLength: 150 })],
    ['a left-hand corridor', corridor(3, 250, { drivingSide: 'left' })],
  ];
  for (const [name, network] of cases) {
    it(`round-trips ${name} through importSumo`, async () => {
      const net = compile(network);
      const programs = programsOf(net);
      const file = path.join(tmp(), 'net.net.xml');
      writeFileSync(file, sumoNetXml(network, { programs }));
      const r = await importSumo(file);
      expect(r.network.drivingSide).toBe(network.drivingSide);
      expect(r.network.junctions().map((j) => [j.id, j.x, j.y, j.control])).toEqual(network.junctions().map((j) => [j.id, j.x, j.y, j.control]));
      const round = (x: number) => Math.round(x * 100) / 100;
      expect(r.network.links().map((l) => [l.id, l.from, l.to, l.lanes, round(l.length), round(l.speed)])).toEqual(
        network.links().map((l) => [l.id, l.from, l.to, l.lanes, round(l.length), round(l.speed)]),
      );
      expect(r.network.movements().map((m) => [m.from, m.to, m.lanes, m.turn])).toEqual(network.movements().map((m) => [m.from, m.to, m.lanes, m.turn]));
      expect(r.signalIndex).toEqual(sumoSignalIndex(network));
      const sorted = (p: SignalProgramSpec) => ({
        junction: p.junction,
        offset: p.offset,
        phases: p.phases.map((ph) => ({ green: ph.green.map((m) => `${m.from}>${m.to}`).sort(), permissive: (ph.permissive ?? []).map((m) => `${m.from}>${m.to}`).sort(), times: [ph.duration, ph.yellow, ph.allRed] })),
      });
      expect(r.programs.map(sorted)).toEqual(programs.map(sorted));
    });
  }

  it('writes greenwave\'s default program where none is given, under programID 0', async () => {
    const network = corridor(2, 300);
    const file = path.join(tmp(), 'net.net.xml');
    const xml = sumoNetXml(network);
    expect(xml).toContain('programID="0"');
    writeFileSync(file, xml);
    const r = await importSumo(file);
    const net = compile(network);
    expect(r.programs.map((p) => p.phases.length)).toEqual([0, 1].map((k) => defaultProgram(net, net.junctionIndex(`j${k}`)).phases.length));
  });
});

describe.skipIf(!HAS_SUMO)('SUMO runs what greenwave writes (needs `sumo` on PATH)', () => {
  const network = corridor(2, 300, { drivingSide: 'left' });
  const net = compile(network);
  const programs = programsOf(net);
  const dir = tmp();
  writeFileSync(path.join(dir, 'net.net.xml'), sumoNetXml(network));
  writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, net));
  const sumo = (args: string[]) => execFileSync('sumo', ['--xml-validation', 'never', '--no-step-log', ...args], { cwd: dir, encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });

  it('`sumo -n net.net.xml -a plan.add.xml --end 10` runs', () => {
    expect(() => sumo(['-n', 'net.net.xml', '-a', 'plan.add.xml', '--end', '10'])).not.toThrow();
  });

  it('runs a program where one movement\'s green ends while others stay green (no clearance between) without a warning', () => {
    // As RESCO's programs do: phase 0 has no yellow or all-red of its own and phase 1 keeps only part of its movements.
    const [first, ...others] = programs;
    const [green] = first.phases;
    const partial = { ...first, phases: [{ ...green, yellow: 0, allRed: 0 }, { ...green, green: green.green.slice(1), duration: 6, yellow: 3, allRed: 2 }, ...first.phases.slice(1)] };
    for (const control of [undefined, { kind: 'actuated' as const }]) {
      writeFileSync(path.join(dir, 'partial.add.xml'), tlLogicXml([partial, ...others], net, undefined, control ? { control } : {}));
      const run = spawnSync('sumo', ['--xml-validation', 'never', '--no-step-log', '-n', 'net.net.xml', '-a', 'partial.add.xml', '--end', '200'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/Warning|Error/); // before: "Missing yellow phase in tlLogic ..., program 'greenwave' for tl-index 0 when switching to phase 1"
    }
  });

  it('shows the same signal as greenwave at every linkIndex, second by second, offsets included', () => {
    const junctions = programs.map((p) => p.junction);
    writeFileSync(path.join(dir, 'dump.add.xml'), `<additional>${junctions.map((j) => `<timedEvent type="SaveTLSStates" source="${j}" dest="tls-${j}.xml"/>`).join('')}</additional>`);
    sumo(['-n', 'net.net.xml', '-a', 'plan.add.xml,dump.add.xml', '--end', '200']);
    const sim = new Simulation(net, expandDemand(net, {}, createRandom(1)), { programs }, { end: 300 });
    const index = sumoSignalIndex(net);
    const char = (state: number) => (state === SIGNAL_GREEN ? 'G' : state === SIGNAL_PERMISSIVE ? 'g' : state === SIGNAL_YELLOW ? 'y' : 'r');
    const states = new Map(junctions.map((j) => [j, new Map([...readFileSync(path.join(dir, `tls-${j}.xml`), 'utf8').matchAll(/time="([\d.]+)" id="[^"]+" programID="greenwave" phase="\d+" state="([^"]+)"/g)].map((m) => [Number(m[1]), m[2]]))]));
    let compared = 0;
    for (let t = 1; t < 200; t++) {
      sim.advanceTo(t);
      for (const j of junctions) {
        const sumoState = states.get(j)!.get(t)!;
        const ours = new Array<string>(sumoState.length).fill('?');
        for (const [key, indices] of Object.entries(index[j].links)) {
          const { from, to } = movementOfKey(network, key)!;
          const e = net.movementBetween(net.linkIndex(from), net.linkIndex(to));
          for (const i of indices) ours[i] = char(sim.signal[e]);
        }
        expect(ours.join(''), `junction ${j} at t = ${t}`).toBe(sumoState);
        compared++;
      }
    }
    expect(compared).toBe(2 * 199);
  });

  it('drives vehicles on greenwave routes through the network to their destinations', () => {
    const trips = expandDemand(net, { flows: [
      { id: 'we', from: 'west', to: 'east', rate: 0.1, begin: 0, end: 100 },
      { id: 'ns', from: 'n0', to: 's1', rate: 0.05, begin: 0, end: 100 },
    ] }, createRandom(1));
    const result = new Simulation(net, trips, { programs }, { end: 600 });
    result.run();
    const routes = trips.ids.map((id, v) => `  <vehicle id="${id}" depart="${trips.depart[v].toFixed(2)}"><route edges="${Array.from(result.vehicleRoute(v), (l) => net.linkKey(l).replace(/>/g, '&gt;')).join(' ')}"/></vehicle>`);
    writeFileSync(path.join(dir, 'routes.rou.xml'), `<routes>\n${routes.join('\n')}\n</routes>\n`);
    sumo(['-n', 'net.net.xml', '-a', 'plan.add.xml', '-r', 'routes.rou.xml', '--end', '600', '--tripinfo-output', 'trips.xml']);
    const arrived = readFileSync(path.join(dir, 'trips.xml'), 'utf8').match(/<tripinfo /g)?.length ?? 0;
    expect(trips.count).toBe(15);
    expect(arrived).toBe(trips.count);
  });
});

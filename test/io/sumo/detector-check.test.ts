/**
 * SUMO's loops for actuated programs (MSActuatedTrafficLightLogic::init, SUMO
 * 1.15): where they go, which phase each serves, and what the export does with
 * a phase none serves.
 *
 * Without SUMO, on the hand-written cross (test/fixtures/sumo/cross.net.xml:
 * WC has lane 0 right + straight and lane 1 straight + left, EC one motorised
 * lane beside a sidewalk, a pedestrian crossing): a protected left on the
 * shared lane has no controlling loop (its lane also feeds the straight link,
 * red then), the straight link of that lane is served in no phase, and a minor
 * `g` left counts only on a one-lane road; tlLogicXml with the topology writes
 * that phase fixed at its minDur and marks the lane `NO_DETECTOR`; greenwave's
 * own actuated model finds no extending detector for the same phase
 * (signals/detector-rule.ts). For a network greenwave writes as plain XML, the
 * topology gives each link index the lanes its `.tll.xml` connection names.
 *
 * With SUMO on PATH (skipped otherwise): on a netgenerate grid whose approach
 * lanes are shared like WC's, an actuated plan with protected lefts draws
 * SUMO's "no controlling detector" warnings when written as it is, and none when
 * written with the topology.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, grid } from '../../../engine/network/index.js';
import { checkLoops } from '../../../engine/io/sumo/detector-check.js';
import { importSumo, plainTopology, readTlLinks, sumoPlainXml, tlLogicXml } from '../../../engine/io/sumo/index.js';
import { extendingDetectors } from '../../../engine/signals/detector-rule.js';
import { compileProgram, type SignalProgramSpec } from '../../../engine/signals/index.js';
import { runSumoTool, sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const CROSS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', 'cross.net.xml');
const HAS_SUMO = sumoOnPath();

/** A state string of the cross's 14 links: `G`/`g` at the given indices, red elsewhere. */
function state(major: number[], minor: number[] = []): string {
  return Array.from({ length: 14 }, (_, i) => (major.includes(i) ? 'G' : minor.includes(i) ? 'g' : 'r')).join('');
}

describe('readTlLinks: the lanes of a traffic light\'s links', () => {
  it('from- and to-lanes per link index, U-turns, one-lane roads, and which lanes can carry a loop', async () => {
    const { topology } = await readTlLinks(CROSS);
    const c = topology.get('C')!;
    expect(c.links).toHaveLength(14);
    expect(c.links[11]).toEqual({ from: ['WC_1'], to: ['CE_1'], turnaround: false, oneLane: false });
    expect(c.links[12].from).toEqual(['WC_1']);
    // EC: a sidewalk and one motorised lane, so its links are on a one-lane road.
    expect(c.links[4]).toMatchObject({ from: ['EC_1'], oneLane: true });
    expect(c.vehicleLanes.has('EC_1')).toBe(true);
    expect(c.vehicleLanes.has('EC_0')).toBe(false); // sidewalk: pedestrians only
    expect(c.vehicleLanes.has(':C_w0_0')).toBe(false); // the crossing's walking area
    expect(c.links[13].from).toEqual([':C_w0_0']);
  });
});

describe('checkLoops: SUMO 1.15\'s loop rule', () => {
  it('a protected left on a lane shared with the straight-on has no controlling loop; the lane\'s straight link none either', async () => {
    const { topology } = await readTlLinks(CROSS);
    const c = topology.get('C')!;
    const phases = [
      { state: state([9, 10, 11, 3, 4, 5], [12]), actuated: true }, // WC right + straight, left permissive; EC all
      { state: state([]), actuated: false },
      { state: state([12]), actuated: true }, // WC protected left
      { state: state([]), actuated: false },
    ];
    const check = checkLoops(phases, c);
    // Phase 0: WC_0 (9, 10 both G) and EC_1 serve; WC_1 does not: its left is `g` and shows G elsewhere (not minor in every phase).
    expect(check.serving[0].sort()).toEqual(['EC_1', 'WC_0']);
    expect(check.uncontrolledPhases).toEqual([2]);
    expect(check.uncontrolledLinks).toEqual([11, 12]);
    expect(check.uncontrolledLanes).toEqual(['WC_1']);
    // With the lane marked NO_DETECTOR SUMO builds no loop there and warns about none of its links.
    expect(checkLoops(phases, c, new Set(['WC_1'])).uncontrolledLinks).toEqual([]);
  });

  it('a minor `g` counts on a one-lane road, or when it is never major and shares its lane with a major link', async () => {
    const { topology } = await readTlLinks(CROSS);
    const c = topology.get('C')!;
    // EC has one motorised lane: its permissive left (5) with straight and right major leaves the loop usable.
    const oneLane = checkLoops([{ state: state([3, 4], [5]), actuated: true }, { state: state([5]), actuated: true }], c);
    expect(oneLane.serving[0]).toEqual(['EC_1']);
    // WC's left (12) minor in every phase beside the major straight (11) on its lane: WC_1 serves.
    const neverMajor = checkLoops([{ state: state([9, 10, 11], [12]), actuated: true }, { state: state([3, 4, 5]), actuated: true }], c);
    expect(neverMajor.serving[0].sort()).toEqual(['WC_0', 'WC_1']);
    // The same left major in another phase: WC_1 no longer serves phase 0.
    const major = checkLoops([{ state: state([9, 10, 11], [12]), actuated: true }, { state: state([3, 4, 5, 12]), actuated: true }], c);
    expect(major.serving[0]).toEqual(['WC_0']);
  });
});

/** The cross's program: WC straight and right with a permissive left, then WC's protected left, then EC. */
function crossProgram(): SignalProgramSpec {
  const m = (from: string, to: string) => ({ from, to });
  return {
    junction: 'C',
    phases: [
      { green: [m('WC', 'CE'), m('WC', 'CS')], permissive: [m('WC', 'CN')], duration: 20, minGreen: 5, maxGreen: 40 },
      { green: [m('WC', 'CN')], duration: 8, minGreen: 6, maxGreen: 20 },
      { green: [m('EC', 'CN'), m('EC', 'CW'), m('EC', 'CS')], duration: 20, minGreen: 5, maxGreen: 40 },
    ],
  };
}

/** `<phase>` elements of the written tlLogic as attribute records. */
const phasesOf = (xml: string) => [...xml.matchAll(/<phase ([^>]*)\/>/g)].map((m) => Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));

describe('tlLogicXml with the topology: what SUMO would not actuate is written fixed', () => {
  it('the protected left is written minDur = maxDur = its minGreen, WC_1 gets NO_DETECTOR; without the topology nothing changes', async () => {
    const r = await importSumo({ net: CROSS });
    const { topology, counts } = await readTlLinks(CROSS);
    const control = { kind: 'actuated' as const };
    const plain = tlLogicXml([crossProgram()], r.network, r.signalIndex, { control, linkCounts: counts });
    const ruled = tlLogicXml([crossProgram()], r.network, r.signalIndex, { control, linkCounts: counts, topology });
    const before = phasesOf(plain).filter((p) => p.minDur !== undefined);
    const after = phasesOf(ruled).filter((p) => p.minDur !== undefined);
    expect(before.map((p) => [p.minDur, p.maxDur])).toEqual([['5', '40'], ['6', '20'], ['5', '40']]);
    expect(after.map((p) => [p.duration, p.minDur, p.maxDur])).toEqual([['20', '5', '40'], ['6', '6', '6'], ['20', '5', '40']]);
    expect(ruled).toContain('<param key="WC_1" value="NO_DETECTOR"/>');
    expect(plain).not.toContain('NO_DETECTOR');
  });

  it('greenwave\'s actuated model finds no extending detector in the same phase (it ends at its minGreen, as in SUMO)', async () => {
    const r = await importSumo({ net: CROSS });
    const net = compile(r.network);
    const program = compileProgram(net, crossProgram());
    const extending = extendingDetectors(net, program.phases).map((ids) => Array.from(ids, (e) => `${net.linkKey(net.movementFrom[e])}>${net.linkKey(net.movementTo[e])}`).sort());
    expect(extending[0]).toEqual(['WC>CE', 'WC>CS'].sort()); // not the permissive left: major in phase 1
    expect(extending[1]).toEqual([]);
    expect(extending[2]).toEqual(['EC>CN', 'EC>CS', 'EC>CW']);
  });
});

describe('plainTopology: the same lanes for a network greenwave writes as plain XML', () => {
  it('every traffic-light connection of the .tll.xml leaves the lane the topology gives its link index', () => {
    const net = grid(2, 3, { attachLength: 150 });
    const plain = sumoPlainXml(net);
    const topology = plainTopology(net);
    const connections = [...plain.trafficLights.matchAll(/<connection from="([^"]+)" to="([^"]+)" fromLane="(\d+)" toLane="(\d+)" tl="([^"]+)" linkIndex="(\d+)"\/>/g)];
    expect(connections.length).toBeGreaterThan(20);
    for (const [, from, to, fromLane, toLane, tl, index] of connections) {
      expect(topology.get(tl)!.links[Number(index)]).toMatchObject({ from: [`${from}_${fromLane}`], to: [`${to}_${toLane}`] });
    }
    for (const t of topology.values()) expect(Array.from(t.links).every((l) => l !== undefined)).toBe(true); // no index without a link (Array.from: holes read as undefined)
  });
});

const run = runSumoTool;

describe.skipIf(!HAS_SUMO)('in SUMO (skipped: sumo is not on PATH)', () => {
  it('protected lefts on shared lanes: SUMO warns about the plan as it was written, not about the plan written with the topology', async () => {
    const dir = tempDir('gw-sumo-loops-');
    run('netgenerate', ['--grid', '--grid.number', '3', '--grid.length', '200', '--default.lanenumber', '2', '--tls.guess', 'true', '--no-turnarounds', '-o', 'net.net.xml'], dir);
    const netFile = path.join(dir, 'net.net.xml');
    const r = await importSumo({ net: netFile });
    const net = compile(r.network);
    const { topology, counts } = await readTlLinks(netFile);
    // Per signal: each axis straight + right with the left permissive, then that axis's protected left.
    const programs: SignalProgramSpec[] = r.programs.map((p) => {
      const j = net.junctionIndex(p.junction);
      const moves: number[] = [];
      for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1]; i++) {
        const a = net.junctionInLinks[i];
        for (let e = net.movementOffsets[a]; e < net.movementOffsets[a + 1]; e++) moves.push(e);
      }
      const ref = (e: number) => ({ from: net.linkKey(net.movementFrom[e]), to: net.linkKey(net.movementTo[e]) });
      const axis = (e: number) => (Math.abs(net.junctionY[net.linkFrom[net.movementFrom[e]]] - net.junctionY[j]) > 1 ? 'ns' : 'ew');
      const left = (e: number) => net.turn(e) === 'left';
      return {
        junction: p.junction,
        phases: (['ns', 'ew'] as const).flatMap((x) => [
          { green: moves.filter((e) => axis(e) === x && !left(e)).map(ref), permissive: moves.filter((e) => axis(e) === x && left(e)).map(ref), duration: 15, minGreen: 5, maxGreen: 30 },
          { green: moves.filter((e) => axis(e) === x && left(e)).map(ref), duration: 6, minGreen: 5, maxGreen: 15 },
        ]),
      };
    });
    const routes = ['A1B1 B1C1', 'C1B1 B1A1', 'B0B1 B1B2', 'B2B1 B1B0', 'A1B1 B1B2', 'C1B1 B1B0', 'B0B1 B1A1'];
    const vehicles = Array.from({ length: 140 }, (_, i) => `  <vehicle id="v${i}" depart="${(i * 2).toFixed(1)}"><route edges="${routes[i % routes.length]}"/></vehicle>`);
    writeFileSync(path.join(dir, 'routes.rou.xml'), `<routes>\n${vehicles.join('\n')}\n</routes>\n`);
    const control = { kind: 'actuated' as const };
    const sumo = (plan: string): string[] => {
      writeFileSync(path.join(dir, 'plan.add.xml'), plan);
      const out = run('sumo', ['-n', 'net.net.xml', '-r', 'routes.rou.xml', '-a', 'plan.add.xml', '--end', '400', '--no-step-log', 'true'], dir);
      return out.split('\n').filter((l) => /^(Error|Warning):/.test(l) && !/SUMO_HOME/.test(l));
    };
    const asIs = sumo(tlLogicXml(programs, r.network, r.signalIndex, { programId: 'greenwave', control, linkCounts: counts }));
    expect(asIs.some((l) => /actuated phase \d+ has no controlling detector/.test(l))).toBe(true);
    expect(asIs.some((l) => /linkIndex \d+ has no controlling detector/.test(l))).toBe(true);
    expect(sumo(tlLogicXml(programs, r.network, r.signalIndex, { programId: 'greenwave', control, linkCounts: counts, topology }))).toEqual([]);
  });
});

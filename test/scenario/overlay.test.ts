/**
 * What-if overlays (`base:` + `changes:`): each change does what it says to
 * the built scenario (a link closed with its turns and the program movements
 * on it, lanes and speed changed, a link added with its turns, a signal
 * re-timed, demand scaled or added), problems are located in the overlay file,
 * and an overlay of an overlay is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScenario, loadScenario } from '../../engine/scenario/index.js';
import { ScenarioError } from '../../engine/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-overlay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A signalised crossroads C with arms N, E, S, W; one program, one phase per axis.
const BASE = JSON.stringify({
  name: 'today',
  network: {
    junctions: [{ id: 'C', xM: 0, yM: 0, control: 'signal' }, { id: 'N', xM: 0, yM: 200 }, { id: 'E', xM: 200, yM: 0 }, { id: 'S', xM: 0, yM: -200 }, { id: 'W', xM: -200, yM: 0 }],
    links: ['N', 'E', 'S', 'W'].flatMap((a) => [{ id: `${a}C`, from: a, to: 'C', speedKmh: 50, lanes: 2 }, { id: `C${a}`, from: 'C', to: a, speedKmh: 50, lanes: 2 }]),
  },
  demand: { flows: [{ from: 'W', to: 'E', vehPerHour: 600 }, { from: 'S', to: 'N', vehPerHour: 300 }] },
  signals: { programs: [{ junction: 'C', phases: [{ green: ['NC>CS', 'SC>CN'], greenS: 30 }, { green: ['WC>CE', 'EC>CW'], greenS: 30 }] }] },
  simulation: { endS: 1800 },
}, null, 2);
writeFileSync(join(dir, 'today.json'), BASE);

async function build(name: string, overlay: string) {
  const file = join(dir, name);
  writeFileSync(file, overlay);
  return buildScenario(await loadScenario(file));
}

async function problems(name: string, overlay: string): Promise<ScenarioError['problems']> {
  try {
    await build(name, overlay);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).problems;
  }
  throw new Error('expected a ScenarioError');
}

describe('loadScenario with a changes: overlay', () => {
  it('closes a link: the link, its turns and the program movements on it go; the rest is the base', async () => {
    const base = buildScenario(await loadScenario(join(dir, 'today.json')));
    const b = await build('closed.yaml', 'name: north-closed\nbase: today.json\nchanges:\n  - closeLink: NC\n');
    expect(b.scenario.name).toBe('north-closed');
    expect(b.compiled.linkCount).toBe(base.compiled.linkCount - 1);
    expect(b.compiled.linkIndex('NC')).toBe(-1);
    // NC had turns to CE, CS, CW: gone
    expect(b.compiled.movementCount).toBe(base.compiled.movementCount - 3);
    const phases = b.signals.programs[0].phases;
    expect(phases).toHaveLength(2);
    expect(phases[0].green).toHaveLength(1); // SC>CN only
    expect(b.outputs.dir).not.toBe(base.outputs.dir); // a variant never writes over its base's files
  });

  it('changes lanes and speed, adds a link with its turns, re-times a signal and scales demand', async () => {
    const base = buildScenario(await loadScenario(join(dir, 'today.json')));
    const b = await build('many.yaml', [
      'name: many',
      'base: today.json',
      'changes:',
      '  - { link: WC, lanes: 1, speedKmh: 30 }',
      '  - { addLink: { id: NE, from: N, to: E, speedKmh: 40 } }',
      '  - { retime: { junction: C, offsetS: 12, phases: [{ green: ["NC>CS", "SC>CN"], greenS: 20 }, { green: ["WC>CE", "EC>CW"], greenS: 40 }] } }',
      '  - scaleDemand: 2',
      '',
    ].join('\n'));
    const wc = b.compiled.linkIndex('WC');
    expect(b.compiled.linkLanes[wc]).toBe(1);
    expect(b.compiled.linkSpeed[wc]).toBeCloseTo(30 / 3.6, 12);
    const ne = b.compiled.linkIndex('NE');
    expect(ne).toBeGreaterThanOrEqual(0);
    expect(b.compiled.linkLength[ne]).toBeCloseTo(Math.hypot(200, 200), 9);
    // into NE at N: from no link (N is an end); out of NE at E: E -> C
    expect(b.compiled.movementBetween(ne, b.compiled.linkIndex('EC'))).toBeGreaterThanOrEqual(0);
    const program = b.signals.programs[0];
    expect(program.phases.map((p) => p.duration)).toEqual([20, 40]);
    expect(program.offset).toBe(12);
    // twice the demand: about twice the trips (uniform flows)
    expect(b.trips.count).toBeGreaterThan(1.8 * base.trips.count);
    expect(b.trips.count).toBeLessThan(2.2 * base.trips.count);
  });

  it('locates a change the network refuses, and a bad value, in the overlay file', async () => {
    const unknown = await problems('unknown.yaml', 'name: x\nbase: today.json\nchanges:\n  - closeLink: nowhere\n');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ path: 'changes[0].closeLink', line: 4 });
    expect(unknown[0].file).toContain('unknown.yaml');
    expect(unknown[0].message).toMatch(/nowhere/);
    const zero = await problems('zero.yaml', 'name: x\nbase: today.json\nchanges:\n  - link: WC\n    lanes: 0\n');
    expect(zero[0]).toMatchObject({ path: 'changes[0].lanes', line: 5 });
    const taken = await problems('taken.yaml', 'name: x\nbase: today.json\nchanges:\n  - { addLink: { id: NC, from: N, to: C, speedKmh: 50 } }\n');
    expect(taken[0].path).toBe('changes[0].addLink');
    expect(taken[0].message).toMatch(/duplicate/);
  });

  it('adds flows: their vehicles join the demand (scaled by a later scaleDemand), from the given begin to end', async () => {
    const base = buildScenario(await loadScenario(join(dir, 'today.json')));
    // 360 veh/h uniform from 00:05 to 00:15: 60 vehicles N -> E, then the whole demand x 2
    const b = await build('more.yaml', [
      'name: more',
      'base: today.json',
      'changes:',
      '  - addFlows:',
      '      - { id: extra, from: N, to: E, vehPerHour: 360, begin: "00:05", end: "00:15" }',
      '',
    ].join('\n'));
    expect(b.trips.count).toBe(base.trips.count + 60);
    const n = b.compiled.junctionIndex('N');
    const e = b.compiled.junctionIndex('E');
    const added = Array.from({ length: b.trips.count }, (_, t) => t).filter((t) => b.trips.origin[t] === n && b.trips.destination[t] === e);
    expect(added).toHaveLength(60);
    for (const t of added) {
      expect(b.trips.depart[t]).toBeGreaterThanOrEqual(300);
      expect(b.trips.depart[t]).toBeLessThan(900);
    }
    const doubled = await build('more-doubled.yaml', 'name: more2\nbase: today.json\nchanges:\n  - addFlows: [{ from: N, to: E, vehPerHour: 360, begin: "00:05", end: "00:15" }]\n  - scaleDemand: 2\n');
    expect(doubled.trips.count).toBeGreaterThan(1.8 * (base.trips.count + 60));
    expect(doubled.trips.count).toBeLessThan(2.2 * (base.trips.count + 60));
  });

  it('locates a problem of an added flow in the overlay file: an unknown junction, a period outside the run', async () => {
    const unknown = await problems('flow-unknown.yaml', 'name: x\nbase: today.json\nchanges:\n  - scaleDemand: 1\n  - addFlows:\n      - { from: N, to: E, vehPerHour: 100 }\n      - { from: Q, to: E, vehPerHour: 100 }\n');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ path: 'changes[1].addFlows[1].from', line: 7 });
    expect(unknown[0].file).toContain('flow-unknown.yaml');
    expect(unknown[0].message).toMatch(/"Q"/);
    const late = await problems('flow-late.yaml', 'name: x\nbase: today.json\nchanges:\n  - addFlows:\n      - { from: N, to: E, vehPerHour: 100, begin: "00:40", end: "01:00" }\n');
    expect(late[0]).toMatchObject({ path: 'changes[0].addFlows[0].begin', line: 5 });
    expect(late[0].message).toMatch(/before simulation end 00:30:00/);
    // without an end, a begin after the run's end leaves the flow's default end (the run's) before its begin
    const noEnd = await problems('flow-no-end.yaml', 'name: x\nbase: today.json\nchanges:\n  - addFlows:\n      - { from: N, to: E, vehPerHour: 100, begin: "01:00" }\n');
    expect(noEnd[0]).toMatchObject({ path: 'changes[0].addFlows[0]', line: 5 });
    expect(noEnd[0].message).toMatch(/expected an end after its begin 01:00:00/);
  });

  it('refuses an overlay whose base is another overlay, at its base key', async () => {
    writeFileSync(join(dir, 'first.yaml'), 'name: first\nbase: today.json\nchanges:\n  - scaleDemand: 2\n');
    const chained = await problems('second.yaml', 'name: second\nbase: first.yaml\nchanges:\n  - scaleDemand: 2\n');
    expect(chained[0]).toMatchObject({ path: 'base', line: 2 });
    expect(chained[0].file).toContain('first.yaml');
    expect(chained[0].message).toMatch(/another overlay/);
  });
});

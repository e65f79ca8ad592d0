/**
 * tlLogicXml with `options.control`: actuated programs for SUMO.
 *
 * Without SUMO: fixed control writes the same bytes as before; actuated control
 * writes type="actuated", minDur/maxDur on green phases only (defaults from
 * PHASE_DEFAULTS, duration clamped into them), max-gap and detector-gap with
 * greenwave's effective values, a passing-time that keeps SUMO's detector bound
 * (min(detector-gap x speed, (minDur / passing-time + 0.5) x 7.5 m), from
 * MSActuatedTrafficLightLogic::init) from moving a detector, an offset that starts
 * phase 0 at `begin`, induction loops at detectorDistance; max-pressure and
 * phase skipping are refused.
 *
 * With SUMO on PATH (skipped otherwise): SUMO 1.15 loads greenwave's grid-4x4
 * network and the actuated plan without a warning or error, and under traffic
 * every green lasts between its minDur and maxDur while the greens vary (SUMO
 * actuates them rather than running them fixed).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../engine/errors.js';
import { PROJECT_ROOT } from '../../fixtures/shared-data.js';
import { compile, corridor, grid } from '../../../engine/network/index.js';
import { sumoNetXml, tlLogicXml } from '../../../engine/io/sumo/index.js';
import { buildScenario, loadScenario } from '../../../engine/scenario/index.js';
import { defaultProgram, PHASE_DEFAULTS, programToSpec, type SignalProgramSpec } from '../../../engine/signals/index.js';
import { sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const root = PROJECT_ROOT;
const tmp = () => tempDir('gw-sumo-actuated-');

const HAS_SUMO = sumoOnPath();

const network = corridor(2, 300);
const net = compile(network);
/** Default programs of the corridor's two signals, with phase 0 given its own min/max green and duration. */
function corridorPrograms(): SignalProgramSpec[] {
  return ['j0', 'j1'].map((id) => programToSpec(net, defaultProgram(net, net.junctionIndex(id), { green: 30 })));
}

/** `<phase>` elements of tlLogic `id` as attribute records. */
function phasesOf(xml: string, id: string): Record<string, string>[] {
  const body = new RegExp(`<tlLogic id="${id}"[^>]*>([\\s\\S]*?)</tlLogic>`).exec(xml)?.[1] ?? '';
  return [...body.matchAll(/<phase ([^>]*)\/>/g)].map((m) => Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}
/** `<param>` values of tlLogic `id`. */
function paramsOf(xml: string, id: string): Record<string, string> {
  const body = new RegExp(`<tlLogic id="${id}"[^>]*>([\\s\\S]*?)</tlLogic>`).exec(xml)?.[1] ?? '';
  return Object.fromEntries([...body.matchAll(/<param key="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
}

describe('tlLogicXml: options.control', () => {
  it('fixed or no control: the static programs, byte for byte', () => {
    const programs = corridorPrograms();
    const plain = tlLogicXml(programs, net);
    expect(plain).toContain('type="static"');
    expect(plain).not.toMatch(/minDur|param/);
    expect(tlLogicXml(programs, net, undefined, { control: { kind: 'fixed' } })).toBe(plain);
    expect(tlLogicXml(programs, net, undefined, { control: undefined, begin: 61_200 })).toBe(plain);
  });

  it('actuated: type="actuated", minDur/maxDur on greens only, duration clamped into them, SUMO parameters', () => {
    const programs = corridorPrograms();
    const [a] = programs;
    a.phases[0] = { ...a.phases[0], duration: 80, minGreen: 7, maxGreen: 45 }; // clamped down to 45
    a.phases[1] = { ...a.phases[1], duration: 3, minGreen: 9, maxGreen: undefined }; // clamped up to 9, maxDur default
    const xml = tlLogicXml(programs, net, undefined, { control: { kind: 'actuated' } });
    expect(xml.match(/type="actuated"/g)).toHaveLength(2);
    expect(xml).not.toContain('type="static"');
    const phases = phasesOf(xml, 'j0');
    expect(phases).toHaveLength(6); // green, yellow, all-red per greenwave phase
    expect(phases[0]).toMatchObject({ duration: '45', minDur: '7', maxDur: '45' });
    expect(phases[3]).toMatchObject({ duration: '9', minDur: '9', maxDur: String(PHASE_DEFAULTS.maxGreen) });
    // Yellow and all-red stay fixed: no minDur/maxDur (SUMO then runs them for `duration`).
    for (const k of [1, 2, 4, 5]) expect(Object.keys(phases[k]).sort()).toEqual(['duration', 'state']);
    expect(phases[1].duration).toBe(String(PHASE_DEFAULTS.yellow));
    expect(phases[2].duration).toBe(String(PHASE_DEFAULTS.allRed));
    // A phase without min/max green gets PHASE_DEFAULTS.
    expect(phasesOf(xml, 'j1')[0]).toMatchObject({ duration: '30', minDur: String(PHASE_DEFAULTS.minGreen), maxDur: String(PHASE_DEFAULTS.maxGreen) });
    // The same states as the static program.
    expect(phases.map((p) => p.state)).toEqual(phasesOf(tlLogicXml(programs, net), 'j0').map((p) => p.state));
    // greenwave's defaults (DEFAULT_ACTUATED_OPTIONS: SUMO's own), then given values.
    expect(paramsOf(xml, 'j0')).toMatchObject({ 'max-gap': '3', 'detector-gap': '2' });
    const tuned = tlLogicXml(programs, net, undefined, { control: { kind: 'actuated', gap: 2.4, detectorGap: 1.5 } });
    expect(paramsOf(tuned, 'j1')).toMatchObject({ 'max-gap': '2.4', 'detector-gap': '1.5' });
  });

  it('actuated: passing-time keeps SUMO\'s detector bound (minDur / passing-time + 0.5) x 7.5 m beyond every detector', () => {
    // grid-4x4 streets: 50 km/h; detector-gap 3 s puts detectors 41.7 m upstream, beyond SUMO's
    // bound with its default passing-time 1.9 s and minDur 5 s: (5 / 1.9 + 0.5) x 7.5 = 23.5 m.
    const g = compile(grid(2, 2, { spacing: 250, attachLength: 150, speed: 50 / 3.6 }));
    const programs = ['r0c0', 'r1c1'].map((id) => programToSpec(g, defaultProgram(g, g.junctionIndex(id))));
    for (const detectorGap of [1, 2, 3, 5]) {
      const xml = tlLogicXml(programs, g, undefined, { control: { kind: 'actuated', detectorGap } });
      const pt = Number(paramsOf(xml, 'r0c0')['passing-time']);
      const distance = detectorGap * (50 / 3.6);
      expect((PHASE_DEFAULTS.minGreen / pt + 0.5) * 7.5).toBeGreaterThanOrEqual(distance);
      expect(pt).toBeLessThanOrEqual(1.9); // never above SUMO's default
      // SUMO warns when floor(floor(distance / 7.5) x passing-time) > minDur: it must not.
      expect(Math.floor(Math.floor(distance / 7.5) * pt)).toBeLessThanOrEqual(PHASE_DEFAULTS.minGreen);
    }
  });

  it('actuated: the offset makes phase 0 start at `begin` (SUMO starts in the phase (begin - offset) mod cycle falls in)', () => {
    const programs = corridorPrograms(); // cycle of the written durations: 2 x (30 + 3 + 2) = 70 s
    const at = (begin?: number) => /<tlLogic id="j0" [^>]*offset="([^"]*)"/.exec(tlLogicXml(programs, net, undefined, { control: { kind: 'actuated' }, ...(begin === undefined ? {} : { begin }) }))![1];
    expect(at()).toBe('0');
    expect(at(61_200)).toBe(String(61_200 % 70));
    // The program's own offset is not used (greenwave's actuated controller ignores it too).
    programs[0].offset = 17;
    expect(at(61_200)).toBe(String(61_200 % 70));
  });

  it('actuated with detectorDistance: an induction loop that far upstream on every approach lane, used through the lane params', () => {
    const programs = corridorPrograms();
    const xml = tlLogicXml(programs, net, undefined, { control: { kind: 'actuated', detectorDistance: 40 } });
    const loops = [...xml.matchAll(/<inductionLoop id="([^"]*)" lane="([^"]*)" pos="([^"]*)"/g)];
    // Every approach lane of j0 and j1 gets one, at (lane length - 40 m).
    const approachLanes = network.links().filter((l) => l.to === 'j0' || l.to === 'j1').reduce((s, l) => s + l.lanes, 0);
    expect(loops).toHaveLength(approachLanes);
    for (const [, id, lane, pos] of loops) {
      const link = network.link(lane.replace(/_\d+$/, '').replace(/&gt;/g, '>'));
      expect(Number(pos)).toBeCloseTo(Math.max(0, link.length - 40), 2);
      const owner = link.to;
      expect(paramsOf(xml, owner)[lane]).toBe(id);
    }
    // Loops come before the programs that name them.
    expect(xml.indexOf('<inductionLoop')).toBeLessThan(xml.indexOf('<tlLogic'));
    // An approach shorter than the distance: the loop sits at its upstream end (greenwave clamps the same way).
    const short = tlLogicXml(programs, net, undefined, { control: { kind: 'actuated', detectorDistance: 10_000 } });
    expect([...short.matchAll(/pos="([^"]*)"/g)].every((m) => m[1] === '0.00')).toBe(true);
  });

  it('refuses what SUMO cannot run, with UsageError', () => {
    const programs = corridorPrograms();
    const run = (control: Parameters<typeof tlLogicXml>[3]) => () => tlLogicXml(programs, net, undefined, control);
    expect(run({ control: { kind: 'max-pressure' } })).toThrow(UsageError);
    expect(run({ control: { kind: 'max-pressure' } })).toThrow(/max-pressure control cannot be written as a SUMO tlLogic/);
    expect(run({ control: { kind: 'actuated', skipEmptyPhases: true } })).toThrow(/skipEmptyPhases/);
    expect(run({ control: { kind: 'actuated', gap: 0 } })).toThrow(/options\.control\.gap must be a finite number > 0, got 0/);
    expect(run({ control: { kind: 'actuated', detectorGap: Number.NaN } })).toThrow(/options\.control\.detectorGap/);
    expect(run({ control: { kind: 'actuated' }, begin: Number.POSITIVE_INFINITY })).toThrow(/options\.begin/);
    // Metres need SUMO lane ids and lengths, known only for networks sumoNetXml writes.
    const index = { j0: { controller: 'j0', links: {} }, j1: { controller: 'j1', links: {} } };
    expect(() => tlLogicXml(programs, net, index, { control: { kind: 'actuated', detectorDistance: 30 } })).toThrow(/detectorDistance/);
    // Junctions sharing one SUMO traffic light must agree on min/max green too.
    const shared = { j0: { controller: 'C', links: {} }, j1: { controller: 'C', links: {} } };
    const [a, b] = corridorPrograms();
    b.phases = a.phases.map((p) => ({ ...p, green: [], permissive: [] }));
    expect(() => tlLogicXml([a, b], net, shared, { control: { kind: 'actuated' } })).not.toThrow();
    b.phases[0] = { ...b.phases[0], maxGreen: 44 };
    expect(() => tlLogicXml([a, b], net, shared, { control: { kind: 'actuated' } })).toThrow(/share SUMO traffic light "C"/);
    expect(() => tlLogicXml([a, b], net, shared)).not.toThrow(); // fixed time ignores min/max green
  });
});

describe.skipIf(!HAS_SUMO)('SUMO 1.15 runs greenwave\'s actuated plan (needs `sumo` on PATH; skipped without it)', async () => {
  const built = buildScenario(await loadScenario(path.join(root, 'scenarios', 'grid-4x4', 'scenario.yaml')));
  const programs = built.signals.programs.length > 0
    ? built.signals.programs.map((p) => programToSpec(built.compiled, p))
    : Array.from({ length: built.compiled.junctionCount }, (_, j) => j).filter((j) => built.compiled.control(j) === 'signal')
      .map((j) => programToSpec(built.compiled, defaultProgram(built.compiled, j)));
  // Some phases with their own bounds, so the check below is not only about the defaults.
  programs[5].phases[0] = { ...programs[5].phases[0], minGreen: 8, maxGreen: 20 };
  programs[9].phases[1] = { ...programs[9].phases[1], minGreen: 6, maxGreen: 25 };
  const begin = built.options.start ?? 0;
  const dir = tmp();
  writeFileSync(path.join(dir, 'net.net.xml'), sumoNetXml(built.network, { programs }));
  const sumo = (args: string[]) => spawnSync('sumo', ['--xml-validation', 'never', '--no-step-log', ...args], { cwd: dir, encoding: 'utf8', timeout: 600_000 });

  for (const [name, control] of [
    ['gap and detector-gap', { kind: 'actuated', gap: 2.5, detectorGap: 3 }],
    ['detectorDistance (custom induction loops)', { kind: 'actuated', detectorDistance: 35 }],
  ] as const) {
    it(`\`sumo -n net.net.xml -a plan.add.xml --end 300\` exits 0 without warnings: ${name}`, () => {
      writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, built.compiled, undefined, { control }));
      const r = sumo(['-n', 'net.net.xml', '-a', 'plan.add.xml', '--end', '300']);
      expect(r.status, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/warning|error/i);
    });
  }

  it('under traffic every SUMO green lasts within [minDur, maxDur], and the greens vary', () => {
    const end = begin + 1200;
    writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, built.compiled, undefined, { control: { kind: 'actuated' }, begin }));
    // Flows across the grid on both axes (SUMO routes them), heavy enough to extend greens, light enough to gap out.
    const flows = [0, 1, 2, 3].flatMap((k) => [
      `<flow id="we${k}" from="w${k}&gt;r${k}c0" to="r${k}c3&gt;e${k}" begin="${begin}" end="${end}" vehsPerHour="${600 + 300 * k}" departLane="best"/>`,
      `<flow id="sn${k}" from="s${k}&gt;r0c${k}" to="r3c${k}&gt;n${k}" begin="${begin}" end="${end}" vehsPerHour="${250 + 100 * k}" departLane="best"/>`,
    ]);
    writeFileSync(path.join(dir, 'flows.rou.xml'), `<routes>\n${flows.join('\n')}\n</routes>\n`);
    const junctions = programs.map((p) => p.junction);
    writeFileSync(path.join(dir, 'dump.add.xml'), `<additional>${junctions.map((j) => `<timedEvent type="SaveTLSStates" source="${j}" dest="tls-${j}.xml"/>`).join('')}</additional>`);
    const r = sumo(['-n', 'net.net.xml', '-a', 'plan.add.xml,dump.add.xml', '-r', 'flows.rou.xml', '--begin', String(begin), '--end', String(end)]);
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/warning|error/i);
    const plan = readFileSync(path.join(dir, 'plan.add.xml'), 'utf8');
    const durations: number[] = [];
    let checked = 0;
    for (const j of junctions) {
      const phases = phasesOf(plan, j);
      // SaveTLSStates writes the state after every step: phase 0 runs from `begin` (the offset), then
      // each change of phase index ends one green, yellow or all-red (the last, unfinished one is not checked).
      const steps = [...readFileSync(path.join(dir, `tls-${j}.xml`), 'utf8').matchAll(/time="([\d.]+)" id="[^"]+" programID="greenwave" phase="(\d+)"/g)]
        .map((m) => ({ time: Number(m[1]), phase: Number(m[2]) }));
      expect(steps[0].phase, `${j} starts in phase 0`).toBe(0);
      expect(steps[0].time).toBeLessThanOrEqual(begin + 1);
      const changes = [{ time: begin, phase: 0 }, ...steps.filter((s, i) => i > 0 && s.phase !== steps[i - 1].phase)];
      for (let i = 0; i + 1 < changes.length; i++) {
        const p = phases[changes[i].phase];
        const length = changes[i + 1]!.time - changes[i]!.time;
        if (p.minDur === undefined) {
          expect(length, `${j} phase ${changes[i].phase} at ${changes[i].time}`).toBeCloseTo(Number(p.duration), 6);
        } else {
          expect(length, `${j} green ${changes[i].phase} at ${changes[i].time}`).toBeGreaterThanOrEqual(Number(p.minDur) - 1e-6);
          expect(length, `${j} green ${changes[i].phase} at ${changes[i].time}`).toBeLessThanOrEqual(Number(p.maxDur) + 1e-6);
          durations.push(length);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(16 * 10);
    // Actuated, not fixed: some greens end at minDur-ish gap-outs, some run much longer.
    expect(Math.min(...durations)).toBeLessThan(10);
    expect(Math.max(...durations)).toBeGreaterThan(20);
    expect(new Set(durations).size).toBeGreaterThan(5);
  });
});

/**
 * `greenwave optimise --no-reorder-phases` and `signals.pinPhaseOrder`, run as
 * a real process on a crossroads whose program has three phases (arterial
 * through, protected left turns, side street), each closing with its own
 * clearance: by default the fixed-time search has one gene more than the
 * program's greens, cycle and offset (the cyclic order of the phases, one of
 * (3 - 1)! = 2); the option and the scenario's pin both take it away, and the
 * plan written then runs the phases in the program's order.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwaveArgs } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-cli-reorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PHASES = [['WC>CE', 'EC>CW'], ['WC>CN', 'EC>CS'], ['NC>CS', 'SC>CN']];

function scenario(pin: boolean): string {
  const arms = ['N', 'E', 'S', 'W'];
  const xy: Record<string, [number, number]> = { N: [0, 200], E: [200, 0], S: [0, -200], W: [-200, 0] };
  return JSON.stringify({
    name: 'three-phase',
    network: {
      junctions: [{ id: 'C', xM: 0, yM: 0, control: 'signal' }, ...arms.map((a) => ({ id: a, xM: xy[a][0], yM: xy[a][1] }))],
      links: arms.flatMap((a) => [{ id: `${a}C`, from: a, to: 'C', speedKmh: 50 }, { id: `C${a}`, from: 'C', to: a, speedKmh: 50 }]),
    },
    demand: { flows: [{ from: 'W', to: 'E', vehPerHour: 400 }, { from: 'W', to: 'N', vehPerHour: 100 }, { from: 'N', to: 'S', vehPerHour: 200 }] },
    signals: {
      programs: [{ junction: 'C', phases: PHASES.map((green, i) => ({ green, greenS: [20, 8, 15][i] })) }],
      ...(pin ? { pinPhaseOrder: true } : {}),
    },
    simulation: { endS: 900 },
  }, null, 2);
}

/** Run optimise (fixed time, a small budget) and return the gene count it announces and the written plan's phase greens. */
function optimise(file: string, out: string, ...extra: string[]): { genes: number; phases: string[][] } {
  const r = spawnSync(process.execPath, [...greenwaveArgs(), 'optimise', file, '--control', 'fixed', '--budget', '6', '--seeds', '1', '--held-out', '2', '--workers', '1', '--out', out, ...extra], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  const genes = /fixed-time 6 \((\d+) genes/.exec(r.stderr);
  expect(genes, r.stderr).not.toBeNull();
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { signals: { programs: Array<{ phases: Array<{ green: Array<string | { from: string; to: string }> }> }> } };
  const ref = (m: string | { from: string; to: string }): string => (typeof m === 'string' ? m : `${m.from}>${m.to}`);
  return { genes: Number(genes![1]), phases: plan.signals.programs[0].phases.map((ph) => ph.green.map(ref)) };
}

describe('greenwave optimise: the phase order gene', () => {
  const free = join(dir, 'free.json');
  const pinned = join(dir, 'pinned.json');
  writeFileSync(free, scenario(false));
  writeFileSync(pinned, scenario(true));

  it('is searched by default, and --no-reorder-phases or signals.pinPhaseOrder removes it and keeps the program order', () => {
    const searched = optimise(free, join(dir, 'searched'));
    const flag = optimise(free, join(dir, 'flag'), '--no-reorder-phases');
    const pin = optimise(pinned, join(dir, 'pin'));
    expect(flag.genes).toBe(searched.genes - 1);
    expect(pin.genes).toBe(searched.genes - 1);
    for (const run of [flag, pin]) expect(run.phases).toEqual(PHASES);
  }, 120_000);
});

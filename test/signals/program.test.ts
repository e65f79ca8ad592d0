/**
 * compileProgram, defaultProgram and programToSpec: every compile error is an
 * InputError at its own path; the default plan on a cross and a T-junction in
 * right- and left-hand traffic makes exactly the far-side turns permissive; odd
 * geometry (skew, 5 arms, one approach, a straight road) gives the documented
 * phase count; programs round-trip through programToSpec -> compileProgram.
 */
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../engine/errors.js';
import { compile, RoadNetwork, type CompiledNetwork, type DrivingSide } from '../../engine/network/index.js';
import {
  approachMovements, compileProgram, defaultProgram, programToSpec,
  type SignalProgram, type SignalProgramSpec,
} from '../../engine/signals/index.js';

interface Arm { id: string; x: number; y: number }

const CROSS: Arm[] = [
  { id: 'W', x: -100, y: 0 }, { id: 'E', x: 100, y: 0 }, { id: 'N', x: 0, y: 100 }, { id: 'S', x: 0, y: -100 },
];
const TEE: Arm[] = [{ id: 'W', x: -100, y: 0 }, { id: 'E', x: 100, y: 0 }, { id: 'S', x: 0, y: -100 }];

/** Signalised junction C at the origin with two-way arms `X-C` (in) and `C-X` (out), added in arm order. */
function junction(arms: Arm[], drivingSide: DrivingSide = 'right', uTurns = false): CompiledNetwork {
  const net = new RoadNetwork({ drivingSide });
  net.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
  for (const a of arms) {
    net.addJunction({ id: a.id, x: a.x, y: a.y });
    net.addLink({ id: `${a.id}-C`, from: a.id, to: 'C', speed: 10 });
    net.addLink({ id: `C-${a.id}`, from: 'C', to: a.id, speed: 10 });
  }
  net.addDefaultMovements({ junctions: ['C'], uTurns });
  return compile(net);
}

/** Movement ids as sorted `from>to` names. */
function names(net: CompiledNetwork, ids: Int32Array): string[] {
  return Array.from(ids, (e) => `${net.linkKey(net.movementFrom[e])}>${net.linkKey(net.movementTo[e])}`).sort();
}

function mv(net: CompiledNetwork, from: string, to: string): number {
  return net.movementBetween(net.linkIndex(from), net.linkIndex(to));
}

const ref = (from: string, to: string) => ({ from, to });

function base(): SignalProgramSpec {
  return {
    junction: 'C',
    phases: [
      { green: [ref('W-C', 'C-E'), ref('E-C', 'C-W')], permissive: [ref('W-C', 'C-N')], duration: 20 },
      { green: [ref('N-C', 'C-S'), ref('S-C', 'C-N')], duration: 10, yellow: 4, allRed: 1 },
    ],
  };
}

/** The path of the InputError `fn` throws. */
function errorPath(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).path;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** Every approach movement of the program's junction is in exactly one phase. */
function expectPartition(net: CompiledNetwork, program: SignalProgram): void {
  const seen = program.phases.flatMap((p) => [...p.green, ...p.permissive]).sort((a, b) => a - b);
  expect(seen).toEqual([...approachMovements(net, program.junction)]);
}

describe('compileProgram', () => {
  const net = junction(CROSS);

  it('compiles ids to movement indices, applies defaults and sums the cycle', () => {
    const p = compileProgram(net, { ...base(), offset: 17, cycle: 40 });
    expect(p.junction).toBe(net.junctionIndex('C'));
    expect(p.offset).toBe(17);
    expect(p.cycle).toBe(20 + 3 + 2 + 10 + 4 + 1);
    expect([...p.phases[0].green]).toEqual([mv(net, 'W-C', 'C-E'), mv(net, 'E-C', 'C-W')]);
    expect([...p.phases[0].permissive]).toEqual([mv(net, 'W-C', 'C-N')]);
    expect(p.phases[1].permissive).toHaveLength(0);
    expect(p.phases[0]).toMatchObject({ duration: 20, yellow: 3, allRed: 2, minGreen: 5, maxGreen: 60 });
    expect(p.phases[1]).toMatchObject({ duration: 10, yellow: 4, allRed: 1 });
    expect(p.movements).toHaveLength(12);
    expect(compileProgram(net, base()).offset).toBe(0);
  });

  it('allows a movement in several phases, empty green lists and minGreen above duration', () => {
    const spec = base();
    spec.phases[1].permissive = [ref('W-C', 'C-N')];
    spec.phases.push({ green: [], duration: 2, minGreen: 10, yellow: 0, allRed: 0 });
    const p = compileProgram(net, spec);
    expect(p.phases).toHaveLength(3);
    expect(p.cycle).toBe(42);
  });

  const cases: Array<[string, (s: SignalProgramSpec) => void, string]> = [
    ['unknown junction', (s) => { s.junction = 'X'; }, 'signals[0].junction'],
    ['junction that is not signal-controlled', (s) => { s.junction = 'N'; }, 'signals[0].junction'],
    ['junction that is not a string', (s) => { (s as unknown as { junction: number }).junction = 3; }, 'signals[0].junction'],
    ['no phases', (s) => { s.phases = []; }, 'signals[0].phases'],
    ['a phase that is not an object', (s) => { (s.phases as unknown[])[1] = null; }, 'signals[0].phases[1]'],
    ['green that is not an array', (s) => { (s.phases[0] as unknown as { green: string }).green = 'W-C'; }, 'signals[0].phases[0].green'],
    ['a movement that is not {from, to}', (s) => { (s.phases[1].green as unknown[])[1] = 'S-C'; }, 'signals[0].phases[1].green[1]'],
    ['unknown approach link', (s) => { s.phases[1].green[1] = ref('Q-C', 'C-N'); }, 'signals[0].phases[1].green[1]'],
    ['unknown exit link', (s) => { s.phases[1].green[0] = ref('N-C', 'C-Q'); }, 'signals[0].phases[1].green[0]'],
    ['approach link ending at another junction', (s) => { s.phases[0].green.push(ref('C-E', 'E-C')); }, 'signals[0].phases[0].green[2]'],
    ['movement that is not permitted (U-turn)', (s) => { s.phases[0].green[0] = ref('W-C', 'C-W'); }, 'signals[0].phases[0].green[0]'],
    ['movement listed twice', (s) => { s.phases[0].green.push(ref('W-C', 'C-E')); }, 'signals[0].phases[0].green[2]'],
    ['movement twice in permissive', (s) => { s.phases[0].permissive!.push(ref('W-C', 'C-N')); }, 'signals[0].phases[0].permissive[1]'],
    ['movement both green and permissive', (s) => { s.phases[0].permissive!.push(ref('E-C', 'C-W')); }, 'signals[0].phases[0].permissive[1]'],
    ['zero duration', (s) => { s.phases[1].duration = 0; }, 'signals[0].phases[1].duration'],
    ['NaN duration', (s) => { s.phases[0].duration = NaN; }, 'signals[0].phases[0].duration'],
    ['missing duration', (s) => { delete (s.phases[0] as { duration?: number }).duration; }, 'signals[0].phases[0].duration'],
    ['negative yellow', (s) => { s.phases[1].yellow = -1; }, 'signals[0].phases[1].yellow'],
    ['infinite all-red', (s) => { s.phases[0].allRed = Infinity; }, 'signals[0].phases[0].allRed'],
    ['string minGreen', (s) => { (s.phases[0] as unknown as { minGreen: string }).minGreen = '5'; }, 'signals[0].phases[0].minGreen'],
    ['negative maxGreen', (s) => { s.phases[1].maxGreen = -1; }, 'signals[0].phases[1].maxGreen'],
    ['minGreen above maxGreen', (s) => { s.phases[1].minGreen = 70; }, 'signals[0].phases[1].minGreen'],
    ['cycle that does not match', (s) => { s.cycle = 41; }, 'signals[0].cycle'],
    ['NaN cycle', (s) => { s.cycle = NaN; }, 'signals[0].cycle'],
    ['NaN offset', (s) => { s.offset = NaN; }, 'signals[0].offset'],
  ];
  for (const [what, mutate, path] of cases) {
    it(`throws InputError at ${path} for ${what}`, () => {
      const spec = base();
      mutate(spec);
      expect(errorPath(() => compileProgram(net, spec))).toBe(path);
    });
  }

  it('prefixes error paths with the path argument', () => {
    const spec = base();
    spec.phases[1].green[1] = ref('W-C', 'C-W');
    expect(errorPath(() => compileProgram(net, spec, 'programs.C'))).toBe('programs.C.phases[1].green[1]');
    expect(errorPath(() => compileProgram(net, null as unknown as SignalProgramSpec, 'signals[4]'))).toBe('signals[4]');
  });

  it('accepts a cycle equal to the sum up to rounding', () => {
    const spec = base();
    spec.phases[0].duration = 0.1;
    spec.phases[1].duration = 0.2;
    expect(() => compileProgram(net, { ...spec, cycle: 0.1 + 3 + 2 + 0.2 + 4 + 1 + 1e-9 })).not.toThrow();
  });
});

describe('defaultProgram', () => {
  it('cross junction, right-hand traffic: two axis phases, left turns permissive', () => {
    const net = junction(CROSS, 'right');
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(p.phases).toHaveLength(2);
    expect(names(net, p.phases[0].green)).toEqual(['E-C>C-N', 'E-C>C-W', 'W-C>C-E', 'W-C>C-S']);
    expect(names(net, p.phases[0].permissive)).toEqual(['E-C>C-S', 'W-C>C-N']);
    expect(names(net, p.phases[1].green)).toEqual(['N-C>C-S', 'N-C>C-W', 'S-C>C-E', 'S-C>C-N']);
    expect(names(net, p.phases[1].permissive)).toEqual(['N-C>C-E', 'S-C>C-W']);
    for (const phase of p.phases) expect(phase).toMatchObject({ duration: 30, yellow: 3, allRed: 2, minGreen: 5, maxGreen: 60 });
    expect(p.cycle).toBe(70);
    expect(p.offset).toBe(0);
    expectPartition(net, p);
  });

  it('cross junction, left-hand traffic (Macau): right turns permissive', () => {
    const net = junction(CROSS, 'left');
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(p.phases).toHaveLength(2);
    expect(names(net, p.phases[0].green)).toEqual(['E-C>C-S', 'E-C>C-W', 'W-C>C-E', 'W-C>C-N']);
    expect(names(net, p.phases[0].permissive)).toEqual(['E-C>C-N', 'W-C>C-S']);
    expect(names(net, p.phases[1].green)).toEqual(['N-C>C-E', 'N-C>C-S', 'S-C>C-N', 'S-C>C-W']);
    expect(names(net, p.phases[1].permissive)).toEqual(['N-C>C-W', 'S-C>C-E']);
    expectPartition(net, p);
  });

  it('makes U-turns permissive', () => {
    const net = junction(CROSS, 'left', true);
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(names(net, p.phases[0].permissive)).toEqual(['E-C>C-E', 'E-C>C-N', 'W-C>C-S', 'W-C>C-W']);
    expect(names(net, p.phases[1].permissive)).toEqual(['N-C>C-N', 'N-C>C-W', 'S-C>C-E', 'S-C>C-S']);
    expectPartition(net, p);
  });

  it('T-junction, right-hand: the stem turns are protected (no opposing approach)', () => {
    const net = junction(TEE, 'right');
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(p.phases).toHaveLength(2);
    expect(names(net, p.phases[0].green)).toEqual(['E-C>C-W', 'W-C>C-E', 'W-C>C-S']);
    expect(names(net, p.phases[0].permissive)).toEqual(['E-C>C-S']);
    expect(names(net, p.phases[1].green)).toEqual(['S-C>C-E', 'S-C>C-W']);
    expect(names(net, p.phases[1].permissive)).toEqual([]);
    expectPartition(net, p);
  });

  it('T-junction, left-hand: the right turn into the stem is permissive', () => {
    const net = junction(TEE, 'left');
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(names(net, p.phases[0].green)).toEqual(['E-C>C-S', 'E-C>C-W', 'W-C>C-E']);
    expect(names(net, p.phases[0].permissive)).toEqual(['W-C>C-S']);
    expect(names(net, p.phases[1].green)).toEqual(['S-C>C-E', 'S-C>C-W']);
    expect(names(net, p.phases[1].permissive)).toEqual([]);
  });

  it('orders phases by the lowest approach link index', () => {
    const net = junction([CROSS[2], CROSS[0], CROSS[3], CROSS[1]], 'right'); // N first
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(names(net, p.phases[0].green)).toEqual(['N-C>C-S', 'N-C>C-W', 'S-C>C-E', 'S-C>C-N']);
  });

  it('groups a skewed cross by axis', () => {
    const net = junction([
      { id: 'W', x: -100, y: -20 }, { id: 'E', x: 100, y: 15 }, { id: 'N', x: 30, y: 100 }, { id: 'S', x: -10, y: -100 },
    ]);
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(p.phases).toHaveLength(2);
    expect(names(net, p.phases[0].green).every((n) => n.startsWith('W-C') || n.startsWith('E-C'))).toBe(true);
    expectPartition(net, p);
  });

  it('gives a 5-arm junction with spread-out roads three phases', () => {
    const arms = [0, 1, 2, 3, 4].map((i) => {
      const a = (Math.PI / 2) + (i * 2 * Math.PI) / 5;
      return { id: `A${i}`, x: 100 * Math.cos(a), y: 100 * Math.sin(a) };
    });
    const net = junction(arms);
    const p = defaultProgram(net, net.junctionIndex('C'));
    expect(p.phases).toHaveLength(3);
    expect(p.cycle).toBe(3 * 35);
    expectPartition(net, p);
  });

  it('gives one phase to a straight road and to a single approach', () => {
    const straight = junction([CROSS[0], CROSS[1]]);
    const p = defaultProgram(straight, straight.junctionIndex('C'));
    expect(p.phases).toHaveLength(1);
    expect(names(straight, p.phases[0].green)).toEqual(['E-C>C-W', 'W-C>C-E']);

    const rn = new RoadNetwork();
    rn.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
    rn.addJunction({ id: 'W', x: -100, y: 0 });
    rn.addJunction({ id: 'N', x: 0, y: 100 });
    rn.addJunction({ id: 'S', x: 0, y: -100 });
    rn.addLink({ id: 'W-C', from: 'W', to: 'C', speed: 10 });
    rn.addLink({ id: 'C-N', from: 'C', to: 'N', speed: 10 });
    rn.addLink({ id: 'C-S', from: 'C', to: 'S', speed: 10 });
    rn.addDefaultMovements();
    const one = compile(rn);
    const q = defaultProgram(one, one.junctionIndex('C'), { green: 12, yellow: 0, allRed: 0 });
    expect(q.phases).toHaveLength(1);
    expect(names(one, q.phases[0].green)).toEqual(['W-C>C-N', 'W-C>C-S']);
    expect(q.cycle).toBe(12);
  });

  it('gives a junction without approach movements one empty phase', () => {
    const rn = new RoadNetwork();
    rn.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
    rn.addJunction({ id: 'W', x: -100, y: 0 });
    rn.addLink({ id: 'W-C', from: 'W', to: 'C', speed: 10 });
    const net = compile(rn);
    const p = defaultProgram(net, 0);
    expect(p.phases).toHaveLength(1);
    expect(p.phases[0].green).toHaveLength(0);
    expect(p.phases[0].permissive).toHaveLength(0);
  });

  it('applies options', () => {
    const net = junction(CROSS);
    const p = defaultProgram(net, net.junctionIndex('C'), { green: 40, yellow: 4, allRed: 1, minGreen: 7, maxGreen: 90, offset: 12 });
    expect(p.cycle).toBe(90);
    expect(p.offset).toBe(12);
    for (const phase of p.phases) expect(phase).toMatchObject({ duration: 40, yellow: 4, allRed: 1, minGreen: 7, maxGreen: 90 });
  });

  it('throws UsageError for a bad junction or option', () => {
    const net = junction(CROSS);
    const c = net.junctionIndex('C');
    expect(() => defaultProgram(net, net.junctionIndex('N'))).toThrow(UsageError);
    expect(() => defaultProgram(net, 99)).toThrow(UsageError);
    expect(() => defaultProgram(net, 0.5)).toThrow(UsageError);
    expect(() => defaultProgram(net, c, { green: 0 })).toThrow(UsageError);
    expect(() => defaultProgram(net, c, { yellow: -1 })).toThrow(UsageError);
    expect(() => defaultProgram(net, c, { offset: NaN })).toThrow(UsageError);
    expect(() => defaultProgram(net, c, { minGreen: 50, maxGreen: 40 })).toThrow(UsageError);
  });
});

describe('programToSpec', () => {
  it('round-trips a default program through compileProgram', () => {
    for (const side of ['left', 'right'] as const) {
      const net = junction(CROSS, side, true);
      const p = defaultProgram(net, net.junctionIndex('C'), { offset: 17.25 });
      const spec = programToSpec(net, p);
      expect(spec.junction).toBe('C');
      expect(spec.phases[0].permissive).toContainEqual({ from: 'W-C', to: 'C-W' });
      expect(compileProgram(net, spec)).toEqual(p);
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
  });

  it('returns the authored spec with every default made explicit', () => {
    const net = junction(CROSS);
    const spec = { ...base(), offset: -4 };
    const out = programToSpec(net, compileProgram(net, spec));
    expect(out).toEqual({
      junction: 'C',
      offset: -4,
      cycle: 40,
      phases: [
        { ...spec.phases[0], yellow: 3, allRed: 2, minGreen: 5, maxGreen: 60 },
        { ...spec.phases[1], permissive: [], minGreen: 5, maxGreen: 60 },
      ],
    });
    expect(compileProgram(net, out)).toEqual(compileProgram(net, spec));
  });
});

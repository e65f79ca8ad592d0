/**
 * The equilibrium's penalty for yielding turns (engine/sim/yielding-turns.ts and engine/optimise/equilibrium/
 * minor-penalty.ts): which movements yield, and that route choice pays for them
 * as SUMO's duarouter does (`--weights.minor-penalty`, default 1.5 s, added to
 * every internal lane that continues a connection in state m, =, s or w:
 * RONetHandler::parseConnection, SUMO 1.15). The SUMO part checks the set of
 * yielding movements against SUMO's own networks and skips without `netconvert`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importSumo } from '../../engine/io/sumo/index.js';
import { compile, grid, RoadNetwork } from '../../engine/network/index.js';
import type { CompiledNetwork } from '../../engine/network/compiled.js';
import { equilibrate } from '../../engine/optimise/equilibrium/equilibrium.js';
import { withYieldPenalty } from '../../engine/optimise/equilibrium/minor-penalty.js';
import { SUMO_MINOR_PENALTY_S, yieldingMovements } from '../../engine/sim/yielding-turns.js';
import { freeFlowCosts } from '../../engine/routing/time-dependent.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { ARMS, CROSSROADS_NODES, crossroadsConnections, crossroadsEdges, netconvertCrossroads } from '../fixtures/sumo-crossroads.js';
import { sumoOnPath } from '../fixtures/sumo-on-path.js';
import { yieldingRoutes } from '../fixtures/yielding-routes.js';

/** Movement keys "from>to" of `net` marked in `marks`. */
function marked(net: CompiledNetwork, marks: Uint8Array): string[] {
  const keys: string[] = [];
  for (let x = 0; x < net.movementCount; x++) if (marks[x] === 1) keys.push(`${net.linkKey(net.movementFrom[x])}>${net.linkKey(net.movementTo[x])}`);
  return keys.sort();
}

describe('yieldingMovements', () => {
  it('takes what the network states: a wait point inside the junction or a minor/stop right of way yields, major or a wait point of 0 at a signal does not', () => {
    const n = new RoadNetwork();
    n.addJunction({ id: 'W', x: -200, y: 0 });
    n.addJunction({ id: 'S', x: 0, y: -200 });
    n.addJunction({ id: 'N', x: 0, y: 200 });
    n.addJunction({ id: 'E', x: 200, y: 0 });
    n.addJunction({ id: 'C', x: 0, y: 0, control: 'signal' });
    n.addJunction({ id: 'P', x: 400, y: 0 });
    n.addJunction({ id: 'Q', x: 400, y: 200 });
    for (const [a, b] of [['W', 'C'], ['S', 'C'], ['C', 'N'], ['C', 'E'], ['E', 'P'], ['Q', 'P'], ['P', 'Q']] as const) n.addLink({ id: a + b, from: a, to: b, length: 200, speed: 10 });
    n.addMovement({ from: 'WC', to: 'CN', waitPoint: 6 }); // a left turn waiting inside the crossing (SUMO's internal junction)
    n.addMovement({ from: 'WC', to: 'CE', waitPoint: 0 }); // through: no internal junction at a signal
    n.addMovement({ from: 'SC', to: 'CN', waitPoint: 0 });
    n.addMovement({ from: 'SC', to: 'CE', rightOfWay: 'stop' }); // a right turn on red after stopping
    n.addMovement({ from: 'CE', to: 'EP' });
    n.addMovement({ from: 'EP', to: 'PQ', rightOfWay: 'minor' });
    n.addMovement({ from: 'QP', to: 'PQ', rightOfWay: 'major' });
    const net = compile(n);
    expect(marked(net, yieldingMovements(net))).toEqual(['EP>PQ', 'SC>CE', 'WC>CN']);
  });

  it('without stated wait points: at a signal the turns its default program shows permissive (far-side turns with an opposing approach, U-turns)', () => {
    for (const drivingSide of ['right', 'left'] as const) {
      const net = compile(grid(3, 3, { spacing: 200, lanes: 2, signals: 'all', drivingSide }));
      const yields = yieldingMovements(net);
      const centre = net.junctionIndex('r1c1');
      const kinds = new Map<string, number[]>();
      for (let x = 0; x < net.movementCount; x++) {
        if (net.linkTo[net.movementFrom[x]] !== centre) continue;
        const kind = net.turn(x);
        kinds.set(kind, [...(kinds.get(kind) ?? []), yields[x]]);
      }
      const far = drivingSide === 'right' ? 'left' : 'right';
      const near = drivingSide === 'right' ? 'right' : 'left';
      // Four approaches at the 4-arm centre junction, each opposed by the one across.
      expect(kinds.get(far)).toEqual([1, 1, 1, 1]);
      expect(kinds.get(near)).toEqual([0, 0, 0, 0]);
      expect(kinds.get('straight')).toEqual([0, 0, 0, 0]);
      for (const u of kinds.get('uturn') ?? []) expect(u).toBe(1);
    }
  });

  it('without stated right of way at an unsignalised junction: the movements that give way (derived priority)', () => {
    // A T-junction: the through road W-E (2 lanes, higher class) and a stem from S (1 lane).
    const n = new RoadNetwork();
    n.addJunction({ id: 'W', x: -200, y: 0 });
    n.addJunction({ id: 'E', x: 200, y: 0 });
    n.addJunction({ id: 'S', x: 0, y: -200 });
    n.addJunction({ id: 'T', x: 0, y: 0, control: 'priority' });
    n.addLink({ id: 'WT', from: 'W', to: 'T', length: 200, speed: 14, lanes: 2, priority: 3 });
    n.addLink({ id: 'TE', from: 'T', to: 'E', length: 200, speed: 14, lanes: 2, priority: 3 });
    n.addLink({ id: 'ET', from: 'E', to: 'T', length: 200, speed: 14, lanes: 2, priority: 3 });
    n.addLink({ id: 'TW', from: 'T', to: 'W', length: 200, speed: 14, lanes: 2, priority: 3 });
    n.addLink({ id: 'ST', from: 'S', to: 'T', length: 200, speed: 8, lanes: 1, priority: 1 });
    n.addLink({ id: 'TS', from: 'T', to: 'S', length: 200, speed: 8, lanes: 1, priority: 1 });
    for (const [a, b] of [['WT', 'TE'], ['ET', 'TW'], ['WT', 'TS'], ['ET', 'TS'], ['ST', 'TE'], ['ST', 'TW']] as const) n.addMovement({ from: a, to: b });
    const net = compile(n);
    const keys = marked(net, yieldingMovements(net));
    // Both stem movements give way to the through road; neither through movement gives way to anything.
    expect(keys).toContain('ST>TE');
    expect(keys).toContain('ST>TW');
    expect(keys).not.toContain('WT>TE');
    expect(keys).not.toContain('ET>TW');
  });
});

describe('withYieldPenalty', () => {
  it('adds the seconds to every interval of the yielding movements only, in new arrays', () => {
    const net = compile(grid(3, 3, { spacing: 200, lanes: 2, signals: 'all' }));
    const yields = yieldingMovements(net);
    const base = freeFlowCosts(net);
    const costs = { ...base, intervals: 2, movement: Float64Array.from([...base.movement, ...base.movement]) };
    const before = Float64Array.from(costs.movement);
    const out = withYieldPenalty(costs, yields, 1.5);
    expect(costs.movement).toEqual(before); // the input is left as it was
    const M = net.movementCount;
    for (let i = 0; i < 2; i++) {
      for (let x = 0; x < M; x++) expect(out.movement[i * M + x]).toBeCloseTo(before[i * M + x] + (yields[x] === 1 ? 1.5 : 0), 12);
    }
    expect(out.arrival).toBe(costs.arrival);
    expect(withYieldPenalty(costs, yields, 0)).toBe(costs);
  });
});

describe('equilibrium route choice with the penalty', () => {
  const { net, trips } = yieldingRoutes(); // via B 1 s shorter, through a yielding turn; via C the major movement
  const sim = { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL };
  const viaB = (options: Parameters<typeof equilibrate>[4]): number => equilibrate(net, trips, {}, sim, { maxIterations: 1, ...options }).result.links.entered[net.linkIndex('AB')];

  it('with link costs, drivers pay SUMO\'s 1.5 s for the yielding turn: the route 1 s longer without it is taken', () => {
    expect(SUMO_MINOR_PENALTY_S).toBe(1.5);
    expect(trips.count).toBe(40);
    expect(viaB({ costsBy: 'link' })).toBe(0); // default penalty with link costs
    expect(viaB({ costsBy: 'link', minorPenaltyS: 0 })).toBe(40);
    expect(viaB({ costsBy: 'link', minorPenaltyS: 0.9 })).toBe(40); // less than the 1 s difference
  });

  it('with movement costs there is none unless asked for (measured turn times hold the wait), and the settings say which', () => {
    expect(viaB({ costsBy: 'movement' })).toBe(40);
    expect(viaB({ costsBy: 'movement', minorPenaltyS: 1.5 })).toBe(0);
    const eq = equilibrate(net, trips, {}, sim, { maxIterations: 1, costsBy: 'link' });
    expect(eq.settings.minorPenaltyS).toBe(1.5);
    expect(equilibrate(net, trips, {}, sim, { maxIterations: 1 }).settings.minorPenaltyS).toBe(0);
    expect(() => equilibrate(net, trips, {}, sim, { minorPenaltyS: -1 })).toThrow(/equilibrium\.minorPenaltyS must be a number of seconds in 0\.\.600, got -1/);
  });
});

const HAS_NETCONVERT = sumoOnPath() && spawnSync('netconvert', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The movements ("from>to") SUMO's routers penalise in `netXml`: those with a
 * connection, or the continuation of one from its first internal lane, that
 * has a `via` and state m, =, s or w (RONetHandler::parseConnection).
 */
function sumoPenalised(netXml: string): string[] {
  const attr = (tag: string, name: string): string | undefined => new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1];
  const viaMovement = new Map<string, string>(); // first internal edge -> "from>to"
  const connections = [...netXml.matchAll(/<connection [^>]*>/g)].map(([tag]) => tag);
  for (const tag of connections) {
    const from = attr(tag, 'from')!;
    const via = attr(tag, 'via');
    if (!from.startsWith(':') && via !== undefined) viaMovement.set(via.slice(0, via.lastIndexOf('_')), `${from}>${attr(tag, 'to')}`);
  }
  const out = new Set<string>();
  for (const tag of connections) {
    const from = attr(tag, 'from')!;
    if (attr(tag, 'via') === undefined || !['m', '=', 's', 'w'].includes(attr(tag, 'state') ?? '')) continue;
    const movement = from.startsWith(':') ? viaMovement.get(from) : `${from}>${attr(tag, 'to')}`;
    if (movement !== undefined) out.add(movement);
  }
  return [...out].sort();
}

describe.skipIf(!HAS_NETCONVERT)('yieldingMovements on SUMO networks: the movements SUMO\'s router penalises (needs netconvert)', () => {
  if (!HAS_NETCONVERT) return; // vitest still runs a skipped suite's body to collect its tests

  it('a signalised crossroads with permissive lefts: the lefts, as SUMO', async () => {
    const { file, netconvert } = netconvertCrossroads('gw-minor-tls-', {
      nodes: CROSSROADS_NODES, edges: crossroadsEdges(2), connections: crossroadsConnections({ right: [[0, 0]], through: [[0, 0], [1, 1]], left: [[1, 1]] }),
    });
    await netconvert;
    const expected = sumoPenalised(readFileSync(file('n.net.xml'), 'utf8'));
    expect(expected).toHaveLength(ARMS.length); // the four lefts: the case has what it tests
    const net = compile((await importSumo({ net: file('n.net.xml') })).network);
    expect(marked(net, yieldingMovements(net))).toEqual(expected);
  });

  it('a priority crossroads (major N-S, minor E-W): the minor road\'s movements and the major road\'s lefts, as SUMO', async () => {
    const { file, netconvert } = netconvertCrossroads('gw-minor-prio-', {
      nodes: CROSSROADS_NODES.replace('type="traffic_light"', 'type="priority"'),
      edges: crossroadsEdges(1).replace(/(<edge id="(?:NC|CN|SC|CS)"[^/]*)\/>/g, '$1 priority="3"/>').replace(/(<edge id="(?:EC|CE|WC|CW)"[^/]*)\/>/g, '$1 priority="1"/>'),
      connections: '<connections/>\n',
    });
    await netconvert;
    const xml = readFileSync(file('n.net.xml'), 'utf8');
    const expected = sumoPenalised(xml);
    expect(expected).toEqual(expect.arrayContaining(['EC>CW', 'WC>CE', 'EC>CN', 'WC>CS'])); // the minor road yields in SUMO
    expect(expected).not.toContain('NC>CS'); // the major through movement does not
    const net = compile((await importSumo({ net: file('n.net.xml') })).network);
    expect(marked(net, yieldingMovements(net))).toEqual(expected);
  });
});

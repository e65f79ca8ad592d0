/**
 * analyseConnectivity: strongly connected components of the link graph (checked
 * against brute-force mutual reachability on random networks) and the warning
 * rules of engine/network/connectivity.ts (a link is fine when some entry reaches
 * it and it reaches some exit; entries and exits are fringe links and the main
 * network, which exists only if the largest component holds a cycle), checked
 * against a brute-force oracle on random networks: dead ends, unreachable and
 * isolated links, acyclic networks (corridor, grid(1, n)) without false
 * warnings, isolated junctions; and 50,000-link chains, several times deeper
 * than Node's default stack lets a recursive Tarjan go (about 10,000 frames).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/network/compile.js';
import type { CompiledNetwork } from '../../engine/network/compiled.js';
import { analyseConnectivity, type ConnectivityReport } from '../../engine/network/connectivity.js';
import { corridor, grid as gridGenerator } from '../../engine/network/generators/index.js';
import { RoadNetwork } from '../../engine/network/road-network.js';

/** A rows x cols grid, 100 m spacing, two-way links `a>b`, every movement but U-turns. */
function grid(rows: number, cols: number): RoadNetwork {
  const net = new RoadNetwork();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) net.addJunction({ id: `g${r}${c}`, x: c * 100, y: r * 100 });
  const twoWay = (a: string, b: string): void => {
    net.addLink({ id: `${a}>${b}`, from: a, to: b, speed: 10 });
    net.addLink({ id: `${b}>${a}`, from: b, to: a, speed: 10 });
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (c + 1 < cols) twoWay(`g${r}${c}`, `g${r}${c + 1}`);
      if (r + 1 < rows) twoWay(`g${r}${c}`, `g${r + 1}${c}`);
    }
  }
  return net;
}

/** `kind link` of every warning, for compact comparison. */
function summary(report: ConnectivityReport): string[] {
  return report.warnings.map((w) => `${w.kind} ${'link' in w ? w.link : w.junction}`);
}

describe('analyseConnectivity', () => {
  it('finds one component and no warnings on a connected grid', () => {
    const net = grid(3, 3);
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.components).toBe(1);
    expect(report.largestComponent).toBe(0);
    expect(report.largestComponentSize).toBe(24);
    expect([...report.componentOf]).toEqual(new Array(24).fill(0));
    expect(report.warnings).toEqual([]);
  });

  it('reports one-way links into a junction with no exit as dead-end', () => {
    const net = grid(3, 3);
    net.addJunction({ id: 'T', x: 50, y: -50 });
    net.addLink({ id: 'to-trap-1', from: 'g00', to: 'T', speed: 10 });
    net.addLink({ id: 'to-trap-2', from: 'g01', to: 'T', speed: 10 });
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.largestComponentSize).toBe(24);
    expect(summary(report)).toEqual(['dead-end to-trap-1', 'dead-end to-trap-2']);
    const message = report.warnings[0].message;
    expect(message).toContain('"to-trap-1"');
    expect(message).toContain('"g00"');
    expect(message).toContain('"T"');
  });

  it('reports a link no permitted movement enters as unreachable', () => {
    const net = grid(3, 3);
    net.addLink({ id: 'bypass', from: 'g00', to: 'g01', length: 120, speed: 10 });
    // Movements out of the bypass only: turning into it is banned everywhere.
    net.addMovement({ from: 'bypass', to: 'g01>g11' });
    net.addDefaultMovements({ junctions: net.junctions().map((j) => j.id).filter((id) => id !== 'g00') });
    for (const from of ['g01>g00', 'g10>g00']) {
      for (const to of ['g00>g01', 'g00>g10']) if (net.link(to).to !== net.link(from).from) net.addMovement({ from, to });
    }
    const report = analyseConnectivity(compile(net));
    expect(summary(report)).toEqual(['unreachable bypass']);
    expect(report.warnings[0].message).toMatch(/"bypass".*"g00".*"g01"/);
  });

  it('reports a link with no movement in or out as isolated', () => {
    const net = grid(3, 3);
    net.addDefaultMovements();
    net.addLink({ id: 'orphan', from: 'g10', to: 'g11', length: 120, speed: 10 });
    const report = analyseConnectivity(compile(net));
    expect(report.components).toBe(2);
    expect(summary(report)).toEqual(['isolated orphan']);
  });

  it('does not warn about a fringe stub where demand enters and leaves', () => {
    const net = grid(3, 3);
    net.addJunction({ id: 'stub', x: -100, y: 0 });
    net.addLink({ id: 'in', from: 'stub', to: 'g00', speed: 10 });
    net.addLink({ id: 'out', from: 'g00', to: 'stub', speed: 10 });
    net.addDefaultMovements(); // no U-turn at the stub: `in` and `out` stay outside the main component
    const report = analyseConnectivity(compile(net));
    expect(report.components).toBe(3);
    expect(report.largestComponentSize).toBe(24);
    expect(report.componentOf[compile(net).linkIndex('in')]).not.toBe(report.largestComponent);
    expect(report.warnings).toEqual([]);
  });

  it('does not warn about a boundary road drawn with a shape point', () => {
    const net = grid(3, 3);
    net.addJunction({ id: 'edge', x: -200, y: 0 });
    net.addJunction({ id: 'bend', x: -100, y: 10 });
    net.addLink({ id: 'in-1', from: 'edge', to: 'bend', speed: 10 });
    net.addLink({ id: 'in-2', from: 'bend', to: 'g00', speed: 10 });
    net.addLink({ id: 'out-1', from: 'g00', to: 'bend', speed: 10 });
    net.addLink({ id: 'out-2', from: 'bend', to: 'edge', speed: 10 });
    net.addDefaultMovements();
    expect(analyseConnectivity(compile(net)).warnings).toEqual([]);
  });

  it('still reports a trap behind a fringe entry', () => {
    const net = grid(3, 3);
    net.addJunction({ id: 'edge', x: -200, y: 0 });
    net.addJunction({ id: 'X', x: -100, y: 0 });
    net.addJunction({ id: 'T', x: -100, y: -100 });
    net.addLink({ id: 'edge-X', from: 'edge', to: 'X', speed: 10 });
    net.addLink({ id: 'X-g00', from: 'X', to: 'g00', speed: 10 });
    net.addLink({ id: 'X-T', from: 'X', to: 'T', speed: 10 });
    net.addLink({ id: 'g10-T', from: 'g10', to: 'T', speed: 10 });
    net.addDefaultMovements();
    // X-T is reached through the entry edge-X, but T has no exit and two neighbours.
    expect(summary(analyseConnectivity(compile(net)))).toEqual(['dead-end X-T', 'dead-end g10-T']);
  });

  // Changed with the entry/exit rules: this piece used to give
  // ['dead-end AB', 'unreachable BA', 'unreachable BC', 'dead-end CB'] because it
  // was judged against the main network alone, although A -> B -> C and back are
  // working fringe-to-fringe trips.
  it('does not warn about a detached street trips can cross fringe to fringe', () => {
    const net = grid(3, 3);
    for (const [id, x] of [['A', 500], ['B', 600], ['C', 700]] as const) net.addJunction({ id, x, y: 0 });
    for (const [a, b] of [['A', 'B'], ['B', 'C']]) {
      net.addLink({ id: `${a}${b}`, from: a, to: b, speed: 10 });
      net.addLink({ id: `${b}${a}`, from: b, to: a, speed: 10 });
    }
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.components).toBe(5); // the grid and four single links: it shows here
    expect(report.warnings).toEqual([]);
  });

  it('reports every link of a detached one-way loop as isolated', () => {
    const net = grid(3, 3);
    for (const [id, x, y] of [['A', 500, 0], ['B', 600, 0], ['C', 550, 100]] as const) net.addJunction({ id, x, y });
    for (const [a, b] of [['A', 'B'], ['B', 'C'], ['C', 'A']]) net.addLink({ id: `${a}${b}`, from: a, to: b, speed: 10 });
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.largestComponentSize).toBe(24);
    expect(summary(report)).toEqual(['isolated AB', 'isolated BC', 'isolated CA']);
  });

  it('raises no warning on acyclic generated networks (fringe to fringe, no U-turns)', () => {
    for (const net of [corridor(4, 200), corridor(1, 200), gridGenerator(1, 4), gridGenerator(1, 1, { attachLength: 100 })]) {
      const report = analyseConnectivity(compile(net));
      expect(report.largestComponentSize).toBe(1); // no cycle: no main network
      expect(report.warnings).toEqual([]);
    }
  });

  it('raises no warning on generated grids with a main network', () => {
    expect(analyseConnectivity(compile(gridGenerator(5, 5))).warnings).toEqual([]);
    const attached = analyseConnectivity(compile(gridGenerator(3, 3, { attachLength: 100 })));
    expect(attached.largestComponentSize).toBe(24);
    expect(attached.warnings).toEqual([]);
  });

  /** A hand-built acyclic corridor w - a - b - e (two-way streets; no U-turns once default movements are added), optionally with junction T beside a and b. */
  function acyclicCorridor(withT = true): RoadNetwork {
    const net = new RoadNetwork();
    for (const [id, x, y] of [['w', -100, 0], ['a', 0, 0], ['b', 100, 0], ['e', 200, 0]] as const) net.addJunction({ id, x, y });
    if (withT) net.addJunction({ id: 'T', x: 50, y: 80 });
    for (const [p, q] of [['w', 'a'], ['a', 'b'], ['b', 'e']]) {
      net.addLink({ id: `${p}>${q}`, from: p, to: q, speed: 10 });
      net.addLink({ id: `${q}>${p}`, from: q, to: p, speed: 10 });
    }
    return net;
  }

  it('still reports one-way links into a non-fringe junction without exit as dead-end in an acyclic network', () => {
    const net = acyclicCorridor();
    net.addLink({ id: 'a>T', from: 'a', to: 'T', speed: 10 });
    net.addLink({ id: 'b>T', from: 'b', to: 'T', speed: 10 });
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.largestComponentSize).toBe(1);
    expect(summary(report)).toEqual(['dead-end a>T', 'dead-end b>T']);
    expect(report.warnings[0].message).toMatch(/"a>T".*"a".*"T"/);
  });

  it('still reports one-way links out of a non-fringe junction nothing enters as unreachable in an acyclic network', () => {
    const net = acyclicCorridor();
    net.addLink({ id: 'T>a', from: 'T', to: 'a', speed: 10 });
    net.addLink({ id: 'T>b', from: 'T', to: 'b', speed: 10 });
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.largestComponentSize).toBe(1);
    expect(summary(report)).toEqual(['unreachable T>a', 'unreachable T>b']);
  });

  it('reports a link of an acyclic network whose entering turns are all banned as unreachable', () => {
    const net = acyclicCorridor(false);
    net.addLink({ id: 'bypass', from: 'a', to: 'b', length: 120, speed: 10 });
    // Every movement but those into the bypass (and U-turns); out of it at b by default.
    net.addDefaultMovements({ junctions: ['w', 'b', 'e'] });
    net.addMovement({ from: 'w>a', to: 'a>b' });
    net.addMovement({ from: 'b>a', to: 'a>w' });
    const report = analyseConnectivity(compile(net));
    expect(report.largestComponentSize).toBe(1);
    expect(summary(report)).toEqual(['unreachable bypass']);
  });

  it('reports an isolated junction', () => {
    const net = grid(3, 3);
    net.addJunction({ id: 'Rotunda de Carlos da Maia', x: 900, y: 900 });
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(report.warnings).toEqual([
      { kind: 'isolated-junction', junction: 'Rotunda de Carlos da Maia', message: expect.stringContaining('"Rotunda de Carlos da Maia"') },
    ]);
  });

  it('handles a network without links', () => {
    const net = new RoadNetwork();
    net.addJunction({ id: 'a', x: 0, y: 0 });
    const report = analyseConnectivity(compile(net));
    expect(report).toMatchObject({ components: 0, largestComponent: -1, largestComponentSize: 0 });
    expect(report.componentOf.length).toBe(0);
    expect(summary(report)).toEqual(['isolated-junction a']);
    expect(analyseConnectivity(compile(new RoadNetwork())).warnings).toEqual([]);
  });

  it('numbers components in reverse topological order and matches brute-force reachability', () => {
    const randomNet = fc
      .integer({ min: 2, max: 9 })
      .chain((junctions) =>
        fc.record({
          junctions: fc.constant(junctions),
          links: fc.array(fc.tuple(fc.integer({ min: 0, max: junctions - 1 }), fc.integer({ min: 0, max: junctions - 1 })), { maxLength: 24 }),
          keep: fc.array(fc.boolean(), { minLength: 600, maxLength: 600 }),
        }),
      );
    fc.assert(
      fc.property(randomNet, ({ junctions, links, keep }) => {
        const network = new RoadNetwork();
        for (let j = 0; j < junctions; j++) network.addJunction({ id: `j${j}`, x: (j % 3) * 100, y: Math.floor(j / 3) * 100 });
        const kept = links.filter(([a, b]) => a !== b);
        kept.forEach(([a, b], i) => network.addLink({ id: `l${i}`, from: `j${a}`, to: `j${b}`, length: 100, speed: 10 }));
        kept.forEach(([, b], i) => kept.forEach(([c], k) => {
          if (b === c && keep[i * 24 + k]) network.addMovement({ from: `l${i}`, to: `l${k}` });
        }));
        const net = compile(network);
        const report = analyseConnectivity(net);
        const m = net.linkCount;
        const reach = reachability(net);
        for (let a = 0; a < m; a++) {
          for (let b = 0; b < m; b++) {
            expect(report.componentOf[a] === report.componentOf[b]).toBe(reach[a][b] && reach[b][a]);
          }
        }
        for (let e = 0; e < net.movementCount; e++) {
          expect(report.componentOf[net.movementTo[e]]).toBeLessThanOrEqual(report.componentOf[net.movementFrom[e]]);
        }
        expect(new Set(report.componentOf).size).toBe(report.components);
        const sizes = new Map<number, number>();
        for (const c of report.componentOf) sizes.set(c, (sizes.get(c) ?? 0) + 1);
        expect(report.largestComponentSize).toBe(m === 0 ? 0 : Math.max(...sizes.values()));
        // Warnings against a brute-force oracle of the rules.
        expect(oracle(net, report)).toEqual(summary(report).filter((w) => !w.startsWith('isolated-junction')));
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('survives a 50,000-link one-way chain without recursion', () => {
    const n = 50_000;
    const network = new RoadNetwork();
    for (let j = 0; j <= n; j++) network.addJunction({ id: `j${j}`, x: j * 10, y: 0 });
    for (let l = 0; l < n; l++) network.addLink({ id: `l${l}`, from: `j${l}`, to: `j${l + 1}`, speed: 10 });
    for (let l = 0; l + 1 < n; l++) network.addMovement({ from: `l${l}`, to: `l${l + 1}` });
    const report = analyseConnectivity(compile(network));
    expect(report.components).toBe(n);
    expect(report.largestComponentSize).toBe(1);
    // Tarjan completes the far end first: component ids fall along the chain.
    expect(report.componentOf[0]).toBe(n - 1);
    expect(report.componentOf[n - 1]).toBe(0);
    // Fringe to fringe: every link lies on the route from the entry at j0 to the exit.
    expect(report.warnings).toEqual([]);
  });

  it('survives a 50,000-link two-way chain that is one component', () => {
    const half = 25_000;
    const network = new RoadNetwork();
    for (let j = 0; j <= half; j++) network.addJunction({ id: `j${j}`, x: j * 10, y: 0 });
    for (let l = 0; l < half; l++) {
      network.addLink({ id: `f${l}`, from: `j${l}`, to: `j${l + 1}`, speed: 10 });
      network.addLink({ id: `b${l}`, from: `j${l + 1}`, to: `j${l}`, speed: 10 });
    }
    for (let l = 0; l + 1 < half; l++) {
      network.addMovement({ from: `f${l}`, to: `f${l + 1}` });
      network.addMovement({ from: `b${l + 1}`, to: `b${l}` });
    }
    network.addMovement({ from: `f${half - 1}`, to: `b${half - 1}` }); // U-turns at both ends
    network.addMovement({ from: 'b0', to: 'f0' });
    const report = analyseConnectivity(compile(network));
    expect(report.components).toBe(1);
    expect(report.largestComponentSize).toBe(2 * half);
    expect(report.warnings).toEqual([]);
  });
});

/**
 * The link warnings the header rules prescribe, by brute force: the main network
 * is the largest component if it holds a cycle; entries start at a fringe
 * junction or lie in it, exits end at one or lie in it; a link is unreachable
 * when no entry reaches it and a dead end when it reaches no exit.
 */
function oracle(net: CompiledNetwork, report: ConnectivityReport): string[] {
  const m = net.linkCount;
  const reach = reachability(net);
  const neighbours = Array.from({ length: net.junctionCount }, () => new Set<number>());
  for (let l = 0; l < m; l++) {
    neighbours[net.linkFrom[l]].add(net.linkTo[l]);
    neighbours[net.linkTo[l]].add(net.linkFrom[l]);
  }
  const fringe = (j: number): boolean => neighbours[j].size === 1;
  const inLargest = [...Array(m).keys()].filter((l) => report.componentOf[l] === report.largestComponent);
  const cyclic = inLargest.length > 1 || inLargest.some((l) => {
    for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) if (net.movementTo[e] === l) return true;
    return false;
  });
  const main = new Set(cyclic ? inLargest : []);
  const entries = [...Array(m).keys()].filter((l) => fringe(net.linkFrom[l]) || main.has(l));
  const exits = [...Array(m).keys()].filter((l) => fringe(net.linkTo[l]) || main.has(l));
  const out: string[] = [];
  for (let l = 0; l < m; l++) {
    const unreachable = !entries.some((x) => reach[x][l]);
    const deadEnd = !exits.some((x) => reach[l][x]);
    const kind = unreachable && deadEnd ? 'isolated' : unreachable ? 'unreachable' : deadEnd ? 'dead-end' : '';
    if (kind !== '') out.push(`${kind} ${net.linkKey(l)}`);
  }
  return out;
}

/** reach[a][b]: link b can be reached from link a (a reaches itself), by BFS from every link. */
function reachability(net: CompiledNetwork): boolean[][] {
  const m = net.linkCount;
  const reach: boolean[][] = [];
  for (let a = 0; a < m; a++) {
    const seen = new Array<boolean>(m).fill(false);
    seen[a] = true;
    const queue = [a];
    while (queue.length > 0) {
      const l = queue.shift()!;
      for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) {
        const w = net.movementTo[e];
        if (!seen[w]) {
          seen[w] = true;
          queue.push(w);
        }
      }
    }
    reach.push(seen);
  }
  return reach;
}

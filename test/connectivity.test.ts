/**
 * analyseConnectivity: strongly connected components of the link graph (checked
 * against brute-force mutual reachability on random networks) and the warning
 * rules of engine/network/connectivity.ts: dead ends, unreachable and isolated
 * links, the fringe exemption, isolated junctions; and a 200,000-link chain that a
 * recursive Tarjan would not survive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../engine/network/compile.js';
import type { CompiledNetwork } from '../engine/network/compiled.js';
import { analyseConnectivity, type ConnectivityReport } from '../engine/network/connectivity.js';
import { RoadNetwork } from '../engine/network/road-network.js';

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

  it('reports every link of a detached piece', () => {
    const net = grid(3, 3);
    for (const [id, x] of [['A', 500], ['B', 600], ['C', 700]] as const) net.addJunction({ id, x, y: 0 });
    for (const [a, b] of [['A', 'B'], ['B', 'C']]) {
      net.addLink({ id: `${a}${b}`, from: a, to: b, speed: 10 });
      net.addLink({ id: `${b}${a}`, from: b, to: a, speed: 10 });
    }
    net.addDefaultMovements();
    const report = analyseConnectivity(compile(net));
    expect(summary(report)).toEqual(['dead-end AB', 'unreachable BA', 'unreachable BC', 'dead-end CB']);
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
        // Necessary conditions of each warning, from brute force.
        const main = [...Array(m).keys()].filter((l) => report.componentOf[l] === report.largestComponent);
        for (const w of report.warnings) {
          if (!('link' in w)) continue;
          const l = net.linkIndex(w.link);
          expect(report.componentOf[l]).not.toBe(report.largestComponent);
          if (w.kind !== 'dead-end') expect(main.some((x) => reach[x][l])).toBe(false);
          if (w.kind !== 'unreachable') expect(main.some((x) => reach[l][x])).toBe(false);
        }
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('survives a 200,000-link one-way chain without recursion', () => {
    const n = 200_000;
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

  it('survives a 200,000-link two-way chain that is one component', () => {
    const half = 100_000;
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

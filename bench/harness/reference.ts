/**
 * The reference workload: a fixed piece of work that does not depend on
 * greenwave's code (graphology's `dijkstra.singleSource` on a seeded 60x60 grid
 * graph), timed beside a peer that cannot run in this process (SUMO, duarouter,
 * CityFlow) when that peer's figure is recorded, and timed again, interleaved
 * with greenwave, whenever the gate runs. A slower or busier machine slows the
 * reference with it, so "greenwave against the recorded peer" becomes
 * (peer / reference, recorded) x (reference / greenwave, measured now): no
 * absolute time enters a gate.
 *
 * Change nothing here without re-recording the peers (`npm run bench:record-peers`)
 * and raising REFERENCE_VERSION: the recorded figures are only valid against
 * this exact workload.
 */
import { DirectedGraph } from 'graphology';
import { singleSource } from 'graphology-shortest-path/dijkstra.js';
import { seededRandom } from './basics.js';
import type { Side } from './compare.js';

/** Version of the reference workload the recorded figures were measured against. */
export const REFERENCE_VERSION = 1;

/** Name of the reference workload as results show it. */
export const REFERENCE_NAME = 'reference workload (graphology singleSource, 60x60 grid)';

/** The reference workload as a comparison side: one call = one shortest-path tree. */
export function referenceWorkload(): Side {
  const size = 60;
  const rnd = seededRandom(20261206);
  const g = new DirectedGraph();
  for (let i = 0; i < size * size; i++) g.addNode(String(i));
  const link = (a: number, b: number): void => {
    g.addEdge(String(a), String(b), { weight: 10 + 5 * rnd() });
  };
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      if (c + 1 < size) { link(i, i + 1); link(i + 1, i); }
      if (r + 1 < size) { link(i, i + size); link(i + size, i); }
    }
  }
  const origins = [0, size * size - 1, (size * size) >> 1, size - 1];
  let call = 0;
  return {
    name: REFERENCE_NAME,
    run: () => Object.keys(singleSource(g, String(origins[call++ % origins.length]), 'weight')).length,
  };
}

/**
 * The network changes of a what-if overlay (overlay.ts), applied by the builder
 * to the network before it is compiled: links closed, changed and added. On its
 * own, without zod, so that building an ordinary scenario loads nothing more.
 */
import { NetworkError, ScenarioError, type ScenarioProblem } from '../errors.js';
import type { RoadNetwork } from '../network/road-network.js';

/** A network change as the builder applies it, with where it was written. */
export type NetworkChange =
  | { kind: 'close'; link: string; at: ScenarioProblem }
  | { kind: 'update'; link: string; lanes?: number; speed?: number; at: ScenarioProblem }
  | { kind: 'add'; id: string; from: string; to: string; length?: number; lanes?: number; speed: number; at: ScenarioProblem };

/**
 * Apply `changes` to `network` in order (the builder calls it before compiling).
 * Throws `ScenarioError` located at the change when a link or junction is unknown,
 * a new link's id is taken, or a value is refused.
 */
export function applyNetworkChanges(network: RoadNetwork, changes: readonly NetworkChange[]): void {
  const problems: ScenarioProblem[] = [];
  for (const c of changes) {
    try {
      if (c.kind === 'close') network.removeLink(c.link);
      else if (c.kind === 'update') network.updateLink(c.link, { ...(c.lanes === undefined ? {} : { lanes: c.lanes }), ...(c.speed === undefined ? {} : { speed: c.speed }) });
      else {
        network.addLink({ id: c.id, from: c.from, to: c.to, speed: c.speed, ...(c.length === undefined ? {} : { length: c.length }), ...(c.lanes === undefined ? {} : { lanes: c.lanes }) });
        // Every turn into the new link at its start and out of it at its end, no U-turns.
        for (const inLink of network.graph.inEdges(c.from)) if (network.graph.source(inLink) !== c.to) network.addMovement({ from: inLink, to: c.id });
        for (const outLink of network.graph.outEdges(c.to)) if (network.graph.target(outLink) !== c.from) network.addMovement({ from: c.id, to: outLink });
      }
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      problems.push({ ...c.at, message: `cannot apply this change: ${e.message}` });
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
}

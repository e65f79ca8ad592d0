/**
 * `analyseConnectivity(net)`: where can trips go? The analysis runs on the LINK
 * graph of a compiled network (one node per link, one edge per movement), not on
 * the junction graph, because turn restrictions decide reachability: a link whose
 * every entering turn is banned is unreachable even though its junction is not.
 *
 * What a planner needs to know is whether some trip can use each link: a link is
 * fine when some entry reaches it and it reaches some exit. Rules, in order:
 *  1. Strongly connected components of the link graph are found with an
 *     iterative Tarjan over typed arrays (no recursion: real networks have 100k+
 *     links). Components are numbered in the order Tarjan completes them, a
 *     reverse topological order of the condensation: a movement never leads to a
 *     component with a higher id. The largest component is reported as
 *     `largestComponent` (ties: the lowest id).
 *  2. The largest component is the MAIN NETWORK only if it holds a cycle: more
 *     than one link, or one link with a movement to itself. Otherwise (the link
 *     graph is acyclic, as in a corridor or a grid(1, n) without U-turns, where
 *     every trip runs fringe to fringe) there is no main network, and a single
 *     link chosen by size would be arbitrary.
 *  3. A fringe junction has exactly one distinct neighbouring junction (counting
 *     links in both directions, parallel links once): a dead-end stub where demand
 *     enters and leaves the modelled area.
 *  4. ENTRIES are the links that start at a fringe junction plus the links of the
 *     main network; EXITS are the links that end at a fringe junction plus the
 *     links of the main network. A link is `reached` if some entry reaches it
 *     along permitted movements (an entry reaches itself) and `drains` if it
 *     reaches some exit (an exit reaches itself). One forward search from all
 *     entries and one backward search from all exits decide both.
 *  5. Every link is then judged (main-network links always pass):
 *       - `unreachable`: not reached;
 *       - `dead-end`: does not drain;
 *       - `isolated`: both of the above.
 *     One warning per link at most. A detached piece that trips can cross from
 *     fringe to fringe (a lone two-way street) raises no link warning; it shows
 *     in `components`. A detached piece with no fringe entry or exit (a one-way
 *     loop, a trap) is warned link by link.
 *  6. A junction with no link at all gives an `isolated-junction` warning.
 * Link warnings come first, in link index order, then junction warnings.
 *
 * Cost: O(links + movements) time, a handful of typed arrays of length `links`.
 */
import type { CompiledNetwork } from './compiled.js';

/** What a {@link ConnectivityWarning} reports. */
export type ConnectivityWarningKind = 'unreachable' | 'dead-end' | 'isolated' | 'isolated-junction';

/** A link that no trip can use: no entry reaches it, or it reaches no exit. */
export interface LinkConnectivityWarning {
  /**
   * `unreachable`: no permitted route from an entry (a fringe junction or the main
   * network) leads into it; `dead-end`: no permitted route from it leads to an exit
   * (a fringe junction or the main network); `isolated`: neither.
   */
  kind: 'unreachable' | 'dead-end' | 'isolated';
  /** Link id. */
  link: string;
  /** Human-readable, names the link and its junctions. */
  message: string;
}

/** A junction that no link touches. */
export interface JunctionConnectivityWarning {
  kind: 'isolated-junction';
  /** Junction id. */
  junction: string;
  /** Human-readable, names the junction. */
  message: string;
}

/** One finding of {@link analyseConnectivity}. */
export type ConnectivityWarning = LinkConnectivityWarning | JunctionConnectivityWarning;

/** Result of {@link analyseConnectivity}. */
export interface ConnectivityReport {
  /** Number of strongly connected components of the link graph (0 without links). */
  components: number;
  /**
   * Id of the largest component (-1 without links). It is the main network only
   * when it holds a cycle (more than one link, or a link that turns into itself);
   * in an acyclic link graph every component is a single link and this one is
   * merely the lowest-numbered.
   */
  largestComponent: number;
  /** Links in the largest component (0 without links). */
  largestComponentSize: number;
  /** Component id of each link, indexed by link index, in `0 .. components-1`. */
  componentOf: Int32Array;
  /** Findings, links (by index) first, then junctions. */
  warnings: ConnectivityWarning[];
}

/** The link graph as CSR arrays: the movements of link l go to `movementTo[movementOffsets[l] .. movementOffsets[l+1])`. */
export type LinkGraph = Pick<CompiledNetwork, 'linkCount' | 'movementOffsets' | 'movementTo'>;

/**
 * Strongly connected components of the link graph, iterative Tarjan.
 * Fills `component` (by link index) and returns the number of components.
 * Importers call it on a link graph they are still building.
 */
export function tarjan(net: LinkGraph, component: Int32Array): number {
  const m = net.linkCount;
  const { movementOffsets: off, movementTo: to } = net;
  const index = new Int32Array(m).fill(-1);
  const low = new Int32Array(m);
  const next = new Int32Array(m); // next movement to scan, per link on the call stack
  const stack = new Int32Array(m); // Tarjan's stack of links in open components
  const onStack = new Uint8Array(m);
  const call = new Int32Array(m); // explicit DFS call stack
  let counter = 0;
  let sp = 0;
  let components = 0;

  for (let root = 0; root < m; root++) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = counter++;
    next[root] = off[root];
    stack[sp++] = root;
    onStack[root] = 1;
    let cp = 0;
    call[cp++] = root;
    while (cp > 0) {
      const v = call[cp - 1];
      const e = next[v];
      if (e < off[v + 1]) {
        next[v] = e + 1;
        const w = to[e];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          next[w] = off[w];
          stack[sp++] = w;
          onStack[w] = 1;
          call[cp++] = w;
        } else if (onStack[w] === 1 && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      // Every movement of v scanned: return from v.
      cp--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
      if (cp > 0) {
        const u = call[cp - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return components;
}

/**
 * Mark every link reachable from the links already marked in `mark` (listed in
 * `queue[0 .. count)`), forward along movements or, with `backward`, against
 * them. Iterative breadth-first search; `mark` and `queue` are updated in place.
 */
function closure(net: CompiledNetwork, mark: Uint8Array, queue: Int32Array, count: number, backward: boolean): void {
  const { movementOffsets, movementTo, movementInOffsets, movementIn, movementFrom } = net;
  let head = 0;
  let tail = count;
  while (head < tail) {
    const l = queue[head++];
    if (backward) {
      for (let i = movementInOffsets[l], end = movementInOffsets[l + 1]; i < end; i++) {
        const w = movementFrom[movementIn[i]];
        if (mark[w] === 0) {
          mark[w] = 1;
          queue[tail++] = w;
        }
      }
    } else {
      for (let e = movementOffsets[l], end = movementOffsets[l + 1]; e < end; e++) {
        const w = movementTo[e];
        if (mark[w] === 0) {
          mark[w] = 1;
          queue[tail++] = w;
        }
      }
    }
  }
}

/**
 * Fringe flag per junction: 1 when the junction has exactly one distinct
 * neighbouring junction over its outgoing and incoming links.
 */
function fringeJunctions(net: CompiledNetwork): Uint8Array {
  const n = net.junctionCount;
  const { junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, linkFrom, linkTo } = net;
  const fringe = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    let neighbour = -1;
    let distinct = 0;
    for (let i = junctionOutOffsets[j], end = junctionOutOffsets[j + 1]; i < end && distinct < 2; i++) {
      const k = linkTo[junctionOutLinks[i]];
      if (k !== neighbour) {
        neighbour = k;
        distinct++;
      }
    }
    for (let i = junctionInOffsets[j], end = junctionInOffsets[j + 1]; i < end && distinct < 2; i++) {
      const k = linkFrom[junctionInLinks[i]];
      if (k !== neighbour) {
        neighbour = k;
        distinct++;
      }
    }
    // `distinct` reaches 2 at the first neighbour that differs from the one before it.
    if (distinct === 1) fringe[j] = 1;
  }
  return fringe;
}

/**
 * Strongly connected components of the link graph (turn restrictions included)
 * and warnings for links trips cannot fully use; see the file header for the
 * rules. O(links + movements).
 */
export function analyseConnectivity(net: CompiledNetwork): ConnectivityReport {
  const m = net.linkCount;
  const n = net.junctionCount;
  const { linkFrom, linkTo } = net;
  const component = new Int32Array(m);
  const componentCount = tarjan(net, component);

  let largestComponent = -1;
  let largestComponentSize = 0;
  if (componentCount > 0) {
    const sizes = new Int32Array(componentCount);
    for (let l = 0; l < m; l++) sizes[component[l]]++;
    for (let c = 0; c < componentCount; c++) {
      if (sizes[c] > largestComponentSize) {
        largestComponentSize = sizes[c];
        largestComponent = c;
      }
    }
  }

  const warnings: ConnectivityWarning[] = [];
  if (m > 0) {
    // The largest component is the main network only if it holds a cycle.
    let main = largestComponent;
    if (largestComponentSize === 1) {
      main = -1;
      const { movementOffsets, movementTo } = net;
      for (let l = 0; l < m && main === -1; l++) {
        if (component[l] !== largestComponent) continue;
        for (let e = movementOffsets[l], end = movementOffsets[l + 1]; e < end; e++) {
          if (movementTo[e] === l) {
            main = largestComponent;
            break;
          }
        }
      }
    }

    const fringe = fringeJunctions(net);
    const reached = new Uint8Array(m);
    const drains = new Uint8Array(m);
    const queue = new Int32Array(m);

    // Forward from every entry: links starting at a fringe junction, and the main network.
    let count = 0;
    for (let l = 0; l < m; l++) {
      if (fringe[linkFrom[l]] === 1 || component[l] === main) {
        reached[l] = 1;
        queue[count++] = l;
      }
    }
    closure(net, reached, queue, count, false);

    // Backward from every exit: links ending at a fringe junction, and the main network.
    count = 0;
    for (let l = 0; l < m; l++) {
      if (fringe[linkTo[l]] === 1 || component[l] === main) {
        drains[l] = 1;
        queue[count++] = l;
      }
    }
    closure(net, drains, queue, count, true);

    for (let l = 0; l < m; l++) {
      const unreachable = reached[l] === 0;
      const deadEnd = drains[l] === 0;
      if (!unreachable && !deadEnd) continue;
      const id = net.linkKey(l);
      const where = `link "${id}" (junction "${net.junctionKey(linkFrom[l])}" -> junction "${net.junctionKey(linkTo[l])}")`;
      if (unreachable && deadEnd) {
        warnings.push({
          kind: 'isolated',
          link: id,
          message: `${where} is isolated: no permitted route from an entry (a fringe junction or the main network) reaches it and none from it reaches an exit`,
        });
      } else if (unreachable) {
        warnings.push({
          kind: 'unreachable',
          link: id,
          message: `${where} is unreachable: no permitted route from an entry (a fringe junction or the main network) leads into it`,
        });
      } else {
        warnings.push({
          kind: 'dead-end',
          link: id,
          message: `${where} is a dead end: no permitted route from it leads to an exit (a fringe junction or the main network)`,
        });
      }
    }
  }

  const { junctionOutOffsets, junctionInOffsets } = net;
  for (let j = 0; j < n; j++) {
    if (junctionOutOffsets[j + 1] === junctionOutOffsets[j] && junctionInOffsets[j + 1] === junctionInOffsets[j]) {
      const id = net.junctionKey(j);
      warnings.push({ kind: 'isolated-junction', junction: id, message: `junction "${id}" is isolated: no link starts or ends there` });
    }
  }

  return { components: componentCount, largestComponent, largestComponentSize, componentOf: component, warnings };
}

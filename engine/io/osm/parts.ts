/**
 * The strongly connected parts of an import's link graph: found on the movement
 * sets before any network is built (Tarjan), described by size, length and
 * street names, and listed as warnings when cut off from the largest part.
 */
import { tarjan } from '../../network/connectivity.js';
import type { ComponentPolicy, LinkRec, MovementSets } from './records.js';
import type { ImportReport } from './report.js';

/** Strongly connected components of the candidate links' graph (movements as edges), and the largest. */
export function linkComponents(m: number, moves: MovementSets): { component: Int32Array; count: number; largest: number; largestSize: number } {
  const movementOffsets = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) movementOffsets[i + 1] = movementOffsets[i] + moves[i].size;
  const movementTo = new Int32Array(movementOffsets[m]);
  for (let i = 0, e = 0; i < m; i++) for (const o of moves[i]) movementTo[e++] = o;
  const component = new Int32Array(m);
  const count = tarjan({ linkCount: m, movementOffsets, movementTo }, component);
  const size = new Int32Array(count);
  for (let i = 0; i < m; i++) size[component[i]]++;
  let largest = 0;
  for (let c = 1; c < count; c++) if (size[c] > size[largest]) largest = c;
  return { component, count, largest, largestSize: count > 0 ? size[largest] : 0 };
}

/** A strongly connected part of the link graph: its size, length and main street names. */
export interface Part {
  links: number;
  /** Length along the geometry, m. */
  length: number;
  /** Street names by the length they have in the part, longest first. */
  names: string[];
}

/** Size, length and names of every strongly connected component. */
export function describeParts(links: readonly LinkRec[], component: Int32Array, count: number): Part[] {
  const parts = Array.from({ length: count }, () => ({ links: 0, length: 0, byName: new Map<string, number>() }));
  links.forEach((l, i) => {
    const p = parts[component[i]];
    p.links++;
    p.length += l.length;
    if (l.name !== undefined) p.byName.set(l.name, (p.byName.get(l.name) ?? 0) + l.length);
  });
  return parts.map((p) => ({ links: p.links, length: p.length, names: [...p.byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n]) => n) }));
}

const km = (m: number): string => (m / 1000).toFixed(m < 10_000 ? 2 : 1);
const streets = (names: readonly string[], most = 3): string =>
  names.length === 0 ? 'no street names' : `${names.slice(0, most).join(', ')}${names.length > most ? ` and ${names.length - most} more streets` : ''}`;

/**
 * Warnings for every part cut off from the largest: parts of two or more links one
 * by one (largest first), single links (one-way stubs on no cycle) summed per
 * kept/dropped, each with its size, length and street names.
 */
export function reportParts(parts: readonly Part[], largest: number, keep: (c: number) => boolean, policy: ComponentPolicy, report: ImportReport): void {
  const main = parts[largest];
  const others = parts.map((p, c) => ({ ...p, c })).filter((p) => p.c !== largest).sort((a, b) => b.links - a.links || b.length - a.length || a.c - b.c);
  const rule = policy === 'largest' ? 'components: largest' : `components: ${policy} (parts of fewer links are dropped)`;
  report.warn('parts', `the largest part of the network has ${main.links} links (${km(main.length)} km; ${streets(main.names)}); every other part is listed below: no trip can go from it to the largest part and back`);
  const singles = { kept: { links: 0, length: 0, names: new Map<string, number>() }, dropped: { links: 0, length: 0, names: new Map<string, number>() } };
  for (const p of others) {
    const kept = keep(p.c);
    if (p.links === 1) {
      const s = kept ? singles.kept : singles.dropped;
      s.links++;
      s.length += p.length;
      for (const n of p.names) s.names.set(n, (s.names.get(n) ?? 0) + p.length);
      continue;
    }
    report.count(kept ? 'parts cut off from the largest: kept' : 'parts cut off from the largest: dropped');
    report.warn('parts', `${kept ? 'kept' : 'dropped'}: a part of ${p.links} links (${km(p.length)} km; ${streets(p.names)}) is cut off from the largest part (${rule})`);
  }
  for (const [what, s] of [['kept', singles.kept], ['dropped', singles.dropped]] as const) {
    if (s.links === 0) continue;
    const names = [...s.names].sort((a, b) => b[1] - a[1]).map(([n]) => n);
    report.warn('parts', `${what}: ${s.links} single links on no cycle (one-way stubs, mostly at the edge of the extract; ${km(s.length)} km; ${streets(names)})`);
  }
}

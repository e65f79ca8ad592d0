/**
 * Parts of the OSM import summary that name what was changed: one-way gaps
 * joined, and saturation flows capped where a low speed could not carry the
 * default flow. Each is counted and listed with the way and its street.
 */
import type { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_SATURATION_FLOW } from '../../network/types.js';
import type { LinkRec } from './build.js';
import type { ImportReport } from './report.js';
import type { JoinedGap } from './gaps.js';
import type { WayPiece } from './topology.js';

const street = (name: string | undefined): string => (name === undefined ? '' : ` ("${name}")`);

/** Count and list the one-way gaps {@link joinGaps} closed. */
export function reportGaps(gaps: readonly JoinedGap[], pieces: readonly WayPiece[], osmIds: ArrayLike<number>, report: ImportReport): void {
  if (gaps.length === 0) return;
  const names = new Map<number, string | undefined>();
  for (const p of pieces) if (!names.has(p.wayId)) names.set(p.wayId, p.road.name);
  for (const g of gaps) {
    report.count(g.kind === 'end' ? 'gaps joined: one-way dead ends' : 'gaps joined: one-way starts');
    report.warn('gaps', `one-way way ${g.wayId}${street(names.get(g.wayId))} ${g.kind === 'end' ? 'ended' : 'started'} ${g.distance.toFixed(1)} m from node ${osmIds[g.to]} of another road with no road at node ${osmIds[g.from]}: joined to it`, `way ${g.wayId}`);
  }
}

/** Count and list the links whose saturation flow was capped by their speed (`saturationFlowFor`). */
export function reportCappedFlows(network: RoadNetwork, links: readonly LinkRec[], report: ImportReport): void {
  const byId = new Map(links.map((l) => [l.id, l]));
  const perWay = new Set<number>();
  for (const l of network.links()) {
    if (l.saturationFlow >= DEFAULT_SATURATION_FLOW) continue;
    report.count('saturation flow capped by speed and jam spacing (links)');
    const rec = byId.get(l.id);
    const way = rec?.firstWay;
    if (way === undefined || perWay.has(way)) continue;
    perWay.add(way);
    report.warn(
      'saturation',
      `way ${way}${street(l.name)}, ${rec?.cls ?? 'road'} at ${(l.speed * 3.6).toFixed(0)} km/h: saturation flow capped at ${Math.round(l.saturationFlow * 3600)} veh/h per lane ` +
        `(one vehicle per jam spacing / speed + 1 s; the default 1,800 veh/h cannot pass ${l.jamSpacing} m spacing at that speed)`,
      `way ${way}`,
    );
  }
}

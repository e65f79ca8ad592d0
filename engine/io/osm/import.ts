/**
 * `importOsm(file, options)`: an OpenStreetMap extract (XML, gzipped XML or PBF)
 * to a greenwave car network with generated signal programs and an honest
 * summary of what was read, dropped and guessed.
 *
 * Two streamed passes bound memory by the road network kept, not the file:
 *   pass 1 keeps the `highway` ways of the kept classes (their node references
 *   and tags) and the `type=restriction` relations; pass 2 keeps only the nodes
 *   those ways use (positions, and whether they are `highway=traffic_signals`).
 * Then: tags read as roads (tags.ts), ways cut at missing nodes and at the
 * bounding box, positions projected to metres, one-way gaps joined and topology
 * built (topology.ts), links, movements and the strongly connected parts kept
 * (build.ts), signals from the data and/or guessed (guess.ts), programs generated
 * (signals.ts), and the summary's notes (summary.ts), with the share of the
 * directed car-road length read that was kept.
 *
 * Projection: a local transverse Mercator (proj4, WGS84 ellipsoid, scale 1)
 * centred on the bounding box, the file's bounds or the data's mean position.
 * Its scale error grows with the square of the distance from the central
 * meridian (about 1.2e-6 at 10 km), so lengths in a city extract are exact to
 * well under a metre; junctions keep their lon/lat.
 */
import { checkImportRanges } from '../ranges.js';
import proj4 from 'proj4';
import { InputError } from '../../errors.js';
import type { DrivingSide } from '../../network/types.js';
import type { ImportResult } from '../types.js';
import {
  applyRestrictions,
  buildNetwork,
  defaultMovements,
  directedLinks,
  isRestrictionValue,
  junctionId,
  turnLaneMasks,
  type LinkRec,
  type JunctionInfo,
  type Restriction,
} from './build.js';
import { drivingSideOf } from './countries.js';
import { CLUSTER_DISTANCE, guessSignals } from './guess.js';
import { AUTO_GUESS_SHARE, checkOptions, type OsmImportOptions } from './options.js';
import { readOsm, type OsmRelation } from './reader.js';
import { ImportReport } from './report.js';
import { generatePrograms } from './signals.js';
import { countryTag, readRoad, standardClass, type Tags } from './tags.js';
import { reportCappedFlows, reportGaps } from './summary.js';
import { joinGaps } from './gaps.js';
import { joinClusters, mergeChains, placeSignals, splitWays, type JunctionGroup, type WayPiece } from './topology.js';

interface StoredWay {
  id: number;
  refs: number[];
  tags: Tags;
  where?: string;
}

/**
 * Import an OpenStreetMap file (`.osm`, `.osm.gz` or `.osm.pbf`, detected from its
 * content) as a car network. Rejects with `InputError` (path naming the file,
 * line and element, or the option) for unreadable files and bad options; every
 * oddity in the data is a warning in the result, never a silent drop.
 *
 * The result's `programs` hold a generated fixed-time program per signalised
 * junction; `demand` is empty (OSM has none: see `morningPeakDemand`).
 */
export async function importOsm(file: string, options: OsmImportOptions = {}): Promise<ImportResult> {
  const o = checkOptions(options);
  const report = new ImportReport();
  const votes = new Map<string, number>();
  const vote = (tags: Tags | undefined): void => {
    if (!tags) return;
    const c = countryTag(tags);
    if (c) votes.set(c, (votes.get(c) ?? 0) + 1);
  };

  // Pass 1: highway ways of kept classes, and turn restrictions.
  const ways: StoredWay[] = [];
  const restrictionRelations: OsmRelation[] = [];
  const needed = new Set<number>();
  const seenWays = new Set<number>();
  let bounds: [number, number, number, number] | undefined;
  let wayCount = 0;
  let relationCount = 0;
  await readOsm(file, {
    bounds: (b) => {
      bounds = b;
    },
    way: (w) => {
      wayCount++;
      vote(w.tags);
      const value = w.tags.highway;
      if (value === undefined) return;
      report.count('highway ways read');
      const cls = standardClass(value);
      // Unknown values go on to readRoad, which warns about them.
      if (cls !== undefined && !o.classes.has(cls)) {
        if (cls !== value) report.warnOnce(`highway=${value}`, `highway="${value}" is not a standard value: read as highway="${cls}"`, `way ${w.id}`, w.line !== undefined ? `${file}:${w.line}` : undefined);
        report.count(`dropped: highway=${cls}`);
        return;
      }
      if (seenWays.has(w.id)) {
        report.warnOnce('duplicate way', `way ${w.id} appears more than once in the file: only the first copy is read`, `way ${w.id}`, w.line !== undefined ? `${file}:${w.line}` : undefined);
        report.count('dropped: duplicate ways');
        return;
      }
      seenWays.add(w.id);
      const refs: number[] = [];
      for (const r of w.refs) if (refs[refs.length - 1] !== r) refs.push(r);
      for (const r of refs) needed.add(r);
      ways.push({ id: w.id, refs, tags: w.tags, ...(w.line !== undefined ? { where: `${file}:${w.line}` } : {}) });
    },
    relation: (r) => {
      relationCount++;
      vote(r.tags);
      if (r.tags.type === 'restriction') restrictionRelations.push(r);
    },
  });
  report.set('ways read', wayCount);
  report.set('relations read', relationCount);

  // Pass 2: the nodes those ways use.
  const nodeIndex = new Map<number, number>();
  const osmIds: number[] = [];
  const lons: number[] = [];
  const lats: number[] = [];
  const signalIds = new Set<number>();
  const outsideIds = new Set<number>();
  const bbox = o.bbox;
  await readOsm(
    file,
    {
      node: (n) => {
        vote(n.tags);
        if (!needed.has(n.id) || nodeIndex.has(n.id)) return;
        if (bbox && (n.lon < bbox[0] || n.lon > bbox[2] || n.lat < bbox[1] || n.lat > bbox[3])) {
          outsideIds.add(n.id);
          return;
        }
        if (!Number.isFinite(n.lon) || !Number.isFinite(n.lat) || Math.abs(n.lon) > 180 || Math.abs(n.lat) > 90) {
          throw new InputError(n.line !== undefined ? `${file}:${n.line}` : file, `node ${n.id}: lon/lat ${n.lon}, ${n.lat} are not WGS84 degrees`);
        }
        nodeIndex.set(n.id, osmIds.length);
        osmIds.push(n.id);
        lons.push(n.lon);
        lats.push(n.lat);
        if (n.tags?.highway === 'traffic_signals') signalIds.add(n.id);
      },
    },
    { node: ['highway', 'addr:country', 'is_in:country_code', 'country_code'] },
  );
  if (outsideIds.size > 0) report.count('nodes outside the bounding box', outsideIds.size);
  needed.clear();
  seenWays.clear();

  // Country and driving side.
  let country = o.country;
  if (country === undefined && votes.size > 0) {
    country = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    report.warn('country', `country ${country} inferred from the data's tags (${votes.get(country)} elements); pass the country option to override`);
  }
  let drivingSide: DrivingSide;
  if (o.drivingSide) drivingSide = o.drivingSide;
  else if (country) drivingSide = drivingSideOf(country);
  else {
    drivingSide = 'right';
    report.warn('country', 'no country found in the data: right-hand traffic and generic default speeds assumed (pass country or drivingSide, e.g. country "MO" for Macau)');
  }

  // Roads, cut at missing nodes.
  const ctx = { classes: o.classes, ...(country ? { country } : {}), classDefaults: o.classDefaults, report };
  const pieces: WayPiece[] = [];
  let missingNodes = 0;
  let cutAtBbox = 0;
  for (const w of ways) {
    const at = { element: `way ${w.id}`, ...(w.where !== undefined ? { where: w.where } : {}) };
    const road = readRoad(w.tags, ctx, at);
    if (!road) continue;
    report.count('ways kept');
    let run: number[] = [];
    let piece = 0;
    const flush = (): void => {
      if (run.length >= 2) pieces.push({ wayId: w.id, piece: piece++, nodes: run, road });
      run = [];
    };
    for (const ref of w.refs) {
      const idx = nodeIndex.get(ref);
      if (idx === undefined) {
        if (outsideIds.has(ref)) cutAtBbox++;
        else missingNodes++;
        flush();
      } else run.push(idx);
    }
    flush();
    if (piece === 0) report.count('dropped: ways with fewer than two nodes present');
  }
  if (missingNodes > 0) {
    report.warn('nodes', `${missingNodes} node references of kept ways are not in the file (a clipped extract): the ways are cut there`);
    report.count('node references missing from the file', missingNodes);
  }
  if (cutAtBbox > 0) report.count('node references outside the bounding box (ways cut there)', cutAtBbox);
  ways.length = 0;
  outsideIds.clear();

  // Projection: local transverse Mercator around the centre of the area.
  const n = osmIds.length;
  let lon0: number;
  let lat0: number;
  if (bbox) [lon0, lat0] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
  else if (bounds) [lon0, lat0] = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2];
  else {
    lon0 = n > 0 ? lons.reduce((s, v) => s + v, 0) / n : 0;
    lat0 = n > 0 ? lats.reduce((s, v) => s + v, 0) / n : 0;
  }
  const projection = proj4('EPSG:4326', `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`);
  const positions = { x: new Float64Array(n), y: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const [x, y] = projection.forward([lons[i], lats[i]]);
    positions.x[i] = x;
    positions.y[i] = y;
  }

  // Turn restrictions (Relation:restriction).
  const restrictions: Restriction[] = [];
  const viaNodes = new Set<number>();
  for (const r of restrictionRelations) {
    const element = `relation ${r.id}`;
    const where = r.line !== undefined ? `${file}:${r.line}` : undefined;
    const value = r.tags['restriction:motorcar'] ?? r.tags['restriction:motor_vehicle'] ?? r.tags.restriction;
    if (value === undefined) {
      report.count(r.tags['restriction:conditional'] !== undefined ? 'restrictions: conditional (skipped)' : 'restrictions: not for cars (skipped)');
      continue;
    }
    if (/(^|;)\s*(motorcar|motor_vehicle)\s*(;|$)/.test(r.tags.except ?? '')) {
      report.count('restrictions: except motorcar (skipped)');
      continue;
    }
    if (!isRestrictionValue(value)) {
      report.warn('restriction', `restriction="${value}" is not a documented value: ignored`, element, where);
      report.count('restrictions: unknown value (skipped)');
      continue;
    }
    const from = r.members.filter((m) => m.role === 'from' && m.type === 'way');
    const to = r.members.filter((m) => m.role === 'to' && m.type === 'way');
    const via = r.members.filter((m) => m.role === 'via');
    if (via.some((m) => m.type === 'way')) {
      report.warn('restriction', `restriction ${value} with a via way is not supported: ignored`, element, where);
      report.count('restrictions: via way (unsupported)');
      continue;
    }
    if (from.length !== 1 || to.length !== 1 || via.length !== 1) {
      report.warn('restriction', `restriction ${value} needs one from way, one via node and one to way (has ${from.length}, ${via.length}, ${to.length}): ignored`, element, where);
      report.count('restrictions: malformed (skipped)');
      continue;
    }
    const restriction: Restriction = { id: r.id, value, from: from[0].ref, via: via[0].ref, to: to[0].ref, ...(where !== undefined ? { where } : {}) };
    restrictions.push(restriction);
    const idx = nodeIndex.get(restriction.via);
    if (idx !== undefined) viaNodes.add(idx);
  }

  // Directed car-road length read (on the nodes present), m: what the share kept is measured against.
  let lengthRead = 0;
  for (const p of pieces) {
    const dirs = (p.road.forward ? 1 : 0) + (p.road.backward ? 1 : 0);
    for (let i = 1; i < p.nodes.length; i++) lengthRead += dirs * Math.hypot(positions.x[p.nodes[i]] - positions.x[p.nodes[i - 1]], positions.y[p.nodes[i]] - positions.y[p.nodes[i - 1]]);
  }

  // Gaps: one-way dead ends and starts a few metres from another road.
  const gaps = joinGaps(pieces, positions, o.gapDistance);
  reportGaps(gaps, pieces, osmIds, report);

  // Topology.
  const useOsmSignals = o.signals !== 'guess' && o.signals !== 'none';
  const signalNodes = new Set<number>();
  if (useOsmSignals) for (const id of signalIds) signalNodes.add(nodeIndex.get(id) as number);
  const graph = splitWays(pieces, positions, new Set([...signalNodes, ...viaNodes]));
  pieces.length = 0;
  const onRoads = [...signalNodes].filter((s) => graph.degree(s) > 0);
  const signals = placeSignals(graph, signalNodes, o.signalDistance);
  if (useOsmSignals) report.count('signals: traffic_signals nodes on kept roads', onRoads.length);
  else if (signalIds.size > 0) report.count(`signals: traffic_signals nodes ignored (signals: ${o.signals})`, signalIds.size);
  if (signals.attached > 0) report.count('signals: nodes before a junction, moved onto it', signals.attached);
  const pinned = new Set<number>([...signals.junctions, ...viaNodes]);
  const merged = mergeChains(graph, pinned);
  report.count('nodes merged into longer links (chains)', merged);
  const { groupOf, joined } = joinClusters(graph, o.joinDistance);
  if (joined > 0) report.count('junctions joined into clusters', joined);

  // Links and movements.
  const links = directedLinks(graph.segments, groupOf, positions, o.minLinkLength, report);
  const uturns: Array<[number, number]> = [];
  const moves = defaultMovements(links, uturns);
  const banned = new Set<string>();
  applyRestrictions(links, moves, restrictions, (osm) => {
    const idx = nodeIndex.get(osm);
    return idx === undefined ? undefined : groupOf.get(idx);
  }, report, banned);
  const lanesOf = links.map((l, i) => turnLaneMasks(l, [...moves[i]], links, drivingSide, report));

  // Signals: the data's, the guessing rule's, or both.
  const tagged = new Set<JunctionGroup>();
  for (const m of signals.junctions) if (!signals.midBlock.has(m)) tagged.add(groupOf.get(m) as JunctionGroup);
  const guess = o.signals === 'none' || o.signals === 'osm' ? undefined : guessSignals(links);
  let source = o.signals;
  if (source === 'auto') {
    if (guess && tagged.size < AUTO_GUESS_SHARE * guess.junctions.size) {
      source = 'osm+guess';
      report.warn('signals', `the data tags ${tagged.size} signalised junction${tagged.size === 1 ? '' : 's'}, fewer than ${Math.round(AUTO_GUESS_SHARE * 100)}% of the ${guess.junctions.size} the guessing rule finds: signals guessed where the data has none (signals: osm to use only the data's, none for no signals)`);
    } else source = 'osm';
  }
  const guessed = new Set<JunctionGroup>();
  if (guess && (source === 'guess' || source === 'osm+guess')) {
    // With the data's signals too: a guess on or next to a tagged junction is the same intersection.
    const nearTagged = new Set<JunctionGroup>(source === 'osm+guess' ? tagged : []);
    if (source === 'osm+guess') {
      for (const l of links) {
        if (l.length >= CLUSTER_DISTANCE) continue;
        if (tagged.has(l.from)) nearTagged.add(l.to);
        if (tagged.has(l.to)) nearTagged.add(l.from);
      }
    }
    for (const g of guess.junctions) if (!nearTagged.has(g)) guessed.add(g);
    report.count('signals: junctions guessed (road class, legs, lanes, turn arrows)', guessed.size);
    if (guess.clustered > 0) report.count('signals: guessed junctions folded into a neighbouring signal (clusters)', guess.clustered);
  }
  const sourceLabel = `signals: source ${source}`;

  const infoCache = new Map<JunctionGroup, JunctionInfo & { id: string }>();
  const midBlockIds = new Set<string>();
  const info = (g: JunctionGroup): JunctionInfo & { id: string } => {
    let rec = infoCache.get(g);
    if (!rec) {
      let x = 0;
      let y = 0;
      for (const m of g.members) {
        x += positions.x[m];
        y += positions.y[m];
      }
      x /= g.members.length;
      y /= g.members.length;
      const [lon, lat] = g.members.length === 1 ? [lons[g.node], lats[g.node]] : projection.inverse([x, y]);
      const osmSignal = useOsmSignals && source !== 'guess' && g.members.some((m) => signals.junctions.has(m));
      rec = { id: junctionId(g, osmIds), x, y, lon, lat, signal: osmSignal || guessed.has(g) };
      if (osmSignal && g.members.length === 1 && signals.midBlock.has(g.node)) midBlockIds.add(rec.id);
      infoCache.set(g, rec);
    }
    return rec;
  };
  const { network } = buildNetwork(links, moves, lanesOf, info, drivingSide, o.components, report, uturns, banned);
  reportCappedFlows(network, links, report);

  const programs = generatePrograms(network, midBlockIds, o.signalTiming, o.pedestrianPhase);
  let lengthKept = 0;
  const geometry = new Map(links.map((l) => [l.id, l.geometryLength]));
  for (const l of network.links()) lengthKept += geometry.get(l.id) ?? 0;
  const byClass = new Map<string, number>();
  const linkClass = new Map(links.map((l) => [l.id, l.cls]));
  for (const l of network.links()) {
    const cls = linkClass.get(l.id) as string;
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
  }
  const share = lengthRead > 0 ? Math.round((1000 * lengthKept) / lengthRead) / 10 : 100;
  const head = [
    { label: 'directed car-road length kept, % of read', count: share },
    { label: 'directed car-road length read, km', count: Math.round(lengthRead / 100) / 10 },
    { label: sourceLabel, count: programs.length },
    { label: 'junctions', count: network.junctionCount },
    { label: 'links', count: network.linkCount },
    { label: 'movements', count: network.movementCount },
    { label: 'signalised junctions', count: programs.length },
    { label: 'signalised junctions: mid-block crossings', count: [...midBlockIds].filter((id) => network.graph.hasNode(id)).length },
    ...[...byClass].sort((a, b) => b[1] - a[1]).map(([cls, count]) => ({ label: `links: ${cls}`, count })),
  ];
  if (network.linkCount === 0) report.warn('network', 'no road of the kept classes is left: the network is empty (check classes and bbox)');
  const result: ImportResult = {
    format: 'osm',
    files: [file],
    network,
    programs,
    demand: {},
    counts: [...head, ...report.countList()],
    warnings: report.warningList(),
  };
  // Junction ids are "n<node id>", link ids "w<way id>#<part>": the message names the OSM element.
  checkImportRanges(result, (kind, id) => {
    const m = kind === 'junction' ? /^n(\d+)$/.exec(id) : kind === 'link' ? /^w(\d+)#/.exec(id) : null;
    return m === null ? undefined : `${file}: ${kind === 'junction' ? 'node' : 'way'} ${m[1]}`;
  });
  return result;
}

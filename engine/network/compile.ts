/**
 * `compile(network)`: RoadNetwork (graphology, authoring) -> CompiledNetwork (one
 * shared buffer of CSR arrays, for hot loops and workers). Indices follow the
 * network's insertion order: junction j is the j-th junction added, link l the
 * l-th link, so indices are stable for a given build of a network.
 */
import { CompiledNetwork, CONTROL_CODE, RIGHT_OF_WAY_CODE } from './compiled.js';
import type { RoadNetwork } from './road-network.js';
import { TURN_CODE } from './turns.js';

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Back the result with a `SharedArrayBuffer` (default true), so workers can share it. */
  shared?: boolean;
}

/** Fill a CSR: `offsets` (length groups+1) from each item's group, `items` grouped, stable by item index. */
function fillCsr(groupOf: Int32Array, groups: number, offsets: Int32Array, items: Int32Array): void {
  offsets.fill(0);
  for (let i = 0; i < groupOf.length; i++) offsets[groupOf[i] + 1]++;
  for (let g = 0; g < groups; g++) offsets[g + 1] += offsets[g];
  const cursor = offsets.slice(0, groups);
  for (let i = 0; i < groupOf.length; i++) items[cursor[groupOf[i]]++] = i;
}

/** Compile a validated `RoadNetwork` into a `CompiledNetwork`. */
export function compile(network: RoadNetwork, options: CompileOptions = {}): CompiledNetwork {
  const junctions = network.junctions();
  const links = network.links();
  const n = junctions.length;
  const m = links.length;
  const k = network.movementCount;
  // Ids as UTF-8, junctions first: size with Buffer.byteLength, then one encodeInto (one encode per id is slow).
  const ids = [...junctions.map((j) => j.id), ...links.map((l) => l.id)];
  const sizes = ids.map((id) => Buffer.byteLength(id, 'utf8'));
  const keyBytes = sizes.reduce((sum, b) => sum + b, 0);

  // Labels per link: name, road class, other names (JSON); "" when absent.
  const labels: string[] = [];
  let shapePoints = 0;
  for (const l of links) {
    labels.push(l.name ?? '', l.roadClass ?? '', l.names === undefined ? '' : JSON.stringify(l.names));
    shapePoints += l.shape?.length ?? 0;
  }
  const labelSizes = labels.map((t) => Buffer.byteLength(t, 'utf8'));
  const labelBytes = labelSizes.reduce((sum, b) => sum + b, 0);

  let laneLinks = 0;
  for (const l of links) for (const mv of network.movementsFrom(l.id)) laneLinks += mv.laneLinks?.length ?? 0;
  const net = CompiledNetwork.allocate({ junctions: n, links: m, movements: k, keyBytes, labelBytes, shapePoints, laneLinks, drivingSide: network.drivingSide }, options.shared ?? true);
  const keyOffsets = net.rawKeyOffsets;
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    keyOffsets[i] = at;
    at += sizes[i];
  }
  keyOffsets[ids.length] = at;
  // encodeInto refuses shared memory: encode into a private buffer, then copy once.
  const scratch = new Uint8Array(keyBytes);
  const written = new TextEncoder().encodeInto(ids.join(''), scratch).written;
  if (written !== keyBytes) throw new Error(`internal: encoded ${written} id bytes, expected ${keyBytes}`);
  net.rawKeyBytes.set(scratch);
  const raw = net.rawLabels;
  at = 0;
  for (let i = 0; i < labels.length; i++) {
    raw.offsets[i] = at;
    at += labelSizes[i];
  }
  raw.offsets[labels.length] = at;
  if (labelBytes > 0) {
    const labelScratch = new Uint8Array(labelBytes);
    new TextEncoder().encodeInto(labels.join(''), labelScratch);
    raw.bytes.set(labelScratch);
  }
  let p = 0;
  links.forEach((l, i) => {
    net.shapeOffsets[i] = p;
    for (const [x, y] of l.shape ?? []) {
      net.shapeXY[2 * p] = x;
      net.shapeXY[2 * p + 1] = y;
      p++;
    }
  });
  net.shapeOffsets[m] = p;

  const junctionIndex = new Map<string, number>();
  junctions.forEach((j, i) => {
    junctionIndex.set(j.id, i);
    net.junctionX[i] = j.x;
    net.junctionY[i] = j.y;
    net.junctionLon[i] = j.lon ?? NaN;
    net.junctionLat[i] = j.lat ?? NaN;
    net.junctionControl[i] = CONTROL_CODE[j.control];
  });
  const linkIndex = new Map<string, number>();
  links.forEach((l, i) => {
    linkIndex.set(l.id, i);
    net.linkFrom[i] = junctionIndex.get(l.from)!;
    net.linkTo[i] = junctionIndex.get(l.to)!;
    net.linkLanes[i] = l.lanes;
    net.linkPriority[i] = l.priority ?? 0;
    net.linkLength[i] = l.length;
    net.linkSpeed[i] = l.speed;
    net.linkSaturationFlow[i] = l.saturationFlow;
    net.linkJamSpacing[i] = l.jamSpacing;
    net.linkStartUpLost[i] = l.startUpLost ?? NaN;
    net.linkFreeFlowTime[i] = l.length / l.speed;
  });
  fillCsr(net.linkFrom, n, net.junctionOutOffsets, net.junctionOutLinks);
  fillCsr(net.linkTo, n, net.junctionInOffsets, net.junctionInLinks);

  // Movements are numbered grouped by approach link, in link order then insertion order.
  let e = 0;
  let pair = 0;
  for (let l = 0; l < m; l++) {
    net.movementOffsets[l] = e;
    for (const mv of network.movementsFrom(links[l].id)) {
      net.movementFrom[e] = l;
      net.movementTo[e] = linkIndex.get(mv.to)!;
      let mask = 0;
      for (const lane of mv.lanes) mask |= 1 << lane;
      net.movementLaneMask[e] = mask >>> 0;
      net.movementTurn[e] = TURN_CODE[mv.turn];
      net.movementRightOfWay[e] = mv.rightOfWay === undefined ? 0 : RIGHT_OF_WAY_CODE[mv.rightOfWay];
      net.movementWaitPoint[e] = mv.waitPoint ?? NaN;
      net.movementTimeOffset[e] = mv.timeOffset ?? 0;
      net.movementCrossingSpeed[e] = mv.crossingSpeed ?? NaN;
      net.movementLaneLinkOffsets[e] = pair;
      for (const [from, to] of mv.laneLinks ?? []) net.movementLaneLinks[pair++] = from * 32 + to;
      e++;
    }
  }
  net.movementOffsets[m] = e;
  net.movementLaneLinkOffsets[k] = pair;
  fillCsr(net.movementTo, m, net.movementInOffsets, net.movementIn);
  return net;
}

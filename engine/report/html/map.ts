/**
 * The network map of the report: one SVG <path> per link, coloured by speed
 * ratio (or volume/capacity, switched in the page), and one circle per junction
 * that vehicles passed, filled with its HCM level of service.
 *
 * Geometry is network.geojson's: WGS84 positions are projected
 * equirectangularly about the network's mean latitude (distortion well under 1%
 * across a city), planar metres are used as they are; north is up. The two
 * directions of a street are separate links between the same junctions: each
 * is shifted sideways to its driving side (right or left of its direction of
 * travel, from summary.json), so both show and each sits where its traffic does.
 *
 * Figures for hovering are in a `data-tip` attribute shown by the page's script,
 * not in SVG <title> children: on a 10,000-link map the extra 20,000 DOM nodes
 * cost Chromium about a third of its rendering time (measured with bench/report.ts).
 */
import { html, type Html } from './escape.js';
import { colourOf, losColour, speedRatioColour, vcColour } from './colours.js';
import { num, shorten } from './charts.js';
import type { ReportJunction, ReportLink } from './data.js';

/** Options of {@link networkMap}. */
export interface NetworkMapOptions {
  /** Side traffic drives on; decides which side each direction is drawn on. Default right. */
  drivingSide?: 'left' | 'right';
  /** Positions are lon/lat (else planar metres). */
  geographic: boolean;
  /** Width of the drawing in SVG units. Default 1000. */
  width?: number;
  /** Height limit in SVG units. Default 720. */
  maxHeight?: number;
  /** Junction ids to label on the map. */
  labels?: ReadonlySet<string>;
  /** Id of the <svg>. Default `network-map`. */
  id?: string;
  /** Class of the link paths. Default `link` (the page's colour toggle recolours those). */
  linkClass?: string;
  /** Colour and hover text of each link instead of its speed ratio and v/c. */
  style?: (link: ReportLink) => { stroke: string; tip: string };
}

const r = (v: number): number => Math.round(v * 10) / 10;
const EARTH_M_PER_DEG = 111_320;

/** The map as an inline <svg>, plus whether any link has a v/c value. */
export function networkMap(links: readonly ReportLink[], junctions: readonly ReportJunction[] | undefined, options: NetworkMapOptions): { svg: Html; hasVc: boolean } {
  const width = options.width ?? 1000;
  const maxHeight = options.maxHeight ?? 720;
  const pad = 24;
  let latSum = 0;
  let count = 0;
  for (const l of links) for (const c of l.coordinates) { latSum += c[1]; count++; }
  const cosLat = options.geographic && count > 0 ? Math.cos(((latSum / count) * Math.PI) / 180) : 1;
  const project = options.geographic
    ? (c: [number, number]): [number, number] => [c[0] * EARTH_M_PER_DEG * cosLat, c[1] * EARTH_M_PER_DEG]
    : (c: [number, number]): [number, number] => c;
  const projected = links.map((l) => l.coordinates.map(project));
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (const line of projected) for (const [x, y] of line) {
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  if (!Number.isFinite(minX)) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
  const dx = Math.max(maxX - minX, 1e-9);
  const dy = Math.max(maxY - minY, 1e-9);
  let scale = (width - 2 * pad) / dx;
  if (dy * scale + 2 * pad > maxHeight) scale = (maxHeight - 2 * pad) / dy;
  const height = Math.max(160, Math.round(dy * scale + 2 * pad));
  const offsetX = (width - dx * scale) / 2;
  const offsetY = (height - dy * scale) / 2;
  const sx = (x: number): number => offsetX + (x - minX) * scale;
  const sy = (y: number): number => height - offsetY - (y - minY) * scale; // north up

  // Line width from the typical drawn link length, so dense networks stay legible.
  const lengths = projected.map((line) => Math.hypot(line[line.length - 1][0] - line[0][0], line[line.length - 1][1] - line[0][1]) * scale).sort((a, b) => a - b);
  const typical = lengths.length > 0 ? lengths[Math.floor(lengths.length / 2)] : 100;
  const base = Math.min(5, Math.max(1.2, typical / 14));
  const pairs = new Set(links.map((l) => `${l.from}\u0000${l.to}`));
  const side = options.drivingSide === 'left' ? -1 : 1;

  const position = new Map<string, [number, number]>();
  let hasVc = false;
  const paths = links.map((l, i) => {
    const line = projected[i];
    const pts = line.map(([x, y]) => [sx(x), sy(y)] as [number, number]);
    const w = base * Math.min(1.6, 0.6 + 0.2 * Math.max(1, l.lanes));
    if (!position.has(l.from)) position.set(l.from, pts[0]);
    if (!position.has(l.to)) position.set(l.to, pts[pts.length - 1]);
    if (pairs.has(`${l.to}\u0000${l.from}`) && l.from !== l.to) {
      // Right-hand normal of the direction of travel on screen (y down) is (-dy, dx).
      const ex = pts[pts.length - 1][0] - pts[0][0];
      const ey = pts[pts.length - 1][1] - pts[0][1];
      const len = Math.hypot(ex, ey) || 1;
      const off = side * 0.65 * base;
      for (const p of pts) { p[0] += (-ey / len) * off; p[1] += (ex / len) * off; }
    }
    const d = pts.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${r(x)} ${r(y)}`).join('');
    const width = r(w) === r(base) ? '' : html` stroke-width="${r(w)}"`;
    if (options.style) {
      const { stroke, tip } = options.style(l);
      return html`<path class="${options.linkClass ?? 'link'}" d="${d}" stroke="${stroke}"${width} data-id="${l.id}" data-tip="${tip}"/>`;
    }
    const sr = colourOf(speedRatioColour, l.speedRatio);
    const vcValue = l.entered > 0 ? l.peakFlowVehH / l.capacityVehH : NaN;
    const vcKnown = Number.isFinite(vcValue);
    if (vcKnown) hasVc = true;
    const vc = colourOf(vcColour, vcValue);
    const title = `${l.name === undefined ? '' : `${l.name} `}(${l.from} → ${l.to}): speed ratio ${num(l.speedRatio, 2)}, ${num(l.entered, 0)} vehicles, mean queue ${num(l.meanQueue, 1)}, max ${num(l.maxQueue, 0)}${vcKnown ? `, peak v/c ${num(vcValue, 2)}` : ''}`;
    return html`<path class="${options.linkClass ?? 'link'}" d="${d}" stroke="${sr}"${width} data-id="${l.id}" data-sr="${sr}"${vcKnown ? html` data-vc="${vc}"` : ''} data-tip="${title}"/>`;
  });

  const radius = Math.min(9, Math.max(2.6, base * 1.5));
  const circles: Html[] = [];
  const labels: Html[] = [];
  for (const j of junctions ?? []) {
    const p = position.get(j.id);
    if (!p) continue;
    if (j.los !== '') {
      const signal = j.control === 'signal';
      const rr = r(signal ? radius : radius * 0.7);
      const title = `${j.name === undefined ? '' : `${j.name}: `}LOS ${j.los}, control delay ${num(j.controlDelayS, 1)} s, ${num(j.vehicles, 0)} vehicles (${j.control})`;
      circles.push(html`<circle class="junction los-${j.los}" cx="${r(p[0])}" cy="${r(p[1])}" r="${rr}" fill="${losColour(j.los)}" data-los="${j.los}" data-id="${j.id}" data-tip="${title}"/>`);
    }
    if (options.labels?.has(j.id)) {
      labels.push(html`<text class="map-label" x="${r(p[0] + radius + 2)}" y="${r(p[1] - radius - 2)}">${shorten(j.name ?? j.id, 40)}</text>`);
    }
  }
  const svg = html`<svg id="${options.id ?? 'network-map'}" class="map" viewBox="0 0 ${width} ${height}" role="img" aria-label="Network map">
<rect class="map-bg" width="${width}" height="${height}"/>
<g class="links" fill="none" stroke-width="${r(base)}">${paths}</g>
<g class="junctions">${circles}</g>
<g class="labels">${labels}</g>
</svg>`;
  return { svg, hasVc };
}

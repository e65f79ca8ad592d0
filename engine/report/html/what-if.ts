/**
 * The what-if section (`greenwave compare`): per variant, a table of network
 * figures (gridlocked seeds and unfinished trips first) with the base's and the
 * variant's means and the paired difference with its 95% interval; a
 * difference map of the links' mean travel time (variant minus base, blue =
 * faster, red = slower, grey where the interval includes 0, dashed where the
 * link was removed); and the junctions and links that changed most.
 */
import { scaleLinear } from 'd3-scale';
import { html, join, type Html } from './escape.js';
import { num } from './charts.js';
import type { ElementDifference, VariantComparison, WhatIfComparison, WhatIfMetric } from '../what-if.js';
import type { Summary } from '../stats.js';

const LABELS: Record<WhatIfMetric, { label: string; digits: number }> = {
  unfinished: { label: 'Unfinished trips', digits: 0 },
  unroutable: { label: 'Trips with no route (stranded by a change)', digits: 0 },
  meanDelayAllTrips: { label: 'Mean delay, all trips (s)', digits: 1 },
  meanTravelTimeAllTrips: { label: 'Mean travel time, all trips (s)', digits: 1 },
  meanDelay: { label: 'Mean delay, finished trips only (s)', digits: 1 },
  meanTravelTime: { label: 'Mean travel time, finished trips only (s)', digits: 1 },
  vehicleHours: { label: 'Vehicle-hours', digits: 1 },
  vehicleKm: { label: 'Vehicle-km', digits: 0 },
  arrived: { label: 'Trips finished', digits: 0 },
};

const shows = (d: Summary): boolean => Number.isFinite(d.lower) && Number.isFinite(d.upper) && (d.upper < 0 || d.lower > 0);

function diffCell(d: Summary, digits: number, lowerIsBetter = true): Html {
  if (!Number.isFinite(d.mean)) return html`<td>–</td>`;
  const differs = shows(d);
  const better = lowerIsBetter ? d.mean < 0 : d.mean > 0;
  const interval = Number.isFinite(d.halfWidth) ? ` ± ${num(d.halfWidth, digits)}` : '';
  return html`<td class="change ${differs ? (better ? 'better' : 'worse') : 'overlap'}" data-differs="${differs ? 'yes' : 'no'}">${d.mean > 0 ? '+' : ''}${num(d.mean, digits)}${interval}<br><span class="ci-range">${differs ? 'differs' : 'inconclusive'}</span></td>`;
}

function networkTable(c: WhatIfComparison, v: VariantComparison): Html {
  const n = c.seeds.length;
  const rows = (Object.keys(LABELS) as WhatIfMetric[]).map((m) => html`<tr data-metric="${m}"><th scope="row">${LABELS[m].label}</th><td>${num(c.base.metrics[m].mean, LABELS[m].digits)}</td><td>${num(v.metrics[m].mean, LABELS[m].digits)}</td>${diffCell(v.difference[m], LABELS[m].digits, !(m === 'arrived' || m === 'vehicleKm'))}</tr>`);
  return html`<div class="table-wrap"><table class="what-if" data-variant="${v.name}"><thead><tr><th>Figure</th><th>${c.base.name} (base)</th><th>${v.name}</th><th>Difference, paired by seed (${Math.round(c.level * 100)}% interval)</th></tr></thead><tbody>
<tr data-metric="gridlock"><th scope="row">Gridlocked seeds</th><td class="${c.base.gridlockedSeeds.length > 0 ? 'gridlock' : ''}">${c.base.gridlockedSeeds.length} of ${n}</td><td class="${v.gridlockedSeeds.length > 0 ? 'gridlock' : ''}">${v.gridlockedSeeds.length} of ${n}</td><td class="verdict ${v.verdict === 'better' ? 'better' : v.verdict === 'worse' ? 'worse' : 'overlap'}" data-verdict="${v.verdict}"><strong>${v.verdict}</strong><br><span class="ci-range">${v.verdictReason}</span></td></tr>
${rows}</tbody></table></div>`;
}

function differenceMap(c: WhatIfComparison, v: VariantComparison): Html {
  const byId = new Map(v.links.map((l) => [l.id, l]));
  const removed = new Set(v.removedLinks);
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (const l of c.geometry.links) for (const [x, y] of l.coordinates) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  if (!Number.isFinite(minX)) return html``;
  // Geographic coordinates: shrink longitude by cos(latitude) so the map keeps its shape.
  const kx = c.geometry.geographic ? Math.cos((((minY + maxY) / 2) * Math.PI) / 180) : 1;
  const w = Math.max(1e-9, (maxX - minX) * kx);
  const h = Math.max(1e-9, maxY - minY);
  const width = 720;
  const height = Math.max(160, Math.min(560, (width * h) / w));
  const scale = Math.min((width - 40) / w, (height - 40) / h);
  const px = (x: number): number => 20 + (x - minX) * kx * scale;
  const py = (y: number): number => height - 20 - (y - minY) * scale;
  const largest = Math.max(1, ...v.links.map((l) => Math.abs(l.difference.mean)).filter(Number.isFinite));
  const colour = scaleLinear<string>().domain([-largest, 0, largest]).range(['#2166ac', '#f7f7f7', '#b2182b']).clamp(true);
  const paths = c.geometry.links.map((l) => {
    const d = byId.get(l.id)?.difference;
    // The two directions of a road share its centre line: draw each 2.5 px to its driving side so both show.
    const first = l.coordinates[0];
    const last = l.coordinates[l.coordinates.length - 1];
    const dx = px(last[0]) - px(first[0]);
    const dy = py(last[1]) - py(first[1]);
    const len = Math.hypot(dx, dy) || 1;
    const side = c.geometry.drivingSide === 'left' ? -1 : 1;
    const ox = (-dy / len) * 2.5 * side;
    const oy = (dx / len) * 2.5 * side;
    const points = l.coordinates.map(([x, y]) => `${(px(x) + ox).toFixed(1)},${(py(y) + oy).toFixed(1)}`).join(' ');
    if (removed.has(l.id)) return html`<polyline class="diff-link removed" data-link="${l.id}" points="${points}" fill="none" stroke="#222" stroke-width="2" stroke-dasharray="4 3"><title>${l.id}: removed in ${v.name}</title></polyline>`;
    const significant = d !== undefined && shows(d);
    const stroke = d !== undefined && significant ? colour(d.mean) : '#c8c8c8';
    return html`<polyline class="diff-link" data-link="${l.id}" data-differs="${significant ? 'yes' : 'no'}" points="${points}" fill="none" stroke="${stroke}" stroke-width="${significant ? 4 : 2}"><title>${l.id}: ${d ? `${d.mean > 0 ? '+' : ''}${num(d.mean, 1)} ± ${num(d.halfWidth, 1)} s mean travel time` : 'no travel time'}</title></polyline>`;
  });
  return html`<svg class="chart difference-map" viewBox="0 0 ${width} ${height}" role="img" aria-label="difference map of ${v.name}">${paths}</svg>
<p class="note">Mean link travel time, ${v.name} minus ${c.base.name}, paired by seed: blue faster, red slower (darkest: ±${num(largest, 0)} s); grey where the interval includes 0 or the link had no traffic; dashed: removed.${v.addedLinks.length > 0 ? ` Added links (not on this map, drawn from the base): ${v.addedLinks.join(', ')}.` : ''}</p>`;
}

function elementTable(title: string, list: readonly ElementDifference[], limit: number): Html {
  const changed = list.filter((e) => Number.isFinite(e.difference.mean)).sort((a, b) => Math.abs(b.difference.mean) - Math.abs(a.difference.mean)).slice(0, limit);
  if (changed.length === 0) return html``;
  return html`<h4>${title}</h4><div class="table-wrap"><table class="what-if-elements"><thead><tr><th>Id</th><th>Base (s)</th><th>Variant (s)</th><th>Difference (s)</th></tr></thead><tbody>${changed.map((e) => html`<tr><th scope="row">${e.name ? `${e.name} (${e.id})` : e.id}</th><td>${num(e.base.mean, 1)}</td><td>${num(e.variant.mean, 1)}</td>${diffCell(e.difference, 1)}</tr>`)}</tbody></table></div>`;
}

/** The what-if section's content. */
export function whatIfSection(c: WhatIfComparison): Html {
  const blocks = c.variants.map((v) => html`<div class="what-if-variant" data-variant="${v.name}"><h3>${v.name} against ${c.base.name}</h3>
${v.gridlockedSeeds.length > 0 ? html`<div class="warning gridlock-warning"><strong>Gridlock.</strong> ${v.name} gridlocked on ${v.gridlockedSeeds.length} of ${c.seeds.length} seeds (${join(v.gridlockedSeeds.map(String), ', ')}).</div>` : ''}
${networkTable(c, v)}${differenceMap(c, v)}
${elementTable('Junctions whose control delay changed most', v.junctions, 10)}${elementTable('Links whose mean travel time changed most', v.links, 10)}</div>`);
  return html`<p class="note">Every scenario ran on the same ${c.seeds.length} seeds (${join(c.seeds.map(String), ', ')}); differences are variant minus base, seed by seed, with their ${Math.round(c.level * 100)}% Student-t interval. "Differs" where the interval excludes 0; "inconclusive" is not evidence of no change. Gridlock ranks first: a variant that gridlocked on more seeds than the base is worse whatever its means. "All trips" counts unfinished trips to the end of the run.</p>
${blocks}`;
}

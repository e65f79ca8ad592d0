/**
 * Colours of the report, all from d3-scale: sequential scales for link speed
 * ratio (free-flow time / mean travel time: 1 = free flow) and volume/capacity,
 * a fixed ordinal scale for HCM level of service A-F, and legends for them as
 * SVG. Speed ratio uses ColorBrewer RdYlGn (red = slow), v/c the reverse of it
 * clamped at 1.2 (red = over capacity), so red means "look here" on both maps.
 */
import { scaleLinear, scaleOrdinal, scaleSequential } from 'd3-scale';
import { interpolateRdYlGn } from 'd3-scale-chromatic';
import { html, join, type Html } from './escape.js';

/** Colour of a link with no measurement (nothing entered it). */
export const NO_DATA_COLOUR = '#9aa0a6';

/** HCM level-of-service grades, best first. */
export const LOS_GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Fixed LOS colours: green (A) through red to dark purple (F). */
export const LOS_COLOURS: Readonly<Record<(typeof LOS_GRADES)[number], string>> = {
  A: '#1a9641', B: '#a6d96a', C: '#fee08b', D: '#fdae61', E: '#e5502f', F: '#7b1e4b',
};
/** Upper control-delay bound (s) of grades A-E at signalised junctions, HCM 7th ed. Exhibit 19-8. */
export const SIGNAL_LOS_LIMITS = [10, 20, 35, 55, 80] as const;

// The scales are typed as plain functions, so the published declarations do not
// name d3-scale's types (a user's strict type check needs no @types/d3-scale).

/** Ordinal scale grade -> colour (unknown grades get the no-data colour). */
export const losColour: (grade: string) => string = scaleOrdinal<string, string>().domain([...LOS_GRADES]).range(LOS_GRADES.map((g) => LOS_COLOURS[g])).unknown(NO_DATA_COLOUR);

/** Speed ratio in [0, 1] -> colour (clamped). */
export const speedRatioColour: (ratio: number) => string = scaleSequential(interpolateRdYlGn).domain([0, 1]).clamp(true);

/** Volume/capacity in [0, 1.2] -> colour (clamped). */
export const vcColour: (vc: number) => string = scaleSequential((t: number) => interpolateRdYlGn(1 - t)).domain([0, 1.2]).clamp(true);

/** `rgb(r, g, b)` (as d3 interpolators return) as `#rrggbb`, which is shorter; other strings as they are. */
export function hex(colour: string): string {
  const m = /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(colour);
  if (!m) return colour;
  return `#${[m[1], m[2], m[3]].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
}

/** A metric's colour as `#rrggbb`, or the no-data colour for NaN. */
export function colourOf(scale: (v: number) => string, value: number): string {
  return Number.isFinite(value) ? hex(scale(value)) : NO_DATA_COLOUR;
}

/**
 * A horizontal colour-bar legend: gradient sampled from `scale` over `domain`,
 * ticks from a linear scale, a title, and a "no data" swatch.
 */
export function rampLegend(id: string, title: string, scale: (v: number) => string, domain: [number, number], format: (v: number) => string): Html {
  const width = 260;
  const x = scaleLinear().domain(domain).range([16, 16 + width]);
  const stops = Array.from({ length: 11 }, (_, i) => {
    const v = domain[0] + ((domain[1] - domain[0]) * i) / 10;
    return html`<stop offset="${i * 10}%" stop-color="${scale(v)}"/>`;
  });
  const ticks = x.ticks(6).map((t) => html`<g transform="translate(${x(t)},30)"><line y1="0" y2="5" stroke="#333"/><text y="17" text-anchor="middle">${format(t)}</text></g>`);
  return html`<svg class="legend-ramp" data-legend="${id}" viewBox="0 0 ${width + 150} 58" width="${width + 150}" height="58" role="img" aria-label="${title}">
<defs><linearGradient id="grad-${id}" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>
 <text x="2" y="11" class="legend-title">${title}</text>
<rect x="16" y="16" width="${width}" height="14" fill="url(#grad-${id})" stroke="#555" stroke-width="0.5"/>
${ticks}
<rect x="${width + 30}" y="16" width="14" height="14" fill="${NO_DATA_COLOUR}"/><text x="${width + 48}" y="27">no traffic</text>
</svg>`;
}

/** The LOS legend: six swatches with their signalised delay bands. */
export function losLegend(): Html {
  const items = LOS_GRADES.map((g, i) => {
    const lo = i === 0 ? 0 : SIGNAL_LOS_LIMITS[i - 1];
    const band = i < SIGNAL_LOS_LIMITS.length ? `${lo === 0 ? '≤' : `${lo}–`}${SIGNAL_LOS_LIMITS[i]} s` : `> ${SIGNAL_LOS_LIMITS[4]} s`;
    return html`<li class="los-item" data-los="${g}"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6.5" fill="${LOS_COLOURS[g]}" stroke="#222" stroke-width="1"/></svg><b>${g}</b> ${band}</li>`;
  });
  return html`<div class="legend-los"><div class="legend-title">Junction level of service (HCM; control delay at signals)</div><ul>${join(items)}</ul></div>`;
}

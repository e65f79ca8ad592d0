/**
 * Charts of the report as inline SVG strings: a line chart (time series,
 * convergence) and the corridor time-space diagram. Axes come from d3-scale
 * linear scales (`nice()`, `ticks()`); every label goes through the escaping
 * `html` template.
 *
 * The time-space diagram draws the mesoscopic model's trajectories: a vehicle
 * enters a link at its upstream end, reaches the stop line after the link's
 * free-flow time (a straight line: the model has no positions inside a link),
 * waits there while queued (a horizontal line: queues are vertical, at the stop
 * line) and enters the next link when it leaves. Signal states of the movements
 * along the corridor are bands at each junction, one per direction.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { html, type Html } from './escape.js';
import type { CorridorFile } from './data.js';
import { formatNumber } from '../../text/numbers.js';

/** Seconds since midnight as h:mm (hours may pass 24). */
export function clock(seconds: number): string {
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

const TIME_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

/** Tick times (s) at round clock minutes or hours: at most about `count` of them within `domain`. */
export function timeTicks(domain: readonly [number, number], count = 7): number[] {
  const span = domain[1] - domain[0];
  const step = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / 3600) * 3600;
  const out: number[] = [];
  for (let t = Math.ceil(domain[0] / step) * step; t <= domain[1] + 1e-9; t += step) out.push(t);
  return out;
}

/** A number for a label: `digits` decimals, thousands grouped with commas; '–' when not finite. */
export function num(value: number, digits = 1): string {
  return formatNumber(value, digits, '–');
}

const r = (v: number): number => Math.round(v * 10) / 10;

/** `text` cut to `max` characters with an ellipsis (labels from input names can be long). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line of a {@link lineChart}. */
export interface ChartSeries {
  name: string;
  colour: string;
  /** [x, y]; a non-finite y breaks the line. */
  points: ReadonlyArray<readonly [number, number]>;
  dash?: string;
  /** Draw as steps (value held until the next point). */
  step?: boolean;
  /** Draw points as dots instead of a line. */
  dots?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  xDomain?: [number, number];
  /** Horizontal bands behind the lines (e.g. LOS delay bands). */
  bands?: ReadonlyArray<{ y0: number; y1: number; colour: string; label?: string }>;
  /** Extra classes for the <svg>. */
  className?: string;
  /** The x values are clock times (s): ticks at round minutes. */
  timeAxis?: boolean;
}

interface Frame {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function frame(width: number, height: number, xDomain: [number, number], yDomain: [number, number]): Frame {
  const left = 58;
  const right = width - 16;
  const top = 44;
  const bottom = height - 40;
  const x = scaleLinear().domain(xDomain).range([left, right]);
  const y = scaleLinear().domain(yDomain).range([bottom, top]).nice();
  return { x, y, width, height, left, top, right, bottom };
}

function axes(f: Frame, xTicks: number[], yTicks: number[], xFormat: (v: number) => string, yFormat: (v: number) => string, xLabel: string, yLabel: string): Html {
  const xs = xTicks.map((t) => html`<g transform="translate(${r(f.x(t))},${f.bottom})"><line y2="5" stroke="#555"/><text y="18" text-anchor="middle">${xFormat(t)}</text></g>`);
  const ys = yTicks.map((t) => html`<g transform="translate(${f.left},${r(f.y(t))})"><line x1="-5" stroke="#555"/><line x2="${f.right - f.left}" stroke="#e4e4e4"/><text x="-8" dy="4" text-anchor="end">${yFormat(t)}</text></g>`);
  return html`<g class="axis">${ys}${xs}<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="#555"/><line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.bottom}" stroke="#555"/>
<text class="axis-label" x="${(f.left + f.right) / 2}" y="${f.height - 6}" text-anchor="middle">${xLabel}</text>
<text class="axis-label" transform="translate(13,${(f.top + f.bottom) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text></g>`;
}

function pathOf(points: ReadonlyArray<readonly [number, number]>, f: Frame, step: boolean): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
    const X = r(f.x(px));
    const Y = r(f.y(py));
    if (!pen) d += `M${X} ${Y}`;
    else if (step) d += `H${X}V${Y}`;
    else d += `L${X} ${Y}`;
    pen = true;
  }
  return d;
}

function legendOf(series: readonly ChartSeries[], right: number): Html {
  let x = right;
  const items: Html[] = [];
  for (let i = series.length - 1; i >= 0; i--) {
    const s = series[i];
    const w = 34 + s.name.length * 6.8;
    x -= w;
    items.push(html`<g transform="translate(${r(x)},30)"><line x2="18" y1="-4" y2="-4" stroke="${s.colour}" stroke-width="2.5" stroke-dasharray="${s.dash ?? 'none'}"/><text x="22">${s.name}</text></g>`);
  }
  return html`<g class="chart-legend">${items}</g>`;
}

/** A line chart as an inline <svg>. */
export function lineChart(o: LineChartOptions): Html {
  const width = o.width ?? 520;
  const height = o.height ?? 240;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMax = 0;
  let yMin = 0;
  for (const s of o.series) {
    for (const [px, py] of s.points) {
      if (Number.isFinite(px)) { xMin = Math.min(xMin, px); xMax = Math.max(xMax, px); }
      if (Number.isFinite(py)) { yMax = Math.max(yMax, py); yMin = Math.min(yMin, py); }
    }
  }
  for (const b of o.bands ?? []) if (b.y0 < yMax) yMax = Math.max(yMax, Math.min(b.y1, yMax * 1.05));
  if (yMax === yMin) yMax = yMin + 1;
  const xDomain: [number, number] = o.xDomain ?? (xMin < xMax ? [xMin, xMax] : [xMin - 1, xMin + 1]);
  const f = frame(width, height, Number.isFinite(xDomain[0]) ? xDomain : [0, 1], [yMin, yMax]);
  const xFormat = o.xFormat ?? (o.timeAxis ? clock : (v: number) => num(v, 0));
  const yFormat = o.yFormat ?? ((v: number) => num(v, 0));
  const yTop = f.y.domain()[1];
  const bands = (o.bands ?? []).filter((b) => b.y0 < yTop).map((b) => {
    const y1 = Math.min(b.y1, yTop);
    return html`<rect x="${f.left}" width="${f.right - f.left}" y="${r(f.y(y1))}" height="${r(f.y(b.y0) - f.y(y1))}" fill="${b.colour}" opacity="0.22"/>${b.label && f.y(b.y0) - f.y(y1) >= 12 ? html`<text class="band-label" x="${f.right - 4}" y="${r(f.y(y1) + 11)}" text-anchor="end">${b.label}</text>` : ''}`;
  });
  const lines = o.series.map((s) => {
    if (s.dots) {
      const dots = s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py)).map(([px, py]) => `M${r(f.x(px))} ${r(f.y(py))}h0`).join('');
      return html`<path class="series" data-series="${s.name}" d="${dots}" stroke="${s.colour}" stroke-width="6" stroke-linecap="round" fill="none" opacity="0.6"/>`;
    }
    return html`<path class="series" data-series="${s.name}" d="${pathOf(s.points, f, s.step === true)}" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash ?? 'none'}" fill="none"/>`;
  });
  const xScale = scaleLinear().domain(xDomain);
  return html`<svg class="chart ${o.className ?? ''}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}">
<text class="chart-title" x="${f.left}" y="14">${o.title}</text>
${legendOf(o.series, f.right)}
${bands}
${axes(f, o.timeAxis ? timeTicks(xDomain, Math.max(3, Math.floor(width / 80))) : xScale.ticks(Math.max(2, Math.floor(width / 90))), f.y.ticks(5), xFormat, yFormat, o.xLabel, o.yLabel)}
${lines}
</svg>`;
}

/** Colours of signal states in the time-space diagram, by SIGNAL_* code (red, green, permissive, yellow). */
const SIGNAL_FILL = ['#d62728', '#2ca02c', '#98df8a', '#ffbf00'];
const DIRECTION_COLOURS = ['#1f5fa8', '#c45a00'];

/** Options of {@link timeSpaceDiagram}. */
export interface TimeSpaceOptions {
  /** Time window shown, s; default: {@link defaultWindow}. */
  window?: [number, number];
  /** Junction names by id (the streets that meet there), shown instead of ids. */
  junctionNames?: ReadonlyMap<string, string>;
  width?: number;
  height?: number;
}

/**
 * A readable window for the diagram: long enough for about `target` trajectories
 * (between 5 and 20 minutes, whole minutes) at the busiest time of corridor entries.
 */
export function defaultWindow(corridor: CorridorFile, target = 160): [number, number] {
  const [a, b] = busiestWindow(corridor, 600);
  let count = 0;
  for (const d of corridor.directions) for (const v of d.vehicles) if (v.visits.length > 0 && v.visits[0][1] >= a && v.visits[0][1] < b) count++;
  const span = Math.min(1200, Math.max(300, Math.round((600 * target) / Math.max(1, count) / 60) * 60));
  return busiestWindow(corridor, span);
}

/** The busiest `span` seconds of corridor link entries (both directions), as a window. */
export function busiestWindow(corridor: CorridorFile, span: number): [number, number] {
  const enters: number[] = [];
  for (const d of corridor.directions) for (const v of d.vehicles) if (v.visits.length > 0) enters.push(v.visits[0][1]);
  enters.sort((a, b) => a - b);
  const lo = corridor.start;
  const hi = Math.max(lo + span, corridor.end);
  if (enters.length === 0) return [lo, Math.min(hi, lo + span)];
  let best = enters[0];
  let bestCount = 0;
  let j = 0;
  for (let i = 0; i < enters.length; i++) {
    while (enters[j] < enters[i] - span) j++;
    if (i - j + 1 > bestCount) { bestCount = i - j + 1; best = enters[i] - span; }
  }
  const start = Math.max(lo, Math.min(best, hi - span));
  return [Math.round(start / 60) * 60, Math.round(start / 60) * 60 + span];
}

/** The corridor time-space diagram as an inline <svg>, with the number of trajectories drawn. */
export function timeSpaceDiagram(corridor: CorridorFile, options: TimeSpaceOptions = {}): { svg: Html; drawn: number; window: [number, number] } {
  const width = options.width ?? 1040;
  const height = options.height ?? 440;
  const window = options.window ?? defaultWindow(corridor);
  let maxM = 0;
  for (const d of corridor.directions) for (const l of d.links) maxM = Math.max(maxM, l.fromM, l.toM);
  const f = frame(width, height, window, [0, maxM || 1]);
  const clipId = 'ts-clip';
  let drawn = 0;
  const bandH = 4;
  const bands: Html[] = [];
  corridor.directions.forEach((d, di) => {
    for (const s of d.signals) {
      // Behind the trajectories and clear of the stop line, where queued vehicles wait:
      // on each direction's upstream side (first direction below, the other above).
      const y = r(f.y(s.atM) + (di === 0 ? 2 : -2 - bandH));
      const rects: Html[] = [];
      for (let i = 0; i < s.changes.length; i++) {
        const [t, state] = s.changes[i];
        const t1 = i + 1 < s.changes.length ? s.changes[i + 1][0] : window[1];
        if (t1 <= window[0] || t >= window[1]) continue;
        const x0 = r(f.x(Math.max(t, window[0])));
        const x1 = r(f.x(Math.min(t1, window[1])));
        rects.push(html`<rect x="${x0}" y="${y}" width="${r(x1 - x0)}" height="${bandH}" fill="${SIGNAL_FILL[state] ?? '#999'}"/>`);
      }
      bands.push(html`<g class="signal-band" data-junction="${s.junction}" data-direction="${di}">${rects}</g>`);
    }
  });
  const paths: Html[] = [];
  corridor.directions.forEach((d, di) => {
    const colour = DIRECTION_COLOURS[di % 2];
    for (const v of d.vehicles) {
      let dd = '';
      let inWindow = false;
      let pen = false;
      for (const [index, enter, stop, exit] of v.visits) {
        const link = d.links[index];
        if (!link) continue;
        const reach = stop ?? exit;
        if (enter <= window[1] && (exit ?? window[1]) >= window[0]) inWindow = true;
        dd += `${pen ? 'L' : 'M'}${r(f.x(enter))} ${r(f.y(link.fromM))}`;
        pen = true;
        if (reach !== null) {
          dd += `L${r(f.x(reach))} ${r(f.y(link.toM))}`;
          if (exit !== null && exit > reach) dd += `H${r(f.x(exit))}`;
        } else {
          // Still on the link at the end: at free speed it would have got this far.
          const t = Math.min(corridor.end, enter + link.freeFlowS);
          const frac = link.freeFlowS > 0 ? (t - enter) / link.freeFlowS : 1;
          dd += `L${r(f.x(t))} ${r(f.y(link.fromM + (link.toM - link.fromM) * frac))}`;
          pen = false;
        }
      }
      if (!inWindow || dd === '') continue;
      drawn++;
      paths.push(html`<path class="trajectory" d="${dd}" stroke="${colour}"/>`);
    }
  });
  const junctionLines: Html[] = [];
  const seen = new Set<number>();
  for (const d of corridor.directions) {
    for (const l of d.links) {
      for (const [m, id] of [[l.fromM, l.from], [l.toM, l.to]] as Array<[number, string]>) {
        if (seen.has(m)) continue;
        seen.add(m);
        const name = options.junctionNames?.get(id);
        junctionLines.push(html`<g transform="translate(0,${r(f.y(m))})"><line x1="${f.left}" x2="${f.right}" stroke="#ccc" stroke-dasharray="2 3"/><text class="junction-label" x="${f.right + 4}" dy="4" data-tip="${name === undefined ? id : `${name} (${id})`}">${shorten(name ?? id, 14)}</text></g>`);
      }
    }
  }
  const xTicks = timeTicks(window, 10);
  const yTicks = f.y.ticks(6);
  const legend = html`<g class="chart-legend" transform="translate(${f.left},12)">${corridor.directions.map((d, di) => html`<g transform="translate(${di * 260},0)"><line x2="18" y1="-4" y2="-4" stroke="${DIRECTION_COLOURS[di % 2]}" stroke-width="2.5"/><text x="22">${shorten(d.name, 36)}</text></g>`)}
<g transform="translate(${corridor.directions.length * 260},0)">${SIGNAL_FILL.map((c, i) => html`<rect x="${i * 90}" y="-10" width="10" height="8" fill="${c}"/><text x="${i * 90 + 13}">${['red', 'green', 'permissive', 'yellow'][i]}</text>`)}</g></g>`;
  const svg = html`<svg class="chart time-space" viewBox="0 0 ${width + 90} ${height}" role="img" aria-label="Time-space diagram">
<defs><clipPath id="${clipId}"><rect x="${f.left}" y="${f.top - 8}" width="${f.right - f.left}" height="${f.bottom - f.top + 16}"/></clipPath></defs>
${legend}
${axes(f, xTicks, yTicks, clock, (v) => num(v, 0), 'time', 'distance along the corridor (m)')}
${junctionLines}
<g clip-path="url(#${clipId})">${bands}<g class="trajectories" fill="none" stroke-width="1.1" opacity="0.7">${paths}</g></g>
</svg>`;
  return { svg, drawn, window };
}

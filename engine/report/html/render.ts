/**
 * The self-contained HTML report: one file, no network access, everything
 * inline (CSS, SVG, one small script). `renderReportHtml(data)` is a pure
 * function of the report's data: what `loadReportData(dir)` read from an outputs
 * directory, or what `runReportData(run)` took from a run in memory (the same
 * values, so the same page); `renderReport(dir)` reads and renders.
 *
 * Sections, each shown when its files are present: key figures (summary.json),
 * the network map (network.geojson, junctions.csv, link-flows.csv), the network
 * over time (timeseries.csv), queues and control delay over time for chosen
 * junctions (junction-timeseries.csv), the corridor time-space diagram
 * (corridor.json), the optimiser's convergence (convergence.csv) and the
 * before/after table (comparison.json).
 *
 * Safety: all text from input files goes through the escaping `html` template;
 * a Content-Security-Policy allows no network access and only the page's own
 * script (by its SHA-256 hash), so even markup that slipped through could not
 * run code or fetch anything.
 */
import { createHash } from 'node:crypto';
import { html, join, type Html } from './escape.js';
import { LOS_COLOURS, LOS_GRADES, NO_DATA_COLOUR, SIGNAL_LOS_LIMITS, losLegend, rampLegend, speedRatioColour, vcColour } from './colours.js';
import { clock, lineChart, num, timeSpaceDiagram, type ChartSeries } from './charts.js';
import { networkMap } from './map.js';
import { comparisonSection } from './comparison.js';
import { timingSection } from './timing.js';
import { whatIfSection } from './what-if.js';
import { calibrationSection } from './calibration.js';
import { junctionLabel, type ReportData, type ReportJunction, type ReportJunctionSeries } from './data.js';
import { loadReportData } from './read.js';

/** Options of {@link renderReportHtml}. */
export interface ReportOptions {
  /** Junction ids to chart over time (default: the signalised ones if at most 30, else the 20 with most control delay). */
  junctions?: readonly string[];
  /** Time window of the time-space diagram, s since midnight (default: 5-20 busy minutes, about 160 trajectories). */
  corridorWindow?: [number, number];
  /** Title of the page (default from the scenario name). */
  title?: string;
}

const UNSIGNALISED_LOS_LIMITS = [10, 15, 25, 35, 50];

const SCRIPT = `(function () {
  var tip = document.createElement('div');
  tip.className = 'tip';
  tip.hidden = true;
  document.body.appendChild(tip);
  document.addEventListener('mouseover', function (event) {
    var t = event.target;
    var text = t && t.getAttribute ? t.getAttribute('data-tip') : null;
    if (text) { tip.textContent = (t.getAttribute('data-id') || '') + ' ' + text; tip.hidden = false; } else tip.hidden = true;
  });
  document.addEventListener('mousemove', function (event) {
    if (tip.hidden) return;
    tip.style.left = Math.min(event.pageX + 14, document.documentElement.scrollWidth - 340) + 'px';
    tip.style.top = (event.pageY + 14) + 'px';
  });
  var sel = document.getElementById('junction-select');
  function show(id) {
    var charts = document.querySelectorAll('.junction-chart');
    for (var i = 0; i < charts.length; i++) charts[i].hidden = charts[i].getAttribute('data-junction') !== id;
    if (sel) sel.value = id;
  }
  if (sel) sel.addEventListener('change', function () { show(sel.value); });
  var map = document.getElementById('network-map');
  if (map && sel) map.addEventListener('click', function (event) {
    var t = event.target;
    if (!t || !t.classList || !t.classList.contains('junction')) return;
    var id = t.getAttribute('data-id');
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === id) { show(id); document.getElementById('junctions').scrollIntoView(); return; }
    }
  });
  var buttons = document.querySelectorAll('[data-colour-by]');
  for (var b = 0; b < buttons.length; b++) buttons[b].addEventListener('click', function () {
    var by = this.getAttribute('data-colour-by');
    var links = document.querySelectorAll('path.link');
    for (var i = 0; i < links.length; i++) links[i].setAttribute('stroke', links[i].getAttribute(by === 'vc' ? 'data-vc' : 'data-sr') || '${NO_DATA_COLOUR}');
    var legends = document.querySelectorAll('[data-legend-for]');
    for (var k = 0; k < legends.length; k++) legends[k].hidden = legends[k].getAttribute('data-legend-for') !== by;
    for (var j = 0; j < buttons.length; j++) buttons[j].setAttribute('aria-pressed', String(buttons[j] === this));
  });
})();`;

const STYLE = `
:root { --ink: #1d2327; --muted: #5f6b73; --line: #d9dee2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #fff; }
header, section, footer { max-width: 1120px; margin: 0 auto; padding: 14px 24px; }
header { border-bottom: 3px solid #1a9641; }
h1 { font-size: 24px; margin: 6px 0 2px; }
h2 { font-size: 18px; margin: 8px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.meta, .note { color: var(--muted); font-size: 13px; }
.note { max-width: 900px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 10px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; }
.card .ci { font-size: 12px; color: var(--muted); }
.warning { background: #fdecea; border-left: 4px solid #c0392b; padding: 8px 12px; margin: 8px 0; }
svg { font: 11px system-ui, sans-serif; }
svg.map { width: 100%; height: auto; display: block; border-radius: 6px; }
.map-bg { fill: #2f3439; }
path.link { fill: none; }
circle.junction { stroke: #fff; stroke-width: 1.2; cursor: pointer; }
.map-label { fill: #fff; font-size: 12px; paint-order: stroke; stroke: #2f3439; stroke-width: 3px; }
.map-legend { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; margin: 8px 0; }
.legend-title { font-weight: 600; font-size: 12px; }
.legend-los ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0; margin: 4px 0; }
.legend-los li { display: flex; align-items: center; gap: 4px; font-size: 12px; }
.toggle button { font: inherit; padding: 3px 10px; border: 1px solid #999; background: #f4f4f4; border-radius: 4px; cursor: pointer; }
.toggle button[aria-pressed="true"] { background: #1d2327; color: #fff; }
svg.chart { width: 100%; height: auto; display: block; }
svg.forest { max-width: 680px; }
.chart-title { font-weight: 600; font-size: 12px; }
.axis text { fill: #333; }
.axis-label { fill: var(--muted); }
.band-label { fill: #555; font-size: 10px; }
.junction-label { fill: #333; font-size: 10px; }
.trajectory { fill: none; }
.charts-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 800px) { .charts-2 { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: right; vertical-align: top; }
th:first-child { text-align: left; }
td.best .mean { font-weight: 700; }
.ci, .ci-range { color: var(--muted); font-size: 12px; }
.change.better { color: #1a7f37; } .change.worse { color: #b42318; } .change.overlap { color: var(--muted); }
.timing-plans { display: flex; flex-wrap: wrap; gap: 16px; } .timing-plan { flex: 1 1 360px; max-width: 480px; } table.timing td.movements { font-size: 12px; text-align: left; } svg.phase-diagram { max-width: 480px; }
td.verdict.better { color: #1a7f37; } td.verdict.worse { color: #b42318; } td.gridlock { background: #fdecea; color: #b42318; font-weight: 700; } .blocked { color: #b42318; font-size: 11px; }
.change { font-size: 12px; white-space: nowrap; }
.los-chip { display: inline-block; min-width: 18px; text-align: center; border-radius: 3px; font-weight: 700; font-size: 11px; color: #111; }
select { font: inherit; padding: 2px 6px; }
.tip { position: absolute; z-index: 10; max-width: 320px; background: #1d2327; color: #fff; font-size: 12px; padding: 5px 8px; border-radius: 4px; pointer-events: none; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); margin-top: 16px; }
`;

function keyFigures(data: ReportData): Html {
  const s = data.summary;
  if (!s?.totals) return html``;
  const totals = s.totals;
  const conf = s.confidence;
  const card = (label: string, field: string, digits: number, unit = '', scale = 1): Html => {
    const c = conf?.[field];
    const value = c && c.mean !== null ? c.mean : totals[field];
    const ci = c && c.halfWidth !== null ? html`<div class="ci">± ${num(c.halfWidth * scale, digits)} (${Math.round(c.level * 100)}% CI, n = ${c.n})</div>` : '';
    return html`<div class="card" data-field="${field}"><div class="label">${label}</div><div class="value">${num((value ?? NaN) * scale, digits)}${unit ? html` <small>${unit}</small>` : ''}</div>${ci}</div>`;
  };
  return html`<div class="cards">
${card('Trips', 'trips', 0)}${card('Arrived', 'arrived', 0)}${card('Unfinished', 'unfinished', 0)}
${totals.meanTravelTimeAllTrips !== undefined ? html`${card('Mean travel time, all trips', 'meanTravelTimeAllTrips', 1, 's')}${card('Mean delay, all trips', 'meanDelayAllTrips', 1, 's')}` : ''}
${card('Mean travel time, finished only', 'meanTravelTime', 1, 's')}${card('Mean delay, finished only', 'meanDelay', 1, 's')}${card('Mean stops', 'meanStops', 2)}
${card('Vehicle-km', 'vehicleKm', 0)}${card('Vehicle-hours', 'vehicleHours', 1)}${card('Mean speed', 'meanSpeed', 1, 'km/h', 3.6)}
</div>`;
}

function mapSection(data: ReportData): Html {
  if (!data.links) return html`<p class="note">No network.geojson in this directory, so no map.</p>`;
  const junctions = data.junctions;
  const worst = (junctions ?? []).filter((j) => Number.isFinite(j.controlDelayS)).sort((a, b) => b.controlDelayS - a.controlDelayS).slice(0, 5);
  const { svg, hasVc } = networkMap(data.links, junctions, {
    geographic: data.geographic,
    drivingSide: data.summary?.network?.drivingSide ?? 'right',
    labels: new Set(worst.map((j) => j.id)),
  });
  const losCounts = LOS_GRADES.map((g) => [g, (junctions ?? []).filter((j) => j.los === g).length] as const).filter(([, n]) => n > 0);
  const toggle = hasVc
    ? html`<div class="toggle" role="group" aria-label="Colour links by">Colour links by <button type="button" data-colour-by="sr" aria-pressed="true">speed ratio</button> <button type="button" data-colour-by="vc" aria-pressed="false">volume / capacity</button></div>`
    : '';
  return html`${toggle}
<div class="map-legend" id="map-legend">
<div data-legend-for="sr">${rampLegend('sr', 'Speed ratio: free-flow / mean travel time (1 = free flow)', speedRatioColour, [0, 1], (v) => num(v, 2))}</div>
${hasVc ? html`<div data-legend-for="vc" hidden>${rampLegend('vc', 'Peak-interval volume / capacity (c = lanes × s × green share)', vcColour, [0, 1.2], (v) => num(v, 1))}</div>` : ''}
${losLegend()}
</div>
${svg}
<p class="note">${data.links.length.toLocaleString('en')} links; each direction of a street is drawn on its ${data.summary?.network?.drivingSide ?? 'right'}-hand side of travel. Circles: junctions that vehicles passed (large: signalised), filled by HCM level of service${losCounts.length ? ` (${losCounts.map(([g, n]) => `${g} ${n}`).join(', ')})` : ''}; labelled: the ${worst.length} with most control delay. Hover a link or junction for its figures${data.junctionSeries ? '; click a junction to chart it below' : ''}.
The speed ratio includes waiting at stop lines: in the mesoscopic model vehicles travel at free-flow speed between queues.</p>`;
}

function networkSeries(data: ReportData): Html {
  const ts = data.timeseries;
  if (!ts || ts.length === 0) return html``;
  const series: ChartSeries[] = [
    { name: 'in the network', colour: '#1f5fa8', points: ts.map((s) => [s.time, s.inNetwork] as const) },
    { name: 'queued at stop lines', colour: '#c0392b', points: ts.map((s) => [s.time, s.queued] as const) },
    { name: 'waiting to enter', colour: '#8e6c00', points: ts.map((s) => [s.time, s.waiting] as const), dash: '5 3' },
  ];
  const tt: ChartSeries[] = [
    { name: 'mean travel time of arrivals', colour: '#1f5fa8', points: ts.map((s) => [s.time, s.meanTravelTime] as const) },
  ];
  return html`<section id="network-time"><h2>The network over time</h2><div class="charts-2">
${lineChart({ title: 'Vehicles (at the end of each interval)', xLabel: 'time', yLabel: 'vehicles', series, timeAxis: true })}
${lineChart({ title: 'Mean travel time of trips arriving in each interval', xLabel: 'time', yLabel: 'seconds', series: tt, timeAxis: true })}
</div></section>`;
}

/** Interval boundaries of a series: [start, end] of each sample (samples are stamped at their end). */
function intervals(times: readonly number[]): Array<[number, number]> {
  const step = times.length > 1 ? times[1] - times[0] : 300;
  return times.map((t, i) => [i === 0 ? t - step : times[i - 1], t]);
}

function stepped(times: readonly number[], values: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  intervals(times).forEach(([a, b], i) => { out.push([a, values[i]], [b, values[i]]); if (!Number.isFinite(values[i])) out.push([b, NaN]); });
  return out;
}

function chosenJunctions(data: ReportData, options: ReportOptions): string[] {
  const series = data.junctionSeries;
  if (!series) return [];
  if (options.junctions && options.junctions.length > 0) return options.junctions.filter((id) => series.has(id));
  const known = (data.junctions ?? []).filter((j) => series.has(j.id));
  const byDelay = (a: ReportJunction, b: ReportJunction): number => (Number.isFinite(b.controlDelayS) ? b.controlDelayS : -1) - (Number.isFinite(a.controlDelayS) ? a.controlDelayS : -1);
  const signals = known.filter((j) => j.control === 'signal').sort(byDelay);
  if (signals.length > 0 && signals.length <= 30) return signals.map((j) => j.id);
  const ranked = (signals.length > 0 ? signals : known.filter((j) => j.los !== '').sort(byDelay)).slice(0, 20);
  return ranked.length > 0 ? ranked.map((j) => j.id) : [...series.keys()].slice(0, 20);
}

function junctionCharts(id: string, s: ReportJunctionSeries, junction: ReportJunction | undefined, hidden: boolean): Html {
  const limits = junction && junction.control !== 'signal' ? UNSIGNALISED_LOS_LIMITS : SIGNAL_LOS_LIMITS;
  const bands = LOS_GRADES.map((g, i) => ({ y0: i === 0 ? 0 : limits[i - 1], y1: i < limits.length ? limits[i] : 1e9, colour: LOS_COLOURS[g], label: `LOS ${g}` }));
  const queue = lineChart({
    title: 'Vehicles queued at its stop lines', xLabel: 'time', yLabel: 'vehicles', timeAxis: true,
    series: [
      { name: 'mean', colour: '#1f5fa8', points: stepped(s.times, s.meanQueued) },
      { name: 'maximum', colour: '#c0392b', points: stepped(s.times, s.maxQueued), dash: '5 3' },
    ],
  });
  const delay = lineChart({
    title: 'Mean control delay of vehicles passing (s)', xLabel: 'time', yLabel: 'seconds', timeAxis: true, bands,
    series: [{ name: 'control delay', colour: '#1d2327', points: stepped(s.times, s.controlDelayS) }],
  });
  const total = s.vehicles.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const summary = junction
    ? html`${junction.control} junction; over the run: ${num(junction.vehicles, 0)} vehicles, control delay ${num(junction.controlDelayS, 1)} s, LOS <span class="los-chip" style="background:${LOS_COLOURS[junction.los as 'A'] ?? NO_DATA_COLOUR}">${junction.los || '–'}</span>`
    : html`${num(total, 0)} vehicles passed`;
  return html`<div class="junction-chart" data-junction="${id}"${hidden ? html` hidden` : ''}><h3>${id}</h3><p class="note">${summary}</p><div class="charts-2">${queue}${delay}</div></div>`;
}

function junctionSection(data: ReportData, options: ReportOptions): Html {
  const ids = chosenJunctions(data, options);
  const series = data.junctionSeries;
  if (!series || ids.length === 0) {
    return html`<section id="junctions"><h2>Junctions over time</h2><p class="note">No junction-timeseries.csv in this directory: run with <code>--report</code> to record queues and delay over time per junction.</p></section>`;
  }
  const byId = new Map((data.junctions ?? []).map((j) => [j.id, j]));
  const select = html`<label>Junction <select id="junction-select">${ids.map((id) => {
    const j = byId.get(id);
    return html`<option value="${id}">${j?.name === undefined ? id : `${j.name} (${id})`}${j ? ` — LOS ${j.los || '–'}, ${num(j.controlDelayS, 1)} s` : ''}</option>`;
  })}</select></label>`;
  const charts = ids.map((id, i) => junctionCharts(id, series.get(id) as ReportJunctionSeries, byId.get(id), i > 0));
  return html`<section id="junctions"><h2>Junctions over time</h2>
<p class="note">${ids.length} junction${ids.length === 1 ? '' : 's'} charted (${options.junctions?.length ? 'as chosen' : 'signalised, most delay first'}); choose one below or click it on the map. Queues are vehicles waiting at the stop lines of the junction's approaches (mean over each interval and the most at once); control delay is time on the approach beyond its free-flow time, for the vehicles that passed in each interval. Shaded bands are the HCM level-of-service ranges.</p>
${select}${charts}</section>`;
}

function corridorSection(data: ReportData, options: ReportOptions): Html {
  const c = data.corridor;
  if (!c || c.directions.length === 0) {
    return html`<section id="corridor"><h2>Corridor time-space diagram</h2><p class="note">No corridor.json in this directory: run with <code>--report</code> (and optionally <code>--corridor FROM:TO</code>) to record one.</p></section>`;
  }
  const junctionNames = new Map((data.junctions ?? []).flatMap((j) => (j.name === undefined ? [] : [[j.id, j.name] as const])));
  const { svg, drawn, window } = timeSpaceDiagram(c, { ...(options.corridorWindow ? { window: options.corridorWindow } : {}), junctionNames });
  const first = c.directions[0];
  const length = Math.max(0, ...first.links.map((l) => Math.max(l.fromM, l.toM)));
  return html`<section id="corridor"><h2>Corridor time-space diagram</h2>
<p class="note">Corridor ${first.name}${c.directions.length > 1 ? html` and back (${c.directions[1].name})` : ''}: ${first.links.length} links, ${num(length / 1000, 2)} km; ${drawn.toLocaleString('en')} vehicle trajectories between ${clock(window[0])} and ${clock(window[1])}${c.omittedVehicles ? ` (${c.omittedVehicles.toLocaleString('en')} later vehicles not recorded)` : ''}.
How to read it: the model is mesoscopic and has no positions inside a link, so each trajectory is drawn entering a link at its upstream end, reaching the stop line after the link's free-flow time (sloped line), waiting there while queued (horizontal line: queues stand at the stop line) and entering the next link when it is served. Coloured bars at each junction are the signal for the movement continuing along the corridor (below the line: first direction; above: the other).</p>
${svg}</section>`;
}

function convergenceSection(data: ReportData): Html {
  const conv = data.convergence;
  if (!conv || conv.length === 0) return html``;
  const last = conv[conv.length - 1];
  const first = conv[0];
  const objective = { delay: 'mean delay per trip (s)', travelTime: 'mean travel time (s)', vehicleHours: 'vehicle-hours' }[data.comparison?.objective ?? 'delay'] ?? 'objective';
  const batches = new Set(conv.map((p) => p.batch)).size;
  const chart = lineChart({
    title: `Objective (${objective}) of each evaluated plan, and the best so far`, xLabel: 'evaluation', yLabel: objective, width: 1040, height: 300,
    series: [
      { name: 'evaluated plan', colour: '#7f8c8d', points: conv.map((p) => [p.evaluation, p.objective] as const), dots: true },
      { name: 'best so far', colour: '#1a9641', points: conv.map((p) => [p.evaluation, p.best] as const), step: true },
    ],
  });
  const change = Number.isFinite(first.best) && first.best !== 0 ? ((last.best - first.best) / Math.abs(first.best)) * 100 : NaN;
  return html`<section id="convergence"><h2>Optimiser convergence</h2>
<p class="note">${conv.length.toLocaleString('en')} evaluations in ${batches} batch${batches === 1 ? '' : 'es'} over ${num(last.elapsedS, 1)} s; best ${objective} ${num(first.best, 2)} → ${num(last.best, 2)} (${num(change, 1)}%). Objective values are means over the optimiser's training seeds; the held-out comparison below is the fair test.</p>
${chart}</section>`;
}

/** Route choice at equilibrium: the relative gap and the mean travel time of each iteration, and how it ended. */
function equilibriumSection(data: ReportData): Html {
  const eq = data.summary?.equilibrium;
  const points = eq?.convergence ?? data.equilibrium;
  if (!points || points.length === 0) return html``;
  const last = points[points.length - 1];
  const converged = eq?.converged;
  const noise = eq?.stopped === 'noise';
  const gap = lineChart({
    title: 'Relative gap of each iteration (%)', xLabel: 'iteration', yLabel: 'relative gap (%)', width: 520, height: 260,
    series: [{ name: 'relative gap', colour: '#2c7bb6', points: points.map((p) => [p.iteration, 100 * p.gap] as const) }],
    yFormat: (v) => num(v, 1),
  });
  const travel = lineChart({
    title: 'Mean travel time of the arrived trips (s)', xLabel: 'iteration', yLabel: 'mean travel time (s)', width: 520, height: 260,
    series: [{ name: 'mean travel time', colour: '#d7191c', points: points.map((p) => [p.iteration, p.meanTravelTime ?? NaN] as const) }],
  });
  const ended = converged === undefined ? '' : converged ? 'The gap fell below the threshold: converged. '
    : noise ? `Stopped before the gap fell below the threshold: NOT converged, but what remains of the gap is sampling noise (cross-fitted gap ${num(100 * (last.crossFitGap ?? NaN), 2)}%: routes chosen on half of the vehicles' times are slower on the other half's by more than the threshold). `
      : 'The iteration budget ran out before the gap fell below the threshold: NOT converged. ';
  const unfinished = last.unfinished > 0 ? html` <b>${num(last.unfinished, 0)} trips unfinished</b> at the last iteration.` : ' Every trip finished at the last iteration.';
  return html`<section id="equilibrium"><h2>Route choice: convergence to equilibrium</h2>
<p class="note">${ended}Relative gap (the time drivers lose on their routes against the fastest ones, as a share of all route time) ${num(100 * last.gap, 2)}% after ${points.length} iterations; mean travel time ${num(points[0].meanTravelTime ?? NaN, 1)} s at the first, ${num(last.meanTravelTime ?? NaN, 1)} s at the last.${unfinished} The map and figures above are the last iteration's (the first replication's).</p>
<div class="charts-2">${gap}${travel}</div></section>`;
}

/**
 * The report page for `data` (pure: same data and options, same string).
 * Every text from the data is escaped.
 */
export function renderReportHtml(data: ReportData, options: ReportOptions = {}): string {
  const s = data.summary;
  const scenario = s?.scenario ?? data.comparison?.scenario ?? data.calibration?.summary?.scenario ?? 'greenwave outputs';
  const title = options.title ?? `greenwave report — ${scenario}`;
  const provenance = Object.entries(data.provenance)[0]?.[1];
  const reps = s?.replications && s.replications.length > 1 ? `; ${s.replications.length} replications (figures with ± are means with confidence intervals; map and charts show the first)` : '';
  const meta = s
    ? html`greenwave ${s.greenwave ?? ''} · scenario ${s.scenario}${s.scenarioFile ? html` (${s.scenarioFile})` : ''} · seed ${s.seed}${reps}${s.network ? html` · ${num(s.network.junctions, 0)} junctions, ${num(s.network.links, 0)} links, driving on the ${s.network.drivingSide}` : ''}${s.endTime !== undefined ? html` · run ended ${clock(s.endTime)}` : ''}`
    : html`${provenance ?? ''}`;
  const gridlock = s?.gridlock
    ? html`<div class="warning"><b>Gridlock</b> at ${clock(s.gridlock.time)}: ${num(s.gridlock.vehicles, 0)} vehicles stuck at junctions ${join(s.gridlock.junctions.map((id) => junctionLabel(data, id)), ', ')}. The run ended there: the all-trips means count the stranded trips up to the scheduled end, the finished-only means leave them out, and the blocked junctions are LOS F.</div>`
    : '';
  const body = html`<header><h1>${title}</h1><div class="meta">${meta}</div>${gridlock}${keyFigures(data)}</header>
${data.whatIf ? html`<section id="what-if"><h2>What if: variants against the base on the same seeds</h2>${whatIfSection(data.whatIf)}</section>` : ''}
${data.comparison ? html`<section id="comparison"><h2>Before and after: plans compared on held-out seeds</h2>${comparisonSection(data.comparison)}</section>` : ''}
${data.timing && data.timing.length > 0 ? html`<section id="timing"><h2>Signal timing sheet</h2>${timingSection(data.timing)}</section>` : ''}
${data.links || data.summary ? html`<section id="map"><h2>Network map</h2>${mapSection(data)}</section>` : ''}
${data.calibration ? calibrationSection(data.calibration, data.links, { geographic: data.geographic, drivingSide: s?.network?.drivingSide ?? 'right' }) : ''}
${networkSeries(data)}
${data.links || data.junctionSeries ? junctionSection(data, options) : ''}
${data.links || data.corridor ? corridorSection(data, options) : ''}
${equilibriumSection(data)}
${convergenceSection(data)}
<footer>Made by greenwave${Object.keys(data.provenance).length > 0 || data.summary ? html` from ${join(Object.keys(data.provenance).concat(data.summary ? ['summary.json'] : []).sort(), ', ')}` : ''}. Times are clock times of the simulated day; delays in seconds. Map colours: d3-scale with ColorBrewer RdYlGn; LOS thresholds: HCM 7th edition (Exhibits 19-8 and 20-2). This file is self-contained and works offline.</footer>`;
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="greenwave">
${html`<title>${title}</title>`}
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Read the outputs in `dir` and render the report page. */
export async function renderReport(dir: string, options: ReportOptions = {}): Promise<string> {
  return renderReportHtml(await loadReportData(dir), options);
}

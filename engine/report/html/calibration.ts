/**
 * The report's calibration section, from the files `greenwave calibrate` writes:
 * calibration.csv (one row per count) and calibration.json (the fit summary).
 * It shows the fit figures engineers are asked for, observed against simulated
 * hourly flows as a scatter with the GEH = 5 envelope, the count locations on the
 * network map coloured by their whole-period GEH (when network.geojson is there),
 * and the locations furthest off.
 *
 * The GEH = 5 envelope: 2 (M - C)^2 = 25 (M + C) gives
 * M = C + (25 +- sqrt(625 + 400 C)) / 4 for hourly flows C (DMRB Vol. 12 §4.4.39).
 */
import { z } from 'zod';
import { html, type Html } from './escape.js';
import { lineChart, num } from './charts.js';
import { colourOf, NO_DATA_COLOUR, rampLegend, speedRatioColour } from './colours.js';
import { networkMap } from './map.js';
import type { ReportLink } from './data.js';
import { locationFits } from '../../optimise/calibrate/fit.js';
import { CALIBRATION_FILES, readCalibration, type CalibrationCount, type CalibrationReport, type Fit } from './calibration-data.js';

export { CALIBRATION_FILES, readCalibration };
export type { CalibrationCount, CalibrationReport };

const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);
/** Colour of a GEH: green at 0, yellow about 5, red from 10 (the speed-ratio ramp, reversed). */
const gehColour = (g: number): string => colourOf(speedRatioColour, 1 - Math.min(g, 10) / 10);

function scatter(counts: readonly CalibrationCount[]): Html {
  const hourly = (c: CalibrationCount, v: number): number => (v * 3600) / (c.end - c.begin);
  const good = counts.filter((c) => c.geh < 5).map((c) => [hourly(c, c.observed), hourly(c, c.simulated)] as const);
  const bad = counts.filter((c) => c.geh >= 5).map((c) => [hourly(c, c.observed), hourly(c, c.simulated)] as const);
  let top = 1;
  for (const c of counts) top = Math.max(top, hourly(c, c.observed), hourly(c, c.simulated));
  const steps = 40;
  const envelope = (sign: number): Array<readonly [number, number]> => Array.from({ length: steps + 1 }, (_, i) => {
    const c = (top * i) / steps;
    return [c, Math.max(0, c + (25 + sign * Math.sqrt(625 + 400 * c)) / 4)] as const;
  }).filter(([, m]) => m <= top * 1.05);
  return lineChart({
    title: 'Observed against simulated, every count as an hourly flow (veh/h)', xLabel: 'observed, veh/h', yLabel: 'simulated, veh/h',
    width: 560, height: 420, xDomain: [0, top], className: 'scatter',
    series: [
      { name: 'GEH < 5', colour: '#1a9641', points: good, dots: true },
      { name: 'GEH ≥ 5', colour: '#d7191c', points: bad, dots: true },
      { name: 'simulated = observed', colour: '#1d2327', points: [[0, 0], [top, top]] },
      { name: 'GEH = 5', colour: '#7f8c8d', points: [...envelope(1), [NaN, NaN] as const, ...envelope(-1)], dash: '4 3' },
    ],
  });
}

function figures(label: string, s: z.infer<typeof Fit>): Html {
  return html`<tr><th>${label}</th><td>${pct(s.shareGehBelow5)}<div class="ci">${pct(s.shareGehBelow5WithTraffic)} with traffic</div></td><td>${pct(s.periodShareGehBelow5)}</td><td>${pct(s.shareFlowCriterion)}</td>
<td>${num(s.r2 ?? NaN, 3)}<div class="ci">slope ${num(s.slope ?? NaN, 2)}</div></td><td>${num(s.rmse ?? NaN, 1)}<div class="ci">${num(s.percentRmse ?? NaN, 1)}%</div></td>
<td>${num(s.totals.simulated, 0)} / ${num(s.totals.observed, 0)}<div class="ci">${pct(s.totals.ratio)}</div></td></tr>`;
}

/** The calibration section; `links` (from network.geojson) draw the count locations on the map. */
export function calibrationSection(report: CalibrationReport, links: readonly ReportLink[] | undefined, options: { geographic: boolean; drivingSide: 'left' | 'right' }): Html {
  const s = report.summary;
  const counts = report.counts ?? [];
  const byLocation = new Map(locationFits(counts).map((f) => [f.location, f]));
  const periodGeh = new Map([...byLocation.values()].map((f) => [f.location, f.geh]));
  const table = s
    ? html`<div class="table-wrap"><table><tr><th></th><th>GEH &lt; 5, counts</th><th>GEH &lt; 5, whole period</th><th>flow criterion</th><th>R²</th><th>RMSE, veh per count</th><th>vehicles simulated / observed</th></tr>
${s.before ? figures('before (the scenario\'s demand)', s.before) : ''}${figures('calibrated', s.fit)}</table></div>
<p class="note">${num(s.fit.counts, 0)} counts at ${num(s.fit.locations, 0)} locations; ${num(s.trips, 0)} calibrated trips (iteration ${s.bestIteration} of ${s.iterations.length}${s.interrupted ? ', interrupted' : `, ${s.stopReason}`}; trip ends: ${s.tripEnds}; seed ${s.seed}).
GEH = √(2 (M − C)² / (M + C)) on hourly flows (a 15-minute count × 4; DMRB Vol. 12, TAG M3.1); practitioners accept GEH &lt; 5 for more than 85% of counts. The flow criterion (TAG M3.1): within 100 veh/h below 700 veh/h, 15% up to 2,700, 400 veh/h above.</p>
${s.consistency.problems.length > 0 ? html`<div class="warning"><b>The counts contradict each other or the network</b> in ${s.consistency.problems.length} place${s.consistency.problems.length === 1 ? '' : 's'}:<ul>${s.consistency.problems.slice(0, 10).map((p) => html`<li>${p}</li>`)}</ul>${s.consistency.problems.length > 10 ? html`… and ${s.consistency.problems.length - 10} more in calibration.json` : ''}</div>` : ''}`
    : html`<p class="note">No calibration.json here: the figures below are from calibration.csv alone.</p>`;
  const worst = [...periodGeh].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const worstTable = worst.length > 0
    ? html`<h3>Locations furthest off (whole period)</h3><div class="table-wrap"><table><tr><th>location</th><th>observed</th><th>simulated</th><th>GEH</th></tr>${worst.map(([id, g]) => {
      const t = byLocation.get(id)!;
      return html`<tr data-location="${id}"><th>${id}</th><td>${num(t.observed, 0)}</td><td>${num(t.simulated, 0)}</td><td style="color:${g >= 5 ? '#b42318' : 'inherit'}">${num(g, 2)}</td></tr>`;
    })}</table></div>`
    : '';
  let map: Html | string = '';
  if (links && links.length > 0 && periodGeh.size > 0) {
    const worstIds = new Set(worst.slice(0, 5).map(([id]) => id));
    const linkIds = new Set(links.map((l) => l.id));
    const turning = [...byLocation.keys()].filter((id) => !linkIds.has(id)).length;
    const { svg } = networkMap(links, undefined, {
      ...options,
      id: 'calibration-map',
      linkClass: 'count-link',
      style: (l) => {
        const g = periodGeh.get(l.id);
        if (g === undefined) return { stroke: NO_DATA_COLOUR, tip: '(not counted)' };
        const t = byLocation.get(l.id)!;
        return { stroke: gehColour(g), tip: `${worstIds.has(l.id) ? 'among the worst: ' : ''}GEH ${num(g, 2)}, ${num(t.observed, 0)} observed, ${num(t.simulated, 0)} simulated` };
      },
    });
    map = html`<h3>Count locations on the network</h3>
<div class="map-legend">${rampLegend('geh', 'Whole-period GEH of the link count (grey: not counted)', (v: number) => gehColour(v), [0, 10], (v) => num(v, 0))}</div>${svg}
<p class="note">Link counts are drawn on their link${turning > 0 ? `; turning counts (${num(turning, 0)} locations) are in the table and calibration.csv` : ''}. Hover a link for its figures.</p>`;
  } else if (periodGeh.size > 0) {
    map = html`<p class="note">No network.geojson here, so the count locations are not drawn on a map: run <code>greenwave calibrate --report</code> to write the calibrated run's outputs beside the calibration.</p>`;
  }
  return html`<section id="calibration"><h2>Calibration to traffic counts</h2>${table}
${counts.length > 0 ? html`<div class="charts-2">${scatter(counts)}<div>${worstTable}</div></div>` : ''}
${map}</section>`;
}

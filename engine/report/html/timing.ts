/**
 * The timing-sheet section: per signalised junction, each plan of timing.csv
 * side by side (before/after for an optimisation: current, Webster, optimised):
 * cycle, offset with its reference point, each phase's movements and its green,
 * yellow and all-red, and a phase diagram — one bar per phase across the cycle,
 * green, then yellow, then all-red, red elsewhere — drawn to one time scale so
 * plans can be compared by eye.
 */
import { html, join, type Html } from './escape.js';
import { num } from './charts.js';
import type { ReportTimingRow } from './data.js';

const GREEN = '#2e9d4a';
const YELLOW = '#f2c12e';
const RED = '#c0392b';

interface PlanTiming {
  plan: string;
  control: string;
  cycle: number;
  offset: number;
  phases: ReportTimingRow[];
}

/** One plan's phase diagram: phases as rows, time 0..cycle (s after the offset) across. */
function phaseDiagram(p: PlanTiming, scaleMax: number): Html {
  const width = 360;
  const left = 34;
  const rowH = 16;
  const height = 22 + p.phases.length * rowH + 16;
  const x = (t: number): number => left + ((width - left - 8) * t) / scaleMax;
  const bars = p.phases.map((ph, i) => {
    const y = 18 + i * rowH;
    const g0 = ph.greenStartS;
    const y0 = g0 + ph.greenS;
    const r0 = y0 + ph.yellowS;
    const r1 = r0 + ph.allRedS;
    return html`<g class="phase-bar" data-phase="${ph.phase}"><text x="${left - 4}" y="${y + 11}" text-anchor="end">φ${ph.phase}</text>
<rect x="${x(0)}" y="${y + 2}" width="${x(p.cycle) - x(0)}" height="${rowH - 5}" fill="${RED}" opacity="0.25"/>
<rect class="green" x="${x(g0)}" y="${y + 2}" width="${Math.max(0.5, x(y0) - x(g0))}" height="${rowH - 5}" fill="${GREEN}"><title>φ${ph.phase} green ${num(ph.greenS, 0)} s from ${num(g0, 0)} s</title></rect>
<rect x="${x(y0)}" y="${y + 2}" width="${Math.max(0, x(r0) - x(y0))}" height="${rowH - 5}" fill="${YELLOW}"/>
<rect x="${x(r0)}" y="${y + 2}" width="${Math.max(0, x(r1) - x(r0))}" height="${rowH - 5}" fill="${RED}"/></g>`;
  });
  const axisY = 20 + p.phases.length * rowH;
  const ticks = [0, p.cycle / 2, p.cycle].map((t) => html`<text x="${x(t)}" y="${axisY + 12}" text-anchor="middle">${num(t, 0)}</text>`);
  return html`<svg class="chart phase-diagram" viewBox="0 0 ${width} ${height}" role="img" aria-label="phase diagram of ${p.plan}">
<text class="chart-title" x="0" y="11">${p.plan}: cycle ${num(p.cycle, 0)} s, offset ${num(p.offset, 0)} s (${p.control})</text>
${bars}<line x1="${x(0)}" x2="${x(p.cycle)}" y1="${axisY}" y2="${axisY}" stroke="#555"/>${ticks}</svg>`;
}

function planTable(p: PlanTiming): Html {
  const rows = p.phases.map((ph) => html`<tr><th scope="row">${ph.phase}</th><td class="movements">${join(ph.movements.map((m) => html`<div>${m}</div>`))}${ph.permissive.length > 0 ? html`<div class="ci-range">permissive: ${ph.permissive.join('; ')}</div>` : ''}</td><td>${num(ph.greenS, 0)}</td><td>${num(ph.yellowS, 1)}</td><td>${num(ph.allRedS, 1)}</td></tr>`);
  return html`<table class="timing"><thead><tr><th>φ</th><th>Movements</th><th>Green (s)</th><th>Yellow (s)</th><th>All-red (s)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The timing-sheet section's content, or nothing without timing rows. */
export function timingSection(rows: readonly ReportTimingRow[], limit = 30): Html {
  if (rows.length === 0) return html``;
  const byJunction = new Map<string, Map<string, PlanTiming>>();
  for (const r of rows) {
    let plans = byJunction.get(r.junction);
    if (!plans) { plans = new Map(); byJunction.set(r.junction, plans); }
    let p = plans.get(r.plan);
    if (!p) { p = { plan: r.plan, control: r.control, cycle: r.cycleS, offset: r.offsetS, phases: [] }; plans.set(r.plan, p); }
    p.phases.push(r);
  }
  const ids = [...byJunction.keys()];
  const shown = ids.slice(0, limit);
  const blocks = shown.map((id) => {
    const plans = [...(byJunction.get(id)?.values() ?? [])];
    const name = plans[0]?.phases[0]?.name;
    const scaleMax = Math.max(...plans.map((p) => p.cycle));
    return html`<div class="timing-junction" data-junction="${id}"><h3>${name ? `${name} (${id})` : id}</h3>
<div class="timing-plans">${plans.map((p) => html`<div class="timing-plan" data-plan="${p.plan}">${phaseDiagram(p, scaleMax)}${planTable(p)}</div>`)}</div></div>`;
  });
  return html`<p class="note">Each plan's cycle, offset and phases. The offset is when phase 1's green starts within the cycle, counted from the common reference time 0 (midnight of the simulated day; every cycle repeats from there), so offsets of junctions with one cycle length give their green-wave spacing. In plan.add.xml (SUMO), a fixed-time plan has the same offset; an actuated plan's offset there is the run's start time modulo the cycle, because greenwave's actuated control starts phase 1 when the run starts. Phase diagrams: green, yellow, all-red across one cycle (s after the offset), plans of a junction on one time scale; actuated and max-pressure plans vary their greens around these times. The same figures are in timing.csv.</p>
${ids.length > limit ? html`<p class="note">The first ${limit} of ${ids.length} signalised junctions; timing.csv has every one.</p>` : ''}
${blocks}`;
}

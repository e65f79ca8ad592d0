/**
 * The before/after section: the optimiser's comparison.json as a table of each
 * plan's metrics with Student-t confidence intervals over held-out seeds, a
 * forest plot of the objective, and per-junction control delay and LOS.
 *
 * Honest reading of intervals: when the file carries paired differences to a
 * reference plan (greenwave optimise runs every plan on the same seeds, common
 * random numbers), a difference is shown when its paired interval excludes 0.
 * Without them, two plans whose separate intervals do not overlap differ at
 * (at least) the stated level; overlapping intervals are not evidence of no
 * difference, only that the table cannot show one (Schenker & Gentleman 2001,
 * "On judging the significance of differences by examining the overlap between
 * confidence intervals", The American Statistician 55(3)). The page says which.
 *
 * Gridlock first: the table opens with the seeds each plan gridlocked on and its
 * unfinished trips, and the verdict column ranks gridlock before any mean (a plan
 * that gridlocked on more seeds is "worse", never "better" or "inconclusive").
 * Means over all trips (unfinished counted to the end) come before the
 * finished-only means, which are labelled as such.
 */
import { scaleLinear } from 'd3-scale';
import { html, join, type Html } from './escape.js';
import { num, shorten } from './charts.js';
import { losColour } from './colours.js';
import { COMPARISON_COLUMNS, type ComparisonFile, type ComparisonSummary } from './data.js';

type Column = (typeof COMPARISON_COLUMNS)[number];
const LABELS: Record<Column, { label: string; unit: string; digits: number }> = {
  meanDelayAllTrips: { label: 'Mean delay, all trips', unit: 's', digits: 1 },
  meanTravelTimeAllTrips: { label: 'Mean travel time, all trips', unit: 's', digits: 1 },
  meanDelay: { label: 'Mean delay, finished trips only', unit: 's', digits: 1 },
  meanTravelTime: { label: 'Mean travel time, finished trips only', unit: 's', digits: 1 },
  meanStops: { label: 'Mean stops', unit: '', digits: 2 },
  vehicleHours: { label: 'Vehicle-hours', unit: 'h', digits: 1 },
  unfinished: { label: 'Unfinished trips', unit: '', digits: 1 },
};
/** The metric the objective is: the all-trips mean when the file has it (files of older versions: the finished-only mean). */
function objectiveMetric(c: ComparisonFile): Column {
  const all = c.objective === 'delay' ? 'meanDelayAllTrips' : c.objective === 'travelTime' ? 'meanTravelTimeAllTrips' : undefined;
  if (all !== undefined && c.rows.every((r) => r.metrics[all] !== undefined)) return all;
  return c.objective === 'delay' ? 'meanDelay' : c.objective === 'travelTime' ? 'meanTravelTime' : 'vehicleHours';
}

/** The columns a file has, in table order. */
function columnsOf(c: ComparisonFile): Column[] {
  return COMPARISON_COLUMNS.filter((m) => c.rows.every((r) => r.metrics[m] !== undefined));
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

type Row = ComparisonFile['rows'][number];

/** The plan differences are taken against: the file's reference, else "current", else the first. */
function referenceOf(c: ComparisonFile): string {
  return c.reference ?? (c.rows.some((r) => r.plan === 'current') ? 'current' : c.rows[0].plan);
}

function signed(v: number, digits: number): string {
  return `${v > 0 ? '+' : ''}${num(v, digits)}`;
}

function cell(s: ComparisonSummary, digits: number, base: ComparisonSummary | undefined, diff: ComparisonSummary | undefined, best: boolean): Html {
  const interval = finite(s.halfWidth)
    ? html`<span class="ci">± ${num(s.halfWidth, digits)}</span><br><span class="ci-range">[${num(s.lower ?? NaN, digits)}, ${num(s.upper ?? NaN, digits)}]</span>`
    : html`<span class="ci-range">no interval (n = ${s.n})</span>`;
  let change: Html | string = '';
  if (diff && finite(diff.mean)) {
    // Paired by seed: the interval of the per-seed differences decides.
    const shown = finite(diff.upper) && finite(diff.lower) && (diff.upper < 0 || diff.lower > 0);
    const width = finite(diff.halfWidth) ? ` ± ${num(diff.halfWidth, digits)}` : '';
    change = html`<br><span class="change ${shown ? (diff.mean < 0 ? 'better' : 'worse') : 'overlap'}">Δ ${signed(diff.mean, digits)}${width} ${shown ? '(differs)' : '(inconclusive)'}</span>`;
  } else if (base && finite(base.mean) && finite(s.mean) && base.mean !== 0) {
    const pct = ((s.mean - base.mean) / Math.abs(base.mean)) * 100;
    const apart = finite(s.upper) && finite(s.lower) && finite(base.upper) && finite(base.lower) && (s.upper < base.lower || s.lower > base.upper);
    change = html`<br><span class="change ${apart ? (pct < 0 ? 'better' : 'worse') : 'overlap'}">${pct > 0 ? '+' : ''}${num(pct, 1)}% ${apart ? '(intervals apart)' : '(intervals overlap)'}</span>`;
  }
  return html`<td class="${best ? 'best' : ''}"><span class="mean">${num(s.mean ?? NaN, digits)}</span> ${interval}${change}</td>`;
}

function forestPlot(c: ComparisonFile): Html {
  const metric = objectiveMetric(c);
  const ref = referenceOf(c);
  const paired = c.rows.some((row) => row.difference);
  // Paired differences to the reference when the file has them (the reference itself at 0), else each plan's mean.
  const rows = c.rows.map((row) => ({
    plan: row.plan,
    s: (paired ? (row.difference?.[metric] ?? (row.plan === ref ? { n: 0, mean: 0, halfWidth: null, lower: null, upper: null, level: c.level } : row.metrics[metric])) : row.metrics[metric]) as ComparisonSummary,
  }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const { s } of rows) {
    for (const v of [s.lower, s.upper, s.mean]) if (finite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (paired) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  if (!(lo < hi)) { lo = (finite(lo) ? lo : 0) - 1; hi = (finite(hi) ? hi : 0) + 1; }
  const width = 680;
  const rowH = 26;
  const height = 46 + rows.length * rowH;
  const x = scaleLinear().domain([lo, hi]).nice().range([130, width - 20]);
  const base = rows.find((r) => r.plan === ref)?.s;
  const baseBand = paired
    ? html`<line x1="${x(0)}" x2="${x(0)}" y1="16" y2="${20 + rows.length * rowH}" stroke="#666" stroke-dasharray="3 3"/>`
    : base && finite(base.lower) && finite(base.upper)
      ? html`<rect x="${x(base.lower)}" y="20" width="${Math.max(1, x(base.upper) - x(base.lower))}" height="${rows.length * rowH}" fill="#999" opacity="0.15"/>`
      : '';
  const marks = rows.map(({ plan, s }, i) => {
    const y = 20 + i * rowH + rowH / 2;
    const bar = finite(s.lower) && finite(s.upper) ? html`<line x1="${x(s.lower)}" x2="${x(s.upper)}" y1="${y}" y2="${y}" stroke="#333" stroke-width="2"/>` : '';
    const dot = finite(s.mean) ? html`<circle cx="${x(s.mean)}" cy="${y}" r="4.5" fill="${plan === ref ? '#666' : '#1f5fa8'}"/>` : '';
    return html`<g class="forest-row" data-plan="${plan}"><text x="122" y="${y + 4}" text-anchor="end">${shorten(plan, 20)}</text>${bar}${dot}</g>`;
  });
  const ticks = x.ticks(6).map((t) => html`<g transform="translate(${x(t)},${20 + rows.length * rowH})"><line y2="5" stroke="#555"/><text y="18" text-anchor="middle">${num(t, LABELS[metric].digits > 1 ? 1 : LABELS[metric].digits)}</text></g>`);
  const { label, unit } = LABELS[metric];
  return html`<svg class="chart forest" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label} by plan">
<text class="chart-title" x="0" y="12">${paired
    ? `${label}${unit ? ` (${unit})` : ''} minus ${ref}'s, paired by seed: mean and ${Math.round(c.level * 100)}% interval`
    : `${label}${unit ? ` (${unit})` : ''} by plan: mean and ${Math.round(c.level * 100)}% interval (grey band: ${ref})`}</text>
${baseBand}${marks}${ticks}</svg>`;
}

function junctionTable(c: ComparisonFile, limit: number): Html {
  const plans = c.rows.map((r) => r.plan);
  const byJunction = new Map<string, Map<string, { s: ComparisonSummary; los: string; blocked: number }>>();
  for (const row of c.rows) {
    for (const j of row.junctions ?? []) {
      if (!byJunction.has(j.id)) byJunction.set(j.id, new Map());
      byJunction.get(j.id)?.set(row.plan, { s: j.controlDelay, los: j.los, blocked: j.blockedSeeds ?? 0 });
    }
  }
  if (byJunction.size === 0) return html``;
  const ref = plans.includes(referenceOf(c)) ? referenceOf(c) : plans[0];
  const ids = [...byJunction.keys()].sort((a, b) => (byJunction.get(b)?.get(ref)?.s.mean ?? -Infinity) - (byJunction.get(a)?.get(ref)?.s.mean ?? -Infinity));
  const shown = ids.slice(0, limit);
  const body = shown.map((id) => html`<tr><th scope="row">${id}</th>${plans.map((p) => {
    const v = byJunction.get(id)?.get(p);
    if (!v) return html`<td>–</td>`;
    const blocked = v.blocked > 0 ? html` <span class="blocked">blocked on ${v.blocked} seed${v.blocked === 1 ? '' : 's'}</span>` : '';
    return html`<td><span class="los-chip" style="background:${losColour(v.los)}" data-los="${v.los}">${v.los || '–'}</span> ${num(v.s.mean ?? NaN, 1)}${finite(v.s.halfWidth) ? html` <span class="ci">± ${num(v.s.halfWidth, 1)}</span>` : ''}${blocked}</td>`;
  })}</tr>`);
  return html`<h3>Control delay (s) and LOS by junction${ids.length > limit ? ` — the ${limit} with the most delay under the ${ref} plan, of ${ids.length}` : ''}</h3>
<div class="table-wrap"><table class="junction-comparison"><thead><tr><th>Junction</th>${plans.map((p) => html`<th>${p}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function verdictCell(row: Row): Html {
  if (row.verdict === undefined) return html`<td>–</td>`;
  if (row.verdict === 'reference') return html`<td class="verdict">reference</td>`;
  return html`<td class="verdict ${row.verdict === 'better' ? 'better' : row.verdict === 'worse' ? 'worse' : 'overlap'}" data-verdict="${row.verdict}"><strong>${row.verdict}</strong><br><span class="ci-range">${row.verdictReason ?? ''}</span></td>`;
}

function gridlockCell(row: Row, n: number): Html {
  if (row.gridlockedSeeds === undefined) return html`<td>–</td>`;
  const g = row.gridlockedSeeds.length;
  return html`<td class="${g > 0 ? 'gridlock' : ''}" data-gridlocked="${g}"><span class="mean">${g} of ${n}</span>${g > 0 ? html`<br><span class="ci-range">seeds ${join(row.gridlockedSeeds.map(String), ', ')}</span>` : ''}</td>`;
}

/** The written plan against the best baseline, paired by seed: the sentence a planner reads before the table. */
function versusBestNote(c: ComparisonFile): Html | '' {
  const v = c.versusBest;
  if (v === undefined || v === null) return '';
  const d = v.difference;
  const interval = finite(d.mean) && finite(d.halfWidth) ? `${signed(d.mean, 1)} ± ${num(d.halfWidth, 1)}` : 'no paired interval';
  const what = v.verdict === 'better' ? `${v.plan} beats ${v.baseline}, the best baseline` : v.verdict === 'worse' ? `${v.plan} is worse than ${v.baseline}, the best baseline` : `${v.plan} is not shown to beat ${v.baseline}, the best baseline`;
  return html`<p class="note versus-best" data-verdict="${v.verdict}"><strong>${what}</strong>: ${c.objective} ${interval} on the same seeds (${v.verdictReason.startsWith('gridlocked') ? v.verdictReason : 'per-seed differences, paired'}).</p>`;
}

/** The before/after section's content. */
export function comparisonSection(c: ComparisonFile): Html {
  const ref = referenceOf(c);
  const base: Row | undefined = c.rows.find((r) => r.plan === ref);
  const paired = c.rows.some((r) => r.difference);
  const columns = columnsOf(c);
  const hasGridlock = c.rows.some((r) => r.gridlockedSeeds !== undefined);
  const hasVerdict = c.rows.some((r) => r.verdict !== undefined);
  const nSeeds = c.heldOutSeeds.length;
  const best = new Map<string, number>();
  for (const m of columns) {
    let b = Infinity;
    for (const row of c.rows) { const v = row.metrics[m]?.mean; if (finite(v) && v < b) b = v; }
    best.set(m, b);
  }
  const summary = (row: Row, m: Column): ComparisonSummary => row.metrics[m] as ComparisonSummary;
  const rows = c.rows.map((row) => html`<tr data-plan="${row.plan}"><th scope="row">${row.plan}</th>${hasGridlock ? gridlockCell(row, nSeeds) : ''}${columns.map((m) => cell(summary(row, m), LABELS[m].digits, row === base || !base ? undefined : summary(base, m), row === base ? undefined : (row.difference?.[m] as ComparisonSummary | undefined), summary(row, m).mean === best.get(m) && c.rows.length > 1))}${hasVerdict ? verdictCell(row) : ''}</tr>`);
  const failures = c.rows.flatMap((row) => (row.failures ?? []).map((f) => html`<li>${row.plan}, seed ${f.seed}: ${f.message}</li>`));
  const n = Math.max(0, ...c.rows.map((r) => r.metrics.meanDelay.n));
  const gridlocked = c.rows.filter((r) => (r.gridlockedSeeds?.length ?? 0) > 0);
  const gridlockWarning = gridlocked.length > 0
    ? html`<div class="warning gridlock-warning"><strong>Gridlock.</strong> ${join(gridlocked.map((r) => html`${r.plan} gridlocked on ${String(r.gridlockedSeeds?.length)} of ${String(nSeeds)} seeds`), '; ')}. A gridlocked run stops early with vehicles stuck; its stranded trips count to the end of the run in the all-trips means, and the finished-only means leave them out. A plan that gridlocked on more seeds is never called better.</div>`
    : '';
  return html`${gridlockWarning}<p class="note">Scenario ${c.scenario}; objective: ${c.objective}. Each figure is the mean over ${c.heldOutSeeds.length} held-out seeds (${join(c.heldOutSeeds.map(String), ', ')}) — seeds the optimiser never saw — with its ${Math.round(c.level * 100)}% Student-t confidence interval (n = ${n}). Lower is better in every column; the best mean is bold.
"All trips" counts every trip due before the end of the run, unfinished ones up to the end (CityFlow's average travel time); "finished trips only" leaves stranded trips out and can look better for a worse plan.
${paired
    ? `Δ is the plan minus ${ref} on the same seeds (common random numbers), ± the half-width of the interval of the per-seed differences: where that interval excludes 0 the plans differ at this level ("differs"); where it includes 0 this comparison does not show a difference ("inconclusive" — not evidence that they are equal).`
    : `Where a plan's interval and the ${ref} plan's do not overlap, the difference holds at least at this level; where they overlap, this table cannot tell the plans apart (it is not evidence that they are equal).`}</p>
${versusBestNote(c)}
${failures.length > 0 ? html`<div class="warning">Runs that failed, left out of the figures: <ul>${failures}</ul></div>` : ''}
<div class="table-wrap"><table class="comparison"><thead><tr><th>Plan</th>${hasGridlock ? html`<th>Gridlocked seeds</th>` : ''}${columns.map((m) => html`<th>${LABELS[m].label}${LABELS[m].unit ? ` (${LABELS[m].unit})` : ''}</th>`)}${hasVerdict ? html`<th>Verdict vs ${ref}</th>` : ''}</tr></thead><tbody>${rows}</tbody></table></div>
${forestPlot(c)}
${junctionTable(c, 25)}`;
}

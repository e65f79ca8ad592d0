/**
 * What `greenwave optimise` prints: numbers, the held-out comparison as a
 * table, the labels of the kinds of plan and a one-line description of a plan.
 */
import type { Comparison } from '../engine/report/compare.js';
import type { ScoredPlan } from '../engine/optimise/optimise.js';
import type { PlanControl } from './optimise-budget.js';

/** `v` with `digits` decimals and thousands separators; "-" when not finite. */
export function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
}

/** The comparison as an aligned text table (mean ± 95% CI per metric), with the junctions' HCM level of service per plan. */
export function comparisonTable(comparison: Comparison): string {
  const lines: string[] = [];
  const head = ['plan', 'mean delay s', 'Δ vs ref s', 'travel time s', 'stops', 'veh-h', 'unfinished'];
  const rows = comparison.rows.map((r) => {
    const ci = (k: keyof typeof r.metrics, d = 1): string => `${fmt(r.metrics[k].mean, d)} ± ${fmt(r.metrics[k].halfWidth, d)}`;
    const diff = r.difference ? `${r.difference.meanDelay.mean >= 0 ? '+' : ''}${fmt(r.difference.meanDelay.mean)} ± ${fmt(r.difference.meanDelay.halfWidth)}` : '(reference)';
    return [r.plan, ci('meanDelay'), diff, ci('meanTravelTime'), ci('meanStops', 2), ci('vehicleHours'), fmt(r.metrics.unfinished.mean, 0)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  lines.push(line(head));
  for (const r of rows) lines.push(line(r));
  const worst = comparison.rows.map((r) => {
    const counts = new Map<string, number>();
    for (const j of r.junctions) counts.set(j.los, (counts.get(j.los) ?? 0) + 1);
    return `  ${r.plan.padEnd(widths[0])}  LOS ${[...counts].sort().map(([g, c]) => `${g} ${c}`).join(', ')}`;
  });
  lines.push('', '  junction level of service (HCM, mean control delay over the held-out seeds):', ...worst);
  return lines.join('\n');
}

/** How each kind of plan is named in the output. */
export const CONTROL_LABEL: Record<PlanControl, string> = { fixed: 'fixed-time', actuated: 'actuated', 'max-pressure': 'max-pressure' };

/** What each kind of search starts from. */
export const START_LABEL: Record<PlanControl, string> = { fixed: 'Webster', actuated: 'actuated defaults', 'max-pressure': 'max-pressure defaults' };

/** "fixed-time plan (cycle 36 s)" / "actuated settings (gap 3 s, detectors 0.5 s upstream)" / "max-pressure settings (...)". */
export function describePlan(control: PlanControl, plan: ScoredPlan): string {
  if (control === 'max-pressure' && plan.control?.kind === 'max-pressure') {
    const c = plan.control;
    const minGreen = c.minGreen !== undefined ? `${fmt(c.minGreen, 0)} s` : 'the programs\'';
    return `max-pressure settings (decision every ${fmt(c.interval ?? 5, 0)} s, minimum green ${minGreen}, pressure ${c.pressure ?? 'queues'}, ties ${c.ties ?? 'keep'})`;
  }
  if (control === 'actuated' && plan.control?.kind === 'actuated') {
    return `actuated settings (gap ${fmt(plan.control.gap ?? 3)} s, detectors ${fmt(plan.control.detectorGap ?? 2)} s upstream, per-phase maximum greens)`;
  }
  const cycles = [...new Set(plan.programs.map((p) => p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0)))].sort((a, b) => a - b);
  return `fixed-time plan (cycle ${cycles.length === 1 ? `${cycles[0]} s` : `${cycles[0]}..${cycles[cycles.length - 1]} s`})`;
}

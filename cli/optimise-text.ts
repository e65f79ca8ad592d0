/**
 * What `greenwave optimise` prints: numbers, the held-out comparison as a
 * table, the labels of the kinds of plan and a one-line description of a plan.
 */
import { versusBestBaseline, type Comparison, type VersusBest } from '../engine/report/compare.js';
import type { ScoredPlan } from '../engine/optimise/optimise.js';
import type { PlanControl } from './optimise-budget.js';
import type { CompiledNetwork } from '../engine/network/compiled.js';
import type { SignalProgramSpec } from '../engine/signals/program.js';
import { clearanceShortfalls, type SafetyIssue, type SafetyOptions } from '../engine/signals/safety.js';
import { formatNumber } from '../engine/text/numbers.js';

/** `v` with `digits` decimals and thousands separators; "-" when not finite. */
export function fmt(v: number, digits = 1): string {
  return formatNumber(v, digits);
}

/** The comparison as an aligned text table (mean ± 95% CI per metric), with the junctions' HCM level of service per plan. */
export function comparisonTable(comparison: Comparison): string {
  const lines: string[] = [];
  const n = comparison.heldOutSeeds.length;
  const head = ['plan', 'gridlocked seeds', 'unfinished trips', 'delay s (all trips)', 'delay s (finished only)', 'travel time s (all trips)', 'stops', 'veh-h', `vs ${comparison.reference}`];
  const rows = comparison.rows.map((r) => {
    const ci = (k: keyof typeof r.metrics, d = 1): string => `${fmt(r.metrics[k].mean, d)} ± ${fmt(r.metrics[k].halfWidth, d)}`;
    const verdict = r.verdict === 'reference' ? '(reference)' : `${r.verdict}: ${r.verdictReason}`;
    return [r.plan, `${r.gridlockedSeeds.length} of ${n}`, ci('unfinished', 0), ci('meanDelayAllTrips'), ci('meanDelay'), ci('meanTravelTimeAllTrips'), ci('meanStops', 2), ci('vehicleHours'), verdict];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`.trimEnd();
  lines.push(line(head));
  for (const r of rows) lines.push(line(r));
  lines.push('', '  "all trips": every trip due before the end of the run, unfinished ones counted to the end (CityFlow\'s average travel time);',
    '  "finished only": trips that arrived; it hides stranded trips. A plan that gridlocked on more seeds is never called better.');
  const worst = comparison.rows.map((r) => {
    const counts = new Map<string, number>();
    for (const j of r.junctions) counts.set(j.los, (counts.get(j.los) ?? 0) + 1);
    const blocked = r.junctions.filter((j) => j.blockedSeeds > 0).map((j) => `${j.id} (${j.blockedSeeds} seeds)`);
    return `  ${r.plan.padEnd(widths[0])}  LOS ${[...counts].sort().map(([g, c]) => `${g} ${c}`).join(', ')}${blocked.length > 0 ? `; blocked: ${blocked.join(', ')}` : ''}`;
  });
  lines.push('', '  junction level of service (HCM, mean control delay over the held-out seeds, vehicles that never got through counted; F where blocked):', ...worst);
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

/**
 * The held-out comparison as printed: its heading, the table, a note naming the
 * baselines that beat the written plan ("optimised") and a warning when the
 * written plan gridlocked. `demand` says what the held-out runs ran on; rows
 * named "best ..." or in `candidates` (other kinds of plan) are not baselines.
 */
export function comparisonLines(comparison: Comparison, demand: string, candidates: readonly string[]): string[] {
  const seeds = comparison.heldOutSeeds;
  const lines = [`held-out seeds ${seeds[0]}..${seeds[seeds.length - 1]} (${seeds.length}), ${demand}, mean ± 95% CI; Δ is paired per seed against Webster:`, comparisonTable(comparison)];
  const written = comparison.rows.find((r) => r.plan === 'optimised');
  if (written === undefined) return lines;
  const baselines = baselineNames(comparison, candidates);
  const beaten = comparison.rows.filter((r) => baselines.includes(r.plan) && r.metrics.meanDelay.mean < written.metrics.meanDelay.mean);
  const best = versusBest(comparison, candidates);
  if (best !== undefined) {
    const d = best.difference;
    const unit = comparison.objective === 'vehicleHours' ? 'veh-h' : 's';
    const how = d.n > 0 && !best.verdictReason.startsWith('gridlocked') ? `${comparison.objective} ${d.mean >= 0 ? '+' : ''}${fmt(d.mean)} ± ${fmt(d.halfWidth)} ${unit}` : best.verdictReason;
    const what = best.verdict === 'better' ? `the written plan beats ${best.baseline}` : best.verdict === 'worse' ? `the written plan is worse than ${best.baseline}` : `the written plan is not shown to beat ${best.baseline}${Number.isFinite(d.halfWidth) ? ' (the interval includes 0)' : ''}`;
    lines.push(`  against the best baseline (${best.baseline}), paired by seed: ${how}: ${what}`);
  }
  if (beaten.length > 0) lines.push(`  note: on the held-out seeds ${beaten.map((r) => r.plan).join(', ')} had a lower mean delay than the written plan`);
  // Gridlock is a result: a written plan that gridlocked on a held-out seed is said first, whatever its mean.
  if (written.gridlockedSeeds.length > 0) {
    const clean = comparison.rows.filter((r) => r.plan !== 'optimised' && r.gridlockedSeeds.length === 0).map((r) => r.plan);
    lines.push(`  WARNING: the written plan gridlocked on ${written.gridlockedSeeds.length} of ${seeds.length} held-out seeds (${written.gridlockedSeeds.join(', ')})${clean.length > 0 ? `; ${clean.join(', ')} did not` : ''}: the fresh runs that chose it did not gridlock; check it (greenwave run optimised.scenario.json --seed ${written.gridlockedSeeds[0]}) before deploying it`);
  }
  return lines;
}

/**
 * Where the plans run below the ITE yellow and all-red (only under
 * `signals.safety.clearances: program`, where the input programs keep their own):
 * one line per distinct shortfall with its junctions, so the opt-in is never silent.
 * Every plan the search writes keeps the phases' clearances of `safe`, so its
 * shortfalls are these. Empty when no phase runs below ITE.
 */
export function clearanceLines(net: CompiledNetwork, safe: readonly SignalProgramSpec[], safety: Partial<SafetyOptions>): string[] {
  const short = clearanceShortfalls(net, safe, safety);
  if (short.length === 0) return [];
  const groups = new Map<string, Set<string>>();
  for (const s of short) {
    const key = `yellow ${s.yellow.toFixed(1)} s (ITE ${s.iteYellow.toFixed(1)} s, ${Math.max(0, s.iteYellow - s.yellow).toFixed(1)} s short), all-red ${s.allRed.toFixed(1)} s (ITE ${s.iteAllRed.toFixed(1)} s, ${Math.max(0, s.iteAllRed - s.allRed).toFixed(1)} s short)`;
    let set = groups.get(key);
    if (set === undefined) groups.set(key, (set = new Set()));
    set.add(s.junction);
  }
  const junctions = new Set(short.map((s) => s.junction));
  const lines = [`clearances: program (signals.safety.clearances): ${junctions.size} junction${junctions.size === 1 ? '' : 's'} keep their input program's yellow and all-red below the ITE values (every phase in timing.csv, columns ite_yellow_s, ite_all_red_s):`];
  for (const [key, ids] of groups) {
    const list = [...ids];
    lines.push(`  ${key}: ${firstNames(list)}`);
  }
  return lines;
}

/** The first 12 of `names`, then how many more: "A0, A1, ... and 4 more". */
function firstNames(names: readonly string[]): string {
  return `${names.slice(0, 12).join(', ')}${names.length > 12 ? ` and ${names.length - 12} more` : ''}`;
}

/**
 * The safety check's findings on the current plan, one line per distinct
 * finding and set of phases, with the junctions it holds for (an imported city
 * repeats the same short clearance at every junction: a line, not hundreds);
 * the first 12 junctions are named, then how many more. Phases are 1-based,
 * runs written as ranges.
 */
export function currentPlanWarnings(issues: readonly SafetyIssue[]): string[] {
  const byMessage = new Map<string, Map<string, number[]>>();
  for (const issue of issues) {
    let at = byMessage.get(issue.message);
    if (at === undefined) byMessage.set(issue.message, (at = new Map()));
    const phases = at.get(issue.junction) ?? [];
    if (!phases.includes(issue.phase + 1)) phases.push(issue.phase + 1);
    at.set(issue.junction, phases);
  }
  const ranges = (phases: number[]): string => {
    const sorted = [...phases].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      parts.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
      i = j + 1;
    }
    return `phase${sorted.length === 1 ? '' : 's'} ${parts.join(', ')}`;
  };
  const lines: string[] = [];
  for (const [message, at] of byMessage) {
    const byPhases = new Map<string, string[]>();
    for (const [junction, phases] of at) {
      const key = ranges(phases);
      byPhases.set(key, [...(byPhases.get(key) ?? []), junction]);
    }
    for (const [phases, junctions] of byPhases) {
      const where = firstNames(junctions);
      lines.push(`warning: the current plan, ${phases} at ${junctions.length === 1 ? 'junction' : `${junctions.length} junctions,`} ${where}: ${message}`);
    }
  }
  return lines;
}

/** The baselines among the compared rows: not the written plan ("optimised"), not the other kinds' "best ..." rows, not the SUMO `candidates`. */
export function baselineNames(comparison: Pick<Comparison, 'rows'>, candidates: readonly string[]): string[] {
  return comparison.rows.map((r) => r.plan).filter((p) => p !== 'optimised' && !p.startsWith('best ') && !candidates.includes(p));
}

/** The written plan ("optimised") against the best baseline, paired by seed (written to comparison.json as `versusBest`). */
export function versusBest(comparison: Comparison, candidates: readonly string[]): VersusBest | undefined {
  return versusBestBaseline(comparison, 'optimised', baselineNames(comparison, candidates));
}

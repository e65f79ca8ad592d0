/**
 * The SUMO-verified choice of `greenwave optimise --verify-sumo`: when SUMO is
 * installed and the scenario's own SUMO network and routes are known, the best
 * few candidate plans are measured in SUMO micro on them, and the one SUMO
 * measures best is written, whatever greenwave predicted.
 *
 * - Candidates ({@link sumoCandidates}): the best-ranked plan of every kind SUMO
 *   can run (fixed time and actuated; SUMO has no max-pressure program), then
 *   the next plans in the re-ranking's order (choose-plan.ts), `count` in all
 *   (`--sumo-candidates`, default {@link DEFAULT_SUMO_CANDIDATES}); never fewer
 *   than one per kind.
 * - Choice ({@link pickInSumo}): fewest unfinished vehicles at the end of the
 *   SUMO runs (mean over the seeds), then the lowest mean time loss of the
 *   arrived vehicles (mean over the seeds), then greenwave's own ranking.
 * - The written plan's SUMO figure is measured on the same seeds that chose it,
 *   so among close candidates it is slightly flattered (the winner of several
 *   noisy measurements); comparison.json says so.
 *
 * Without SUMO, or without the comparison, the choice is greenwave's alone.
 */
import type { RankedPlan } from './choose-plan.js';
import type { Verification, VerificationRow } from './sumo-measure.js';

/** Candidate plans measured in SUMO by default: 3, the cost of the verification before this choice (optimised + two other kinds). */
export const DEFAULT_SUMO_CANDIDATES = 3;

/**
 * The plans to measure in SUMO: the best of every kind `runnable` accepts, then
 * the next best-ranked, until `count` (or the candidates run out); in the
 * order of `ranked`.
 */
export function sumoCandidates<C extends string>(ranked: ReadonlyArray<RankedPlan<C>>, count: number, runnable: (c: RankedPlan<C>) => boolean): Array<RankedPlan<C>> {
  const usable = ranked.filter(runnable);
  const picked = new Set(usable.filter((c, i) => usable.findIndex((d) => d.search === c.search) === i));
  for (const c of usable) {
    if (picked.size >= count) break;
    picked.add(c);
  }
  return usable.filter((c) => picked.has(c));
}

/** One candidate as SUMO measured it and greenwave predicted it (comparison.json `sumoChoice.candidates`). */
export interface SumoCandidateReport {
  label: string;
  /** Kind of plan: fixed, actuated. */
  control: string;
  /** Place in greenwave's own ranking (1 = greenwave's choice). */
  greenwaveRank: number;
  /** greenwave's held-out mean delay of arrived trips, s, and its gain against Webster's plan (difference of means, s). */
  predicted: { meanDelay: number; gainVsWebster: number | null };
  /** SUMO's mean time loss over the seeds (± 95% half-width), s; mean unfinished vehicles; teleports over all runs; the gain against Webster's plan, paired per seed, s. */
  measured: { meanTimeLoss: number; halfWidth: number; unfinished: number; teleports: number; gainVsWebster: number | null };
  written: boolean;
}

/** comparison.json's `sumoChoice`. */
export interface SumoChoiceReport {
  method: string;
  seeds: number[];
  candidates: SumoCandidateReport[];
  /** Label of the plan written (its rows in comparison.json and verify-sumo.json are named "optimised"). */
  written: string;
  /** Label of the plan greenwave alone would have written. */
  greenwaveChoice: string;
  reason: string;
  note: string;
}

/** SUMO's key of a row: mean unfinished vehicles, then mean time loss. */
function sumoKey(row: VerificationRow): [number, number] {
  const loss = row.measured.meanTimeLoss.mean;
  return [row.measured.unfinished, Number.isFinite(loss) ? loss : Infinity];
}

/**
 * The candidate SUMO measured best (see the module header), with the report of
 * every candidate. `verified` holds a row per candidate named by its label, and
 * a row "webster" when Webster's plan was measured too; `ranked` are the
 * candidates in greenwave's order.
 */
export function pickInSumo<C extends string>(verified: Verification, ranked: ReadonlyArray<RankedPlan<C>>, kindOf: (c: RankedPlan<C>) => string): { pick: RankedPlan<C>; report: SumoChoiceReport } {
  const rowOf = (c: RankedPlan<C>): VerificationRow => {
    const row = verified.rows.find((r) => r.plan === c.label);
    if (row === undefined) throw new Error(`pickInSumo: no SUMO measurement of "${c.label}"`);
    return row;
  };
  let best = 0;
  for (let i = 1; i < ranked.length; i++) {
    const [u, l] = sumoKey(rowOf(ranked[i]));
    const [bu, bl] = sumoKey(rowOf(ranked[best]));
    if (u < bu || (u === bu && l < bl)) best = i;
  }
  const pick = ranked[best];
  const webster = verified.rows.find((r) => r.plan === 'webster');
  const pairedVsWebster = (row: VerificationRow): number | null => {
    if (webster === undefined || row.measured.perSeed.length !== webster.measured.perSeed.length) return null;
    const d = row.measured.perSeed.map((s, i) => s.meanTimeLoss - webster.measured.perSeed[i].meanTimeLoss);
    return d.reduce((a, b) => a + b, 0) / d.length;
  };
  const candidates = ranked.map((c, i): SumoCandidateReport => {
    const row = rowOf(c);
    return {
      label: c.label,
      control: kindOf(c),
      greenwaveRank: i + 1,
      predicted: { meanDelay: row.predicted.meanDelay, gainVsWebster: webster === undefined ? null : row.predicted.meanDelay - webster.predicted.meanDelay },
      measured: {
        meanTimeLoss: row.measured.meanTimeLoss.mean, halfWidth: row.measured.meanTimeLoss.halfWidth,
        unfinished: row.measured.unfinished, teleports: row.measured.teleports, gainVsWebster: pairedVsWebster(row),
      },
      written: i === best,
    };
  });
  const chosen = candidates[best];
  const reason = best === 0
    ? `greenwave's choice, ${chosen.label}, is also SUMO's best of ${ranked.length} candidates (${fmt(chosen.measured.meanTimeLoss)} s mean time loss)`
    : `SUMO measured ${chosen.label} best (${fmt(chosen.measured.meanTimeLoss)} s mean time loss, ${fmt(chosen.measured.unfinished, 0)} unfinished) `
      + `where greenwave ranked ${candidates[0].label} first (SUMO ${fmt(candidates[0].measured.meanTimeLoss)} s, ${fmt(candidates[0].measured.unfinished, 0)} unfinished)`;
  return {
    pick,
    report: {
      method: 'the best-ranked plan of each kind SUMO runs, then the next best-ranked, measured in SUMO micro on the scenario\'s own network and routes; the fewest unfinished vehicles, then the lowest mean time loss, is written',
      seeds: verified.sumo.seeds,
      candidates,
      written: chosen.label,
      greenwaveChoice: candidates[0].label,
      reason,
      note: 'the written plan\'s SUMO figures come from the seeds that chose it: among candidates within the seeds\' spread they flatter it slightly; check it on other seeds with greenwave verify-sumo --seeds',
    },
  };
}

/** The choice as printed lines. */
export function sumoChoiceLines(report: SumoChoiceReport): string[] {
  const lines = [`SUMO-verified choice (seeds ${report.seeds.join(', ')}): greenwave delay and SUMO time loss per candidate, gains against Webster (negative = better):`];
  const width = Math.max(...report.candidates.map((c) => c.label.length));
  for (const c of report.candidates) {
    const signed = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : `${x > 0 ? '+' : ''}${fmt(x)}`);
    lines.push(`  ${c.written ? '*' : ' '} ${c.label.padEnd(width)}  greenwave ${fmt(c.predicted.meanDelay)} s (${signed(c.predicted.gainVsWebster)})  SUMO ${fmt(c.measured.meanTimeLoss)} ± ${fmt(c.measured.halfWidth)} s (${signed(c.measured.gainVsWebster)}), ${fmt(c.measured.unfinished, 0)} unfinished, ${c.measured.teleports} teleports`);
  }
  lines.push(`  written (*): ${report.reason}`);
  return lines;
}

function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

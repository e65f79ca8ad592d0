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
 * - Choice ({@link pickInSumo}): the lowest time lost per vehicle due in the
 *   SUMO runs (mean over the seeds), counting every vehicle, the unfinished
 *   ones to the end of the run (`meanTimeLossAll` of run-sumo.ts: time loss plus
 *   departure delay), then greenwave's own ranking. A plan that strands
 *   vehicles pays for each in proportion to how long it held it; a vehicle that
 *   merely departed shortly before the end costs what it lost so far. (Counting
 *   unfinished vehicles first let one or two late departures still on the road
 *   outweigh several seconds of everyone's delay: on RESCO's grid4x4 it wrote a
 *   plan SUMO measured 4.4 s worse, for 2 vehicles more on the road at the end.)
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
  /**
   * SUMO's mean time loss of arrived vehicles over the seeds (± 95% half-width),
   * s; the time lost per vehicle due, unfinished ones to the end (the choice's
   * key), s; mean unfinished vehicles; teleports over all runs; the gain against
   * Webster's plan, paired per seed, s.
   */
  measured: { meanTimeLoss: number; halfWidth: number; meanTimeLossAll: number; unfinished: number; teleports: number; gainVsWebster: number | null };
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

/** SUMO's key of a row: time lost per vehicle due, unfinished ones to the end (lower is better). */
function sumoKey(row: VerificationRow): number {
  const loss = row.measured.meanTimeLossAll.mean;
  return Number.isFinite(loss) ? loss : Infinity;
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
  for (let i = 1; i < ranked.length; i++) if (sumoKey(rowOf(ranked[i])) < sumoKey(rowOf(ranked[best]))) best = i;
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
        meanTimeLoss: row.measured.meanTimeLoss.mean, halfWidth: row.measured.meanTimeLoss.halfWidth, meanTimeLossAll: row.measured.meanTimeLossAll.mean,
        unfinished: row.measured.unfinished, teleports: row.measured.teleports, gainVsWebster: pairedVsWebster(row),
      },
      written: i === best,
    };
  });
  const chosen = candidates[best];
  const reason = best === 0
    ? `greenwave's choice, ${chosen.label}, is also SUMO's best of ${ranked.length} candidates (${fmt(chosen.measured.meanTimeLossAll)} s lost per vehicle due)`
    : `SUMO measured ${chosen.label} best (${fmt(chosen.measured.meanTimeLossAll)} s lost per vehicle due, ${fmt(chosen.measured.unfinished, 0)} unfinished) `
      + `where greenwave ranked ${candidates[0].label} first (SUMO ${fmt(candidates[0].measured.meanTimeLossAll)} s, ${fmt(candidates[0].measured.unfinished, 0)} unfinished)`;
  return {
    pick,
    report: {
      method: 'the best-ranked plan of each kind SUMO runs, then the next best-ranked, measured in SUMO micro on the scenario\'s own network and routes; the lowest time lost per vehicle due (every vehicle, the unfinished ones counted to the end; mean over the seeds) is written',
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
  const lines = [`SUMO-verified choice (seeds ${report.seeds.join(', ')}): greenwave delay and SUMO time loss per candidate (arrived vehicles), gains against Webster (negative = better); written: the lowest SUMO time lost per vehicle due ("all"), unfinished ones counted to the end:`];
  const width = Math.max(...report.candidates.map((c) => c.label.length));
  for (const c of report.candidates) {
    const signed = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : `${x > 0 ? '+' : ''}${fmt(x)}`);
    lines.push(`  ${c.written ? '*' : ' '} ${c.label.padEnd(width)}  greenwave ${fmt(c.predicted.meanDelay)} s (${signed(c.predicted.gainVsWebster)})  SUMO ${fmt(c.measured.meanTimeLoss)} ± ${fmt(c.measured.halfWidth)} s (${signed(c.measured.gainVsWebster)}), all ${fmt(c.measured.meanTimeLossAll)} s, ${fmt(c.measured.unfinished, 0)} unfinished, ${c.measured.teleports} teleports`);
  }
  lines.push(`  written (*): ${report.reason}`);
  return lines;
}

function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

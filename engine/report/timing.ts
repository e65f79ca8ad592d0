/**
 * The signal timing sheet: what a signal engineer reads and signs, as
 * timing.csv (one row per junction, plan and phase) and as rows the HTML report
 * draws (`html/timing.ts`: a table and a phase diagram per junction, plans side
 * by side).
 *
 * Reference point of the offset: greenwave's clock is seconds since midnight of
 * the simulated day, and every fixed-time program repeats from time 0. A
 * program's offset (`offset_s`, scenario `offsetS`) is the time within the cycle
 * at which phase 1's green starts: phase 1 turns green at offset + k x cycle for
 * every whole k. So two junctions with the same cycle and offsets 0 and 20 start
 * their phase 1 greens 20 s apart, every cycle. SUMO's `tlLogic offset` in
 * plan.add.xml is the same number modulo the cycle for a fixed-time plan; for an
 * actuated plan greenwave's controller ignores the offset and starts phase 1 when
 * the run starts, so plan.add.xml's offset is the run's start time modulo the
 * cycle (SUMO 1.15 has no `offset="begin"`): plan.json may say `offsetS: 0`
 * where plan.add.xml says `offset="45"`, both meaning the same program.
 *
 * Movements are named by their streets where the network has names ("Avenida
 * Almeida Ribeiro > Rua da Praia Grande, left"), else by link ids.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { junctionName } from '../network/labels.js';
import { PHASE_DEFAULTS, programToSpec, type MovementRef, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import type { SignalControl } from '../signals/control.js';
import { completePrograms } from '../signals/complete.js';
import { safePrograms, type SafetyOptions } from '../signals/safety.js';
import { csv } from './csv.js';

/** One phase of one junction's plan, as the timing sheet shows it (seconds). */
export interface TimingRow {
  /** Which plan: `current`, `webster`, `optimised` ... */
  plan: string;
  junction: string;
  /** The streets that meet there, when the network names them. */
  name: string;
  /** How the plan runs: fixed (as timed), actuated or max-pressure (greens vary, the times are the base plan). */
  control: string;
  /** Cycle, s. */
  cycleS: number;
  /** Offset, s, in [0, cycle): phase 1's green starts at offset + k x cycle (see the file header). */
  offsetS: number;
  /** Phase number, from 1. */
  phase: number;
  /** Protected green movements, named. */
  movements: string[];
  /** Permissive (yielding) movements, named. */
  permissive: string[];
  /** Green start within the cycle, s after the offset. */
  greenStartS: number;
  greenS: number;
  yellowS: number;
  allRedS: number;
  /** Minimum green, s (adaptive control; and the safety minimum a plan may not go under). */
  minGreenS: number;
  /** ITE yellow of the phase (half seconds up), s: the default floor; a plan under `clearances: program` may run below it (absent in sheets written before these columns). */
  iteYellowS?: number;
  /** ITE all-red of the phase (half seconds up), s. */
  iteAllRedS?: number;
}

/** A movement named by its streets (else its link ids) and its turn. */
export function movementLabel(net: CompiledNetwork, m: MovementRef): string {
  const from = net.linkIndex(m.from);
  const to = net.linkIndex(m.to);
  const e = from >= 0 && to >= 0 ? net.movementBetween(from, to) : -1;
  const turn = e >= 0 ? net.turn(e) : undefined;
  const a = (from >= 0 ? net.linkName(from) : undefined) ?? m.from;
  const b = (to >= 0 ? net.linkName(to) : undefined) ?? m.to;
  return `${a} > ${b}${turn ? `, ${turn}` : ''}`;
}

/**
 * The timing sheet rows of `programs` under the plan name `plan` run by
 * `control`. A program with its own controller (an imported SUMO actuated
 * program) runs as that controller when the run's control is fixed time, and
 * says so in its `control` column.
 */
export function timingRows(net: CompiledNetwork, plan: string, programs: readonly SignalProgramSpec[], control = 'fixed', safety: Partial<SafetyOptions> = {}): TimingRow[] {
  const rows: TimingRow[] = [];
  for (const p of programs) {
    const ite = iteClearances(net, p, safety);
    const runs = p.control !== undefined && control === 'fixed' ? p.control.kind : control;
    const j = net.junctionIndex(p.junction);
    const name = j >= 0 ? junctionName(net, j) ?? '' : '';
    const times = p.phases.map((ph) => ({ green: ph.duration, yellow: ph.yellow ?? PHASE_DEFAULTS.yellow, allRed: ph.allRed ?? PHASE_DEFAULTS.allRed }));
    const cycle = times.reduce((s, t) => s + t.green + t.yellow + t.allRed, 0);
    const offset = cycle > 0 ? ((((p.offset ?? 0) % cycle) + cycle) % cycle) : 0;
    let start = 0;
    p.phases.forEach((ph, i) => {
      rows.push({
        plan, junction: p.junction, name, control: runs, cycleS: cycle, offsetS: offset, phase: i + 1,
        movements: ph.green.map((m) => movementLabel(net, m)),
        permissive: (ph.permissive ?? []).map((m) => movementLabel(net, m)),
        greenStartS: start, greenS: times[i].green, yellowS: times[i].yellow, allRedS: times[i].allRed,
        minGreenS: ph.minGreen ?? PHASE_DEFAULTS.minGreen,
        iteYellowS: ite[i].yellow, iteAllRedS: ite[i].allRed,
      });
      start += times[i].green + times[i].yellow + times[i].allRed;
    });
  }
  return rows;
}

/** Columns of timing.csv, in order. */
export const TIMING_COLUMNS = [
  'plan', 'junction', 'name', 'control', 'cycle_s', 'offset_s', 'phase', 'movements', 'permissive',
  'green_start_s', 'green_s', 'yellow_s', 'all_red_s', 'min_green_s', 'ite_yellow_s', 'ite_all_red_s',
] as const;

/** ITE yellow and all-red of each phase of `p`, half seconds up (signals/safety.ts), s. */
function iteClearances(net: CompiledNetwork, p: SignalProgramSpec, safety: Partial<SafetyOptions>): Array<{ yellow: number; allRed: number }> {
  if (net.junctionIndex(p.junction) < 0) return p.phases.map(() => ({ yellow: 0, allRed: 0 }));
  const phases = p.phases.map((ph) => ({ ...ph, yellow: 0, allRed: 0 }));
  // safePrograms raises a zero clearance to the ITE value: that value is the floor of each phase.
  const floor = safePrograms(net, [{ ...p, phases }], { ...safety, junctions: { ...safety.junctions, [p.junction]: { ...safety.junctions?.[p.junction], clearances: 'ite' } } })[0];
  return floor.phases.map((ph) => ({ yellow: ph.yellow ?? 0, allRed: ph.allRed ?? 0 }));
}

/** timing.csv: the rows of every plan (header first; movements joined by "; "). */
export function timingCsv(rows: readonly TimingRow[]): string {
  return csv([...TIMING_COLUMNS], rows.map((r) => [
    r.plan, r.junction, r.name, r.control, r.cycleS, r.offsetS, r.phase, r.movements.join('; '), r.permissive.join('; '),
    r.greenStartS, r.greenS, r.yellowS, r.allRedS, r.minGreenS, r.iteYellowS ?? '', r.iteAllRedS ?? '',
  ]));
}

/**
 * The timing sheet of what a run runs, under the plan name `plan`: every
 * signalised junction's program (the scenario's, Webster's with
 * `signals.default: webster`, else the default plan), labelled with the
 * run's control kind.
 */
export function runTimingRows(net: CompiledNetwork, plan: string, signals: { programs: ReadonlyArray<SignalProgram | SignalProgramSpec>; control?: SignalControl }, safety: Partial<SafetyOptions> = {}): TimingRow[] {
  const specs = completePrograms(net, signals.programs).map((p) => programToSpec(net, p));
  return timingRows(net, plan, specs, signals.control?.kind ?? 'fixed', safety);
}

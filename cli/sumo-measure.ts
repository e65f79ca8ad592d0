/**
 * Plans measured in SUMO beside greenwave's prediction of them: the core of
 * `greenwave verify-sumo` and `optimise --verify-sumo`.
 *
 * Each plan runs in SUMO micro on the scenario's own SUMO network and routes
 * (see sumo-target.ts) once per seed (SUMO's `--seed`: driver imperfection and
 * the other random draws of the run), the plan loaded last as programID
 * `greenwave` (the plan named `current` loads nothing: the network's own
 * programs, and the scenario's own additional files, run). SUMO's tripinfo gives
 * mean time loss and travel time over the vehicles that arrived; vehicles still
 * on the road at the end, teleports and collisions are counted and shown.
 *
 * Gains are against the reference plan (default `current`): greenwave's as the
 * difference of its held-out means, SUMO's paired per seed with a 95% interval.
 * They "agree" when they have the same sign and the predicted gain is within 25%
 * of the measured one (the target of the verification: issue "Plans that hold up
 * in SUMO").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { SignalControl } from '../engine/signals/control.js';
import type { SignalProgramSpec } from '../engine/signals/program.js';
import type { Comparison } from '../engine/report/compare.js';
import { pearson, summarise, type Summary } from '../engine/report/stats.js';
import { writeFileAtomic } from '../engine/text/atomic-file.js';
import type { SumoRunResult } from '../engine/io/sumo/run-sumo.js';
import type { SumoEdgeTotals } from '../engine/io/sumo/edge-data.js';
import type { SumoTarget } from './sumo-target.js';
import { planAdditionalXml } from './sumo-plan-files.js';
import { formatNumber } from '../engine/text/numbers.js';
import { csv } from '../engine/report/csv.js';

/** A plan to measure: programs and control, or none for the network's own programs. */
export interface MeasuredPlan {
  name: string;
  programs?: readonly SignalProgramSpec[];
  control?: SignalControl;
}

/** SUMO's runs of one plan. */
export interface PlanMeasurement {
  plan: string;
  seeds: number[];
  runs: SumoRunResult[];
  /** With `MeasureOptions.links`: per SUMO edge (its internal edges included), the means over the seeds of SUMO's vehicles and time lost. */
  links?: Map<string, SumoEdgeTotals>;
}

/** Options of {@link measureInSumo}. */
export interface MeasureOptions {
  sumo: string;
  seeds: readonly number[];
  /** s */
  begin: number;
  /** s */
  end: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Also have SUMO write per-edge data and keep it per plan (`PlanMeasurement.links`). */
  links?: boolean;
}

/** Run every plan on every seed in SUMO, one run at a time (each run is a whole simulation). */
export async function measureInSumo(built: BuiltScenario, target: SumoTarget, plans: readonly MeasuredPlan[], options: MeasureOptions): Promise<PlanMeasurement[]> {
  const { runSumo } = await import('../engine/io/sumo/run-sumo.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'greenwave-sumo-'));
  try {
    const out: PlanMeasurement[] = [];
    let edgeData: { additional: string; output: string; approaches: Map<string, string> } | undefined;
    if (options.links === true) {
      const [{ readNetFile }, { edgeDataAdditional, internalApproaches }] = await Promise.all([import('../engine/io/sumo/net-file.js'), import('../engine/io/sumo/edge-data.js')]);
      const output = path.join(dir, 'edgedata.xml');
      const additional = path.join(dir, 'edgedata.add.xml');
      await writeFileAtomic(additional, edgeDataAdditional(output));
      edgeData = { additional, output, approaches: internalApproaches(await readNetFile(target.net)) };
    }
    for (const plan of plans) {
      const additional = [...target.additional];
      if (plan.programs !== undefined) {
        const file = path.join(dir, `${plan.name.replace(/[^A-Za-z0-9._-]/g, '_')}.add.xml`);
        await writeFileAtomic(file, await planAdditionalXml(built, plan.programs, plan.control, target));
        additional.push(file);
      }
      const runs: SumoRunResult[] = [];
      const links = edgeData === undefined ? undefined : new Map<string, SumoEdgeTotals>();
      for (const seed of options.seeds) {
        const started = Date.now();
        const run = await runSumo({
          sumo: options.sumo, net: target.net, routes: target.routes, additional: edgeData === undefined ? additional : [edgeData.additional, ...additional], seed, begin: options.begin, end: options.end,
          tripinfo: path.join(dir, 'tripinfo.xml'), ...(options.signal ? { signal: options.signal } : {}),
        });
        runs.push(run);
        if (edgeData !== undefined && links !== undefined) {
          const { readEdgeData, linkTotals } = await import('../engine/io/sumo/edge-data.js');
          for (const [id, t] of linkTotals(await readEdgeData(edgeData.output), edgeData.approaches)) {
            const sum = links.get(id) ?? { vehicles: 0, timeLoss: 0 };
            sum.vehicles += t.vehicles / options.seeds.length;
            sum.timeLoss += t.timeLoss / options.seeds.length;
            links.set(id, sum);
          }
        }
        options.log?.(`  SUMO ${plan.name}, seed ${seed}: time loss ${run.meanTimeLoss.toFixed(1)} s (every vehicle due, unfinished to the end: ${run.meanTimeLossAll.toFixed(1)} s), travel time ${run.meanTravelTime.toFixed(1)} s, ${run.arrived} arrived, ${run.unfinished} unfinished${run.notInserted > 0 ? ` (${run.notInserted} never inserted)` : ''}, ${run.teleports} teleports, ${run.collisions} collisions (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      out.push({ plan: plan.name, seeds: [...options.seeds], runs, ...(links !== undefined ? { links } : {}) });
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One row of the verification: a plan predicted and measured. */
export interface VerificationRow {
  plan: string;
  predicted: { meanDelay: number; meanTravelTime: number; unfinished: number; gain: number | null };
  measured: {
    meanTimeLoss: Summary; meanTravelTime: Summary; meanWaitingTime: Summary;
    /** Time lost by every vehicle due, unfinished ones counted to the end (`SumoRunResult.meanTimeLossAll`), s. */
    meanTimeLossAll: Summary;
    arrived: number; unfinished: number; teleports: number; collisions: number; warnings: number;
    gain: Summary | null;
    perSeed: Array<{ seed: number; meanTimeLoss: number; meanTimeLossAll: number; meanTravelTime: number; arrived: number; unfinished: number; teleports: number; collisions: number }>;
  };
  /** Same sign and |predicted - measured| <= 25% of |measured| (null for the reference). */
  agreement: { sign: boolean; withinQuarter: boolean } | null;
  /** With `--links`: link by link, greenwave's prediction beside SUMO's measurement (summary; the rows go to links-<plan>.csv). */
  links?: LinkComparisonSummary;
}

/** One link of a plan, predicted and measured (means over seeds). */
export interface LinkComparisonRow {
  id: string;
  /** Street name, when the network has one. */
  name?: string;
  sumo: { vehicles: number; timeLossPerVehicle: number };
  greenwave: { vehicles: number; timeLossPerVehicle: number };
  /** greenwave's time lost on the link minus SUMO's, s summed over vehicles (per run). */
  lossDifference: number;
}

/** What `--links` found for a plan. */
export interface LinkComparisonSummary {
  /** Links compared: those of the scenario SUMO reports an edge for, or greenwave saw a vehicle on. */
  links: number;
  /** r² of the vehicles per link, greenwave against SUMO. */
  vehiclesR2: number;
  /** Time lost on all links, vehicle-hours per run. */
  sumoLossVehH: number;
  greenwaveLossVehH: number;
  /** The links where the two part most (largest |lossDifference|), at most 10. */
  largest: LinkComparisonRow[];
}

/** Link by link (`predicted`: ComparisonRow.links; `measured`: PlanMeasurement.links), sorted by |lossDifference|, largest first. */
export function compareLinks(built: BuiltScenario, predicted: { vehicles: number[]; timeLoss: number[] }, measured: ReadonlyMap<string, { vehicles: number; timeLoss: number }>): LinkComparisonRow[] {
  const net = built.compiled;
  const rows: LinkComparisonRow[] = [];
  for (let l = 0; l < net.linkCount; l++) {
    const id = net.linkKey(l);
    const m = measured.get(id);
    const gv = predicted.vehicles[l];
    if (m === undefined && !(gv > 0)) continue;
    const sv = m?.vehicles ?? 0;
    const sl = m?.timeLoss ?? 0;
    const gl = predicted.timeLoss[l];
    const name = net.linkName(l);
    rows.push({
      id, ...(name !== undefined ? { name } : {}),
      sumo: { vehicles: sv, timeLossPerVehicle: sv > 0 ? sl / sv : 0 },
      greenwave: { vehicles: gv, timeLossPerVehicle: gv > 0 ? gl / gv : 0 },
      lossDifference: gl - sl,
    });
  }
  return rows.sort((a, b) => Math.abs(b.lossDifference) - Math.abs(a.lossDifference));
}

/** Summary of {@link compareLinks}' rows. */
export function linkSummary(rows: readonly LinkComparisonRow[]): LinkComparisonSummary {
  const loss = (pick: (r: LinkComparisonRow) => { vehicles: number; timeLossPerVehicle: number }): number => rows.reduce((s, r) => s + pick(r).vehicles * pick(r).timeLossPerVehicle, 0) / 3600;
  return {
    links: rows.length,
    vehiclesR2: pearson(rows.map((r) => r.sumo.vehicles), rows.map((r) => r.greenwave.vehicles)) ** 2,
    sumoLossVehH: loss((r) => r.sumo),
    greenwaveLossVehH: loss((r) => r.greenwave),
    largest: rows.slice(0, 10),
  };
}

/** The rows as links-<plan>.csv. */
export function linkComparisonCsv(rows: readonly LinkComparisonRow[]): string {
  return csv(
    ['link', 'name', 'sumo_vehicles', 'sumo_time_loss_per_vehicle_s', 'greenwave_vehicles', 'greenwave_time_loss_per_vehicle_s', 'time_loss_difference_veh_s'],
    rows.map((r) => [r.id, r.name ?? '', r.sumo.vehicles, r.sumo.timeLossPerVehicle, r.greenwave.vehicles, r.greenwave.timeLossPerVehicle, r.lossDifference]),
  );
}

/** The verification written as verify-sumo.json. */
export interface Verification {
  scenario: string;
  reference: string;
  sumo: { binary: string; net: string; routes: string[]; additional: string[]; seeds: number[]; begin: number; end: number };
  predictedSeeds: number[];
  rows: VerificationRow[];
}

/** Predicted and measured side by side; gains are "plan minus reference" (negative = better). */
export function verification(predicted: Comparison, measured: readonly PlanMeasurement[], reference: string, sumo: Verification['sumo']): Verification {
  const ref = measured.find((m) => m.plan === reference);
  const refPredicted = predicted.rows.find((r) => r.plan === reference);
  const rows = measured.map((m): VerificationRow => {
    const p = predicted.rows.find((r) => r.plan === m.plan);
    const pDelay = p?.metrics.meanDelay.mean ?? NaN;
    const pGain = m.plan === reference || refPredicted === undefined || p === undefined ? null : pDelay - refPredicted.metrics.meanDelay.mean;
    const sum = (k: 'arrived' | 'unfinished' | 'teleports' | 'collisions'): number => m.runs.reduce((s, r) => s + r[k], 0);
    const gain = m.plan === reference || ref === undefined ? null : summarise(m.runs.map((r, i) => r.meanTimeLoss - ref.runs[i].meanTimeLoss));
    const agreement = pGain === null || gain === null ? null : {
      sign: Math.sign(pGain) === Math.sign(gain.mean),
      withinQuarter: Math.abs(pGain - gain.mean) <= 0.25 * Math.abs(gain.mean),
    };
    return {
      plan: m.plan,
      predicted: { meanDelay: pDelay, meanTravelTime: p?.metrics.meanTravelTime.mean ?? NaN, unfinished: p?.metrics.unfinished.mean ?? NaN, gain: pGain },
      measured: {
        meanTimeLoss: summarise(m.runs.map((r) => r.meanTimeLoss)),
        meanTravelTime: summarise(m.runs.map((r) => r.meanTravelTime)),
        meanWaitingTime: summarise(m.runs.map((r) => r.meanWaitingTime)),
        meanTimeLossAll: summarise(m.runs.map((r) => r.meanTimeLossAll)),
        arrived: sum('arrived') / m.runs.length,
        unfinished: sum('unfinished') / m.runs.length,
        teleports: sum('teleports'),
        collisions: sum('collisions'),
        warnings: m.runs.reduce((s, r) => s + r.messages.length, 0),
        gain,
        perSeed: m.runs.map((r, i) => ({ seed: m.seeds[i], meanTimeLoss: r.meanTimeLoss, meanTimeLossAll: r.meanTimeLossAll, meanTravelTime: r.meanTravelTime, arrived: r.arrived, unfinished: r.unfinished, teleports: r.teleports, collisions: r.collisions })),
      },
      agreement,
    };
  });
  return { scenario: predicted.scenario, reference, sumo, predictedSeeds: predicted.heldOutSeeds, rows };
}

function fmt(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '-' : formatNumber(v, digits);
}

/** The verification as a text table. */
export function verificationTable(v: Verification): string {
  const head = ['plan', 'greenwave delay s', 'SUMO time loss s', 'greenwave travel s', 'SUMO travel s', `gain vs ${v.reference}: greenwave`, 'SUMO', 'agree', 'unfinished', 'teleports', 'collisions', 'warnings'];
  const signed = (x: number | null): string => (x === null ? '-' : `${x > 0 ? '+' : ''}${fmt(x)}`);
  const rows = v.rows.map((r) => [
    r.plan,
    fmt(r.predicted.meanDelay),
    `${fmt(r.measured.meanTimeLoss.mean)} ± ${fmt(r.measured.meanTimeLoss.halfWidth)}`,
    fmt(r.predicted.meanTravelTime),
    `${fmt(r.measured.meanTravelTime.mean)} ± ${fmt(r.measured.meanTravelTime.halfWidth)}`,
    signed(r.predicted.gain),
    r.measured.gain === null ? '(reference)' : `${signed(r.measured.gain.mean)} ± ${fmt(r.measured.gain.halfWidth)}`,
    r.agreement === null ? '' : r.agreement.sign ? (r.agreement.withinQuarter ? 'yes' : 'sign only') : 'NO',
    fmt(r.measured.unfinished, 0),
    String(r.measured.teleports),
    String(r.measured.collisions),
    String(r.measured.warnings),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [
    `SUMO micro on ${v.sumo.net}, seeds ${v.sumo.seeds.join(', ')}, ${v.sumo.begin}..${v.sumo.end} s (means over arrived vehicles, ± 95% CI over seeds; gains paired per seed, negative = less delay; teleports, collisions and SUMO's warning lines summed over seeds);`,
    `greenwave: held-out seeds ${v.predictedSeeds[0]}..${v.predictedSeeds[v.predictedSeeds.length - 1]}; "agree": same sign and within 25% of SUMO's gain.`,
    line(head),
    ...rows.map(line),
    ...v.rows.flatMap((r) => (r.links === undefined ? [] : linkLines(r.plan, r.links))),
  ].join('\n');
}

/** The link-by-link summary of one plan as text lines. */
function linkLines(plan: string, s: LinkComparisonSummary): string[] {
  const place = (r: LinkComparisonRow): string => (r.name !== undefined && r.name !== r.id ? `${r.name} (${r.id})` : r.id);
  return [
    '',
    `links, ${plan}: vehicles per link r² ${fmt(s.vehiclesR2, 3)} over ${s.links} links; time lost on them ${fmt(s.greenwaveLossVehH)} veh·h in greenwave, ${fmt(s.sumoLossVehH)} in SUMO (per run); where they part most (links-${plan}.csv has every link):`,
    ...s.largest.slice(0, 5).map((r) => `  ${place(r)}: greenwave ${fmt(r.greenwave.timeLossPerVehicle)} s lost per vehicle (${fmt(r.greenwave.vehicles, 0)} vehicles), SUMO ${fmt(r.sumo.timeLossPerVehicle)} s (${fmt(r.sumo.vehicles, 0)})`),
  ];
}

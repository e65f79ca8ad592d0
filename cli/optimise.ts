/**
 * `greenwave optimise <scenario>`: search signal plans that cut the scenario's
 * delay, evaluated in parallel on the worker pool, then compare the current
 * plan, Webster, actuated, max-pressure and the optimised plan on held-out
 * seeds, with confidence intervals.
 *
 * Two kinds of plan are searched (`--control`, default `auto`: both, the budget
 * shared evenly, the better on the training seeds wins):
 *  - `fixed`: fixed-time cycle, splits and offsets, starting from Webster's plan;
 *  - `actuated`: the settings of gap-out control (passage time, detector setback,
 *    maximum greens), starting from SUMO's defaults.
 * Both are compared on the held-out seeds, so the table shows what each reached.
 *
 * Files in --out: checkpoint-<control>.json (after every batch; --resume
 * continues from them), convergence.csv, plan.json (the best plan,
 * scenario-ready), optimised.scenario.json (the scenario with that plan),
 * plan.add.xml (SUMO tlLogic, programID "greenwave", static or actuated: onto the
 * user's own SUMO network for a scenario from SUMO, else with the network as SUMO
 * plain XML for netconvert; see sumo-plan-files.ts), comparison.json.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { GreenwaveError, OutputError, UsageError } from '../engine/errors.js';
import { buildScenario, loadScenario, type BuiltScenario } from '../engine/scenario/index.js';
import { scaleDemand } from '../engine/demand/scale.js';
import { programToSpec, type SignalProgramSpec } from '../engine/signals/program.js';
import { completePrograms, createSearchSpace, type CycleGrouping, type PlanSpace } from '../engine/optimise/space.js';
import { createActuatedSpace } from '../engine/optimise/actuated-space.js';
import { actuatedDesign, initialDesign } from '../engine/optimise/design.js';
import { DEFAULT_UNFINISHED_PENALTY, optimise, OBJECTIVES, type ObjectiveName, type OptimiseCheckpoint, type OptimiseResult, type ScoredPlan } from '../engine/optimise/optimise.js';
import { SEARCH_METHODS, type SearchMethodName } from '../engine/optimise/search.js';
import { parseCheckpoint } from '../engine/optimise/checkpoint.js';
import type { Candidate, CandidatePlan, Evaluator } from '../engine/optimise/evaluator.js';
import { comparePlans, type Comparison } from '../engine/report/compare.js';
import { csvField } from '../engine/report/outputs.js';
import { writeReport } from '../engine/report/html/write.js';
import { baselinePlans } from './baselines.js';
import { VERSION } from './version.js';
import { interruptOnSigint } from './commands.js';
import { prepareOutputDir, type OutputDir, type PreparedOutputDir } from '../engine/report/output-dir.js';
import { outputDirectory, outputFailure } from './outputs.js';
import { parseRedisUrl } from '../workers/distributed/connection.js';
import { importedFromSumoInline, sumoTargetOf, type SumoTarget } from './sumo-target.js';
import { SUMO_PLAN_FILE_NAMES, writeSumoPlanFiles } from './sumo-plan-files.js';
import { choosePlan, extraVariants } from './choose-plan.js';
import { DEFAULT_HELD_OUT_JITTER_S, HELD_OUT_SEED_OFFSET } from '../engine/optimise/perturb.js';
import { selectionReport } from './selection-report.js';

/** Options of `greenwave optimise`. */
export interface OptimiseCommandOptions {
  out?: string;
  budget?: number;
  timeMinutes?: number;
  workers?: number;
  seeds?: number;
  heldOut?: number;
  demandScales?: number[];
  objective?: string;
  method?: string;
  cycles?: string;
  /** Kind of plan searched: fixed, actuated or auto (both). */
  control?: string;
  minCycle?: number;
  maxCycle?: number;
  resume?: boolean;
  compare?: boolean;
  quiet?: boolean;
  json?: boolean;
  /** Also write report.html (convergence and the before/after table) into the output directory. */
  report?: boolean;
  debug?: boolean;
  /** Redis URL: evaluate on `greenwave worker` processes through BullMQ. */
  redis?: string;
  jobId?: string;
  /** Write into a directory holding another scenario's outputs, or files no manifest accounts for. */
  force?: boolean;
  /** The scenario's own SUMO files (network, routes, ...): plan.add.xml is written onto that network. */
  sumo?: string[];
  /** After the comparison, measure current, Webster and the optimised plans in SUMO (verify-sumo.json). */
  verifySumo?: boolean;
  /** SUMO seeds per plan for --verify-sumo. */
  sumoSeeds?: number;
  /** `equilibrium`: judge Webster's and the optimised plan again with drivers at equilibrium (optimise-equilibrium.ts). */
  routeChoice?: 'departure' | 'equilibrium';
}

/** Files `greenwave optimise` writes besides its checkpoints. */
const PLAN_FILE_NAMES = ['plan.json', 'optimised.scenario.json', ...SUMO_PLAN_FILE_NAMES, 'convergence.csv', 'comparison.json', 'verify-sumo.json', 'equilibrium.json', 'report.html'] as const;

const OBJECTIVE_ALIASES: Record<string, ObjectiveName> = {
  delay: 'delay', travelTime: 'travelTime', 'travel-time': 'travelTime', vehicleHours: 'vehicleHours', 'vehicle-hours': 'vehicleHours',
};

/** Kinds of plan `greenwave optimise` searches. */
export const PLAN_CONTROLS = ['fixed', 'actuated'] as const;
export type PlanControl = (typeof PLAN_CONTROLS)[number];

/** Evaluations per kind of plan searched when --budget is not given. */
export const DEFAULT_BUDGET_PER_CONTROL = 200;


function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
}

/** The plan in scenario-file units (`greenS`, `offsetS` ...). */
export function scenarioPrograms(programs: readonly SignalProgramSpec[]): unknown[] {
  return programs.map((p) => ({
    junction: p.junction,
    offsetS: p.offset ?? 0,
    cycleS: p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0),
    phases: p.phases.map((ph) => ({
      green: ph.green.map((m) => ({ from: m.from, to: m.to })),
      ...(ph.permissive && ph.permissive.length > 0 ? { permissive: ph.permissive.map((m) => ({ from: m.from, to: m.to })) } : {}),
      greenS: ph.duration,
      ...(ph.yellow !== undefined ? { yellowS: ph.yellow } : {}),
      ...(ph.allRed !== undefined ? { allRedS: ph.allRed } : {}),
      ...(ph.minGreen !== undefined ? { minGreenS: ph.minGreen } : {}),
      ...(ph.maxGreen !== undefined ? { maxGreenS: ph.maxGreen } : {}),
    })),
  }));
}

function comparisonTable(comparison: Comparison): string {
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

/** The checkpoint in `file` (its shape checked), or undefined when there is none. */
async function readCheckpoint(file: string): Promise<OptimiseCheckpoint | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile()) throw new UsageError(`--resume: ${file} is not a regular file`);
  if (info.size > MAX_CHECKPOINT_BYTES) throw new UsageError(`--resume: ${file} is ${(info.size / 2 ** 20).toFixed(0)} MiB, more than a checkpoint can be (${MAX_CHECKPOINT_BYTES / 2 ** 20} MiB); delete it to start afresh`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--resume: cannot read the checkpoint ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseCheckpoint(text, file);
}

/** Largest checkpoint read, bytes (a checkpoint of 100,000 evaluations of 300 signals is a few tens of MB). */
const MAX_CHECKPOINT_BYTES = 256 * 2 ** 20;

function parseOptions(options: OptimiseCommandOptions): {
  objective: ObjectiveName; method: SearchMethodName; cycles: CycleGrouping; controls: PlanControl[]; budget: number; seeds: number; heldOut: number; scales: number[];
} {
  const objective = OBJECTIVE_ALIASES[options.objective ?? 'delay'];
  if (objective === undefined) throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${options.objective}"`);
  const method = (options.method ?? 'compass') as SearchMethodName;
  if (!SEARCH_METHODS.includes(method)) throw new UsageError(`--method must be one of ${SEARCH_METHODS.join(', ')}, got "${options.method}"`);
  const cycles = (options.cycles ?? 'shared') as CycleGrouping;
  if (cycles !== 'shared' && cycles !== 'per-junction') throw new UsageError(`--cycles must be shared or per-junction, got "${options.cycles}"`);
  const control = options.control ?? 'auto';
  if (control !== 'auto' && !(PLAN_CONTROLS as readonly string[]).includes(control)) {
    throw new UsageError(`--control must be fixed, actuated or auto (both), got "${control}"`);
  }
  const controls: PlanControl[] = control === 'auto' ? [...PLAN_CONTROLS] : [control as PlanControl];
  const budget = options.budget ?? DEFAULT_BUDGET_PER_CONTROL * controls.length;
  if (budget < 2 * controls.length) throw new UsageError(`--budget must be at least ${2 * controls.length} with --control ${control} (2 evaluations per kind of plan), got ${budget}`);
  const scales = options.demandScales ?? [0.9, 1, 1.1];
  if (scales.length === 0 || scales.length > 20 || scales.some((s) => !(s > 0 && s <= 10))) throw new UsageError(`--demand-scales must be 1 to 20 factors in (0, 10], got ${scales.slice(0, 20).join(',')}`);
  return { objective, method, cycles, controls, budget, seeds: options.seeds ?? 3, heldOut: options.heldOut ?? 10, scales };
}

/** `greenwave optimise <scenario>`; resolves to the exit code. */
export async function optimiseCommand(file: string, options: OptimiseCommandOptions): Promise<number> {
  const debug = options.debug === true;
  let built: BuiltScenario;
  let parsed: ReturnType<typeof parseOptions>;
  let scenarioText: string;
  let out: string;
  let prepared: PreparedOutputDir;
  let sumoTarget: SumoTarget | undefined;
  try {
    parsed = parseOptions(options);
    if (options.redis !== undefined) parseRedisUrl(options.redis); // a bad URL is a usage error before anything is loaded
    const loaded = await loadScenario(file);
    built = buildScenario(loaded);
    scenarioText = await readFile(file, 'utf8');
    sumoTarget = await sumoTargetOf(built, options.sumo);
    if (options.verifySumo === true) await (await import('./verify-sumo.js')).checkVerifiable(sumoTarget, options.compare !== false);
    out = await outputDirectory(file, built.outputs.dir, options.out, 'optimise');
    const names = [...PLAN_FILE_NAMES, ...(options.resume ? [] : parsed.controls.map((c) => `checkpoint-${c}.json`))];
    prepared = await prepareOutputDir(out, { kind: 'optimise', scenario: built.scenario.name, scenarioFile: file, seed: built.seeds[0], version: VERSION }, { names, force: options.force === true });
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  const { objective, method, cycles, controls, budget, scales } = parsed;
  const net = built.compiled;
  const first = built.seeds[0];
  const trainSeeds = Array.from({ length: parsed.seeds }, (_, i) => first + i);
  const heldOutSeeds = Array.from({ length: parsed.heldOut }, (_, i) => first + HELD_OUT_SEED_OFFSET + i);
  const log = (text: string): void => {
    if (options.quiet !== true) process.stderr.write(`${text}\n`);
  };

  const current = completePrograms(net, built.signals.programs);
  if (current.length === 0) {
    process.stderr.write(`greenwave: ${file}: the scenario has no signalised junction, so there is no signal plan to optimise\n`);
    return 2;
  }
  const baselines = baselinePlans(built, current);
  const currentSpecs = current.map((p) => programToSpec(net, p));
  let stages: Stage[];
  try {
    const inputs = await inputDigest(scenarioText, built);
    stages = controls.map((control, k): Stage => {
      const share = Math.floor(budget / controls.length) + (k < budget % controls.length ? 1 : 0);
      const fingerprint = createHash('sha256').update(JSON.stringify({
        inputs, trainSeeds, scales, objective, method, control, cycles, minCycle: options.minCycle, maxCycle: options.maxCycle, version: 3,
      })).digest('hex');
      const checkpoint = path.join(out, `checkpoint-${control}.json`);
      if (control === 'fixed') {
        const space = createSearchSpace(net, current, {
          cycles,
          ...(options.minCycle !== undefined ? { minCycle: options.minCycle } : {}),
          ...(options.maxCycle !== undefined ? { maxCycle: options.maxCycle } : {}),
        });
        return { control, space, start: baselines.webster, initial: initialDesign(net, space, baselines.webster), budget: share, checkpoint, fingerprint };
      }
      const space = createActuatedSpace(net, current);
      const own = built.signals.control;
      // Start from the scenario's own actuated settings when it has them (and they are in the space's terms), else SUMO's defaults.
      const start: CandidatePlan = { programs: currentSpecs, control: own.kind === 'actuated' && own.detectorDistance === undefined ? own : { kind: 'actuated' } };
      return { control, space, start, initial: actuatedDesign(space, start), budget: share, checkpoint, fingerprint };
    });
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    return 2;
  }
  // With --resume, every search whose checkpoint exists continues from it; one
  // without (the run stopped before it began) starts afresh.
  const resumes = new Map<PlanControl, OptimiseCheckpoint>();
  if (options.resume) {
    try {
      for (const stage of stages) {
        const checkpoint = await readCheckpoint(stage.checkpoint);
        if (checkpoint) resumes.set(stage.control, checkpoint);
      }
      if (resumes.size === 0 && !prepared.own) {
        throw new UsageError(`--resume: no checkpoint in ${out} (${stages.map((s) => path.basename(s.checkpoint)).join(', ')}); run without --resume first`);
      }
    } catch (error) {
      return outputFailure(error, debug);
    }
    // The directory's manifest says this optimisation began there but was stopped before its first checkpoint.
    if (resumes.size === 0) log(`--resume: the run in ${out} was stopped before any search finished its first batch; starting from the beginning`);
  }
  let outputs: OutputDir;
  try {
    outputs = await prepared.open();
  } catch (error) {
    return outputFailure(error, debug);
  }

  const { seed: _seed, ...simOptions } = built.options;
  void _seed;
  const variants = scales.map((factor) => ({ name: `demand x${factor}`, demand: scaleDemand(built.scenario.demand, factor), options: simOptions }));
  const nominal = scales.indexOf(1) >= 0 ? scales.indexOf(1) : variants.push({ name: 'demand x1', demand: built.scenario.demand, options: simOptions }) - 1;
  const extra = extraVariants(variants, built.scenario.demand, simOptions, heldOutSeeds, scales, first);
  const workers = options.workers ?? os.availableParallelism();
  let evaluator: Evaluator;
  if (options.redis !== undefined && options.workers !== undefined) {
    process.stderr.write('greenwave: --workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead\n');
    return 2;
  }
  const { evaluatorFor } = await import('../workers/distributed/select.js');
  try {
    evaluator = await evaluatorFor({ network: net, variants }, options.redis !== undefined
      ? { redis: options.redis, jobId: options.jobId ?? `optimise-${stages[0].fingerprint.slice(0, 16)}`, log: (line: string) => log(line) }
      : workers > 1 ? { workers } : { inProcess: true });
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    return 2;
  }

  const interrupt = interruptOnSigint('finishing the checkpoint');
  const showBar = options.quiet !== true && process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  try {
    const trainingVariants = scales.map((_, i) => i);
    log(`greenwave ${VERSION} — optimising ${built.scenario.name} (${stages.map((s) => `${CONTROL_LABEL[s.control]}: ${s.space.dimension} genes, ${s.budget} evaluations`).join('; ')}), `
      + `${current.length} signals, ${method}, objective ${objective}, ${trainSeeds.length} seeds x ${scales.length} demand variants per candidate, ${evaluator.concurrency} worker${evaluator.concurrency === 1 ? '' : 's'}`);
    const timeLimitS = options.timeMinutes !== undefined ? (options.timeMinutes * 60) / stages.length : undefined;
    for (const stage of stages) {
      const resume = resumes.get(stage.control);
      if (resume) log(`${CONTROL_LABEL[stage.control]}: resuming at evaluation ${resume.evaluations}`);
      bar = showBar
        ? new SingleBar({ format: `${CONTROL_LABEL[stage.control].padEnd(10)} {bar} {value}/{total} evaluations | best {best} s (start {start} s) | {elapsed}`, stream: process.stderr, hideCursor: true, clearOnComplete: true })
        : undefined;
      bar?.start(stage.budget, resume?.evaluations ?? 0, { best: '-', start: '-', elapsed: '' });
      stage.result = await optimise(evaluator, stage.space, stage.start, {
        seeds: trainSeeds, variants: trainingVariants, objective, method, budget: stage.budget,
        ...(timeLimitS !== undefined ? { timeLimitS } : {}),
        initial: stage.initial, checkpoint: stage.checkpoint, fingerprint: stage.fingerprint, signal: interrupt.signal,
        ...(resume ? { resume } : {}),
        onProgress: (p) => {
          if (bar) bar.update(Math.min(p.evaluations, stage.budget), { best: fmt(p.best), start: fmt(p.start), elapsed: `${fmt(p.elapsedS, 0)} s` });
          else log(`  ${CONTROL_LABEL[stage.control]}: evaluations ${p.evaluations}/${p.budget}: best ${fmt(p.best)} (start ${fmt(p.start)}) after ${fmt(p.elapsedS, 0)} s`);
        },
      });
      bar?.stop();
      bar = undefined;
      const r = stage.result;
      if (r.stopReason === 'interrupted') break;
      log(`${CONTROL_LABEL[stage.control]}: search stopped (${r.stopReason}) after ${r.evaluations} evaluations in ${fmt(r.elapsedS, 0)} s: ${objective} ${fmt(r.start.value)} (${stage.control === 'fixed' ? 'Webster' : 'actuated defaults'}) -> ${fmt(r.best.value)} on the training seeds`);
    }
    const done = stages.filter((s): s is Stage & { result: OptimiseResult } => s.result !== undefined && Number.isFinite(s.result.best.value));
    const interrupted = stages.some((s) => s.result?.stopReason === 'interrupted');
    if (done.length === 0) {
      if (!interrupted) {
        process.stderr.write(`greenwave: the time limit (--time ${options.timeMinutes} min) passed before the first batch of plans was scored; give more time\n`);
        return 2;
      }
      process.stderr.write(`greenwave: interrupted before any plan was scored; continue with: greenwave optimise ${file} --resume${options.out ? ` --out ${options.out}` : ''}\n`);
      return 130;
    }
    const choice = interrupted
      ? { search: done.reduce((a, b) => (b.result.best.value < a.result.best.value ? b : a)), plan: undefined, bestOf: undefined, rerank: undefined }
      : await choosePlan(evaluator, done, baselines.webster, { pairs: extra.rerankPairs, objective, penalty: DEFAULT_UNFINISHED_PENALTY, label: (c) => CONTROL_LABEL[c], signal: interrupt.signal });
    const chosen = choice.search;
    const chosenPlan = choice.plan ?? chosen.result.best;
    if (choice.rerank) {
      log(`re-ranked the best ${done.map((s) => CONTROL_LABEL[s.control]).join(' and ')} plans on ${choice.rerank.pairs.length} fresh runs against Webster (gain + 1 standard error, s):`);
      for (const e of choice.rerank.ranked) log(`  ${e.label.padEnd(16)} training ${fmt(e.training)}  fresh ${fmt(e.fresh)}  gain ${fmt(e.gain)} ± ${fmt(e.gainSe)}  score ${fmt(e.score)}`);
    }
    const { files, commands } = await writePlanFiles(outputs, built, chosenPlan, done.map((s) => ({ control: s.control, result: s.result })), file, sumoTarget);
    if (sumoTarget === undefined && importedFromSumoInline(built)) {
      log('note: this scenario was imported from SUMO files; give them with --sumo (e.g. --sumo net.net.xml routes.rou.xml) to write plan.add.xml onto that network');
    }
    if (interrupted) {
      await outputs.commit('interrupted');
      process.stderr.write(`greenwave: interrupted; the best plan so far (${CONTROL_LABEL[chosen.control]}) is written to ${files.join(', ')}. Continue with: greenwave optimise ${file} --resume${options.out ? ` --out ${options.out}` : ''}\n`);
      return 130;
    }
    if (done.length > 1) log(`chosen: the ${CONTROL_LABEL[chosen.control]} plan (${objective} ${fmt(chosenPlan.value)} on the training seeds; best training values ${done.map((s) => `${fmt(s.result.best.value)} ${CONTROL_LABEL[s.control]}`).join(', ')})`);
    let comparison: Comparison | undefined;
    let verifiedTable: string | undefined;
    if (options.compare !== false) {
      log(`comparing plans on ${heldOutSeeds.length} held-out seeds (${heldOutSeeds[0]}..${heldOutSeeds[heldOutSeeds.length - 1]}); ${extra.heldOutDemand} ...`);
      const plans: Array<{ name: string; candidate: Candidate }> = [
        // the scenario as it runs today: its programs under its own control (fixed time unless signals.default says otherwise)
        { name: 'current', candidate: { programs: currentSpecs, control: built.signals.control } },
        { name: 'webster', candidate: baselines.webster },
        ...baselines.adaptive,
        { name: 'optimised', candidate: planOf(chosenPlan) },
        // what the other kind of plan reached, so the choice can be checked on held-out seeds too
        ...(choice.bestOf ?? []).filter((b) => b.search !== chosen).map((b) => ({ name: `best ${CONTROL_LABEL[b.search.control]}`, candidate: planOf(b.plan) })),
      ];
      const compared = await comparePlans(evaluator, net, plans, {
        scenario: built.scenario.name, seeds: heldOutSeeds, variant: nominal, objective, reference: 'webster', signal: interrupt.signal,
        ...(extra.heldOutPaired ? { pairedVariants: extra.heldOutPaired } : {}),
      });
      if (compared.aborted) {
        await outputs.commit('interrupted');
        process.stderr.write('greenwave: interrupted during the comparison; the optimised plan is written, the comparison is not\n');
        return 130;
      }
      const { aborted: _a, ...data } = compared;
      void _a;
      comparison = data;
      const honesty = selectionReport(comparison, chosenPlan, done, choice.rerank, extra.heldOutDemand);
      files.push(await outputs.write('comparison.json', `${JSON.stringify({ ...comparison, ...honesty }, null, 2)}\n`));
      log(`training overstated the held-out ${objective} of the chosen plan by ${fmt(honesty.overstatement.objective)} s (training ${fmt(honesty.overstatement.training)}, held-out ${fmt(honesty.overstatement.heldOut)})`);
      if (options.verifySumo === true && sumoTarget !== undefined) {
        const { verifyComparedPlans } = await import('./verify-sumo.js');
        const verified = await verifyComparedPlans(built, sumoTarget, plans, comparison, { seeds: options.sumoSeeds, log, signal: interrupt.signal });
        files.push(await outputs.write('verify-sumo.json', `${JSON.stringify(verified, null, 2)}\n`));
        verifiedTable = (await import('./sumo-measure.js')).verificationTable(verified);
      }
    }
    let equilibrium: import('./optimise-equilibrium.js').EquilibriumGain | undefined;
    if (options.routeChoice === 'equilibrium' || (options.routeChoice === undefined && built.routeChoice === 'equilibrium')) {
      const { equilibriumGain } = await import('./optimise-equilibrium.js');
      log(`judging Webster's and the optimised plan with drivers at equilibrium (seed ${heldOutSeeds[0]}) ...`);
      equilibrium = await equilibriumGain(built, baselines.webster, planOf(chosenPlan), heldOutSeeds[0], log, interrupt.signal);
      if (equilibrium.aborted !== true) files.push(await outputs.write('equilibrium.json', `${JSON.stringify(equilibrium, null, 2)}\n`));
    }
    if (options.report) files.push((await writeReport(out, undefined, {}, outputs)).path);
    await outputs.commit('complete');
    const evaluations = done.reduce((n, s) => n + s.result.evaluations, 0);
    const elapsedS = done.reduce((t, s) => t + s.result.elapsedS, 0);
    if (options.json) {
      const searches = done.map((s) => ({
        control: s.control, evaluations: s.result.evaluations, stopReason: s.result.stopReason, start: s.result.start.value, best: s.result.best.value,
        ...(s.result.best.control ? { settings: s.result.best.control } : {}),
      }));
      process.stdout.write(`${JSON.stringify({
        greenwave: VERSION, scenario: built.scenario.name, method, objective, control: chosen.control, evaluations,
        training: { seeds: trainSeeds, demandScales: scales, start: chosen.result.start.value, best: chosenPlan.value, searches },
        comparison, ...(equilibrium ? { equilibrium } : {}), outputs: files,
      }, null, 2)}\n`);
    } else {
      const lines = [`greenwave ${VERSION} — ${built.scenario.name}: optimised ${describePlan(chosen.control, chosenPlan)} (${method}, ${evaluations} evaluations, ${fmt(elapsedS, 0)} s)`];
      if (comparison) {
        lines.push(`held-out seeds ${heldOutSeeds[0]}..${heldOutSeeds[heldOutSeeds.length - 1]} (${heldOutSeeds.length}), ${extra.heldOutPaired ? `departures jittered ±${DEFAULT_HELD_OUT_JITTER_S} s per seed` : 'nominal demand'}, mean ± 95% CI; Δ is paired per seed against Webster:`, comparisonTable(comparison));
      }
      if (verifiedTable !== undefined) lines.push('', verifiedTable);
      if (equilibrium && equilibrium.aborted !== true) lines.push('', ...(await import('./optimise-equilibrium.js')).equilibriumGainLines(equilibrium));
      lines.push('', 'outputs:', ...files.map((f) => `  ${f}`), '', 'check the plan in SUMO:', ...commands.map((c) => `  ${c}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return done.some((s) => s.result.failures.length > 0) ? 1 : 0;
  } catch (error) {
    bar?.stop();
    if (!(error instanceof GreenwaveError)) throw error;
    if (error instanceof OutputError) await outputs.abort();
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  } finally {
    interrupt.dispose();
    await evaluator.close();
  }
}

/** One search of the command: a kind of plan, its space, start, first batch, budget and checkpoint. */
interface Stage {
  control: PlanControl;
  space: PlanSpace;
  start: Candidate;
  initial: Float64Array[];
  budget: number;
  checkpoint: string;
  fingerprint: string;
  result?: OptimiseResult;
}

const CONTROL_LABEL: Record<PlanControl, string> = { fixed: 'fixed-time', actuated: 'actuated' };

/** A scored plan as a candidate (programs with their control). */
function planOf(plan: ScoredPlan): CandidatePlan {
  return plan.control ? { programs: plan.programs, control: plan.control } : { programs: plan.programs };
}

/** "fixed-time plan (cycle 36 s)" / "actuated settings (gap 3 s, detector 0.5 s upstream)". */
function describePlan(control: PlanControl, plan: ScoredPlan): string {
  if (control === 'actuated' && plan.control?.kind === 'actuated') {
    return `actuated settings (gap ${fmt(plan.control.gap ?? 3)} s, detectors ${fmt(plan.control.detectorGap ?? 2)} s upstream, per-phase maximum greens)`;
  }
  const cycles = [...new Set(plan.programs.map((p) => p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0)))].sort((a, b) => a - b);
  return `fixed-time plan (cycle ${cycles.length === 1 ? `${cycles[0]} s` : `${cycles[0]}..${cycles[cycles.length - 1]} s`})`;
}

/**
 * Digest of everything the optimisation reads: the scenario text and, for an
 * imported network, the bytes of every file the importer read (a .net.xml edited
 * after a checkpoint must not be resumed as if nothing changed).
 */
async function inputDigest(scenarioText: string, built: BuiltScenario): Promise<string> {
  const hash = createHash('sha256').update(scenarioText);
  for (const f of built.scenario.imported?.files ?? []) {
    hash.update(`\0${f}\0`);
    await new Promise<void>((resolve, reject) => {
      createReadStream(f).on('data', (chunk) => hash.update(chunk)).on('end', resolve).on('error', (error) => reject(new UsageError(`cannot read ${f} to fingerprint the run: ${error.message}`)));
    });
  }
  return hash.digest('hex');
}

/**
 * Write plan.json, optimised.scenario.json, the SUMO files (sumo-plan-files.ts) and
 * convergence.csv (every search's evaluations in the order run, with a `control`
 * column and the best so far over all searches); return their paths.
 */
async function writePlanFiles(
  outputs: OutputDir, built: BuiltScenario, best: ScoredPlan, searches: Array<{ control: PlanControl; result: OptimiseResult }>, scenarioFile: string, target: SumoTarget | undefined,
): Promise<{ files: string[]; commands: string[] }> {
  const out = outputs.dir;
  const files: string[] = [];
  const programs = scenarioPrograms(best.programs);
  const control = best.control;
  // The control is written explicitly, so a fixed-time plan optimised for a scenario that runs actuated stays fixed time.
  const signals = control?.kind === 'actuated'
    ? { default: 'actuated', actuated: { ...(control.gap !== undefined ? { gapS: control.gap } : {}), ...(control.detectorGap !== undefined ? { detectorGapS: control.detectorGap } : {}) }, programs }
    : { default: 'fixed', programs };
  files.push(await outputs.write('plan.json', `${JSON.stringify({ signals }, null, 2)}\n`));
  const source = structuredClone(built.scenario.source) as unknown as Record<string, unknown>;
  const network = source.network as Record<string, unknown>;
  if (typeof network.file === 'string') {
    network.file = path.relative(out, path.resolve(path.dirname(scenarioFile), network.file));
  }
  const { actuated: _own, ...sourceSignals } = (source.signals ?? {}) as Record<string, unknown>;
  void _own;
  const optimised = {
    ...source,
    name: `${built.scenario.name}-optimised`,
    signals: { ...sourceSignals, ...signals },
    // Its outputs go beside it (a scenario's outputs.dir is relative to the scenario file).
    outputs: { ...(source.outputs as object), dir: 'out' },
  };
  files.push(await outputs.write('optimised.scenario.json', `${JSON.stringify(optimised, null, 2)}\n`));
  const sumo = await writeSumoPlanFiles(outputs, built, best.programs, control, target);
  files.push(...sumo.files);
  const methods = [...new Set(searches.map((s) => s.result.method))].join(', ');
  const csv = [`# greenwave ${VERSION} optimise ${built.scenario.name} (${methods}, objective ${searches[0].result.objective})`, 'evaluation,batch,elapsedS,objective,best,control'];
  let offset = 0;
  let batchOffset = 0;
  let timeOffset = 0;
  let bestSoFar = Infinity;
  for (const { control: kind, result } of searches) {
    for (const h of result.history) {
      bestSoFar = Math.min(bestSoFar, h.objective);
      csv.push([h.evaluation + offset, h.batch + batchOffset, (h.elapsedS + timeOffset).toFixed(2), h.objective, bestSoFar, kind].map((v) => csvField(v)).join(','));
    }
    offset += result.evaluations;
    batchOffset += result.batches;
    timeOffset += result.elapsedS;
  }
  files.push(await outputs.write('convergence.csv', `${csv.join('\n')}\n`));
  return { files, commands: sumo.commands };
}

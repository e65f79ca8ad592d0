/**
 * `greenwave optimise <scenario>`: search signal plans that cut the scenario's
 * delay, evaluated in parallel on the worker pool, then compare the current
 * plan, Webster, actuated, max-pressure and the optimised plan on held-out
 * seeds, with confidence intervals.
 *
 * Three kinds of plan are searched (`--control`, default `auto`: all three, the
 * budget shared in proportion to BUDGET_SHARES, the best on the training seeds wins):
 *  - `fixed`: fixed-time cycle, splits and offsets, starting from Webster's plan;
 *  - `actuated`: the settings of gap-out control (passage time, detector setback,
 *    maximum greens), starting from SUMO's defaults;
 *  - `max-pressure`: the settings of signals.maxPressure (decision interval,
 *    minimum green, pressure definition, ties), starting from the scenario's
 *    own or the controller's defaults.
 * All are compared on the held-out seeds, so the table shows what each reached,
 * and the output says when an adaptive kind won.
 *
 * The budget defaults to BUDGET_BASE + BUDGET_PER_SIGNAL evaluations per signal,
 * stated on the first line. `--method auto` (default) runs the decomposed search
 * (engine/optimise/local-search.ts) on spaces with per-junction genes from
 * LOCAL_SEARCH_MIN_SIGNALS signals, compass otherwise. `--time` is shared like
 * the budget; time a search leaves unused goes to the next.
 *
 * Files in --out: checkpoint-<control>.json (after every batch; --resume
 * continues from them), convergence.csv, plan.json (the best plan,
 * scenario-ready), optimised.scenario.json (the scenario with that plan),
 * plan.add.xml (SUMO tlLogic, programID "greenwave", static or actuated: onto the
 * user's own SUMO network for a scenario from SUMO, else with the network as SUMO
 * plain XML for netconvert; see sumo-plan-files.ts; not for max-pressure, which
 * SUMO lacks), timing.csv (the timing sheet of the current, Webster and optimised
 * plans; offsets explained in engine/report/timing.ts), comparison.json,
 * metadata.json. The local search keeps no checkpoint. The plan written is chosen
 * by choose-plan.ts (the best plans of every search re-ranked on fresh runs);
 * with --verify-sumo and SUMO installed, the best few of them are measured in
 * SUMO on the user's network and routes and the one SUMO measures best is
 * written (sumo-choice.ts; comparison.json `sumoChoice`).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { GreenwaveError, OutputError, UsageError } from '../engine/errors.js';
import { buildScenario, loadScenario, type BuiltScenario } from '../engine/scenario/index.js';
import { scaleDemand } from '../engine/demand/scale.js';
import { programToSpec } from '../engine/signals/program.js';
import { completePrograms } from '../engine/optimise/space.js';
import { localSearch } from '../engine/optimise/local-search.js';
import { DEFAULT_UNFINISHED_PENALTY, optimise, type OptimiseCheckpoint, type OptimiseProgress, type OptimiseResult, type ScoredPlan } from '../engine/optimise/optimise.js';
import { isBetterScore } from '../engine/optimise/score.js';
import type { Candidate, CandidatePlan, Evaluator } from '../engine/optimise/evaluator.js';
import { comparePlans, type Comparison } from '../engine/report/compare.js';
import { METADATA_FILE, outputMetadata } from '../engine/report/metadata.js';
import { timingCsv, timingRows } from '../engine/report/timing.js';
import { checkPlanSafety, safePrograms } from '../engine/signals/safety.js';
import { writeReport } from '../engine/report/html/write.js';
import { baselinePlans } from './baselines.js';
import { VERSION } from './version.js';
import { interruptOnSigint } from './commands.js';
import { prepareOutputDir, type OutputDir, type PreparedOutputDir } from '../engine/report/output-dir.js';
import { outputDirectory, outputFailure } from './outputs.js';
import { parseRedisUrl } from '../workers/distributed/connection.js';
import { writePlanFiles } from './plan-files.js';
import {
  BUDGET_BASE, BUDGET_PER_SIGNAL, defaultBudget, defaultSeeds, shareBudget, type PlanControl,
} from './optimise-budget.js';
import { importedFromSumoInline, sumoTargetOf, type SumoTarget } from './sumo-target.js';
import { SUMO_PLAN_FILE_NAMES } from './sumo-plan-files.js';
import { choosePlan, extraVariants } from './choose-plan.js';
import { DEFAULT_SUMO_CANDIDATES, pickInSumo, sumoCandidates, sumoChoiceLines, type SumoChoiceReport } from './sumo-choice.js';
import type { Verification } from './sumo-measure.js';
import { DEFAULT_HELD_OUT_JITTER_S, HELD_OUT_SEED_OFFSET } from '../engine/optimise/perturb.js';
import { selectionReport } from './selection-report.js';
import { CONTROL_LABEL, START_LABEL, clearanceLines, comparisonLines, currentPlanWarnings, describePlan, fmt, versusBest } from './optimise-text.js';
import { inputDigest, parseOptions, readCheckpoint } from './optimise-inputs.js';
import { buildStages, cycleGrouping, type Stage } from './optimise-stages.js';

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
  /** Fixed time: also search skipping phases whose movements other phases show (engine/optimise/space.ts). */
  skipPhases?: boolean;
  /** Fixed time: search the cyclic phase order of programs of 3 or more phases (default true; signals.pinPhaseOrder pins junctions). */
  reorderPhases?: boolean;
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
  /** Candidate plans measured in SUMO by --verify-sumo, the one SUMO measures best written (sumo-choice.ts). */
  sumoCandidates?: number;
  /** `equilibrium`: judge Webster's and the optimised plan again with drivers at equilibrium (optimise-equilibrium.ts). */
  routeChoice?: 'departure' | 'equilibrium';
  /** With route choice at equilibrium: plans judged there, the written one and the next best of the re-ranking (default 1). */
  equilibriumTop?: number;
}

/** Files `greenwave optimise` writes besides its checkpoints. */
const PLAN_FILE_NAMES = ['plan.json', 'optimised.scenario.json', ...SUMO_PLAN_FILE_NAMES, 'convergence.csv', 'timing.csv', 'comparison.json', 'verify-sumo.json', 'equilibrium.json', 'metadata.json', 'report.html'] as const;

/** `greenwave optimise <scenario>`; resolves to the exit code. */
export async function optimiseCommand(file: string, options: OptimiseCommandOptions): Promise<number> {
  const debug = options.debug === true;
  let built: BuiltScenario;
  let parsed: ReturnType<typeof parseOptions>;
  let scenarioText: string;
  let out: string;
  let prepared: PreparedOutputDir;
  let sumoTarget: SumoTarget | undefined;
  let atEquilibrium: boolean;
  try {
    parsed = parseOptions(options);
    if (options.redis !== undefined) parseRedisUrl(options.redis); // a bad URL is a usage error before anything is loaded
    const loaded = await loadScenario(file);
    built = buildScenario(loaded);
    scenarioText = await readFile(file, 'utf8');
    atEquilibrium = options.routeChoice === 'equilibrium' || (options.routeChoice === undefined && built.routeChoice === 'equilibrium');
    if (options.equilibriumTop !== undefined && !atEquilibrium) {
      throw new UsageError('--equilibrium-top judges plans with drivers at equilibrium: give --route-choice equilibrium too (or routeChoice: equilibrium in the scenario)');
    }
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
  const { objective, cycles, controls, scales } = parsed;
  const net = built.compiled;
  const first = built.seeds[0];
  const signalCount = completePrograms(net, built.signals.programs).length;
  const trainSeeds = Array.from({ length: parsed.seeds ?? defaultSeeds(signalCount) }, (_, i) => first + i);
  const heldOutSeeds = Array.from({ length: parsed.heldOut }, (_, i) => first + HELD_OUT_SEED_OFFSET + i);
  const log = (text: string): void => {
    if (options.quiet !== true) process.stderr.write(`${text}\n`);
  };

  const current = completePrograms(net, built.signals.programs);
  if (current.length === 0) {
    process.stderr.write(`greenwave: ${file}: the scenario has no signalised junction, so there is no signal plan to optimise\n`);
    return 2;
  }
  const budget = parsed.budget ?? defaultBudget(current.length);
  const shares = shareBudget(budget, controls);
  const currentSpecs = current.map((p) => programToSpec(net, p));
  // The search starts from, and stays within, the current phases with their times raised to the safety
  // minima (pedestrian minimum greens, ITE yellow and all-red): every plan it returns meets them.
  const safety = built.scenario.signals.safety;
  const safe = completePrograms(net, safePrograms(net, currentSpecs, safety));
  const safeSpecs = safe.map((p) => programToSpec(net, p));
  for (const line of currentPlanWarnings(checkPlanSafety(net, currentSpecs, safety))) log(line);
  for (const line of clearanceLines(net, safeSpecs, safety)) log(line);
  const baselines = baselinePlans(built, safe);
  const grouping = cycleGrouping(built, safe, cycles, controls.includes('fixed'), log);
  let stages: Stage[];
  try {
    const inputs = await inputDigest(scenarioText, built);
    stages = buildStages({
      built, safe, safeSpecs, webster: baselines.webster, controls, shares, method: parsed.method, cycles: grouping, cyclesName: cycles, skipPhases: options.skipPhases === true, reorderPhases: options.reorderPhases !== false, out, inputs, trainSeeds, scales, objective,
      ...(options.minCycle !== undefined ? { minCycle: options.minCycle } : {}), ...(options.maxCycle !== undefined ? { maxCycle: options.maxCycle } : {}),
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
    const budgetNote = parsed.budget === undefined ? ` (default: ${BUDGET_BASE} + ${BUDGET_PER_SIGNAL} per signal)` : '';
    log(`greenwave ${VERSION} — optimising ${built.scenario.name}, ${current.length} signals: budget ${budget} evaluations${budgetNote}`
      + `${options.timeMinutes !== undefined ? ` or ${fmt(options.timeMinutes)} min` : ''}; ${stages.map((s) => `${CONTROL_LABEL[s.control]} ${s.budget} (${s.space.dimension} genes, ${s.method})`).join(', ')}; `
      + `objective ${objective}, ${trainSeeds.length} seed${trainSeeds.length === 1 ? '' : 's'}${parsed.seeds === undefined ? ' (default)' : ''} x ${scales.length} demand variants per candidate, ${evaluator.concurrency} worker${evaluator.concurrency === 1 ? '' : 's'}`);
    // --time is shared like the budget, and a search that stops early leaves its time to the next ones.
    const searchBegan = performance.now();
    for (const [k, stage] of stages.entries()) {
      const resume = stage.method === 'local' ? undefined : resumes.get(stage.control);
      if (resume) log(`${CONTROL_LABEL[stage.control]}: resuming at evaluation ${resume.evaluations}`);
      else if (options.resume && stage.method === 'local') log(`${CONTROL_LABEL[stage.control]}: the local search keeps no checkpoint; it starts afresh`);
      let timeLimitS: number | undefined;
      if (options.timeMinutes !== undefined) {
        const left = options.timeMinutes * 60 - (performance.now() - searchBegan) / 1000;
        const rest = stages.slice(k).reduce((a, s) => a + s.budget, 0);
        timeLimitS = Math.max(0, (left * stage.budget) / rest);
      }
      bar = showBar
        ? new SingleBar({ format: `${CONTROL_LABEL[stage.control].padEnd(12)} {bar} {value}/{total} evaluations | best {best} s (start {start} s) | {elapsed}{left}`, stream: process.stderr, hideCursor: true, clearOnComplete: true })
        : undefined;
      bar?.start(stage.budget, resume?.evaluations ?? 0, { best: '-', start: '-', elapsed: '', left: '' });
      const common = {
        seeds: trainSeeds, variants: trainingVariants, objective, budget: stage.budget,
        ...(timeLimitS !== undefined ? { timeLimitS } : {}),
        initial: stage.initial, signal: interrupt.signal,
        onProgress: (p: OptimiseProgress) => {
          const left = p.timeLeftS !== undefined ? `, ${fmt(p.timeLeftS, 0)} s left` : '';
          if (bar) bar.update(Math.min(p.evaluations, stage.budget), { best: fmt(p.best), start: fmt(p.start), elapsed: `${fmt(p.elapsedS, 0)} s`, left: left.replace(', ', ' | ') });
          else log(`  ${CONTROL_LABEL[stage.control]}: evaluations ${p.evaluations}/${p.budget}: best ${fmt(p.best)} (start ${fmt(p.start)}) after ${fmt(p.elapsedS, 0)} s${left}`);
        },
      };
      stage.result = stage.method === 'local'
        ? await localSearch(evaluator, stage.space, stage.start, { ...common, network: net, starvation: stage.control !== 'fixed' })
        : await optimise(evaluator, stage.space, stage.start, {
          ...common, method: stage.method, checkpoint: stage.checkpoint, fingerprint: stage.fingerprint, ...(resume ? { resume } : {}),
          starvation: stage.control !== 'fixed',
        });
      bar?.stop();
      bar = undefined;
      const r = stage.result;
      if (r.stopReason === 'interrupted') break;
      log(`${CONTROL_LABEL[stage.control]}: search stopped (${r.stopReason}) after ${r.evaluations} evaluations in ${fmt(r.elapsedS, 0)} s: ${objective} ${fmt(r.start.value)} (${START_LABEL[stage.control]}) -> ${fmt(r.best.value)} on the training seeds`);
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
      ? { search: done.reduce((a, b) => (isBetterScore(b.result.best, a.result.best) ? b : a)), plan: undefined, bestOf: undefined, ranked: undefined, rerank: undefined }
      : await choosePlan(evaluator, done, baselines.webster, { pairs: extra.rerankPairs, objective, penalty: DEFAULT_UNFINISHED_PENALTY, label: (c) => CONTROL_LABEL[c], signal: interrupt.signal });
    let chosen = choice.search;
    let chosenPlan = choice.plan ?? chosen.result.best;
    if (choice.rerank) {
      log(`re-ranked the best ${done.map((s) => CONTROL_LABEL[s.control]).join(', ')} plans on ${choice.rerank.pairs.length} fresh runs against Webster (gridlocked runs, runs with unfinished trips, runs where adaptive control starved a movement, then gain + 1 standard error, s):`);
      for (const e of choice.rerank.ranked) log(`  ${e.label.padEnd(16)} gridlocked ${e.gridlockedRuns}  unfinished ${e.strandedRuns}  starved ${e.starvedRuns}  training ${fmt(e.training)}  fresh ${fmt(e.fresh)}  gain ${fmt(e.gain)} ± ${fmt(e.gainSe)}  score ${fmt(e.score)}`);
    }
    // With --verify-sumo the best few plans are measured in SUMO and the one SUMO measures best is written (sumo-choice.ts).
    const sumoCandidateList = options.verifySumo === true && sumoTarget !== undefined && !interrupted && options.compare !== false && choice.ranked !== undefined
      ? sumoCandidates(choice.ranked, options.sumoCandidates ?? DEFAULT_SUMO_CANDIDATES, (c) => c.search.control !== 'max-pressure')
      : [];
    const sumoChoosing = sumoCandidateList.length > 0;
    let files: string[] = [];
    let commands: string[] = [];
    const writeChosen = async (): Promise<void> => {
      const w = await writePlanFiles(outputs, built, chosenPlan, done.map((s) => ({ control: s.control, result: s.result })), file, sumoTarget);
      for (const warning of w.warnings) log(`warning: ${warning}`);
      // The timing sheet, before and after: the current plan, Webster's and the optimised one.
      w.files.push(await outputs.write('timing.csv', timingCsv([
        ...timingRows(net, 'current', currentSpecs, built.signals.control.kind, safety),
        ...timingRows(net, 'webster', baselines.webster, 'fixed', safety),
        ...timingRows(net, 'optimised', chosenPlan.programs, chosenPlan.control?.kind ?? 'fixed', safety),
      ])));
      files = [...w.files, ...files];
      commands = w.commands;
    };
    if (!sumoChoosing) await writeChosen();
    if (sumoTarget === undefined && importedFromSumoInline(built)) {
      log('note: this scenario was imported from SUMO files; give them with --sumo (e.g. --sumo net.net.xml routes.rou.xml) to write plan.add.xml onto that network');
    }
    if (interrupted) {
      await outputs.commit('interrupted');
      process.stderr.write(`greenwave: interrupted; the best plan so far (${CONTROL_LABEL[chosen.control]}) is written to ${files.join(', ')}. Continue with: greenwave optimise ${file} --resume${options.out ? ` --out ${options.out}` : ''}\n`);
      return 130;
    }
    if (done.length > 1) log(`${sumoChoosing ? 'greenwave\'s choice' : 'chosen'}: the ${CONTROL_LABEL[chosen.control]} plan (${objective} ${fmt(chosenPlan.value)} on the training seeds; best training values ${done.map((s) => `${fmt(s.result.best.value)} ${CONTROL_LABEL[s.control]}`).join(', ')})`);
    let comparison: Comparison | undefined;
    let verifiedTable: string | undefined;
    let sumoChoice: SumoChoiceReport | undefined;
    if (options.compare !== false) {
      log(`comparing plans on ${heldOutSeeds.length} held-out seeds (${heldOutSeeds[0]}..${heldOutSeeds[heldOutSeeds.length - 1]}); ${extra.heldOutDemand} ...`);
      const plans: Array<{ name: string; candidate: Candidate }> = [
        // the scenario as it runs today: its programs under its own control (fixed time unless signals.default says otherwise)
        { name: 'current', candidate: { programs: currentSpecs, control: built.signals.control } },
        { name: 'webster', candidate: baselines.webster },
        ...baselines.adaptive,
        // choosing in SUMO: every candidate under its label, the one written renamed "optimised" once SUMO has measured them
        ...(sumoChoosing ? sumoCandidateList.map((c) => ({ name: c.label, candidate: planOf(c.plan) })) : [
          { name: 'optimised', candidate: planOf(chosenPlan) },
          // what the other kinds of plan reached, so the choice can be checked on held-out seeds too
          ...(choice.bestOf ?? []).filter((b) => b.search !== chosen).map((b) => ({ name: `best ${CONTROL_LABEL[b.search.control]}`, candidate: planOf(b.plan) })),
        ]),
      ];
      const compared = await comparePlans(evaluator, net, plans, {
        scenario: built.scenario.name, seeds: heldOutSeeds, variant: nominal, objective, reference: 'webster', signal: interrupt.signal,
        ...(extra.heldOutPaired ? { pairedVariants: extra.heldOutPaired } : {}),
      });
      if (compared.aborted) {
        if (sumoChoosing) await writeChosen();
        await outputs.commit('interrupted');
        process.stderr.write('greenwave: interrupted during the comparison; the optimised plan is written, the comparison is not\n');
        return 130;
      }
      const { aborted: _a, ...data } = compared;
      void _a;
      comparison = data;
      if (options.verifySumo === true && sumoTarget !== undefined) {
        const { verifyComparedPlans } = await import('./verify-sumo.js');
        const measure = sumoChoosing ? ['current', 'webster', ...sumoCandidateList.map((c) => c.label)] : undefined;
        let verified: Verification;
        try {
          verified = await verifyComparedPlans(built, sumoTarget, plans, comparison, { seeds: options.sumoSeeds, log, signal: interrupt.signal, ...(measure ? { measure } : {}) });
        } catch (error) {
          // greenwave's own choice is written when SUMO could not choose
          if (sumoChoosing) await writeChosen();
          if (!interrupt.signal.aborted) throw error;
          await outputs.commit('interrupted');
          process.stderr.write('greenwave: interrupted while SUMO ran; greenwave\'s choice is written, the comparison is not\n');
          return 130;
        }
        if (sumoChoosing) {
          const picked = pickInSumo(verified, sumoCandidateList, (c) => c.search.control);
          sumoChoice = picked.report;
          chosen = picked.pick.search;
          chosenPlan = picked.pick.plan;
          for (const rows of [comparison.rows, verified.rows]) {
            for (const row of rows) if (row.plan === picked.pick.label) row.plan = 'optimised';
          }
          for (const line of sumoChoiceLines(sumoChoice)) log(line);
          await writeChosen();
        }
        files.push(await outputs.write('verify-sumo.json', `${JSON.stringify(verified, null, 2)}\n`));
        verifiedTable = (await import('./sumo-measure.js')).verificationTable(verified);
      }
      const honesty = selectionReport(comparison, chosenPlan, done, choice.rerank, extra.heldOutDemand);
      files.push(await outputs.write('comparison.json', `${JSON.stringify({ ...comparison, versusBest: versusBest(comparison, sumoCandidateList.map((c) => c.label)) ?? null, ...honesty, ...(sumoChoice ? { sumoChoice } : {}) }, null, 2)}\n`));
      log(`training overstated the held-out ${objective} of the chosen plan by ${fmt(honesty.overstatement.objective)} s (training ${fmt(honesty.overstatement.training)}, held-out ${fmt(honesty.overstatement.heldOut)})`);
    }
    let equilibrium: import('./optimise-equilibrium.js').EquilibriumGain | undefined;
    if (atEquilibrium) {
      const { equilibriumGain } = await import('./optimise-equilibrium.js');
      // The written plan, then the next best of the re-ranking (other plans than the written one), up to --equilibrium-top.
      const next = (choice.ranked ?? []).filter((r) => r.plan !== chosenPlan).slice(0, Math.max(0, (options.equilibriumTop ?? 1) - 1));
      const others = next.length === 0 ? '' : `, ${next.map((r) => r.label).join(', ')}`;
      log(`judging Webster's plan, the optimised plan${others} with drivers at equilibrium (seed ${heldOutSeeds[0]}) ...`);
      equilibrium = await equilibriumGain(built, baselines.webster, [{ name: 'optimised', candidate: planOf(chosenPlan) }, ...next.map((r) => ({ name: r.label, candidate: planOf(r.plan) }))], heldOutSeeds[0], log, interrupt.signal);
      if (equilibrium.aborted !== true) files.push(await outputs.write('equilibrium.json', `${JSON.stringify(equilibrium, null, 2)}\n`));
    }
    // The sidecar: provenance, units, coordinates and the columns of every file (the CSVs start with their header row).
    const written = [...files.map((f) => path.basename(f)), ...(options.report ? ['report.html'] : [])];
    files.push(await outputs.write(METADATA_FILE, `${JSON.stringify(outputMetadata(net, { scenario: built.scenario.name, seed: first, version: VERSION }, 'optimise', written), null, 2)}\n`));
    if (options.report) files.push((await writeReport(out, undefined, {}, outputs)).path);
    await outputs.commit('complete');
    const evaluations = done.reduce((n, s) => n + s.result.evaluations, 0);
    const elapsedS = done.reduce((t, s) => t + s.result.elapsedS, 0);
    if (options.json) {
      const searches = done.map((s) => ({
        control: s.control, method: s.method, budget: s.budget, evaluations: s.result.evaluations, elapsedS: s.result.elapsedS,
        stopReason: s.result.stopReason, start: s.result.start.value, best: s.result.best.value,
        ...(s.result.best.control ? { settings: s.result.best.control } : {}),
      }));
      process.stdout.write(`${JSON.stringify({
        greenwave: VERSION, scenario: built.scenario.name, method: chosen.result.method, objective, control: chosen.control, adaptive: chosen.control !== 'fixed',
        ...(chosenPlan.control ? { settings: chosenPlan.control } : {}),
        budget, ...(options.timeMinutes !== undefined ? { timeLimitS: options.timeMinutes * 60 } : {}), evaluations, searchElapsedS: elapsedS,
        training: { seeds: trainSeeds, demandScales: scales, start: chosen.result.start.value, best: chosenPlan.value, searches },
        comparison, ...(sumoChoice ? { sumoChoice } : {}), ...(equilibrium ? { equilibrium } : {}), outputs: files,
      }, null, 2)}\n`);
    } else {
      const lines = [`greenwave ${VERSION} — ${built.scenario.name}: optimised ${describePlan(chosen.control, chosenPlan)} (${chosen.result.method}, ${evaluations} of ${budget} evaluations, ${fmt(elapsedS, 0)} s)`];
      if (chosen.control !== 'fixed') {
        lines.push(`an adaptive kind won: no fixed-time plan found beats the tuned ${CONTROL_LABEL[chosen.control]} settings ${sumoChoice ? 'in SUMO' : 'on fresh runs'}, so those are written; deploy ${CONTROL_LABEL[chosen.control]} control here`);
      }
      if (comparison) lines.push(...comparisonLines(comparison, extra.heldOutPaired ? `departures jittered ±${DEFAULT_HELD_OUT_JITTER_S} s per seed` : 'nominal demand', sumoCandidateList.map((c) => c.label)));
      if (verifiedTable !== undefined) lines.push('', verifiedTable, ...(sumoChoice ? ['', ...sumoChoiceLines(sumoChoice)] : []));
      if (equilibrium && equilibrium.aborted !== true) lines.push('', ...(await import('./optimise-equilibrium.js')).equilibriumGainLines(equilibrium));
      lines.push('', 'outputs:', ...files.map((f) => `  ${f}`));
      if (commands.length > 0) lines.push('', 'check the plan in SUMO:', ...commands.map((c) => `  ${c}`));
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

/** A scored plan as a candidate (programs with their control). */
function planOf(plan: ScoredPlan): CandidatePlan {
  return plan.control ? { programs: plan.programs, control: plan.control } : { programs: plan.programs };
}

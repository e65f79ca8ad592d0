/**
 * `greenwave optimise <scenario>`: search fixed-time signal plans that cut the
 * scenario's delay, starting from Webster's plan, evaluated in parallel on the
 * worker pool; then compare the current plan, Webster, actuated, max-pressure
 * and the optimised plan on held-out seeds, with confidence intervals.
 *
 * Files in --out: checkpoint.json (after every batch; --resume continues from
 * it), convergence.csv, plan.json (the best programs, scenario-ready),
 * optimised.scenario.json (the scenario with those programs), plan.add.xml (SUMO
 * tlLogic, programID "greenwave") with network.net.xml (the network for SUMO, so
 * `sumo -n network.net.xml -a plan.add.xml` checks the plan), comparison.json.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { GreenwaveError, UsageError } from '../errors.js';
import { buildScenario, loadScenario, type BuiltScenario } from '../scenario/index.js';
import { scaleDemand } from '../demand/scale.js';
import { programToSpec, type SignalProgramSpec } from '../signals/program.js';
import { completePrograms, createSearchSpace, type CycleGrouping } from '../optimise/space.js';
import { initialDesign } from '../optimise/design.js';
import { optimise, OBJECTIVES, type ObjectiveName, type OptimiseCheckpoint, type OptimiseResult } from '../optimise/optimise.js';
import { SEARCH_METHODS, type SearchMethodName } from '../optimise/search.js';
import type { Candidate, Evaluator } from '../optimise/evaluator.js';
import { comparePlans, type Comparison } from '../report/compare.js';
import { csvField } from '../report/outputs.js';
import { writeReport } from './report.js';
import { baselinePlans } from './baselines.js';
import { VERSION } from './version.js';
import { interruptOnSigint } from './commands.js';

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
}

const OBJECTIVE_ALIASES: Record<string, ObjectiveName> = {
  delay: 'delay', travelTime: 'travelTime', 'travel-time': 'travelTime', vehicleHours: 'vehicleHours', 'vehicle-hours': 'vehicleHours',
};

/** Seeds held out for the comparison: far from the training seeds so the two never overlap. */
export const HELD_OUT_SEED_OFFSET = 100_000;

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

async function readCheckpoint(file: string): Promise<OptimiseCheckpoint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--resume: cannot read the checkpoint ${file}: ${code === 'ENOENT' ? 'no such file (run without --resume first)' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as OptimiseCheckpoint;
  } catch (error) {
    throw new UsageError(`--resume: the checkpoint ${file} is not valid JSON (${(error as Error).message}); it may have been written by another tool`);
  }
}

function parseOptions(options: OptimiseCommandOptions): {
  objective: ObjectiveName; method: SearchMethodName; cycles: CycleGrouping; budget: number; seeds: number; heldOut: number; scales: number[];
} {
  const objective = OBJECTIVE_ALIASES[options.objective ?? 'delay'];
  if (objective === undefined) throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${options.objective}"`);
  const method = (options.method ?? 'compass') as SearchMethodName;
  if (!SEARCH_METHODS.includes(method)) throw new UsageError(`--method must be one of ${SEARCH_METHODS.join(', ')}, got "${options.method}"`);
  const cycles = (options.cycles ?? 'shared') as CycleGrouping;
  if (cycles !== 'shared' && cycles !== 'per-junction') throw new UsageError(`--cycles must be shared or per-junction, got "${options.cycles}"`);
  const scales = options.demandScales ?? [0.9, 1, 1.1];
  if (scales.length === 0 || scales.some((s) => !(s > 0))) throw new UsageError(`--demand-scales must be positive numbers, got ${scales.join(',')}`);
  return { objective, method, cycles, budget: options.budget ?? 200, seeds: options.seeds ?? 3, heldOut: options.heldOut ?? 10, scales };
}

/** `greenwave optimise <scenario>`; resolves to the exit code. */
export async function optimiseCommand(file: string, options: OptimiseCommandOptions): Promise<number> {
  const debug = options.debug === true;
  let built: BuiltScenario;
  let parsed: ReturnType<typeof parseOptions>;
  let scenarioText: string;
  try {
    parsed = parseOptions(options);
    const loaded = await loadScenario(file);
    built = buildScenario(loaded);
    scenarioText = await readFile(file, 'utf8');
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  const { objective, method, cycles, budget, scales } = parsed;
  const net = built.compiled;
  const out = options.out ?? path.join(built.outputs.dir, 'optimise');
  const checkpointFile = path.join(out, 'checkpoint.json');
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
  let space;
  try {
    space = createSearchSpace(net, current, {
      cycles,
      ...(options.minCycle !== undefined ? { minCycle: options.minCycle } : {}),
      ...(options.maxCycle !== undefined ? { maxCycle: options.maxCycle } : {}),
    });
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    return 2;
  }
  const baselines = baselinePlans(built, current);
  const fingerprint = createHash('sha256').update(JSON.stringify({
    scenarioText, trainSeeds, scales, objective, method, cycles, minCycle: options.minCycle, maxCycle: options.maxCycle, version: 2,
  })).digest('hex');
  let resume: OptimiseCheckpoint | undefined;
  try {
    if (options.resume) resume = await readCheckpoint(checkpointFile);
  } catch (error) {
    process.stderr.write(`greenwave: ${(error as Error).message}\n`);
    return 2;
  }

  const { seed: _seed, ...simOptions } = built.options;
  void _seed;
  const variants = scales.map((factor) => ({ name: `demand x${factor}`, demand: scaleDemand(built.scenario.demand, factor), options: simOptions }));
  const nominal = scales.indexOf(1) >= 0 ? scales.indexOf(1) : variants.push({ name: 'demand x1', demand: built.scenario.demand, options: simOptions }) - 1;
  const workers = options.workers ?? os.availableParallelism();
  let evaluator: Evaluator;
  if (options.redis !== undefined) {
    if (options.workers !== undefined) {
      process.stderr.write('greenwave: --workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead\n');
      return 2;
    }
    const { evaluatorFor } = await import('../../workers/distributed/select.js');
    try {
      evaluator = await evaluatorFor({ network: net, variants }, {
        redis: options.redis, jobId: options.jobId ?? `optimise-${fingerprint.slice(0, 16)}`, log: (line: string) => log(line),
      });
    } catch (error) {
      if (!(error instanceof GreenwaveError)) throw error;
      process.stderr.write(`greenwave: ${error.message}\n`);
      return 2;
    }
  } else if (workers > 1) {
    const { createPoolEvaluator } = await import('../../workers/evaluator.js');
    evaluator = createPoolEvaluator({ network: net, variants }, { threads: workers });
  } else {
    const { createInProcessEvaluator } = await import('../optimise/evaluator.js');
    evaluator = createInProcessEvaluator({ network: net, variants });
  }

  const interrupt = interruptOnSigint('finishing the checkpoint');
  const showBar = options.quiet !== true && process.stderr.isTTY === true;
  const bar = showBar
    ? new SingleBar({ format: 'optimising {bar} {value}/{total} evaluations | best {best} s (start {start} s) | {elapsed}', stream: process.stderr, hideCursor: true, clearOnComplete: true })
    : undefined;
  let result: OptimiseResult;
  try {
    const trainingVariants = scales.map((_, i) => i);
    log(`greenwave ${VERSION} — optimising ${built.scenario.name}: ${space.dimension} genes (${space.groups.length} cycle group${space.groups.length === 1 ? '' : 's'}, ${space.junctions.length} signals), ${method}, objective ${objective}, `
      + `${trainSeeds.length} seeds x ${scales.length} demand variants per candidate, budget ${budget} evaluations, ${evaluator.concurrency} worker${evaluator.concurrency === 1 ? '' : 's'}`
      + (resume ? `; resuming at evaluation ${resume.evaluations}` : ''));
    bar?.start(budget, resume?.evaluations ?? 0, { best: '-', start: '-', elapsed: '' });
    result = await optimise(evaluator, space, baselines.webster, {
      seeds: trainSeeds, variants: trainingVariants, objective, method, budget,
      ...(options.timeMinutes !== undefined ? { timeLimitS: options.timeMinutes * 60 } : {}),
      initial: initialDesign(net, space, baselines.webster),
      checkpoint: checkpointFile, fingerprint, signal: interrupt.signal,
      ...(resume ? { resume } : {}),
      onProgress: (p) => {
        if (bar) bar.update(Math.min(p.evaluations, budget), { best: fmt(p.best), start: fmt(p.start), elapsed: `${fmt(p.elapsedS, 0)} s` });
        else log(`  evaluations ${p.evaluations}/${p.budget}: best ${fmt(p.best)} (start ${fmt(p.start)}) after ${fmt(p.elapsedS, 0)} s`);
      },
    });
    bar?.stop();
    await mkdir(out, { recursive: true });
    const files = await writePlanFiles(out, built, result, file);
    if (result.stopReason === 'interrupted') {
      process.stderr.write(`greenwave: interrupted after ${result.evaluations} evaluations; best so far written to ${files.join(', ')}. Continue with: greenwave optimise ${file} --resume${options.out ? ` --out ${options.out}` : ''}\n`);
      return 130;
    }
    log(`search stopped (${result.stopReason}) after ${result.evaluations} evaluations in ${fmt(result.elapsedS, 0)} s: ${objective} ${fmt(result.start.value)} (Webster) -> ${fmt(result.best.value)} on the training seeds`);
    let comparison: Comparison | undefined;
    if (options.compare !== false) {
      log(`comparing plans on ${heldOutSeeds.length} held-out seeds (${heldOutSeeds[0]}..${heldOutSeeds[heldOutSeeds.length - 1]}) at nominal demand ...`);
      const plans: Array<{ name: string; candidate: Candidate }> = [
        // the scenario as it runs today: its programs under its own control (fixed time unless signals.default says otherwise)
        { name: 'current', candidate: { programs: current.map((p) => programToSpec(net, p)), control: built.signals.control } },
        { name: 'webster', candidate: baselines.webster },
        ...baselines.adaptive,
        { name: 'optimised', candidate: result.best.programs },
      ];
      const compared = await comparePlans(evaluator, net, plans, {
        scenario: built.scenario.name, seeds: heldOutSeeds, variant: nominal, objective, reference: 'webster', signal: interrupt.signal,
      });
      if (compared.aborted) {
        process.stderr.write('greenwave: interrupted during the comparison; the optimised plan is written, the comparison is not\n');
        return 130;
      }
      const { aborted: _a, ...data } = compared;
      void _a;
      comparison = data;
      await writeFile(path.join(out, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
      files.push(path.join(out, 'comparison.json'));
    }
    if (options.report) files.push((await writeReport(out)).path);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ greenwave: VERSION, scenario: built.scenario.name, method, objective, evaluations: result.evaluations, stopReason: result.stopReason, training: { seeds: trainSeeds, demandScales: scales, start: result.start.value, best: result.best.value }, comparison, outputs: files }, null, 2)}\n`);
    } else {
      const lines = [`greenwave ${VERSION} — ${built.scenario.name}: optimised fixed-time plan (${method}, ${result.evaluations} evaluations, ${fmt(result.elapsedS, 0)} s)`];
      if (comparison) {
        lines.push(`held-out seeds ${heldOutSeeds[0]}..${heldOutSeeds[heldOutSeeds.length - 1]} (${heldOutSeeds.length}), nominal demand, mean ± 95% CI; Δ is paired per seed against Webster:`, comparisonTable(comparison));
      }
      lines.push('', 'outputs:', ...files.map((f) => `  ${f}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return result.failures.length > 0 ? 1 : 0;
  } catch (error) {
    bar?.stop();
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  } finally {
    interrupt.dispose();
    await evaluator.close();
  }
}

/** Write plan.json, optimised.scenario.json, plan.add.xml and convergence.csv; return their paths. */
async function writePlanFiles(out: string, built: BuiltScenario, result: OptimiseResult, scenarioFile: string): Promise<string[]> {
  const files: string[] = [];
  const programs = scenarioPrograms(result.best.programs);
  const plan = path.join(out, 'plan.json');
  await writeFile(plan, `${JSON.stringify({ signals: { programs } }, null, 2)}\n`);
  files.push(plan);
  const source = structuredClone(built.scenario.source) as unknown as Record<string, unknown>;
  const network = source.network as Record<string, unknown>;
  if (typeof network.file === 'string') {
    network.file = path.relative(out, path.resolve(path.dirname(scenarioFile), network.file));
  }
  const optimised = {
    ...source,
    name: `${built.scenario.name}-optimised`,
    signals: { ...(source.signals as object), programs },
    outputs: { ...(source.outputs as object), dir: `${built.outputs.dir}-optimised` },
  };
  const scenarioOut = path.join(out, 'optimised.scenario.json');
  await writeFile(scenarioOut, `${JSON.stringify(optimised, null, 2)}\n`);
  files.push(scenarioOut);
  // SUMO: the plan as tlLogic programs, and the network as a .net.xml (with the
  // scenario's current programs as programID 0) so `sumo -n network.net.xml -a plan.add.xml` runs it.
  const { tlLogicXml, sumoNetXml } = await import('../network/io/sumo/export.js');
  const netXml = path.join(out, 'network.net.xml');
  await writeFile(netXml, sumoNetXml(built.network, { programs: built.signals.programs.map((p) => programToSpec(built.compiled, p)) }));
  files.push(netXml);
  const addXml = path.join(out, 'plan.add.xml');
  await writeFile(addXml, tlLogicXml(result.best.programs, built.compiled));
  files.push(addXml);
  const csv = [`# greenwave ${VERSION} optimise ${built.scenario.name} (${result.method}, objective ${result.objective})`, 'evaluation,batch,elapsedS,objective,best'];
  for (const h of result.history) csv.push([h.evaluation, h.batch, h.elapsedS.toFixed(2), h.objective, h.best].map((v) => csvField(v)).join(','));
  const convergence = path.join(out, 'convergence.csv');
  await writeFile(convergence, `${csv.join('\n')}\n`);
  files.push(convergence);
  return files;
}

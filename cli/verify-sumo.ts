/**
 * `greenwave verify-sumo <scenario>`: run the scenario's current plan, Webster's
 * plan and an optimised plan (`--plan out/optimise/plan.json`) in SUMO micro on
 * the scenario's own SUMO network and routes, over several seeds, and print and
 * write (verify-sumo.json) greenwave's predicted and SUMO's measured mean time
 * loss and travel time per plan, with the gains paired per seed.
 * `optimise --verify-sumo` calls {@link verifyInSumo} with its own comparison.
 *
 * Exit codes: 0 verified; 2 a user mistake, a scenario with no SUMO files, or no
 * SUMO installed (with how to install it); 1 a bug.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GreenwaveError, ScenarioError, UsageError } from '../engine/errors.js';
import { createJsonLocator } from '../engine/text/json.js';
import { parsePath } from '../engine/text/position.js';
import type { BuiltScenario } from '../engine/scenario/index.js';
import { programToSpec } from '../engine/signals/program.js';
import type { SignalControl } from '../engine/signals/control.js';
import type { Comparison } from '../engine/report/compare.js';
import type { Candidate } from '../engine/optimise/evaluator.js';
import { ensureDirectory, writeFileAtomic } from '../engine/text/atomic-file.js';
import { baselinePlans } from './baselines.js';
import { sumoTargetOf, type SumoTarget } from './sumo-target.js';
import { compareLinks, linkComparisonCsv, linkSummary, measureInSumo, verification, verificationTable, type LinkComparisonRow, type MeasuredPlan, type Verification } from './sumo-measure.js';

/** Options of `greenwave verify-sumo`. */
export interface VerifySumoCommandOptions {
  plan?: string;
  sumo?: string[];
  seeds?: number;
  end?: number;
  out?: string;
  workers?: number;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  /** Also compare link by link (links-<plan>.csv). */
  links?: boolean;
}

/** Default SUMO seeds per plan. */
export const DEFAULT_SUMO_SEEDS = 3;

/**
 * Measure `plans` in SUMO and put them beside `predicted` (greenwave's comparison
 * of the same plan names). Throws `UsageError` when SUMO is not installed.
 */
export async function verifyInSumo(
  built: BuiltScenario, target: SumoTarget, plans: readonly MeasuredPlan[], predicted: Comparison,
  options: { seeds: number; end?: number; reference?: string; log?: (line: string) => void; signal?: AbortSignal; links?: boolean },
): Promise<Verification & { linkRows?: Map<string, LinkComparisonRow[]> }> {
  const { findSumo, SUMO_INSTALL_HINT } = await import('../engine/io/sumo/run-sumo.js');
  const sumo = await findSumo();
  if (sumo === undefined) throw new UsageError(`SUMO is not installed (no sumo in $SUMO_HOME/bin or on PATH): ${SUMO_INSTALL_HINT}`);
  const begin = target.begin ?? built.options.start ?? 0;
  const end = options.end ?? target.end ?? built.options.end ?? begin + 3600;
  const seeds = Array.from({ length: options.seeds }, (_, i) => built.seeds[0] + i);
  options.log?.(`running ${plans.length} plans x ${seeds.length} seeds in SUMO (${sumo}), ${begin}..${end} s ...`);
  const measured = await measureInSumo(built, target, plans, {
    sumo, seeds, begin, end, ...(options.log ? { log: options.log } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.links === true ? { links: true } : {}),
  });
  const result: Verification & { linkRows?: Map<string, LinkComparisonRow[]> } = verification(predicted, measured, options.reference ?? 'current', { binary: sumo, net: target.net, routes: target.routes, additional: target.additional, seeds, begin, end });
  if (options.links === true) {
    // Link by link: greenwave's per-link means beside SUMO's edgeData of the same plan.
    result.linkRows = new Map();
    for (const row of result.rows) {
      const sumoLinks = measured.find((m) => m.plan === row.plan)?.links;
      const greenwaveLinks = predicted.rows.find((r) => r.plan === row.plan)?.links;
      if (sumoLinks === undefined || greenwaveLinks === undefined) continue;
      const rows = compareLinks(built, greenwaveLinks, sumoLinks);
      row.links = linkSummary(rows);
      result.linkRows.set(row.plan, rows);
    }
  }
  return result;
}

/**
 * Measure in SUMO the plans of an optimise comparison that SUMO can run: those
 * named in `options.measure` (default: the current plan, Webster's, the
 * optimised one and the best of the other kinds; the adaptive baselines are
 * greenwave's controllers, not plans; a max-pressure plan has no SUMO tlLogic,
 * so it is left out and the log says so).
 */
export async function verifyComparedPlans(
  built: BuiltScenario, target: SumoTarget, plans: ReadonlyArray<{ name: string; candidate: Candidate }>, comparison: Comparison,
  options: { seeds?: number; measure?: readonly string[]; log?: (line: string) => void; signal?: AbortSignal },
): Promise<Verification> {
  const { candidatePlan } = await import('../engine/optimise/evaluator.js');
  const measure = (name: string): boolean => (options.measure !== undefined
    ? options.measure.includes(name)
    : name === 'current' || name === 'webster' || name === 'optimised' || name.startsWith('best '));
  const runnable = plans
    .filter((p) => measure(p.name))
    .filter((p) => {
      const kind = p.name === 'current' ? undefined : candidatePlan(p.candidate).control?.kind;
      if (kind === 'max-pressure') options.log?.(`${p.name}: max-pressure control has no SUMO tlLogic; not measured in SUMO`);
      return kind !== 'max-pressure';
    });
  const measured: MeasuredPlan[] = runnable
    .map((p) => {
      if (p.name === 'current') return { name: 'current' };
      const plan = candidatePlan(p.candidate);
      return { name: p.name, programs: plan.programs, ...(plan.control ? { control: plan.control as SignalControl } : {}) };
    });
  return verifyInSumo(built, target, measured, comparison, { seeds: options.seeds ?? DEFAULT_SUMO_SEEDS, ...(options.log ? { log: options.log } : {}), ...(options.signal ? { signal: options.signal } : {}) });
}

/** --verify-sumo needs the comparison, SUMO files with routes and SUMO itself: refuse before searching. */
export async function checkVerifiable(target: SumoTarget | undefined, compare: boolean): Promise<void> {
  if (!compare) throw new UsageError('--verify-sumo measures the plans of the held-out comparison: leave out --no-compare');
  if (target === undefined) throw new UsageError('--verify-sumo runs SUMO on the scenario\'s own SUMO files: give them with --sumo (e.g. --sumo net.net.xml routes.rou.xml)');
  if (target.routes.length === 0) throw new UsageError('--verify-sumo: no SUMO route file among the --sumo files (or in the configuration): SUMO needs the demand');
  const { findSumo, SUMO_INSTALL_HINT } = await import('../engine/io/sumo/run-sumo.js');
  if ((await findSumo()) === undefined) throw new UsageError(`--verify-sumo needs SUMO, which is not installed here: ${SUMO_INSTALL_HINT}`);
}

/**
 * The programs and control of an optimise `plan.json` (`{ signals: { default,
 * actuated, programs } }`), read through the scenario schema and checked as the
 * scenario's own plan would be: the plan replaces the scenario's programs and
 * control, and keeps its `signals.safety` (a `clearances: program` opt-in, the
 * junctions without pedestrian crossings, measured widths and speeds). The check
 * runs even where the scenario says `safetyCheck: false` (an import's own
 * programs run unchecked; a plan is greenwave's and is checked). Throws
 * `InputError` with the plan file's positions when the plan breaks it.
 */
export async function readPlanFile(built: BuiltScenario, file: string): Promise<MeasuredPlan> {
  let plan: { signals?: unknown };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
    plan = JSON.parse(text) as { signals?: unknown };
  } catch (error) {
    throw new UsageError(`--plan ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; expected the plan.json greenwave optimise writes`);
  }
  if (plan === null || typeof plan !== 'object' || plan.signals === undefined || plan.signals === null || typeof plan.signals !== 'object') {
    throw new UsageError(`--plan ${file}: no "signals" object; expected the plan.json greenwave optimise writes`);
  }
  const { parseScenario, buildScenario } = await import('../engine/scenario/index.js');
  const source = built.scenario.source as unknown as Record<string, unknown>;
  // Settings of the scenario's signals that are not the plan: safety, pinPhaseOrder (the plan brings programs, default, actuated, maxPressure).
  const { programs: _p, default: _d, actuated: _a, maxPressure: _m, safetyCheck: _c, ...settings } = (source.signals ?? {}) as Record<string, unknown>;
  void [_p, _d, _a, _m, _c];
  let withPlan: BuiltScenario;
  try {
    const loaded = parseScenario(JSON.stringify({ ...source, signals: { ...settings, ...plan.signals } }), file);
    if (built.scenario.imported) loaded.imported = built.scenario.imported;
    withPlan = buildScenario(loaded);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    // Positions were found in the merged document: locate each problem in the plan file itself.
    const locate = createJsonLocator(text);
    throw new ScenarioError(error.problems.map((p) => {
      const { line: _l, column: _c, ...rest } = p;
      void [_l, _c];
      const at = p.path === 'signals' || p.path.startsWith('signals.') ? locate(parsePath(p.path)) : undefined;
      return { ...rest, file, ...(at ? { line: at.line, column: at.column } : {}) };
    }));
  }
  return { name: 'optimised', programs: withPlan.signals.programs.map((p) => programToSpec(withPlan.compiled, p)), control: withPlan.signals.control };
}

/** greenwave's prediction of `plans` on `seeds` held-out seeds at nominal demand. */
async function predict(built: BuiltScenario, candidates: ReadonlyArray<{ name: string; candidate: Candidate }>, seeds: number, workers: number | undefined, links: boolean): Promise<Comparison> {
  const { evaluatorFor } = await import('../workers/distributed/select.js');
  const { comparePlans } = await import('../engine/report/compare.js');
  const { HELD_OUT_SEED_OFFSET } = await import('../engine/optimise/perturb.js');
  const { seed: _seed, ...options } = built.options;
  void _seed;
  const evaluator = await evaluatorFor({ network: built.compiled, variants: [{ name: 'demand x1', demand: built.scenario.demand, options }] }, workers !== undefined && workers > 1 ? { workers } : { inProcess: true });
  try {
    const heldOut = Array.from({ length: seeds }, (_, i) => built.seeds[0] + HELD_OUT_SEED_OFFSET + i);
    const { aborted: _a, ...comparison } = await comparePlans(evaluator, built.compiled, candidates, { scenario: built.scenario.name, seeds: heldOut, reference: 'current', links });
    void _a;
    return comparison;
  } finally {
    await evaluator.close();
  }
}

/** `greenwave verify-sumo`; resolves to the exit code. */
export async function verifySumoCommand(file: string, options: VerifySumoCommandOptions): Promise<number> {
  const log = (line: string): void => {
    if (options.quiet !== true) process.stderr.write(`${line}\n`);
  };
  try {
    const { findSumo, SUMO_INSTALL_HINT } = await import('../engine/io/sumo/run-sumo.js');
    if ((await findSumo()) === undefined) {
      process.stderr.write(`greenwave: verify-sumo needs SUMO, which is not installed here (no sumo in $SUMO_HOME/bin or on PATH): ${SUMO_INSTALL_HINT}\n`);
      return 2;
    }
    const { loadScenario, buildScenario } = await import('../engine/scenario/index.js');
    const built = buildScenario(await loadScenario(file));
    const target = await sumoTargetOf(built, options.sumo);
    if (target === undefined) {
      throw new UsageError(`${file}: verify-sumo runs SUMO on the scenario's own SUMO network and routes, and this scenario names none: give them with --sumo (e.g. --sumo net.net.xml routes.rou.xml), or verify a scenario imported with network: { import: sumo }`);
    }
    if (target.routes.length === 0) throw new UsageError('verify-sumo: no SUMO route file among the --sumo files (or in the configuration): SUMO needs the demand');
    const { completePrograms } = await import('../engine/optimise/space.js');
    const current = completePrograms(built.compiled, built.signals.programs);
    const baselines = baselinePlans(built, current);
    const plans: MeasuredPlan[] = [{ name: 'current' }, { name: 'webster', programs: baselines.webster }];
    const candidates: Array<{ name: string; candidate: Candidate }> = [
      { name: 'current', candidate: { programs: current.map((p) => programToSpec(built.compiled, p)), control: built.signals.control } },
      { name: 'webster', candidate: baselines.webster },
    ];
    if (options.plan !== undefined) {
      const optimised = await readPlanFile(built, options.plan);
      plans.push(optimised);
      candidates.push({ name: 'optimised', candidate: optimised.control ? { programs: optimised.programs!, control: optimised.control } : { programs: optimised.programs! } });
    }
    const seeds = options.seeds ?? DEFAULT_SUMO_SEEDS;
    log(`greenwave: predicting ${plans.length} plans on ${seeds} held-out seeds ...`);
    const links = options.links === true;
    const predicted = await predict(built, candidates, seeds, options.workers, links);
    const { linkRows, ...result } = await verifyInSumo(built, target, plans, predicted, { seeds, ...(options.end !== undefined ? { end: options.end } : {}), log, links });
    const out = options.out ?? path.join(built.outputs.dir, 'verify-sumo');
    await ensureDirectory(out);
    const written = [path.join(out, 'verify-sumo.json')];
    await writeFileAtomic(written[0], `${JSON.stringify(result, null, 2)}\n`);
    for (const [plan, rows] of linkRows ?? []) {
      const file = path.join(out, `links-${plan.replace(/[^A-Za-z0-9._-]/g, '_')}.csv`);
      await writeFileAtomic(file, linkComparisonCsv(rows));
      written.push(file);
    }
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${verificationTable(result)}\n\n${written.map((f) => `wrote ${f}`).join('\n')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (options.debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

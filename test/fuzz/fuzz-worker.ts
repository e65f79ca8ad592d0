/**
 * The fuzzer's worker thread: runs cases in process, one at a time, and
 * answers with their outcome. The runner terminates it when a case passes its
 * timeout (an endless loop cannot be stopped any other way) and starts another;
 * its heap is limited, so a case that exhausts memory kills only this thread.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { ScenarioError, UsageError } from '../../engine/errors.js';
import { buildScenario, loadScenario, parseScenario, type BuiltScenario } from '../../engine/scenario/index.js';
import { simulate } from '../../engine/sim/index.js';
import { scenarioDocument, type ImportResult } from '../../engine/io/index.js';
import { importSumo } from '../../engine/io/sumo/index.js';
import { importCityflow } from '../../engine/io/cityflow/index.js';
import { importOsm } from '../../engine/io/osm/index.js';
import { addMorningPeak } from '../../cli/import.js';
import { checkCheckpoint, parseCheckpoint } from '../../engine/optimise/checkpoint.js';
import { optimise } from '../../engine/optimise/optimise.js';
import { completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { createInProcessEvaluator } from '../../engine/optimise/evaluator.js';
import { baselinePlans } from '../../cli/baselines.js';
import { readCounts } from '../../engine/io/counts/index.js';
import { resolveCounts } from '../../engine/demand/counts.js';
import { checkCountWindow } from '../../engine/optimise/calibrate/calibrate.js';
import { ownThreadId } from './cpu-watch.js';
import { CHECKPOINT_SCENARIO, classify, type CaseResult, type TargetName } from './targets.js';

/** A case to run: its target, its directory and files, the main file and further files. */
export interface CaseMessage {
  id: number;
  target: TargetName;
  dir: string;
  main: string;
  extra: string[];
  files: string[];
  /** Checkpoint target: the fingerprint the resumed run has (the seed checkpoint's). */
  fingerprint?: string;
}

/** Vehicles are conserved and figures are numbers: what a finished run must satisfy whatever its input. */
function checkResult(result: ReturnType<typeof simulate>): string | undefined {
  const n = result.network;
  if (n.arrived + n.unfinished + n.unroutable !== n.trips) return `trips ${n.trips} != arrived ${n.arrived} + unfinished ${n.unfinished} + unroutable ${n.unroutable}`;
  if (n.inserted > n.trips || n.arrived > n.inserted) return `inserted ${n.inserted} / arrived ${n.arrived} inconsistent with ${n.trips} trips`;
  for (const [key, value] of Object.entries(n)) if (typeof value === 'number' && Number.isNaN(value) && !(n.arrived === 0 && /^mean/.test(key))) return `${key} is NaN with ${n.arrived} arrived`;
  if (!Number.isFinite(result.endTime)) return `end time ${result.endTime}`;
  return undefined;
}

/** The scenario document an import writes must load, as `greenwave import` checks. */
function checkDocument(result: ImportResult): CaseResult {
  const doc = scenarioDocument(result);
  try {
    buildScenario(parseScenario(`${JSON.stringify(doc, null, 2)}\n`, 'imported.json'));
  } catch (error) {
    if (error instanceof ScenarioError) return { outcome: 'bug', message: `the imported scenario does not load (an importer wrote what the loader rejects):\n${error.message.slice(0, 400)}` };
    throw error;
  }
  return { outcome: 'ok' };
}

let countsScenario: BuiltScenario | undefined;
let checkpointSetup: { built: BuiltScenario; space: ReturnType<typeof createSearchSpace>; start: { programs: ReturnType<typeof baselinePlans>['webster'] } } | undefined;

async function runCase(c: CaseMessage): Promise<CaseResult> {
  const main = path.join(c.dir, c.main);
  switch (c.target) {
    case 'scenario': {
      const built = buildScenario(await loadScenario(main));
      const broken = checkResult(simulate(built.compiled, built.trips, built.signals, built.options));
      return broken === undefined ? { outcome: 'ok' } : { outcome: 'wrong', message: broken };
    }
    case 'sumo': return checkDocument(await importSumo(main));
    case 'cityflow': return checkDocument(await importCityflow(c.extra.length > 0 ? { roadnet: main, flow: path.join(c.dir, c.extra[0]) } : main));
    case 'osm': {
      const result = await importOsm(main);
      await addMorningPeak(result, main); // as greenwave import does
      return checkDocument(result);
    }
    case 'checkpoint': {
      if (checkpointSetup === undefined) {
        const built = buildScenario(await loadScenario(path.join(c.dir, 'tiny.yaml')));
        const current = completePrograms(built.compiled, built.signals.programs);
        checkpointSetup = { built, space: createSearchSpace(built.compiled, current, { cycles: 'shared' }), start: { programs: baselinePlans(built, current).webster } };
      }
      const { built, space, start } = checkpointSetup;
      const checkpoint = parseCheckpoint(readFileSync(main, 'utf8'), main);
      checkCheckpoint(checkpoint, main, space, start);
      const { seed: _seed, ...options } = built.options;
      void _seed;
      const evaluator = createInProcessEvaluator({ network: built.compiled, variants: [{ demand: built.scenario.demand, options }] });
      try {
        // What `greenwave optimise <tiny.yaml> --resume --budget 12` with CHECKPOINT_OPTIONS runs.
        const budget = 12;
        const result = await optimise(evaluator, space, start.programs, {
          seeds: [built.seeds[0]], variants: [0], objective: 'delay', method: 'compass', budget,
          fingerprint: c.fingerprint ?? '', resume: checkpoint, checkpoint: main,
        });
        if (result.evaluations > Math.max(checkpoint.evaluations, budget)) return { outcome: 'wrong', message: `${result.evaluations} evaluations past the budget of ${budget}` };
        if (!(result.best.value <= result.start.value) && Number.isFinite(result.start.value)) return { outcome: 'wrong', message: `best ${result.best.value} worse than the start ${result.start.value}` };
      } finally {
        await evaluator.close();
      }
      return { outcome: 'ok' };
    }
    case 'counts': {
      countsScenario ??= buildScenario(parseScenario(CHECKPOINT_SCENARIO, path.join(c.dir, 'tiny.yaml')));
      // What greenwave calibrate checks before it calibrates: counts on links of the network, inside the run.
      const counts = resolveCounts(countsScenario.compiled, await readCounts([main]));
      if (counts.rows.length === 0) throw new UsageError(`--counts: ${main} hold no counts`);
      checkCountWindow(counts, countsScenario.options.start ?? 0, countsScenario.options.end ?? Infinity);
      return { outcome: 'ok' };
    }
    default:
      throw new Error(`unknown target ${String(c.target)}`);
  }
}

// First message: this thread's id, so the runner can read its CPU clock (the timeout is CPU time, see cpu-watch.ts).
parentPort?.postMessage({ tid: ownThreadId() });

parentPort?.on('message', async (c: CaseMessage) => {
  let result: CaseResult;
  try {
    result = await runCase(c);
  } catch (error) {
    result = classify(error, c.files);
  }
  parentPort?.postMessage({ id: c.id, ...result });
});

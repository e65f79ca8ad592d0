/**
 * What `greenwave optimise` reads besides the scenario: its checkpoints (for
 * --resume, their size and shape checked) and the digest of every input file
 * that a checkpoint's fingerprint names; and its search options, checked.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { UsageError } from '../engine/errors.js';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { OptimiseCheckpoint } from '../engine/optimise/optimise.js';
import { parseCheckpoint } from '../engine/optimise/checkpoint.js';
import { OBJECTIVES, type ObjectiveName } from '../engine/optimise/optimise.js';
import { SEARCH_METHODS, type SearchMethodName } from '../engine/optimise/search.js';
import type { CycleGrouping } from '../engine/optimise/space.js';
import { PLAN_CONTROLS, type PlanControl } from './optimise-budget.js';

/** The checkpoint in `file` (its shape checked), or undefined when there is none. */
export async function readCheckpoint(file: string): Promise<OptimiseCheckpoint | undefined> {
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

/**
 * Digest of everything the optimisation reads: the scenario text and, for an
 * imported network, the bytes of every file the importer read (a .net.xml edited
 * after a checkpoint must not be resumed as if nothing changed).
 */
export async function inputDigest(scenarioText: string, built: BuiltScenario): Promise<string> {
  const hash = createHash('sha256').update(scenarioText);
  for (const f of built.scenario.imported?.files ?? []) {
    hash.update(`\0${f}\0`);
    await new Promise<void>((resolve, reject) => {
      createReadStream(f).on('data', (chunk) => hash.update(chunk)).on('end', resolve).on('error', (error) => reject(new UsageError(`cannot read ${f} to fingerprint the run: ${error.message}`)));
    });
  }
  return hash.digest('hex');
}

const OBJECTIVE_ALIASES: Record<string, ObjectiveName> = {
  delay: 'delay', travelTime: 'travelTime', 'travel-time': 'travelTime', vehicleHours: 'vehicleHours', 'vehicle-hours': 'vehicleHours',
};

/** The search options of `greenwave optimise`, checked (UsageError on a bad one). */
export function parseOptions(options: {
  objective?: string; method?: string; cycles?: string; control?: string; budget?: number; seeds?: number; heldOut?: number; demandScales?: number[];
}): {
  objective: ObjectiveName; method: SearchMethodName | 'local' | 'auto'; cycles: 'shared' | 'per-junction' | 'corridors'; controls: PlanControl[]; budget: number | undefined; seeds: number | undefined; heldOut: number; scales: number[];
} {
  const objective = OBJECTIVE_ALIASES[options.objective ?? 'delay'];
  if (objective === undefined) throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${options.objective}"`);
  const method = (options.method ?? 'auto') as SearchMethodName | 'local' | 'auto';
  if (!(SEARCH_METHODS as readonly string[]).includes(method) && method !== 'local' && method !== 'auto') {
    throw new UsageError(`--method must be one of auto, local, ${SEARCH_METHODS.join(', ')}, got "${options.method}"`);
  }
  const cycles = options.cycles ?? 'shared';
  if (cycles !== 'shared' && cycles !== 'per-junction' && cycles !== 'corridors') throw new UsageError(`--cycles must be shared, per-junction or corridors, got "${options.cycles}"`);
  const control = options.control ?? 'auto';
  if (control !== 'auto' && !(PLAN_CONTROLS as readonly string[]).includes(control)) {
    throw new UsageError(`--control must be fixed, actuated, max-pressure or auto (all three), got "${control}"`);
  }
  const controls: PlanControl[] = control === 'auto' ? [...PLAN_CONTROLS] : [control as PlanControl];
  const budget = options.budget;
  if (budget !== undefined && budget < 2 * controls.length) throw new UsageError(`--budget must be at least ${2 * controls.length} with --control ${control} (2 evaluations per kind of plan), got ${budget}`);
  const scales = options.demandScales ?? [0.9, 1, 1.1];
  if (scales.length === 0 || scales.length > 20 || scales.some((s) => !(s > 0 && s <= 10))) throw new UsageError(`--demand-scales must be 1 to 20 factors in (0, 10], got ${scales.slice(0, 20).join(',')}`);
  return { objective, method, cycles, controls, budget, seeds: options.seeds, heldOut: options.heldOut ?? 10, scales };
}

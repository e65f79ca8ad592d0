/**
 * The optimiser's checkpoint file: written atomically after every batch, read
 * back by `--resume`, and never trusted on its word.
 *
 * Encoding: JSON, except that numbers JSON cannot hold (NaN: "not evaluated
 * yet"; Infinity: a failed candidate) are written as the strings "NaN",
 * "Infinity" and "-Infinity" and decoded where a number belongs. (Written as
 * JSON's `null`, a compass search's "incumbent not yet evaluated" came back as
 * null, and a resumed search compared against it and took another path.)
 *
 * Reading ({@link parseCheckpoint}) checks the shape with a schema (every
 * field, the search state of each method, finite numbers in their ranges) and
 * the bookkeeping ({@link checkCheckpoint}): the history's running best, the
 * start's and best's values against the history, each plan against the plan its
 * vector decodes to (or the start plan), the vectors against the search space.
 * A file that fails is refused with the file and the path of the first
 * problem, never used and never reported as a result.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { ensureDirectory, writeFileAtomic } from '../text/atomic-file.js';
import { dirname } from 'node:path';
import type { OptimiseCheckpoint, ScoredPlan } from './records.js';
import { isBetterScore, type Score } from './score.js';
import type { CandidatePlan } from './evaluator.js';
import type { PlanSpace } from './space.js';

/** Version of the checkpoint format this build writes and reads. */
export const CHECKPOINT_VERSION = 2;

/** A number, or one JSON cannot hold written as a string. */
const num = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).transform((v) => (typeof v === 'number' ? v : Number(v)));
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const count = z.number().int().nonnegative();
const unit = z.array(finite.refine((v) => v >= 0 && v <= 1, 'expected a number in [0, 1]'));

const ScoredPlanSchema = z.strictObject({
  programs: z.array(z.record(z.string(), z.unknown())),
  control: z.record(z.string(), z.unknown()).optional(),
  value: num,
  gridlockedRuns: count.optional(),
  starvedRuns: count.optional(),
  x: unit.nullable(),
});

const CmaStateSchema = z.strictObject({
  method: z.literal('cmaes'),
  n: count.min(1),
  lambda: count.min(2),
  seed: z.number().int(),
  generation: count,
  sigma: finite.refine((v) => v > 0 && v <= 1, 'expected a step size in (0, 1]'),
  mean: unit,
  diag: z.array(finite.refine((v) => v > 0, 'expected a positive variance')),
  ps: z.array(finite),
  pc: z.array(finite),
});

const CompassStateSchema = z.strictObject({
  method: z.literal('compass'),
  n: count.min(1),
  step: finite.refine((v) => v > 0 && v <= 1, 'expected a step in (0, 1]'),
  incumbent: unit,
  value: num,
  cursor: count,
  failures: count,
  block: count.min(1),
});

const HistoryRowSchema = z.strictObject({
  evaluation: count.min(1),
  batch: count.min(1),
  elapsedS: finite.refine((v) => v >= 0, 'expected a non-negative time'),
  objective: num,
  best: num,
  gridlockedRuns: count.optional(),
  starvedRuns: count.optional(),
});

const CheckpointSchema = z.strictObject({
  format: z.literal('greenwave-optimise-checkpoint'),
  version: z.literal(CHECKPOINT_VERSION),
  fingerprint: z.string(),
  method: z.enum(['cmaes', 'compass']),
  objective: z.enum(['delay', 'travelTime', 'vehicleHours']),
  seeds: z.array(z.number().int()).min(1),
  variants: z.array(count).min(1),
  evaluations: count,
  batches: count,
  elapsedS: finite.refine((v) => v >= 0, 'expected a non-negative time'),
  search: z.discriminatedUnion('method', [CmaStateSchema, CompassStateSchema]).nullable(),
  start: ScoredPlanSchema,
  best: ScoredPlanSchema,
  history: z.array(HistoryRowSchema),
  referenceStalls: z.array(finite.refine((v) => v >= 0, 'expected a non-negative time')).optional(),
});

/** The checkpoint as JSON text (non-finite numbers as strings, see the file header). */
export function encodeCheckpoint(data: OptimiseCheckpoint): string {
  return `${JSON.stringify(data, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value))}\n`;
}

/** Write `data` to `file` atomically (creating its directory). */
export async function writeCheckpoint(file: string, data: OptimiseCheckpoint): Promise<void> {
  await ensureDirectory(dirname(file));
  await writeFileAtomic(file, encodeCheckpoint(data));
}

function pathOf(at: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of at) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? String(seg) : `.${String(seg)}`;
  return out;
}

/**
 * Parse and check the shape of a checkpoint read from `file`.
 * @throws InputError (`file: json.path`) for invalid JSON, another version or a field that does not fit.
 */
export function parseCheckpoint(text: string, file: string): OptimiseCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(file, 'is not a greenwave checkpoint: not valid JSON (truncated or written by another tool?); delete it to start afresh');
  }
  const record = value as { format?: unknown; version?: unknown } | null;
  if (record !== null && typeof record === 'object' && record.format === 'greenwave-optimise-checkpoint' && record.version !== CHECKPOINT_VERSION) {
    throw new InputError(`${file}: version`, `the checkpoint is of format version ${String(record.version).slice(0, 20)}; this greenwave reads version ${CHECKPOINT_VERSION}: delete it to start afresh`);
  }
  const parsed = CheckpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = pathOf(issue.path);
    throw new InputError(where === '' ? file : `${file}: ${where}`, `not a valid greenwave checkpoint (${issue.message}); delete it to start afresh`);
  }
  return parsed.data as unknown as OptimiseCheckpoint;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameValue = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * Check a parsed checkpoint's bookkeeping against the run resuming it: the
 * search `space`, the `start` plan, and the checkpoint's own history.
 * @throws InputError (`file: json.path`) at the first inconsistency.
 */
export function checkCheckpoint(c: OptimiseCheckpoint, file: string, space: PlanSpace, start: CandidatePlan): void {
  const fail = (at: string, message: string): never => {
    throw new InputError(`${file}: ${at}`, `${message}; the checkpoint was edited or corrupted: delete it to start afresh`);
  };
  const n = space.dimension;
  if (c.history.length !== c.evaluations) fail('history', `has ${c.history.length} rows for ${c.evaluations} evaluations`);
  // The running best ranks gridlocked runs first, then starved runs, then the objective (isBetterScore).
  let best: Score = { value: Infinity, gridlockedRuns: Infinity };
  c.history.forEach((row, i) => {
    if (row.evaluation !== i + 1) fail(`history[${i}].evaluation`, `expected ${i + 1}, found ${row.evaluation}`);
    if (row.batch > c.batches || (i > 0 && row.batch < c.history[i - 1].batch)) fail(`history[${i}].batch`, `batch ${row.batch} is out of order (${c.batches} batches)`);
    const score = { value: row.objective, gridlockedRuns: row.gridlockedRuns ?? 0, starvedRuns: row.starvedRuns ?? 0 };
    if (isBetterScore(score, best)) best = score;
    if (!sameValue(row.best, best.value)) fail(`history[${i}].best`, `expected the running best ${best.value}, found ${row.best}`);
  });
  if (c.evaluations > 0) {
    if (!sameValue(c.start.value, c.history[0].objective)) fail('start.value', `expected the first evaluation's objective ${c.history[0].objective}, found ${c.start.value}`);
    if (!sameValue(c.best.value, best.value) || (c.best.gridlockedRuns ?? 0) !== best.gridlockedRuns) {
      fail('best.value', `expected the best of the history, ${best.value} (${best.gridlockedRuns} gridlocked runs), found ${c.best.value} (${c.best.gridlockedRuns ?? 0})`);
    }
  }
  if (c.start.x !== null) fail('start.x', 'the start plan is evaluated as given and has no vector');
  const startPlan: ScoredPlan = { programs: [...start.programs], ...(start.control !== undefined && start.control.kind !== 'fixed' ? { control: start.control } : {}), value: c.start.value, x: null };
  if (!same(c.start.programs, startPlan.programs) || !same(c.start.control, startPlan.control)) fail('start.programs', 'is not the start plan of this run');
  if (c.best.x === null) {
    if (!same(c.best.programs, c.start.programs) || !same(c.best.control, c.start.control)) fail('best.programs', 'a best plan without a vector must be the start plan');
  } else {
    if (c.best.x.length !== n) fail('best.x', `expected ${n} genes, found ${c.best.x.length}`);
    const decoded = space.plan(Float64Array.from(c.best.x));
    const control = decoded.control !== undefined && decoded.control.kind !== 'fixed' ? decoded.control : undefined;
    if (!same(c.best.programs, decoded.programs) || !same(c.best.control, control)) fail('best.programs', 'is not the plan its vector best.x decodes to');
  }
  const s = c.search;
  if (s !== null) {
    if (s.n !== n) fail('search.n', `expected the search space's ${n} genes, found ${s.n}`);
    const lengths: Array<[string, readonly number[]]> = s.method === 'cmaes'
      ? [['mean', s.mean], ['diag', s.diag], ['ps', s.ps], ['pc', s.pc]]
      : [['incumbent', s.incumbent]];
    for (const [key, list] of lengths) if (list.length !== n) fail(`search.${key}`, `expected ${n} values, found ${list.length}`);
    if (s.method === 'compass' && (s.cursor >= n || s.block > n)) fail('search.cursor', `expected a cursor below ${n} and a block of at most ${n}`);
  }
}

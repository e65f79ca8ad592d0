/**
 * What the coordinator and the workers agree on: queue and key names, the data
 * of a BullMQ job, defaults, and how refusals are told apart from crashes.
 *
 * Keys (all under the prefix, default `greenwave`):
 *  - `<prefix>:blob:scenario:<sha256>` and `<prefix>:blob:candidate:<sha256>`:
 *    published bytes, set once (`SET NX`) with an expiry refreshed by every batch.
 *  - BullMQ's own keys for the queue (`<prefix>:<queue>:...`); a task's BullMQ
 *    job id is `<jobId>.<taskKey>`, so a job's results are keyed by (job id,
 *    task) and a task added twice is one BullMQ job.
 */
import type { EvaluationDetail } from '../../engine/optimise/evaluator.js';

/** Default BullMQ queue name. */
export const DEFAULT_QUEUE = 'greenwave';
/** Default Redis key prefix. */
export const DEFAULT_PREFIX = 'greenwave';
/** Default time published scenarios, candidates and finished tasks are kept, s (7 days). */
export const DEFAULT_RETENTION_S = 7 * 24 * 3600;
/** Default lock duration of a task: a worker silent this long is presumed dead and its task retried, s. */
export const DEFAULT_STALL_TIMEOUT_S = 30;
/** Default runs of a task whose worker failed (a crash in the local pool, a stall) before it is reported. */
export const DEFAULT_ATTEMPTS = 3;

/** Prefix of the message of a task a worker refuses (unknown or unverifiable scenario or candidate). */
export const REFUSED = 'refused:';

/** The data of one BullMQ job: one (candidate, variant, seed) on a published scenario. */
export interface TaskData {
  /** Coordinator job id (the run this task belongs to). */
  job: string;
  /** Task key (see `taskKey`). */
  key: string;
  /** SHA-256 of the scenario bundle. */
  scenario: string;
  /** SHA-256 of the candidate. */
  candidate: string;
  variant: number;
  seed: number;
  detail: EvaluationDetail;
  /** Labels for logs: the candidate and task index of the first task that asked for it. */
  label: { candidate: number; task: number };
}

/** Redis key of a published blob. */
export function blobKey(prefix: string, kind: 'scenario' | 'candidate', hash: string): string {
  return `${prefix}:blob:${kind}:${hash}`;
}

/** BullMQ job id of a task (no `:`, which BullMQ reserves). */
export function bullJobId(jobId: string, key: string): string {
  return `${jobId}.${key}`;
}

/** A job id a user may choose: letters, digits, `-`, `_`, `.`; 1-100 characters. */
export function isValidJobId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(id);
}

/** A worker's BullMQ name: `<host>-<pid>-t<threads>`; the coordinator reads the thread count back from it. */
export function workerName(host: string, pid: number, threads: number): string {
  return `${host.replace(/[^A-Za-z0-9_.-]/g, '_')}-${pid}-t${threads}`;
}

/** Threads announced in a worker name, or 1 if the name is not one of ours. */
export function threadsOfWorker(name: string | undefined): number {
  const m = /-t(\d+)$/.exec(name ?? '');
  return m !== null ? Number(m[1]) : 1;
}

/**
 * The fuzzer: a bounded, seeded mutation fuzzer over every entry point
 * (targets.ts). Case i of a run with seed s is reproduced from (s, i) alone:
 * its target is the i-th in turn, its seed input and mutations come from
 * `createRandom(s).fork('case i')`. Each case runs in a worker thread with a
 * timeout in CPU time, so a busy machine does not make it fire (cpu-watch.ts),
 * and a heap limit (fuzz-worker.ts); every `cliEvery`-th case also runs
 * through the real `greenwave` command, whose exit code must agree (0 for a
 * case that succeeded, 2 with no "internal error" and no stack trace for a user
 * mistake).
 *
 * The only outcomes allowed are success and a located user error. A finding
 * (a bug, an unlocated message, a broken invariant, a timeout, a crash, a CLI
 * disagreement) is kept with its files and a command that reproduces it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRandom } from '../../engine/demand/random.js';
import { mutate } from './mutate.js';
import { CHECKPOINT_OPTIONS, CHECKPOINT_SCENARIO, TARGETS, cliArgs, seedInputs, type CaseResult, type Outcome, type SeedInput, type TargetName } from './targets.js';
import type { CaseMessage } from './fuzz-worker.js';
import { watchCpu, type CpuWatchOptions } from './cpu-watch.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  /** Cases to run. */
  cases: number;
  /** Seed of the run. */
  seed: number;
  /** Run only these case numbers (reproducing findings). */
  only?: number[];
  /** Per-case timeout, ms of CPU time (not wall time: a loaded machine does not make a case time out). Default 20,000. */
  timeoutMs?: number;
  /** Worker threads. Default 2. */
  threads?: number;
  /** Every n-th case also runs through the CLI. Default 20. */
  cliEvery?: number;
  /** How the CLI is run: `dist` (node dist/cli/main.js; build first) or `tsx` (from source). Default tsx. */
  cli?: 'dist' | 'tsx';
  /** Targets fuzzed. Default all. */
  targets?: readonly TargetName[];
  /** Where findings are kept (their files and a reproducer). Default: not kept. */
  keep?: string;
  /** Heap limit of a worker thread, MB. Default 1,536. */
  heapMb?: number;
  log?: (line: string) => void;
}

/** A case that came to something other than success or a located user error. */
export interface Finding {
  id: number;
  target: TargetName;
  input: string;
  mutated: string;
  outcome: Outcome;
  message: string;
  /** Where its files were kept, if they were. */
  kept?: string;
}

/** What a run found. */
export interface FuzzReport {
  seed: number;
  cases: number;
  /** Per target, per outcome: case counts (a case run through the CLI too is counted once, by its in-process outcome). */
  outcomes: Record<TargetName, Partial<Record<Outcome, number>>>;
  /** Per target: cases also run through the CLI, and their exit codes. */
  cli: Record<TargetName, Record<string, number>>;
  findings: Finding[];
  elapsedS: number;
}

const FINDINGS: ReadonlySet<Outcome> = new Set(['bug', 'unlocated', 'wrong', 'timeout', 'crash', 'cli']);

/** A worker thread that runs cases one at a time. */
class CaseWorker {
  private worker: Worker;
  private pending: ((result: CaseResult) => void) | undefined;
  /** The kernel's id of the worker's thread (its first message), for its CPU clock. */
  private tid: Promise<number | undefined>;
  private gotTid: (tid: number | undefined) => void = () => {};

  constructor(private readonly heapMb: number) {
    this.tid = Promise.resolve(undefined); // set by start()
    this.worker = this.start();
  }

  private start(): Worker {
    this.tid = new Promise((resolve) => { this.gotTid = resolve; });
    // A one-line script registers tsx's loader (its ESM API) in the thread, then imports the TypeScript entry.
    const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
    const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
    const worker = new Worker(`import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, {
      eval: true, resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    worker.on('message', (m: CaseResult | { tid: number | undefined }) => {
      if ('tid' in m) {
        this.gotTid(m.tid);
        return;
      }
      const done = this.pending;
      this.pending = undefined;
      done?.({ outcome: m.outcome, ...(m.message !== undefined ? { message: m.message } : {}) });
    });
    const died = (why: string): void => {
      this.gotTid(undefined); // a thread that died before it said its id: watch the wall clock instead
      const done = this.pending;
      this.pending = undefined;
      done?.({ outcome: 'crash', message: why });
    };
    worker.on('error', (e) => died(`the worker died: ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.slice(0, 500)));
    worker.on('exit', (code) => died(`the worker exited with ${code}`));
    worker.unref();
    return worker;
  }

  /** Run one case; a timeout is `timeoutMs` of the thread's CPU time, or a minute without any (see cpu-watch.ts). */
  async run(message: CaseMessage, timeoutMs: number): Promise<CaseResult> {
    // The thread says its id when it has started (a ref'd timer keeps the process alive meanwhile: the worker is unref'd).
    let wait: NodeJS.Timeout | undefined;
    const tid = await Promise.race([this.tid, new Promise<undefined>((resolve) => { wait = setTimeout(() => resolve(undefined), 120_000); })]);
    clearTimeout(wait);
    const result = await new Promise<CaseResult>((resolve) => {
      const stop = watchCpu(process.pid, tid, { cpuLimitMs: timeoutMs }, (why) => {
        this.pending = undefined;
        resolve({ outcome: 'timeout', message: why });
      });
      this.pending = (r) => {
        stop();
        resolve(r);
      };
      this.worker.postMessage(message);
    });
    if (result.outcome === 'timeout' || result.outcome === 'crash') {
      await this.worker.terminate().catch(() => {});
      this.worker = this.start();
    }
    return result;
  }

  async close(): Promise<void> {
    await this.worker.terminate().catch(() => {});
  }
}

/** The checkpoint target's seed: a real checkpoint written by `greenwave optimise` (8 evaluations). */
function checkpointSeed(work: string, cli: string[]): { seed: SeedInput; fingerprint: string } {
  const dir = path.join(work, 'checkpoint-seed');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'tiny.yaml'), CHECKPOINT_SCENARIO);
  const r = spawnSync(process.execPath, [...cli, 'optimise', path.join(dir, 'tiny.yaml'), ...CHECKPOINT_OPTIONS, '--budget', '8', '--out', path.join(dir, 'out'), '-q'], { encoding: 'utf8', cwd: ROOT, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`could not make the checkpoint seed: ${r.stderr}`);
  const file = path.join(dir, 'out', 'checkpoint-fixed.json');
  const { fingerprint } = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string };
  return {
    fingerprint,
    seed: {
      target: 'checkpoint', name: 'checkpoint-fixed.json', main: 'out/checkpoint-fixed.json',
      files: { 'tiny.yaml': path.join(dir, 'tiny.yaml'), 'out/checkpoint-fixed.json': file, 'out/greenwave-manifest.json': path.join(dir, 'out', 'greenwave-manifest.json') },
      mutable: [{ file: 'out/checkpoint-fixed.json', kind: 'json' }],
    },
  };
}

/**
 * Run the CLI on a case; its exit code (or `timeout`, with why) and whether its
 * stderr shows an internal error or a stack trace. The timeout is `timeoutMs`
 * of the command's CPU time, or a minute without any (see cpu-watch.ts).
 */
export function runCli(cli: string[], args: string[], timeoutMs: number, watch: Omit<CpuWatchOptions, 'cpuLimitMs'> = {}): Promise<{ code: string; internal: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let expired = '';
    child.stderr?.on('data', (d: Buffer) => { if (stderr.length < 20_000) stderr += d.toString(); });
    const stop = child.pid === undefined ? () => {} : watchCpu(child.pid, undefined, { cpuLimitMs: timeoutMs, ...watch }, (why) => {
      expired = why;
      child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      stop();
      const timedOut = expired !== '';
      resolve({
        code: code !== null ? String(code) : timedOut ? 'timeout' : `signal ${signal}`,
        internal: /internal error|\n\s+at [\w.<]/.test(stderr),
        stderr: (timedOut ? `${expired}\n${stderr}` : stderr).slice(0, 600),
      });
    });
  });
}

/** Run the fuzzer; see the file header. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const began = performance.now();
  const timeoutMs = options.timeoutMs ?? 20_000;
  const cliEvery = options.cliEvery ?? 20;
  const targets = options.targets ?? TARGETS;
  const log = options.log ?? (() => {});
  const cli = options.cli === 'dist' ? [path.join(ROOT, 'dist', 'cli', 'main.js')] : ['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts')];
  if (options.cli === 'dist' && !existsSync(cli[0])) throw new Error('dist/cli/main.js is missing: run npm run build first, or use --cli tsx');
  const work = mkdtempSync(path.join(tmpdir(), 'greenwave-fuzz-'));
  const seeds = seedInputs().filter((s) => targets.includes(s.target));
  let fingerprint: string | undefined;
  if (targets.includes('checkpoint')) {
    const made = checkpointSeed(work, cli);
    seeds.push(made.seed);
    fingerprint = made.fingerprint;
  }
  const outcomes = Object.fromEntries(TARGETS.map((t) => [t, {}])) as FuzzReport['outcomes'];
  const cliCodes = Object.fromEntries(TARGETS.map((t) => [t, {}])) as FuzzReport['cli'];
  const findings: Finding[] = [];
  const workers = Array.from({ length: options.threads ?? 2 }, () => new CaseWorker(options.heapMb ?? 1536));
  const ids = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
  let next = 0;
  let done = 0;

  const runOne = async (worker: CaseWorker, id: number): Promise<void> => {
    const random = createRandom(options.seed).fork(`case ${id}`);
    const target = targets[id % targets.length];
    const choices = seeds.filter((s) => s.target === target);
    const input = choices[Math.floor(random.next() * choices.length)];
    const victim = input.mutable[Math.floor(random.next() * input.mutable.length)];
    const dir = path.join(work, `case-${id}`);
    for (const [name, source] of Object.entries(input.files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      cpSync(source, path.join(dir, name));
    }
    if (target === 'counts') writeFileSync(path.join(dir, 'tiny.yaml'), CHECKPOINT_SCENARIO); // the network the counts are on
    writeFileSync(path.join(dir, victim.file), mutate(readFileSync(input.files[victim.file]), victim.kind, random));
    const message: CaseMessage = {
      id, target, dir, main: input.main, extra: input.extra ?? [], files: Object.keys(input.files), ...(fingerprint !== undefined ? { fingerprint } : {}),
    };
    let result = await worker.run(message, timeoutMs);
    const tally = outcomes[target];
    tally[result.outcome] = (tally[result.outcome] ?? 0) + 1;
    if (Math.floor(id / targets.length) % cliEvery === 0 && !FINDINGS.has(result.outcome)) { // every cliEvery-th case of each target
      const r = await runCli(cli, cliArgs(input, dir), Math.max(timeoutMs, 60_000));
      cliCodes[target][r.code] = (cliCodes[target][r.code] ?? 0) + 1;
      const expected = result.outcome === 'ok' ? '0' : '2';
      if (r.code !== expected || (r.code === '2' && r.internal)) {
        result = { outcome: 'cli', message: `in process: ${result.outcome}; the CLI exited ${r.code}${r.internal ? ' with an internal error or a stack trace' : ''}: ${r.stderr}` };
      }
    }
    if (FINDINGS.has(result.outcome)) {
      const finding: Finding = { id, target, input: input.name, mutated: victim.file, outcome: result.outcome, message: result.message ?? '' };
      if (options.keep !== undefined) {
        const kept = path.join(options.keep, `${target}-${id}`);
        rmSync(kept, { recursive: true, force: true });
        cpSync(dir, kept, { recursive: true });
        writeFileSync(path.join(kept, 'FINDING.txt'), `${result.outcome}: ${finding.message}\n\nreproduce: npm run fuzz -- --seed ${options.seed} --only ${id}\nCLI: greenwave ${cliArgs(input, kept).join(' ')}\n`);
        finding.kept = kept;
      }
      findings.push(finding);
      log(`case ${id} (${target}, ${input.name}, ${victim.file} mutated): ${result.outcome}: ${finding.message.split('\n')[0].slice(0, 200)}`);
    }
    rmSync(dir, { recursive: true, force: true });
    done++;
    if (done % 100 === 0) log(`${done}/${ids.length} cases, ${findings.length} finding(s), ${((performance.now() - began) / 1000).toFixed(0)} s`);
  };

  try {
    await Promise.all(workers.map(async (worker) => {
      while (next < ids.length) await runOne(worker, ids[next++]);
    }));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    rmSync(work, { recursive: true, force: true });
  }
  return { seed: options.seed, cases: ids.length, outcomes, cli: cliCodes, findings, elapsedS: (performance.now() - began) / 1000 };
}

/** The report as text: outcomes per target, CLI samples, findings. */
export function formatReport(report: FuzzReport): string {
  const lines = [`fuzz: ${report.cases} cases, seed ${report.seed}, ${report.elapsedS.toFixed(0)} s`];
  for (const target of TARGETS) {
    const o = report.outcomes[target];
    const total = Object.values(o).reduce((a, b) => a + (b ?? 0), 0);
    if (total === 0) continue;
    const cli = Object.entries(report.cli[target]).map(([code, n]) => `exit ${code}: ${n}`).join(', ');
    lines.push(`  ${target.padEnd(11)} ${String(total).padStart(5)} cases: ${Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ')}${cli ? `; through the CLI: ${cli}` : ''}`);
  }
  lines.push(`  findings: ${report.findings.length}`);
  for (const f of report.findings) lines.push(`    case ${f.id} ${f.target} (${f.input}, ${f.mutated}): ${f.outcome}: ${f.message.split('\n')[0].slice(0, 240)}${f.kept ? ` [${f.kept}]` : ''}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `greenwave worker --redis URL [--concurrency N]`: run simulation tasks from a
 * BullMQ queue in Redis on this machine's cores, for a coordinator elsewhere
 * (an optimisation or `run --replications --redis URL`). Start one per machine;
 * stop it with Ctrl-C or SIGTERM (running tasks finish first; a second signal
 * abandons them and they are retried elsewhere after the stall timeout).
 *
 * The URL is checked here and BullMQ is imported only when the command runs, so
 * no other command loads anything about Redis. The URL may come from the
 * `GREENWAVE_REDIS_URL` environment variable instead of the command line (which
 * other users of the machine can see); its password is never printed.
 * Exit codes: 0 after a clean shutdown, 2 for a bad option or a Redis that
 * cannot be used (refused, unknown host, wrong password, TLS mismatch: the
 * message says which, without secrets), 1 for an internal failure.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../engine/errors.js';
import { importOptional } from '../engine/optional.js';

/** An option's integer in [min, max]; an empty value is refused (Number('') would be 0). */
function intIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got "${value.slice(0, 40)}"`);
    return n;
  };
}

function seconds(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!(Number.isFinite(n) && n >= min && n <= max)) throw new InvalidArgumentError(`${name} must be a number of seconds in [${min}, ${max}], got "${value.slice(0, 40)}"`);
    return n;
  };
}

/** Options of the `worker` command as commander hands them over. */
export interface WorkerCommandOptions {
  redis?: string;
  concurrency: number;
  prefetch: number;
  queue: string;
  prefix: string;
  stallTimeout: number;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  verbose?: boolean;
}

function readTls(options: WorkerCommandOptions): TlsOptions | undefined {
  const files: Array<[keyof TlsOptions & ('ca' | 'cert' | 'key'), string | undefined, string]> = [
    ['ca', options.tlsCa, '--tls-ca'], ['cert', options.tlsCert, '--tls-cert'], ['key', options.tlsKey, '--tls-key'],
  ];
  if (files.every(([, file]) => file === undefined)) return undefined;
  const tls: TlsOptions = {};
  for (const [field, file, flag] of files) {
    if (file === undefined) continue;
    try {
      tls[field] = readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return tls;
}

/** `greenwave worker`: resolves to the exit code once the worker has shut down. */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const say = (line: string): void => { process.stderr.write(`greenwave worker: ${new Date().toISOString()} ${line}\n`); };
  if (options.redis === undefined || options.redis === '') throw new UsageError('worker: give the Redis URL with --redis URL or the GREENWAVE_REDIS_URL environment variable');
  const { parseRedisUrl } = await import('../workers/distributed/connection.js');
  const tls = readTls(options);
  parseRedisUrl(options.redis, tls !== undefined ? { tls } : {}); // bad input: UsageError, exit 2, before anything connects
  const { QUEUE_PACKAGES } = await import('../workers/distributed/select.js');
  const { startQueueWorker } = await importOptional(() => import('../workers/distributed/worker.js'), QUEUE_PACKAGES, 'greenwave worker');
  // A bad option is a UsageError, a Redis that cannot be used a RedisUnavailableError: both exit 2 (messages redacted).
  const running = await startQueueWorker({
    redis: options.redis,
    ...(tls !== undefined ? { tls } : {}),
    concurrency: options.concurrency,
    prefetch: options.prefetch,
    queue: options.queue,
    prefix: options.prefix,
    stallTimeoutS: options.stallTimeout,
    verbose: options.verbose === true,
    log: say,
  });
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        say(`${signal}: finishing running tasks, then stopping (${signal} again to stop now)`);
        running.close().then((stats) => {
          say(`stopped: ${stats.completed} task(s) done, ${stats.failed} failed, ${stats.refused} refused`);
          resolve(0);
        }, (error: unknown) => {
          say(`stopped with an error: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        });
      } else {
        say(`${signal}: stopping now; running tasks are retried elsewhere after the stall timeout`);
        void running.close({ force: true }).finally(() => process.exit(130));
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Add the `worker` command to the `greenwave` program. */
export function registerWorkerCommand(cli: Command): void {
  cli.command('worker')
    .description('run simulation tasks from a Redis queue (BullMQ) for a coordinator on another machine')
    .addOption(new Option('--redis <url>', 'Redis URL: redis://[user:password@]host[:port][/db], or rediss:// for TLS').env('GREENWAVE_REDIS_URL'))
    .addOption(new Option('-c, --concurrency <n>', 'simulation threads').argParser(intIn('--concurrency', 1, 256)).default(os.availableParallelism(), 'one per core'))
    .option('--prefetch <n>', 'tasks taken beyond the threads, so the next one is at hand', intIn('--prefetch', 0, 1000), 1)
    .option('--queue <name>', 'queue name (the coordinator\'s)', 'greenwave')
    .option('--prefix <prefix>', 'Redis key prefix (the coordinator\'s)', 'greenwave')
    .option('--stall-timeout <s>', 'seconds without a heartbeat after which a task is retried elsewhere', seconds('--stall-timeout', 0.5, 3600), 30)
    .option('--tls-ca <file>', 'CA certificate (PEM) to verify the Redis server (rediss://)')
    .option('--tls-cert <file>', 'client certificate (PEM) for rediss://')
    .option('--tls-key <file>', 'client key (PEM) for rediss://')
    .option('-v, --verbose', 'log every task')
    .addHelpText('after', `
Examples:
  GREENWAVE_REDIS_URL=redis://:secret@10.0.0.5:6379 greenwave worker
  greenwave worker --redis rediss://:secret@redis.example.org:6380 --tls-ca ca.pem --concurrency 8

The password is never printed. Prefer GREENWAVE_REDIS_URL to --redis: command lines are visible to other users.`)
    .action(async (options: WorkerCommandOptions) => {
      process.exitCode = await workerCommand(options);
    });
}

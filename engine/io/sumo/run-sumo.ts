/**
 * Running SUMO's microscopic simulator (`sumo`) on a network, routes and
 * additional files, and reading what it measured: the `tripinfo` output
 * (https://sumo.dlr.de/docs/Simulation/Output/TripInfo.html: per vehicle
 * `duration` = travel time, `timeLoss` = time lost against driving at the
 * desired speed, both s; with `--tripinfo-output.write-unfinished` vehicles still
 * on the road at the end have `arrival="-1"`, and with
 * `--tripinfo-output.write-undeparted` vehicles SUMO never inserted are written
 * too, with `depart="-1"` and `departDelay` = end - their departure time), and
 * the warnings SUMO printed
 * (teleports, collisions, anything else), counted, never hidden.
 *
 * `findSumo()` looks for the binary in `$SUMO_HOME/bin` and on `PATH`. SUMO is an
 * optional peer: nothing else in greenwave needs it.
 *
 * SUMO validates XML files that name a schema (`xsi:noNamespaceSchemaLocation`, as
 * netconvert and duarouter write them) against the schemas in `$SUMO_HOME/data/xsd`;
 * with `SUMO_HOME` unset it fetches them from the web, and on a machine without
 * network it refuses the file ("invalid document structure"). `sumoEnvironment()`
 * therefore sets `SUMO_HOME` from the installation the binary belongs to
 * (`<prefix>/bin/sumo` -> `<prefix>/share/sumo`, the Debian and `make install`
 * layout) when it is unset, and when no installation is found it turns validation
 * off rather than depend on the web.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import { readXml } from '../xml.js';

/** What one SUMO run measured. */
export interface SumoRunResult {
  /** Vehicles that arrived. */
  arrived: number;
  /** Vehicles still driving, or still waiting to be inserted, at the end (due before it). */
  unfinished: number;
  /** Of `unfinished`: vehicles SUMO never inserted (the entry was full until the end). */
  notInserted: number;
  /** Mean `timeLoss` of arrived vehicles, s. */
  meanTimeLoss: number;
  /**
   * Mean time every vehicle due lost, s: `timeLoss + departDelay` over the
   * arrived and the unfinished (counted to the end; a vehicle never inserted
   * lost its whole wait). Nothing unfinished is left out, so a plan that
   * strands vehicles pays for each in proportion to how long it held it.
   */
  meanTimeLossAll: number;
  /** Mean `duration` (travel time) of arrived vehicles, s. */
  meanTravelTime: number;
  /** Mean `waitingTime` of arrived vehicles, s. */
  meanWaitingTime: number;
  /** Teleports SUMO reported (jams, yields, wrong lane). */
  teleports: number;
  /** Collisions SUMO reported. */
  collisions: number;
  /** Error and warning lines of SUMO's output, teleports and collisions included. */
  messages: string[];
}

/** One SUMO run. */
export interface SumoRunSpec {
  net: string;
  routes: readonly string[];
  /** Additional files, loaded in order (the program loaded last runs). */
  additional: readonly string[];
  /** SUMO's `--seed`. */
  seed: number;
  /** s */
  begin: number;
  /** s */
  end: number;
  /** Where the tripinfo output goes. */
  tripinfo: string;
  /** The binary (from {@link findSumo}). */
  sumo: string;
  /** Abort the run. */
  signal?: AbortSignal;
}

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

/** The `sumo` binary: `$SUMO_HOME/bin/sumo`, else the first `sumo` on `PATH`; undefined when there is none. */
export async function findSumo(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['sumo.exe'] : ['sumo'];
  const dirs = [...(env.SUMO_HOME ? [path.join(env.SUMO_HOME, 'bin')] : []), ...(env.PATH ?? '').split(path.delimiter).filter((d) => d !== '')];
  for (const dir of dirs) for (const name of names) if (await executable(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/**
 * The environment and extra arguments to run `sumo` (or any SUMO tool) with: the
 * caller's environment with `SUMO_HOME` set from the binary's installation when it
 * is unset (see the file header), and `--xml-validation never` when no schema
 * directory can be found at all.
 */
export function sumoEnvironment(binary: string, env: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; args: string[] } {
  const hasSchemas = (home: string): boolean => existsSync(path.join(home, 'data', 'xsd'));
  if (env.SUMO_HOME && hasSchemas(env.SUMO_HOME)) return { env, args: [] };
  const prefix = path.dirname(path.dirname(binary));
  for (const home of [path.join(prefix, 'share', 'sumo'), prefix]) if (hasSchemas(home)) return { env: { ...env, SUMO_HOME: home }, args: [] };
  return { env, args: ['--xml-validation', 'never', '--xml-validation.routes', 'never'] };
}

/** How to install SUMO, for messages. */
export const SUMO_INSTALL_HINT = 'install Eclipse SUMO (Debian/Ubuntu: `sudo apt-get install sumo sumo-tools`; others: https://sumo.dlr.de/docs/Installing/) and put `sumo` on PATH or set SUMO_HOME';

/**
 * Whether `binary` knows `--tripinfo-output.write-undeparted` (SUMO 1.15 does;
 * older releases, such as some distributions ship, may not, and refuse an
 * unknown option): read once per binary from `sumo --help`.
 */
const undepartedSupport = new Map<string, Promise<boolean>>();
function writesUndeparted(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  let known = undepartedSupport.get(binary);
  if (known === undefined) {
    known = new Promise<boolean>((resolve) => {
      const child = spawn(binary, ['--help'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
      child.on('error', () => resolve(false));
      child.on('close', () => resolve(text.includes('--tripinfo-output.write-undeparted')));
    });
    undepartedSupport.set(binary, known);
  }
  return known;
}

/**
 * The arguments of a run. `undeparted` (default true) asks SUMO for the vehicles
 * it never inserted too; without it they are missing from the tripinfo, so
 * from `unfinished` and the time lost per vehicle due.
 */
export function sumoArguments(spec: Omit<SumoRunSpec, 'sumo' | 'signal'> & { undeparted?: boolean }): string[] {
  return [
    '-n', spec.net,
    ...(spec.routes.length > 0 ? ['-r', spec.routes.join(',')] : []),
    ...(spec.additional.length > 0 ? ['-a', spec.additional.join(',')] : []),
    '--seed', String(spec.seed),
    '--begin', String(spec.begin),
    '--end', String(spec.end),
    '--tripinfo-output', spec.tripinfo,
    '--tripinfo-output.write-unfinished', 'true',
    ...(spec.undeparted === false ? [] : ['--tripinfo-output.write-undeparted', 'true']),
    '--no-step-log', 'true',
    '--duration-log.disable', 'true',
  ];
}

/** Mean time loss, travel time and counts of a tripinfo file. */
export async function readTripinfo(file: string): Promise<Pick<SumoRunResult, 'arrived' | 'unfinished' | 'notInserted' | 'meanTimeLoss' | 'meanTimeLossAll' | 'meanTravelTime' | 'meanWaitingTime'>> {
  let arrived = 0;
  let unfinished = 0;
  let notInserted = 0;
  let loss = 0;
  let lossAll = 0;
  let duration = 0;
  let waiting = 0;
  await readXml(file, {
    open(element) {
      if (element.name !== 'tripinfo') return;
      const a = element.attributes;
      const number = (name: string): number => {
        const v = Number(a[name]);
        if (a[name] === undefined || !Number.isFinite(v)) throw new InputError(`${file}:${element.line}`, `tripinfo "${a.id}": ${name} must be a number, got ${JSON.stringify(a[name] ?? null)}`);
        return v;
      };
      const departDelay = a.departDelay === undefined ? 0 : number('departDelay');
      if (number('arrival') < 0) {
        if (number('depart') < 0) {
          if (departDelay < 0) return; // loaded ahead of a departure after the end: not due
          notInserted++;
        }
        unfinished++;
        lossAll += number('timeLoss') + departDelay;
        return;
      }
      const timeLoss = number('timeLoss');
      arrived++;
      loss += timeLoss;
      lossAll += timeLoss + departDelay;
      duration += number('duration');
      waiting += number('waitingTime');
    },
  });
  const due = arrived + unfinished;
  return { arrived, unfinished, notInserted, meanTimeLoss: arrived > 0 ? loss / arrived : NaN, meanTimeLossAll: due > 0 ? lossAll / due : NaN, meanTravelTime: arrived > 0 ? duration / arrived : NaN, meanWaitingTime: arrived > 0 ? waiting / arrived : NaN };
}

/**
 * Run SUMO once and read its tripinfo. Rejects with `UsageError` carrying SUMO's
 * error lines when SUMO fails (a file it refuses, a plan that does not fit the
 * network).
 */
export async function runSumo(spec: SumoRunSpec): Promise<SumoRunResult> {
  const { sumo, signal, ...rest } = spec;
  const setting = sumoEnvironment(sumo);
  const args = [...sumoArguments({ ...rest, undeparted: await writesUndeparted(sumo, setting.env) }), ...setting.args];
  const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const child = spawn(sumo, args, { env: setting.env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let text = '';
    const keep = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (text.length > 4 * 2 ** 20) text = text.slice(-2 * 2 ** 20); // keep the tail of a very chatty run
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
  const messages = output.text.split(/\r?\n/).filter((l) => /^(Error|Warning):/.test(l));
  if (output.code !== 0) {
    const errors = messages.filter((l) => l.startsWith('Error')).slice(0, 10);
    throw new UsageError(`sumo ${args.join(' ')} failed (exit ${output.code}):\n${(errors.length > 0 ? errors : output.text.split('\n').slice(-10)).join('\n')}`);
  }
  const teleports = messages.filter((l) => /Teleporting vehicle/.test(l)).length;
  const collisions = messages.filter((l) => /collision/i.test(l)).length;
  return { ...(await readTripinfo(spec.tripinfo)), teleports, collisions, messages };
}

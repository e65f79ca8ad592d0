/**
 * SUMO traffic-light programs (`tlLogic`) -> greenwave `SignalProgramSpec`s.
 *
 * A SUMO program is a cycle of phases, each a `state` string with one signal
 * character per `linkIndex` (lane-to-lane connection) of the traffic light
 * (https://sumo.dlr.de/docs/Simulation/Traffic_Lights.html). A greenwave phase
 * is a set of movements (edge to edge) shown green, then yellow, then all-red.
 * The conversion:
 *
 * 1. Each movement takes, per SUMO phase, the strongest signal of its lanes'
 *    link indices: `G`/`O` protected green, `g`/`s`/`o` permissive green (yield;
 *    `s` is a green right-turn arrow after a stop, `o` a blinking yield),
 *    `y`/`Y` yellow, `r`/`u` red (`u` is red-yellow before green). Lanes of one
 *    movement showing different signals are reported.
 * 2. A SUMO phase with yellow and no protected green adds its duration to the
 *    previous phase's yellow (permissive movements it still shows, such as
 *    RESCO's `s` right turns, are held then); a phase with neither yellow nor
 *    green (all red) adds to its all-red; any other phase is a greenwave phase
 *    with its protected and permissive movements as shown.
 *    The program is rotated to start at its first green phase (leading yellow or
 *    red phases close the last phase, the cycle wraps) and the offset moved by
 *    the rotated time, so every movement shows the same colour at the same time.
 * 3. A phase that keeps some movements protected green while others turn yellow
 *    (RESCO programs do this) stays a greenwave phase of its green movements; its yellow
 *    movements are red in greenwave. The kernel discharges no vehicle on yellow,
 *    so capacity is unchanged; exporting back writes `r` where SUMO had that `y`.
 * 4. SUMO's `offset` is the time the program's first phase starts (the program
 *    runs at (t - offset) mod cycle), which is greenwave's `offset` too.
 * 5. `type="actuated"` programs keep their own gap-out controller (the
 *    program's `control`, run unless the run asks for another kind): `minDur`/
 *    `maxDur` become `minGreen`/`maxGreen` (a phase without them is fixed at its
 *    `duration`, as in SUMO; a `maxDur` above the scenario's longest adaptive
 *    green, an hour, is capped to it with a warning), and the `max-gap`, `detector-gap` and
 *    `passing-time` params (SUMO's defaults 3, 2 and 1.9 s) the controller's
 *    settings (signals/actuated.ts). `delay_based` programs run the same way,
 *    with a warning (SUMO extends them by time loss, not gaps). Other types
 *    (`NEMA`, `off`, custom switching rules) are read as fixed time with their
 *    `duration`s, with a warning. Per-lane settings (`max-gap:<lane>`, custom
 *    detectors) are reported and not used.
 * 6. Every time written must be a scenario's (`engine/limits.ts`): a green, a
 *    yellow or all-red (summed over the folded phases), a `minDur` or the offset
 *    out of range is refused with an `InputError` at the SUMO phase that makes it.
 *
 * A program whose traffic light controls several junctions (a joined TLS) gives
 * one program per junction, all with the same phase times.
 */
import { InputError } from '../../errors.js';
import { LIMITS, limitProblem, type Limit } from '../../limits.js';
import type { PhaseSpec, ProgramControl, SignalProgramSpec, MovementRef } from '../../signals/program.js';
import type { ImportWarning } from '../types.js';
import type { SumoTlLogic } from './net-file.js';
import type { TlLink } from './network.js';

const RED = 0;
const YELLOW = 1;
const PERMISSIVE = 2;
const PROTECTED = 3;
/** Signal level of each SUMO state character. */
const LEVEL: Readonly<Record<string, number>> = { r: RED, u: RED, y: YELLOW, Y: YELLOW, g: PERMISSIVE, s: PERMISSIVE, o: PERMISSIVE, G: PROTECTED, O: PROTECTED };

/** Options of {@link convertPrograms}. */
export interface ProgramOptions {
  /** Use the program with this `programID` where a traffic light has several; default the last one read (SUMO's rule). */
  programId?: string;
}

interface GwPhase {
  levels: Map<string, number>; // movement key -> PERMISSIVE | PROTECTED
  /** Index of the SUMO phase it starts with (for messages). */
  sumoIndex: number;
  duration: number;
  yellow: number;
  allRed: number;
  minGreen?: number;
  maxGreen?: number;
}

/** Pick one program per traffic light: `programId` where present, else the last read. */
export function selectPrograms(logics: readonly SumoTlLogic[], options: ProgramOptions, warnings: ImportWarning[]): SumoTlLogic[] {
  const byId = new Map<string, SumoTlLogic[]>();
  for (const logic of logics) {
    const list = byId.get(logic.id) ?? [];
    list.push(logic);
    byId.set(logic.id, list);
  }
  const chosen: SumoTlLogic[] = [];
  for (const [id, list] of byId) {
    const wanted = options.programId === undefined ? undefined : list.filter((l) => l.programID === options.programId);
    const pick = wanted && wanted.length > 0 ? wanted[wanted.length - 1] : list[list.length - 1];
    if (list.length > 1) {
      const others = list.filter((l) => l !== pick).map((l) => `"${l.programID}" (${l.file}:${l.line})`);
      warnings.push({ where: `${pick.file}:${pick.line}`, element: id, message: `traffic light has ${list.length} programs; using programID "${pick.programID}", ignoring ${others.join(', ')}` });
    }
    chosen.push(pick);
  }
  return chosen;
}

/**
 * Convert one SUMO program. `links` maps each linkIndex of the traffic light to
 * the movements it controls; `free` lists, per junction, movements without a
 * linkIndex (they show green in every phase). Throws `InputError` (`file:line`)
 * for an unknown state character or a state string too short for the links.
 */
export function convertProgram(
  logic: SumoTlLogic,
  links: ReadonlyMap<number, readonly TlLink[]>,
  free: ReadonlyMap<string, readonly MovementRef[]>,
  warnings: ImportWarning[],
): SignalProgramSpec[] {
  const where = `${logic.file}:${logic.line}`;
  const label = `tlLogic "${logic.id}" (programID "${logic.programID}")`;
  if (logic.phases.length === 0) throw new InputError(where, `${label}: has no phases`);
  const indices = [...links.keys()].sort((a, b) => a - b);
  const movementIndices = new Map<string, number[]>();
  const junctionOf = new Map<string, string>();
  const refOf = new Map<string, MovementRef>();
  for (const i of indices) {
    for (const { junction, movement, from, to } of links.get(i)!) {
      refOf.set(movement, { from, to });
      const list = movementIndices.get(movement) ?? [];
      list.push(i);
      movementIndices.set(movement, list);
      junctionOf.set(movement, junction);
    }
  }
  const junctions = [...new Set([...junctionOf.values()])];

  // 1. Per SUMO phase, the level of every movement.
  let mixedLanes = 0;
  let stopArrows = 0;
  let heldPermissive = 0;
  const sumoPhases = logic.phases.map((phase, p) => {
    for (let k = 0; k < phase.state.length; k++) {
      const c = phase.state[k];
      if (LEVEL[c] === undefined) {
        throw new InputError(`${logic.file}:${phase.line}`, `${label} phase ${p}: unknown signal state ${JSON.stringify(c)} at linkIndex ${k} (SUMO states are r y g G s u o O)`);
      }
      if (c === 's') stopArrows++;
    }
    const last = indices[indices.length - 1];
    if (last !== undefined && last >= phase.state.length) {
      throw new InputError(`${logic.file}:${phase.line}`, `${label} phase ${p}: state ${JSON.stringify(phase.state)} has ${phase.state.length} signals, but a connection uses linkIndex ${last}`);
    }
    const levels = new Map<string, number>();
    let yellow = false;
    for (const [movement, list] of movementIndices) {
      let high = RED;
      let low = PROTECTED;
      for (const i of list) {
        const level = LEVEL[phase.state[i]];
        high = Math.max(high, level);
        low = Math.min(low, level);
      }
      if ((high >= PERMISSIVE) !== (low >= PERMISSIVE)) mixedLanes++;
      if (high >= PERMISSIVE) {
        levels.set(movement, high);
      } else if (high === YELLOW) {
        yellow = true;
      }
    }
    // A yellow phase ends the green before it unless it still shows protected green (then it is a phase of its own).
    const protectedGreen = [...levels.values()].some((l) => l === PROTECTED);
    const green = yellow ? protectedGreen : levels.size > 0;
    if (yellow && !protectedGreen && levels.size > 0) heldPermissive++;
    return { levels, green, yellow, phase };
  });
  if (heldPermissive > 0) {
    warnings.push({ where, element: logic.id, message: `${heldPermissive} yellow phase(s) also show permissive green (g/s) to some movements; greenwave holds those during the yellow` });
  }
  if (mixedLanes > 0) {
    warnings.push({ where, element: logic.id, message: `${mixedLanes} time(s) a movement's lanes show green and not green in one phase; the movement is green on all its lanes then` });
  }
  if (stopArrows > 0) warnings.push({ where, element: logic.id, message: `state "s" (green after stopping) read as permissive green; a movement shown "s" and never "g" halts first, then yields to the movements entering its exit (a right turn on red)` });
  const control = actuatedControl(logic, warnings);
  const actuated = control !== undefined;

  // 2. Fold yellow and all-red phases into the green phase before them, starting at the first green phase.
  const cycle = logic.phases.reduce((s, p) => s + p.duration, 0);
  const first = sumoPhases.findIndex((p) => p.green && p.phase.duration > 0);
  if (first < 0) {
    warnings.push({ where, element: logic.id, message: 'program shows no green to any road movement; its junctions stay red' });
    if (!(cycle > 0)) return [];
    return junctions.map((junction) => ({ junction, offset: logic.offset, phases: [{ green: [], duration: cycle, yellow: 0, allRed: 0 }] }));
  }
  let shift = 0;
  for (let p = 0; p < first; p++) shift += logic.phases[p].duration;
  const phases: GwPhase[] = [];
  let partial = 0;
  let odd = 0;
  let cappedMax = 0;
  /** The SUMO phase `p` as it becomes a greenwave `field` of `value` s: refused with its line when out of the scenario range. */
  const checkPhase = (p: number, field: string, value: number, limit: Limit, note = ''): void => {
    const problem = limitProblem(value, limit);
    if (problem !== undefined) throw new InputError(`${logic.file}:${logic.phases[p].line}`, `${label} phase ${p}: ${field}${note} ${problem}`);
  };
  const offsetProblem = limitProblem(logic.offset + shift, LIMITS.offsetS);
  if (offsetProblem !== undefined) throw new InputError(where, `${label}: offset (s) (the program's offset ${logic.offset} s plus ${shift} s of phases before its first green) ${offsetProblem}`);
  for (let n = 0; n < sumoPhases.length; n++) {
    const index = (first + n) % sumoPhases.length;
    const { levels, green, yellow, phase } = sumoPhases[index];
    if (phase.duration === 0) continue;
    if (green) {
      if (yellow) partial++;
      checkPhase(index, 'green (s)', phase.duration, LIMITS.greenS);
      const gw: GwPhase = { levels, sumoIndex: index, duration: phase.duration, yellow: 0, allRed: 0 };
      if (logic.type !== 'static' && phase.minDur !== undefined && phase.maxDur !== undefined && phase.minDur <= phase.maxDur) {
        checkPhase(index, 'minimum green (s) (minDur)', phase.minDur, LIMITS.adaptiveGreenS);
        gw.minGreen = phase.minDur;
        // A maxDur beyond the longest adaptive green never binds within the run's sense: it is capped, with a warning.
        gw.maxGreen = Math.min(phase.maxDur, LIMITS.adaptiveGreenS.max);
        if (phase.maxDur > LIMITS.adaptiveGreenS.max) cappedMax++;
      } else if (actuated) {
        gw.minGreen = phase.duration; // SUMO: a phase without minDur/maxDur keeps its duration
        gw.maxGreen = phase.duration;
      }
      phases.push(gw);
      continue;
    }
    const last = phases[phases.length - 1];
    const folded = ` (with the phases after the green of phase ${last.sumoIndex})`;
    if (yellow && last.allRed === 0) {
      last.yellow += phase.duration;
      checkPhase(index, 'yellow (s)', last.yellow, LIMITS.clearanceS, folded);
    } else {
      if (yellow) odd++;
      last.allRed += phase.duration;
      checkPhase(index, 'all-red (s)', last.allRed, LIMITS.clearanceS, folded);
    }
  }
  if (partial > 0) {
    warnings.push({ where, element: logic.id, message: `${partial} phase(s) turn some movements yellow while others stay green; those yellow movements are red in greenwave (no discharge on yellow either way)` });
  }
  if (cappedMax > 0) warnings.push({ where, element: logic.id, message: `${cappedMax} maxDur value(s) above ${LIMITS.adaptiveGreenS.max} s capped to ${LIMITS.adaptiveGreenS.max} s (${LIMITS.adaptiveGreenS.whyMax})` });
  if (odd > 0) warnings.push({ where, element: logic.id, message: `${odd} yellow phase(s) after an all-red phase counted as all-red` });

  // 3. One program per junction.
  return junctions.map((junction) => {
    const always = free.get(junction) ?? [];
    const specs: PhaseSpec[] = phases.map((p) => {
      const green: MovementRef[] = [];
      const permissive: MovementRef[] = [];
      for (const [movement, level] of p.levels) {
        if (junctionOf.get(movement) !== junction) continue;
        (level === PROTECTED ? green : permissive).push(refOf.get(movement)!);
      }
      for (const movement of always) green.push({ ...movement });
      const spec: PhaseSpec = { green, duration: p.duration, yellow: p.yellow, allRed: p.allRed };
      if (permissive.length > 0) spec.permissive = permissive;
      if (p.minGreen !== undefined && p.maxGreen !== undefined) {
        spec.minGreen = p.minGreen;
        spec.maxGreen = p.maxGreen;
      }
      return spec;
    });
    return { junction, offset: logic.offset + shift, phases: specs, ...(control === undefined ? {} : { control: { ...control } }) };
  });
}

/** SUMO's defaults for actuated programs (Simulation/Traffic_Lights, "based on time gaps"), s. */
const SUMO_ACTUATED_DEFAULTS = { 'max-gap': 3, 'detector-gap': 2, 'passing-time': 1.9 } as const;

/** The gap-out control of an actuated (or delay-based) program, with its params; undefined for other types (reported). */
function actuatedControl(logic: SumoTlLogic, warnings: ImportWarning[]): ProgramControl | undefined {
  const where = `${logic.file}:${logic.line}`;
  if (logic.type === 'static') return undefined;
  if (logic.type !== 'actuated' && logic.type !== 'delay_based') {
    warnings.push({ where, element: logic.id, message: `${logic.type} program read as fixed time with its phase durations (minDur/maxDur kept as minGreen/maxGreen): greenwave has no ${logic.type} controller` });
    return undefined;
  }
  if (logic.type === 'delay_based') {
    warnings.push({ where, element: logic.id, message: 'delay_based program run as actuated (gap-out) control: SUMO extends it by the time loss of approaching vehicles, greenwave by detector gaps' });
  }
  const value = (key: keyof typeof SUMO_ACTUATED_DEFAULTS): number => {
    const raw = logic.params.get(key);
    if (raw === undefined) return SUMO_ACTUATED_DEFAULTS[key];
    const x = Number(raw);
    if (!Number.isFinite(x) || x < 0 || (key === 'passing-time' && x === 0)) throw new InputError(where, `tlLogic "${logic.id}": param ${key} must be a number of seconds${key === 'passing-time' ? ' > 0' : ' >= 0'}, got ${JSON.stringify(raw)}`);
    return x;
  };
  const unused = [...logic.params.keys()].filter((k) => !(k in SUMO_ACTUATED_DEFAULTS));
  if (unused.length > 0) warnings.push({ where, element: logic.id, message: `actuated params not used: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''} (greenwave places one detector per movement by detector-gap and passing-time)` });
  return { kind: 'actuated', gap: value('max-gap'), detectorGap: value('detector-gap'), passingTime: value('passing-time') };
}

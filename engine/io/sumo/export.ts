/**
 * Writing greenwave plans and networks as SUMO files, so a plan found here can
 * be checked in SUMO (`sumo -n net.net.xml -a plan.add.xml`).
 *
 * - `tlLogicXml` writes an additional file of static `tlLogic` programs. Each
 *   greenwave phase becomes up to three SUMO phases: green (`G` protected, `g`
 *   permissive, or `s` for the links `stopLinks` names, `r` elsewhere) for `duration`, then `y` for every movement that
 *   was green for `yellow`, then all `r` for `allRed` (zero-length parts are
 *   left out). State strings follow SUMO's linkIndex order from `signalIndex`
 *   (from `importSumo`), or from {@link sumoSignalIndex} for networks built here.
 *   No link switches from green straight to red: after a phase with neither
 *   yellow nor all-red (SUMO programs that end one movement's green with a
 *   yellow while others stay green import that way), the links the next phase
 *   drops show `y` for the program's yellow (its longest phase yellow, else 3 s)
 *   at the start of that phase, as the input program wrote them; greenwave runs
 *   them red then (no vehicle discharges on yellow in either model).
 *   Offsets are written modulo the cycle (SUMO and greenwave both take the
 *   offset as the time the first phase starts). Times are rounded to SUMO's
 *   millisecond resolution.
 * - With `options.control` `{ kind: 'actuated', ... }` it writes SUMO's gap-based
 *   actuated programs: see export-actuated.ts for every mapping and where the
 *   two controllers still differ.
 * - `sumoNetXml` writes a SUMO network without internal lanes (SUMO then moves
 *   vehicles across junctions in one step, as with `--no-internal-links`):
 *   straight lane shapes offset from the centre line on the driving side, one
 *   connection per approach lane of each movement (to the same lane index of the
 *   exit, or its last lane), junction types from the controls, and for every
 *   signal a `tlLogic` (the given program, else greenwave's default program,
 *   which is what greenwave runs there too). The right-of-way matrix is empty
 *   (`foes` all zero): SUMO vehicles do not yield to each other at junctions of
 *   such a network, so it is for checking plans, not for comparing yield rules.
 */
import { UsageError } from '../../errors.js';
import { compile } from '../../network/compile.js';
import { CompiledNetwork, CONTROL_CODE } from '../../network/compiled.js';
import type { RoadNetwork } from '../../network/road-network.js';
import type { JunctionControl, TurnKind } from '../../network/types.js';
import type { ImportResult } from '../types.js';
import { escapeXml } from '../xml.js';
import { defaultProgram, PHASE_DEFAULTS, programToSpec, type SignalProgramSpec } from '../../signals/program.js';
import type { SignalControl } from '../../signals/control.js';
import { checkLoops, type LoopCheck, type TlTopology } from './detector-check.js';
import { actuatedExport, actuatedParams, type ActuatedExport } from './export-actuated.js';
import { approaches, sumoSeconds as seconds, viewOf } from './net-view.js';

type SignalIndex = NonNullable<ImportResult['signalIndex']>;
const Y = PHASE_DEFAULTS.yellow;
const R = PHASE_DEFAULTS.allRed;
const MIN = PHASE_DEFAULTS.minGreen;
const MAX = PHASE_DEFAULTS.maxGreen;

/** Options of {@link tlLogicXml}. */
export interface TlLogicXmlOptions {
  /** `programID` of every written program. Default `greenwave`. */
  programId?: string;
  /**
   * Control the programs run under, as in `simulate` (`SignalSetup.control`).
   * Default (or `{ kind: 'fixed' }`): static programs. `{ kind: 'actuated', ... }`:
   * `type="actuated"` programs with SUMO's gap-based parameters (see the module
   * header for the mapping). `max-pressure` has no SUMO `tlLogic` type: `UsageError`.
   */
  control?: SignalControl;
  /**
   * Start of the SUMO run (`--begin`), s, for actuated programs: greenwave's
   * actuated controller starts phase 0 when the run starts, so the SUMO offset is
   * set to make that happen at `begin` (SUMO 1.15 has no `offset="begin"`).
   * Default 0. Fixed-time offsets do not depend on it.
   */
  begin?: number;
  /**
   * Links per SUMO traffic light in the target network (from
   * `readTlLinkCounts(net.net.xml)`): state strings get at least this length, so
   * a program loads onto a network whose traffic lights also control links
   * greenwave did not import (pedestrian crossings, other vehicle classes);
   * those links are written red (`r`). Default: the largest index in the signal index + 1.
   */
  linkCounts?: ReadonlyMap<string, number>;
  /**
   * Per SUMO traffic light, links written `s` ("green after stopping", right
   * turn on red) instead of `g` where the plan shows them permissive: the links
   * the target network's own programs show `s` and never `g`
   * (`readTlLinks(net.net.xml).stopLinks`). Default: none.
   */
  stopLinks?: ReadonlyMap<string, ReadonlySet<number>>;
  /**
   * Per SUMO traffic light, the lanes of its links (`readTlLinks(net.net.xml).topology`),
   * for actuated programs: SUMO's loop rule is run on each program
   * (detector-check.ts). An actuated phase no loop would serve is written with
   * minDur = maxDur = its minGreen (SUMO ends such a phase at its minDur anyway,
   * and warns that it has no controlling detector; greenwave's model ends it
   * there too, signals/detector-rule.ts), and a lane whose loop would serve no
   * phase gets SUMO's `NO_DETECTOR` parameter (no loop, no warning; its
   * vehicles extend no green either way). Default: none (programs as they are).
   */
  topology?: ReadonlyMap<string, TlTopology>;
}

/** Options of {@link sumoNetXml}. */
export interface SumoNetXmlOptions {
  /** Programs to write into the network (others get greenwave's default program). */
  programs?: readonly SignalProgramSpec[];
  /** `programID` of the programs written into the network. Default `0` (SUMO's own), so a plan written by {@link tlLogicXml} (default `greenwave`) loads beside it and runs. */
  programId?: string;
  /** Lane width for lane shapes, m. Default 3.2 (SUMO's default). */
  laneWidth?: number;
}

/**
 * SUMO link indices for a network built in greenwave: each signalised junction
 * is its own traffic light (controller id = junction id), numbered over its
 * approach links in link order, their movements in order, one index per approach
 * lane of the movement (a SUMO connection is lane to lane). `sumoNetXml` writes
 * connections with exactly these indices.
 */
export function sumoSignalIndex(net: CompiledNetwork | RoadNetwork): SignalIndex {
  const view = viewOf(net);
  const into = approaches(view);
  const index: SignalIndex = {};
  for (const j of view.junctions) {
    if (j.control !== 'signal') continue;
    const links: Record<string, number[]> = {};
    let next = 0;
    for (const l of into.get(j.id) ?? []) {
      for (const m of view.movements[l]) links[`${view.links[l].id}>${m.to}`] = m.lanes.map(() => next++);
    }
    index[j.id] = { controller: j.id, links };
  }
  return index;
}

/** A phase of an actuated program as written: fixed when it has no minDur. */
interface WrittenPhase {
  duration: number;
  minDur?: number;
  maxDur?: number;
  state: string;
}

/**
 * SUMO's loop rule on an actuated program about to be written (see
 * `TlLogicXmlOptions.topology`): actuated phases no loop would serve become
 * fixed at their minDur (in place); returns the lanes to mark `NO_DETECTOR`.
 * Without a topology nothing changes.
 */
function applyLoopRule(written: WrittenPhase[], topology: TlTopology | undefined): string[] {
  if (topology === undefined) return [];
  const check = (): LoopCheck => checkLoops(written.map((w) => ({ state: w.state, actuated: w.minDur !== undefined && w.minDur < w.maxDur! })), topology);
  for (const k of check().uncontrolledPhases) {
    const w = written[k];
    w.maxDur = w.minDur;
    w.duration = w.minDur!;
  }
  return check().uncontrolledLanes;
}

/**
 * The `tlLogic` elements (indented lines) of `programs`, one per SUMO traffic
 * light of `signalIndex`, preceded by any detector elements actuated programs
 * need; see {@link tlLogicXml}. Shared with plain.ts.
 */
export function tlLogicElements(programs: readonly SignalProgramSpec[], signalIndex: SignalIndex, programId: string, actuated?: ActuatedExport, linkCounts?: ReadonlyMap<string, number>, stopLinks?: ReadonlyMap<string, ReadonlySet<number>>, topology?: ReadonlyMap<string, TlTopology>): string[] {
  const byController = new Map<string, SignalProgramSpec[]>();
  for (const p of programs) {
    const entry = signalIndex[p.junction];
    if (!entry) throw new UsageError(`tlLogicXml: junction "${p.junction}" has no SUMO traffic light in the signal index`);
    const list = byController.get(entry.controller) ?? [];
    if (list.some((q) => q.junction === p.junction)) throw new UsageError(`tlLogicXml: two programs for junction "${p.junction}"`);
    list.push(p);
    byController.set(entry.controller, list);
  }
  const out: string[] = [];
  const detectors: string[] = [];
  for (const [controller, list] of byController) {
    const [first] = list;
    for (const p of list) {
      const same = (p.offset ?? 0) === (first.offset ?? 0) && p.phases.length === first.phases.length && p.phases.every((ph, i) => {
        const q = first.phases[i];
        return ph.duration === q.duration && (ph.yellow ?? Y) === (q.yellow ?? Y) && (ph.allRed ?? R) === (q.allRed ?? R) &&
          (actuated === undefined || ((ph.minGreen ?? MIN) === (q.minGreen ?? MIN) && (ph.maxGreen ?? MAX) === (q.maxGreen ?? MAX)));
      });
      if (!same) throw new UsageError(`tlLogicXml: junctions "${first.junction}" and "${p.junction}" share SUMO traffic light "${controller}" but their programs have different offsets or phase times`);
    }
    let size = 0;
    for (const entry of Object.values(signalIndex)) {
      if (entry.controller !== controller) continue;
      for (const indices of Object.values(entry.links)) for (const i of indices) size = Math.max(size, i + 1);
    }
    size = Math.max(size, linkCounts?.get(controller) ?? 0);
    // Per greenwave phase, the state of every link during its green.
    const states = first.phases.map((_, k) => {
      const green = new Array<string>(size).fill('r');
      for (const p of list) {
        const links = signalIndex[p.junction].links;
        const phase = p.phases[k];
        for (const m of phase.green) for (const i of links[`${m.from}>${m.to}`] ?? []) green[i] = 'G';
        for (const m of phase.permissive ?? []) for (const i of links[`${m.from}>${m.to}`] ?? []) green[i] = 'g';
      }
      for (const i of stopLinks?.get(controller) ?? []) if (green[i] === 'g') green[i] = 's';
      return green;
    });
    const count = first.phases.length;
    const clearance = (k: number): number => (list[0].phases[k].yellow ?? Y) + (list[0].phases[k].allRed ?? R);
    // A phase without yellow or all-red whose successor drops some of its links would switch them from green
    // straight to red (SUMO: "Missing yellow phase"): those links show yellow for the program's yellow at the start
    // of the next phase, as SUMO programs write it (one movement's yellow while the others stay green).
    const programYellow = Math.max(0, ...list[0].phases.map((ph) => ph.yellow ?? Y)) || Y;
    const phases: string[] = [];
    /** Actuated programs: the written phases, turned into lines once SUMO's loop rule has been applied. */
    const written: WrittenPhase[] = [];
    let cycle = 0;
    let actuatedCycle = 0;
    first.phases.forEach((_, k) => {
      const green = states[k];
      const before = states[(k + count - 1) % count];
      const ending = count > 1 && clearance((k + count - 1) % count) === 0 ? green.map((c, i) => c === 'r' && before[i] !== 'r') : [];
      const lead = ending.includes(true) ? green.map((c, i) => (ending[i] ? 'y' : c)).join('') : undefined;
      const { duration } = list[0].phases[k];
      const yellow = list[0].phases[k].yellow ?? Y;
      const allRed = list[0].phases[k].allRed ?? R;
      cycle += duration + yellow + allRed;
      if (actuated === undefined) {
        const y = lead === undefined ? 0 : Math.min(programYellow, duration);
        if (y > 0) phases.push(`        <phase duration="${seconds(y)}" state="${lead}"/>`);
        if (duration - y > 0 || y === 0) phases.push(`        <phase duration="${seconds(duration - y)}" state="${green.join('')}"/>`);
      } else {
        const minDur = list[0].phases[k].minGreen ?? MIN;
        const maxDur = list[0].phases[k].maxGreen ?? MAX;
        const initial = Math.min(Math.max(duration, minDur), maxDur);
        actuatedCycle += initial + yellow + allRed;
        // The yellow lead is a fixed part (no minDur/maxDur); the actuated rest keeps the green's end times. A rest
        // that could only be zero long is left out; one whose initial length would be zero starts at up to 1 s
        // (SUMO refuses a zero duration).
        const y = lead === undefined ? 0 : Math.min(programYellow, minDur);
        if (y > 0) written.push({ duration: y, state: lead! });
        if (y === 0 || maxDur - y > 0) written.push({ duration: Math.max(initial - y, Math.min(1, maxDur - y)), minDur: minDur - y, maxDur: maxDur - y, state: green.join('') });
      }
      const clear = (duration: number, state: string): void => {
        if (actuated === undefined) phases.push(`        <phase duration="${seconds(duration)}" state="${state}"/>`);
        else written.push({ duration, state });
      };
      if (yellow > 0) clear(yellow, green.map((c) => (c === 'r' ? 'r' : 'y')).join(''));
      if (allRed > 0) clear(allRed, 'r'.repeat(size));
    });
    if (actuated === undefined) {
      const offset = cycle > 0 ? (((first.offset ?? 0) % cycle) + cycle) % cycle : 0;
      out.push(`    <tlLogic id="${escapeXml(controller)}" type="static" programID="${escapeXml(programId)}" offset="${seconds(offset)}">`, ...phases, '    </tlLogic>');
    } else {
      // greenwave's actuated controller ignores the program offset and starts phase 0 when the run starts. SUMO starts
      // a program at begin in the phase that (begin - offset) mod (sum of durations) falls in: offset = begin mod that sum.
      const offset = actuatedCycle > 0 ? ((actuated.begin % actuatedCycle) + actuatedCycle) % actuatedCycle : 0;
      const noDetector = applyLoopRule(written, topology?.get(controller));
      let minMinDur = Infinity;
      for (const w of written) if (w.minDur !== undefined && w.minDur < w.maxDur!) minMinDur = Math.min(minMinDur, w.minDur);
      const { params, loops } = actuatedParams(actuated, controller, programId, list.map((p) => p.junction), minMinDur);
      for (const lane of noDetector) params.push(`        <param key="${escapeXml(lane)}" value="NO_DETECTOR"/>`);
      loops.forEach((l) => detectors.push(l));
      const lines = written.map((w) => w.minDur === undefined
        ? `        <phase duration="${seconds(w.duration)}" state="${w.state}"/>`
        : `        <phase duration="${seconds(w.duration)}" minDur="${seconds(w.minDur)}" maxDur="${seconds(w.maxDur!)}" state="${w.state}"/>`);
      out.push(`    <tlLogic id="${escapeXml(controller)}" type="actuated" programID="${escapeXml(programId)}" offset="${seconds(offset)}">`, ...params, ...lines, '    </tlLogic>');
    }
  }
  return [...detectors, ...out];
}

/**
 * SUMO additional file (`.add.xml`) with one `tlLogic` per traffic light of
 * `programs`: static, or actuated with `options.control` (see the module header
 * for how greenwave's actuated control maps onto SUMO's). `signalIndex` maps
 * movements to SUMO link indices: pass the one from `importSumo` for a network
 * that came from SUMO; without it the indices of
 * {@link sumoSignalIndex} (those `sumoNetXml` writes) are used. Movements without
 * a link index (SUMO does not signal them) are left out. Throws `UsageError` for
 * a junction with no traffic light in the index, for junctions sharing one
 * traffic light with different phase times (or min/max greens, when actuated),
 * and for control SUMO cannot run (max-pressure, actuated `skipEmptyPhases`,
 * `detectorDistance` with a `signalIndex`).
 */
export function tlLogicXml(programs: readonly SignalProgramSpec[], net: CompiledNetwork | RoadNetwork, signalIndex?: ImportResult['signalIndex'], options: TlLogicXmlOptions = {}): string {
  const index = signalIndex ?? sumoSignalIndex(net);
  const actuated = actuatedExport(options.control, options.begin, net, signalIndex !== undefined);
  const lines = tlLogicElements(programs, index, options.programId ?? 'greenwave', actuated, options.linkCounts, options.stopLinks, options.topology);
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<!-- signal programs written by greenwave -->', '<additional>', ...lines, '</additional>', ''].join('\n');
}

const DIR: Readonly<Record<TurnKind, string>> = { straight: 's', left: 'l', right: 'r', uturn: 't' };
const JUNCTION_TYPE: Readonly<Record<JunctionControl, string>> = { signal: 'traffic_light', priority: 'priority', uncontrolled: 'unregulated' };

function xy(x: number, y: number): string {
  return `${x.toFixed(2)},${y.toFixed(2)}`;
}

/**
 * A loadable SUMO network (`.net.xml`) of a greenwave network, without internal
 * lanes, with connections numbered as {@link sumoSignalIndex} says and a
 * `tlLogic` for every signal. See the module header for what is approximated.
 */
export function sumoNetXml(net: RoadNetwork | CompiledNetwork, options: SumoNetXmlOptions = {}): string {
  const width = options.laneWidth ?? 3.2;
  if (!(width > 0)) throw new UsageError(`sumoNetXml: options.laneWidth must be > 0, got ${String(options.laneWidth)}`);
  const view = viewOf(net);
  const compiled = net instanceof CompiledNetwork ? net : compile(net, { shared: false });
  const signalIndex = sumoSignalIndex(compiled);
  const given = new Map((options.programs ?? []).map((p) => [p.junction, p]));
  const programs: SignalProgramSpec[] = [];
  for (let j = 0; j < compiled.junctionCount; j++) {
    if (compiled.junctionControl[j] !== CONTROL_CODE.signal) continue;
    const id = compiled.junctionKey(j);
    programs.push(given.get(id) ?? programToSpec(compiled, defaultProgram(compiled, j)));
  }
  for (const id of given.keys()) if (!signalIndex[id]) throw new UsageError(`sumoNetXml: program for junction "${id}", which is not a signal`);

  const xs = view.junctions.map((j) => j.x);
  const ys = view.junctions.map((j) => j.y);
  const bounds = view.junctions.length === 0 ? '0.00,0.00,0.00,0.00' : `${xy(Math.min(...xs), Math.min(...ys))},${xy(Math.max(...xs), Math.max(...ys))}`;
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- network written by greenwave: no internal lanes, no right-of-way matrix -->',
    `<net version="1.9" junctionCornerDetail="0"${view.side === 'left' ? ' lefthand="true"' : ''} limitTurnSpeed="-1">`,
    `    <location netOffset="0.00,0.00" convBoundary="${bounds}" origBoundary="${bounds}" projParameter="!"/>`,
  ];
  const at = new Map(view.junctions.map((j) => [j.id, j]));
  const sign = view.side === 'left' ? -1 : 1;
  for (const l of view.links) {
    const a = at.get(l.from)!;
    const b = at.get(l.to)!;
    const d = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    // Normal towards the driving side: right of travel for right-hand traffic.
    const nx = (sign * (b.y - a.y)) / d;
    const ny = (sign * -(b.x - a.x)) / d;
    const name = l.name === undefined ? '' : ` name="${escapeXml(l.name)}"`; // SUMO's edge attribute for the street name
    lines.push(`    <edge id="${escapeXml(l.id)}" from="${escapeXml(l.from)}" to="${escapeXml(l.to)}"${name} priority="-1">`);
    for (let i = 0; i < l.lanes; i++) {
      const off = (l.lanes - i - 0.5) * width;
      lines.push(`        <lane id="${escapeXml(`${l.id}_${i}`)}" index="${i}" speed="${l.speed.toFixed(2)}" length="${l.length.toFixed(2)}" shape="${xy(a.x + nx * off, a.y + ny * off)} ${xy(b.x + nx * off, b.y + ny * off)}"/>`);
    }
    lines.push('    </edge>');
  }
  lines.push(...tlLogicElements(programs, signalIndex, options.programId ?? '0'));

  const into = approaches(view);
  const linkAt = new Map(view.links.map((l, i) => [l.id, i]));
  const connections: string[] = [];
  for (const j of view.junctions) {
    const incoming = into.get(j.id) ?? [];
    const inLanes = incoming.flatMap((l) => Array.from({ length: view.links[l].lanes }, (_, i) => `${view.links[l].id}_${i}`));
    let count = 0;
    for (const l of incoming) {
      for (const m of view.movements[l]) {
        const toLanes = view.links[linkAt.get(m.to)!].lanes;
        const indices = signalIndex[j.id]?.links[`${view.links[l].id}>${m.to}`];
        m.lanes.forEach((lane, k) => {
          const tl = indices ? ` tl="${escapeXml(j.id)}" linkIndex="${indices[k]}"` : '';
          const state = indices ? 'O' : j.control === 'priority' ? 'M' : '=';
          connections.push(`    <connection from="${escapeXml(view.links[l].id)}" to="${escapeXml(m.to)}" fromLane="${lane}" toLane="${Math.min(lane, toLanes - 1)}"${tl} dir="${DIR[m.turn]}" state="${state}"/>`);
          count++;
        });
      }
    }
    const type = count === 0 ? 'dead_end' : JUNCTION_TYPE[j.control];
    const r = 1.5 * width;
    const shape = `${xy(j.x - r, j.y - r)} ${xy(j.x + r, j.y - r)} ${xy(j.x + r, j.y + r)} ${xy(j.x - r, j.y + r)}`;
    lines.push(`    <junction id="${escapeXml(j.id)}" type="${type}" x="${j.x.toFixed(2)}" y="${j.y.toFixed(2)}" incLanes="${escapeXml(inLanes.join(' '))}" intLanes="" shape="${shape}">`);
    const zeros = '0'.repeat(count);
    for (let i = 0; i < count; i++) lines.push(`        <request index="${i}" response="${zeros}" foes="${zeros}" cont="0"/>`);
    lines.push('    </junction>');
  }
  lines.push(...connections, '</net>', '');
  return lines.join('\n');
}

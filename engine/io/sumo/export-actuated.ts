/**
 * Actuated programs for SUMO: how `tlLogicXml` (export.ts) writes greenwave's
 * actuated control as SUMO `tlLogic`s.
 *
 * With `tlLogicXml`'s `options.control` `{ kind: 'actuated', gap?, detectorGap?, detectorDistance? }`
 * it writes SUMO's gap-based actuated programs (SUMO docs, Simulation/Traffic_Lights,
 * "Type 'actuated'"; behaviour read in MSActuatedTrafficLightLogic, checked in
 * SUMO 1.15): `type="actuated"`; each green gets `minDur` = minGreen and `maxDur` =
 * maxGreen (PHASE_DEFAULTS when absent) and `duration` clamped into them (SUMO uses
 * it only for the first phase and the offset); yellow and all-red keep a fixed
 * `duration`. `max-gap` = gap and `detector-gap` = detectorGap, greenwave's
 * effective values (its defaults are SUMO's: 3 s and 2 s). SUMO bounds its own
 * detector distance by `(min minDur / passing-time + 0.5) x 7.5 m`; greenwave has
 * no such bound, so `passing-time` (which SUMO uses for nothing else but a warning)
 * is lowered from SUMO's 1.9 s just enough that detectors stay at greenwave's
 * min(detectorGap x speed, approach length). detectorDistance (metres, the same on
 * every approach) has no per-tlLogic SUMO parameter: it becomes SUMO "custom
 * detectors", an `inductionLoop` at max(0, lane length - distance) on every
 * approach lane, named by `<param key="LANE" value="LOOP"/>` - exact, but only for
 * networks `sumoNetXml` writes (lane ids `link_i`, same lengths); with a
 * `signalIndex` (an imported SUMO network) it is refused. greenwave's actuated
 * controller ignores the program offset and starts phase 0 when the run starts;
 * SUMO 1.15 has no `offset="begin"`, so the offset is `options.begin` modulo the
 * written cycle. Refused (`UsageError`): max-pressure (SUMO has no such tlLogic
 * type) and `skipEmptyPhases` (NEMA skipping and rest-in-green, which SUMO would
 * need `next` lists for). Both use a detector in a phase only where SUMO's lane
 * rule allows (every link from the lane green there, or a minor `g` under its
 * rules: signals/detector-rule.ts), and with the target's lanes
 * (`options.topology`) a phase no SUMO loop would serve is written fixed at its
 * minGreen (detector-check.ts). Where the two controllers still differ: SUMO has
 * one detector per lane, greenwave one per green or permissive movement (both
 * extend a green as SUMO does: detector-gap after a detection, in whole seconds,
 * see signals/actuated.ts); on an approach
 * shorter than the detector distance SUMO moves the detector onto a unique
 * predecessor lane, greenwave puts it at the approach's upstream end (as SUMO
 * does without a unique predecessor); `detector-gap` is still written with
 * detectorDistance and then only sets SUMO's minimum extension.
 */
import { UsageError } from '../../errors.js';
import type { CompiledNetwork } from '../../network/compiled.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { DEFAULT_ACTUATED_OPTIONS } from '../../signals/actuated.js';
import type { SignalControl } from '../../signals/control.js';
import { escapeXml } from '../xml.js';
import { approaches, sumoSeconds as seconds, viewOf, type NetView } from './net-view.js';

/** SUMO's vehicle length plus gap in its detector-placement bound, m (MSActuatedTrafficLightLogic DEFAULT_LENGTH_WITH_GAP). */
const SUMO_LENGTH_WITH_GAP = 7.5;
/** SUMO's default passing-time, s (MSActuatedTrafficLightLogic DEFAULT_PASSING_TIME). */
const SUMO_PASSING_TIME = 1.9;

/** What an actuated export needs: greenwave's effective controller settings and the network for the detectors. */
export interface ActuatedExport {
  gap: number;
  detectorGap: number;
  /** m; with it every approach lane gets a custom induction loop. */
  detectorDistance?: number;
  /** SUMO run start, s. */
  begin: number;
  view: NetView;
  into: Map<string, number[]>;
}

function positiveOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`tlLogicXml: options.control.${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** The actuated settings of `control` (undefined for fixed time), refusing what SUMO cannot run. */
export function actuatedExport(control: SignalControl | undefined, begin: number | undefined, net: CompiledNetwork | RoadNetwork, imported: boolean): ActuatedExport | undefined {
  if (control === undefined || control.kind === 'fixed') return undefined;
  if (control.kind === 'max-pressure') {
    throw new UsageError('tlLogicXml: max-pressure control cannot be written as a SUMO tlLogic (SUMO has no max-pressure type; its programs are static, actuated, delay_based, NEMA or off): export fixed-time or actuated control');
  }
  if (control.kind !== 'actuated') throw new UsageError(`tlLogicXml: options.control.kind must be "fixed", "actuated" or "max-pressure", got ${JSON.stringify((control as { kind: unknown }).kind)}`);
  if (control.skipEmptyPhases === true) {
    throw new UsageError('tlLogicXml: actuated control with skipEmptyPhases (NEMA phase skipping, rest in green) has no exact SUMO tlLogic equivalent here: export it without skipEmptyPhases');
  }
  const gap = positiveOption('gap', control.gap, DEFAULT_ACTUATED_OPTIONS.gap);
  const detectorGap = positiveOption('detectorGap', control.detectorGap, DEFAULT_ACTUATED_OPTIONS.detectorGap);
  const view = viewOf(net);
  if (begin !== undefined && (typeof begin !== 'number' || !Number.isFinite(begin))) throw new UsageError(`tlLogicXml: options.begin must be a finite number of seconds, got ${String(begin)}`);
  const out: ActuatedExport = { gap, detectorGap, view, into: approaches(view), begin: begin ?? 0 };
  if (control.detectorDistance !== undefined) {
    out.detectorDistance = positiveOption('detectorDistance', control.detectorDistance, 0);
    if (imported) {
      throw new UsageError(
        'tlLogicXml: options.control.detectorDistance needs detectors at a distance in metres, written as SUMO induction loops on the approach lanes; ' +
          'with a signalIndex (a network imported from SUMO) the SUMO lane ids and lengths are not known here: give detectorGap (seconds) instead',
      );
    }
  }
  return out;
}

/**
 * The `<param>`s of an actuated tlLogic for `junctions` (one SUMO traffic light)
 * and the custom induction loops it uses (with `detectorDistance`).
 * passing-time only bounds where SUMO places its own detectors
 * (`(minDur / passing-time + 0.5) x 7.5 m`) and when it warns that minDur is too
 * short to clear the vehicles between detector and stop line; greenwave has no
 * such bound, so it is lowered from SUMO's 1.9 s just enough that the bound
 * never moves a detector from greenwave's position (min(detectorGap x speed,
 * approach length)).
 */
export function actuatedParams(a: ActuatedExport, controller: string, programId: string, junctions: readonly string[], minMinDur: number): { params: string[]; loops: string[] } {
  const params = [
    `        <param key="max-gap" value="${seconds(a.gap)}"/>`,
    `        <param key="detector-gap" value="${seconds(a.detectorGap)}"/>`,
  ];
  const loops: string[] = [];
  let farthest = 0;
  for (const j of junctions) {
    for (const l of a.into.get(j) ?? []) {
      const link = a.view.links[l];
      if (a.view.movements[l].length === 0) continue;
      const distance = Math.min(link.length, a.detectorDistance ?? a.detectorGap * link.speed);
      farthest = Math.max(farthest, distance);
      if (a.detectorDistance === undefined) continue;
      // Same rounding as the lane length sumoNetXml writes, so the position lies on the lane.
      const length = Number(link.length.toFixed(2));
      const pos = Math.max(0, Math.floor((length - distance) * 100) / 100);
      for (let i = 0; i < link.lanes; i++) {
        const lane = `${link.id}_${i}`;
        const id = `${controller}_${programId}_${lane}`;
        loops.push(`    <inductionLoop id="${escapeXml(id)}" lane="${escapeXml(lane)}" pos="${pos.toFixed(2)}" period="3600" file="NUL"/>`);
        params.push(`        <param key="${escapeXml(lane)}" value="${escapeXml(id)}"/>`);
      }
    }
  }
  const ratio = farthest / SUMO_LENGTH_WITH_GAP;
  const passing = minMinDur > 0 && ratio > 0 ? Math.min(SUMO_PASSING_TIME, Math.floor((minMinDur / ratio) * 1000) / 1000) : SUMO_PASSING_TIME;
  params.push(`        <param key="passing-time" value="${seconds(Math.max(passing, 0.001))}"/>`);
  return { params, loops };
}

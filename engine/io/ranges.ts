/**
 * The check every importer makes last: each number its result would write into
 * a scenario (the document of `scenario-doc.ts`, in that document's units) lies
 * in the scenario's documented range (`engine/limits.ts`), and the times and
 * link physics the loader relates to one another agree, so that no input file,
 * however mutated, gives a scenario the loader rejects. A value outside is the
 * input's fault: an `InputError` located where the importer read the element
 * (`file:line` when it can say, else the file), naming the element, the field,
 * the range and why.
 *
 * Importers check what they can at the attribute that carries it (a phase
 * duration, a vehicle type); this is the backstop for everything else, run on
 * the whole result at the end of every import.
 */
import { InputError } from '../errors.js';
import { LIMITS, limitProblem, type Limit } from '../limits.js';
import { PHASE_DEFAULTS } from '../signals/program.js';
import { inUnit, simulatedPeriod } from './scenario-doc.js';
import type { ImportResult } from './types.js';

/** Kinds of element an import result holds. */
export type ImportElement = 'junction' | 'link' | 'program' | 'trip' | 'flow' | 'od' | 'simulation' | 'vehicle';

/**
 * Where the importer read an element (`file:line`, or a file), by kind and id
 * (a program by its junction id, an OD matrix by its index); undefined when it
 * cannot say. Called only when a value is out of range, so it may search.
 */
export type LocateElement = (kind: ImportElement, id: string) => string | undefined;

const at = (t: number): string => `${t} s`;

/**
 * Throw an `InputError` for the first value of `result` that the scenario
 * loader would reject: a number outside its range in `LIMITS`, a run that ends
 * before it starts, a departure or a flow outside the run, a flow that ends
 * before it begins, minGreen above maxGreen, or a link whose saturation flow is
 * not below speed / jam spacing.
 * @param locate where an element was read (see {@link LocateElement}); the first file of the result otherwise.
 */
export function checkImportRanges(result: ImportResult, locate: LocateElement = () => undefined): void {
  const fallback = result.files[0] ?? result.format;
  const fail = (kind: ImportElement, id: string, label: string, message: string): never => {
    throw new InputError(locate(kind, id) ?? fallback, `${label}: ${message}; greenwave cannot simulate this value, correct it in the input`);
  };
  const check = (kind: ImportElement, id: string, label: string, field: string, value: number, limit: Limit): void => {
    const problem = limitProblem(value, limit);
    if (problem !== undefined) fail(kind, id, label, `${field} ${problem}`);
  };

  const network = result.network;
  for (const j of network.junctions()) {
    const label = `junction "${j.id}"`;
    check('junction', j.id, label, 'x', j.x, LIMITS.coordinateM);
    check('junction', j.id, label, 'y', j.y, LIMITS.coordinateM);
  }
  for (const l of network.links()) {
    const label = `link "${l.id}"`;
    const speedKmh = inUnit(l.speed, 3.6);
    const saturation = inUnit(l.saturationFlow, 3600);
    check('link', l.id, label, 'length (m)', l.length, LIMITS.lengthM);
    check('link', l.id, label, 'lanes', l.lanes, LIMITS.lanes);
    check('link', l.id, label, 'speed (km/h)', speedKmh, LIMITS.speedKmh);
    check('link', l.id, label, 'saturation flow (veh/h per lane)', saturation, LIMITS.saturationVehPerHourPerLane);
    check('link', l.id, label, 'jam spacing (m)', l.jamSpacing, LIMITS.jamSpacingM);
    for (const [x, y] of l.shape ?? []) {
      check('link', l.id, label, 'shape point x', x, LIMITS.coordinateM);
      check('link', l.id, label, 'shape point y', y, LIMITS.coordinateM);
    }
    // The kernel's fundamental diagram needs speed / jam spacing above the saturation flow (as the loader checks).
    if (!(saturation / 3600 < speedKmh / 3.6 / l.jamSpacing)) {
      fail('link', l.id, label, `a speed of ${speedKmh} km/h and a jam spacing of ${l.jamSpacing} m let a lane discharge at most ${Math.floor((speedKmh / 3.6 / l.jamSpacing) * 3600)} veh/h, below its saturation flow of ${saturation} veh/h`);
    }
  }

  for (const p of result.programs) {
    const label = `signal program of junction "${p.junction}"`;
    if (p.offset !== undefined) check('program', p.junction, label, 'offset (s)', p.offset, LIMITS.offsetS);
    if (p.control !== undefined) {
      const c = p.control;
      if (c.gap !== undefined) check('program', p.junction, label, 'max-gap (s)', c.gap, LIMITS.actuatedGapS);
      if (c.detectorGap !== undefined) check('program', p.junction, label, 'detector-gap (s)', c.detectorGap, LIMITS.actuatedGapS);
      if (c.passingTime !== undefined) check('program', p.junction, label, 'passing-time (s)', c.passingTime, LIMITS.actuatedGapS);
    }
    p.phases.forEach((ph, i) => {
      const phase = `${label}, phase ${i}`;
      check('program', p.junction, phase, 'green (s)', ph.duration, LIMITS.greenS);
      if (ph.yellow !== undefined) check('program', p.junction, phase, 'yellow (s)', ph.yellow, LIMITS.clearanceS);
      if (ph.allRed !== undefined) check('program', p.junction, phase, 'all-red (s)', ph.allRed, LIMITS.clearanceS);
      if (ph.minGreen !== undefined) check('program', p.junction, phase, 'minimum green (s)', ph.minGreen, LIMITS.adaptiveGreenS);
      if (ph.maxGreen !== undefined) check('program', p.junction, phase, 'maximum green (s)', ph.maxGreen, LIMITS.adaptiveGreenS);
      const min = ph.minGreen ?? PHASE_DEFAULTS.minGreen;
      const max = ph.maxGreen ?? PHASE_DEFAULTS.maxGreen;
      if (min > max) fail('program', p.junction, phase, `minimum green ${min} s exceeds the maximum green ${max} s`);
    });
  }

  if (result.vehicle !== undefined) {
    const v = result.vehicle;
    const label = 'vehicle class (the mean of the vehicle types)';
    check('vehicle', '', label, 'acceleration (m/s²)', v.accel, LIMITS.accelerationMS2);
    check('vehicle', '', label, 'deceleration (m/s²)', v.decel, LIMITS.accelerationMS2);
    check('vehicle', '', label, 'sigma', v.sigma, LIMITS.share);
  }

  const { start, end } = simulatedPeriod(result);
  check('simulation', '', 'simulated period', 'begin (s)', start, LIMITS.clockS);
  check('simulation', '', 'simulated period', 'end (s)', end, LIMITS.clockS);
  if (!(end > start)) fail('simulation', '', 'simulated period', `ends at ${at(end)}, not after its begin ${at(start)}`);

  const demand = result.demand;
  demand.trips?.forEach((t, i) => {
    const id = t.id ?? String(i);
    const label = `trip "${id}"`;
    check('trip', id, label, 'departure (s)', t.depart, LIMITS.clockS);
    if (!(t.depart >= start && t.depart < end)) fail('trip', id, label, `departs at ${at(t.depart)}, outside the simulated period ${at(start)} to ${at(end)}`);
  });
  const period = (kind: 'flow' | 'od', id: string, label: string, begin: number, stop: number): void => {
    check(kind, id, label, 'begin (s)', begin, LIMITS.clockS);
    check(kind, id, label, 'end (s)', stop, LIMITS.clockS);
    if (!(stop > begin)) fail(kind, id, label, `ends at ${at(stop)}, not after its begin ${at(begin)}`);
    if (!(begin >= start && begin < end)) fail(kind, id, label, `begins at ${at(begin)}, outside the simulated period ${at(start)} to ${at(end)}`);
  };
  demand.flows?.forEach((f, i) => {
    const id = f.id ?? String(i);
    const label = `flow "${id}"`;
    check('flow', id, label, 'rate (veh/h)', inUnit(f.rate, 3600), LIMITS.vehPerHour);
    period('flow', id, label, f.begin, f.end);
  });
  demand.od?.forEach((m, i) => {
    const id = String(i);
    const label = `OD matrix ${i}`;
    m.trips.forEach((row, o) => row.forEach((v, d) => check('od', id, label, `rate from zone ${o} to zone ${d} (veh/h)`, v, LIMITS.vehPerHour)));
    period('od', id, label, m.begin, m.end);
    for (const p of m.profile ?? []) {
      check('od', id, label, 'profile time (s)', p.time, LIMITS.clockS);
      check('od', id, label, 'profile factor', p.factor, LIMITS.demandFactor);
    }
  });
}

/**
 * Gap acceptance of a vehicle class at unsignalised priority junctions: how long a
 * lag (time to the next conflicting vehicle) a vehicle on a minor movement needs,
 * how soon the vehicle queued behind it may follow, and how long a passing
 * conflicting vehicle occupies the junction. Two models:
 *
 *  - `hcm` (greenwave's default class, CityFlow imports): HCM 7th ed. (Exhibit
 *    20-11/20-12) base critical headways and follow-up headways for passenger
 *    cars, by turn: major far-side turn 4.1 s / 2.2 s; minor near-side turn
 *    6.2 s / 3.3 s; minor straight 6.5 s / 4.0 s; minor far-side turn 7.1 s / 3.5 s.
 *    A gap is judged from the moment the conflicting vehicle passes; a vehicle
 *    arriving at speed needs the same lag as a stopped one (HCM's values are for
 *    stop-controlled approaches).
 *
 *  - `sumo` (SUMO imports): SUMO's rule for a minor link (MSLink::blockedByFoe, see
 *    SUMO's documentation of the junction model parameters): a vehicle may enter
 *    when every foe's arrival at the junction is later than its own leaving time
 *    plus `jmTimegapMinor` (default 1 s), and the foe ahead has left the junction.
 *    SUMO estimates a leaving time as (crossing length + vehicle length) / mean of
 *    the speeds at entry and exit, the exit speed being min(exit speed limit,
 *    sqrt(v_entry² + 2 a L)) (MSLink::getLeaveTime, MSVehicle::estimateLeaveSpeed).
 *    With L the junction's crossing length, l the vehicle length, a the class's
 *    acceleration, v the approach speed and v_out the exit speed limit:
 *      - critical lag of a stopped vehicle
 *          t_c = (L + l) / (min(v_out, sqrt(2 a L)) / 2) + jmTimegapMinor;
 *      - critical lag of a vehicle still rolling at a yield (SUMO state 'm'):
 *          t_m(u) = (L + l) / ((u + min(v_out, sqrt(u² + 2 a L))) / 2) + jmTimegapMinor
 *        at its entry speed u. A vehicle that has waited w at the stop line, less
 *        than the kernel's halt wait H = v / (2b) + v_out / (2a) (losses.ts), has
 *        only slowed down: braking from v to u at b and back at a loses
 *        (v - u)² / v x (1/(2b) + 1/(2a)) = w, so u = v (1 - sqrt(w / H)) (exact
 *        for v_out = v; u = v on arrival, 0 at a halt, where t_m = t_c). A vehicle
 *        that must stop first (SUMO state 's', `rightOfWay: 'stop'`) and a halted
 *        one use t_c;
 *      - follow-up headway: the minor queue's own discharge headway 1 / (s x lanes)
 *        (the next queued vehicle rolls up behind the first, as SUMO's do);
 *      - a conflicting vehicle occupies the junction for (L + l) / v after it
 *        reaches its stop line (its leaving time at the approach speed v), so
 *        the gap between two conflicting vehicles must be at least that plus t_c.
 *    L is not carried from SUMO's internal lanes: it is the width of the roads
 *    crossed (their lanes x `laneWidth`, SUMO's default lane width 3.2 m) plus
 *    twice `junctionRadius` (netconvert's default corner radius, 4 m), which is
 *    the length of SUMO's straight internal lane on a crossing of one-lane roads
 *    (14.4 m).
 *      - impatience (SUMO: MSBaseVehicle::getImpatience, MSLink::blockedByFoe): a
 *        driver's impatience is min(1, impatience + w / timeToImpatience) (SUMO's
 *        defaults 0 and 180 s), w its waiting time; it takes a conflicting vehicle
 *        that can still stop (at least v / (2b) away) to arrive impatience x 30 s
 *        later (SUMO's braking arrival time for a vehicle able to stop is its
 *        arrival plus 30 s), so impatient drivers force their way in, and the
 *        conflicting vehicles then brake: none passes before the forcing vehicle
 *        has left. SUMO's waiting time restarts whenever the vehicle moves; a head
 *        vehicle at a yield starts whenever the junction clears (and stops again
 *        when the next foe is seen), so w counts from the latest of: reaching the
 *        stop line, the vehicle ahead leaving, the last conflicting vehicle
 *        clearing the junction. Measured with SUMO 1.15 (evenly spaced major
 *        stream, h = 5 s < the critical gap, saturated minor road): 0.083 minor
 *        vehicles per gap with SUMO's default, 0.023 with --time-to-impatience 0;
 *        a wait accumulating over the whole queue head time gave 0.33 here.
 *      - merges (movements.ts `mergeWait`): where the conflicting movement enters
 *        the same exit link, an impatient driver judges a major vehicle at speed v
 *        and distance d by its speed braking at impatience x b, sqrt(v² - 2 I b d),
 *        and does not merge while that is at least its own leave speed
 *        (MSLink::computeFoeArrivalTimeBraking, MSLink::unsafeMergeSpeeds), with
 *        impatience from the time at standstill at the line (SUMO's waiting time).
 *
 * Permissive movements at signals keep HCM's major far-side values in both models,
 * without impatience.
 */
import { UsageError } from '../errors.js';

/** HCM 7th ed. gap acceptance (the default). */
export interface HcmGapAcceptance {
  model: 'hcm';
}

/** SUMO's gap acceptance rule (the class of SUMO imports); every field defaults to SUMO's. */
export interface SumoGapAcceptance {
  model: 'sumo';
  /** Time a foe must arrive after the vehicle has left the junction (SUMO's `jmTimegapMinor`), s. Default 1. */
  timegapMinor?: number;
  /** Vehicle length (SUMO's vType `length`), m. Default 5. */
  length?: number;
  /** Width of one lane of the roads crossed (netconvert's `default.lanewidth`), m. Default 3.2. */
  laneWidth?: number;
  /** Corner radius added on each side of the roads crossed (netconvert's `default.junctions.radius`), m. Default 4. */
  junctionRadius?: number;
  /** Base impatience of the drivers, 0..1 (SUMO's vType `impatience`). Default 0. */
  impatience?: number;
  /** Wait after which impatience has grown by 1 (SUMO's `--time-to-impatience`; 0: it never grows), s. Default 180. */
  timeToImpatience?: number;
}

/** A vehicle class's gap-acceptance model at priority junctions. */
export type GapAcceptance = HcmGapAcceptance | SumoGapAcceptance;

/** SUMO's defaults of {@link SumoGapAcceptance}. */
export const SUMO_GAP_DEFAULTS: Readonly<Required<Omit<SumoGapAcceptance, 'model'>>> = { timegapMinor: 1, length: 5, laneWidth: 3.2, junctionRadius: 4, impatience: 0, timeToImpatience: 180 };

/** HCM 7th ed. base critical headway and follow-up headway, s, by kind of yielding movement. */
export const HCM_GAPS = {
  /** A turn off the major road across the opposing major flow (and a permissive turn at a signal). */
  majorFarTurn: { criticalGap: 4.1, followUp: 2.2 },
  /** A minor-road turn to the near side. */
  minorNearTurn: { criticalGap: 6.2, followUp: 3.3 },
  /** A minor-road straight movement across the major road. */
  minorStraight: { criticalGap: 6.5, followUp: 4.0 },
  /** A minor-road turn to the far side. */
  minorFarTurn: { criticalGap: 7.1, followUp: 3.5 },
} as const;

/**
 * SUMO's estimate of the time to leave a junction of crossing length `crossing` (m)
 * for a vehicle of length `length` (m) entering it at `vIn` (m/s) and accelerating at
 * `accel` (m/s²) up to `vMax` (m/s): (L + l) / ((v_in + v_out) / 2), v_out =
 * min(vMax, sqrt(v_in² + 2 a L)), s.
 */
export function leaveTime(crossing: number, length: number, vIn: number, vMax: number, accel: number): number {
  const vOut = Math.min(vMax, Math.sqrt(vIn * vIn + 2 * accel * crossing));
  const mean = (vIn + vOut) / 2;
  return mean > 0 ? (crossing + length) / mean : Infinity;
}

/** `gap` with SUMO's defaults filled in (for the `sumo` model). */
export function sumoGapParameters(gap: SumoGapAcceptance): Required<SumoGapAcceptance> {
  return { model: 'sumo', ...SUMO_GAP_DEFAULTS, ...Object.fromEntries(Object.entries(gap).filter(([, v]) => v !== undefined)) } as Required<SumoGapAcceptance>;
}

/** Check a gap-acceptance model (`where` names it in messages); throws `UsageError`. */
export function checkGapAcceptance(gap: GapAcceptance, where: string): GapAcceptance {
  if (typeof gap !== 'object' || gap === null) throw new UsageError(`${where} must be an object { model: "hcm" | "sumo" }, got ${String(gap)}`);
  if (gap.model === 'hcm') return gap;
  if (gap.model !== 'sumo') throw new UsageError(`${where}.model must be "hcm" or "sumo", got ${JSON.stringify((gap as { model: unknown }).model)}`);
  const check = (key: keyof typeof SUMO_GAP_DEFAULTS, positive: boolean, unit: string): void => {
    const x = gap[key];
    if (x === undefined) return;
    if (typeof x !== 'number' || !Number.isFinite(x) || (positive ? !(x > 0) : !(x >= 0))) {
      throw new UsageError(`${where}.${key} must be a finite number of ${unit} ${positive ? '> 0' : '>= 0'}, got ${String(x)}`);
    }
  };
  check('timegapMinor', false, 'seconds');
  check('length', true, 'metres');
  check('laneWidth', true, 'metres');
  check('junctionRadius', false, 'metres');
  check('timeToImpatience', false, 'seconds');
  check('impatience', false, 'units (0..1)');
  if (gap.impatience !== undefined && gap.impatience > 1) throw new UsageError(`${where}.impatience must be within [0, 1], got ${gap.impatience}`);
  return gap;
}

/**
 * Start-up and stop losses of a vehicle class: the time a real vehicle loses to
 * accelerating, braking and imperfect driving that a mesoscopic vehicle driving
 * at the link speed would not, added to the time it reaches its next stop line
 * (no extra events; the kernel adds them where it already schedules arrivals).
 *
 * The class (`VehicleModel`) holds SUMO's car-following parameters: acceleration
 * a, deceleration b, driver imperfection sigma (SUMO's defaults for the Krauss model:
 * a = 2.6 m/s², b = 4.5 m/s², sigma = 0.5; greenwave's default is SUMO's), and whether
 * a start from standstill costs time. Formulas (v: the link's speed, m/s):
 *
 *  - Departure from standstill: accelerating from 0 to v at a takes v / a and
 *    covers v² / (2a), which at speed v takes v / (2a): the loss is v / (2a) on
 *    the first link. Departing at speed v0 (a trip's `departSpeed`, SUMO's
 *    attribute): (v - v0)² / (2av), none at the link speed.
 *  - SUMO's step (`stepLength` Δt: SUMO's class and imports; greenwave's own
 *    class is continuous): SUMO advances in whole
 *    steps and counts each step at its end speed, so from standstill it loses
 *    v / (2a) - Δt/2 (Σ_k (1 - k a Δt / v) Δt over the v / (aΔt) steps). SUMO 1.15,
 *    one free vehicle on 1 km at 13.89 m/s, a = 2.6: timeLoss 2.19 / 2.43 / 2.62 s
 *    at Δt = 1 / 0.5 / 0.1 s against 2.17 / 2.42 / 2.62 from the formula; from
 *    half speed 0.44 / 0.55 / 0.64 against 0.42 / 0.54 / 0.64
 *    ((v - v0)² / (2av) - Δt/2 x (v - v0)/v); Euler and ballistic updates alike.
 *  - Halt: a vehicle whose wait at a stop line is at least the time a full
 *    brake-and-restart cycle costs, w >= v_in / (2b) + v_out / (2a), has halted
 *    (this also defines a "stop" in the metrics); it pays the restart loss
 *    v_out / (2a) after the stop line. Its braking happens inside the wait, which
 *    the signal and the queue already set. A shorter wait is absorbed by slowing
 *    down: no stop, no loss.
 *  - Where a start from standstill (a departure, a restart after a halt) is
 *    charged: on the link where the vehicle reaches its speed, v² / (2a) metres
 *    after the start (37 m at 13.89 m/s and 2.6 m/s²); the links shorter than
 *    that before it are crossed at free flow. Physically the loss accrues over
 *    those metres (covering D metres from standstill takes t(D) = sqrt(2D / a)
 *    while D < v² / (2a), else D / v + v / (2a)), but charged on a short link
 *    (SUMO's 0.2 m edges between clustered nodes, the 20 m links inside a
 *    junction cluster) it held one of the link's one or two places for up to
 *    2.2 s that its storage could give nobody else: a chain of them behind a
 *    stop line passed one vehicle every few seconds, where SUMO's platoon
 *    accelerates through them together at saturation flow. A trip that ends
 *    before reaching its speed loses L(D) = t(D) - D / v over the D metres it
 *    drove since the start (`accelerationLossWithin`, scaled by the step
 *    correction's ratio).
 *  - Start-up lost time at a signal: a queue starting at the beginning of a green
 *    does not reach saturation flow at once, and drivers stop for the yellow, so
 *    a green of g seconds serves (g - l) x s vehicles per lane: the first
 *    discharge slot of a green is l later. For SUMO's default car (Krauss,
 *    sigma 0.5, a 2.6 m/s², tau 1 s), measured with SUMO 1.15 on one signalised
 *    lane kept saturated (greens of 5, 6, 8, 12 and 30 s, 3 s yellow): the
 *    first queued vehicle crosses at the start of green, the second about 3 s
 *    later, then one every 1.92 s (1,871 veh/h), none on yellow, i.e.
 *    2.00 / 2.54 / 3.54 / 5.57 / 15.0 vehicles per green = (g - 1.1 s) / 1.92 s
 *    within 2%: l = 1.1 s (with the SUMO import's 1,871 veh/h). It matters
 *    where greens are short (actuated control at its minimum green, Webster's
 *    short cycles): at a 5 s green the fluid model without it serves 25% more.
 *  - Yellow: a vehicle reaching the stop line moving, nobody queued ahead, that
 *    was closer than its braking distance when the yellow began crosses on it
 *    (yellow.ts: b = `yellowDecel`, default `decel`; SUMO's Euler brake gap at
 *    SUMO's step `stepLength`).
 *  - Dawdling (SUMO's Krauss `dawdle`): each second a driver slows by
 *    sigma x min(v, a) x U(0, 1), on average d = sigma x min(v, a) / 2, so a link is
 *    driven at v - d: its free-flow time grows by the factor d / (v - d)
 *    (= sigma a / (2v - sigma a) when v >= a).
 *
 *  - Desired speed (SUMO's `speedFactor`, default `normc(1, speedDev, 0.2, 2)`
 *    with speedDev = 0.1 for cars): each vehicle drives at f x the link speed,
 *    f drawn once per vehicle from a normal distribution of mean 1 and standard
 *    deviation `speedDev`, redrawn outside [0.2, 2]. Its free-flow time on a link
 *    is the link's divided by f (delay counts from it, as SUMO's `timeLoss`).
 *    Nobody overtakes on a one-lane link, so a fast vehicle catches up with a
 *    slower one ahead and follows it: evenly spaced departures reach a junction
 *    bunched, in platoons with longer gaps between them. On a link of several
 *    lanes SUMO's vehicles change lanes and keep their own speeds, so there
 *    each vehicle reaches the stop line at its own entry + free-flow time / f
 *    (plus its losses), passing slower ones: the link's transit list is kept in
 *    stop-line order, not entry order (links.ts). A FIFO there held fast
 *    vehicles behind every slow one (grid10 Webster delay +13% vs SUMO). SUMO
 *    1.15, two lanes of 800 m behind a signal: the travel times on the link
 *    spread with a standard deviation of 6.3 s in SUMO and 6.6 s here (0.8 s
 *    without the spread; test/io/sumo/platoons.test.ts). SUMO 1.15, one lane of
 *    500 m at 13.89 m/s, departures every 5.14 s, sigma 0: the headways at the
 *    junction have a standard deviation of 3.7 s (1 s to 22 s); greenwave without
 *    the spread keeps every headway at 5.14 s, which decides gap acceptance at
 *    priority junctions (a minor movement whose critical gap exceeds the
 *    headway never goes).
 *
 * CityFlow's vehicles have no such losses (its imports use a class with
 * `startLoss: false`, sigma 0 and no start-up lost time, keeping a and b for
 * the halt rule): its
 * stop-line discharge is already slowed by its car-following headway (the
 * import's saturation flow).
 */
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { DEFAULT_SAFETY } from '../signals/safety.js';
import { checkGapAcceptance, type GapAcceptance } from './gap-acceptance.js';

/** Car-following parameters of a vehicle class for the start-up and stop losses (SI units). */
export interface VehicleModel {
  /** Acceleration a, m/s² (SUMO's default 2.6). */
  accel: number;
  /** Deceleration b, m/s² (SUMO's default 4.5). */
  decel: number;
  /** Driver imperfection sigma, 0..1 (SUMO's Krauss default 0.5; 0: none). */
  sigma: number;
  /** Whether a start from standstill (departure, restart after a halt) costs v / (2a). */
  startLoss: boolean;
  /** Start-up lost time of a queue at the beginning of each green, s (effective green = displayed - this). Default 0. */
  startUpLost?: number;
  /** Standard deviation of the per-vehicle desired-speed factor (SUMO's vType `speedDev`, 0.1 for cars), dimensionless. Default 0: every vehicle at the link speed. */
  speedDev?: number;
  /** Gap acceptance at unsignalised priority junctions (gap-acceptance.ts). Default HCM 7th ed.; SUMO imports bring SUMO's rule. */
  gapAcceptance?: GapAcceptance;
  /** Deceleration with which a driver judges whether it can stop for a yellow, m/s² (yellow.ts). Default `decel`; Infinity: every driver stops (no vehicle crosses on yellow). */
  yellowDecel?: number;
  /** Vehicles per lane of a permissive far-side turn at a signal that may wait inside the junction and leave when its green ends (junction-storage.ts). Default: HCM's 2 with HCM gap acceptance, SUMO's geometry estimate with SUMO's; 0: none. */
  junctionStorage?: number;
  /**
   * SUMO's simulation step Δt, s, for a class that reproduces SUMO's figures
   * (SUMO imports: the configuration's `step-length`, default 1). SUMO moves and
   * counts in whole steps with each step's end speed, so an acceleration from v0 to
   * the link speed v loses Δt/2 x (v - v0)/v less than the continuous formulas
   * above, and it brakes in steps, which shortens the braking distance of the
   * yellow decision (yellow.ts). Default 0: continuous.
   */
  stepLength?: number;
  /**
   * Lanes a trip starting from standstill may enter its first link on: `first`,
   * one lane (SUMO's default `departLane`, the rightmost lane), or `all`, spread
   * over the link's lanes (SUMO's `best`, `free`, `random`). Default `all`.
   */
  departLane?: 'first' | 'all';
  /**
   * Shortest time between two trips entering their first link from standstill on
   * one lane, s (`insertionHeadway`: SUMO inserts a vehicle at speed 0 at the
   * lane's start once the one ahead, itself starting from standstill, has cleared
   * its length + minGap). Never below the saturation headway 1 / s. Default: the
   * saturation headway (trips enter as if discharged at speed).
   */
  insertionHeadway?: number;
}

/**
 * SUMO 1.15's insertion headway on one lane for vehicles starting from
 * standstill (departSpeed 0, its default) with length + minGap `spacing` (m),
 * acceleration `accel` (m/s²) and Krauss `sigma`, s. Measured with SUMO 1.15 (a
 * three-lane edge asked for 5,000 veh/h, `departLane` first, 600 s): 3.0 s for
 * its default car (5 + 2.5 m, 2.6 m/s², sigma 0.5). The leader covers the
 * spacing from standstill in sqrt(2 D / a_e), a_e = a (1 - sigma / 2) its mean
 * acceleration under dawdling (SUMO's Krauss dawdle takes sigma a r, r uniform,
 * off each step's speed gain), so the measured headway is scaled by
 * sqrt((D / 7.5) (a_e,default / a_e)): against SUMO's 2.75 / 3.73 s (4.3 + 1.5 m,
 * 10 + 2.5 m), 3.92 / 2.39 / 4.65 s (a = 1.5, 4, 1) and 2.5 s (sigma 0) it gives
 * 2.64 / 3.87, 3.95 / 2.42 / 4.84 and 2.60 s, within 4%.
 */
export function sumoInsertionHeadway(spacing: number, accel: number, sigma: number): number {
  const effective = (a: number, s: number): number => a * (1 - s / 2);
  return SUMO_INSERTION_HEADWAY * Math.sqrt((spacing / SUMO_DEFAULT_SPACING) * (effective(2.6, 0.5) / effective(accel, sigma)));
}

/** SUMO 1.15's insertion headway for its default car, s (see {@link sumoInsertionHeadway}). */
export const SUMO_INSERTION_HEADWAY = 3.0;
/** SUMO's default car's length + minGap, m. */
const SUMO_DEFAULT_SPACING = 7.5;

/** Start-up lost time of SUMO's default car at a signal, s (measured with SUMO 1.15, see the file header). */
export const SUMO_START_UP_LOST = 1.1;

/** SUMO's default `speedDev` of a passenger car (vType default `speedFactor` = normc(1, 0.1, 0.2, 2)). */
export const SUMO_SPEED_DEV = 0.1;

/** SUMO's default time step (`--step-length`), s: the step of its braking distance (yellow.ts). */
export const SUMO_STEP = 1;

/** SUMO's default passenger car (vType DEFAULT_VEHTYPE, Krauss, speedDev 0.1, SUMO's gap acceptance with its defaults, its yellow decision with b = decel at SUMO's step): the class of SUMO imports. */
export const SUMO_VEHICLE_MODEL: Readonly<VehicleModel> = { accel: 2.6, decel: 4.5, sigma: 0.5, startLoss: true, startUpLost: SUMO_START_UP_LOST, speedDev: SUMO_SPEED_DEV, gapAcceptance: { model: 'sumo' }, stepLength: SUMO_STEP };

/**
 * Deceleration a driver accepts to stop for a yellow in greenwave's own class,
 * m/s²: ITE's 10 ft/s², 3.05 m/s² (Guidelines for Determining Traffic Signal
 * Change and Clearance Intervals, ITE 2020, the kinematic change-interval
 * equation y = t + v / (2a + 2Gg)), the one greenwave's ITE yellow uses
 * (signals/safety.ts). AASHTO's comfortable braking for stopping sight distance
 * (Green Book, 7th ed., 3.2.2) is 11.2 ft/s² (3.4 m/s²).
 */
export const ITE_YELLOW_DECEL = DEFAULT_SAFETY.deceleration;

/**
 * greenwave's default class: SUMO's car with every driver at the link speed
 * (speedDev 0). The spread is SUMO's (imports bring it) but not yet the default:
 * with it the bundled macau-peninsula scenario (OSM, many one-lane links) moved
 * from 294.6 to 326.5 s mean travel time and 0.08 to 7.3 s departure delay,
 * which nothing has checked against a reference yet. Gap acceptance is HCM's
 * (gap-acceptance.ts): the reference greenwave's priority junctions are verified against.
 * Its yellow decision is ITE's (yellow.ts, ITE_YELLOW_DECEL, continuous braking).
 */
export const DEFAULT_VEHICLE_MODEL: Readonly<VehicleModel> = { ...SUMO_VEHICLE_MODEL, speedDev: 0, gapAcceptance: { model: 'hcm' }, yellowDecel: ITE_YELLOW_DECEL, stepLength: 0 };

/**
 * SUMO's accelerations (for the halt rule) without any loss: the fluid model of
 * Webster and HCM, where a queued vehicle leaves at saturation flow and drives
 * on at the link speed, and the effective green is the displayed green (yellow
 * used and lost time cancel: no vehicle crosses on yellow). For verification
 * against those formulas.
 */
export const NO_LOSS_VEHICLE_MODEL: Readonly<VehicleModel> = { accel: 2.6, decel: 4.5, sigma: 0, startLoss: false, startUpLost: 0, yellowDecel: Infinity };

/** Check a vehicle model (`where` names it in messages, e.g. `options.vehicle`); throws `UsageError`. */
export function checkVehicleModel(model: VehicleModel, where: string): VehicleModel {
  if (typeof model !== 'object' || model === null) throw new UsageError(`${where} must be an object { accel, decel, sigma, startLoss }, got ${String(model)}`);
  for (const key of ['accel', 'decel'] as const) {
    const x = model[key];
    if (typeof x !== 'number' || !(x > 0)) throw new UsageError(`${where}.${key} must be a positive number of m/s² (Infinity allowed), got ${String(x)}`);
  }
  if (typeof model.sigma !== 'number' || !(model.sigma >= 0 && model.sigma <= 1)) throw new UsageError(`${where}.sigma must be within [0, 1], got ${String(model.sigma)}`);
  if (typeof model.startLoss !== 'boolean') throw new UsageError(`${where}.startLoss must be true or false, got ${String(model.startLoss)}`);
  const lost = model.startUpLost;
  if (lost !== undefined && !(typeof lost === 'number' && Number.isFinite(lost) && lost >= 0)) throw new UsageError(`${where}.startUpLost must be a finite number of seconds >= 0, got ${String(lost)}`);
  const dev = model.speedDev;
  if (dev !== undefined && !(typeof dev === 'number' && dev >= 0 && dev <= 1)) throw new UsageError(`${where}.speedDev must be within [0, 1], got ${String(dev)}`);
  const yellowDecel = model.yellowDecel;
  if (yellowDecel !== undefined && !(typeof yellowDecel === 'number' && yellowDecel > 0)) throw new UsageError(`${where}.yellowDecel must be a positive number of m/s² (Infinity allowed), got ${String(yellowDecel)}`);
  if (model.gapAcceptance !== undefined) checkGapAcceptance(model.gapAcceptance, `${where}.gapAcceptance`);
  const step = model.stepLength;
  if (step !== undefined && !(typeof step === 'number' && Number.isFinite(step) && step >= 0 && step <= 10)) throw new UsageError(`${where}.stepLength must be a number of seconds within [0, 10], got ${String(step)}`);
  if (model.departLane !== undefined && model.departLane !== 'first' && model.departLane !== 'all') throw new UsageError(`${where}.departLane must be "first" or "all", got ${JSON.stringify(model.departLane)}`);
  const insertion = model.insertionHeadway;
  if (insertion !== undefined && !(typeof insertion === 'number' && Number.isFinite(insertion) && insertion >= 0 && insertion <= 60)) throw new UsageError(`${where}.insertionHeadway must be a number of seconds within [0, 60], got ${String(insertion)}`);
  const storage = model.junctionStorage;
  const maxStorage = LIMITS.junctionStorageVeh.max;
  if (storage !== undefined && !(Number.isInteger(storage) && storage >= 0 && storage <= maxStorage)) {
    throw new UsageError(`${where}.junctionStorage must be a whole number of vehicles per lane within [0, ${maxStorage}], got ${String(storage)}`);
  }
  return model;
}

/** Start-up lost time at the beginning of each green, s: the model's `startUpLost`, 0 when not given. */
export function greenStartLoss(model: VehicleModel): number {
  return model.startUpLost ?? 0;
}

/** Time lost starting from standstill (departing, or restarting after a halt) onto a link of speed `v` (m/s): v / (2a) - Δt/2 when the class has start losses, s (Δt: `stepLength`, 0 by default). */
export function departureLoss(model: VehicleModel, v: number): number {
  return model.startLoss ? startLoss(model, v) : 0;
}

/** v / (2a) - Δt/2 (floored at 0): accelerating from standstill to `v` (m/s), s. */
function startLoss(model: VehicleModel, v: number): number {
  const step = model.stepLength ?? 0;
  return step > 0 ? Math.max(0, v / (2 * model.accel) - step / 2) : v / (2 * model.accel);
}

/**
 * Time lost departing at speed `v0` onto a link of speed `v` (m/s), s: accelerating
 * from v0 to v takes (v - v0) / a and covers (v² - v0²) / (2a), which at v takes
 * (v² - v0²) / (2av), so the loss is (v - v0)² / (2av); 0 when v0 >= v (SUMO's
 * `departSpeed="max"`) or the class has no start losses, v / (2a) at v0 = 0. A
 * class with SUMO's step Δt loses Δt/2 x (v - v0)/v less (floored at 0).
 */
export function departureLossAt(model: VehicleModel, v: number, v0: number): number {
  if (!model.startLoss || v0 >= v) return 0;
  if (v0 <= 0) return departureLoss(model, v);
  const step = model.stepLength ?? 0;
  return Math.max(0, (v - v0) * (v - v0) / (2 * model.accel * v) - (step / 2) * (v - v0) / v);
}

/** Shortest stop-line wait that is a halt (a stop) between links of speeds `vIn` and `vOut` (m/s): vIn / (2b) + vOut / (2a), s. */
export function haltWait(model: VehicleModel, vIn: number, vOut: number): number {
  return vIn / (2 * model.decel) + vOut / (2 * model.accel);
}

/**
 * Distance a start from standstill takes to reach speed `v` (m/s) at the class's
 * acceleration: v² / (2a), m (0 without start losses: nothing to place).
 */
export function accelerationDistance(model: VehicleModel, v: number): number {
  return model.startLoss ? (v * v) / (2 * model.accel) : 0;
}

/**
 * Loss of a start from standstill (a departure or a restart after a halt:
 * `departureLoss`, the whole loss `full`, s) over its first `D` metres on a road
 * of speed `v` (m/s) with acceleration `a` (m/s²): L(D) = t(D) - D / v (see the
 * file header), scaled by full / (v / (2a)), s; `full` once D >= v² / (2a), 0
 * when `full` is 0 (no start losses).
 */
export function accelerationLossWithin(full: number, v: number, a: number, D: number): number {
  if (!(full > 0)) return 0;
  return (full / (v / (2 * a))) * lossTo(D, v, a);
}

/** L(D) = t(D) - D / v: time lost in the first `D` metres of a start from standstill to `v` (m/s) at `a` (m/s²), s. */
function lossTo(D: number, v: number, a: number): number {
  return D >= (v * v) / (2 * a) ? v / (2 * a) : Math.sqrt((2 * D) / a) - D / v;
}

/** Factor by which dawdling lengthens the free-flow time of a link of speed `v` (m/s): d / (v - d), d = sigma min(v, a) / 2. */
export function dawdleFactor(model: VehicleModel, v: number): number {
  const d = (model.sigma * Math.min(v, model.accel)) / 2;
  return d / (v - d);
}

/** Bounds of a desired-speed factor (SUMO's normc cut-offs for cars): a draw outside is redrawn. */
const SPEED_FACTOR_MIN = 0.2;
const SPEED_FACTOR_MAX = 2;

/**
 * Fill `out` with one desired-speed factor per vehicle: normal with mean 1 and
 * standard deviation `model.speedDev` (Box-Muller on `next`, uniform in [0, 1)),
 * redrawn outside [0.2, 2]; all 1 when the class has no spread.
 */
export function drawSpeedFactors(model: Pick<VehicleModel, 'speedDev'>, out: Float32Array, next: () => number): void {
  const dev = model.speedDev ?? 0;
  if (dev === 0) {
    out.fill(1);
    return;
  }
  for (let v = 0; v < out.length; v++) {
    let f: number;
    do {
      const u = 1 - next(); // (0, 1]
      f = 1 + dev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    } while (f < SPEED_FACTOR_MIN || f > SPEED_FACTOR_MAX);
    out[v] = f;
  }
}

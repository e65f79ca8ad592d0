/**
 * SUMO's car on one lane (the SUMO class only): SUMO 1.15's Krauss model with
 * the Euler update run for one lane, where a figure of SUMO's depends on its
 * steps and its drivers in ways no closed form follows. Two uses:
 *
 *  - the queue discharge by road speed (`discharge`), which the SUMO import sets
 *    each link's saturation flow and start-up lost time from (io/sumo/network.ts);
 *  - the cost of the cautious approach to a minor link (`minorApproachLoss`).
 *
 * Queue discharge by road speed. A standing queue released through a link with
 * right of way, vehicles 11 to 60 (SUMO 1.15, default car with its speedDev 0.1,
 * sigma 0.5, one lane, seeds 1 and 2): one vehicle every 3.47 s at 20 km/h
 * (5.56 m/s), 2.65 s at 30 km/h, 2.245 s at 40 km/h, 2.01 s at 50 km/h and
 * 1.77 s at 70 km/h. A follower keeps a gap of its speed x tau, so the slower
 * the road the longer the headway: 1.73 times as long at 20 km/h as at 50.
 * Here, with each driver's desired speed drawn as SUMO's (speedFactor normal,
 * mean 1, deviation speedDev, redrawn outside [0.2, 2]): 3.37 / 2.58 / 2.19 /
 * 1.98 / 1.74 s, relative to 50 km/h 1.70 / 1.30 / 1.10 / 1 / 0.88 against
 * SUMO's 1.73 / 1.32 / 1.12 / 1 / 0.88. The first vehicles of a queue leave
 * alike at every speed from 30 km/h up (1.0, 4.0, 6.6, 8.8, 10.8 s after the
 * release here): they are still accelerating. So what a green serves follows
 * the speed less than the headway far down the queue: fitted over a green's
 * worth of queue (its first 20 vehicles, t_k = l + (k + 1/2) h), h is 3.19 /
 * 2.48 / 2.14 / 1.98 / 1.85 s and the start-up lost time l -1.14 / 0.01 / 0.85
 * / 1.46 / 2.04 s (20 / 30 / 40 / 50 / 70 km/h): on slow roads the first
 * vehicles leave sooner than the headway says, on fast ones later.
 *
 * The cautious approach to a minor link: what it costs a vehicle to cross a
 * link without right of way, with no foe in sight.
 *
 * SUMO 1.15 (MSVehicle::processLinkApproaches; its documentation of the junction
 * model calls the distance the foe visibility distance, a connection's
 * `visibility`, 4.5 m by default): until a vehicle is within that distance of a
 * minor link ('m', a link whose foes it cannot see yet), it drives so that it
 * could still stop at the stop line, whether a foe comes or not. Within it, it
 * must cross in the next step. So every vehicle on a minor movement slows down
 * before the line, and a queue leaving through it moves at the speed at which
 * a driver can still stop there, not at the road's speed.
 *
 * Measured with SUMO 1.15 on a crossing of two one-lane roads (default car: 5 m
 * + 2.5 m minGap, a 2.6, b 4.5, tau 1, 1 s steps; the major road empty), the
 * minor road's link against the same road given right of way ('M'):
 *
 * | road speed | sigma | standing queue, s per vehicle: m / M | one free vehicle's extra time loss on m, s |
 * | --- | --- | --- | --- |
 * | 13.89 m/s | 0 | 2.000 / 1.531 | 1.26 |
 * | 19.44 m/s | 0 | 2.000 / 1.429 (M: visibility 40 m) | 2.60 |
 * | 8.33 m/s | 0 | 2.000 / 1.898 | 0.22 |
 * | 13.89 m/s | 0.5 | 2.469, 2.551, 2.449, 2.531 (seeds 1-4) / 1.796-1.816 | 1.66 |
 * | 19.44 m/s | 0.5 | 2.408 / 1.633 | 3.35 |
 * | 8.33 m/s | 0.5 | 2.531 / 2.245 | 0.32 |
 * | 13.89 m/s, speedDev 0.1 | 0.5 | 2.408, 2.571, 2.449 / 2.000, 2.020, 1.959 | |
 * | 13.89 m/s, visibility 10 / 20 / 40 m | 0 | 2.000 / 1.592 / 1.531 | |
 *
 * No closed form reproduces it either: SUMO's steps quantise the approach (without
 * dawdling the queue settles where a vehicle 10.6 m from the line, at 7.5 m/s,
 * is just able to stop there, and crosses two steps later; a closed-form
 * brake-and-accelerate loss through the speed at 4.5 m gives 0.86-1.11 s at
 * 13.89 m/s against SUMO's 1.26 s). So this file runs SUMO's rules for that one
 * lane: the Krauss model with the Euler update (MSCFModel::maximumSafeStopSpeedEuler,
 * brakeGap, followSpeed; MSCFModel_Krauss::dawdle2), with and without the rule,
 * for a free vehicle at the road's speed (averaged over its position at the step
 * boundaries, or over dawdling draws) and for a standing queue. Against the
 * table: free losses 0.22 / 1.22 / 2.65 s without dawdling (8.33 / 13.89 / 19.44
 * m/s) and 1.54 / 3.49 s at sigma 0.5; queues 2.000 s at every speed, 1.612 /
 * 1.551 s at visibility 20 / 40 m, 1.898 s with right of way at 8.33 m/s, and
 * 2.50 s at sigma 0.5 (test/sim/sumo-lane.test.ts).
 *
 * What the kernel takes from it (conflicts.ts, movements.ts): a vehicle crossing
 * a minor movement of a priority junction without having halted pays the free
 * loss, less the time it already waited at the line (its slowing down happened
 * inside that wait); a halted one pays the restart from standstill instead.
 *
 * What it does not take, yet: the queue's slower discharge (one vehicle every
 * 2.5 s where the link with right of way gives 1.8-2.0 s). Applied as the minor
 * movement's follow-up headway it matches SUMO on a minor road with nobody on
 * the major road (2.50 s against SUMO's 2.49 s), but where major vehicles pass,
 * SUMO's minor followers roll up to the line and take the gaps with shorter lags
 * than greenwave gives them (gap-acceptance.ts), and there the slower headway
 * doubled the error: at a crossing with 500 veh/h each way on the major road and
 * 200 veh/h on the minor road (test/io/sumo/priority-gaps.test.ts) the minor
 * delay went from 38.5 s to 62.2 s against SUMO's 21.4 s (evenly spaced), and
 * from 27.2 to 36.5 s against 27.7 s (random). It needs the rolling followers
 * first. `queueHeadway` stays as the check that the rules here are SUMO's.
 */

import { createRandom } from '../demand/random.js';
import { drawSpeedFactors } from './losses.js';

/** SUMO's car on its road (and, for a minor link, the link's foe visibility), SI units. */
export interface SumoLaneParams {
  /** Road speed before and after the link, m/s. */
  speed: number;
  /** Acceleration a, m/s². */
  accel: number;
  /** Deceleration b, m/s². */
  decel: number;
  /** Krauss driver imperfection sigma, 0..1. */
  sigma: number;
  /** Vehicle length, m. */
  length: number;
  /** Space a stopped vehicle takes, length + minGap, m. */
  spacing: number;
  /** Foe visibility distance of the link, m (SUMO's default 4.5). */
  visibility: number;
  /** SUMO's step, s (default 1). */
  step: number;
  /** Reaction time tau, s (SUMO's default 1). */
  tau: number;
  /** Deviation of the drivers' desired-speed factor (SUMO's speedDev; 0.1 for cars), dimensionless. Default 0: every driver at the road's speed. */
  speedDev?: number;
}

/** SUMO's foe visibility distance of a connection without `visibility`, m (NLHandler's default). */
export const SUMO_FOE_VISIBILITY = 4.5;
/** SUMO's default reaction time tau, s. */
export const SUMO_TAU = 1;

/** SUMO's NUMERICAL_EPS and POSITION_EPS, m. */
const NUMERICAL_EPS = 0.001;
const POSITION_EPS = 0.1;
/** Queue length simulated; the headway is measured from the 11th to the 60th vehicle (past the start-up). */
const QUEUE = 60;
const FIRST_MEASURED = 10;
/** Vehicles of a queue the green-time fit uses (a green's worth: 40 s at 2 s). */
const GREEN_QUEUE = 20;
/** Draws averaged where sigma > 0: queues, free vehicles (paired with and without the rule). */
const QUEUE_RUNS = 24;
const FREE_RUNS = 120;
/** Start offsets (fractions of a step) averaged for a free vehicle without dawdling. */
const FREE_PHASES = 20;

const cache = new Map<string, number>();
const dischargeCache = new Map<string, { headway: number; greenHeadway: number; lost: number }>();

/**
 * Extra time a vehicle arriving at the road's speed loses on a minor link with
 * no foe in sight, s, for `p` with the speed rounded to 0.1 m/s (a SUMO import's
 * link speeds fold in each junction's crossing, so nearly every link has its
 * own): cached by value, about a millisecond per new parameter set.
 */
export function minorApproachLoss(p: SumoLaneParams): number {
  const q = { ...p, speed: Math.round(p.speed * 10) / 10 };
  const key = `${q.speed}|${q.accel}|${q.decel}|${q.sigma}|${q.length}|${q.spacing.toFixed(3)}|${q.visibility}|${q.step}|${q.tau}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = freeLoss(q);
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Discharge of a standing queue through a link with right of way on a road of
 * speed `p.speed` (one lane; see the file header and {@link queueDischarge}):
 * cached by value, some tens of milliseconds per new parameter set.
 */
export function discharge(p: SumoLaneParams): { headway: number; greenHeadway: number; lost: number } {
  const key = `${p.speed}|${p.accel}|${p.decel}|${p.sigma}|${p.length}|${p.spacing}|${p.step}|${p.tau}|${p.speedDev ?? 0}`;
  let hit = dischargeCache.get(key);
  if (hit === undefined) {
    hit = queueDischarge(p, false);
    dischargeCache.set(key, hit);
  }
  return hit;
}

/** A deterministic uniform stream in [0, 1) for the dawdling draws of run `run` of `what`. */
function uniform(what: string, run: number): () => number {
  const stream = createRandom(run).fork(what);
  return () => stream.next();
}

/** SUMO's Euler stopping speed for a gap `gap` (m) with reaction time `t` (MSCFModel::maximumSafeStopSpeedEuler), m/s. */
function safeStop(p: SumoLaneParams, gap: number, t: number): number {
  const g = gap - NUMERICAL_EPS;
  if (g <= 0) return 0;
  const b = p.decel * p.step;
  const s = p.step;
  const n = Math.floor(0.5 - (t + Math.sqrt(s * s + 4 * (s * ((2 * g) / b - t) + t * t)) * -0.5) / s);
  const h = 0.5 * n * (n - 1) * b * s + n * b * t;
  return b * n + (g - h) / (n * s + t);
}

/** SUMO's Euler braking distance from `v` (m/s), no reaction time (MSCFModel::brakeGap), m. */
function brakeGap(p: SumoLaneParams, v: number): number {
  const r = p.decel * p.step;
  const n = Math.floor(v / r);
  return p.step * (n * v - (r * n * (n + 1)) / 2);
}

/**
 * One step of a vehicle at distance `seen` (m) before the line (negative: past
 * it) at speed `v`, with `vFollow` the car-following bound (Infinity: no
 * leader), `minor` whether the rule holds, `draw` a uniform number for
 * dawdling, `limit` its desired speed (default the road's): its speed for the
 * step, m/s.
 */
function nextSpeed(p: SumoLaneParams, seen: number, v: number, vFollow: number, minor: boolean, draw: number, limit = p.speed): number {
  const vMaxStep = Math.min(v + p.accel * p.step, limit);
  let vSafe = Math.min(vMaxStep, vFollow);
  const approaching = minor && seen > 0;
  if (approaching && seen > p.visibility) vSafe = Math.min(vSafe, safeStop(p, Math.max(0, seen - POSITION_EPS), p.step)); // able to stop at the line
  const vMin = Math.max(0, v - p.decel * p.step);
  let vNext = Math.max(vMin, vSafe);
  if (p.sigma > 0) {
    // MSCFModel_Krauss::dawdle2: slower starts below speed a.
    vNext = Math.max(vMin, Math.max(0, vNext - (vNext < p.accel ? p.sigma * vNext * draw * p.step : p.sigma * p.accel * draw * p.step)));
  }
  if (approaching && seen <= p.visibility) vNext = Math.max(vNext, Math.min((seen + POSITION_EPS) / p.step, p.speed)); // past the point of no return: across in this step
  return vNext;
}

/** Mean discharge headway of a standing queue through the link (`minor`: with the rule; without, a link with right of way), s per vehicle. */
export function queueHeadway(p: SumoLaneParams, minor: boolean): number {
  return queueDischarge(p, minor).headway;
}

/**
 * Mean discharge of a standing queue released at time 0 through the link
 * (`minor`: with the rule): its headway far down the queue (vehicles 11 to 60),
 * s per vehicle; and over a green's worth of queue, the k-th vehicle (from 0)
 * crossing at t_k for k < 20, the least-squares line t_k = l + (k + 1/2) h: its
 * headway h (`greenHeadway`) and start-up lost time l (`lost`), s, so that a
 * green of g seconds serves (g - l) / h (greenwave's slots, sim/movements.ts).
 */
export function queueDischarge(p: SumoLaneParams, minor: boolean): { headway: number; greenHeadway: number; lost: number } {
  const dev = p.speedDev ?? 0;
  const runs = p.sigma > 0 || dev > 0 ? QUEUE_RUNS : 1;
  let sum = 0;
  const early = new Float64Array(GREEN_QUEUE);
  const x = new Float64Array(QUEUE);
  const v = new Float64Array(QUEUE);
  const vNew = new Float64Array(QUEUE);
  const crossed = new Float64Array(QUEUE);
  const vMax = new Float64Array(QUEUE);
  const factors = new Float32Array(QUEUE);
  for (let run = 0; run < runs; run++) {
    const draw = uniform(minor ? 'minor-queue' : 'major-queue', run);
    const drivers = createRandom(run).fork('desired-speed');
    drawSpeedFactors({ speedDev: dev }, factors, () => drivers.next());
    for (let i = 0; i < QUEUE; i++) {
      x[i] = -POSITION_EPS - i * p.spacing; // front positions, the line at 0
      v[i] = 0;
      crossed[i] = NaN;
      vMax[i] = p.speed * factors[i];
    }
    let left = QUEUE;
    for (let t = 0; left > 0 && t < 10_000 * p.step; t += p.step) {
      for (let i = 0; i < QUEUE; i++) {
        const vFollow = i === 0 ? Infinity : safeStop(p, x[i - 1] - p.length - x[i] - (p.spacing - p.length) + brakeGap(p, v[i - 1]), p.tau);
        vNew[i] = nextSpeed(p, -x[i], v[i], vFollow, minor, draw(), vMax[i]);
      }
      for (let i = 0; i < QUEUE; i++) {
        const before = x[i];
        x[i] += vNew[i] * p.step;
        v[i] = vNew[i];
        if (before < 0 && x[i] >= 0 && Number.isNaN(crossed[i])) {
          crossed[i] = t + p.step;
          left--;
        }
      }
    }
    sum += (crossed[QUEUE - 1] - crossed[FIRST_MEASURED]) / (QUEUE - 1 - FIRST_MEASURED);
    for (let k = 0; k < GREEN_QUEUE; k++) early[k] += crossed[k] / runs;
  }
  // A green's worth of queue: t_k = l + (k + 1/2) h fitted by least squares over its first vehicles.
  let sk = 0;
  let st = 0;
  let skk = 0;
  let skt = 0;
  for (let k = 0; k < GREEN_QUEUE; k++) {
    const x = k + 0.5;
    sk += x;
    st += early[k];
    skk += x * x;
    skt += x * early[k];
  }
  const slope = (GREEN_QUEUE * skt - sk * st) / (GREEN_QUEUE * skk - sk * sk);
  return { headway: sum / runs, greenHeadway: slope, lost: (st - slope * sk) / GREEN_QUEUE };
}

/** Extra time a free vehicle at the road's speed loses crossing the link with the rule, s (paired runs, same draws). */
function freeLoss(p: SumoLaneParams): number {
  const runs = p.sigma > 0 ? FREE_RUNS : FREE_PHASES;
  let sum = 0;
  for (let run = 0; run < runs; run++) {
    const phase = p.sigma > 0 ? 0 : run / FREE_PHASES;
    sum += freeTime(p, true, phase, run) - freeTime(p, false, phase, run);
  }
  return Math.max(0, sum / runs);
}

/** Time for a vehicle starting `APPROACH` m before the line (less `phase` of a step's drive) at the road's speed to be `BEYOND` m past it, s. */
function freeTime(p: SumoLaneParams, minor: boolean, phase: number, run: number): number {
  const draw = uniform('free-vehicle', run);
  let x = -APPROACH - phase * p.speed * p.step;
  let v = p.speed;
  let t = 0;
  while (x < BEYOND) {
    v = nextSpeed(p, -x, v, Infinity, minor, draw());
    x += v * p.step;
    t += p.step;
  }
  return t - (x - BEYOND) / v;
}

/** Where the free vehicle starts and ends, m from the line: far enough for any braking and for the acceleration back. */
const APPROACH = 500;
const BEYOND = 300;

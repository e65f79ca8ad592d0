/**
 * Junction storage of permissive turns at signals ("sneakers"): how many vehicles
 * of a permissive far-side turn (a left in right-hand traffic) may have entered
 * the junction during the green and wait at the conflict point for a gap in the
 * opposing flow. They clear when the opposing flow stops, on the yellow or the
 * red. The kernel (movements.ts) applies it as a floor per cycle:
 *
 *   when a permissive green ends, up to max(0, S - n) of the movement's vehicles
 *   queued at that moment still leave, n being the vehicles that crossed in gaps
 *   during that permissive green and S the storage below, once the last opposing
 *   vehicle has cleared the junction, at the follow-up headway and subject to
 *   storage on the exit link.
 *
 * So a permissive turn serves at least S vehicles per cycle when it has a queue,
 * its gap capacity when that is more: HCM 2000, Chapter 16, Appendix C, the minimum
 * left-turn adjustment f_min = 2 (1 + P_L) / g, i.e. two "sneakers" per cycle as a
 * floor on the permitted left-turn capacity, not added to the gaps. HCM 6th and
 * 7th editions keep the 2 sneakers per cycle (Chapter 31, Eq. 31-119: n_s = 2 in
 * c = (g_u s_l + 3,600 n_s) / C) but add them to the unblocked-green capacity; the
 * floor is kept here because SUMO's saturated rows (below) match the floor and
 * the sum overshoots them. Measured with
 * SUMO 1.15 on an isolated crossroads (2 x 3 lanes each way, 60 s cycle, an
 * exclusive permissive left lane): at most 2 left-turners per lane wait inside the
 * junction, they leave on yellow/red, and the total is about max(gap capacity, 2
 * per cycle) (test/io/sumo/permissive-sneakers.test.ts).
 *
 * S, vehicles per lane of the movement (times its lanes):
 *  - greenwave's default class and OSM imports (HCM gap model): HCM's 2.
 *  - SUMO imports (SUMO gap model): read from the net's wait point w
 *    (`MovementSpec.waitPoint`: the length of the turn's first internal lane, up to
 *    the internal junction where it meets the opposing lanes). SUMO stops a vehicle
 *    at a minor link POSITION_EPS = 0.1 m before it (MSVehicle::planMoveInternal,
 *    `laneStopOffset = ... havePriority() ? DIST_TO_STOPLINE_EXPECT_PRIORITY :
 *    POSITION_EPS`), and the ones behind stand l + minGap apart (car following), so
 *    the k-th waiting vehicle (k = 0, 1, ...) has its front at p_k = w - 0.1 -
 *    k (l + minGap). It is in the junction when p_k > 0, and fully in, its back
 *    past the stop line, when p_k >= l:
 *      S = ceil((w - 0.1) / (l + minGap)),  F = floor((w - 0.1 - l) / (l + minGap)) + 1 (0 if w - 0.1 < l),
 *    l the class's vehicle length, minGap SUMO's default 2.5 m. A vehicle that is
 *    in but not fully in still holds its approach lane: SUMO keeps it as a partial
 *    occupant of the lane, and the vehicles behind it in that lane cannot pass.
 *    Measured with SUMO 1.15 (vehicle positions, fcd output) on the crossroads
 *    above: exclusive left lane, w = 12.07 m: fronts stop at 12.0 and 4.5 m, S = 2,
 *    F = 1; left from a through-and-left lane (sumo-grid10's layout, 2 lanes), w =
 *    5.01 m: the front stops at 4.9 m, S = 1, F = 0: one left-turner per green
 *    enters the junction and the shared lane stays blocked behind it until it
 *    leaves. With the simulation option `sharedLanes` the kernel lets only F
 *    vehicles per lane free their lane (shared-lanes.ts); the release at the end
 *    of the green counts S. Without a wait point (a net built without internal
 *    lanes; the import warns) w is estimated as half the crossing length of
 *    gap-acceptance.ts (about where the turn meets the opposing lanes): on the
 *    crossroads above 13.6 m (27.2 / 2), S = 2.
 *  - CityFlow imports: 0. CityFlow was not measured for this; its imports keep the
 *    behaviour they had (no vehicle leaves after the green).
 * A vehicle class's `junctionStorage` overrides S (0 disables the release); F is
 * then at most S.
 */
import { LIMITS } from '../limits.js';

/** HCM 2000's sneakers: vehicles per cycle a permissive left serves at least when it has a queue. */
export const HCM_SNEAKERS = 2;

/** SUMO's default vType `minGap`, m. */
export const SUMO_MIN_GAP = 2.5;

/** Largest junction storage a class may set, vehicles per lane. */
export const MAX_JUNCTION_STORAGE = LIMITS.junctionStorageVeh.max;

/** SUMO's POSITION_EPS: how far before a minor link a yielding vehicle stops, m. */
export const SUMO_POSITION_EPS = 0.1;

/** Junction storage of a permissive turn in SUMO, vehicles per lane. */
export interface SumoStorage {
  /** S: vehicles whose front is past the stop line while they wait (released when the green ends). */
  stored: number;
  /** F: those of them fully past the stop line, no longer holding their approach lane (F <= S). */
  clear: number;
}

/**
 * SUMO's junction storage of a permissive turn whose vehicles of `length` (m) wait
 * `waitPoint` (m) past the stop line (see the file header: S and F).
 */
export function sumoStorage(waitPoint: number, length: number): SumoStorage {
  const front = waitPoint - SUMO_POSITION_EPS;
  const spacing = length + SUMO_MIN_GAP;
  if (!(front > 0)) return { stored: 0, clear: 0 };
  const stored = Math.min(MAX_JUNCTION_STORAGE, Math.ceil(front / spacing));
  const clear = front < length ? 0 : Math.min(stored, Math.floor((front - length) / spacing) + 1);
  return { stored, clear };
}

/** Wait point estimated for a junction of crossing length `crossing` (m) when the net states none: half of it, m. */
export function estimatedWaitPoint(crossing: number): number {
  return crossing / 2;
}

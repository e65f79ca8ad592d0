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
 *  - SUMO imports (SUMO gap model): the vehicles whose front fits on the internal
 *    lane before the left's wait point, ceil(L_w / (l + minGap)). L_w is not read
 *    from SUMO's internal lanes: it is estimated as half the crossing length of
 *    gap-acceptance.ts (the wait point is where the turn meets the opposing lanes,
 *    about the middle of the junction), l the class's vehicle length and minGap
 *    SUMO's default 2.5 m. On the crossroads above: L = 27.2 m, ceil(13.6 / 7.5) = 2
 *    (SUMO's internal lane to the wait point: 12.07 m, 2 vehicles measured).
 *  - CityFlow imports: 0. CityFlow was not measured for this; its imports keep the
 *    behaviour they had (no vehicle leaves after the green).
 * A vehicle class's `junctionStorage` overrides it (0 disables the release).
 */
import { LIMITS } from '../limits.js';

/** HCM 2000's sneakers: vehicles per cycle a permissive left serves at least when it has a queue. */
export const HCM_SNEAKERS = 2;

/** SUMO's default vType `minGap`, m. */
export const SUMO_MIN_GAP = 2.5;

/** Largest junction storage a class may set, vehicles per lane. */
export const MAX_JUNCTION_STORAGE = LIMITS.junctionStorageVeh.max;

/**
 * SUMO estimate of the junction storage of a permissive turn, vehicles per lane:
 * ceil((crossing / 2) / (length + minGap)) for a junction of crossing length
 * `crossing` (m) and vehicles of `length` (m).
 */
export function sumoJunctionStorage(crossing: number, length: number): number {
  return Math.min(MAX_JUNCTION_STORAGE, Math.ceil(crossing / 2 / (length + SUMO_MIN_GAP)));
}

/**
 * The router's penalty for yielding turns, as SUMO's routers charge it: which
 * turns yield, and SUMO's default penalty. Used by routing at departure
 * (rerouting.ts, `SimOptions.minorPenalty`) and by the equilibrium
 * (optimise/equilibrium, `minorPenaltyS`).
 *
 * SUMO's routers (duarouter, which duaIterate.py runs every iteration, and
 * sumo's own routing of trips at insertion) add
 * `--weights.minor-penalty` seconds, default 1.5 since SUMO 1.4, to the route
 * cost of every internal lane that continues a connection whose vehicles must
 * yield: link state m (minor), = (equal), s (stop) or w (all-way stop)
 * (RONetHandler::parseConnection). At a signal these are the turns with an
 * internal junction, where a vehicle waits inside the crossing for a gap:
 * left turns across opposing traffic and U-turns. The edge times duarouter
 * reads are per edge, the same for every turn, so the penalty is what keeps a
 * yielding turn dearer than the straight or near-side turn beside it; without
 * it greenwave's turn-blind link costs (`costsBy: link`) route more traffic
 * through left turns than SUMO does. On `sumo-grid10` at twice its demand it
 * sets which of two parallel central corridors each direction takes (README,
 * "Against SUMO").
 *
 * Which movements yield, from what the network states first:
 *  - a wait point inside the junction (`MovementSpec.waitPoint` > 0; SUMO
 *    imports state it from the internal junction): yields;
 *  - a stated right of way: minor or stop yields, major does not;
 *  - a stated wait point of 0 at a signal (SUMO: no internal junction): does not;
 *  - otherwise at a signal: the turns the junction's default program shows
 *    permissive (U-turns, and far-side turns with an opposing approach:
 *    `defaultProgram`), a property of the junction's layout as in SUMO, not
 *    of the plan being run;
 *  - otherwise (unsignalised, right of way derived): the movements that give
 *    way to another (`ConflictTable.alwaysYields`).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { CONTROL_CODE, RIGHT_OF_WAY_CODE } from '../network/compiled.js';
import { defaultProgram } from '../signals/program.js';
import { buildConflicts } from './conflicts.js';

/** SUMO's default `--weights.minor-penalty`, s (duarouter, sumo; SUMO 1.4 and later). */
export const SUMO_MINOR_PENALTY_S = 1.5;

/**
 * 1 for each movement of `net` whose vehicles yield (see the module header),
 * else 0. `alwaysYields`: the run's conflict table's, when one is built already
 * (else built here when an unsignalised junction needs it).
 */
export function yieldingMovements(net: CompiledNetwork, alwaysYields?: Uint8Array): Uint8Array {
  const k = net.movementCount;
  const yields = new Uint8Array(k);
  const { movementWaitPoint: wait, movementRightOfWay: right, movementFrom, linkTo, junctionControl } = net;
  let derived: Uint8Array | undefined = alwaysYields;
  const permissive = new Map<number, Set<number>>();
  for (let x = 0; x < k; x++) {
    if (wait[x] > 0) { yields[x] = 1; continue; }
    if (right[x] !== 0) { yields[x] = right[x] === RIGHT_OF_WAY_CODE.major ? 0 : 1; continue; }
    const j = linkTo[movementFrom[x]];
    if (junctionControl[j] === CONTROL_CODE.signal) {
      if (wait[x] === 0) continue; // stated: it crosses without waiting inside the junction
      let shown = permissive.get(j);
      if (shown === undefined) {
        shown = new Set<number>();
        for (const phase of defaultProgram(net, j).phases) for (const e of phase.permissive) shown.add(e);
        permissive.set(j, shown);
      }
      yields[x] = shown.has(x) ? 1 : 0;
      continue;
    }
    derived ??= buildConflicts(net).alwaysYields;
    yields[x] = derived[x];
  }
  return yields;
}

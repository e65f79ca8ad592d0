/**
 * Gridlock detection. Blocked junctions stay blocked in the model (nothing is
 * ever teleported), so a run where vehicles remain but none has entered a link
 * or arrived for `gridlockTimeout` seconds is stopped cleanly with a report of
 * the junctions involved: those with a movement that has vehicles queued and
 * waits for storage on its exit link. The check runs every timeout / 4 s of
 * simulation time (`CMD_CHECK`), so a gridlock is declared at most a quarter
 * timeout late. Remaining vehicles count as unfinished.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { CMD_CHECK } from './commands.js';
import type { Movements } from './movements.js';
import type { Scheduler } from './scheduler.js';
import type { Vehicles } from './vehicles.js';

/** Gridlock report. */
export interface GridlockReport {
  /** Simulation time the gridlock was declared, s. */
  time: number;
  /** Ids of junctions where vehicles wait for an exit link with no storage left, sorted. */
  junctions: string[];
  /** Vehicles in the network when it was declared. */
  vehicles: number;
}

/** Watches a run for gridlock. */
export class GridlockWatch {
  private readonly net: CompiledNetwork;
  private readonly movements: Movements;
  private readonly vehicles: Vehicles;
  private readonly scheduler: Scheduler;
  private readonly timeout: number;

  /** A watch declaring gridlock after `timeout` s without movement. */
  constructor(net: CompiledNetwork, movements: Movements, vehicles: Vehicles, scheduler: Scheduler, timeout: number) {
    this.net = net;
    this.movements = movements;
    this.vehicles = vehicles;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** Schedule the first check, a quarter timeout after `start` (s). */
  start(start: number): void {
    this.scheduler.schedule(start + this.timeout / 4, CMD_CHECK, 0);
  }

  /** `CMD_CHECK` at `now` (s): true when vehicles remain and none has moved for the timeout; otherwise schedules the next check and returns false. */
  check(now: number): boolean {
    if (this.vehicles.inNetwork > 0 && now - this.vehicles.lastMove >= this.timeout) return true;
    this.scheduler.schedule(now + this.timeout / 4, CMD_CHECK, 0);
    return false;
  }

  /** The report of a gridlock declared at `now` (s). */
  report(now: number): GridlockReport {
    const net = this.net;
    const { blocked, queueLength } = this.movements;
    const junctions = new Set<string>();
    for (let e = 0; e < net.movementCount; e++) {
      if (blocked[e] === 1 && queueLength[e] > 0) junctions.add(net.junctionKey(net.linkTo[net.movementFrom[e]]));
    }
    return { time: now, junctions: [...junctions].sort(), vehicles: this.vehicles.inNetwork };
  }
}

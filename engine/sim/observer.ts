/**
 * What the kernel tells observers. Mechanics call these as things happen (no
 * event objects are built); metrics, time series, traces and reports are
 * observers. Vehicle ids are trip indices; links and movements are compiled
 * indices; times are simulation seconds.
 */
export interface SimObserver {
  /** Vehicle `vehicle` left its departure queue and entered its first link. */
  depart?(vehicle: number, link: number, time: number): void;
  /** Vehicle entered `link` (its first link, or through a movement). */
  enter?(vehicle: number, link: number, time: number): void;
  /** Vehicle reached the stop line of its link and queued for `movement`. */
  queue?(vehicle: number, movement: number, time: number): void;
  /**
   * Vehicle left `link` through `movement` (it enters the movement's exit link at
   * the same time); `halted`: its wait at the stop line was a halt of its vehicle
   * class (a stop, see sim/losses.ts); `moveUps`: the further halts it made in
   * the queue, moved up by restarts that did not take it over the line
   * (sim/queue-moves.ts).
   */
  leave?(vehicle: number, link: number, movement: number, time: number, halted: boolean, moveUps: number): void;
  /**
   * Vehicle reached the end of its last link, `link`: the trip is complete.
   * `wait`: how long it waited at the link's end for the vehicles queued ahead of
   * it, s (option `arriveAtStopLine`, sim/arrivals.ts; 0 otherwise); `halted`:
   * that wait was a halt of its vehicle class (a stop).
   */
  arrive?(vehicle: number, link: number, time: number, wait: number, halted: boolean): void;
  /** No route exists for the vehicle's trip; it never enters the network. */
  unroutable?(vehicle: number, time: number): void;
  /** The signal of `junction` changed state. */
  signal?(junction: number, time: number): void;
  /** The run ended (end time, or gridlock). */
  end?(time: number): void;
}

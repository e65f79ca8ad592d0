/**
 * The kinds of command the kernel schedules (scheduler.ts holds them as
 * (time, kind, id)); simulation.ts dispatches them to the sub-state that owns
 * the id. One list, so two sub-states can never pick the same code.
 */

/** Trip `id` departs: route it and put it in the departure queue of its first link. */
export const CMD_DEPART = 0;
/** Vehicle `id` reaches the stop line of its link (free-flow time after entering it). */
export const CMD_STOPLINE = 1;
/** Movement `id` may discharge its next vehicle (lazily cancelled: valid only if still its pending service time). */
export const CMD_SERVICE = 2;
/** The controllers of batch `id` change their signals, in the order they scheduled the changes (signal-batches.ts). */
export const CMD_SIGNAL = 3;
/** Space freed at the downstream end of link `id` reaches its upstream end. */
export const CMD_RELEASE = 4;
/** Link `id` may take the next vehicle of its departure queue (lazily cancelled like CMD_SERVICE). */
export const CMD_INSERT = 5;
/** Refresh experienced link times for routing (and re-route); id unused. */
export const CMD_ROUTING = 6;
/** Look for gridlock; id unused. */
export const CMD_CHECK = 7;

/** Marks "no vehicle" in the kernel's linked lists (FIFO heads, tails and next pointers). */
export const NONE = -1;

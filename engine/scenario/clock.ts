/**
 * Clock times in scenario files.
 *
 * Every time in a scenario lies on one clock: seconds since midnight of the
 * simulated day. A time field comes as a pair: `<name>S`, a number of seconds on
 * that clock (`departS: 27000`), or `<name>`, a clock string (`depart: "07:30"`);
 * a file gives one of the two. `"HH:MM"`, `"HH:MM:SS"` and `"HH:MM:SS.sss"` are
 * accepted; hours may pass 23 (`"25:30"`) for runs that cross midnight. Demand
 * times are NOT relative to `simulation.start`: with `simulation.start: "07:00"`
 * a flow beginning at `"07:15"` starts a quarter of an hour into the run, and so
 * does one with `beginS: 26100`.
 */

/** Pattern of a clock string (also used in the JSON Schema). */
export const CLOCK_PATTERN = /^([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9](?:\.[0-9]+)?))?$/;

/** Seconds since midnight of a clock string, or `undefined` if it is not one. */
export function parseClock(text: string): number | undefined {
  const m = CLOCK_PATTERN.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + (m[3] === undefined ? 0 : Number(m[3]));
}

/** `HH:MM:SS` (with fractions of a second when there are any) for `seconds` since midnight. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  const ms = Math.round(Math.abs(seconds) * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms - h * 3_600_000) / 60_000);
  const rest = (ms - h * 3_600_000 - m * 60_000) / 1000;
  const pad = (v: number): string => String(Math.floor(v)).padStart(2, '0');
  const frac = rest % 1 === 0 ? '' : String(rest % 1).slice(1, 5);
  return `${sign}${pad(h)}:${pad(m)}:${pad(rest)}${frac}`;
}

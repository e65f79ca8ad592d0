/**
 * The import summary being written: counts (in first-seen order) and warnings.
 *
 * Real OSM extracts repeat the same oddity thousands of times (a city where every
 * way lacks `maxspeed`, an editor's private highway values), so warnings are kept
 * per kind: the first {@link WARNINGS_PER_KIND} of a kind are listed one by one with
 * their element and line, the rest are summed in one closing warning of that kind
 * ("... and 312 more"); `warnOnce` lists a repeated value (a private highway
 * value on 17 ways) once with its tally. Nothing is dropped silently: every dropped element is
 * counted under `dropped: <reason>`.
 */
import type { ImportCount, ImportWarning } from '../types.js';

/** Warnings of one kind listed individually before the rest are summed. */
export const WARNINGS_PER_KIND = 20;

/** Kinds listed first, in this order (what a planner must read even when only the first warnings are shown). */
const FIRST_KINDS = ['country', 'signals', 'parts', 'network'];

/** Counts and warnings of one import. */
export class ImportReport {
  private readonly counts = new Map<string, number>();
  private readonly listed: ImportWarning[] = [];
  private readonly kinds: string[] = [];
  private readonly perKind = new Map<string, { shown: number; more: number; sample: string }>();
  private readonly once = new Map<string, { warning: ImportWarning; n: number }>();

  /** Add `n` to the count `label` (created at first use, so labels keep first-seen order). */
  count(label: string, n = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + n);
  }

  /** Set a count to an exact value. */
  set(label: string, n: number): void {
    this.counts.set(label, n);
  }

  /** Current value of a count (0 when never counted). */
  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }

  /**
   * Record a warning of kind `kind` (a short stable key such as `maxspeed`); the
   * message should name the value and what was done with it.
   */
  warn(kind: string, message: string, element?: string, where?: string): void {
    let entry = this.perKind.get(kind);
    if (!entry) {
      entry = { shown: 0, more: 0, sample: message };
      this.perKind.set(kind, entry);
    }
    if (entry.shown < WARNINGS_PER_KIND) {
      entry.shown++;
      const w: ImportWarning = { message };
      if (where !== undefined) w.where = where;
      if (element !== undefined) w.element = element;
      this.listed.push(w);
      this.kinds.push(kind);
    } else {
      entry.more++;
    }
  }

  /**
   * Record a warning once per `key` (for example `highway=primary_bridge`): the
   * first occurrence is listed with its element and line, later ones only add to
   * its tally ("... (17 elements; the first is shown)").
   */
  warnOnce(key: string, message: string, element?: string, where?: string): void {
    const entry = this.once.get(key);
    if (entry) {
      entry.n++;
      return;
    }
    const w: ImportWarning = { message };
    if (where !== undefined) w.where = where;
    if (element !== undefined) w.element = element;
    this.once.set(key, { warning: w, n: 1 });
    this.listed.push(w);
    this.kinds.push('');
  }

  /** Counts in first-seen order. */
  countList(): ImportCount[] {
    return [...this.counts].map(([label, count]) => ({ label, count }));
  }

  /** Warnings (the country, signal source and cut-off parts first), each kind's overflow summed at the end. */
  warningList(): ImportWarning[] {
    const rank = (i: number): number => {
      const k = FIRST_KINDS.indexOf(this.kinds[i]);
      return k < 0 ? FIRST_KINDS.length : k;
    };
    const order = this.listed.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
    const out = order.map((i) => this.listed[i]).map((w) => {
      const entry = [...this.once.values()].find((e) => e.warning === w);
      return entry && entry.n > 1 ? { ...w, message: `${w.message} (${entry.n} elements; the first is shown)` } : w;
    });
    for (const [kind, entry] of this.perKind) {
      if (entry.more > 0) out.push({ message: `${kind}: ${entry.more} more warnings like the ones above (only the first ${WARNINGS_PER_KIND} are listed)` });
    }
    return out;
  }
}

/**
 * Progress of a running benchmark on stderr, so a long run is never silent:
 * one line per step with the elapsed time, and while a comparison runs, its
 * pairs and the ratio so far — rewritten in place on a terminal, at most every
 * few seconds as new lines in a log (CI).
 */
import { performance } from 'node:perf_hooks';

/** Where progress goes: a stream with optional terminal support (process.stderr). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Progress lines of one benchmark. */
export class Progress {
  private readonly start = performance.now();
  private lastUpdate = 0;
  private pending = false;

  /**
   * @param benchmark  name shown at the start of each line
   * @param stream     default process.stderr
   * @param everyMs    least time between update lines when not on a terminal, ms
   */
  constructor(private readonly benchmark: string, private readonly stream: ProgressStream = process.stderr, private readonly everyMs = 5000) {}

  /** Elapsed time as m:ss. */
  elapsed(): string {
    const s = Math.floor((performance.now() - this.start) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  /** A new step: one line. */
  step(label: string): void {
    this.clear();
    this.stream.write(`[${this.benchmark} ${this.elapsed()}] ${label}\n`);
    this.lastUpdate = performance.now();
  }

  /** The state of the current step: in place on a terminal, else a line every `everyMs`. */
  update(text: string): void {
    const t = performance.now();
    if (this.stream.isTTY === true) {
      this.stream.write(`\r\x1b[2K  ${text}`);
      this.pending = true;
    } else if (t - this.lastUpdate >= this.everyMs) {
      this.stream.write(`  ${text} (${this.elapsed()})\n`);
      this.lastUpdate = t;
    }
  }

  /** End an in-place line. */
  clear(): void {
    if (this.pending) {
      this.stream.write('\r\x1b[2K');
      this.pending = false;
    }
  }
}

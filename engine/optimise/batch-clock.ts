/**
 * How many candidates of a batch fit the time left: searches under a time
 * limit measure the wall time of their batches and cut the next one to what
 * the measurement says will finish, so little work is thrown away when the
 * limit passes (a batch still running then is dropped). Load on the machine
 * changes the measurement, so it is the mean of the last one and the ones
 * before (halving their weight each batch).
 */

/** Measures batches and predicts what fits (see the file header). */
export interface BatchClock {
  /** Record a batch of `candidates` that began at `t0` (`performance.now()`, ms) and just finished. */
  measure(t0: number, candidates: number): void;
  /** How many of `n` candidates fit the time left (all of them without a limit or a measurement yet). */
  fits(n: number): number;
}

/**
 * A clock for batches whose candidates each run `runsPerCandidate` simulations
 * on `concurrency` workers, under `timeLimitS` (s; undefined: none) measured by
 * `elapsedS` (s since the search began).
 */
export function createBatchClock(runsPerCandidate: number, concurrency: number, timeLimitS: number | undefined, elapsedS: () => number): BatchClock {
  // Wall time of one wave of runs (one run per worker), s.
  const waves = (n: number): number => Math.ceil((n * runsPerCandidate) / Math.max(1, concurrency));
  let waveS = NaN;
  return {
    measure(t0, candidates) {
      const s = (performance.now() - t0) / 1000 / waves(candidates);
      waveS = Number.isNaN(waveS) ? s : (waveS + s) / 2;
    },
    fits(n) {
      if (timeLimitS === undefined || Number.isNaN(waveS)) return n;
      const left = timeLimitS - elapsedS();
      let k = n;
      while (k > 0 && waves(k) * waveS > left) k--;
      return k;
    },
  };
}

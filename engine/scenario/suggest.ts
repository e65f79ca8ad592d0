/**
 * "Did you mean ...?": the name a planner most likely meant, from its case, a
 * unit suffix, a known alias or a small spelling distance. Used for unknown
 * fields (issues.ts) and unknown ids (build-checks.ts); apart from the zod issue
 * formatting so that a build that finds nothing wrong does not load it.
 */
import { ownValue } from '../text/record.js';

/** Planner names for engine or unit-less names, tried before spelling distance. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  rate: ['vehPerHour'],
  flow: ['vehPerHour'],
  trips: ['vehPerHour'],
  duration: ['greenS'],
  green: ['greenS'],
  saturationflow: ['saturationVehPerHourPerLane'],
  saturation: ['saturationVehPerHourPerLane'],
  capacity: ['saturationVehPerHourPerLane'],
  x: ['xM'],
  y: ['yM'],
  seconds: ['departS', 'beginS', 'endS', 'timeS', 'startS'],
};

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The candidate `word` most likely meant (case, unit suffix, alias or a small spelling distance), or `undefined`. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const alias = ownValue(ALIASES, lower)?.find((a) => candidates.includes(a));
  if (alias !== undefined) return alias;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower) && lower.length >= 1).sort((p, q) => p.length - q.length);
  if (prefixed.length > 0 && word.length >= 1) return prefixed[0];
  if (word.length < 3) return undefined; // one or two letters are too short to guess from
  let best: string | undefined;
  let bestDistance = Math.floor(word.length / 3) + 1;
  for (const c of candidates) {
    const dist = levenshtein(lower, c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best;
}

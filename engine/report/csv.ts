/**
 * CSV text as greenwave writes it (RFC 4180): the header row first, numbers
 * rounded to 0.001, fields quoted only when they need it. On its own so that
 * every writer (outputs, recordings, the timing sheet) shares it without
 * importing each other.
 */

/**
 * A number as a CSV file holds it, and as a reader gets it back: rounded to
 * 0.001 (without -0), NaN when not finite (written as an empty field).
 */
export function csvNumber(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 || 0 : NaN;
}

/** Quote a CSV field when it needs it (RFC 4180); numbers as {@link csvNumber} holds them. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(csvNumber(value)) : '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV file's text: the header row first, then `rows` (fields quoted by {@link csvField}). Provenance goes to metadata.json. */
export function csv(header: string[], rows: Iterable<Array<string | number>>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Safe markup for the HTML report. Names in a report come from input files (OSM
 * and SUMO names can carry markup, and a junction called `"onload=` must not
 * become an attribute), so markup is built with the {@link html} tagged template,
 * which escapes every interpolated string with the one {@link escapeHtml} —
 * valid both in text and in double- or single-quoted attribute values
 * (HTML Living Standard §13.1.2.3 and §13.1.4). Only a {@link Html} value (markup
 * this module produced) is inserted as it is; there is no other way in.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape `& < > " '` so `value` is inert in HTML/SVG text and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A piece of markup that is already safe. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** Anything {@link html} accepts: markup, text (escaped), numbers, nothing, or lists of these. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function append(value: HtmlValue, out: string[]): void {
  if (value === null || value === undefined || value === false || value === true) return;
  if (value instanceof Html) out.push(value.markup);
  else if (typeof value === 'string') out.push(escapeHtml(value));
  else if (typeof value === 'number') out.push(Number.isFinite(value) ? String(value) : '');
  else for (const v of value) append(v, out);
}

/**
 * Tagged template for markup: `` html`<td title="${name}">${name}</td>` `` escapes
 * `name` in both places. Booleans, null and undefined render as nothing (so
 * `${cond && html`...`}` works); non-finite numbers as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  const out: string[] = [strings[0]];
  for (let i = 0; i < values.length; i++) {
    append(values[i], out);
    out.push(strings[i + 1]);
  }
  return new Html(out.join(''));
}

/** Join pieces of markup (escaping any strings among them). */
export function join(values: readonly HtmlValue[], separator = ''): Html {
  const out: string[] = [];
  values.forEach((v, i) => {
    if (i > 0) out.push(separator);
    append(v, out);
  });
  return new Html(out.join(''));
}

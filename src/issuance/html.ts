/**
 * Server-rendered HTML of the issuing service's pages (the offer page, the school portal):
 * one escaping function, and a template tag that passes every interpolated value through
 * it unless the value is itself markup made by the tag. Attribute values are always
 * written in double quotes, so escaping `& < > " '` is enough in text and in attributes.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that is already safe: made by `html`, or trusted by name with `trustedHtml`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value a template may hold: text (escaped), markup (as it is), a list of them, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/** html`<p>${text}</p>`: every value escaped unless it is Html; `false`, null and undefined write nothing. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup from a source that is not a template but is known to be safe (a QR code's SVG from the qrcode package). */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

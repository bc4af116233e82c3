/**
 * The frame of every portal page (language, title, the bar with its navigation, the
 * language switch, a skip link, the one style sheet and script) and the form parts the
 * pages share: every field has its label, and an error beside it that the field names
 * (`aria-describedby`, `aria-invalid`). Markup only through `html`, which escapes.
 */
import { html, type Html, type HtmlValue } from '../html.js';
import { texts, type Lang } from './texts.js';

export const PORTAL_PATH = '/portal';
export const CSRF_FIELD = '_csrf';

export interface View {
  lang: Lang;
  /** The page's path, for the navigation's current item. */
  path: string;
  /** Where the language switch goes (GET; the page again in the other language), or null for none. */
  switchHref: string | null;
  operator?: string;
  /** The session's CSRF token, for every form. */
  csrf?: string;
}

type Section = 'dashboard' | 'students' | 'add' | 'import';
const NAV: [Section, string][] = [
  ['dashboard', `${PORTAL_PATH}/`],
  ['students', `${PORTAL_PATH}/students`],
  ['add', `${PORTAL_PATH}/students/new`],
  ['import', `${PORTAL_PATH}/import`],
];

export function page(v: View, title: string, body: Html): string {
  const t = texts(v.lang);
  const other: Lang = v.lang === 'pl' ? 'en' : 'pl';
  const nav =
    v.operator === undefined
      ? ''
      : html`<nav aria-label="${t.appName}"><ul>${NAV.map(([key, href]) => html`<li><a href="${href}"${v.path === href ? html` aria-current="page"` : ''}>${t.nav[key]}</a></li>`)}</ul></nav>`;
  const who =
    v.operator === undefined
      ? ''
      : html`<span>${t.loggedInAs} <strong>${v.operator}</strong></span>
<form method="post" action="${PORTAL_PATH}/logout">${csrfField(v)}<button type="submit">${t.nav.logout}</button></form>`;
  return `<!doctype html>
${html`<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${t.appName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${PORTAL_PATH}/assets/portal.css">
<script src="${PORTAL_PATH}/assets/portal.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header class="bar"><div class="inner">
<a class="app" href="${PORTAL_PATH}/">${t.appName}</a>
${nav}
<div class="who">${who}${v.switchHref === null ? '' : html`<a class="lang" lang="${other}" href="${v.switchHref}">${t.switchTo}</a>`}</div>
</div></header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`}`;
}

export function csrfField(v: Pick<View, 'csrf'>): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf ?? ''}">`;
}

export function notice(text: HtmlValue, kind: 'good' | 'bad' | 'info' = 'info'): Html {
  return html`<p class="notice ${kind === 'info' ? '' : kind}" role="${kind === 'bad' ? 'alert' : 'status'}">${text}</p>`;
}

export interface FieldOptions {
  name: string;
  label: string;
  value?: string;
  error?: string;
  type?: 'text' | 'password' | 'date' | 'search';
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  /** The id, when the name is not one (org.name → org-name). */
  id?: string;
}

const idOf = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-');

/** A labelled input; its error (if any) right below it and named by the input. */
export function inputField(o: FieldOptions): Html {
  const id = o.id ?? idOf(o.name);
  const described = [o.hint === undefined ? '' : `${id}-hint`, o.error === undefined ? '' : `${id}-error`].filter((x) => x !== '').join(' ');
  return html`<div class="field">
<label for="${id}">${o.label}${o.required ? ' *' : ''}${o.hint === undefined ? '' : html` <span class="hint" id="${id}-hint">${o.hint}</span>`}</label>
<input type="${o.type ?? 'text'}" id="${id}" name="${o.name}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.autocomplete === undefined ? '' : html` autocomplete="${o.autocomplete}"`}${described === '' ? '' : html` aria-describedby="${described}"`}${o.error === undefined ? '' : html` aria-invalid="true"`}>
${o.error === undefined ? '' : html`<p class="error" id="${id}-error">${o.error}</p>`}
</div>`;
}

/** A labelled select of `options` ([value, label]); the value given is selected. */
export function selectField(o: Omit<FieldOptions, 'type' | 'autocomplete'> & { options: readonly (readonly [string, string])[] }): Html {
  const id = o.id ?? idOf(o.name);
  return html`<div class="field">
<label for="${id}">${o.label}${o.required ? ' *' : ''}</label>
<select id="${id}" name="${o.name}"${o.required ? html` required` : ''}${o.error === undefined ? '' : html` aria-describedby="${id}-error" aria-invalid="true"`}>
${o.options.map(([value, label]) => html`<option value="${value}"${value === (o.value ?? '') ? html` selected` : ''}>${label}</option>`)}
</select>
${o.error === undefined ? '' : html`<p class="error" id="${id}-error">${o.error}</p>`}
</div>`;
}

/** A student's state as a coloured label (colour and words: never colour alone). */
export function stateBadge(state: string, label: string): Html {
  return html`<span class="state state-${state}">${label}</span>`;
}

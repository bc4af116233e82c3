/**
 * Importing a class from CSV: the upload form (a file, or the text pasted), the preview
 * with each row's check (nothing written yet), and the outcome once confirmed.
 */
import { html } from '../../html.js';
import type { Student } from '../../store.js';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS, type ImportRow } from '../csv-import.js';
import { csrfField, notice, page, PORTAL_PATH, type View } from '../layout.js';
import { ruleText, texts } from '../texts.js';

export function importFormPage(v: View, o: { problem?: string }): string {
  const t = texts(v.lang).import;
  const body = html`
<p>${t.intro}</p>
<table class="columns"><thead><tr><th scope="col">${t.column}</th><th scope="col">${t.meaning}</th></tr></thead><tbody>
${[...REQUIRED_COLUMNS, OPTIONAL_COLUMNS.join(', ')].map((c) => html`<tr><td><code>${c}</code></td><td>${t.columns[c]}</td></tr>`)}
</tbody></table>
<p>${t.others}</p>
${o.problem === undefined ? '' : notice(o.problem, 'bad')}
<form class="panel" method="post" action="${PORTAL_PATH}/import" enctype="multipart/form-data">
${csrfField(v)}
<div class="field"><label for="csv">${t.file}</label><input type="file" id="csv" name="csv" accept=".csv,text/csv,text/plain"></div>
<div class="field"><label for="text">${t.text}</label><textarea id="text" name="text" rows="6"></textarea></div>
<p>${t.nothingWritten}</p>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`;
  return page(v, t.title, body);
}

/** Why a row cannot be written, in the page's language. */
function rowProblem(v: View, row: ImportRow): string | undefined {
  const t = texts(v.lang);
  const o = row.outcome;
  if (o.ok) return undefined;
  if (o.kind === 'duplicate') return t.import.duplicate(o.of);
  if (o.kind === 'registered') return t.import.registered;
  const field = t.fields[o.failure.field] ?? o.failure.field;
  return `${field}: ${ruleText(v.lang, o.failure.rule, o.failure.limit)}`;
}

export function importPreviewPage(v: View, o: { rows: ImportRow[]; ignored: string[]; previewId: string }): string {
  const t = texts(v.lang);
  const i = t.import;
  const good = o.rows.filter((r) => r.outcome.ok).length;
  const text = (r: ImportRow, f: string) => String(r.record[f] ?? '');
  const body = html`
${notice(i.summary(good, o.rows.length - good), good === o.rows.length ? 'good' : 'bad')}
${o.ignored.length === 0 ? '' : html`<p class="muted">${i.ignored(o.ignored.join(', '))}</p>`}
<table>
<thead><tr><th scope="col" class="num">${i.row}</th><th scope="col">${t.fields.family_name}</th><th scope="col">${t.fields.given_name}</th><th scope="col">${t.fields.birthdate}</th><th scope="col">${t.fields.doc_no}</th><th scope="col">${i.result}</th></tr></thead>
<tbody>
${o.rows.map((r) => {
  const problem = rowProblem(v, r);
  return html`<tr${problem === undefined ? '' : html` class="bad-row"`}><td class="num">${r.line}</td><td>${text(r, 'family_name')}</td><td>${text(r, 'given_name')}</td><td>${text(r, 'birthdate')}</td><td>${text(r, 'doc_no')}</td><td>${problem === undefined ? html`✓ ${i.ok}` : html`<span class="error">${problem}</span>`}</td></tr>`;
})}
</tbody>
</table>
<div class="actions">
${
  good === 0
    ? notice(i.nothingGood, 'bad')
    : html`<form method="post" action="${PORTAL_PATH}/import/${o.previewId}">${csrfField(v)}<button type="submit">${i.confirm(good)}</button></form>`
}
<a class="button secondary" href="${PORTAL_PATH}/import">${i.again}</a>
</div>`;
  return page(v, i.previewTitle, body);
}

export function importDonePage(v: View, o: { registered: Student[]; skipped: ImportRow[] }): string {
  const t = texts(v.lang);
  const i = t.import;
  const body = html`
${notice(i.done(o.registered.length), 'good')}
${o.skipped.length === 0 ? '' : html`<p>${i.skippedNow}</p><ul>${o.skipped.map((r) => html`<li>${i.row} ${r.line}: ${String(r.record.family_name)} ${String(r.record.given_name)}</li>`)}</ul>`}
<ul>${o.registered.map((s) => html`<li><a href="${PORTAL_PATH}/students/${s.id}">${s.family_name} ${s.given_name}</a></li>`)}</ul>
${
  o.registered.length === 0
    ? ''
    : html`<form method="post" action="${PORTAL_PATH}/letters">${csrfField(v)}${o.registered.map((s) => html`<input type="hidden" name="id" value="${s.id}">`)}<div class="actions"><button type="submit">${i.lettersForClass(o.registered.length)}</button></div></form>`
}`;
  return page(v, i.doneTitle, body);
}

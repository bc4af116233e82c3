/** Adding one student: the API's fields, each labelled, each error from the API's own checks shown beside its field. */
import { html } from '../../html.js';
import { csrfField, inputField, notice, page, PORTAL_PATH, selectField, type View } from '../layout.js';
import { texts } from '../texts.js';

export const FORM_FIELDS = ['given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until', 'org.name', 'org.id'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export function newStudentPage(v: View, o: { values: Partial<Record<FormField, string>>; errors: Partial<Record<FormField, string>>; problem?: string }): string {
  const t = texts(v.lang);
  const f = t.fields;
  const field = (name: FormField, extra: { type?: 'date'; required?: boolean; hint?: string; autocomplete?: string } = {}) =>
    inputField({ name, label: f[name]!, value: o.values[name] ?? '', ...(o.errors[name] === undefined ? {} : { error: o.errors[name] }), ...extra });
  const body = html`
<p>${t.add.intro}</p>
${o.problem === undefined ? '' : notice(o.problem, 'bad')}
<form class="panel" method="post" action="${PORTAL_PATH}/students" novalidate>
${csrfField(v)}
<div class="grid">
${field('given_name', { required: true, autocomplete: 'off' })}
${field('family_name', { required: true, autocomplete: 'off' })}
${field('birthdate', { type: 'date', required: true })}
${selectField({ name: 'doc', label: f.doc!, required: true, value: o.values.doc ?? 'school', options: [['school', t.docs.school], ['student', t.docs.student]], ...(o.errors.doc === undefined ? {} : { error: o.errors.doc }) })}
${field('doc_no', { required: true, autocomplete: 'off' })}
${field('valid_until', { type: 'date', required: true })}
${field('org.name', { hint: t.add.orgHint })}
${field('org.id', { hint: t.add.orgHint })}
</div>
<div class="actions"><button type="submit">${t.add.submit}</button></div>
</form>`;
  return page(v, t.add.title, body);
}

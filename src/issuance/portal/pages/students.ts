/**
 * The students' list: search by name or document number, a filter by state, a page at a
 * time; each row can be ticked for a class's activation letters.
 */
import { html } from '../../html.js';
import { STUDENT_STATES, type Student } from '../../store.js';
import { formatDay } from '../format.js';
import { csrfField, inputField, notice, page, PORTAL_PATH, selectField, stateBadge, type View } from '../layout.js';
import { texts } from '../texts.js';

export interface StudentsPageOptions {
  students: Student[];
  q: string;
  state: string;
  next: string | null;
  /** Whether this is not the first page. */
  paged: boolean;
  problem?: string;
}

export function studentsPage(v: View, o: StudentsPageOptions): string {
  const t = texts(v.lang);
  const s = t.students;
  const query = (extra: Record<string, string>) => new URLSearchParams({ ...(o.q === '' ? {} : { q: o.q }), ...(o.state === '' ? {} : { state: o.state }), ...extra }).toString();
  const body = html`
<form class="panel search" method="get" action="${PORTAL_PATH}/students" role="search">
${inputField({ name: 'q', label: s.search, type: 'search', value: o.q })}
${selectField({ name: 'state', label: s.state, value: o.state, options: [['', s.anyState], ...STUDENT_STATES.map((st) => [st, t.states[st]] as const)] })}
<div class="field"><button type="submit">${s.find}</button></div>
</form>
${o.problem === undefined ? '' : notice(o.problem, 'bad')}
${
  o.students.length === 0
    ? html`<p>${s.none}</p>`
    : html`<form method="post" action="${PORTAL_PATH}/letters">
${csrfField(v)}
<p hidden><label><input type="checkbox" data-select-all> ${s.selectAll}</label></p>
<table>
<thead><tr><th scope="col"><span class="visually-hidden">✓</span></th><th scope="col">${s.name}</th><th scope="col">${t.fields.doc_no}</th><th scope="col">${t.fields.doc}</th><th scope="col">${s.state}</th><th scope="col">${t.fields.valid_until}</th></tr></thead>
<tbody>
${o.students.map((st) => {
  const name = `${st.family_name} ${st.given_name}`;
  return html`<tr>
<td><input type="checkbox" name="id" value="${st.id}" id="pick-${st.id}"><label class="visually-hidden" for="pick-${st.id}">${s.select(name)}</label></td>
<td><a href="${PORTAL_PATH}/students/${st.id}">${name}</a></td>
<td>${st.doc_no}</td>
<td>${t.docs[st.doc]}</td>
<td>${stateBadge(st.state, t.states[st.state])}</td>
<td>${formatDay(st.valid_until, v.lang)}</td>
</tr>`;
})}
</tbody>
</table>
<div class="actions"><button type="submit" class="secondary">${s.printSelected}</button></div>
</form>`
}
<nav class="pages" aria-label="${s.title}">
${o.paged ? html`<a href="${PORTAL_PATH}/students?${query({})}">${s.first}</a>` : ''}
${o.next === null ? '' : html`<a href="${PORTAL_PATH}/students?${query({ after: o.next })}">${s.next} →</a>`}
</nav>`;
  return page(v, s.title, body);
}

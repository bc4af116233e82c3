/**
 * The confirmation step before a change that cannot be taken back lightly: suspending,
 * reinstating or revoking an ID, and making a class's letters (which replaces letters
 * already handed out). The form posts the same fields again with `confirm=yes`.
 */
import { html } from '../../html.js';
import type { RevokeReason, Student } from '../../store.js';
import { csrfField, notice, page, PORTAL_PATH, type View } from '../layout.js';
import { texts } from '../texts.js';
import { studentName } from './student.js';

export type Change = 'suspend' | 'reinstate' | 'revoke';

export function confirmChangePage(v: View, o: { student: Student; change: Change; reason?: RevokeReason }): string {
  const t = texts(v.lang);
  const c = t.confirm;
  const base = `${PORTAL_PATH}/students/${o.student.id}`;
  const body = html`
<form class="panel" method="post" action="${base}/status">
${csrfField(v)}
<input type="hidden" name="action" value="${o.change}">
${o.reason === undefined ? '' : html`<input type="hidden" name="reason" value="${o.reason}">`}
<input type="hidden" name="confirm" value="yes">
<p><strong>${c[o.change](studentName(o.student))}</strong></p>
${o.reason === undefined ? '' : html`<p>${c.reason}: ${t.reasons[o.reason]}</p>`}
${o.change === 'revoke' ? notice(c.revokeWarning, 'bad') : ''}
<div class="actions"><button type="submit" class="${o.change === 'revoke' ? 'danger' : ''}">${c.yes[o.change]}</button><a class="button secondary" href="${base}">${c.cancel}</a></div>
</form>`;
  return page(v, c.title, body);
}

export interface LetterChoice {
  give: Student[];
  skipped: { label: string; why: string }[];
}

export function confirmLettersPage(v: View, o: LetterChoice): string {
  const c = texts(v.lang).confirm;
  const replace = o.give.filter((s) => s.state === 'offered');
  const list = (students: Student[]) => html`<ul>${students.map((s) => html`<li>${s.family_name} ${s.given_name}</li>`)}</ul>`;
  const body = html`
<form class="panel" method="post" action="${PORTAL_PATH}/letters">
${csrfField(v)}
${o.give.map((s) => html`<input type="hidden" name="id" value="${s.id}">`)}
<input type="hidden" name="confirm" value="yes">
${o.give.length === 0 ? notice(c.lettersNone, 'bad') : html`<p><strong>${c.letters(o.give.length)}</strong></p>${list(o.give)}`}
${replace.length === 0 ? '' : html`<p>${c.lettersReplace}</p>${list(replace)}`}
${o.skipped.length === 0 ? '' : html`<p>${c.lettersSkipped}</p><ul>${o.skipped.map((s) => html`<li>${s.label}: ${s.why}</li>`)}</ul>`}
<div class="actions">${o.give.length === 0 ? '' : html`<button type="submit">${c.lettersYes}</button>`}<a class="button secondary" href="${PORTAL_PATH}/students">${c.cancel}</a></div>
</form>`;
  return page(v, c.title, body);
}

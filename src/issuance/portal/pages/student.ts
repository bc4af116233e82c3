/**
 * A student's page: their data, the state of their ID and its history (registered →
 * offered → active …, when and by whom), their credentials and the open offer; the
 * activation letter, and suspending, reinstating or revoking (each confirmed on the next page).
 */
import { html, type Html } from '../../html.js';
import { REVOKE_REASONS, type AuditEntry, type StudentRecord } from '../../store.js';
import { formatDay, formatTime } from '../format.js';
import { csrfField, notice, page, PORTAL_PATH, selectField, stateBadge, type View } from '../layout.js';
import { texts, type Lang } from '../texts.js';

export interface StudentPageOptions {
  student: StudentRecord;
  audit: AuditEntry[];
  /** The school named when the record has no org. */
  school: { name: string; id: string };
  done?: string;
  /** The revocation form sent without a reason. */
  reasonMissing?: boolean;
}

export function studentName(s: { given_name: string; family_name: string }): string {
  return `${s.given_name} ${s.family_name}`;
}

export function studentPage(v: View, o: StudentPageOptions): string {
  const t = texts(v.lang);
  const p = t.student;
  const s = o.student;
  const org = s.org ?? o.school;
  const base = `${PORTAL_PATH}/students/${s.id}`;
  const body = html`
${o.done === undefined || p.done[o.done] === undefined ? '' : notice(p.done[o.done], 'good')}
<div class="grid">
<section class="panel" aria-labelledby="data">
<h2 id="data">${p.data}</h2>
<dl class="data">
<dt>${t.fields.given_name}</dt><dd>${s.given_name}</dd>
<dt>${t.fields.family_name}</dt><dd>${s.family_name}</dd>
<dt>${t.fields.birthdate}</dt><dd>${formatDay(s.birthdate, v.lang)}</dd>
<dt>${t.fields.doc}</dt><dd>${t.docs[s.doc]}</dd>
<dt>${t.fields.doc_no}</dt><dd>${s.doc_no}</dd>
<dt>${t.fields.valid_until}</dt><dd>${formatDay(s.valid_until, v.lang)}</dd>
<dt>${t.fields.org}</dt><dd>${org.name} (${org.id})</dd>
</dl>
</section>
<section class="panel" aria-labelledby="state">
<h2 id="state">${p.state}</h2>
<p>${stateBadge(s.state, t.states[s.state])}</p>
<p>${t.stateHelp[s.state]}</p>
<p><strong>${p.offer}:</strong> ${
    s.offer === null
      ? p.noOffer
      : html`${p.offerCreated} ${formatTime(s.offer.created_at, v.lang)}, ${p.offerExpires} ${formatTime(s.offer.expires_at, v.lang)}, ${p.wrongAttempts}: ${s.offer.attempts}`
  }</p>
</section>
</div>

<section class="panel" aria-labelledby="letter">
<h2 id="letter">${p.letter}</h2>
${letterForm(v, s, base)}
</section>

${statusForms(v, s, base, o.reasonMissing === true)}

<h2>${p.credentials}</h2>
${
  s.credentials.length === 0
    ? html`<p>${p.noCredentials}</p>`
    : html`<table><thead><tr><th scope="col">${p.issued}</th><th scope="col">${p.status}</th><th scope="col">${p.reason}</th><th scope="col">${p.entry}</th></tr></thead><tbody>
${s.credentials.map(
  (c) => html`<tr><td>${formatTime(c.issued_at, v.lang)}</td><td>${stateBadge(c.status, t.credentialStatus[c.status])}</td><td>${c.reason === null ? '' : t.reasons[c.reason]}</td><td><code>/status/${c.status_list}</code> #${c.status_idx}</td></tr>`,
)}
</tbody></table>`
}

<h2>${p.history}</h2>
<table><thead><tr><th scope="col">${p.when}</th><th scope="col">${p.what}</th><th scope="col">${p.who}</th></tr></thead><tbody>
${o.audit.map((e) => html`<tr><td>${formatTime(e.at, v.lang)}</td><td>${auditText(v.lang, e)}</td><td>${t.actors[e.actor] ?? e.actor}</td></tr>`)}
</tbody></table>`;
  return page(v, studentName(s), body);
}

function letterForm(v: View, s: StudentRecord, base: string): Html {
  const p = texts(v.lang).student;
  if (s.state === 'suspended') return html`<p>${p.letterSuspended}</p>`;
  const warning = s.state === 'active' ? p.letterNewPhone : s.offer !== null ? p.letterReplaces : undefined;
  return html`<form method="post" action="${base}/letter">
${csrfField(v)}
<p>${p.letterNew}</p>
${warning === undefined ? '' : notice(warning)}
${selectField({ name: 'letter_lang', label: p.letterLang, value: v.lang, options: [['pl', 'polski'], ['en', 'English']] })}
<div class="actions"><button type="submit">${p.letterButton}</button></div>
</form>`;
}

function statusForms(v: View, s: StudentRecord, base: string, reasonMissing: boolean): Html {
  const t = texts(v.lang);
  const p = t.student;
  if (s.state === 'revoked') return html``;
  const form = (action: string, inner: Html, button: string, kind: 'secondary' | 'danger') =>
    html`<form method="post" action="${base}/status">${csrfField(v)}<input type="hidden" name="action" value="${action}">${inner}<div class="actions"><button type="submit" class="${kind}">${button}</button></div></form>`;
  return html`<section class="panel" aria-labelledby="actions">
<h2 id="actions">${p.actions}</h2>
<div class="grid">
${s.state === 'active' ? form('suspend', html`<p>${p.suspendHelp}</p>`, p.suspend, 'secondary') : ''}
${s.state === 'suspended' ? form('reinstate', html``, p.reinstate, 'secondary') : ''}
${form(
  'revoke',
  selectField({
    name: 'reason',
    label: p.revokeReason,
    required: true,
    value: '',
    options: [['', p.chooseReason], ...REVOKE_REASONS.map((r) => [r, t.reasons[r]] as const)],
    ...(reasonMissing ? { error: p.reasonRequired } : {}),
  }),
  p.revoke,
  'danger',
)}
</div>
</section>`;
}

/** An audit entry in words: the action, and its reason or attempt count where it has one. */
function auditText(lang: Lang, e: AuditEntry): string {
  const t = texts(lang);
  const action = t.actions[e.action] ?? e.action;
  const reason = e.detail?.reason;
  if (typeof reason === 'string' && reason in t.reasons) return `${action}: ${t.reasons[reason as keyof typeof t.reasons]}`;
  if (e.action === 'offer.wrong_code' && typeof e.detail?.attempts === 'number') return `${action} (${e.detail.attempts})`;
  return action;
}

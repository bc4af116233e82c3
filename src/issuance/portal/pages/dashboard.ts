/** The dashboard: students by state (each a link to the list filtered by it), the offers about to expire, the status lists' last publication. */
import { html } from '../../html.js';
import type { StoreCounts } from '../../store.js';
import { STUDENT_STATES } from '../../store.js';
import { formatNumber, formatTime } from '../format.js';
import { page, PORTAL_PATH, stateBadge, type View } from '../layout.js';
import type { ExpiringOffer, StatusListSummary } from '../portal-store.js';
import { texts } from '../texts.js';

export function dashboardPage(v: View, o: { counts: StoreCounts; expiring: ExpiringOffer[]; lists: StatusListSummary[] }): string {
  const t = texts(v.lang);
  const d = t.dashboard;
  const body = html`
<h2>${d.byState}</h2>
<ul class="cards">
${STUDENT_STATES.map((s) => html`<li><a href="${PORTAL_PATH}/students?state=${s}"><span class="n">${o.counts.students[s]}</span> ${stateBadge(s, t.states[s])}</a></li>`)}
</ul>
<p>${d.credentials}: ${(['valid', 'suspended', 'revoked'] as const).map((s, i) => html`${i > 0 ? ', ' : ''}${t.credentialStatus[s]} <strong>${o.counts.credentials[s]}</strong>`)}</p>

<h2>${d.expiring}</h2>
${
  o.expiring.length === 0
    ? html`<p>${d.expiringNone}</p>`
    : html`<table><thead><tr><th scope="col">${t.students.name}</th><th scope="col">${d.expiresAt}</th></tr></thead><tbody>
${o.expiring.map((e) => html`<tr><td><a href="${PORTAL_PATH}/students/${e.student_id}">${e.family_name} ${e.given_name}</a></td><td>${formatTime(e.expires_at, v.lang)}</td></tr>`)}
</tbody></table>`
}

<h2>${d.lists}</h2>
<table><thead><tr><th scope="col">${d.list}</th><th scope="col" class="num">${d.used}</th><th scope="col">${d.published}</th></tr></thead><tbody>
${o.lists.map((l) => html`<tr><td><code>/status/${l.name}</code></td><td class="num">${formatNumber(l.used, v.lang)} / ${formatNumber(l.size, v.lang)}</td><td>${l.last_iat === null ? d.never : formatTime(l.last_iat * 1000, v.lang)}</td></tr>`)}
</tbody></table>`;
  return page(v, d.title, body);
}

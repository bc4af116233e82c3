/**
 * Activation letters: one A4 page per student (a whole class on one printable page, one
 * letter per sheet), each with the offer as a QR code (its https:// form, so that a phone's
 * camera opens it), the activation code in large digits, its expiry, and the steps in the
 * letter's language. This page is the only place the code is ever shown: it answers the
 * POST that made the offer and is never cached or served again.
 */
import { html, trustedHtml, type Html } from '../../html.js';
import type { Student } from '../../store.js';
import { formatDay, formatTime, groupedCode } from '../format.js';
import { notice, page, type View } from '../layout.js';
import { texts, type Lang } from '../texts.js';
import { studentName } from './student.js';

export interface Letter {
  student: Student;
  school: string;
  txCode: string;
  expiresAt: number;
  /** The offer's QR code, an SVG drawn by the qrcode package. */
  qrSvg: string;
}

export function lettersPage(v: View, o: { letters: Letter[]; lang: Lang; back: { href: string; label: string }; skipped?: { label: string; why: string }[] }): string {
  const t = texts(v.lang);
  const head = html`<div class="letters-head noprint">
${notice(t.letter.printHint)}
${o.skipped === undefined || o.skipped.length === 0 ? '' : html`<p>${t.confirm.lettersSkipped}</p><ul>${o.skipped.map((s) => html`<li>${s.label}: ${s.why}</li>`)}</ul>`}
<div class="actions"><button type="button" data-print hidden>${t.letter.print}</button><a class="button secondary" href="${o.back.href}">${o.back.label}</a></div>
</div>`;
  return page(v, o.letters.length === 1 ? t.letter.title : t.letter.pageTitle, html`${head}${o.letters.map((l) => letter(l, o.lang))}`);
}

function letter(l: Letter, lang: Lang): Html {
  const t = texts(lang).letter;
  const docs = texts(lang).docs;
  return html`<section class="letter" lang="${lang}" aria-label="${t.title}: ${studentName(l.student)}">
<h2 class="title">${t.title}</h2>
<p class="school">${l.school}</p>
<p class="who">${t.for}: <strong>${studentName(l.student)}</strong><br>${docs[l.student.doc]}, ${t.validUntil} ${formatDay(l.student.valid_until, lang)}</p>
<div class="codes">
<div class="qr" role="img" aria-label="${t.qrAlt}">${trustedHtml(l.qrSvg)}</div>
<div>
<p class="code-label">${t.code}:</p>
<p class="code" data-activation-code>${groupedCode(l.txCode)}</p>
<p>${t.codeExpires(formatTime(l.expiresAt, lang))}</p>
</div>
</div>
<h3>${t.steps}</h3>
<ol>
<li>${t.step1}</li>
<li>${t.step2}</li>
<li>${t.step3}</li>
<li>${t.step4}</li>
<li>${t.step5}</li>
</ol>
<p class="secret">${t.secret}</p>
</section>`;
}

/** The one escaping function of the service's pages, and the template tag that applies it to every value. */
import t from 'tap';
import { escapeHtml, html, Html, trustedHtml } from '../../src/issuance/html.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</textarea><svg onload=alert(1)>',
  '&lt;already escaped&gt;',
  'javascript:alert(1)',
  '\u0000\u202e<b>',
];

t.test('escapeHtml: no markup character survives', async (t) => {
  for (const text of HOSTILE) {
    const out = escapeHtml(text);
    t.notMatch(out, /[<>"']/, JSON.stringify(text));
    t.equal(out.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!), text, 'and it reads back as it was');
  }
  t.equal(escapeHtml('Łęcki & Śliwiński'), 'Łęcki &amp; Śliwiński', 'Polish letters as they are');
});

t.test('html``: values escaped in text and in attributes; markup made by html`` kept; lists joined; nothing for null, undefined, booleans', async (t) => {
  for (const text of HOSTILE) {
    const out = html`<p title="${text}">${text}</p>`.value;
    t.equal(out, `<p title="${escapeHtml(text)}">${escapeHtml(text)}</p>`);
    t.equal(out.match(/</g)!.length, 2, 'only the template\'s own two tags');
  }
  const inner = html`<b>${'<i>'}</b>`;
  t.equal(html`<p>${inner}</p>`.value, '<p><b>&lt;i&gt;</b></p>', 'nested markup kept, its values escaped once');
  t.equal(html`<ul>${['<a>', html`<li>x</li>`, ['<b>', 1]]}</ul>`.value, '<ul>&lt;a&gt;<li>x</li>&lt;b&gt;1</ul>');
  t.equal(html`${null}${undefined}${false}${true}${0}`.value, '0');
  t.ok(html`x` instanceof Html);
  t.equal(String(html`<p>${'"'}</p>`), '<p>&quot;</p>');
  t.equal(html`${trustedHtml('<svg></svg>')}`.value, '<svg></svg>', 'trusted markup by name only');
});

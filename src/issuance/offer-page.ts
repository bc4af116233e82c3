/**
 * The `https://` form of an offer (`/offer?credential_offer=…`), for a phone whose camera
 * opens web links but has no wallet registered for `openid-credential-offer://`: a small
 * page, Polish first with an English switch, that says what to do and opens the wallet.
 * No script, no external assets; its one style sheet is allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { CREDENTIAL_FORMATS } from './credential-formats.js';
import { OFFER_SCHEME, PRE_AUTHORIZED_GRANT } from '../oid4vci/protocol.js';
import { encodeQueryValue } from './offers.js';

export type Lang = 'pl' | 'en';

const TEXT = {
  pl: {
    title: 'Aktywacja mLegitymacji',
    lead: 'Szkoła przygotowała dla Ciebie',
    open: 'Otwórz w portfelu',
    step1: 'Naciśnij przycisk: telefon otworzy aplikację portfela.',
    step2: 'Wpisz w portfelu 8-cyfrowy kod aktywacyjny z sekretariatu szkoły.',
    step3: 'Legitymacja działa potem tylko na tym telefonie.',
    noWallet: 'Nic się nie dzieje? Zainstaluj aplikację portfela, która obsługuje OpenID4VCI, i zeskanuj kod QR jeszcze raz.',
    /** The switch to the other language, in that language. */
    switchTo: 'English',
    bad: 'Ten link nie jest ofertą tej szkoły albo jest niepełny. Poproś sekretariat o nowy.',
  },
  en: {
    title: 'Activate your mLegitymacja',
    lead: 'Your school has prepared',
    open: 'Open in your wallet',
    step1: 'Press the button: your phone opens its wallet app.',
    step2: 'Type the 8-digit activation code from the school office into the wallet.',
    step3: 'The ID then works on this phone only.',
    noWallet: 'Nothing happens? Install a wallet app that supports OpenID4VCI and scan the QR code again.',
    switchTo: 'Polski',
    bad: 'This link is not an offer of this school, or it is incomplete. Ask the school office for a new one.',
  },
} as const;

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 1.25rem; line-height: 1.5; color: #111; background: #f4f6fa; }
main { max-width: 36rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 1rem; color: #0b3d91; }
.doc { font-size: 1.5rem; font-weight: bold; margin: 0 0 1.5rem; }
.open { display: block; text-align: center; font-size: 1.6rem; font-weight: bold; padding: 1.1rem 1rem; border-radius: 0.75rem; background: #0b3d91; color: #fff; text-decoration: none; }
.open:focus-visible { outline: 0.25rem solid #f2a900; outline-offset: 0.25rem; }
ol { padding-left: 1.5rem; margin: 1.5rem 0; }
li { margin: 0.5rem 0; }
.note { font-size: 1.05rem; color: #333; }
.lang { display: inline-block; margin-top: 1rem; font-size: 1.1rem; color: #0b3d91; }
.lang:focus-visible { outline: 0.2rem solid #0b3d91; outline-offset: 0.2rem; }
.bad { border-left: 0.4rem solid #b00020; padding: 0.5rem 1rem; background: #fff; }
`;

/** The Content-Security-Policy of the page: nothing but its own style sheet. */
export const OFFER_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** The offer's configuration id, when `json` is an offer of this issuer with a pre-authorized code; else undefined. */
export function offeredConfiguration(json: string | undefined, issuerUrl: string): string | undefined {
  if (json === undefined) return undefined;
  let offer: unknown;
  try {
    offer = JSON.parse(json);
  } catch {
    return undefined;
  }
  const o = offer as { credential_issuer?: unknown; credential_configuration_ids?: unknown; grants?: Record<string, { 'pre-authorized_code'?: unknown }> };
  const ids = o.credential_configuration_ids;
  if (o.credential_issuer !== issuerUrl || !Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== 'string' || !Object.hasOwn(CREDENTIAL_FORMATS, ids[0])) return undefined;
  return typeof o.grants?.[PRE_AUTHORIZED_GRANT]?.['pre-authorized_code'] === 'string' ? ids[0] : undefined;
}

/** The page for an offer (`json` as received), or the page saying the link is not one (`json` undefined). */
export function offerPage(o: { json: string | undefined; configurationId: string | undefined; lang: Lang; school: string }): string {
  const t = TEXT[o.lang];
  const other: Lang = o.lang === 'pl' ? 'en' : 'pl';
  const query = o.json === undefined ? '' : `credential_offer=${encodeQueryValue(o.json)}&`;
  const body =
    o.configurationId === undefined || o.json === undefined
      ? `<p class="bad">${escape(t.bad)}</p>`
      : `<p>${escape(t.lead)}:</p>
<p class="doc">${escape(CREDENTIAL_FORMATS[o.configurationId]!.display[o.lang])} — ${escape(o.school)}</p>
<a class="open" href="${escape(`${OFFER_SCHEME}?credential_offer=${encodeQueryValue(o.json)}`)}">${escape(t.open)}</a>
<ol><li>${escape(t.step1)}</li><li>${escape(t.step2)}</li><li>${escape(t.step3)}</li></ol>
<p class="note">${escape(t.noWallet)}</p>`;
  return `<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(t.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(t.title)}</h1>
${body}
<a class="lang" lang="${other}" href="?${escape(`${query}lang=${other}`)}">${escape(t.switchTo)}</a>
</main>
</body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

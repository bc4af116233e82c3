/** A refusal or fault as a page: the code, what it means to the operator, and the way back. */
import type { ErrorCode } from '../../../errors.js';
import { html } from '../../html.js';
import { notice, page, PORTAL_PATH, type View } from '../layout.js';
import { texts } from '../texts.js';

export function errorPage(v: View, code: ErrorCode, message: string): string {
  const t = texts(v.lang).error;
  const explained = t[code] ?? t.other!;
  return page(
    v,
    t.title!,
    html`${notice(explained, 'bad')}
<p class="muted">${code}: ${message}</p>
<p><a href="${PORTAL_PATH}/">${t.back}</a></p>`,
  );
}

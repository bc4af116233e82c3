/** The login page: operator name and password, an error beside the form, the throttle's answer. */
import { html } from '../../html.js';
import { inputField, notice, page, PORTAL_PATH, type View } from '../layout.js';
import { texts } from '../texts.js';

export interface LoginPageOptions {
  name?: string;
  message?: { text: string; kind: 'good' | 'bad' | 'info' };
  /** Shown beside the fields when one is left empty. */
  missing?: { name: boolean; password: boolean };
  next?: string;
  noOperators: boolean;
}

export function loginPage(v: View, o: LoginPageOptions): string {
  const t = texts(v.lang).login;
  const body = html`
${o.message === undefined ? '' : notice(o.message.text, o.message.kind)}
${o.noOperators ? notice(t.noOperators) : ''}
<form class="panel login" method="post" action="${PORTAL_PATH}/login" novalidate>
<input type="hidden" name="_csrf" value="${v.csrf ?? ''}">
${o.next === undefined ? '' : html`<input type="hidden" name="next" value="${o.next}">`}
${inputField({ name: 'name', label: t.name, value: o.name ?? '', required: true, autocomplete: 'username', ...(o.missing?.name ? { error: t.required } : {}) })}
${inputField({ name: 'password', label: t.password, type: 'password', required: true, autocomplete: 'current-password', ...(o.missing?.password ? { error: t.required } : {}) })}
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`;
  return page(v, t.title, body);
}

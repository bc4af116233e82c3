/**
 * The school portal for tests: a running issuing service (test/helpers/issuance.ts) with
 * an operator added as `mleg issuer operator add` adds one; a small HTTP client that keeps
 * cookies and reads each form's CSRF token, for the refusals a browser cannot be made to
 * send; and logging in from headless Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import type { Test } from 'tap';
import { addOperator } from '../../src/issuance/portal/operators.js';
import { launchBrowser } from './browser.js';
import { startIssuer, type TestIssuer, type TestIssuerOptions } from './issuance.js';

export const OPERATOR = { name: 'sekretariat.anna', password: 'Zielona-Łąka-2026!' };

export async function startPortal(o: TestIssuerOptions = {}): Promise<TestIssuer> {
  const s = await startIssuer(o);
  await addOperator(s.service.portalStore, OPERATOR.name, OPERATOR.password, Date.now());
  return s;
}

/** A portal and a headless Chromium for a whole test file (`t`, tap's root), both stopped at its end. */
export async function startPortalInBrowser(t: Test, o: TestIssuerOptions = {}): Promise<{ s: TestIssuer; browser: Browser }> {
  const s = await startPortal(o);
  t.teardown(() => s.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  return { s, browser };
}

export interface Answer {
  res: Response;
  text: string;
}

/** A browser without a browser: cookies kept by name, redirects not followed, `Accept: text/html`. */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received, as sent. */
  readonly setCookies: string[] = [];

  constructor(readonly base: string) {}

  async request(method: string, path: string, o: { form?: Record<string, string | string[]>; body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'text/html', ...o.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = o.body;
    if (o.form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) for (const value of [v].flat()) params.append(k, value);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair, ...attributes] = c.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { res, text: await res.text() };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string | string[]>): Promise<Answer> {
    return this.request('POST', path, { form });
  }

  /** The form's CSRF token on the page at `path` (the first form's). */
  async csrf(path = '/portal/'): Promise<string> {
    return csrfOf((await this.get(path)).text);
  }

  async login(name = OPERATOR.name, password = OPERATOR.password): Promise<Answer> {
    const csrf = csrfOf((await this.get('/portal/login')).text);
    return this.post('/portal/login', { _csrf: csrf, name, password });
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(html);
  if (m === null) throw new Error(`no CSRF field in the page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

/** Logs in from the browser page (on the login page or sent there) and waits for the dashboard. */
export async function loginInBrowser(page: Page, base: string, name = OPERATOR.name, password = OPERATOR.password): Promise<void> {
  await page.goto(`${base}/portal/login`);
  await page.getByLabel(/Nazwa operatora|Operator name/).fill(name);
  await page.getByLabel(/^(Hasło|Password)/).fill(password);
  await Promise.all([page.waitForURL(/\/portal\/$/), page.getByRole('button', { name: /Zaloguj|Log in/ }).click()]);
}

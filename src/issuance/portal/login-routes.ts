/**
 * Logging in and out. The login form carries its own CSRF token (an HMAC of a nonce in a
 * cookie of its own), so no other site can log a browser in either. A failed login is
 * answered alike whether the name exists or not (the password is checked against a dummy
 * hash at the same cost); growing delays and then a lock, per operator and per client
 * address, stop guessing (src/issuance/portal/login-throttle.ts). A new session id at every
 * login; logging out deletes the session.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, LOGIN_COOKIE, readCookies, SESSION_COOKIE, setCookie } from './cookies.js';
import { csrfMatches, csrfToken } from './csrf.js';
import { FormBody } from './forms.js';
import { PORTAL_PATH } from './layout.js';
import { addressKey } from './login-throttle.js';
import { loginPage, type LoginPageOptions } from './pages/login.js';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from './passwords.js';
import { errorBody } from '../../errors.js';
import { sessionHash, wantsHtml, type Portal } from './portal.js';
import { formatTime } from './format.js';
import { texts } from './texts.js';

const NONCE = /^[A-Za-z0-9_-]{43}$/;

/** Where to go after logging in: a portal page of this service only (never another site). */
export function safeNext(next: string | undefined): string | undefined {
  if (next === undefined || !/^\/portal\/[A-Za-z0-9/_?=&%.-]*$/.test(next) || next.includes('//') || next.startsWith(`${PORTAL_PATH}/login`)) return undefined;
  return next;
}

export function loginRoutes(app: FastifyInstance, portal: Portal): void {
  const { ctx, store } = portal;
  const { config, clock } = ctx;
  const lockMs = config.portal.lockMinutes * 60_000;
  const policies = {
    operator: { free: 2, maxFailures: config.portal.maxFailedLogins, lockMs },
    // An office shares one address: five times the operator's allowance before it is locked.
    address: { free: 5, maxFailures: 5 * config.portal.maxFailedLogins, lockMs },
  };

  /** The login page, with the nonce its form's token is made from (a new one when the browser has none). */
  const showLogin = async (request: FastifyRequest, reply: FastifyReply, status: number, o: Omit<LoginPageOptions, 'noOperators'>) => {
    let nonce = readCookies(request).get(LOGIN_COOKIE);
    if (nonce === undefined || !NONCE.test(nonce)) {
      nonce = randomBytes(32).toString('base64url');
      setCookie(reply, LOGIN_COOKIE, nonce, { secure: portal.secure });
    }
    const noOperators = (await store.listOperators(clock())).length === 0;
    const view = { ...portal.view(request, status === 200 ? {} : { switchHref: `${PORTAL_PATH}/login?lang=${request.portal!.lang === 'pl' ? 'en' : 'pl'}` }), csrf: csrfToken(portal.key, 'login', nonce) };
    return portal.sendPage(reply, status, loginPage(view, { ...o, noOperators }));
  };

  app.get<{ Querystring: { next?: string; expired?: string; out?: string } }>('/login', { config: { portalPublic: true }, schema: { hide: true } }, async (request, reply) => {
    if (request.portal!.session !== undefined) return reply.redirect(`${PORTAL_PATH}/`, 303);
    const t = texts(request.portal!.lang).login;
    const { next, expired, out } = request.query;
    const message = out === '1' ? { text: t.loggedOut, kind: 'good' as const } : expired === '1' ? { text: t.expired, kind: 'info' as const } : undefined;
    const safe = safeNext(next);
    return showLogin(request, reply, 200, { ...(message === undefined ? {} : { message }), ...(safe === undefined ? {} : { next: safe }) });
  });

  app.post('/login', { config: { portalPublic: true }, schema: { hide: true } }, async (request, reply) => {
    const form = request.body instanceof FormBody ? request.body : new FormBody([]);
    const nonce = readCookies(request).get(LOGIN_COOKIE);
    if (nonce === undefined || !csrfMatches(portal.key, 'login', nonce, form.get('_csrf'))) {
      request.log.warn('portal login form without its CSRF token refused');
      return portal.refuse(request, reply, 'FORBIDDEN', 'the login form has no valid CSRF token; reload the page and try again');
    }
    const t = texts(request.portal!.lang).login;
    const name = (form.get('name') ?? '').trim().toLowerCase();
    const password = form.get('password') ?? '';
    const next = safeNext(form.get('next'));
    const keep = { name, ...(next === undefined ? {} : { next }) };
    if (name === '' || password === '') return showLogin(request, reply, 400, { ...keep, missing: { name: name === '', password: password === '' } });

    const address = addressKey(portal.key, request.ip);
    const start = await store.beginLogin(name, address, clock(), policies);
    if (!start.ok) {
      const seconds = Math.max(1, Math.ceil((start.until - clock()) / 1000));
      request.log.warn({ scope: start.scope, refused: start.refused, seconds }, 'portal login refused: too many failures');
      reply.header('retry-after', String(seconds));
      if (!wantsHtml(request)) return reply.code(429).send(errorBody('LOGIN_LOCKED', `too many failed logins; try again in ${seconds} s`));
      const text = start.refused === 'locked' ? t.locked(formatTime(start.until, request.portal!.lang)) : t.delayed(seconds);
      return showLogin(request, reply, 429, { ...keep, message: { text, kind: 'bad' } });
    }
    const operator = start.operator;
    const right = operator === undefined ? await verifyNothing(password) : await verifyPassword(password, operator.password);
    if (!right || operator === undefined) {
      await store.loginFailed({ name, operator, lockedNow: start.lockedNow, now: clock() });
      request.log.warn({ operator: operator?.id ?? null, locked: start.lockedNow }, 'portal login failed');
      if (!wantsHtml(request)) return reply.code(401).send(errorBody('LOGIN_FAILED', 'wrong operator name or password'));
      return showLogin(request, reply, 401, { ...keep, message: { text: t.failed, kind: 'bad' } });
    }
    const id = randomBytes(32).toString('base64url');
    const rehashed = needsRehash(operator.password) ? await hashPassword(password) : undefined;
    await store.loginSucceeded({ operatorId: operator.id, addressKey: address, sessionHash: sessionHash(id), now: clock(), limits: portal.limits, ...(rehashed === undefined ? {} : { rehashed }) });
    request.log.info({ operator: operator.id, rehashed: rehashed !== undefined }, 'portal login');
    setCookie(reply, SESSION_COOKIE, id, { secure: portal.secure });
    clearCookie(reply, LOGIN_COOKIE, { secure: portal.secure });
    return reply.redirect(next ?? `${PORTAL_PATH}/`, 303);
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    const session = request.portal!.session!;
    await store.endSession(session.hash, clock());
    request.log.info({ operator: session.operator.id }, 'portal logout');
    clearCookie(reply, SESSION_COOKIE, { secure: portal.secure });
    return reply.redirect(`${PORTAL_PATH}/login?out=1`, 303);
  });
}

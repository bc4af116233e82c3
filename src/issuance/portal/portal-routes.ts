/**
 * The school portal: the secretariat's pages at /portal/ of the issuing service, a Fastify
 * plugin of its own. Server-rendered HTML, one style sheet and a few lines of script
 * (every form works without them), a strict Content-Security-Policy, Polish first with an
 * English switch. Every page but the login needs a session; every POST needs the session's
 * CSRF token and no other site's Origin. Refusals are pages for a browser and
 * `{"error", "message"}` for anything else.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ERRORS, errorBody } from '../../errors.js';
import { clientError } from '../../http/http-errors.js';
import { PORTAL_CSS, PORTAL_JS } from './assets.js';
import { LANG_COOKIE, readCookies, SESSION_COOKIE, setCookie } from './cookies.js';
import { csrfMatches, csrfToken } from './csrf.js';
import { FormBody, takeForms } from './forms.js';
import { importRoutes } from './import-routes.js';
import { ImportPreviews } from './import-previews.js';
import { CSRF_FIELD, PORTAL_PATH } from './layout.js';
import { loginRoutes } from './login-routes.js';
import { errorPage } from './pages/error.js';
import { sessionHash, wantsHtml, type Portal, type PortalOptions } from './portal.js';
import { studentRoutes } from './student-routes.js';
import type { Lang } from './texts.js';

/** The pages' own policy: style and script from /portal/assets only, forms to this service only, nothing inline, nothing from elsewhere. */
export const PORTAL_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const LANG_MAX_AGE = 365 * 24 * 3600;


export const portalRoutes: FastifyPluginAsync<PortalOptions> = async (app, o) => {
  const { portalStore: store, ...ctx } = o;
  const portal: Portal = {
    ctx,
    store,
    previews: new ImportPreviews(),
    key: o.keys.portal,
    secure: o.config.issuer.url.startsWith('https:'),
    limits: { idleMs: o.config.portal.idleMinutes * 60_000, maxMs: o.config.portal.sessionHours * 3600_000 },
    view: (request, v = {}) => {
      const p = request.portal!;
      return {
        lang: p.lang,
        path: v.path ?? request.url.split('?')[0]!,
        switchHref: v.switchHref !== undefined ? v.switchHref : request.method === 'GET' ? switchHref(request, p.lang) : null,
        ...(p.session === undefined ? {} : { operator: p.session.operator.name, csrf: csrfToken(o.keys.portal, 'session', p.session.id) }),
      };
    },
    operator: (request) => request.portal!.session!.operator.name,
    sendPage: (reply, status, page) => reply.code(status).type('text/html; charset=utf-8').send(page),
    refuse: (request, reply, code, message) => {
      const status = (ERRORS[code] as { status?: number }).status ?? 500;
      if (!wantsHtml(request) || request.portal === undefined) return reply.code(status).send(errorBody(code, message));
      return portal.sendPage(reply, status, errorPage(portal.view(request, { switchHref: null }), code, message));
    },
  };
  takeForms(app);

  app.addHook('onRequest', async (request, reply) => {
    // same-origin, not no-referrer: a browser then sends the Origin header with the pages' own forms (with no-referrer it sends "null").
    reply.header('content-security-policy', PORTAL_CSP).header('referrer-policy', 'same-origin');
    const cookies = readCookies(request);
    const asked = (request.query as Record<string, unknown> | undefined)?.lang;
    let lang: Lang = cookies.get(LANG_COOKIE) === 'en' ? 'en' : 'pl';
    if (asked === 'en' || asked === 'pl') {
      lang = asked;
      setCookie(reply, LANG_COOKIE, lang, { secure: portal.secure, maxAge: LANG_MAX_AGE });
    }
    request.portal = { lang };
    const id = cookies.get(SESSION_COOKIE);
    if (id !== undefined && SESSION_ID.test(id)) {
      const hash = sessionHash(id);
      const session = await store.session(hash, o.clock(), portal.limits);
      if (session !== undefined) request.portal.session = { id, hash, operator: session.operator };
    }
    if (request.routeOptions.config?.portalPublic === true || request.portal.session !== undefined) return;
    // No session: a browser goes to the login page (back here afterwards, for a page it asked for).
    if (!wantsHtml(request)) return reply.code(401).send(errorBody('SESSION_EXPIRED', 'log in at /portal/login first'));
    const query = new URLSearchParams();
    if (request.method === 'GET' && request.routeOptions.url !== undefined) query.set('next', request.url);
    if (id !== undefined) query.set('expired', '1');
    return reply.redirect(`${PORTAL_PATH}/login${query.size === 0 ? '' : `?${query}`}`, 303);
  });

  // A form is taken only from this service's own pages: another site's Origin, or no CSRF token of this session, is 403.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== o.config.issuer.url) {
      request.log.warn({ route: request.routeOptions.url }, 'portal form from another origin refused');
      return portal.refuse(request, reply, 'FORBIDDEN', 'the form was sent from another site');
    }
    const session = request.portal?.session;
    if (session === undefined) return; // the login form checks its own token
    const given = request.body instanceof FormBody ? request.body.get(CSRF_FIELD) : undefined;
    if (!csrfMatches(o.keys.portal, 'session', session.id, given)) {
      request.log.warn({ route: request.routeOptions.url, operator: session.operator.id }, 'portal form without its CSRF token refused');
      return portal.refuse(request, reply, 'FORBIDDEN', 'the form has no valid CSRF token; reload the page and try again');
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = clientError(error) ?? { code: 'INTERNAL' as const, message: 'the request could not be completed' };
    if (answer.code === 'INTERNAL') request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'portal request failed');
    return portal.refuse(request, reply, answer.code, answer.message);
  });
  app.setNotFoundHandler((request, reply) => portal.refuse(request, reply, 'NOT_FOUND', 'no such page'));

  assetRoutes(app);
  loginRoutes(app, portal);
  studentRoutes(app, portal);
  importRoutes(app, portal);
};

/** The page again in the other language: its query with `lang` set. */
function switchHref(request: FastifyRequest, lang: Lang): string {
  const [path, query = ''] = request.url.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  params.set('lang', lang === 'pl' ? 'en' : 'pl');
  return `${path}?${params}`;
}

function assetRoutes(app: FastifyInstance): void {
  const assets: Record<string, [string, string]> = { 'portal.css': ['text/css; charset=utf-8', PORTAL_CSS], 'portal.js': ['text/javascript; charset=utf-8', PORTAL_JS] };
  app.get<{ Params: { file: string } }>('/assets/:file', { config: { portalPublic: true }, schema: { hide: true } }, async (request, reply) => {
    const asset = Object.hasOwn(assets, request.params.file) ? assets[request.params.file] : undefined;
    if (asset === undefined) return reply.callNotFound();
    return reply.header('cache-control', 'public, max-age=3600').type(asset[0]).send(asset[1]);
  });
}

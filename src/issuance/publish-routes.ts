/**
 * What this service publishes without a token: the status lists and the trust list that
 * verifiers are configured from (SPEC 4, 5), and the `https://` page of an offer.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { errorReplies } from '../http/schemas.js';
import { trustListEntry } from '../issuer/keys.js';
import { STATUS_LIST_MEDIA_TYPE } from '../status/fetch-status-list.js';
import type { IssuanceContext } from './context.js';
import { sendError } from '../http/http-errors.js';
import { OFFER_PAGE_CSP, offeredConfiguration, offerPage } from './offer-page.js';
import { matchesEtag } from './status-publisher.js';

/** Public documents: anyone may read them, from any origin. */
export function publicDocument(reply: FastifyReply, maxAgeSeconds: number): FastifyReply {
  return reply.headers({
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': `public, max-age=${maxAgeSeconds}`,
  });
}

export const publishRoutes: FastifyPluginAsync<IssuanceContext> = async (app, { config, publisher, issuer }) => {
  const trustList = { keys: [trustListEntry(issuer)] };

  app.get<{ Params: { name: string } }>(
    '/status/:name',
    {
      schema: {
        summary: 'A status list (IETF Token Status List, statuslist+jwt) of this issuer\'s credentials',
        tags: ['publishing'],
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        response: { 200: { type: 'string' }, 304: { type: 'null' }, ...errorReplies(404) },
      },
    },
    async (request, reply) => {
      const list = /^[1-9][0-9]{0,8}$/.test(request.params.name) ? await publisher.current(request.params.name) : undefined;
      if (list === undefined) return sendError(reply, 'NOT_FOUND', `no status list "${request.params.name}"`);
      publicDocument(reply, config.status.cacheSeconds).header('etag', list.etag);
      if (matchesEtag(request.headers['if-none-match'], list.etag)) return reply.code(304).send();
      return reply.type(STATUS_LIST_MEDIA_TYPE).send(list.token);
    },
  );

  app.get(
    '/trust-list.json',
    { schema: { summary: 'This issuer\'s public key as a trust list (SPEC 4), for a verifier\'s trust.file', tags: ['publishing'] } },
    async (_request, reply) => {
      publicDocument(reply, 300);
      return reply.type('application/json').send(JSON.stringify(trustList));
    },
  );

  app.get<{ Querystring: { credential_offer?: string; lang?: string } }>(
    '/offer',
    {
      schema: {
        summary: 'The https:// form of a credential offer: a page that opens the wallet',
        tags: ['openid4vci'],
        querystring: { type: 'object', properties: { credential_offer: { type: 'string' }, lang: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const json = request.query.credential_offer;
      const configurationId = offeredConfiguration(json, config.issuer.url);
      const lang = request.query.lang === 'en' ? 'en' : 'pl';
      reply.header('content-security-policy', OFFER_PAGE_CSP).type('text/html; charset=utf-8');
      return reply.code(configurationId === undefined ? 400 : 200).send(offerPage({ json, configurationId, lang, school: issuer.name ?? issuer.iss }));
    },
  );
};

/**
 * OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow with an
 * activation code (SPEC 10): the issuer and authorization-server metadata, the token
 * endpoint, the nonce endpoint and the credential endpoint with `jwt` key proofs.
 */
import { calculateJwkThumbprint } from 'jose';
import type { FastifyPluginAsync } from 'fastify';
import { bearerToken } from '../http/bearer-auth.js';
import { endOfDayInPoland } from '../issuer/valid-until.js';
import { isPlainObject } from '../jws/compact.js';
import type { IssuanceContext } from './context.js';
import { configurationsMetadata, CREDENTIAL_FORMATS } from './credential-formats.js';
import { checkKeyProof } from './key-proof.js';
import { checkNonce, newNonce } from './nonces.js';
import { sendOauthError, type OauthErrorCode } from './oauth-errors.js';
import { PRE_AUTHORIZED_GRANT } from '../oid4vci/protocol.js';
import { newId, newSecretCode, sha256, txCodeMac } from './offers.js';
import { publicDocument } from './publish-routes.js';
import { statusListUri } from './status-publisher.js';
import type { AccessTokenInfo, RedeemOutcome } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    accessToken?: { hash: Buffer; info: AccessTokenInfo };
  }
}

const TOKEN_DESCRIPTIONS: Record<Exclude<RedeemOutcome, { ok: true }>['reason'], string> = {
  unknown: 'unknown pre-authorized code',
  expired: 'this offer has expired; the school makes a new one',
  used: 'this offer was used already',
  cancelled: 'this offer was replaced or withdrawn by the school',
  locked: 'this offer is locked after too many wrong activation codes; the school makes a new one',
  wrong_tx_code: 'wrong activation code (tx_code)',
};

const TOKEN_STATES: Record<Exclude<AccessTokenInfo['state'], 'usable'>, string> = {
  expired: 'the access token has expired',
  used: 'the access token was used already: one access token gives one credential',
  cancelled: 'the offer of this access token was withdrawn by the school',
};

export const oid4vciRoutes: FastifyPluginAsync<IssuanceContext> = async (app, { config, store, issuer, keys, metrics, clock }) => {
  const url = config.issuer.url;
  const issuerMetadata = {
    credential_issuer: url,
    credential_endpoint: `${url}/credential`,
    nonce_endpoint: `${url}/nonce`,
    display: [{ name: issuer.name ?? issuer.iss, locale: 'pl' }],
    credential_configurations_supported: configurationsMetadata(issuer),
  };
  const authorizationServerMetadata = {
    issuer: url,
    token_endpoint: `${url}/token`,
    grant_types_supported: [PRE_AUTHORIZED_GRANT],
    'pre-authorized_grant_anonymous_access_supported': true,
    token_endpoint_auth_methods_supported: ['none'],
  };
  const metadata = { tags: ['openid4vci'] };
  app.get('/.well-known/openid-credential-issuer', { schema: { ...metadata, summary: 'Credential Issuer Metadata (OpenID4VCI 1.0 §12.2)' } }, async (_request, reply) =>
    publicDocument(reply, 300).send(issuerMetadata),
  );
  app.get('/.well-known/oauth-authorization-server', { schema: { ...metadata, summary: 'OAuth 2.0 Authorization Server Metadata (RFC 8414)' } }, async (_request, reply) =>
    publicDocument(reply, 300).send(authorizationServerMetadata),
  );

  await app.register(async (token) => {
    token.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => done(null, new URLSearchParams(body as string)));
    token.post(
      '/token',
      {
        config: { oauthError: 'invalid_request', rateLimit: { max: config.http.rateLimit.tokenPerMinute, timeWindow: 60_000 } },
        schema: { ...metadata, summary: 'Token endpoint: pre-authorized code and activation code (tx_code) for an access token', consumes: ['application/x-www-form-urlencoded'] },
      },
      async (request, reply) => {
        const form = request.body;
        if (!(form instanceof URLSearchParams)) return sendOauthError(reply, 400, 'invalid_request', 'send the token request form-encoded (application/x-www-form-urlencoded)');
        const repeated = [...new Set(form.keys())].find((k) => form.getAll(k).length > 1);
        if (repeated !== undefined) return sendOauthError(reply, 400, 'invalid_request', `parameter ${repeated} is repeated`);
        const grant = form.get('grant_type');
        if (grant === null || grant === '') return sendOauthError(reply, 400, 'invalid_request', 'grant_type is missing');
        if (grant !== PRE_AUTHORIZED_GRANT) return sendOauthError(reply, 400, 'unsupported_grant_type', `only the grant type ${PRE_AUTHORIZED_GRANT} is supported`);
        const code = form.get('pre-authorized_code');
        if (code === null || code === '') return sendOauthError(reply, 400, 'invalid_request', 'pre-authorized_code is missing');
        const txCode = form.get('tx_code');
        if (txCode === null) return sendOauthError(reply, 400, 'invalid_request', 'tx_code is missing: this offer needs its activation code');
        const now = clock();
        const accessToken = newSecretCode();
        const codeHash = sha256(code);
        const outcome = await store.redeemOffer({
          codeHash,
          txCodeMac: txCodeMac(keys.txCode, codeHash, txCode),
          now,
          maxAttempts: config.activation.maxAttempts,
          token: { hash: sha256(accessToken), expiresAt: now + config.activation.accessTokenTtlSeconds * 1000 },
        });
        metrics.recordTokenRequest(outcome.ok ? 'issued' : outcome.reason);
        if (!outcome.ok) {
          const offer = 'offerId' in outcome ? outcome.offerId : undefined;
          if (outcome.reason === 'wrong_tx_code') {
            request.log.warn({ offer, attempts_left: outcome.attemptsLeft, locked: outcome.locked }, outcome.locked ? 'wrong activation code: offer locked' : 'wrong activation code');
            const description = outcome.locked ? TOKEN_DESCRIPTIONS.locked : `${TOKEN_DESCRIPTIONS.wrong_tx_code}; ${outcome.attemptsLeft} attempt${outcome.attemptsLeft === 1 ? '' : 's'} left`;
            return sendOauthError(reply, 400, 'invalid_grant', description, { mleg_reason: outcome.locked ? 'locked' : 'wrong_tx_code', attempts_left: outcome.attemptsLeft });
          }
          request.log.info({ offer, reason: outcome.reason }, 'token request refused');
          return sendOauthError(reply, 400, 'invalid_grant', TOKEN_DESCRIPTIONS[outcome.reason], { mleg_reason: outcome.reason });
        }
        request.log.info({ offer: outcome.offerId, student: outcome.studentId }, 'offer redeemed');
        reply.header('pragma', 'no-cache');
        return { access_token: accessToken, token_type: 'Bearer', expires_in: config.activation.accessTokenTtlSeconds };
      },
    );
  });

  await app.register(async (nonce) => {
    // A nonce request has no body; whatever one comes with (an empty JSON one too) is ignored.
    nonce.removeAllContentTypeParsers();
    nonce.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 }, (_request, _body, done) => done(null, undefined));
    nonce.post('/nonce', { config: { oauthError: 'invalid_request' }, schema: { ...metadata, summary: 'Nonce endpoint: a fresh c_nonce for a key proof (good for 300 s, once)' } }, async () => ({
      c_nonce: newNonce(keys.nonce, clock()),
    }));
  });

  await app.register(async (credential) => {
    // The access token is checked before the body is read: no token, no parsing.
    credential.addHook('onRequest', async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (token === undefined) return sendOauthError(reply, 401, 'invalid_token', 'this endpoint needs Authorization: Bearer <access token>');
      const hash = sha256(token);
      const info = await store.accessToken(hash, clock());
      if (info === undefined) return sendOauthError(reply, 401, 'invalid_token', 'unknown access token');
      if (info.state !== 'usable') return sendOauthError(reply, 401, 'invalid_token', TOKEN_STATES[info.state]);
      request.accessToken = { hash, info };
    });
    credential.post(
      '/credential',
      {
        config: { oauthError: 'invalid_credential_request' },
        schema: { ...metadata, summary: 'Credential endpoint: one credential for one access token and one jwt key proof', security: [{ accessToken: [] }] },
      },
      async (request, reply) => {
        const refuse = (error: OauthErrorCode, description: string) => {
          metrics.recordCredentialRequest(error);
          request.log.info({ error, reason: description }, 'credential request refused');
          return sendOauthError(reply, error === 'invalid_token' ? 401 : 400, error, description);
        };
        const { hash: tokenHash, info } = request.accessToken!;
        const body = request.body;
        if (!isPlainObject(body)) return refuse('invalid_credential_request', 'the body must be a JSON object');
        if (body.credential_identifier !== undefined) return refuse('invalid_credential_request', 'use credential_configuration_id: this issuer gives no credential identifiers');
        const configurationId = body.credential_configuration_id;
        if (typeof configurationId !== 'string') return refuse('invalid_credential_request', 'credential_configuration_id is missing');
        const format = Object.hasOwn(CREDENTIAL_FORMATS, configurationId) ? CREDENTIAL_FORMATS[configurationId]! : undefined;
        if (format === undefined) return refuse('unknown_credential_configuration', `unknown credential configuration ${configurationId}`);
        if (format.grantedBy !== info.configurationId) return refuse('invalid_credential_request', `this access token is for ${info.configurationId}, not ${configurationId}`);
        if (body.credential_response_encryption !== undefined) return refuse('invalid_encryption_parameters', 'this issuer does not encrypt credential responses');
        const proof = singleJwtProof(body.proofs);
        if (typeof proof !== 'string') return refuse('invalid_proof', proof.reason);
        const now = clock();
        const checked = checkKeyProof(proof, config.issuer.url, Math.floor(now / 1000));
        if (!checked.ok) return refuse('invalid_proof', checked.reason);
        const nonce = checkNonce(keys.nonce, checked.nonce, now);
        if (!nonce.ok) return refuse('invalid_nonce', nonce.reason);
        const jti = newId();
        const issued = await store.issueCredential({ tokenHash, nonceHash: sha256(checked.nonce), now, jti, deviceThumbprint: await calculateJwkThumbprint(checked.jwk) });
        if (!issued.ok) {
          return issued.reason === 'nonce_used'
            ? refuse('invalid_nonce', 'the nonce was used already; get a new one')
            : refuse('invalid_token', 'the access token was used already: one access token gives one credential');
        }
        const student = issued.student;
        const text = format.issue({
          issuer,
          student: { ...student, org: student.org ?? config.issuer.org ?? { name: issuer.name ?? issuer.iss, id: issuer.iss } },
          device: checked.jwk,
          status: { uri: statusListUri(url, issued.statusList), idx: issued.idx },
          iat: Math.floor(now / 1000),
          exp: endOfDayInPoland(student.valid_until),
          jti,
        });
        metrics.recordCredentialRequest('issued', configurationId, issued.replaced.length);
        request.log.info({ student: student.id, jti, status_list: issued.statusList, idx: issued.idx, replaced: issued.replaced.length }, 'credential issued');
        return { credentials: [{ credential: text }] };
      },
    );
  });
};

/** The one `jwt` key proof of `proofs` (no batch issuance), or why not. */
function singleJwtProof(proofs: unknown): string | { reason: string } {
  if (proofs === undefined) return { reason: 'proofs is missing: a jwt key proof of the device key is required' };
  if (!isPlainObject(proofs)) return { reason: 'proofs must be an object' };
  const types = Object.keys(proofs);
  if (types.length !== 1 || types[0] !== 'jwt') return { reason: 'proofs must hold the one proof type jwt' };
  const list = proofs.jwt;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string')) return { reason: 'proofs.jwt must be a non-empty array of JWTs' };
  if (list.length > 1) return { reason: 'one key proof per request: this issuer gives one credential per access token' };
  return list[0] as string;
}

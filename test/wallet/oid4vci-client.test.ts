/**
 * The wallet's OpenID4VCI client against issuers that misbehave: a lying one (another
 * issuer in its metadata, a credential bound to someone else's key), a broken one (HTML
 * instead of JSON), one that refuses the first nonce, one that gives its offer by reference,
 * and offers it must refuse before any request. A real HTTP server plays each part.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { issueCredential } from '../../src/issuer/credential.js';
import { PRE_AUTHORIZED_GRANT } from '../../src/oid4vci/protocol.js';
import { activate, readOffer } from '../../src/wallet/oid4vci-client.js';
import { signerOf } from '../helpers/issuance.js';
import { makeDevice, makeIssuer, STUDENT } from '../helpers/world.js';

type Mode = 'honest' | 'other-issuer' | 'other-key' | 'html-token' | 'nonce-once' | 'no-credential';

const device = makeDevice();
const issuerKey = makeIssuer();

/** A small issuer: just what the client asks, answering as `mode` says. */
async function fakeIssuer(mode: Mode) {
  let nonces = 0;
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      requests.push(`${req.method} ${path}`);
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      switch (path) {
        case '/.well-known/openid-credential-issuer':
          return json(200, {
            credential_issuer: mode === 'other-issuer' ? 'https://elsewhere.example' : url,
            credential_endpoint: `${url}/credential`,
            nonce_endpoint: `${url}/nonce`,
            credential_configurations_supported: { mlegitymacja_szkolna: { format: 'mleg+jwt' } },
          });
        case '/.well-known/oauth-authorization-server':
          return json(200, { issuer: url, token_endpoint: `${url}/token` });
        case '/offer.json':
          return json(200, offer('code-by-reference'));
        case '/token':
          if (mode === 'html-token') return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
          return json(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 300 });
        case '/nonce':
          return json(200, { c_nonce: `n-${++nonces}` });
        case '/credential': {
          const { proofs } = JSON.parse(body) as { proofs: { jwt: string[] } };
          const proofNonce = JSON.parse(Buffer.from(proofs.jwt[0]!.split('.')[1]!, 'base64url').toString()).nonce;
          if (mode === 'nonce-once' && proofNonce === 'n-1') return json(400, { error: 'invalid_nonce', error_description: 'stale' });
          if (mode === 'no-credential') return json(200, { transaction_id: 'later', interval: 5 });
          const bound = mode === 'other-key' ? makeDevice().publicJwk : device.publicJwk;
          return json(200, { credentials: [{ credential: issueCredential({ issuer: issuerKey, student: STUDENT, device: bound, status: { uri: `${url}/status/1`, idx: 0 }, exp: 2_000_000_000 }) }] });
        }
        default:
          return json(404, { error: 'not found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const offer = (code: string) => ({
    credential_issuer: url,
    credential_configuration_ids: ['mlegitymacja_szkolna'],
    grants: { [PRE_AUTHORIZED_GRANT]: { 'pre-authorized_code': code, tx_code: { length: 8, input_mode: 'numeric' } } },
  });
  const link = `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer('code-1')))}`;
  return { url, link, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

const run = async (mode: Mode, o: { link?: (f: Awaited<ReturnType<typeof fakeIssuer>>) => string } = {}) => {
  const f = await fakeIssuer(mode);
  try {
    const result = await activate({ offer: o.link?.(f) ?? f.link, txCode: '12345678', signer: signerOf(device) }).catch((err: unknown) => err);
    return { result, requests: f.requests };
  } finally {
    await f.close();
  }
};

t.test('an honest issuer: the credential; an offer by reference fetched first', async (t) => {
  const { result } = await run('honest');
  t.match(result, { configurationId: 'mlegitymacja_szkolna', format: 'mleg+jwt', credential: /^eyJ/ });
  const byReference = await run('honest', { link: (f) => `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${f.url}/offer.json`)}` });
  t.match(byReference.result, { credential: /^eyJ/ });
  t.equal(byReference.requests[0], 'GET /offer.json');
});

t.test('a lying or broken issuer is refused with a reason', async (t) => {
  const other = await run('other-issuer');
  t.match(other.result, { code: 'ISSUER_REFUSED', message: /metadata names another credential issuer/ });
  t.notOk(other.requests.includes('POST /token'), 'the code is not sent to an issuer whose metadata does not match');
  t.match((await run('other-key')).result, { code: 'ISSUER_REFUSED', message: /bound to another key than this device's/ });
  t.match((await run('html-token')).result, { code: 'ISSUER_REFUSED', message: /token request was refused: HTTP 502/ });
  t.match((await run('no-credential')).result, { code: 'ISSUER_REFUSED', message: /holds no credential/ });
});

t.test('a refused nonce is retried once with a fresh one', async (t) => {
  const { result, requests } = await run('nonce-once');
  t.match(result, { credential: /^eyJ/ });
  t.equal(requests.filter((r) => r === 'POST /nonce').length, 2);
  t.equal(requests.filter((r) => r === 'POST /credential').length, 2);
});

t.test('offers refused before any request', async (t) => {
  const cases: [string, RegExp][] = [
    ['not a url', /not a URL/],
    ['mailto:someone@example.org', /unknown scheme/],
    ['openid-credential-offer://?x=1', /credential_offer or credential_offer_uri/],
    ['openid-credential-offer://?credential_offer=%7Bnope', /not JSON/],
    [`openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify({ credential_issuer: 'http://school.example', credential_configuration_ids: ['x'], grants: { [PRE_AUTHORIZED_GRANT]: { 'pre-authorized_code': 'c' } } }))}`, /must be https/],
    [`openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify({ credential_issuer: 'https://school.example', credential_configuration_ids: ['x'], grants: { authorization_code: {} } }))}`, /pre-authorized code flow only/],
  ];
  for (const [link, message] of cases) await t.rejects(readOffer(link), { code: 'OFFER_INVALID', message }, link.slice(0, 60));
  const f = await fakeIssuer('honest');
  t.teardown(() => f.close());
  await t.rejects(activate({ offer: f.link, txCode: '1234', signer: signerOf(device) }), { code: 'USAGE', message: /8 characters/ });
  await t.rejects(activate({ offer: f.link, txCode: '1234567a', signer: signerOf(device) }), { code: 'USAGE', message: /digits only/ });
  t.same(f.requests, [], 'a mistyped code costs no attempt');
});

/**
 * Interoperability: a third-party OpenID4VCI 1.0 wallet library — @openid4vc/openid4vci
 * (OpenWallet Foundation, the client Credo and the EUDI wallets build on), its key proof
 * signed with jose — drives the whole pre-authorized code flow against the running service,
 * with no code of ours on the wallet's side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { clientAuthenticationAnonymous, HashAlgorithm, Oauth2ClientErrorResponseError, type CallbackContext, type Jwk } from '@openid4vc/oauth2';
import { Openid4vciClient, Openid4vciRetrieveCredentialsError, Openid4vciVersion, setGlobalConfig } from '@openid4vc/openid4vci';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import t from 'tap';
import { parseTrustList } from '../../src/trust/trust-list.js';
import { checkCredential } from '../../src/verify/credential.js';
import { claimsOf, json, makeOffer, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';

// The service listens on http://127.0.0.1 in tests; the library takes https only unless told.
setGlobalConfig({ allowInsecureUrls: true });

let s: TestIssuer;
t.before(async () => {
  s = await startIssuer();
});
t.teardown(() => s.close());

async function wallet(alg: 'ES256' | 'EdDSA') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = (await exportJWK(publicKey)) as Jwk;
  const callbacks: Omit<CallbackContext, 'verifyJwt' | 'decryptJwe' | 'encryptJwe'> = {
    fetch,
    hash: (data, algorithm) => createHash({ [HashAlgorithm.Sha256]: 'sha256', [HashAlgorithm.Sha384]: 'sha384', [HashAlgorithm.Sha512]: 'sha512' }[algorithm]).update(data).digest(),
    generateRandom: (n) => randomBytes(n),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (_signer, { header, payload }) => ({
      jwt: await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(privateKey),
      signerJwk: publicJwk,
    }),
  };
  return { client: new Openid4vciClient({ callbacks }), publicJwk, alg };
}

for (const alg of ['ES256', 'EdDSA'] as const) {
  t.test(`@openid4vc/openid4vci, device key ${alg}: offer → metadata → token with tx_code → nonce → jwt proof → credential`, async (t) => {
    const offer = await makeOffer(s, await registerStudent(s));
    const { client, publicJwk } = await wallet(alg);
    const credentialOffer = await client.resolveCredentialOffer(offer.offer);
    t.same(credentialOffer.credential_configuration_ids, ['mlegitymacja_szkolna']);
    const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
    t.equal(issuerMetadata.originalDraftVersion, Openid4vciVersion.V1, 'the library reads our metadata as OpenID4VCI 1.0');
    t.equal(issuerMetadata.authorizationServers[0]?.token_endpoint, `${s.url}/token`);

    const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode: offer.tx_code });
    t.equal(accessTokenResponse.token_type, 'Bearer');
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    const { jwt } = await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId: 'mlegitymacja_szkolna', signer: { method: 'jwk', alg, publicJwk }, nonce: c_nonce });
    const response = await client.retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: 'mlegitymacja_szkolna', proofs: { jwt: [jwt] } });
    const first = response.credentialResponse.credentials?.[0];
    const credential = typeof first === 'object' && 'credential' in first ? first.credential : undefined;
    t.type(credential, 'string');
    const trust = parseTrustList(await json(await fetch(`${s.url}/trust-list.json`)), 'published');
    t.match(checkCredential(credential as string, trust), { ok: true }, 'a credential the verifier accepts');
    const cnf = claimsOf(credential as string).cnf.jwk;
    t.same(cnf, alg === 'ES256' ? { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y } : { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }, 'bound to the library wallet\'s key');

    const again = await client
      .retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: 'mlegitymacja_szkolna', proofs: { jwt: [jwt] } })
      .catch((e: unknown) => e);
    t.type(again, Openid4vciRetrieveCredentialsError, 'the same access token a second time is refused');
    t.match((again as Openid4vciRetrieveCredentialsError).response.response?.status, 401);
  });
}

t.test('the library sees our OAuth errors: invalid_grant for a wrong activation code', async (t) => {
  const offer = await makeOffer(s, await registerStudent(s));
  const { client } = await wallet('ES256');
  const credentialOffer = await client.resolveCredentialOffer(offer.offer_url);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const wrong = offer.tx_code === '00000000' ? '00000001' : '00000000';
  const err = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode: wrong }).catch((e: unknown) => e);
  t.type(err, Oauth2ClientErrorResponseError);
  t.equal((err as Oauth2ClientErrorResponseError).errorResponse.error, 'invalid_grant');
});

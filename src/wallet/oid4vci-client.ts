/**
 * The wallet's side of OpenID4VCI 1.0, pre-authorized code flow with an activation code:
 * read the offer, fetch the issuer's and its authorization server's metadata, redeem the
 * code for an access token, get a nonce, prove the device key, receive the credential.
 * `mleg wallet activate` runs it with a key file; a web wallet can run the same steps with
 * a WebCrypto key (nothing here needs Node: fetch and a signer are given).
 */
import type { JWK } from 'jose';
import { MlegError } from '../errors.js';
import { isLoopbackHost } from '../http/security-headers.js';
import { KEY_PROOF_TYP, PRE_AUTHORIZED_GRANT } from '../oid4vci/protocol.js';
const TIMEOUT_MS = 15_000;

/** The device key, as the wallet holds it: its public JWK and a way to sign with it. */
export interface ProofSigner {
  alg: 'ES256' | 'EdDSA';
  publicJwk: JWK;
  /** The JWS signature (ES256 as r‖s, 64 bytes) of the ASCII signing input. */
  sign(signingInput: string): Promise<Uint8Array> | Uint8Array;
}

export interface Offer {
  issuer: string;
  configurationId: string;
  preAuthorizedCode: string;
  txCode: { length?: number; input_mode?: string; description?: string } | undefined;
}

export interface Activated {
  credential: string;
  configurationId: string;
  format: string;
  issuer: string;
}

export interface ActivateOptions {
  offer: string;
  txCode: string;
  signer: ProofSigner;
  fetch?: typeof fetch;
  /** Seconds since the epoch (default: now). */
  now?: () => number;
}

type Json = Record<string, unknown>;

const invalidOffer = (why: string) => new MlegError('OFFER_INVALID', `not a credential offer this wallet can take: ${why}`);

/** An offer link (`openid-credential-offer://?…` or an `https://…?credential_offer=…` page) → the offer, fetched when given by reference. */
export async function readOffer(link: string, fetchFn: typeof fetch = fetch): Promise<Offer> {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw invalidOffer('not a URL');
  }
  if (url.protocol !== 'openid-credential-offer:' && url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidOffer(`unknown scheme ${url.protocol}`);
  const byValue = url.searchParams.get('credential_offer');
  const byReference = url.searchParams.get('credential_offer_uri');
  if ((byValue === null) === (byReference === null)) throw invalidOffer('it must carry credential_offer or credential_offer_uri (one of them)');
  let offer: unknown;
  if (byValue !== null) {
    try {
      offer = JSON.parse(byValue);
    } catch {
      throw invalidOffer('credential_offer is not JSON');
    }
  } else {
    offer = await getJson(fetchFn, checkedUrl(byReference!, 'credential_offer_uri'), 'the credential offer');
  }
  return parseOffer(offer);
}

function parseOffer(offer: unknown): Offer {
  if (!isObject(offer)) throw invalidOffer('the offer is not a JSON object');
  const issuer = offer.credential_issuer;
  if (typeof issuer !== 'string') throw invalidOffer('no credential_issuer');
  checkedUrl(issuer, 'credential_issuer');
  const ids = offer.credential_configuration_ids;
  if (!Array.isArray(ids) || ids.length === 0 || typeof ids[0] !== 'string') throw invalidOffer('no credential_configuration_ids');
  const grant = isObject(offer.grants) ? offer.grants[PRE_AUTHORIZED_GRANT] : undefined;
  if (!isObject(grant) || typeof grant['pre-authorized_code'] !== 'string') throw invalidOffer('no pre-authorized code (this wallet takes the pre-authorized code flow only)');
  const tx = grant.tx_code;
  return { issuer, configurationId: ids[0], preAuthorizedCode: grant['pre-authorized_code'], txCode: isObject(tx) ? (tx as Offer['txCode']) : undefined };
}

/** The whole flow: offer → credential bound to `signer`'s key. */
export async function activate(o: ActivateOptions): Promise<Activated> {
  const fetchFn = o.fetch ?? fetch;
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  const offer = await readOffer(o.offer, fetchFn);
  checkTxCode(o.txCode, offer.txCode);

  const metadata = await getJson(fetchFn, wellKnown(offer.issuer, 'openid-credential-issuer'), 'the issuer metadata');
  if (metadata.credential_issuer !== offer.issuer) throw refused(`its metadata names another credential issuer (${String(metadata.credential_issuer)})`);
  const configuration = isObject(metadata.credential_configurations_supported) ? metadata.credential_configurations_supported[offer.configurationId] : undefined;
  if (!isObject(configuration)) throw refused(`its metadata has no credential configuration ${offer.configurationId}`);
  const credentialEndpoint = endpoint(metadata.credential_endpoint, 'credential_endpoint');
  const nonceEndpoint = metadata.nonce_endpoint === undefined ? undefined : endpoint(metadata.nonce_endpoint, 'nonce_endpoint');
  const authorizationServer = Array.isArray(metadata.authorization_servers) && typeof metadata.authorization_servers[0] === 'string' ? metadata.authorization_servers[0] : offer.issuer;
  const asMetadata = await getJson(fetchFn, wellKnown(authorizationServer, 'oauth-authorization-server'), 'the authorization server metadata');
  if (asMetadata.issuer !== authorizationServer) throw refused('its authorization server metadata names another issuer');
  const tokenEndpoint = endpoint(asMetadata.token_endpoint, 'token_endpoint');

  const form = new URLSearchParams({ grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': offer.preAuthorizedCode });
  if (offer.txCode !== undefined) form.set('tx_code', o.txCode);
  const token = await call(fetchFn, tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
  if (token.status !== 200) throw tokenError(token.body, token.status);
  if (typeof token.body.access_token !== 'string') throw refused('the token answer has no access_token');
  const accessToken = token.body.access_token;

  // A nonce may be refused (too old, or used by another request); one more try with a fresh one.
  for (let attempt = 1; ; attempt++) {
    const nonce = nonceEndpoint === undefined ? undefined : await getNonce(fetchFn, nonceEndpoint);
    const proof = await keyProof(o.signer, offer.issuer, now(), nonce);
    const answer = await call(fetchFn, credentialEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ credential_configuration_id: offer.configurationId, proofs: { jwt: [proof] } }),
    });
    if (answer.status === 400 && answer.body.error === 'invalid_nonce' && attempt === 1) continue;
    if (answer.status !== 200) throw refused(`the credential request was refused: ${describe(answer.body, answer.status)}`);
    const first = Array.isArray(answer.body.credentials) ? answer.body.credentials[0] : undefined;
    if (!isObject(first) || typeof first.credential !== 'string') throw refused('the credential answer holds no credential');
    checkBinding(first.credential, o.signer.publicJwk);
    return { credential: first.credential, configurationId: offer.configurationId, format: String(configuration.format), issuer: offer.issuer };
  }
}

/** The `jwt` key proof (OpenID4VCI 1.0 Appendix F.1). */
export async function keyProof(signer: ProofSigner, audience: string, iat: number, nonce: string | undefined): Promise<string> {
  const header = { typ: KEY_PROOF_TYP, alg: signer.alg, jwk: signer.publicJwk };
  const payload = { aud: audience, iat, ...(nonce !== undefined ? { nonce } : {}) };
  const input = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  return `${input}.${base64url(await signer.sign(input))}`;
}

function checkTxCode(code: string, spec: Offer['txCode']): void {
  if (spec === undefined) return;
  if ((spec.input_mode ?? 'numeric') === 'numeric' && !/^\d+$/.test(code)) throw new MlegError('USAGE', 'the activation code is digits only');
  if (spec.length !== undefined && code.length !== spec.length) throw new MlegError('USAGE', `the activation code has ${spec.length} characters`);
}

async function getNonce(fetchFn: typeof fetch, url: string): Promise<string> {
  const answer = await call(fetchFn, url, { method: 'POST', headers: { accept: 'application/json' } });
  if (answer.status !== 200 || typeof answer.body.c_nonce !== 'string') throw refused(`no nonce from ${url}: ${describe(answer.body, answer.status)}`);
  return answer.body.c_nonce;
}

function tokenError(body: Json, status: number): MlegError {
  const attemptsLeft = typeof body.attempts_left === 'number' ? body.attempts_left : undefined;
  switch (body.mleg_reason) {
    case 'wrong_tx_code':
      return new MlegError('ACTIVATION_CODE_WRONG', `wrong activation code${attemptsLeft === undefined ? '' : ` (${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left)`}`);
    case 'locked':
      return new MlegError('OFFER_LOCKED', 'the offer is locked after too many wrong activation codes; ask the school for a new one');
    case 'expired':
      return new MlegError('OFFER_EXPIRED', 'the offer has expired; ask the school for a new one');
    case 'used':
    case 'cancelled':
    case 'unknown':
      return new MlegError('OFFER_EXPIRED', `the offer is no longer valid (${body.mleg_reason === 'used' ? 'used already' : body.mleg_reason === 'cancelled' ? 'replaced or withdrawn by the school' : 'unknown to the issuer'}); ask the school for a new one`);
    default:
      return body.error === 'invalid_grant'
        ? new MlegError('OFFER_EXPIRED', `the offer or the activation code was refused (${describe(body, status)}); check the code, or ask the school for a new offer`)
        : refused(`the token request was refused: ${describe(body, status)}`);
  }
}

/** The credential's `cnf.jwk` must be this device's key. */
function checkBinding(credential: string, jwk: JWK): void {
  const parts = credential.split('.');
  let claims: unknown;
  try {
    claims = parts.length === 3 ? JSON.parse(fromBase64url(parts[1]!)) : undefined;
  } catch {
    claims = undefined;
  }
  const cnf = isObject(claims) && isObject(claims.cnf) && isObject(claims.cnf.jwk) ? claims.cnf.jwk : undefined;
  if (cnf === undefined) throw refused('the credential is not a JWT with cnf.jwk');
  if (cnf.kty !== jwk.kty || cnf.crv !== jwk.crv || cnf.x !== jwk.x || cnf.y !== jwk.y) throw refused('the credential is bound to another key than this device\'s');
}

/** RFC 8414 / OpenID4VCI §12.2.2: the well-known path goes between the host and the path. */
function wellKnown(base: string, name: string): string {
  const url = new URL(base);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/${name}${path}`;
}

/** An issuer URL: https, or http for a host only this machine reaches. */
function checkedUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidOffer(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw invalidOffer(`${what} must be https (${text})`);
  return text;
}

function endpoint(value: unknown, what: string): string {
  if (typeof value !== 'string') throw refused(`its metadata has no ${what}`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw refused(`its ${what} is not https`);
  return value;
}

async function getJson(fetchFn: typeof fetch, url: string, what: string): Promise<Json> {
  const answer = await call(fetchFn, url, { headers: { accept: 'application/json' } });
  if (answer.status !== 200) throw refused(`cannot get ${what} from ${url}: ${describe(answer.body, answer.status)}`);
  return answer.body;
}

async function call(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<{ status: number; body: Json }> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new MlegError('ISSUER_UNREACHABLE', `cannot reach ${new URL(url).origin} (${cause})`, { cause: err });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = {};
  }
  return { status: response.status, body: isObject(body) ? body : {} };
}

function describe(body: Json, status: number): string {
  const error = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
  const text = typeof body.error_description === 'string' ? body.error_description : typeof body.message === 'string' ? body.message : undefined;
  return text === undefined ? error : `${error}: ${text}`;
}

const refused = (why: string) => new MlegError('ISSUER_REFUSED', `the issuing service: ${why}`);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function base64urlJson(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

function fromBase64url(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

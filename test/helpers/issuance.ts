/**
 * A running issuing service for tests: a fresh issuer folder (made as `mleg issuer
 * keygen` makes one), a config file read by the real loader, the real IssuanceService on
 * 127.0.0.1 with its SQLite file, its log lines captured (and audited), a clock the test
 * may move. Plus the wallet's side of each step, made by hand so tests can break it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIssuanceConfig, type IssuanceConfig } from '../../src/issuance/config.js';
import { IssuanceService } from '../../src/issuance/service.js';
import { createIssuerDir } from '../../src/issuer/issuer-dir.js';
import type { SigningKey } from '../../src/issuer/keys.js';
import { signJwt } from '../../src/issuer/jwt.js';
import type { JwsAlg } from '../../src/jws/signature.js';
import { createSignature } from '../../src/jws/signature.js';
import { KEY_PROOF_TYP, PRE_AUTHORIZED_GRANT } from '../../src/oid4vci/protocol.js';
import type { ProofSigner } from '../../src/wallet/oid4vci-client.js';
import { captureLog } from './log.js';
import { startService, type TestService } from './service.js';
import { ISSUANCE_STUDENT } from './holders.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A free TCP port on 127.0.0.1 (the issuer's URL names its port before it listens). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TestClock {
  now: number;
  /** Moves the clock by `ms`. */
  advance(ms: number): void;
  /** Holds the clock where it is (it still moves by advance): "at the same moment", however busy the machine. */
  hold(): void;
}

/** A clock at real time plus an offset the test moves. */
export function testClock(): TestClock & { read: () => number } {
  let offset = 0;
  let held: number | null = null;
  const read = () => (held ?? Date.now()) + offset;
  return {
    get now() {
      return read();
    },
    advance(ms: number) {
      offset += ms;
    },
    hold() {
      held = Date.now();
    },
    read,
  };
}

export interface TestIssuer {
  dir: string;
  issuerDir: string;
  configFile: string;
  url: string;
  port: number;
  config: IssuanceConfig;
  service: IssuanceService;
  clock: ReturnType<typeof testClock>;
  logs: Record<string, unknown>[];
  /** An administration request with the admin token; body as JSON. */
  admin(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  /** Stops the service and starts a new one on the same folder and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface TestIssuerOptions {
  /** Merged over the defaults, one level deep (`activation: {...}` replaces activation's keys given). */
  config?: Record<string, Record<string, unknown>>;
  alg?: JwsAlg;
}

export async function startIssuer(o: TestIssuerOptions = {}): Promise<TestIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-issuance-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  createIssuerDir(join(dir, 'school'), { iss: 'PL-TEST-SZKOLA', kid: 'test-szkola-1', alg: o.alg ?? 'ES256', name: 'Szkoła Testowa nr 1', statusUri: `${url}/status/1`, statusBits: 2, statusSize: 100 });
  const base: Record<string, Record<string, unknown>> = {
    http: { host: '127.0.0.1', port },
    issuer: { url, dir: 'school' },
    admin: { token: ADMIN_TOKEN },
    log: { level: 'debug' },
  };
  for (const [k, v] of Object.entries(o.config ?? {})) base[k] = { ...base[k], ...v };
  const configFile = join(dir, 'issuer.json');
  writeFileSync(configFile, JSON.stringify(base, null, 2));
  const config = loadIssuanceConfig(configFile);
  const { log, lines: logs } = captureLog('debug');
  const clock = testClock();
  let service = new IssuanceService(config, log, { clock: clock.read });
  await service.start();
  const issuer: TestIssuer = {
    dir,
    issuerDir: join(dir, 'school'),
    configFile,
    url,
    port,
    config,
    get service() {
      return service;
    },
    clock,
    logs,
    admin: (method, path, body, token = ADMIN_TOKEN) =>
      fetch(`${url}/admin/v1${path}`, {
        method,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    restart: async () => {
      await service.stop();
      // Let this process's HTTP client see its kept-alive sockets closed before they are reused.
      await new Promise((resolve) => setTimeout(resolve, 100));
      service = new IssuanceService(config, log, { clock: clock.read });
      await service.start();
    },
    stop: () => service.stop(),
    close: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return issuer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}

/** Registers a student (default: the distinctive test student, with `n` in the document number). */
export async function registerStudent(s: TestIssuer, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await s.admin('POST', '/students', { ...ISSUANCE_STUDENT, doc_no: `${ISSUANCE_STUDENT.doc_no}-${Math.random().toString(36).slice(2, 8)}`, ...extra });
  if (res.status !== 201) throw new Error(`registering failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export interface MadeOffer {
  offer: string;
  offer_url: string;
  tx_code: string;
  expires_at: string;
  offer_id: string;
  configuration_id: string;
  /** The pre-authorized code inside the offer. */
  code: string;
}

export async function makeOffer(s: TestIssuer, studentId: string): Promise<MadeOffer> {
  const res = await s.admin('POST', `/students/${studentId}/offer`);
  if (res.status !== 201) throw new Error(`offer failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as Omit<MadeOffer, 'code'>;
  const offer = JSON.parse(new URL(body.offer).searchParams.get('credential_offer')!) as { grants: Record<string, { 'pre-authorized_code': string }> };
  return { ...body, code: offer.grants[PRE_AUTHORIZED_GRANT]!['pre-authorized_code'] };
}

export function tokenRequest(s: { url: string }, form: Record<string, string>): Promise<Response> {
  return fetch(`${s.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
}

export function redeem(s: { url: string }, code: string, txCode: string): Promise<Response> {
  return tokenRequest(s, { grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': code, tx_code: txCode });
}

export async function accessTokenFor(s: TestIssuer, offer: MadeOffer): Promise<string> {
  const res = await redeem(s, offer.code, offer.tx_code);
  if (res.status !== 200) throw new Error(`redeeming failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function nonce(s: { url: string }): Promise<string> {
  return ((await (await fetch(`${s.url}/nonce`, { method: 'POST' })).json()) as { c_nonce: string }).c_nonce;
}

export interface ProofOverrides {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the device's (a bad signature). */
  signWith?: SigningKey;
}

/** A key proof by `device` for `aud` and `nonce`, with parts replaced (undefined removes). */
export function keyProof(device: SigningKey, aud: string, c_nonce: string | undefined, o: ProofOverrides = {}): string {
  const header = { typ: KEY_PROOF_TYP, alg: device.alg, jwk: device.publicJwk, ...o.header };
  const claims = { aud, iat: Math.floor(Date.now() / 1000), nonce: c_nonce, ...o.claims };
  return signJwt(header, claims, (o.signWith ?? device).key);
}

export function credentialRequest(s: { url: string }, accessToken: string | undefined, body: unknown): Promise<Response> {
  return fetch(`${s.url}/credential`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }) },
    body: JSON.stringify(body),
  });
}

export function signerOf(device: SigningKey): ProofSigner {
  return { alg: device.alg, publicJwk: device.publicJwk, sign: (input) => createSignature(device.alg, device.key, input) };
}

/** The claims of a compact JWT, unverified. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function claimsOf(jwt: string): any {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

/** A running verifier configured only from what `issuer` publishes: its trust list as `trust.file`; it fetches the status lists itself (over http). */
export async function verifierOf(issuer: TestIssuer, config: Record<string, unknown> = {}): Promise<TestService> {
  return startService({
    files: { 'issuer-trust.json': await (await fetch(`${issuer.url}/trust-list.json`)).text() },
    config: { trust: { file: 'issuer-trust.json' }, status: { allowHttp: true }, workers: 1, ...config },
  });
}

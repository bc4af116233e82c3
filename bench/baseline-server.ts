/**
 * The HTTP benchmark's reference routes (bench/http.bench.ts), each in its own process like
 * the service. Prints its port.
 *
 * - The baseline (default): a Fastify route that parses the same JSON body and does one bare
 *   ES256 `crypto.verify` per request — of that request's own proof, with its holder's device
 *   key (imported at start), as `POST /v1/verify` must. Nothing else: no credential check, no
 *   claims, no status, no replay, no log line.
 *   Environment: BASELINE_KEYS, a JSON file of [credential signature, device public JWK] pairs.
 * - BASELINE_VERIFIER=<config file>: the same bare Fastify route around the service's own
 *   verification (`Verifier` on this thread, the site's trust list and status lists; the
 *   batch route too, for the warm-up), and
 *   nothing of the service's HTTP shell (hooks, headers, log line, metrics, schemas): what
 *   the verification costs in a server, apart from what the service adds around it.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { Verifier } from '../src/verifier.js';

const app = Fastify();
const verifierConfig = process.env.BASELINE_VERIFIER;
if (verifierConfig !== undefined) {
  const verifier = new Verifier({ ...loadConfig(verifierConfig), workers: 1 }, createLogger('silent'), { threads: false });
  verifier.start();
  app.post<{ Body: { payload: string } }>('/v1/verify', async (request) => verifier.verify(request.body.payload, 'http'));
  app.post<{ Body: { payloads: string[] } }>('/v1/verify/batch', async (request) => ({ results: await verifier.verifyAll(request.body.payloads, 'batch') }));
} else {
  const pairs = JSON.parse(readFileSync(process.env.BASELINE_KEYS!, 'utf8')) as [string, Record<string, string>][];
  const keys = new Map<string, KeyObject>(pairs.map(([signature, jwk]) => [signature, createPublicKey({ key: jwk, format: 'jwk' })]));
  app.post<{ Body: { payload: string } }>('/v1/verify', async (request) => {
    const { payload } = request.body;
    if (typeof payload !== 'string') throw new Error('no payload');
    const tilde = payload.indexOf('~');
    const key = keys.get(payload.slice(payload.lastIndexOf('.', tilde) + 1, tilde));
    if (key === undefined) return { valid: false };
    const dot = payload.lastIndexOf('.');
    const input = Buffer.from(payload.slice(tilde + 1, dot), 'latin1');
    return { valid: verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(payload.slice(dot + 1), 'base64url')) };
  });
}
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);

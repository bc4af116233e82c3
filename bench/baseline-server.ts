/**
 * The HTTP benchmark's baseline (bench/http.bench.ts), in its own process like the
 * service: a Fastify route that parses the same JSON body and does one bare ES256
 * `crypto.verify` per request — of that request's own proof, with its holder's device key
 * (imported at start), as `POST /v1/verify` must. Nothing else: no credential check, no
 * claims, no status, no replay, no log line. Prints its port.
 * Environment: BASELINE_KEYS, a JSON file of [credential signature, device public JWK] pairs.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const pairs = JSON.parse(readFileSync(process.env.BASELINE_KEYS!, 'utf8')) as [string, Record<string, string>][];
const keys = new Map<string, KeyObject>(pairs.map(([signature, jwk]) => [signature, createPublicKey({ key: jwk, format: 'jwk' })]));

const app = Fastify();
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
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);

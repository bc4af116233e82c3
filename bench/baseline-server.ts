/**
 * The HTTP benchmark's baseline (bench/http.bench.ts), in its own process like the
 * service: a Fastify route that parses the same JSON body and does one bare ES256
 * `crypto.verify` per request, the floor under `POST /v1/verify`. Prints its port.
 * Environment: BASELINE_JWK (the device's public JWK), BASELINE_PROOF (a proof it signed).
 */
import { createPublicKey, verify } from 'node:crypto';
import Fastify from 'fastify';

const key = createPublicKey({ key: JSON.parse(process.env.BASELINE_JWK!) as Record<string, string>, format: 'jwk' });
const proof = process.env.BASELINE_PROOF!;
const input = Buffer.from(proof.slice(0, proof.lastIndexOf('.')));
const signature = Buffer.from(proof.slice(proof.lastIndexOf('.') + 1), 'base64url');

const app = Fastify();
app.post<{ Body: { payload: string } }>('/v1/verify', async (request) => {
  if (typeof request.body.payload !== 'string') throw new Error('no payload');
  return { valid: verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature) };
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);

/**
 * The verification hot path, each rate a ratio against the bare ES256 signature check of
 * a proof measured in the same run (ARCHITECTURE.md: `node:crypto.verify` on an imported
 * KeyObject). A returning holder should cost about one signature check: the issuer
 * signature, claims and device key come from the credential cache.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { verify } from '../src/verify/verify.js';
import { World, NOW } from '../test/helpers/world.js';
import { opsPerSecond, opsPerSecondAsync, printRatios } from './measure.js';

const w = new World();
const credential = w.credential();
const proof = w.proof(credential);
const proofInput = Buffer.from(proof.slice(0, proof.lastIndexOf('.')));
const proofSig = Buffer.from(proof.slice(proof.lastIndexOf('.') + 1), 'base64url');
const deviceKey = createPublicKey({ key: w.device.publicJwk as Record<string, string>, format: 'jwk' });
const presentations = Array.from({ length: 20000 }, (_, i) => w.present(credential, { jti: `bench-proof-${String(i).padStart(8, '0')}` }));
let n = 0;
const next = () => presentations[n++ % presentations.length]!;

// Replay memory would turn every repeat into REPLAYED; give each run a fresh store so the full VALID path is measured.
const freshReplay = () => (w.deps.replay = new (w.deps.replay.constructor as new () => typeof w.deps.replay)());

const bare = opsPerSecond(() => cryptoVerify('sha256', proofInput, { key: deviceKey, dsaEncoding: 'ieee-p1363' }, proofSig));
freshReplay();
n = 0;
const returning = opsPerSecond(() => verify(next(), NOW, w.deps));
const verdict = (verify(w.present(credential), NOW, w.deps) as { verdict: string }).verdict;
// First sight: distinct credentials (as after a restart, or a new holder), each presented once.
const fresh = Array.from({ length: 3000 }, (_, i) => w.present(w.credential({ jti: `bench-cred-${i}` })));
freshReplay();
let f = 0;
const firstTime = opsPerSecond(() => verify(fresh[f++ % fresh.length]!, NOW, w.deps), 150);
const jwk = await importJWK(w.device.publicJwk, 'ES256');
const joseRate = await opsPerSecondAsync(() => compactVerify(proof, jwk));
const importPerCall = opsPerSecond(() => createPublicKey({ key: w.device.publicJwk as Record<string, string>, format: 'jwk' }));
const lru = new LRUCache<string, number>({ max: 10000 });
lru.set('k', 1);
const lruGet = opsPerSecond(() => lru.get('k'));
w.close();

printRatios(`verify() on this machine (every presentation ${verdict} with a cached status list)`, [
  ['baseline: bare ES256 crypto.verify of one proof', bare],
  ['verify(): returning holder (credential cached)', returning],
  ['verify(): first sight of a credential (distinct credentials)', firstTime],
  ['for reference: jose compactVerify of one proof (async)', joseRate],
  ['for reference: importing the device JWK once per call', importPerCall],
  ['for reference: one lru-cache get', lruGet],
]);
process.stdout.write(`\nA returning holder costs ${(bare / returning).toFixed(2)} signature checks; a new credential ${(bare / firstTime).toFixed(2)}.\n`);

/**
 * The verification core, in process: fresh presentations (every one VALID) from 10 000
 * holders drawn Zipf-like, each holder presenting again and again with new proofs,
 * through `verify`; against a loop of bare `node:crypto.verify` calls, measured in the
 * same run, on the very proofs those presentations carry (the one signature check a
 * returning holder's presentation needs: everything else should be nearly free).
 * Also: the cold case (every credential new, two signature checks each), and the pool
 * (src/pool/) on 1 and 2 threads for the scaling.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { MemoryReplayStore } from '../src/replay/replay-store.js';
import { StatusLists } from '../src/status/status-lists.js';
import { loadTrustList } from '../src/trust/trust-store.js';
import { Verifier } from '../src/verifier.js';
import { CredentialCache } from '../src/verify/credential-cache.js';
import { verify, type VerifyDeps } from '../src/verify/verify.js';
import { DEFAULT_POLICY } from '../test/helpers/world.js';
import { exposedGc, percentile } from './measure.js';
import { Population } from './population.js';
import { atLeastRatio, writeReport, type Figure } from './report.js';

const gc = exposedGc(import.meta.url);
const HOLDERS = 10_000;
const WARM = 30_000;
const MEASURED = 40_000;
const COLD = 3_000;

const log = createLogger('silent');
const pop = new Population({ holders: HOLDERS });
const site = pop.writeSite({ workers: 1 });
const config = loadConfig(site.configFile);
const trust = loadTrustList(config.trust.file);
const status = new StatusLists({
  trust: () => trust,
  allowHttp: false,
  maxAgeSeconds: config.status.maxAgeSeconds,
  clockSkewSeconds: 30,
  refreshSeconds: 3600,
  timeoutMs: 1000,
  maxBytes: 1 << 20,
  maxRedirects: 0,
  files: config.status.files,
  archive: undefined,
  log,
});
status.start();
const deps: VerifyDeps = { trust, credentials: new CredentialCache(2 * HOLDERS), status, replay: new MemoryReplayStore(), policy: DEFAULT_POLICY };

/** The proof's signing input, signature and device key of each presentation: what the bare baseline verifies. */
const keys = new Map<string, KeyObject>(pop.holders.map((h) => [h.credential, createPublicKey({ key: h.device.publicJwk as Record<string, string>, format: 'jwk' })]));
function proofParts(payload: string): { key: KeyObject; input: Buffer; signature: Buffer; proof: string } {
  const tilde = payload.indexOf('~');
  const proof = payload.slice(tilde + 1);
  const dot = proof.lastIndexOf('.');
  return { key: keys.get(payload.slice(6, tilde))!, input: Buffer.from(proof.slice(0, dot)), signature: Buffer.from(proof.slice(dot + 1), 'base64url'), proof };
}

/**
 * The least any verifier must do with a returning holder's presentation, and nothing more:
 * decode the proof's claims (its time and id decide freshness and replay), make its signed
 * bytes and signature bytes, check the signature. No trust list, cache, status or replay.
 */
function leastVerifier(x: { key: KeyObject; proof: string }): boolean {
  const first = x.proof.indexOf('.');
  const dot = x.proof.lastIndexOf('.');
  const claims = JSON.parse(Buffer.from(x.proof.slice(first + 1, dot), 'base64url').toString()) as { iat: number; jti: string };
  if (!Number.isSafeInteger(claims.iat) || typeof claims.jti !== 'string') return false;
  const input = Buffer.from(x.proof.slice(0, dot), 'latin1');
  return cryptoVerify('sha256', input, { key: x.key, dsaEncoding: 'ieee-p1363' }, Buffer.from(x.proof.slice(dot + 1), 'base64url'));
}

function rate(count: number, ms: number): number {
  return (count * 1000) / ms;
}

/**
 * Each loop pays for its own garbage: a forced minor collection ends it, inside the timing.
 * (Every node:crypto.verify leaves a native object that a minor collection finalises, ~1 µs
 * each; a bare loop allocates too little to collect, so without this the next loop timed,
 * verify()'s, paid for the baseline's.)
 */
function timeLoop(n: number, fn: (i: number) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  gc({ type: 'minor' });
  return rate(n, performance.now() - start);
}

const now = Date.now();
const warmup = pop.presentations(WARM);
for (const p of warmup) verify(p, now, deps); // most holders are known now, as at a station by mid-morning
const hitsBefore = deps.credentials.hits;
const missesBefore = deps.credentials.misses;

// Alternate baseline and verify rounds, so a disturbance on this shared machine hits both.
const rounds = 3;
const verdicts = new Map<string, number>();
const perCall: number[] = [];
function measure(): { bare: number; sameKey: number; least: number; ours: number } {
  const rates = { bare: 0, sameKey: 0, least: 0, ours: 0 };
  for (let round = 0; round < rounds; round++) {
    const payloads = pop.presentations(MEASURED);
    const parts = payloads.map(proofParts);
    const one = parts[0]!;
    rates.sameKey += timeLoop(MEASURED, () => cryptoVerify('sha256', one.input, { key: one.key, dsaEncoding: 'ieee-p1363' }, one.signature)) / rounds;
    rates.bare += timeLoop(MEASURED, (i) => {
      const x = parts[i]!;
      return cryptoVerify('sha256', x.input, { key: x.key, dsaEncoding: 'ieee-p1363' }, x.signature);
    }) / rounds;
    rates.least += timeLoop(MEASURED, (i) => leastVerifier(parts[i]!)) / rounds;
    const t = Date.now();
    rates.ours += timeLoop(MEASURED, (i) => {
      const r = verify(payloads[i]!, t, deps) as { verdict: string };
      verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
    }) / rounds;
  }
  return rates;
}
// Mid-morning: 30 000 presentations seen, the rarer holders not yet (their first presentation is a miss).
const { bare, sameKey, least, ours } = measure();
const hitRatio = (deps.credentials.hits - hitsBefore) / (deps.credentials.hits - hitsBefore + deps.credentials.misses - missesBefore);
// Per call, each timed on its own (the timer's cost is in these, not in the rates above).
for (const p of pop.presentations(20_000)) {
  const t0 = performance.now();
  verify(p, now, deps);
  perCall.push((performance.now() - t0) * 1000);
}
perCall.sort((a, b) => a - b);

// Warm in the target's sense: every holder's credential already checked, so each presentation needs one signature check.
for (const p of pop.everyone()) verify(p, now, deps);
const warmHitsBefore = deps.credentials.hits;
const warmMissesBefore = deps.credentials.misses;
const warm = measure();
const warmHitRatio = (deps.credentials.hits - warmHitsBefore) / (deps.credentials.hits - warmHitsBefore + deps.credentials.misses - warmMissesBefore);

// Cold: every credential new (as after a restart): issuer signature + proof signature each.
const newcomers = pop.newcomers(COLD);
const coldDeps: VerifyDeps = { ...deps, credentials: new CredentialCache(2 * COLD) };
const coldVerdicts = new Set<string>();
const coldNow = Date.now();
const cold = timeLoop(COLD, (i) => coldVerdicts.add((verify(newcomers[i]!, coldNow, coldDeps) as { verdict: string }).verdict));
const imports = pop.newcomers(2000).map((p) => (JSON.parse(Buffer.from(p.split('.')[1]!, 'base64url').toString()) as { cnf: { jwk: Record<string, string> } }).cnf.jwk);
const importRate = timeLoop(imports.length, (i) => createPublicKey({ key: imports[i]!, format: 'jwk' }));

// The pool: the same work on 1 thread (in this thread) and on N threads, batches of 100 kept in flight.
async function poolRate(threads: number): Promise<number> {
  const verifier = new Verifier({ ...config, workers: threads }, log, { threads: true });
  verifier.start();
  const payloads = pop.presentations(MEASURED);
  // Start the threads and warm their caches as the in-process run was warmed.
  for (let i = 0; i < WARM; i += 1000) await verifier.verifyAll(pop.presentations(1000), 'bench');
  const batches: string[][] = [];
  for (let i = 0; i < payloads.length; i += 100) batches.push(payloads.slice(i, i + 100));
  const start = performance.now();
  let next = 0;
  let valid = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) for (const r of await verifier.verifyAll(batches[next++]!, 'bench')) if (r.valid) valid++;
  };
  await Promise.all(Array.from({ length: 2 * threads }, lane));
  const perSecond = rate(payloads.length, performance.now() - start);
  verifier.close();
  if (valid !== payloads.length) throw new Error(`pool: ${valid} of ${payloads.length} VALID`);
  return perSecond;
}
const cores = availableParallelism();
const onOne = await poolRate(1);
const onAll = await poolRate(Math.max(2, cores));
status.close();
site.remove();

const figures: Figure[] = [
  { name: 'baseline: bare crypto.verify of each presentation\'s proof', value: bare, unit: '/s' },
  { name: 'reference: bare crypto.verify, one key and proof repeated', value: sameKey, unit: '/s', ratio: sameKey / bare, baseline: 'baseline' },
  { name: 'reference: the least verifier (decode the proof\'s claims, check its signature)', value: least, unit: '/s', ratio: least / bare, baseline: 'baseline' },
  { name: 'verify(): fresh presentations, Zipf holders after 30 000 presentations', value: ours, unit: '/s', ratio: ours / bare, baseline: 'baseline' },
  { name: 'verify(): p50 per call', value: percentile(perCall, 50), unit: 'µs' },
  { name: 'verify(): p99 per call', value: percentile(perCall, 99), unit: 'µs' },
  { name: '  of which issuer-signature cache hits', value: hitRatio * 100, unit: '%' },
  { name: 'baseline, second run: bare crypto.verify of each proof', value: warm.bare, unit: '/s' },
  { name: 'reference, second run: the least verifier', value: warm.least, unit: '/s', ratio: warm.least / warm.bare, baseline: 'baseline, second run' },
  atLeastRatio('verify(): fresh presentations, every credential cached (warm)', warm.ours, '/s', 'baseline, second run', warm.bare, 0.85),
  { name: '  against the least verifier', value: warm.ours, unit: '/s', ratio: warm.ours / warm.least, baseline: 'reference, second run: the least verifier' },
  { name: '  of which issuer-signature cache hits', value: warmHitRatio * 100, unit: '%' },
  { name: 'cold: every credential new (2 signature checks + a key import)', value: cold, unit: '/s', ratio: cold / bare, baseline: 'baseline' },
  { name: 'reference: importing a device key (createPublicKey, JWK)', value: importRate, unit: '/s', ratio: importRate / bare, baseline: 'baseline' },
  { name: `pool, 1 thread (batches of 100)`, value: onOne, unit: '/s', ratio: onOne / bare, baseline: 'baseline' },
  { ...atLeastRatio(`pool, ${Math.max(2, cores)} threads (batches of 100)`, onAll, '/s', 'pool, 1 thread', onOne, 1.7) },
];
writeReport('verify', 'Verification core, in process', figures, [
  `verdicts of the measured presentations: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}; cold: ${[...coldVerdicts].join(', ')}`,
  `${HOLDERS} holders drawn Zipf (s = 1); ${WARM} presentations before measuring; ${rounds} rounds of ${MEASURED}, baseline and verify alternating`,
  `this machine: ${cores} cores`,
]);

/**
 * The verification core, in process: fresh presentations (every one VALID) from 10 000
 * holders drawn Zipf-like, each holder presenting again and again with new proofs,
 * through `verify`; against a loop of bare `node:crypto.verify` calls, measured in the
 * same run, on the very proofs those presentations carry (the one signature check a
 * returning holder's presentation needs: everything else should be nearly free).
 * Also: the cold case (every credential new, two signature checks each), and the pool
 * (src/pool/) on 1 and 2 threads for the scaling. The same holders present in MLEG2 too
 * (CBOR/COSE, base45), measured in the same rounds against their own bare baseline and
 * against MLEG1 (target: MLEG2 at least as fast as MLEG1, warm).
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decodeCborMap } from '../src/cose/cbor.js';
import { importCoseKey } from '../src/cose/cose-key.js';
import { CLAIM, CNF_COSE_KEY } from '../src/cose/cwt.js';
import { readCompactPresentation } from '../src/verify/compact-presentation.js';
import type { PresentationFormat } from '../src/verify/payload.js';
import { createLogger } from '../src/logger.js';
import { Verifier } from '../src/verifier.js';
import { CredentialCache } from '../src/verify/credential-cache.js';
import { verify, type VerifyDeps } from '../src/verify/verify.js';
import { exposedGc, percentile } from './measure.js';
import { proofParts, type ProofParts } from './proof-parts.js';
import { benchDeps } from './verify-deps.js';
import { Population } from './population.js';
import { atLeastRatio, writeReport, type Figure } from './report.js';

const gc = exposedGc(import.meta.url);
const HOLDERS = 10_000;
const WARM = 30_000;
const MEASURED = 40_000;
const COLD = 3_000;
const CHUNK = 2_000;

const log = createLogger('silent');
const pop = new Population({ holders: HOLDERS });
const { deps, config, close } = benchDeps(pop, 2 * HOLDERS);

const partsOf = (format: PresentationFormat) => (payload: string) => proofParts(payload, format, pop);

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
for (const p of pop.presentations(WARM, undefined, 'MLEG2')) verify(p, now, deps); // and in MLEG2 as well
const hitsBefore = deps.credentials.hits;
const missesBefore = deps.credentials.misses;

// Alternate baseline and verify rounds, so a disturbance on this shared machine hits both.
const rounds = 3;
const verdicts = new Map<string, number>();
const perCall: number[] = [];
interface Rates {
  bare: number;
  sameKey: number;
  least: number;
  ours: number;
  /** MLEG2: the bare check of each proof, and verify(). */
  compactBare: number;
  compactOurs: number;
}
function measure(): Rates {
  const rates: Rates = { bare: 0, sameKey: 0, least: 0, ours: 0, compactBare: 0, compactOurs: 0 };
  const bareLoop = (parts: ProofParts[]) =>
    timeLoop(MEASURED, (i) => {
      const x = parts[i]!;
      return cryptoVerify('sha256', x.input, { key: x.key, dsaEncoding: 'ieee-p1363' }, x.signature);
    }) / rounds;
  /**
   * verify() over MLEG1 and MLEG2 presentations in alternating chunks of 2 000, each
   * chunk's time (its minor collection included) added to its format: the ratio of the
   * two holds on a shared machine whose load changes by the second.
   */
  const verifyBoth = (one: string[], two: string[]): [number, number] => {
    const spent = [0, 0];
    const t = Date.now();
    for (let from = 0; from < MEASURED; from += CHUNK) {
      [one, two].forEach((payloads, f) => {
        const start = performance.now();
        for (let i = from; i < from + CHUNK; i++) {
          const r = verify(payloads[i]!, t, deps) as { verdict: string };
          verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
        }
        gc({ type: 'minor' });
        spent[f]! += performance.now() - start;
      });
    }
    return [rate(MEASURED, spent[0]!) / rounds, rate(MEASURED, spent[1]!) / rounds];
  };
  for (let round = 0; round < rounds; round++) {
    const payloads = pop.presentations(MEASURED);
    const parts = payloads.map(partsOf('MLEG1'));
    const compact = pop.presentations(MEASURED, undefined, 'MLEG2');
    const compactParts = compact.map(partsOf('MLEG2'));
    const one = parts[0]!;
    rates.sameKey += timeLoop(MEASURED, () => cryptoVerify('sha256', one.input, { key: one.key, dsaEncoding: 'ieee-p1363' }, one.signature)) / rounds;
    rates.bare += bareLoop(parts);
    rates.least += timeLoop(MEASURED, (i) => leastVerifier(parts[i]!)) / rounds;
    rates.compactBare += bareLoop(compactParts);
    const [ours, compactOurs] = verifyBoth(payloads, compact);
    rates.ours += ours;
    rates.compactOurs += compactOurs;
  }
  return rates;
}
// Mid-morning: 30 000 presentations seen, the rarer holders not yet (their first presentation is a miss).
const { bare, sameKey, least, ours, compactBare, compactOurs } = measure();
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
for (const p of pop.everyone(undefined, 'MLEG2')) verify(p, now, deps);
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
const compactNewcomers = pop.newcomers(COLD, undefined, 'MLEG2');
const compactColdDeps: VerifyDeps = { ...deps, credentials: new CredentialCache(2 * COLD) };
const compactCold = timeLoop(COLD, (i) => coldVerdicts.add((verify(compactNewcomers[i]!, coldNow, compactColdDeps) as { verdict: string }).verdict));
const coseKeys = pop.newcomers(2000, undefined, 'MLEG2').map((p) => {
  const read = readCompactPresentation(p.slice(6));
  const claims = read.ok ? decodeCborMap(read.value.credential.payload, 'payload') : undefined;
  const cnf = claims?.ok ? claims.value.get(CLAIM.cnf) : undefined;
  return cnf instanceof Map ? cnf.get(CNF_COSE_KEY) : undefined;
});
const compressedImportRate = timeLoop(coseKeys.length, (i) => importCoseKey(coseKeys[i]));

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
/**
 * Each format alone, in a process of its own (bench/one-format.ts), alternating
 * MLEG1, MLEG2, MLEG1, MLEG2 so that the machine's load falls on both; CPU time.
 */
function alone(format: PresentationFormat): { bare: number; ours: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./one-format.ts', import.meta.url)), format], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`one-format.ts ${format}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bare: number; ours: number };
}
const separate = { MLEG1: { bare: 0, ours: 0 }, MLEG2: { bare: 0, ours: 0 } };
for (let i = 0; i < 2; i++) {
  for (const format of ['MLEG1', 'MLEG2'] as const) {
    const r = alone(format);
    separate[format].bare += r.bare / 2;
    separate[format].ours += r.ours / 2;
  }
}

const cores = availableParallelism();
const onOne = await poolRate(1);
const onAll = await poolRate(Math.max(2, cores));
close();

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
  { name: 'MLEG2 baseline: bare crypto.verify of each proof\'s Sig_structure', value: compactBare, unit: '/s', ratio: compactBare / bare, baseline: 'baseline' },
  { name: 'MLEG2 verify(): Zipf holders after 30 000 presentations', value: compactOurs, unit: '/s', ratio: compactOurs / ours, baseline: 'verify(): fresh presentations, Zipf holders after 30 000 presentations' },
  { name: '  against its own baseline', value: compactOurs, unit: '/s', ratio: compactOurs / compactBare, baseline: 'MLEG2 baseline: bare crypto.verify of each proof\'s Sig_structure' },
  { name: 'MLEG2 baseline, second run', value: warm.compactBare, unit: '/s', ratio: warm.compactBare / warm.bare, baseline: 'baseline, second run' },
  { name: 'MLEG2 verify(): every credential cached (warm), mixed with MLEG1 in one process', value: warm.compactOurs, unit: '/s', ratio: warm.compactOurs / warm.ours, baseline: 'verify(): fresh presentations, every credential cached (warm)' },
  { name: '  against its own baseline', value: warm.compactOurs, unit: '/s', ratio: warm.compactOurs / warm.compactBare, baseline: 'MLEG2 baseline, second run' },
  { name: 'MLEG2 cold: every credential new', value: compactCold, unit: '/s', ratio: compactCold / cold, baseline: 'cold: every credential new (2 signature checks + a key import)' },
  { name: 'reference: importing a compressed COSE device key (decompress, JWK)', value: compressedImportRate, unit: '/s', ratio: compressedImportRate / importRate, baseline: 'reference: importing a device key (createPublicKey, JWK)' },
  { name: 'MLEG1 alone in its process: bare crypto.verify of each proof (CPU time)', value: separate.MLEG1.bare, unit: '/s' },
  { name: 'MLEG1 alone in its process: verify(), warm (CPU time)', value: separate.MLEG1.ours, unit: '/s', ratio: separate.MLEG1.ours / separate.MLEG1.bare, baseline: 'MLEG1 alone in its process: bare crypto.verify of each proof (CPU time)' },
  { name: 'MLEG2 alone in its process: bare crypto.verify of each proof (CPU time)', value: separate.MLEG2.bare, unit: '/s', ratio: separate.MLEG2.bare / separate.MLEG1.bare, baseline: 'MLEG1 alone in its process: bare crypto.verify of each proof (CPU time)' },
  atLeastRatio('MLEG2 alone in its process: verify(), warm (CPU time), against MLEG1 alone', separate.MLEG2.ours, '/s', 'MLEG1 alone in its process: verify(), warm (CPU time)', separate.MLEG1.ours, 1.0),
  { name: '  against its own bare baseline', value: separate.MLEG2.ours, unit: '/s', ratio: separate.MLEG2.ours / separate.MLEG2.bare, baseline: 'MLEG2 alone in its process: bare crypto.verify of each proof (CPU time)' },
  { name: `pool, 1 thread (batches of 100)`, value: onOne, unit: '/s', ratio: onOne / bare, baseline: 'baseline' },
  { ...atLeastRatio(`pool, ${Math.max(2, cores)} threads (batches of 100)`, onAll, '/s', 'pool, 1 thread', onOne, 1.7) },
];
writeReport('verify', 'Verification core, in process', figures, [
  `verdicts of the measured presentations: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}; cold: ${[...coldVerdicts].join(', ')}`,
  `${HOLDERS} holders drawn Zipf (s = 1); ${WARM} presentations of each format before measuring; ${rounds} rounds of ${MEASURED}, baseline and verify alternating; MLEG1 and MLEG2 verify() in alternating chunks of ${CHUNK}`,
  'each format alone: bench/one-format.ts in its own process (10 000 holders, every credential cached, 3 rounds of 40 000), MLEG1 and MLEG2 twice each, alternating; CPU time',
  `this machine: ${cores} cores`,
]);

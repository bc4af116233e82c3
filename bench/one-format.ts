/**
 * For bench/verify.bench.ts: one format's verify() on a warm cache in a process of its
 * own, as at a verifier whose holders all present in that format; prints one JSON line.
 * (In one process with both formats mixed, V8 compiles the shared verdict path for both,
 * which costs each something; verify.bench.ts reports that figure too.) Times are CPU
 * time, which the other processes on a shared machine disturb far less than wall time.
 */
import { verify as cryptoVerify } from 'node:crypto';
import type { PresentationFormat } from '../src/verify/payload.js';
import { verify } from '../src/verify/verify.js';
import { exposedGc } from './measure.js';
import { Population } from './population.js';
import { proofParts } from './proof-parts.js';
import { benchDeps } from './verify-deps.js';

const gc = exposedGc(import.meta.url);
const format = process.argv[2] as PresentationFormat;
const HOLDERS = 10_000;
const MEASURED = 40_000;
const ROUNDS = 3;

const pop = new Population({ holders: HOLDERS });
const { deps, close } = benchDeps(pop, HOLDERS);
const now = Date.now();
for (const p of pop.everyone(undefined, format)) verify(p, now, deps);

function cpuRate(n: number, fn: (i: number) => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  gc({ type: 'minor' });
  const used = process.cpuUsage(start);
  return (n * 1e6) / (used.user + used.system);
}

let ours = 0;
let bare = 0;
let valid = 0;
for (let round = 0; round < ROUNDS; round++) {
  const payloads = pop.presentations(MEASURED, undefined, format);
  const parts = payloads.map((p) => proofParts(p, format, pop));
  bare += cpuRate(MEASURED, (i) => cryptoVerify('sha256', parts[i]!.input, { key: parts[i]!.key, dsaEncoding: 'ieee-p1363' }, parts[i]!.signature)) / ROUNDS;
  const t = Date.now();
  ours += cpuRate(MEASURED, (i) => (verify(payloads[i]!, t, deps) as { valid: boolean }).valid && valid++) / ROUNDS;
}
close();
if (valid !== ROUNDS * MEASURED) throw new Error(`${format}: ${valid} of ${ROUNDS * MEASURED} VALID`);
process.stdout.write(`${JSON.stringify({ format, bare, ours, hits: deps.credentials.hits, misses: deps.credentials.misses })}\n`);

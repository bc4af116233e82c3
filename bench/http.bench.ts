/**
 * HTTP: autocannon against `POST /v1/verify` of `mleg serve` (built, in its own process)
 * with distinct fresh presentations (no replays; 10 000 holders drawn Zipf-like), against
 * a Fastify route in its own process that does one bare `crypto.verify` per request, of
 * that request's own proof with its holder's key (bench/baseline-server.ts), at 1, 10 and
 * 100 connections; the same on 1 verifier thread and on one per core, for the scaling;
 * and `/v1/verify/batch` with 100 per request. Between the two, the same bare route around the
 * service's own verification (`Verifier`, without the service's HTTP shell): it splits the gap
 * into what verifying costs in a server and what the service adds around it.
 * autocannon runs in this process, on the same 2 cores. When wrk is installed (Debian
 * package wrk) every run is made with it too: a C client that leaves the service the CPU
 * autocannon takes (bench/wrk-bodies.lua sends each body once and counts non-VALID answers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENTS, ROOT, buildService, bodies, cacheLookups, load, serviceSite, stop, warmUp, type Run } from './http-load.js';
import { Population } from './population.js';
import { atLeastRatio, writeReport, type Figure } from './report.js';

const SECONDS = 4;
const CONNECTIONS = [1, 10, 100];
const BATCH = 100;

/** The baseline route; or, given the site's config file, the bare route around the service's verification. */
async function startBaseline(pop: Population, verifierConfig?: string): Promise<{ url: string; child: ChildProcess; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-baseline-'));
  const file = join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify(pop.holders.map((h) => [h.credential.slice(h.credential.lastIndexOf('.') + 1), h.device.publicJwk])));
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}bench/baseline-server.ts`], {
    env: { ...process.env, BASELINE_KEYS: file, ...(verifierConfig === undefined ? {} : { BASELINE_VERIFIER: verifierConfig }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, child, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

buildService();
const pop = new Population();
// The service as deployed: at its default log level, a line per request (to /dev/null here).
const site = serviceSite(pop, { log: { level: 'info' } });

/** Enough fresh presentations for one run at up to `perSecond`. */
function singles(perSecond: number): string[] {
  return bodies(pop, perSecond * (SECONDS + 2));
}

function batches(perSecond: number): string[] {
  const count = Math.ceil((perSecond * (SECONDS + 2)) / BATCH);
  return Array.from({ length: count }, () => JSON.stringify({ payloads: pop.presentations(BATCH) }));
}

const cores = availableParallelism();
const figures: Figure[] = [];
const notes: string[] = [];
const runs = new Map<string, Run>();
let invalid = 0;

// The reference routes in turn: the baseline, then the service's verification in the same bare route.
for (const [kind, verifierConfig] of [['baseline', undefined], ['verifier', site.configFile]] as const) {
  const reference = await startBaseline(pop, verifierConfig);
  if (verifierConfig !== undefined) await warmUp(reference.url, 1, pop);
  for (const client of CLIENTS) {
    for (const c of CONNECTIONS) {
      const run = await load(client, reference.url, '/v1/verify', c, singles(20_000), SECONDS);
      invalid += run.notValid + run.errors;
      runs.set(`${client} ${kind} ${c}`, run);
    }
  }
  await stop(reference.child);
  reference.remove();
}

for (const workers of [1, cores]) {
  const service = await site.start(workers);
  const before = await cacheLookups(service.url);
  for (const client of CLIENTS) {
    for (const c of CONNECTIONS) {
      const run = await load(client, service.url, '/v1/verify', c, singles(workers * 12_000), SECONDS);
      invalid += run.notValid + run.errors;
      runs.set(`${client} mleg ${workers} ${c}`, run);
    }
  }
  const after = await cacheLookups(service.url);
  const hits = after.hit - before.hit;
  notes.push(`${workers} thread(s): issuer-signature cache hits over the single-request runs: ${((100 * hits) / (hits + after.miss - before.miss)).toFixed(2)} %`);
  const batch = await load('autocannon', service.url, '/v1/verify/batch', 10, batches(workers * 12_000), SECONDS);
  invalid += batch.notValid + batch.errors;
  runs.set(`batch ${workers}`, { ...batch, rate: batch.rate * BATCH });
  await stop(service.child);
}
site.remove();

for (const client of CLIENTS) {
  for (const c of CONNECTIONS) {
    const base = runs.get(`${client} baseline ${c}`)!;
    const verifier = runs.get(`${client} verifier ${c}`)!;
    const one = runs.get(`${client} mleg 1 ${c}`)!;
    const all = runs.get(`${client} mleg ${cores} ${c}`)!;
    const at = `[${client}] ${c} conn`;
    figures.push({ name: `${at}: baseline route, req/s`, value: base.rate, unit: '/s' });
    figures.push({ name: `${at}: the service's verification in the bare route, req/s`, value: verifier.rate, unit: '/s', ratio: verifier.rate / base.rate, baseline: `${at}: baseline route` });
    figures.push(atLeastRatio(`${at}: POST /v1/verify, 1 thread, req/s`, one.rate, '/s', `${at}: baseline route`, base.rate, 0.85));
    figures.push(atLeastRatio(`${at}: POST /v1/verify, ${cores} threads, req/s`, all.rate, '/s', `${at}: 1 thread`, one.rate, 1.7));
    notes.push(`${at}: ${cores} threads against the baseline route: ${(all.rate / base.rate).toFixed(2)}×; 1 thread against the verification in the bare route: ${(one.rate / verifier.rate).toFixed(2)}×`);
    for (const [name, run] of [[`baseline route`, base], ['1 thread', one], [`${cores} threads`, all]] as const) {
      const p99Target = c === 10 && name !== 'baseline route' ? { target: '< 10 ms', met: run.p99 < 10 } : {};
      figures.push({ name: `  ${at}: ${name}, latency p99`, value: run.p99, unit: 'ms', ...p99Target });
      notes.push(`${at}: ${name}: p50 ${run.p50} ms, p99 ${run.p99} ms, p99.9 ${run.p999} ms`);
    }
  }
}
const b1 = runs.get('batch 1')!;
const bn = runs.get(`batch ${cores}`)!;
figures.push({ name: `POST /v1/verify/batch (${BATCH} each), autocannon, 1 thread, 10 conn: presentations/s`, value: b1.rate, unit: '/s' });
figures.push({ name: `POST /v1/verify/batch (${BATCH} each), autocannon, ${cores} threads, 10 conn: presentations/s`, value: bn.rate, unit: '/s', ratio: bn.rate / b1.rate, baseline: 'batch, 1 thread' });
notes.push(`answers that were not valid or not 200, over every run, the baseline's included: ${invalid} (must be 0)`);
notes.push(`clients: ${CLIENTS.join(', ')}; autocannon runs in the bench process, wrk (one thread) in its own; both on the same ${cores} cores as the servers; ${SECONDS} s per run`);
writeReport('http', 'HTTP: POST /v1/verify and /v1/verify/batch against a bare-verify Fastify route', figures, notes);
if (invalid > 0) process.exitCode = 1;

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
 * The four servers run side by side and are loaded in turns, three rounds: each figure is
 * the median round, each p99 the worst (the target is "in every run").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENTS, ROOT, buildService, bodies, cacheLookups, load, serviceSite, stop, warmUp, type Run } from './http-load.js';
import { quietMachine, quietnessNote } from './measure.js';
import { Population } from './population.js';
import { atLeastRatio, writeReport, type Figure } from './report.js';

const SECONDS = 3;
const ROUNDS = 3;
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
const runs = new Map<string, Run[]>();
let invalid = 0;

// All four running at once (an idle one costs nothing) and measured in turns, round after round, the order
// rotated each round: a disturbance on this shared machine hits every one of them alike.
const baseline = await startBaseline(pop);
const reference = await startBaseline(pop, site.configFile);
await warmUp(reference.url, 1, pop);
const one = await site.start(1);
const all = await site.start(cores);
const servers = [
  ['baseline', baseline.url, 20_000],
  ['verifier', reference.url, 20_000],
  ['mleg 1', one.url, 12_000],
  [`mleg ${cores}`, all.url, cores * 12_000],
] as const;
const before = await Promise.all([one.url, all.url].map(cacheLookups));
for (let round = 0; round < ROUNDS; round++) {
  for (const client of CLIENTS) {
    for (const c of CONNECTIONS) {
      for (let i = 0; i < servers.length; i++) {
        const [kind, url, perSecond] = servers[(i + round) % servers.length]!;
        await quietMachine();
        const run = await load(client, url, '/v1/verify', c, singles(perSecond), SECONDS);
        invalid += run.notValid + run.errors;
        runs.set(`${client} ${kind} ${c}`, [...(runs.get(`${client} ${kind} ${c}`) ?? []), run]);
      }
    }
  }
}
const after = await Promise.all([one.url, all.url].map(cacheLookups));
for (const [i, threads] of [1, cores].entries()) {
  const hits = after[i]!.hit - before[i]!.hit;
  notes.push(`${threads} thread(s): issuer-signature cache hits over the single-request runs: ${((100 * hits) / (hits + after[i]!.miss - before[i]!.miss)).toFixed(2)} %`);
}
for (const [threads, service] of [[1, one], [cores, all]] as const) {
  const batch = await load('autocannon', service.url, '/v1/verify/batch', 10, batches(threads * 12_000), SECONDS);
  invalid += batch.notValid + batch.errors;
  runs.set(`batch ${threads}`, [{ ...batch, rate: batch.rate * BATCH }]);
}
await Promise.all([stop(baseline.child), stop(reference.child), stop(one.child), stop(all.child)]);
baseline.remove();
reference.remove();
site.remove();

/** The median run by rate: one round slowed by other work on this machine does not move it. */
const median = (rs: Run[]): Run => [...rs].sort((a, b) => a.rate - b.rate)[Math.floor(rs.length / 2)]!;
for (const client of CLIENTS) {
  for (const c of CONNECTIONS) {
    const [base, verifier, oneRun, allRun] = ['baseline', 'verifier', 'mleg 1', `mleg ${cores}`].map((kind) => median(runs.get(`${client} ${kind} ${c}`)!)) as [Run, Run, Run, Run];
    const at = `[${client}] ${c} conn`;
    figures.push({ name: `${at}: baseline route, req/s`, value: base.rate, unit: '/s' });
    figures.push({ name: `${at}: the service's verification in the bare route, req/s`, value: verifier.rate, unit: '/s', ratio: verifier.rate / base.rate, baseline: `${at}: baseline route` });
    figures.push(atLeastRatio(`${at}: POST /v1/verify, 1 thread, req/s`, oneRun.rate, '/s', `${at}: baseline route`, base.rate, 0.8));
    // The threads are for load: their scaling is held to its target at 100 connections (at one, a lone request is verified without them).
    const scaling = { name: `${at}: POST /v1/verify, ${cores} threads, req/s`, value: allRun.rate, unit: '/s', ratio: allRun.rate / oneRun.rate, baseline: `${at}: 1 thread` };
    figures.push(c === 100 ? atLeastRatio(scaling.name, allRun.rate, '/s', scaling.baseline, oneRun.rate, 1.7) : scaling);
    notes.push(`${at}: ${cores} threads against the baseline route: ${(allRun.rate / base.rate).toFixed(2)}×; 1 thread against the verification in the bare route: ${(oneRun.rate / verifier.rate).toFixed(2)}×`);
    for (const [name, kind] of [['baseline route', 'baseline'], ['1 thread', 'mleg 1'], [`${cores} threads`, `mleg ${cores}`]] as const) {
      const rs = runs.get(`${client} ${kind} ${c}`)!;
      const worst = Math.max(...rs.map((r) => r.p99));
      const p99Target = c === 10 && kind !== 'baseline' ? { target: '< 10 ms', met: worst < 10 } : {};
      figures.push({ name: `  ${at}: ${name}, latency p99, worst of ${rs.length} runs`, value: worst, unit: 'ms', ...p99Target });
      notes.push(`${at}: ${name}: req/s ${rs.map((r) => Math.round(r.rate)).join(', ')}; p50 ${rs.map((r) => r.p50).join(', ')} ms; p99 ${rs.map((r) => r.p99).join(', ')} ms; p99.9 ${rs.map((r) => r.p999).join(', ')} ms`);
    }
  }
}
const b1 = runs.get('batch 1')![0]!;
const bn = runs.get(`batch ${cores}`)![0]!;
figures.push({ name: `POST /v1/verify/batch (${BATCH} each), autocannon, 1 thread, 10 conn: presentations/s`, value: b1.rate, unit: '/s' });
figures.push({ name: `POST /v1/verify/batch (${BATCH} each), autocannon, ${cores} threads, 10 conn: presentations/s`, value: bn.rate, unit: '/s', ratio: bn.rate / b1.rate, baseline: 'batch, 1 thread' });
notes.push(`answers that were not valid or not 200, over every run, the baseline's included: ${invalid} (must be 0)`);
notes.push(`clients: ${CLIENTS.join(', ')}; autocannon runs in the bench process, wrk (one thread) in its own; both on the same ${cores} cores as the servers; ${ROUNDS} rounds of ${SECONDS} s per run, the four servers in turns; figures are the median round, p99 the worst`);
notes.push(quietnessNote());
writeReport('http', 'HTTP: POST /v1/verify and /v1/verify/batch against a bare-verify Fastify route', figures, notes);
if (invalid > 0) process.exitCode = 1;

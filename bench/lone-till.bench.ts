/**
 * Where people wait: one connection, one request at a time (a cinema till, one gate), the
 * service with its default threads (one verifier thread per core) against `--workers 1`
 * (verifying on the main thread), both running, warmed, and loaded in turns, round after
 * round, with the same kind of fresh presentations, so that a disturbance on this shared
 * machine hits both. And the default threads at 10 connections, run after run: the p99
 * there must stay under 10 ms in every run, not on average; and at 100 connections against
 * `--workers 1`, for the scaling the threads are there for.
 */
import { availableParallelism } from 'node:os';
import { CLIENTS, buildService, bodies, load, serviceSite, stop, type Client, type Run } from './http-load.js';
import { quietMachine, quietnessNote } from './measure.js';
import { Population } from './population.js';
import { writeReport, type Figure } from './report.js';

const SECONDS = 2;
const ROUNDS = 6;

buildService();
const pop = new Population();
const site = serviceSite(pop, { log: { level: 'info' } });
const cores = availableParallelism();
const threaded = await site.start(); // the default: one verifier thread per core
const single = await site.start(1);

const runs = new Map<string, Run[]>();
let invalid = 0;
async function measure(client: Client, which: 'default' | 'one', connections: number, perSecond: number): Promise<void> {
  const url = which === 'default' ? threaded.url : single.url;
  await quietMachine();
  const run = await load(client, url, '/v1/verify', connections, bodies(pop, perSecond * (SECONDS + 1)), SECONDS);
  invalid += run.notValid + run.errors;
  const key = `${client} ${which} ${connections}`;
  runs.set(key, [...(runs.get(key) ?? []), run]);
}

for (let round = 0; round < ROUNDS; round++) {
  for (const client of CLIENTS) {
    // Each round the other first, so neither always runs on a machine the other just warmed.
    const order = round % 2 === 0 ? (['default', 'one'] as const) : (['one', 'default'] as const);
    for (const which of order) await measure(client, which, 1, 6000);
    await measure(client, 'default', 10, 12_000);
  }
}
for (const client of CLIENTS) {
  for (const which of ['one', 'default'] as const) await measure(client, which, 100, which === 'one' ? 8000 : 14_000);
}
await Promise.all([stop(threaded.child), stop(single.child)]);
site.remove();

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The median round: one round that other helpers' work on this machine slowed does not move it. */
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const figures: Figure[] = [];
const notes: string[] = [];
for (const client of CLIENTS) {
  const at = `[${client}]`;
  const one = runs.get(`${client} one 1`)!;
  const all = runs.get(`${client} default 1`)!;
  // Per-request time at one connection is 1 / rate (of the median round): the ratio of times is the inverse ratio of rates.
  const perRequest = (rs: Run[]): number => 1e6 / median(rs.map((r) => r.rate));
  const ratio = perRequest(all) / perRequest(one);
  figures.push({ name: `${at} 1 conn: --workers 1, per request (median of ${one.length} rounds)`, value: perRequest(one), unit: 'µs' });
  figures.push({ name: `${at} 1 conn: default (${cores} threads), per request`, value: perRequest(all), unit: 'µs', ratio, baseline: `${at} 1 conn: --workers 1, per request (median of ${one.length} rounds)`, target: '≤ 1.10×', met: ratio <= 1.1 });
  notes.push(`${at} 1 conn, req/s per round: --workers 1 ${one.map((r) => Math.round(r.rate)).join(', ')}; default ${all.map((r) => Math.round(r.rate)).join(', ')}`);
  notes.push(`${at} 1 conn, p50 / p99: --workers 1 ${one.map((r) => `${r.p50}/${r.p99}`).join(', ')} ms; default ${all.map((r) => `${r.p50}/${r.p99}`).join(', ')} ms`);
  const ten = runs.get(`${client} default 10`)!;
  const worst = Math.max(...ten.map((r) => r.p99));
  figures.push({ name: `${at} 10 conn: default threads, req/s (mean of ${ten.length} runs)`, value: mean(ten.map((r) => r.rate)), unit: '/s' });
  figures.push({ name: `${at} 10 conn: default threads, p99, worst of ${ten.length} runs`, value: worst, unit: 'ms', target: '< 10 ms', met: worst < 10 });
  notes.push(`${at} 10 conn, default threads, p99 per run: ${ten.map((r) => r.p99).join(', ')} ms; p99.9: ${ten.map((r) => r.p999).join(', ')} ms`);
  const one100 = runs.get(`${client} one 100`)![0]!;
  const all100 = runs.get(`${client} default 100`)![0]!;
  figures.push({ name: `${at} 100 conn: --workers 1, req/s`, value: one100.rate, unit: '/s' });
  const scaling = all100.rate / one100.rate;
  figures.push({ name: `${at} 100 conn: default (${cores} threads), req/s`, value: all100.rate, unit: '/s', ratio: scaling, baseline: `${at} 100 conn: --workers 1`, target: '≥ 1.70×', met: scaling >= 1.7 });
}
notes.push(`answers that were not VALID or not 200, over every run: ${invalid} (must be 0)`);
notes.push(quietnessNote());
notes.push(`${ROUNDS} rounds of ${SECONDS} s per client, the two services in turns (the other first every other round); clients: ${CLIENTS.join(', ')}, on the same ${cores} cores as the services`);
writeReport('lone-till', 'One connection (a till, a gate): default threads against --workers 1; p99 at 10 connections', figures, notes);
if (invalid > 0) process.exitCode = 1;

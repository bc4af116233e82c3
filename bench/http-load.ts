/**
 * Load on a running `mleg serve` for the benchmarks (bench/http.bench.ts,
 * bench/fleet.bench.ts): the built command started on a free port, waited for, warmed
 * with every holder, and loaded with autocannon (in the bench process), each request a
 * body of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Population } from './population.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Seconds per load run. */
export const SECONDS = 4;

export interface Run {
  rate: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  notValid: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not become ready`);
}

export function startMleg(configFile: string, workers: number): ChildProcess {
  return spawn(process.execPath, [`${ROOT}dist/cli.js`, 'serve', '--config', configFile, '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One autocannon run (in this process); every request gets the next body of `bodies` (none is sent twice). */
export async function autocannonLoad(url: string, path: string, connections: number, bodies: string[]): Promise<Run> {
  let next = 0;
  let notValid = 0;
  const result = await autocannon({
    url: `${url}${path}`,
    connections,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          if (next >= bodies.length) throw new Error(`more than ${bodies.length} requests: make more presentations`);
          request.body = bodies[next++]!;
          return request;
        },
        onResponse: (_status, body) => {
          if (!body.includes('"valid":true')) notValid++;
          else if (body.includes('"valid":false')) notValid++;
        },
      },
    ],
  });
  return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9, errors: result.errors + result.non2xx, notValid };
}

export async function warmUp(url: string, workers: number, pop: Population): Promise<void> {
  // Warm up: every holder seen by every thread (each keeps its own credential cache), as the baseline
  // route knows every holder's key from its start (the core benchmark's warm case); a batch is split
  // over the threads in order, so each round's batches are rotated by one thread's share.
  for (let round = 0; round < workers; round++) {
    const everyone = pop.everyone();
    for (let i = 0; i < everyone.length; i += 1000) {
      const batch = everyone.slice(i, i + 1000);
      const turn = round * Math.ceil(batch.length / workers);
      const payloads = [...batch.slice(turn), ...batch.slice(0, turn)];
      await fetch(`${url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads }) });
    }
  }
}

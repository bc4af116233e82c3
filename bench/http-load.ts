/**
 * What the HTTP benchmarks share: `mleg serve` (built, in its own process) on a population's
 * site, warmed as the baseline routes are; the load clients, autocannon (in the bench
 * process) and wrk when it is installed (a C client in its own process: bench/wrk-bodies.lua
 * sends each body once and counts answers that are not VALID); the service's own counters.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Population } from './population.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The `mleg` command measured: this tree's build, or another's given as MLEG_CLI (say, a
 * checkout of main built beside this one, to compare before and after in one way).
 */
export const CLI = process.env.MLEG_CLI ?? `${ROOT}dist/cli.js`;

/** Builds this tree (unless MLEG_CLI names another build). */
export function buildService(): void {
  if (process.env.MLEG_CLI === undefined) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

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

/** Resolves once `url`/readyz answers 200 (polled every `everyMs`). */
export async function waitReady(url: string, everyMs = 50, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${url} did not become ready`);
}

/** `mleg serve` as deployed, from dist/ (run `npm run build` first); `workers` absent: its default, one thread per core. */
export function startMleg(configFile: string, workers?: number): ChildProcess {
  const args = [CLI, 'serve', '--config', configFile, ...(workers === undefined ? [] : ['--workers', String(workers)])];
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One autocannon run (in this process); every request gets the next body of `bodies` (none is sent twice). */
export async function autocannonLoad(url: string, path: string, connections: number, bodies: string[], seconds: number): Promise<Run> {
  let next = 0;
  let notValid = 0;
  const result = await autocannon({
    url: `${url}${path}`,
    connections,
    duration: seconds,
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

/** One wrk run (its own process, C, one thread): far less CPU per request than autocannon. */
export function wrkLoad(url: string, path: string, connections: number, bodies: string[], seconds: number): Run {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-wrk-'));
  writeFileSync(join(dir, 'bodies'), `${bodies.join('\n')}\n`);
  const run = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', `${ROOT}bench/wrk-bodies.lua`, `${url}${path}`], {
    env: { ...process.env, WRK_BODIES: join(dir, 'bodies') },
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"requests"'));
  if (run.status !== 0 || line === undefined) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  const r = JSON.parse(line) as { requests: number; micros: number; p50: number; p99: number; p999: number; errors: number; notValid: number };
  return { rate: (r.requests * 1e6) / r.micros, p50: r.p50 / 1000, p99: r.p99 / 1000, p999: r.p999 / 1000, errors: r.errors, notValid: r.notValid };
}

export type Client = 'autocannon' | 'wrk';

export function load(client: Client, url: string, path: string, connections: number, bodies: string[], seconds: number): Run | Promise<Run> {
  return client === 'wrk' ? wrkLoad(url, path, connections, bodies, seconds) : autocannonLoad(url, path, connections, bodies, seconds);
}

/** wrk when installed (Debian package wrk): it leaves the service the CPU autocannon takes. */
export const CLIENTS: Client[] = spawnSync('wrk', ['--version']).error === undefined ? ['autocannon', 'wrk'] : ['autocannon'];

/**
 * Every holder seen by every thread (each keeps its own credential cache), as the baseline
 * route knows every holder's key from its start (the core benchmark's warm case). A batch is
 * split over the threads in order, so each round's batches are rotated by one thread's share.
 * With threads, the main thread verifies a lone request itself (src/pool/inline-rule.ts), from
 * a cache of its own: every holder once more, one request at a time.
 */
export async function warmUp(url: string, threads: number, pop: Population): Promise<void> {
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let round = 0; round < threads; round++) {
    const everyone = pop.everyone();
    for (let i = 0; i < everyone.length; i += 1000) {
      const batch = everyone.slice(i, i + 1000);
      const turn = round * Math.ceil(batch.length / threads);
      await post('/v1/verify/batch', { payloads: [...batch.slice(turn), ...batch.slice(0, turn)] });
    }
  }
  if (threads > 1) await postOneByOne(url, '/v1/verify', pop.everyone().map((payload) => JSON.stringify({ payload })));
}

/** POSTs each body in turn on one keep-alive connection, as one till would. */
export async function postOneByOne(url: string, path: string, bodies: string[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const body of bodies) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    }
  } finally {
    agent.destroy();
  }
}

/** The service's credential cache lookups so far, from its /metrics. */
export async function cacheLookups(url: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (outcome: string): number => Number(new RegExp(`^mleg_credential_cache_lookups\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1]);
  return { hit: read('hit'), miss: read('miss') };
}

/** `count` fresh presentations as request bodies. */
export function bodies(pop: Population, count: number): string[] {
  return pop.presentations(Math.ceil(count)).map((payload) => JSON.stringify({ payload }));
}

/**
 * A site for `mleg serve` whose port the bench chooses per start: `start(workers)` rewrites the
 * config with a free port, starts the service, waits for /readyz and warms it.
 */
export function serviceSite(pop: Population, extra: Record<string, unknown> = {}): {
  configFile: string;
  start: (workers?: number, o?: { warm?: boolean }) => Promise<{ url: string; child: ChildProcess; threads: number }>;
  remove: () => void;
} {
  const site = pop.writeSite(extra);
  const config = JSON.parse(readFileSync(site.configFile, 'utf8')) as Record<string, unknown>;
  return {
    configFile: site.configFile,
    remove: site.remove,
    start: async (workers, o = {}) => {
      const port = await freePort();
      writeFileSync(site.configFile, JSON.stringify({ ...config, http: { host: '127.0.0.1', port } }));
      const child = startMleg(site.configFile, workers);
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url);
      const threads = workers ?? (await verifierThreads(url));
      if (o.warm !== false) await warmUp(url, Math.max(1, threads), pop);
      return { url, child, threads };
    },
  };
}

/** Verifier threads of a running service, from /v1/state (0: it verifies on its main thread). */
async function verifierThreads(url: string): Promise<number> {
  const state = (await (await fetch(`${url}/v1/state`)).json()) as { verifier: { threads: number } };
  return state.verifier.threads;
}

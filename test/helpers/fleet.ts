/**
 * A station for tests: one real redis-server (test/helpers/redis.ts) and several real
 * services (test/helpers/service.ts) of one site — the same issuer, trust list and status
 * list — each with `replay.store: "redis"` and its own `fleet.nodeId`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { PtyPair, type DeviceEnd } from './pty.js';
import { until } from './until.js';
import { startRedis, type TestRedis, type TestRedisOptions } from './redis.js';
import { startService, type TestService } from './service.js';
import { createSite, type Site } from './site.js';
import { STATUS_URI } from './world.js';

export interface TestFleet {
  redis: TestRedis;
  site: Site;
  nodes: TestService[];
  /** Starts one more node of the site (its config: `redis` merged over the fleet's, `config` over the rest). */
  add(id: string, o?: NodeOptions): Promise<TestService>;
  close(): Promise<void>;
}

export interface NodeOptions {
  /** Merged over `replay.redis` ({url}). */
  redis?: Record<string, unknown>;
  /** Other top-level config keys. */
  config?: Record<string, unknown>;
}

export interface FleetOptions extends NodeOptions {
  nodes?: string[];
  redisOptions?: TestRedisOptions;
}

/**
 * A node's config. Its Redis timeout is 2 s unless given: on a loaded test machine an
 * answer can be later than the default 50 ms, and would be decided locally; the fault
 * tests set their own.
 */
export function nodeConfig(url: string, id: string, o: NodeOptions = {}): Record<string, unknown> {
  return { replay: { store: 'redis', redis: { url, timeoutMs: 2000, ...o.redis } }, fleet: { nodeId: id }, ...o.config };
}

export async function startFleet(o: FleetOptions = {}): Promise<TestFleet> {
  const redis = await startRedis(o.redisOptions);
  const site = createSite();
  const nodes: TestService[] = [];
  const add = async (id: string, n: NodeOptions = o) => {
    const node = await startService({ site, config: nodeConfig(redis.url, id, n) });
    nodes.push(node);
    return node;
  };
  try {
    for (const id of o.nodes ?? ['gate-1', 'gate-2']) await add(id);
  } catch (err) {
    for (const node of nodes) await node.close();
    site.remove();
    await redis.stop();
    throw err;
  }
  return {
    redis,
    site,
    nodes,
    add,
    close: async () => {
      for (const node of nodes) await node.close();
      site.remove();
      await redis.stop();
    },
  };
}

/** POST /v1/verify with the payload as text; the result, and how long the answer took (ms). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function verifyAt(node: TestService, payload: string): Promise<{ result: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${node.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload });
  const result = await res.json();
  return { result, ms: performance.now() - started };
}

/** A node's config file for `mleg serve` (the built command, its own process): the site's trust and status lists, one verifier thread. */
export function nodeConfigFile(site: Site, dir: string, url: string, id: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${id}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      http: { host: '127.0.0.1', port: 0 },
      trust: { file: join(site.dir, 'trust.json') },
      status: { files: { [STATUS_URI]: join(site.dir, 'status.jwt') } },
      workers: 1,
      ...nodeConfig(url, id),
      ...extra,
    }),
  );
  return file;
}

export interface Gate {
  node: TestService;
  pty: PtyPair;
  /** The scanner's end of its serial line: what is written there is scanned. */
  device: DeviceEnd;
}

/**
 * A station: a fleet whose nodes each have one serial scanner (a socat pty pair) in a lane
 * of their own, heartbeating every second; torn down with the test.
 */
export async function startStation(t: Test, gates: { id: string; scanner: string; lane: string }[]): Promise<{ fleet: TestFleet; gates: Gate[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-station-'));
  const fleet = await startFleet({ nodes: [] });
  const made: Gate[] = [];
  t.teardown(async () => {
    for (const g of made) await g.device.close();
    await fleet.close();
    for (const g of made) await g.pty.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const { id, scanner, lane } of gates) {
    const pty = await PtyPair.open(dir, scanner);
    const node = await fleet.add(id, {
      config: {
        fleet: { nodeId: id, heartbeatSeconds: 1 },
        scanners: [{ id: scanner, type: 'serial', path: pty.path }],
        lanes: [{ id: lane, scanners: [scanner] }],
      },
    });
    await until(() => node.service.scanners().every((s) => s.state === 'connected'), 5000, 'the scanner to connect');
    made.push({ node, pty, device: await pty.device() });
  }
  return { fleet, gates: made };
}

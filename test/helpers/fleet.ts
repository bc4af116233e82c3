/**
 * A station for tests: one real redis-server (test/helpers/redis.ts) and several real
 * services (test/helpers/service.ts) of one site — the same issuer, trust list and status
 * list — each with `replay.store: "redis"` and its own `fleet.nodeId`.
 */
import { startRedis, type TestRedis, type TestRedisOptions } from './redis.js';
import { startService, type TestService } from './service.js';
export { until } from './pty.js';
import { createSite, type Site } from './site.js';

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

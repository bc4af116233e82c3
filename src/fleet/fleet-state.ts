/**
 * Fleet state (SPEC 9): each `mleg serve` sharing a Redis writes what it is running on —
 * its id and version, the age and usability of its status lists, its scanners and lanes
 * with the last verdict of each — every `fleet.heartbeatSeconds`, under a key that
 * expires SEEN_WITHIN_SECONDS later; `GET /v1/fleet` on any node lists the keys still
 * there. Nothing personal: ids, times, verdicts, URIs of status lists.
 *
 * Keys (under `replay.redis.keyPrefix`): `fleet:node:<id>` (the node's JSON, expiring by
 * itself) and `fleet:nodes` (a sorted set of the ids, so that listing never scans the
 * keyspace; ids whose key has expired are removed from it when listed).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { VERDICTS, type Verdict } from '../verify/verdicts.js';
import { withDeadline } from './deadline.js';

/** A node is listed while its last heartbeat is at most this old (SPEC 9). */
export const SEEN_WITHIN_SECONDS = 30;

export interface FleetLane {
  id: string;
  last_scan: { verdict: Verdict; scanner: string; at: string } | null;
}

export interface FleetNode {
  id: string;
  /** The node's own clock at its last heartbeat. */
  seen_at: string;
  version: string;
  heartbeat_seconds: number;
  /** Whether its replay decisions are being taken in Redis now (false: by itself alone). */
  sharing: boolean;
  status_lists: { uri: string; usable: boolean; age_seconds: number | null }[];
  scanners: { id: string; connected: boolean; lane: string | null }[];
  lanes: FleetLane[];
}

/** What the node describes of itself at each heartbeat. */
export type NodeDescription = Omit<FleetNode, 'id' | 'seen_at' | 'heartbeat_seconds'>;

export interface FleetStateOptions {
  client: Redis;
  keyPrefix: string;
  nodeId: string;
  heartbeatSeconds: number;
  describe: () => NodeDescription;
  log: Logger;
}

export class FleetState {
  readonly #o: FleetStateOptions;
  readonly #key: string;
  readonly #index: string;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(o: FleetStateOptions) {
    this.#o = o;
    this.#key = nodeKey(o.keyPrefix, o.nodeId);
    this.#index = `${o.keyPrefix}fleet:nodes`;
  }

  start(): void {
    this.#timer = setInterval(() => this.beat(), this.#o.heartbeatSeconds * 1000);
    this.#timer.unref();
    this.#o.client.on('ready', () => this.beat());
    this.beat();
  }

  /** Writes this node's state now (when connected; a failure is logged once until it works again). */
  beat(): void {
    if (this.#timer === undefined || this.#o.client.status !== 'ready') return;
    const node: FleetNode = { id: this.#o.nodeId, seen_at: new Date().toISOString(), heartbeat_seconds: this.#o.heartbeatSeconds, ...this.#o.describe() };
    this.#o.client
      .multi()
      .set(this.#key, JSON.stringify(node), 'PX', SEEN_WITHIN_SECONDS * 1000)
      .zadd(this.#index, Date.now(), this.#o.nodeId)
      .pexpire(this.#index, 2 * SEEN_WITHIN_SECONDS * 1000)
      .exec()
      .then(
        () => {
          if (this.#failing) this.#o.log.info({ node: this.#o.nodeId }, 'fleet heartbeat written again');
          this.#failing = false;
        },
        (err: Error) => {
          if (!this.#failing) this.#o.log.warn({ node: this.#o.nodeId, err: err.message }, 'fleet heartbeat not written');
          this.#failing = true;
        },
      );
  }

  /** Every node seen within SEEN_WITHIN_SECONDS, by id; FLEET_UNAVAILABLE when Redis does not answer within `timeoutMs`. */
  async nodes(timeoutMs: number): Promise<FleetNode[]> {
    const { client, keyPrefix } = this.#o;
    const ids = await withDeadline(client.zrange(this.#index, '0', '-1'), timeoutMs, 'the list of nodes');
    if (ids.length === 0) return [];
    const values = await withDeadline(client.mget(ids.map((id) => nodeKey(keyPrefix, id))), timeoutMs, 'the nodes\' state');
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) client.zrem(this.#index, ...gone).catch(() => {});
    return values
      .map((value) => (value === null ? undefined : fleetNode(value)))
      .filter((node): node is FleetNode => node !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Stops the heartbeat and takes this node off the list at once (a node that crashes drops off after SEEN_WITHIN_SECONDS). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#o.client.status !== 'ready') return;
    await withDeadline(this.#o.client.multi().del(this.#key).zrem(this.#index, this.#o.nodeId).exec(), 1000, 'the end of this node').catch(() => {});
  }
}

function nodeKey(keyPrefix: string, id: string): string {
  return `${keyPrefix}fleet:node:${id}`;
}

/**
 * A node as stored, in the shape of FleetNode whatever the writer's version wrote
 * (missing fields made empty, unknown ones dropped); undefined when it is not a node.
 */
export function fleetNode(text: string): FleetNode | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.id !== 'string' || typeof raw.seen_at !== 'string') return undefined;
  const list = <T>(value: unknown, item: (x: Record<string, unknown>) => T | undefined): T[] =>
    Array.isArray(value) ? value.flatMap((x) => (typeof x === 'object' && x !== null ? [item(x as Record<string, unknown>)].filter((y): y is T => y !== undefined) : [])) : [];
  const optionalString = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  return {
    id: raw.id,
    seen_at: raw.seen_at,
    version: optionalString(raw.version) ?? 'unknown',
    heartbeat_seconds: typeof raw.heartbeat_seconds === 'number' ? raw.heartbeat_seconds : 5,
    sharing: raw.sharing === true,
    status_lists: list(raw.status_lists, (s) =>
      typeof s.uri === 'string' ? { uri: s.uri, usable: s.usable === true, age_seconds: typeof s.age_seconds === 'number' ? s.age_seconds : null } : undefined,
    ),
    scanners: list(raw.scanners, (s) => (typeof s.id === 'string' ? { id: s.id, connected: s.connected === true, lane: optionalString(s.lane) ?? null } : undefined)),
    lanes: list(raw.lanes, (l) => {
      if (typeof l.id !== 'string') return undefined;
      const last = l.last_scan as Record<string, unknown> | null | undefined;
      const scan =
        typeof last === 'object' && last !== null && VERDICTS.includes(last.verdict as Verdict) && typeof last.scanner === 'string' && typeof last.at === 'string'
          ? { verdict: last.verdict as Verdict, scanner: last.scanner, at: last.at }
          : null;
      return { id: l.id, last_scan: scan };
    }),
  };
}

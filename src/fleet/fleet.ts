/**
 * The fleet part of `mleg serve` with `replay.store: "redis"` (SPEC 9): one Redis
 * connection for the shared replay memory, this node's heartbeat and its scan events,
 * plus a second one, opened when someone follows the fleet's events, that waits in
 * XREAD BLOCK. Redis is the only thing the verifiers of a fleet share.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { displayLane, type EventBus, type ScannerStatus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { SharedReplayStore } from '../replay/shared-replay-store.js';
import type { StatusListState } from '../status/status-lists.js';
import { FleetEvents } from './fleet-events.js';
import { FleetState, type FleetLane } from './fleet-state.js';
import { createRedisClient, redisWhere } from './redis-client.js';

/** How long a start waits for Redis before it goes on without it (replay decided locally meanwhile). */
const CONNECT_WAIT_MS = 1000;
/** Longest wait for Redis to answer a listing or a catch-up (HTTP answers 503 after it). */
export const FLEET_READ_TIMEOUT_MS = 2000;

export interface FleetStartOptions {
  /** The port the service listens on: the default node id is the host name and this port. */
  port: number;
  version: string;
  bus: EventBus;
  statusLists: () => StatusListState[];
  scanners: () => ScannerStatus[];
  /** The node's lanes, as screens name them (src/config/terminal.ts laneIds). */
  lanes: string[];
}

export class Fleet {
  readonly client: Redis;
  readonly replay: SharedReplayStore;
  /** Where Redis is, without a password. */
  readonly where: string;
  #state: FleetState | undefined;
  #events: FleetEvents | undefined;
  #nodeId: string | undefined;
  readonly #config: Pick<Config, 'replay' | 'fleet'>;
  readonly #log: Logger;
  readonly #lastScans = new Map<string, FleetLane['last_scan']>();
  #unsubscribe: (() => void) | undefined;

  constructor(config: Pick<Config, 'replay' | 'fleet'>, log: Logger) {
    this.#config = config;
    this.#log = log.child({ part: 'fleet' });
    const redis = config.replay.redis;
    this.where = redisWhere(redis.url);
    this.client = createRedisClient(redis, 'mleg');
    this.replay = new SharedReplayStore({ client: this.client, keyPrefix: redis.keyPrefix, timeoutMs: redis.timeoutMs, where: this.where, log: this.#log });
  }

  get heartbeatSeconds(): number {
    return this.#config.fleet.heartbeatSeconds;
  }

  get nodeId(): string | undefined {
    return this.#nodeId;
  }

  get state(): FleetState | undefined {
    return this.#state;
  }

  get events(): FleetEvents | undefined {
    return this.#events;
  }

  /**
   * Connects, waiting at most CONNECT_WAIT_MS: Redis down at start is no reason not to
   * start (replay is decided by this node until it answers; the client keeps trying).
   */
  async connect(): Promise<void> {
    this.#log.info({ where: this.where }, 'connecting to the fleet\'s Redis');
    // Ready, refused (nothing listens: no reason to wait), or CONNECT_WAIT_MS, whichever comes first.
    const ready = new Promise<void>((resolve) => {
      const done = (): void => {
        this.client.off('ready', done);
        this.client.off('error', done);
        resolve();
      };
      this.client.once('ready', done);
      this.client.once('error', done);
      setTimeout(done, CONNECT_WAIT_MS).unref();
    });
    this.client.connect().catch(() => {});
    await ready;
  }

  /** Heartbeats this node's state and appends its scans, once it listens. */
  start(o: FleetStartOptions): void {
    const nodeId = this.#config.fleet.nodeId ?? `${hostname()}:${o.port}`;
    this.#nodeId = nodeId;
    const { keyPrefix } = this.#config.replay.redis;

    this.#events = new FleetEvents({
      client: this.client,
      reader: () => createRedisClient(this.#config.replay.redis, 'mleg-events'),
      keyPrefix,
      nodeId,
      log: this.#log,
    });
    this.#unsubscribe = o.bus.subscribe((event) => {
      // A scanner plugged or unplugged shows in the fleet at once, not at the next heartbeat.
      if (event.type === 'scanner') return this.#state?.beat();
      const { scanner, result } = event.data;
      this.#lastScans.set(displayLane(event.data), { verdict: result.verdict, scanner, at: result.checked_at });
      this.#events?.publish(event.data);
    });
    this.#state = new FleetState({
      client: this.client,
      keyPrefix,
      nodeId,
      heartbeatSeconds: this.#config.fleet.heartbeatSeconds,
      log: this.#log,
      describe: () => {
        const now = Date.now() / 1000;
        return {
          version: o.version,
          sharing: this.replay.sharing,
          status_lists: o.statusLists().map((s) => ({ uri: s.uri, usable: s.usable, age_seconds: s.iat === null ? null : Math.max(0, Math.floor(now - s.iat)) })),
          scanners: o.scanners().map((s) => ({ id: s.id, connected: s.state === 'connected', lane: s.lane })),
          lanes: o.lanes.map((id) => ({ id, last_scan: this.#lastScans.get(id) ?? null })),
        };
      },
    });
    this.#state.start();
  }

  /** Takes this node off the list, stops reading and closes the connections. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#state?.stop();
    this.#events?.close();
    this.replay.close();
    // QUIT lets what is in flight finish; a Redis that does not answer is just dropped.
    await Promise.race([this.client.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    this.client.disconnect();
  }
}

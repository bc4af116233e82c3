/**
 * The connection to the fleet's Redis (config `replay.redis`), made with ioredis, chosen by
 * measuring it against node-redis here (bench/fleet.bench.ts): about half node-redis's
 * round trip and CPU per command on loopback, and more commands a second in flight.
 *
 * - No auto-pipelining: the replay memory sends the checks of one turn of the event loop
 *   as one pipeline itself (SharedReplayStore), each batch at once. ioredis's
 *   auto-pipelining also writes a turn's commands in one write (without it each check was
 *   a write system call of its own: ~60 µs of CPU a verification more than the memory
 *   store at 100 in flight, ~20 µs with), but holds each batch until the one before it is
 *   answered: a round trip more of waiting, the p99 of a lone check 0.85 ms against 0.21
 *   (bench/results/fleet.md), and the 2-thread service at 10 connections 0.81× of the
 *   memory store.
 * - No offline queue, no retries per command: a command sent while the connection is down
 *   fails at once, so that a verification never waits for a reconnection, and nothing
 *   piles up in memory during an outage.
 * - Reconnection is automatic with a bounded back-off (100 ms doubling to 1 s, plus
 *   jitter), so sharing resumes within a few seconds of Redis answering again.
 * - The URL may hold a user, a password and a database number, `rediss://` for TLS; what
 *   is shown of it (`where`) never holds the password.
 */
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

/**
 * ioredis is loaded with the first client, not with this module: `mleg serve` imports the
 * fleet's code whatever its replay store, and only a node of a fleet needs ioredis
 * (bench/results/findings.md, "modules loaded at start").
 */
const loadIoredis = (): typeof import('ioredis') => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

export interface RedisSettings {
  url: string;
}

/** Longest pause between two reconnection attempts. */
const MAX_BACKOFF_MS = 1000;

/** The delay before reconnection attempt `times` (1, 2, …): 100 ms doubling, capped, with jitter. */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.max(0, times - 1), MAX_BACKOFF_MS) + Math.floor(Math.random() * 50);
}

/** The URL as it may be shown and logged: scheme, host, port, database; the user but never the password. */
export function redisWhere(url: string): string {
  const u = new URL(url);
  const user = u.username === '' ? '' : `${decodeURIComponent(u.username)}@`;
  const db = u.pathname.length > 1 ? u.pathname : '/0';
  const secret = u.password === '' ? '' : ' (with a password)';
  return `${u.protocol}//${user}${u.hostname}:${u.port === '' ? '6379' : u.port}${db}${secret}`;
}

/** A client that connects when `connect()` is called and reconnects by itself. */
export function createRedisClient(settings: RedisSettings, name: string): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: false,
    retryStrategy: reconnectDelay,
    connectTimeout: 2000,
    // RESP2: what every Redis, proxy and managed service speaks; measured no slower here.
    protocol: 2,
    connectionName: name,
    // CLIENT SETINFO is Redis 7.2+: without this, 7.0 answers an error at every connection.
    disableClientInfo: true,
  };
  return new (loadIoredis().Redis)(settings.url, options);
}

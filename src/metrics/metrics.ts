/**
 * Prometheus metrics (GET /metrics): verifications by verdict and source, latency of
 * `verify` itself and of HTTP requests, the credential cache's hit ratio, the replay
 * store, each status list's age, size and last fetch, the trust list and scanners.
 * Gauges are read when scraped, from the parts that own the numbers.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ScannerStatus } from '../events/event-bus.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Verifier } from '../verifier.js';
import type { VerifyResult } from '../verify/result.js';
import { ServiceMetrics } from './service-metrics.js';

export interface MetricsSources {
  verifier: Verifier;
  scanners: () => ScannerStatus[];
  eventClients: () => number;
  /** With `replay.store: "redis"`: the fleet, whose shared replay store is measured. */
  fleet?: Fleet | undefined;
}

/** Buckets of the round trip to Redis, in seconds: loopback answers in ~0.1 ms, the default timeout is 50 ms. */
const ROUND_TRIP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

export class Metrics extends ServiceMetrics {
  readonly #verifications: Counter<'verdict' | 'source'>;
  readonly #verifySeconds: Histogram<'source'>;
  readonly #roundTrips: Histogram | undefined;

  constructor(sources: MetricsSources) {
    super('mleg_');
    const registers = [this.registry];
    this.#verifications = new Counter({
      name: 'mleg_verifications_total',
      help: 'Verifications by verdict and by source (http, batch, image, cli, or a scanner id)',
      labelNames: ['verdict', 'source'],
      registers,
    });
    this.#verifySeconds = new Histogram({
      name: 'mleg_verify_duration_seconds',
      help: 'Time spent in verify() itself, status list fetches included when one was awaited',
      labelNames: ['source'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2, 5],
      registers,
    });
    const { verifier } = sources;
    new Gauge({
      name: 'mleg_credential_cache_hit_ratio',
      help: 'Share of verifications whose issuer signature outcome came from the cache',
      registers,
      collect() {
        const cache = verifier.credentialCounts;
        const total = cache.hits + cache.misses;
        this.set(total === 0 ? 0 : cache.hits / total);
      },
    });
    new Gauge({
      name: 'mleg_credential_cache_lookups',
      help: 'Credential cache lookups since start, by outcome',
      labelNames: ['outcome'],
      registers,
      collect() {
        const cache = verifier.credentialCounts;
        this.set({ outcome: 'hit' }, cache.hits);
        this.set({ outcome: 'miss' }, cache.misses);
      },
    });
    new Gauge({ name: 'mleg_credential_cache_entries', help: 'Credentials in the cache', registers, collect() { this.set(verifier.credentialCounts.size); } });
    new Gauge({ name: 'mleg_replay_store_entries', help: 'Accepted presentations remembered against replay', registers, collect() { this.set(verifier.replay.size); } });
    new Gauge({ name: 'mleg_trust_list_keys', help: 'Keys in the trust list in force', registers, collect() { this.set(verifier.trust.current.keys.size); } });
    const lists = () => verifier.status.state();
    const perList = (name: string, help: string, value: (s: ReturnType<typeof lists>[number], now: number) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['uri'],
        registers,
        collect() {
          this.reset();
          const now = Date.now() / 1000;
          for (const s of lists()) {
            const v = value(s, now);
            if (v !== null) this.set({ uri: s.uri }, v);
          }
        },
      });
    perList('mleg_status_list_age_seconds', 'Seconds since the cached list was issued (its iat)', (s, now) => (s.iat === null ? null : Math.max(0, now - s.iat)));
    perList('mleg_status_list_entries', 'Entries in the cached list', (s) => s.entries);
    perList('mleg_status_list_usable', '1 when the cached list can answer, else 0', (s) => (s.usable ? 1 : 0));
    perList('mleg_status_list_last_fetch_ok', '1 when the last fetch succeeded, 0 when it failed', (s) => (s.last_fetch === null ? null : s.last_fetch.ok ? 1 : 0));
    perList('mleg_status_list_last_fetch_timestamp_seconds', 'When the list was last fetched or read', (s) => (s.last_fetch === null ? null : Date.parse(s.last_fetch.at) / 1000));
    new Gauge({
      name: 'mleg_scanner_connected',
      help: 'Attached scanners: 1 connected, 0 not',
      labelNames: ['scanner'],
      registers,
      collect() {
        this.reset();
        for (const s of sources.scanners()) this.set({ scanner: s.id }, s.state === 'connected' ? 1 : 0);
      },
    });
    const fleet = sources.fleet;
    if (fleet !== undefined) {
      const shared = () => fleet.replay.state();
      this.#roundTrips = new Histogram({
        name: 'mleg_replay_shared_round_trip_seconds',
        help: 'Round trip of the replay check to Redis (SET NX GET), late answers included',
        buckets: ROUND_TRIP_BUCKETS,
        registers,
      });
      const roundTrips = this.#roundTrips;
      fleet.replay.onRoundTrip = (seconds) => roundTrips.observe(seconds);
      new Gauge({ name: 'mleg_replay_shared_connected', help: '1 while the connection to the fleet\'s Redis is up, else 0', registers, collect() { this.set(shared().connected ? 1 : 0); } });
      new Gauge({ name: 'mleg_replay_shared_in_use', help: '1 while replay decisions are taken in Redis, 0 while this node decides alone', registers, collect() { this.set(shared().sharing ? 1 : 0); } });
      new Gauge({
        name: 'mleg_replay_decisions',
        help: 'Replay decisions since start, by where they were taken: "shared" (Redis) or "local" (this node alone)',
        labelNames: ['where'],
        registers,
        collect() {
          const { decisions } = shared();
          this.set({ where: 'shared' }, decisions.shared);
          this.set({ where: 'local' }, decisions.local);
        },
      });
      new Gauge({
        name: 'mleg_replay_local_decisions',
        help: 'Replay decisions taken by this node alone since start, by why: "offline" (Redis away or not asked), "timeout", "error" (Redis refused)',
        labelNames: ['reason'],
        registers,
        collect() {
          for (const [reason, count] of Object.entries(shared().local_because)) this.set({ reason }, count);
        },
      });
      new Gauge({ name: 'mleg_replay_shared_late_answers', help: 'Answers from Redis that came after replay.redis.timeoutMs (the node had decided alone)', registers, collect() { this.set(shared().late_answers); } });
      new Gauge({ name: 'mleg_replay_shared_written_back', help: 'Presentations accepted by this node that Redis lacked and were written back when it answered again', registers, collect() { this.set(shared().written_back); } });
      new Gauge({ name: 'mleg_fleet_events_not_appended', help: 'Scans that could not be appended to the fleet\'s event stream (Redis away)', registers, collect() { this.set(fleet.events?.appendFailures ?? 0); } });
    }
    new Gauge({ name: 'mleg_event_stream_clients', help: 'Open event streams (/v1/events and the display page\'s /v1/display/events)', registers, collect() { this.set(sources.eventClients()); } });
  }

  recordVerification(source: string, result: VerifyResult, seconds: number): void {
    this.#verifications.inc({ verdict: result.verdict, source });
    this.#verifySeconds.observe({ source }, seconds);
  }

  /** The replay check's round trips to Redis, per bucket (cumulative, as Prometheus counts them); empty without a fleet. */
  async roundTrips(): Promise<{ le_ms: number | null; count: number }[]> {
    if (this.#roundTrips === undefined) return [];
    const { values } = await this.#roundTrips.get();
    return values
      .filter((v) => v.metricName === 'mleg_replay_shared_round_trip_seconds_bucket')
      .map((v) => ({ le_ms: v.labels.le === '+Inf' ? null : Number(v.labels.le) * 1000, count: v.value }));
  }
}

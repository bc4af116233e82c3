/**
 * The running service: the verifier, the event bus, the metrics and the HTTP app, with
 * one start and one stop. `mleg serve` and the tests both build it here, so tests
 * exercise what runs. Attachments (scanner lanes, outputs) register how they stop with
 * `onStop`.
 */
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { resolveTerminalPlan, type TerminalPlan } from './devices/terminal-plan.js';
import { laneIds } from './config/terminal.js';
import { EventBus, type ScannerStatus } from './events/event-bus.js';
import { Fleet } from './fleet/fleet.js';
import { buildApp } from './http/app.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics/metrics.js';
import { closeLeftConnections, settlesWithin, STOP_GRACE_MS } from './stop-grace.js';
import { Verifier } from './verifier.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export class Service {
  readonly verifier: Verifier;
  /** With `replay.store: "redis"`: the shared replay memory, this node's heartbeat and the fleet's events (src/fleet/). */
  readonly fleet: Fleet | undefined;
  readonly bus = new EventBus();
  readonly metrics: Metrics;
  readonly startedAt = new Date();
  /** The scanners, relays and lanes, resolved against the device profiles. */
  readonly plan: TerminalPlan;
  /** The attached scanners, for /v1/state and the metrics; set by whatever attaches them. */
  scanners: () => ScannerStatus[] = () => [];
  readonly #streams = new Set<ServerResponse>();
  readonly #stoppers: (() => unknown)[] = [];
  #app: FastifyInstance | undefined;
  #ready = false;
  #stopping: Promise<void> | undefined;

  /**
   * Throws TrustListError when the trust list is missing or invalid, ConfigError when the
   * devices it names cannot be resolved: before anything starts.
   */
  constructor(
    readonly config: Config,
    readonly log: Logger,
  ) {
    this.plan = resolveTerminalPlan(config, config.source);
    this.fleet = config.replay.store === 'redis' ? new Fleet(config, log) : undefined;
    this.verifier = new Verifier(config, log, this.fleet === undefined ? { threads: true } : { threads: true, replay: this.fleet.replay });
    this.metrics = new Metrics({ verifier: this.verifier, scanners: () => this.scanners(), eventClients: () => this.#streams.size, fleet: this.fleet });
    this.verifier.observe((source, result, seconds) => this.metrics.recordVerification(source, result, seconds));
    this.bus.onListenerError = (err) => log.error({ err: (err as Error).message }, 'event listener failed');
  }

  get app(): FastifyInstance {
    if (this.#app === undefined) throw new Error('the service is not started');
    return this.#app;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Loads status lists, builds the app and listens; ready once listening. The verifier
   * threads are started then: until they are up, the main thread verifies.
   */
  async start(options: { ready?: () => boolean } = {}): Promise<AddressInfo> {
    this.verifier.start({ threads: 'later' });
    await this.fleet?.connect();
    this.#app = await buildApp({
      verifier: this.verifier,
      bus: this.bus,
      metrics: this.metrics,
      log: this.log,
      config: this.config,
      ready: options.ready ?? (() => this.#ready),
      scanners: () => this.scanners(),
      streams: this.#streams,
      version: VERSION,
      startedAt: this.startedAt,
      fleet: this.fleet,
    });
    await this.#app.listen({ host: this.config.http.host, port: this.config.http.port });
    await this.#attachTerminal();
    const address = this.#app.server.address() as AddressInfo;
    this.fleet?.start({
      port: address.port,
      version: VERSION,
      bus: this.bus,
      statusLists: () => this.verifier.status.state(),
      scanners: () => this.scanners(),
      lanes: laneIds(this.config),
    });
    this.#ready = true;
    this.verifier.startThreads();
    return address;
  }

  /**
   * Scanners, relays and lanes from the config (src/act/terminal.ts), whose modules (serial
   * ports, HID) are loaded only when there is one (bench/results/findings.md, "modules loaded at start").
   */
  async #attachTerminal(): Promise<void> {
    const { plan } = this;
    if (plan.scanners.length === 0 && plan.relays.length === 0) return;
    const { Terminal } = await import('./act/terminal.js');
    const terminal = new Terminal({ plan, verifier: this.verifier, bus: this.bus, log: this.log });
    this.scanners = () => terminal.status();
    this.onStop(() => terminal.stop());
    terminal.start();
  }

  onStop(stop: () => unknown): void {
    this.#stoppers.push(stop);
  }

  /**
   * SPEC 7: stops accepting; switches every gate relay off and closes the scanners at once,
   * whatever clients are doing; answers what is in flight — a verification still waiting on a
   * first status-list fetch after STOP_GRACE_MS is answered without it —; then closes what
   * connections remain (an upload that never finishes holds nothing up). Well within 5 s.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ready = false;
      const app = this.#app;
      const closed = app?.close();
      for (const stop of this.#stoppers.reverse()) {
        try {
          await stop();
        } catch (err) {
          this.log.error({ err: (err as Error).message }, 'error while stopping');
        }
      }
      if (app !== undefined && closed !== undefined) {
        if (!(await settlesWithin(closed, STOP_GRACE_MS))) {
          this.verifier.status.abandonWaits('the service is stopping');
          if (!(await settlesWithin(closed, STOP_ANSWER_MS))) {
            closeLeftConnections(app.server, this.log);
          }
          await closed;
        }
      }
      await this.fleet?.stop();
      this.verifier.close();
    })();
    return this.#stopping;
  }
}

/** How long a stop then gives the verifications it let go of to be answered. */
const STOP_ANSWER_MS = 500;

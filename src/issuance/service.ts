/**
 * The running issuing service (`mleg issuer serve`): the issuer's key, the service's
 * secret, the store, the status publisher and the HTTP app, with one start and one stop.
 * The command and the tests both build it here.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { MlegError } from '../errors.js';
import { loadIssuerKey } from '../issuer/issuer-dir.js';
import type { IssuerKey } from '../issuer/keys.js';
import type { Logger } from '../logger.js';
import { closeLeftConnections, settlesWithin, STOP_GRACE_MS } from '../stop-grace.js';
import { VERSION } from '../version.js';
import { buildIssuanceApp } from './app.js';
import type { IssuanceConfig } from './config.js';
import { IssuanceMetrics } from './metrics.js';
import { NONCE_MAX_AGE_MS } from './nonces.js';
import { loadIssuanceKeys, type IssuanceKeys } from './secret.js';
import { SqlitePortalStore } from './portal/sqlite-portal-store.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';
import { StatusPublisher } from './status-publisher.js';

const PRUNE_EVERY_MS = 10 * 60_000;

export interface IssuanceServiceOptions {
  /** Milliseconds since the epoch (tests move it). */
  clock?: () => number;
}

export class IssuanceService {
  readonly issuer: IssuerKey;
  readonly store: SqliteStore;
  readonly portalStore: SqlitePortalStore;
  readonly publisher: StatusPublisher;
  readonly metrics: IssuanceMetrics;
  readonly #keys: IssuanceKeys;
  readonly #clock: () => number;
  #app: FastifyInstance | undefined;
  #ready = false;
  #prune: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;

  /** Throws MlegError when the issuer folder, its secret or the database cannot be used. */
  constructor(
    readonly config: IssuanceConfig,
    readonly log: Logger,
    o: IssuanceServiceOptions = {},
  ) {
    this.#clock = o.clock ?? Date.now;
    try {
      this.issuer = loadIssuerKey(config.issuer.dir);
    } catch (err) {
      throw new MlegError('ISSUER_DIR_INVALID', `"issuer.dir" ${config.issuer.dir}: no usable issuer key (${(err as Error).message}); make one with "mleg issuer keygen"`, { cause: err });
    }
    this.#keys = loadIssuanceKeys(config.issuer.dir, log);
    this.store = openSqliteStore({ file: config.database.file, log, listSize: config.status.listSize });
    this.portalStore = new SqlitePortalStore(this.store.database);
    this.publisher = new StatusPublisher({ store: this.store, issuer: this.issuer, issuerUrl: config.issuer.url, ttlSeconds: config.status.ttlSeconds, clock: this.#clock });
    this.metrics = new IssuanceMetrics(this.store);
  }

  get app(): FastifyInstance {
    if (this.#app === undefined) throw new Error('the issuing service is not started');
    return this.#app;
  }

  async start(): Promise<AddressInfo> {
    this.#app = await buildIssuanceApp({
      config: this.config,
      log: this.log,
      store: this.store,
      publisher: this.publisher,
      issuer: this.issuer,
      keys: this.#keys,
      metrics: this.metrics,
      portalStore: this.portalStore,
      clock: this.#clock,
      ready: () => this.#ready,
      version: VERSION,
    });
    await this.#app.listen({ host: this.config.http.host, port: this.config.http.port });
    const prune = () => void this.store.prune(this.#clock() - NONCE_MAX_AGE_MS - 60_000).catch((err: Error) => this.log.error({ err: err.message }, 'pruning the store failed'));
    prune();
    this.#prune = setInterval(prune, PRUNE_EVERY_MS).unref();
    this.#ready = true;
    return this.#app.server.address() as AddressInfo;
  }

  /**
   * Stops accepting, finishes the requests in flight, closes the database. Connections
   * still open after STOP_GRACE_MS (an upload that never ends, say) are closed.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ready = false;
      clearInterval(this.#prune);
      try {
        const app = this.#app;
        if (app !== undefined) {
          const closed = app.close();
          if (!(await settlesWithin(closed, STOP_GRACE_MS))) {
            closeLeftConnections(app.server, this.log);
            await closed;
          }
        }
      } finally {
        this.store.close();
      }
    })();
    return this.#stopping;
  }
}

/**
 * A running service for tests: a site (test/helpers/site.ts) loaded by the real config
 * loader, served by the real Service listening on 127.0.0.1 with an ephemeral port, its
 * log lines captured.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { EventBus } from '../../src/events/event-bus.js';
import type { Logger } from '../../src/logger.js';
import { Service } from '../../src/service.js';
import type { Verifier } from '../../src/verifier.js';
import { captureLog } from './log.js';
import { createSite, type Site } from './site.js';

export interface TestService extends Site {
  url: string;
  app: FastifyInstance;
  service: Service;
  verifier: Verifier;
  bus: EventBus;
  config: Config;
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[];
  log: Logger;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  /** Merged over the site's config (top-level keys replaced). */
  config?: Record<string, unknown>;
  /** What /readyz reports (default: ready once listening). */
  ready?: () => boolean;
  /** Extra files written into the site folder before the config is loaded (name → content). */
  files?: Record<string, string>;
  /** When the site's status list was issued (seconds; default a minute ago). */
  statusIat?: number;
  /**
   * Serve this site (its issuer, trust and status lists), rewriting its config file with
   * `config`, instead of a new one: several services of one deployment (a fleet). The
   * site is then left in place when the service closes.
   */
  site?: Site;
}

export async function startService(o: TestServiceOptions = {}): Promise<TestService> {
  const siteConfig = { log: { level: 'debug' }, ...o.config };
  const site = o.site ?? createSite(siteConfig, o.statusIat === undefined ? {} : { statusIat: o.statusIat });
  if (o.site !== undefined) site.configure(siteConfig);
  for (const [name, content] of Object.entries(o.files ?? {})) writeFileSync(join(site.dir, name), content);
  const config = loadConfig(site.configFile);
  const { log, lines: logs } = captureLog(config.log.level);
  const service = new Service(config, log);
  const { port } = await service.start(o.ready === undefined ? {} : { ready: o.ready });
  return {
    ...site,
    url: `http://127.0.0.1:${port}`,
    app: service.app,
    service,
    verifier: service.verifier,
    bus: service.bus,
    config,
    logs,
    log,
    close: async () => {
      await service.stop();
      if (o.site === undefined) site.remove();
    },
  };
}

/** A response body as JSON, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(res: Response): Promise<any> {
  return res.json();
}

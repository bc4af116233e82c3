/** The verification core's dependencies for a benchmark: a population's site (trust list, status list file), real StatusLists, caches and replay memory. */
import { loadConfig, type Config } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { MemoryReplayStore } from '../src/replay/replay-store.js';
import { StatusLists } from '../src/status/status-lists.js';
import { loadTrustList } from '../src/trust/trust-store.js';
import { CredentialCache } from '../src/verify/credential-cache.js';
import type { VerifyDeps } from '../src/verify/verify.js';
import { DEFAULT_POLICY } from '../test/helpers/world.js';
import type { Population } from './population.js';

export function benchDeps(pop: Population, cacheSize: number): { deps: VerifyDeps; config: Config; close: () => void } {
  const site = pop.writeSite({ workers: 1 });
  const config = loadConfig(site.configFile);
  const trust = loadTrustList(config.trust.file);
  const status = new StatusLists({
    trust: () => trust,
    allowHttp: false,
    maxAgeSeconds: config.status.maxAgeSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
    refreshSeconds: 3600,
    timeoutMs: 1000,
    maxBytes: 1 << 20,
    maxRedirects: 0,
    files: config.status.files,
    archive: undefined,
    log: createLogger('silent'),
  });
  status.start();
  const deps: VerifyDeps = { trust, credentials: new CredentialCache(cacheSize), status, replay: new MemoryReplayStore(), policy: DEFAULT_POLICY };
  return {
    deps,
    config,
    close: () => {
      status.close();
      site.remove();
    },
  };
}

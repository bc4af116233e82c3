/** What the issuing service's routes share: the configuration, the store, the publisher, the issuer's key, the service's keys, its metrics and its clock. */
import type { IssuerKey } from '../issuer/keys.js';
import type { IssuanceConfig } from './config.js';
import type { IssuanceMetrics } from './metrics.js';
import type { IssuanceKeys } from './secret.js';
import type { StatusPublisher } from './status-publisher.js';
import type { IssuanceStore } from './store.js';

export interface IssuanceContext {
  config: IssuanceConfig;
  store: IssuanceStore;
  publisher: StatusPublisher;
  issuer: IssuerKey;
  keys: IssuanceKeys;
  metrics: IssuanceMetrics;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

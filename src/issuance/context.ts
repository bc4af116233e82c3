/** What the issuing service's app is built from, and what its route plugins share. */
import type { IssuerKey } from '../issuer/keys.js';
import type { Logger } from '../logger.js';
import type { IssuanceConfig } from './config.js';
import type { IssuanceMetrics } from './metrics.js';
import type { IssuanceKeys } from './secret.js';
import type { StatusPublisher } from './status-publisher.js';
import type { IssuanceStore } from './store.js';

export interface IssuanceAppOptions {
  config: IssuanceConfig;
  log: Logger;
  store: IssuanceStore;
  publisher: StatusPublisher;
  issuer: IssuerKey;
  keys: IssuanceKeys;
  metrics: IssuanceMetrics;
  /** Milliseconds since the epoch. */
  clock: () => number;
  ready: () => boolean;
  version: string;
}

/** What the issuing service's routes share. */
export type IssuanceContext = Omit<IssuanceAppOptions, 'ready' | 'version' | 'log'>;

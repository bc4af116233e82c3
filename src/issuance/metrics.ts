/**
 * Prometheus metrics of the issuing service (GET /metrics): token requests by outcome,
 * credential requests by outcome, status changes, HTTP latency, and from the store the
 * students by state, the credentials by status and how full each status list is.
 */
import { Counter, Gauge } from 'prom-client';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import type { IssuanceStore, StoreCounts } from './store.js';

export class IssuanceMetrics extends ServiceMetrics {
  readonly #tokens: Counter<'outcome'>;
  readonly #credentials: Counter<'outcome' | 'configuration'>;
  readonly #replaced: Counter;
  readonly #changes: Counter<'change'>;

  constructor(store: IssuanceStore) {
    super('mleg_issuer_');
    const registers = [this.registry];
    this.#tokens = new Counter({ name: 'mleg_issuer_token_requests_total', help: 'Token requests by outcome (issued, wrong_tx_code, locked, expired, used, cancelled, unknown)', labelNames: ['outcome'], registers });
    this.#credentials = new Counter({ name: 'mleg_issuer_credential_requests_total', help: 'Credential requests by outcome (issued or the OAuth error) and configuration', labelNames: ['outcome', 'configuration'], registers });
    this.#replaced = new Counter({ name: 'mleg_issuer_credentials_replaced_total', help: 'Credentials revoked because their student activated another device', registers });
    this.#changes = new Counter({ name: 'mleg_issuer_status_changes_total', help: 'Suspensions, reinstatements and revocations by the school', labelNames: ['change'], registers });
    // The store is read once per scrape (within a second) for all four gauges below.
    let read: { at: number; counts: Promise<StoreCounts> } | undefined;
    const counts = () => {
      if (read === undefined || Date.now() - read.at > 1000) read = { at: Date.now(), counts: store.counts() };
      return read.counts;
    };
    const fromStore = (name: string, help: string, label: string, fill: (c: StoreCounts, set: (l: string, v: number) => void) => void) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        async collect() {
          this.reset();
          fill(await counts(), (l, v) => this.set({ [label]: l }, v));
        },
      });
    fromStore('mleg_issuer_students', 'Students by state', 'state', (c, set) => Object.entries(c.students).forEach(([k, v]) => set(k, v)));
    fromStore('mleg_issuer_credentials', 'Issued credentials by status', 'status', (c, set) => Object.entries(c.credentials).forEach(([k, v]) => set(k, v)));
    fromStore('mleg_issuer_status_list_entries_used', 'Status list entries allocated, by list', 'list', (c, set) => c.lists.forEach((l) => set(l.name, l.used)));
    fromStore('mleg_issuer_status_list_size', 'Status list entries, by list', 'list', (c, set) => c.lists.forEach((l) => set(l.name, l.size)));
  }

  recordTokenRequest(outcome: string): void {
    this.#tokens.inc({ outcome });
  }

  recordCredentialRequest(outcome: string, configuration = '', replaced = 0): void {
    this.#credentials.inc({ outcome, configuration });
    if (replaced > 0) this.#replaced.inc(replaced);
  }

  recordStatusChange(change: string): void {
    this.#changes.inc({ change });
  }
}

/**
 * What the verifier's and the issuing service's metrics share: a Prometheus registry with
 * the process's default metrics and the HTTP latency by method, route template and status,
 * under one name prefix (`mleg_`, `mleg_issuer_`); GET /metrics serves its text.
 */
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #httpSeconds: Histogram<'method' | 'route' | 'status'>;

  constructor(prefix: string) {
    collectDefaultMetrics({ register: this.registry, prefix });
    this.#httpSeconds = new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [this.registry],
    });
  }

  recordRequest(method: string, route: string, status: number, seconds: number): void {
    this.#httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** OpenTelemetry's recommended buckets for `http.server.request.duration`, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export interface HttpMetrics {
  registry: Registry;
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
}

/**
 * The runtime's Prometheus registry. `http_server_request_duration_seconds` follows the OpenTelemetry HTTP
 * semantic conventions translated to Prometheus naming; `revision` tells canary and stable pods apart.
 */
export function createHttpMetrics(identity: { component: string; backend: string; revision: string }): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['method', 'route', 'status', 'component', 'backend', 'revision'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  // One labelled child per (method, route, status), resolved once: observing then skips prom-client's label
  // validation and hashing. Routes are templates and methods/statuses few, so the map stays small.
  const children = new Map<string, { observe(value: number): void }>();
  return {
    registry,
    observeRequest(labels, seconds) {
      const key = `${labels.method} ${labels.status} ${labels.route}`;
      let child = children.get(key);
      if (child === undefined) {
        child = duration.labels({ ...labels, status: String(labels.status), ...identity });
        children.set(key, child);
      }
      child.observe(seconds);
    },
  };
}

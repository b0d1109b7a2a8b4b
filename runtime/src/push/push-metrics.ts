import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface PushMetrics {
  delivery(provider: string, outcome: 'sent' | 'invalid-token' | 'rejected' | 'retry'): void;
  outcomeUnknown(count: number): void;
}

/** Push delivery outcomes and the providers' credential reuse, as Prometheus metrics. */
export function createPushMetrics(
  registry: Registry,
  credentials: () => { provider: string; requests: number }[],
): PushMetrics {
  const deliveries = new Counter({
    name: 'mobileplane_push_deliveries_total',
    help: 'Provider answers per device: sent, invalid-token (device pruned), rejected (dropped), retry.',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const unknown = new Counter({
    name: 'mobileplane_push_outcome_unknown_total',
    help: 'Deliveries a crashed attempt left in flight; closed without resending (at most one notification).',
    registers: [registry],
  });
  new Gauge({
    name: 'mobileplane_push_provider_credentials_issued',
    help: 'FCM OAuth access tokens fetched and APNs provider tokens signed by this process.',
    labelNames: ['provider'] as const,
    registers: [registry],
    collect() {
      for (const c of credentials()) this.set({ provider: c.provider }, c.requests);
    },
  });
  return {
    delivery: (provider, outcome) => deliveries.inc({ provider, outcome }),
    outcomeUnknown: (count) => unknown.inc(count),
  };
}

import { COMPONENT_NAMES } from '@mobileplane/api';
import type { ComponentName } from '@mobileplane/api';

/** The time ranges the charts offer, with the step that keeps each at about 60 points. */
export const METRIC_RANGES = { '15m': 15, '1h': 60, '6h': 360, '24h': 1440 } as const;
export type MetricRange = keyof typeof METRIC_RANGES;

export type RedSeriesName = 'rate' | 'errors' | 'p99';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * The only PromQL the portal sends: rate, error ratio and p99 latency of one component of one backend, by
 * `revision` (stable vs canary), from the runtime's `http_server_request_duration_seconds` (labels `backend`,
 * `component`, `revision`, `status`; `namespace` from the scrape). Users choose a component and a range, never a
 * query, so the proxy cannot be used to read other series.
 */
export function redQueries(
  target: { namespace: string; backend: string; component: ComponentName },
  window = '5m',
): Record<RedSeriesName, string> {
  if (!COMPONENT_NAMES.includes(target.component)) throw new Error(`unknown component ${target.component}`);
  const selector = `namespace="${escapeLabel(target.namespace)}",backend="${escapeLabel(target.backend)}",component="${target.component}"`;
  const count = `http_server_request_duration_seconds_count{${selector}}`;
  const errors = `http_server_request_duration_seconds_count{${selector},status=~"5.."}`;
  const bucket = `http_server_request_duration_seconds_bucket{${selector}}`;
  return {
    rate: `sum by (revision) (rate(${count}[${window}]))`,
    errors: `sum by (revision) (rate(${errors}[${window}])) / sum by (revision) (rate(${count}[${window}]))`,
    p99: `histogram_quantile(0.99, sum by (revision, le) (rate(${bucket}[${window}])))`,
  };
}

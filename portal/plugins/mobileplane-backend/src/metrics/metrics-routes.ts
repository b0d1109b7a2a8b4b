import { COMPONENT_NAMES } from '@mobileplane/api';
import type { ComponentName } from '@mobileplane/api';
import { mobileBackendReadPermission } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { RedMetrics, RedSeries } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { sendFieldErrors } from '../http/field-errors';
import type { RequestAccess } from '../http/request-access';
import { METRIC_RANGES, redQueries } from './red-queries';
import type { MetricRange, RedSeriesName } from './red-queries';

interface PrometheusMatrix {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

async function queryRange(base: string, query: string, minutes: number, signal: AbortSignal): Promise<RedSeries[]> {
  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({
    query,
    start: String(end - minutes * 60),
    end: String(end),
    step: String(Math.max(15, Math.round((minutes * 60) / 60))),
  });
  const response = await fetch(`${base.replace(/\/$/, '')}/api/v1/query_range?${params}`, { signal });
  const body = (await response.json()) as PrometheusMatrix;
  if (!response.ok || body.status !== 'success') {
    throw new Error(`Prometheus answered ${response.status}: ${body.error ?? 'no error message'}`);
  }
  return (body.data?.result ?? []).map((r) => ({
    revision: r.metric.revision ?? 'unknown',
    points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
  }));
}

/** The Prometheus proxy, limited to the RED queries of `redQueries`. */
export function metricsRoutes(deps: { clusters: MobileplaneClusters; access: RequestAccess; logger: LoggerService }) {
  const { clusters, access, logger } = deps;
  const router = Router();

  router.get('/backends/:cluster/:namespace/:name/metrics', async (req, res) => {
    const component = String(req.query.component ?? 'api');
    const range = String(req.query.range ?? '1h');
    const errors = [
      ...(COMPONENT_NAMES.includes(component as ComponentName)
        ? []
        : [{ field: 'component', message: `must be one of ${COMPONENT_NAMES.join(', ')}` }]),
      ...(Object.hasOwn(METRIC_RANGES, range)
        ? []
        : [{ field: 'range', message: `must be one of ${Object.keys(METRIC_RANGES).join(', ')}` }]),
    ];
    if (errors.length > 0) {
      sendFieldErrors(res, errors);
      return;
    }
    await access.allow(req, mobileBackendReadPermission);
    const { cluster, namespace, name } = req.params;
    const { prometheusUrl } = clusters.get(cluster).config;
    if (!prometheusUrl) {
      res.json({ available: false, reason: `no Prometheus is configured for cluster ${cluster}` } satisfies RedMetrics);
      return;
    }
    const queries = redQueries({ namespace, backend: name, component: component as ComponentName });
    const minutes = METRIC_RANGES[range as MetricRange];
    try {
      const signal = AbortSignal.timeout(10_000);
      const entries = await Promise.all(
        (Object.keys(queries) as RedSeriesName[]).map(
          async (key) => [key, await queryRange(prometheusUrl, queries[key], minutes, signal)] as const,
        ),
      );
      res.json({ available: true, series: Object.fromEntries(entries) } as RedMetrics);
    } catch (error) {
      logger.warn(`Prometheus query for ${namespace}/${name} failed: ${(error as Error).message}`);
      res.json({
        available: false,
        reason: `Prometheus did not answer: ${(error as Error).message}`,
      } satisfies RedMetrics);
    }
  });

  return router;
}

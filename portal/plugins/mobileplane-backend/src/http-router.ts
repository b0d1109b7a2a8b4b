import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterSummary } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';
import express from 'express';
import Router from 'express-promise-router';
import { backendRoutes } from './backends/backend-routes';
import { environmentRoutes } from './environments/environment-routes';
import { fieldValidationErrorHandler } from './http/field-errors';
import type { RequestAccess } from './http/request-access';
import { kindCatalog } from './kinds/kind-catalog';
import { metricsRoutes } from './metrics/metrics-routes';

/** Paths that answer without credentials; the plugin registers them as `unauthenticated` auth policies. */
export const unauthenticatedPaths = ['/health'] as const;

export interface HttpRouterDeps {
  clusters: MobileplaneClusters;
  access: RequestAccess;
  logger: LoggerService;
}

/** The plugin's HTTP API, mounted by the backend under `/api/mobileplane`. */
export function createHttpRouter(deps: HttpRouterDeps) {
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/kinds', (_req, res) => {
    res.json(kindCatalog());
  });

  router.get('/clusters', (_req, res) => {
    const items: ClusterSummary[] = deps.clusters.list().map(({ config }) => ({
      name: config.name,
      ...(config.title && { title: config.title }),
      ...(config.grafanaUrl && { grafanaUrl: config.grafanaUrl }),
      metrics: Boolean(config.prometheusUrl),
    }));
    res.json({ items });
  });

  router.use(backendRoutes(deps));
  router.use(environmentRoutes(deps));
  router.use(metricsRoutes(deps));
  router.use(fieldValidationErrorHandler);
  return router;
}

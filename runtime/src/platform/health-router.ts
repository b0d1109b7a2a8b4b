import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * `/livez` answers while the event loop runs; `/readyz` runs the component's checks (database, Redis) and fails
 * as soon as the drain starts, so the Service stops routing to a pod before its connections close.
 */
export function healthRouter(options: { registry: Registry; checks: ReadinessCheck[]; isDraining(): boolean }): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (options.isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const failures: Record<string, string> = {};
    await Promise.all(
      options.checks.map(async ({ name, check }) => {
        try {
          await check();
        } catch (error) {
          failures[name] = (error as Error).message;
        }
      }),
    );
    if (Object.keys(failures).length > 0) res.status(503).json({ status: 'unready', failures });
    else res.json({ status: 'ok' });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', options.registry.contentType);
    res.end(await options.registry.metrics());
  });
  return router;
}

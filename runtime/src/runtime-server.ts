import express from 'express';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { createApiComponent } from './api/api-component.ts';
import { createAuthComponent } from './auth/auth-component.ts';
import type { AuthComponentOptions } from './auth/auth-component.ts';
import type { Database } from './data/database.ts';
import { openDatabase } from './data/open-database.ts';
import type { RuntimeComponent, ComponentContext } from './platform/component.ts';
import type { RuntimeConfig } from './platform/config-schema.ts';
import { errorMiddleware, notFoundHandler } from './platform/error-middleware.ts';
import { healthRouter } from './platform/health-router.ts';
import { createHttpMetrics } from './platform/http-metrics.ts';
import type { HttpMetrics } from './platform/http-metrics.ts';
import { startHttpServer } from './platform/http-server.ts';
import type { GracefulServer } from './platform/http-server.ts';
import { createLogger, flushLogger } from './platform/logger.ts';
import type { Logger } from './platform/logger.ts';
import { requestInstrumentation } from './platform/request-instrumentation.ts';
import { flushTracing, installTracing } from './platform/tracing.ts';
import { createPushComponent } from './push/push-component.ts';
import { createStorageComponent } from './storage/storage-component.ts';
import { createWorkersComponent } from './workers/workers-component.ts';

export interface RunningRuntime {
  url: string;
  config: RuntimeConfig;
  logger: Logger;
  metrics: HttpMetrics;
  database: Database;
  server: GracefulServer;
  component: RuntimeComponent;
  /** Drains in-flight requests, then closes the component, Redis and the database. */
  shutdown(): Promise<void>;
}

/** The components not built yet (workers, push, storage: their own issues) run the platform layer only. */
function platformOnlyComponent(): RuntimeComponent {
  return { readiness: [], mount: () => undefined, close: async () => undefined };
}

/** In-process hooks for tests: the auth component's config and clock instead of the environment's. */
export interface StartRuntimeOptions {
  logDestination?: DestinationStream;
  auth?: Pick<AuthComponentOptions, 'authConfig' | 'clock'>;
}

function createComponent(
  context: ComponentContext,
  metrics: HttpMetrics,
  options: StartRuntimeOptions,
): RuntimeComponent {
  switch (context.config.component) {
    case 'api':
      return createApiComponent(context);
    case 'auth':
      // Its security-event counters go to the process's one /metrics registry.
      return createAuthComponent(context, { ...options.auth, registry: metrics.registry });
    case 'workers':
      return createWorkersComponent(context, { registry: metrics.registry });
    case 'push':
      return createPushComponent(context, { registry: metrics.registry });
    case 'storage':
      return createStorageComponent(context, { registry: metrics.registry });
    default:
      return platformOnlyComponent();
  }
}

/** Starts one component: config → logs, metrics, tracing → database (migrated) → Redis → HTTP server. */
export async function startRuntime(config: RuntimeConfig, options: StartRuntimeOptions = {}): Promise<RunningRuntime> {
  const identity = {
    component: config.component,
    backend: config.identity.backend,
    revision: config.identity.revision,
  };
  installTracing(identity);
  const logger = createLogger({ level: config.log.level, ...identity }, options.logDestination);
  const metrics = createHttpMetrics(identity);
  const database = await openDatabase(config.database, logger);
  const redis =
    config.redis.url === undefined
      ? undefined
      : new Redis(config.redis.url, {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          lazyConnect: true,
          // A Redis that hangs must not hold requests: the rate limiter falls back to in-process decisions.
          commandTimeout: 250,
        });
  if (redis !== undefined) {
    redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis error'));
    // Only the api's rate limits use Redis, and they fall back to in-process limits without it (decision 0751):
    // a Redis that is down at start is retried in the background, and it never fails /readyz.
    await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis unavailable at start'));
  }
  const component = createComponent({ config, logger, database, redis, registry: metrics.registry }, metrics, options);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.server.trustProxyHops);
  app.use(requestInstrumentation({ logger, metrics }));
  // The health router is built before the server exists; it asks the server once there is one.
  let isDraining = (): boolean => false;
  app.use(
    healthRouter({
      registry: metrics.registry,
      isDraining: () => isDraining(),
      checks: [
        { name: 'database', check: async () => void (await database.query('SELECT 1')) },
        ...component.readiness,
      ],
    }),
  );
  component.mount(app);
  app.use(notFoundHandler());
  app.use(errorMiddleware(logger));

  const server = await startHttpServer(app, {
    host: config.server.host,
    port: config.server.port,
    shutdownTimeoutMs: config.server.shutdownTimeoutMs,
    logger,
  });
  isDraining = () => server.isDraining();
  component.attach?.(server);
  logger.info({ url: server.url, database: database.backend, redis: redis !== undefined }, 'listening');
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    config,
    logger,
    metrics,
    database,
    server,
    component,
    shutdown() {
      stopping ??= (async () => {
        await server.shutdown();
        await component.close();
        await redis?.quit().catch(() => undefined);
        await database.close();
        await flushTracing().catch((error: unknown) => logger.warn({ err: error }, 'could not send the last spans'));
        logger.info('stopped');
        await flushLogger(logger);
      })();
      return stopping;
    },
  };
}

import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { Registry } from 'prom-client';
import { JwtAuthenticator } from '../api/jwt-authenticator.ts';
import { runMigrations } from '../data/migration-runner.ts';
import type { ComponentContext, RuntimeComponent } from '../platform/component.ts';
import { jsonBodyParser } from '../platform/json-body-parser.ts';
import { createJobMetrics } from '../workers/job-metrics.ts';
import { JobQueue } from '../workers/job-queue.ts';
import { ApnsProvider } from './apns-provider.ts';
import { DeviceRegistry } from './device-registry.ts';
import { FcmProvider, serviceAccountSchema } from './fcm-provider.ts';
import { createPushMetrics } from './push-metrics.ts';
import { PUSH_MIGRATIONS } from './push-migrations.ts';
import type { PushProvider } from './push-provider.ts';
import { pushRouter } from './push-router.ts';
import type { PushSettings } from './push-settings.ts';
import { createPushTasks } from './push-tasks.ts';

type Env = Readonly<Record<string, string | undefined>>;

function secret(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file !== undefined && file !== '') return readFileSync(file, 'utf8');
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The configured providers; a provider configured without its credential stops the component at start. */
export function createProviders(settings: PushSettings, env: Env): { fcm?: FcmProvider; apns?: ApnsProvider } {
  const providers: { fcm?: FcmProvider; apns?: ApnsProvider } = {};
  if (settings.fcm !== undefined) {
    const json = secret(env, 'FCM_SERVICE_ACCOUNT_JSON');
    if (json === undefined) throw new Error('push.fcm is configured but FCM_SERVICE_ACCOUNT_JSON is not set');
    const parsed = serviceAccountSchema.safeParse(JSON.parse(json));
    if (!parsed.success)
      throw new Error(
        `FCM_SERVICE_ACCOUNT_JSON: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    providers.fcm = new FcmProvider({
      serviceAccount: parsed.data,
      projectId: settings.fcm.projectId,
      endpoint: settings.fcm.endpoint,
    });
  }
  if (settings.apns !== undefined) {
    const key = secret(env, 'APNS_AUTH_KEY');
    if (key === undefined) throw new Error('push.apns is configured but APNS_AUTH_KEY is not set');
    providers.apns = new ApnsProvider({ ...settings.apns, privateKeyPem: key });
  }
  return providers;
}

export interface PushComponentOptions {
  registry?: Registry;
  env?: Env;
}

export interface PushComponent extends RuntimeComponent {
  queue: JobQueue;
  providers: { fcm?: FcmProvider; apns?: ApnsProvider };
  start(): Promise<void>;
}

/**
 * The `push` component: device registry and send API, fan-out as jobs on the runtime's queue (this component
 * runs its own push tasks, since it holds the provider credentials), FCM HTTP v1 and APNs over HTTP/2.
 */
export function createPushComponent(context: ComponentContext, options: PushComponentOptions = {}): PushComponent {
  const { config, logger, database } = context;
  const settings = config.push;
  const registry = options.registry ?? new Registry();
  const providers = createProviders(settings, options.env ?? process.env);
  const jobMetrics = createJobMetrics(registry, () => queue.depths());
  const queue: JobQueue = new JobQueue({
    database,
    logger,
    metrics: jobMetrics,
    role: 'worker',
    poolSize: config.workers.poolSize,
    superviseIntervalSeconds: config.workers.superviseIntervalSeconds,
    pollingIntervalSeconds: config.workers.pollingIntervalSeconds,
  });
  const metrics = createPushMetrics(registry, () => [
    ...(providers.fcm ? [{ provider: 'fcm', requests: providers.fcm.tokenRequests }] : []),
    ...(providers.apns ? [{ provider: 'apns', requests: providers.apns.tokensSigned }] : []),
  ]);
  const sendProviders: Partial<Record<'fcm' | 'apns', PushProvider>> = { ...providers };
  for (const task of createPushTasks({
    database,
    queue: () => queue,
    providers: sendProviders,
    metrics,
    logger,
    batchSize: settings.batchSize,
    streamsPerJob: settings.streamsPerJob,
    concurrency: settings.concurrency,
    leaseSeconds: settings.jobLeaseSeconds,
  }))
    queue.register(task);
  const authenticator =
    config.auth.jwksUrl === undefined || config.auth.issuer === undefined || config.auth.audience === undefined
      ? undefined
      : new JwtAuthenticator({
          jwksUrl: config.auth.jwksUrl,
          issuer: config.auth.issuer,
          audience: config.auth.audience,
          rolesClaim: config.auth.rolesClaim,
          clockToleranceSeconds: config.auth.clockToleranceSeconds,
          jwksCooldownMs: config.auth.jwksCooldownSeconds * 1000,
        });

  let started: Promise<void> | undefined;
  function start(): Promise<void> {
    started ??= (async () => {
      await runMigrations(database, PUSH_MIGRATIONS);
      await queue.work();
      logger.info({ providers: Object.keys(providers) }, 'push running');
    })();
    started.catch((error: unknown) => logger.error({ err: error }, 'push component failed to start'));
    return started;
  }
  void start();

  return {
    queue,
    providers,
    start,
    readiness: [{ name: 'push', check: () => start() }],
    mount(app: Express) {
      // Requests wait for the migrations and the queue (the first ones right after start).
      app.use('/v1/push', (_req, _res, next) => void start().then(() => next(), next));
      app.use(
        pushRouter({
          database,
          devices: new DeviceRegistry(database),
          queue,
          authenticator,
          apiKeys: config.auth.apiKeys,
          json: jsonBodyParser({ limitBytes: config.server.bodyLimitBytes, maxDepth: config.server.maxJsonDepth }),
        }),
      );
    },
    async close() {
      await started?.catch(() => undefined);
      await queue.stop(config.server.shutdownTimeoutMs);
      providers.fcm?.close();
      providers.apns?.close();
    },
  };
}

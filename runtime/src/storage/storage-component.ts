import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { Registry } from 'prom-client';
import { JwtAuthenticator } from '../api/jwt-authenticator.ts';
import { runMigrations } from '../data/migration-runner.ts';
import type { ComponentContext, RuntimeComponent } from '../platform/component.ts';
import { jsonBodyParser } from '../platform/json-body-parser.ts';
import { createJobMetrics } from '../workers/job-metrics.ts';
import { JobQueue } from '../workers/job-queue.ts';
import { FilesystemStorageDriver } from './filesystem-storage-driver.ts';
import { S3StorageDriver } from './s3-storage-driver.ts';
import type { StorageDriver } from './storage-driver.ts';
import { STORAGE_MIGRATIONS } from './storage-migrations.ts';
import { storageRouter } from './storage-router.ts';
import { createPendingSweepTask } from './pending-sweep-task.ts';
import { THUMBNAIL_TASK, createThumbnailTask } from './thumbnail-task.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface StorageComponent extends RuntimeComponent {
  driver: StorageDriver;
  start(): Promise<void>;
}

/**
 * The `storage` component: S3-compatible object storage (or the local filesystem on the embedded default) with
 * presigned uploads bound to size and type, content checks after upload, and per-user access rules.
 */
export function createStorageComponent(
  context: ComponentContext,
  options: { env?: Env; registry?: Registry } = {},
): StorageComponent {
  const { config, database, logger } = context;
  const settings = config.storage;
  const env = options.env ?? process.env;
  let driver: StorageDriver;
  let filesystem: FilesystemStorageDriver | undefined;
  if (settings.s3 !== undefined) {
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    driver = new S3StorageDriver({
      ...settings.s3,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    });
  } else {
    filesystem = new FilesystemStorageDriver({
      directory: settings.directory,
      publicUrl: settings.publicUrl ?? `http://127.0.0.1:${config.server.port}`,
      // Signed URLs only need to survive this process unless a key is given (several replicas: set it).
      signingKey: env['STORAGE_URL_SIGNING_KEY'] || randomBytes(32).toString('hex'),
    });
    driver = filesystem;
  }
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
  // Thumbnails are jobs on the runtime's queue, run by this component (it holds the storage credentials).
  const jobMetrics = createJobMetrics(options.registry ?? new Registry(), () => queue.depths());
  const queue: JobQueue = new JobQueue({
    database,
    logger,
    metrics: jobMetrics,
    role: 'worker',
    poolSize: config.workers.poolSize,
    superviseIntervalSeconds: config.workers.superviseIntervalSeconds,
    pollingIntervalSeconds: config.workers.pollingIntervalSeconds,
  });
  queue.register(createThumbnailTask(database, driver));
  queue.register(createPendingSweepTask(database, driver, settings.urlTtlSeconds));
  let started: Promise<void> | undefined;
  const start = (): Promise<void> => {
    started ??= (async () => {
      await runMigrations(database, STORAGE_MIGRATIONS);
      await queue.work();
      logger.info({ driver: driver.name }, 'storage ready');
    })();
    return started;
  };
  void start().catch((error: unknown) => logger.error({ err: error }, 'storage component failed to start'));
  return {
    driver,
    start,
    readiness: [{ name: 'storage', check: () => start() }],
    mount(app: Express) {
      app.use('/v1/storage', (_req, _res, next) => void start().then(() => next(), next));
      if (filesystem !== undefined) app.use(filesystem.router());
      app.use(
        storageRouter({
          database,
          driver,
          settings,
          authenticator,
          onImageReady: async (objectId, tx) => {
            await queue.enqueue(THUMBNAIL_TASK, { objectId }, { tx, dedupKey: objectId });
          },
          json: jsonBodyParser({ limitBytes: config.server.bodyLimitBytes, maxDepth: config.server.maxJsonDepth }),
        }),
      );
    },
    attach(server) {
      if (filesystem !== undefined && settings.publicUrl === undefined) filesystem.setPublicUrl(server.url);
    },
    async close() {
      await started?.catch(() => undefined);
      await queue.stop(config.server.shutdownTimeoutMs);
      driver.close();
    },
  };
}

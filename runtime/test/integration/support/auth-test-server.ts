import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { PgDatabase } from '../../../src/data/pg-database.ts';
import { createAuthComponent } from '../../../src/auth/auth-component.ts';
import type { AuthComponent } from '../../../src/auth/auth-component.ts';
import { authConfigSchema } from '../../../src/auth/auth-config.ts';
import type { AuthConfigInput } from '../../../src/auth/auth-config.ts';
import { ManualClock } from '../../../src/auth/clock.ts';
import { runtimeConfigSchema } from '../../../src/platform/config-schema.ts';
import { errorMiddleware, notFoundHandler } from '../../../src/platform/error-middleware.ts';
import { healthRouter } from '../../../src/platform/health-router.ts';
import { createHttpMetrics } from '../../../src/platform/http-metrics.ts';
import type { HttpMetrics } from '../../../src/platform/http-metrics.ts';
import { startHttpServer } from '../../../src/platform/http-server.ts';
import type { GracefulServer } from '../../../src/platform/http-server.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { requestInstrumentation } from '../../../src/platform/request-instrumentation.ts';
import { BACKENDS } from './test-database.ts';
import type { TestDatabase } from './test-database.ts';
import { startTestRuntime } from './test-runtime.ts';
import type { TestRuntime } from './test-runtime.ts';

export const MOBILE_CLIENT_ID = 'mobile-app';
export const MOBILE_REDIRECT_URI = 'io.mobileplane.demo:/oauth2redirect';
export const API_AUDIENCE = 'mobileplane-api';

/** Secrets for tests only; the log scan looks for them too. */
export const TEST_SECRETS = {
  passwordPepper: `pepper-${randomBytes(24).toString('hex')}`,
  encryptionKey: `enc-${randomBytes(24).toString('hex')}`,
  cookieSecret: `cookie-${randomBytes(24).toString('hex')}`,
};

export interface AuthTestServer {
  url: string;
  component: AuthComponent;
  clock: ManualClock;
  metrics: HttpMetrics;
  database: TestDatabase;
  db: PgDatabase;
  /** Every raw log line the component wrote. */
  logLines: string[];
  createUser(email: string, password: string, roles?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The auth component in-process on an ephemeral loopback port, on a fresh PostgreSQL database, wired like the
 * runtime wires a component (instrumentation, health, component routes, problem+json errors). Argon2 runs with
 * lowered parameters here; production defaults are OWASP's.
 */
export async function startAuthServer(overrides: Partial<AuthConfigInput> = {}): Promise<AuthTestServer> {
  const postgres = BACKENDS.find((b) => b.name === 'postgres')!;
  const database = await postgres.create();
  const db = new PgDatabase({
    url: database.url!,
    poolSize: 10,
    logger: createLogger({ level: 'silent', component: 'auth', backend: 't', revision: 't' }),
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(line);
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', component: 'auth', backend: 'test', revision: 'test' }, destination);
  const metrics = createHttpMetrics({ component: 'auth', backend: 'test', revision: 'test' });
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: GracefulServer = await startHttpServer((req, res) => handler(req, res), {
    host: '127.0.0.1',
    port: 0,
    shutdownTimeoutMs: 2000,
    logger,
  });
  const url = server.url;
  const clock = new ManualClock();
  const authConfig = authConfigSchema.parse({
    issuer: url,
    audience: API_AUDIENCE,
    clients: [
      {
        clientId: MOBILE_CLIENT_ID,
        redirectUris: [MOBILE_REDIRECT_URI, 'https://app.example.com/oauth'],
        firstParty: true,
      },
    ],
    passwords: { memoryCostKiB: 256, timeCost: 1, parallelism: 1, requireVerifiedEmail: true },
    keys: { prePublishSeconds: 0 },
    secrets: TEST_SECRETS,
    ...overrides,
  });
  const runtimeConfig = runtimeConfigSchema.parse({ component: 'auth', auth: { issuer: url, audience: API_AUDIENCE } });
  const component = createAuthComponent(
    { config: runtimeConfig, logger, database: db, redis: undefined },
    { authConfig, registry: metrics.registry, clock },
  );
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', 1);
  app.use(requestInstrumentation({ logger, metrics }));
  app.use(
    healthRouter({
      registry: metrics.registry,
      checks: component.readiness,
      isDraining: () => server.isDraining(),
    }),
  );
  component.mount(app);
  app.use(notFoundHandler());
  app.use(errorMiddleware(logger));
  handler = app;
  await component.start();
  return {
    url,
    component,
    clock,
    metrics,
    database,
    db,
    logLines,
    async createUser(email, password, roles = []) {
      const { accounts, hasher } = component.services;
      const id = await accounts.create({ email, passwordHash: await hasher.hash(password), emailVerified: true });
      if (id === undefined) throw new Error(`user ${email} exists`);
      if (roles.length > 0) await accounts.setRoles(id, roles);
      return id;
    },
    async stop() {
      await server.shutdown();
      await component.close();
      await db.close();
      await database.drop();
    },
  };
}

/**
 * Starts an api component on `database` that verifies access tokens against `auth`'s JWKS, as a deployed
 * backend would. `jwksCooldownSeconds` 0 lets a test see a new key at once; key-rotation tests raise it.
 */
export async function startApiTrusting(
  auth: Pick<AuthTestServer, 'url'>,
  database: TestDatabase,
  options: { jwksCooldownSeconds?: number } = {},
): Promise<TestRuntime> {
  return startTestRuntime(database, {
    auth: {
      jwksUrl: `${auth.url}/jwks`,
      issuer: auth.url,
      audience: API_AUDIENCE,
      jwksCooldownSeconds: options.jwksCooldownSeconds ?? 0,
      clockToleranceSeconds: 0,
    },
  });
}

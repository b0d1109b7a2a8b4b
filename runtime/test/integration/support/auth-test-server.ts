import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AuthComponent } from '../../../src/auth/auth-component.ts';
import { authConfigSchema } from '../../../src/auth/auth-config.ts';
import type { AuthConfigInput } from '../../../src/auth/auth-config.ts';
import { ManualClock } from '../../../src/auth/clock.ts';
import type { Database } from '../../../src/data/database.ts';
import { runtimeConfigSchema } from '../../../src/platform/config-schema.ts';
import type { HttpMetrics } from '../../../src/platform/http-metrics.ts';
import { startRuntime } from '../../../src/runtime-server.ts';
import { BACKENDS } from './test-database.ts';
import type { TestBackend, TestDatabase } from './test-database.ts';
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
  db: Database;
  /** Every raw log line the component wrote. */
  logLines: string[];
  createUser(email: string, password: string, roles?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A loopback port free a moment ago: the issuer URL must be known before the component is built. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The auth component in-process on a loopback port, started by the runtime's own `startRuntime` (the wiring of
 * `main.ts`: instrumentation, health, component routes, problem+json errors), on a fresh database of `backend`
 * (PostgreSQL by default; PGlite too). Only its config and clock come from the test. Argon2 runs with lowered
 * parameters here; production defaults are OWASP's.
 */
export async function startAuthServer(
  overrides: Partial<AuthConfigInput> = {},
  backend: TestBackend = BACKENDS.find((b) => b.name === 'postgres')!,
): Promise<AuthTestServer> {
  const database = await backend.create();
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(line);
      callback();
    },
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
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
  const config = runtimeConfigSchema.parse({
    component: 'auth',
    server: { host: '127.0.0.1', port, shutdownTimeoutMs: 2000, trustProxyHops: 1 },
    log: { level: 'debug' },
    identity: { backend: 'test', revision: 'test' },
    database: database.url === undefined ? {} : { url: database.url, poolSize: 10 },
    auth: { issuer: url, audience: API_AUDIENCE },
  });
  let runtime;
  try {
    runtime = await startRuntime(config, { logDestination: destination, auth: { authConfig, clock } });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const component = runtime.component as AuthComponent;
  await component.start();
  return {
    url: runtime.url,
    component,
    clock,
    metrics: runtime.metrics,
    database,
    db: runtime.database,
    logLines,
    async createUser(email, password, roles = []) {
      const { accounts, hasher } = component.services;
      const id = await accounts.create({ email, passwordHash: await hasher.hash(password), emailVerified: true });
      if (id === undefined) throw new Error(`user ${email} exists`);
      if (roles.length > 0) await accounts.setRoles(id, roles);
      return id;
    },
    async stop() {
      await runtime.shutdown();
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

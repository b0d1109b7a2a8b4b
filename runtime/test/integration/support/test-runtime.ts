import { Writable } from 'node:stream';
import { runtimeConfigSchema } from '../../../src/platform/config-schema.ts';
import type { RuntimeConfigInput } from '../../../src/platform/config-schema.ts';
import { startRuntime } from '../../../src/runtime-server.ts';
import type { RunningRuntime } from '../../../src/runtime-server.ts';
import type { TestBackend, TestDatabase } from './test-database.ts';
import { TEST_AUDIENCE, TEST_ISSUER } from './test-issuer.ts';

/** Collections the suites share: every access rule kind and every field type appears once. */
export const TEST_COLLECTIONS: RuntimeConfigInput['collections'] = {
  notes: {
    fields: {
      title: { type: 'string', required: true, maxLength: 200 },
      body: { type: 'string' },
      tag: { type: 'string' },
      priority: { type: 'integer', minimum: 0, maximum: 1000 },
      score: { type: 'number' },
      done: { type: 'boolean' },
      due: { type: 'datetime' },
    },
    access: { read: 'public', create: 'public', update: 'public', delete: 'public' },
  },
  todos: {
    fields: { title: { type: 'string', required: true }, done: { type: 'boolean' } },
    access: { read: 'owner', create: 'authenticated', update: 'owner', delete: { roles: ['admin'], orOwner: true } },
  },
  board: {
    fields: { title: { type: 'string', required: true } },
    access: { read: 'authenticated', create: { roles: ['editor'] }, update: { roles: ['editor'] }, delete: 'nobody' },
  },
  payments: {
    fields: { amount: { type: 'integer', required: true } },
    access: { read: 'owner', create: 'authenticated', update: 'owner', delete: 'owner' },
    requireIdempotencyKey: true,
  },
  legacy: {
    fields: { title: { type: 'string', required: true } },
    access: { read: 'public', create: 'public', update: 'public', delete: 'public' },
    deprecation: {
      deprecatedAt: '2025-01-01T00:00:00Z',
      sunsetAt: '2027-01-01T00:00:00Z',
      link: 'https://mobileplane.io/changes/legacy',
    },
  },
};

export interface TestRuntime {
  url: string;
  runtime: RunningRuntime;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts the api component in-process on a free port against the given database. */
export async function startTestRuntime(
  database: TestDatabase,
  overrides: Partial<RuntimeConfigInput> = {},
  jwksUrl?: string,
): Promise<TestRuntime> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const config = runtimeConfigSchema.parse({
    component: 'api',
    server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5000 },
    log: { level: 'info' },
    database: { ...(database.url === undefined ? {} : { url: database.url }), poolSize: 10 },
    rateLimits: {
      ip: { limit: 100_000, windowSeconds: 60 },
      user: { limit: 100_000, windowSeconds: 60 },
      apiKey: null,
    },
    auth:
      jwksUrl === undefined
        ? {}
        : { jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwksCooldownSeconds: 0, clockToleranceSeconds: 0 },
    collections: TEST_COLLECTIONS,
    ...overrides,
  });
  const runtime = await startRuntime(config, { logDestination: destination });
  return { url: runtime.url, runtime, logs, stop: () => runtime.shutdown() };
}

/** Database + runtime for one suite, torn down in reverse. */
export async function startSuite(
  backend: TestBackend,
  overrides: Partial<RuntimeConfigInput> = {},
  jwksUrl?: string,
): Promise<TestRuntime & { database: TestDatabase }> {
  const database = await backend.create();
  try {
    const running = await startTestRuntime(database, overrides, jwksUrl);
    return {
      ...running,
      database,
      stop: async () => {
        await running.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

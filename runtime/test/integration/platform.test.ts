import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { runMigrations } from '../../src/data/migration-runner.ts';
import { MIGRATIONS } from '../../src/data/schema-migrations.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;
const silent = createLogger({ level: 'silent', component: 'test', backend: 'test', revision: 'test' });

describe.each(BACKENDS)('platform layer on $name', (backend) => {
  let suite: Suite;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, { identity: { backend: 'shop', revision: 'r42' } }, issuer.jwksUrl);
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('serves /livez, /readyz and /metrics with the request duration histogram', async () => {
    expect((await fetch(`${suite.url}/livez`)).status).toBe(200);
    expect(await (await fetch(`${suite.url}/readyz`)).json()).toEqual({ status: 'ok' });
    await fetch(`${suite.url}/v1/collections/notes/documents`);
    await fetch(`${suite.url}/v1/collections/notes/documents/00000000-0000-4000-8000-000000000000`);
    const metrics = await (await fetch(`${suite.url}/metrics`)).text();
    expect(metrics).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="/v1/collections/:collection/documents",status="200",component="api",backend="shop",revision="r42"}',
    );
    expect(metrics).toContain('route="/v1/collections/:collection/documents/:id",status="404"');
    expect(metrics).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('continues the caller trace: logs carry its trace id and the JWKS fetch carries traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const token = await issuer.mint('tracer');
    const res = await fetch(`${suite.url}/v1/collections/todos/documents`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    const line = suite.logs.find((l) => l['msg'] === 'request' && l['trace_id'] === traceId);
    expect(line).toMatchObject({ route: '/v1/collections/:collection/documents', status: 200, component: 'api' });
    const outgoing = issuer.requests.map((h) => h['traceparent']).filter((t) => typeof t === 'string');
    expect(outgoing.some((t) => (t as string).startsWith(`00-${traceId}-`))).toBe(true);
    const untraced = suite.logs.filter((l) => l['msg'] === 'request' && typeof l['trace_id'] !== 'string');
    expect(untraced).toEqual([]);
  });

  it('never leaks stack traces', async () => {
    const res = await fetch(
      `${suite.url}/v1/collections/notes/documents`,
      jsonRequest('POST', { title: 'x', priority: 'high' }),
    );
    const text = await res.text();
    expect(res.status).toBe(422);
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe.each(BACKENDS)('graceful shutdown on $name', (backend) => {
  it('drains an in-flight request and refuses new connections', async () => {
    const suite = await startSuite(backend);
    try {
      const notes = `${suite.url}/v1/collections/notes/documents`;
      const seeded = await fetch(notes, jsonRequest('POST', { title: 'seed' }));
      const { id } = (await seeded.json()) as { id: string };
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const lockTaken = new Promise<void>((r) => (locked = r));
      // Hold the document's row lock: the PUT below waits for it, so it is in flight when the drain starts.
      const holder = suite.runtime.database.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM mp_documents WHERE id = $1::uuid FOR UPDATE', [id]);
        locked();
        await gate;
      });
      await lockTaken;
      const inFlight = fetch(`${notes}/${id}`, jsonRequest('PUT', { title: 'in flight' }));
      await new Promise((r) => setTimeout(r, 200));
      const stopped = suite.runtime.shutdown();
      await new Promise((r) => setTimeout(r, 50));
      await expect(fetch(`${suite.url}/livez`)).rejects.toThrow();
      release();
      await holder;
      const res = await inFlight;
      expect(res.status).toBe(200);
      await stopped;
    } finally {
      await suite.stop();
    }
  });
});

describe('migrations', () => {
  it('apply once when several replicas start together', async () => {
    const database = await BACKENDS[0]!.create();
    const replicas = Array.from(
      { length: 4 },
      () => new PgDatabase({ url: database.url!, poolSize: 2, logger: silent }),
    );
    try {
      const applied = await Promise.all(replicas.map((r) => runMigrations(r)));
      expect(applied.flat()).toEqual(MIGRATIONS.map((m) => m.version));
      const { rows } = await replicas[0]!.query<{ n: string }>('SELECT count(*)::text AS n FROM mp_schema_migrations');
      expect(rows[0]?.n).toBe(String(MIGRATIONS.length));
      expect(await runMigrations(replicas[0]!)).toEqual([]);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await database.drop();
    }
  });

  it('roll back a failing migration completely', async () => {
    const database = await BACKENDS[0]!.create();
    const db = new PgDatabase({ url: database.url!, poolSize: 1, logger: silent });
    try {
      const broken = [
        ...MIGRATIONS,
        { version: 999, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT * FROM missing_table;' },
      ];
      await expect(runMigrations(db, broken)).rejects.toThrow(/missing_table/);
      const { rows } = await db.query(`SELECT to_regclass('half_done') AS t, to_regclass('mp_documents') AS d`);
      expect(rows[0]).toEqual({ t: null, d: null });
    } finally {
      await db.close();
      await database.drop();
    }
  });
});

describe('entry point', () => {
  it('fails fast at start with the offending field named', async () => {
    const child = spawn(process.execPath, ['runtime/src/main.ts', '--component=api'], {
      env: { ...process.env, PORT: 'not-a-port', MOBILEPLANE_CONFIG_FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain('server.port (from PORT)');
  });
});

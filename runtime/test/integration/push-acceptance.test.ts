import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { runMigrations } from '../../src/data/migration-runner.ts';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PUSH_MIGRATIONS } from '../../src/push/push-migrations.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import { apnsToken, fcmToken, startPushFakes } from './support/push-test-setup.ts';
import type { PushFakes } from './support/push-test-setup.ts';
import { createPostgresDatabase } from './support/test-database.ts';

const API_KEY = 'push-operator-key-0123456789';
const API_KEYS = [{ name: 'ops', sha256: createHash('sha256').update(API_KEY).digest('hex') }];
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const logger = createLogger({ level: 'silent', component: 'push', backend: 'test', revision: 'test' });

/**
 * Devices 0..n-1, half Android (FCM) and half iOS (APNs); 5 % invalid (two in every 40): half of them malformed
 * (INVALID_ARGUMENT / BadDeviceToken), half well-formed but unknown (UNREGISTERED / 410 Unregistered).
 * Returns the tokens the fakes should accept.
 */
async function seedDevices(
  db: PgDatabase,
  fakes: PushFakes,
  count: number,
): Promise<{ valid: number; invalid: number }> {
  const rows = { user: [] as string[], provider: [] as string[], token: [] as string[], platform: [] as string[] };
  let invalid = 0;
  for (let i = 0; i < count; i++) {
    const ios = i % 2 === 1;
    const bad = i % 40 < 2;
    let token = ios ? apnsToken(i) : fcmToken(i);
    if (i % 80 < 2) token = ios ? `not-hex-${'z'.repeat(56)}${i}` : `short-${i}`;
    if (bad) invalid++;
    else (ios ? fakes.apns.validTokens : fakes.fcm.validTokens).add(token);
    rows.user.push(`user-${i % 997}`);
    rows.provider.push(ios ? 'apns' : 'fcm');
    rows.token.push(token);
    rows.platform.push(ios ? 'ios' : 'android');
  }
  await db.query(
    `INSERT INTO mp_push_devices (user_id, provider, token, platform)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
    [rows.user, rows.provider, rows.token, rows.platform],
  );
  return { valid: count - invalid, invalid };
}

async function count(db: PgDatabase, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ c: string }>(sql, params)).rows[0]?.c ?? 0);
}

async function settled(db: PgDatabase, messageId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fanned = await count(
      db,
      'SELECT count(*) AS c FROM mp_push_messages WHERE id = $1 AND fanned_out_at IS NOT NULL',
      [messageId],
    );
    const open = await count(
      db,
      `SELECT count(*) AS c FROM mp_push_deliveries WHERE message_id = $1 AND state IN ('queued', 'sending')`,
      [messageId],
    );
    if (fanned === 1 && open === 0) return;
    if (Date.now() > deadline) throw new Error(`message ${messageId} not settled: ${open} open, fanned out: ${fanned}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const states = async (db: PgDatabase, messageId: string) => {
  const { rows } = await db.query<{ state: string; c: string }>(
    'SELECT state, count(*) AS c FROM mp_push_deliveries WHERE message_id = $1 GROUP BY state',
    [messageId],
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.c)]));
};

describe('push acceptance', () => {
  let fakes: PushFakes;
  const children: ChildProcess[] = [];
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    fakes = await startPushFakes();
    Object.assign(process.env, fakes.env);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const drop of drops) await drop();
    await fakes?.close();
  });

  it(
    '10,000 devices on both providers, 5 % invalid: one message each, invalid pruned, credentials reused',
    { timeout: 180_000 },
    async () => {
      const pg = await createPostgresDatabase();
      drops.push(pg.drop);
      const config = runtimeConfigSchema.parse({
        component: 'push',
        server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
        log: { level: 'error' },
        database: { url: pg.url },
        workers: { superviseIntervalSeconds: 1 },
        auth: { apiKeys: API_KEYS },
        push: { ...fakes.settings, batchSize: 500, streamsPerJob: 100, concurrency: 4 },
      });
      const push = await startRuntime(config, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
      const db = new PgDatabase({ url: pg.url, poolSize: 2, logger });
      try {
        const res0 = await fetch(`${push.url}/readyz`);
        expect(res0.status).toBe(200);
        const { valid, invalid } = await seedDevices(db, fakes, 10_000);
        expect(invalid).toBe(500);
        const res = await fetch(`${push.url}/v1/push/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify({
            target: { segment: {} },
            notification: { title: 'Service update', body: 'All good' },
          }),
        });
        expect(res.status).toBe(202);
        const { id } = (await res.json()) as { id: string };
        await settled(db, id, 150_000);

        const received = [...fakes.fcm.received.entries(), ...fakes.apns.received.entries()];
        expect(received).toHaveLength(valid);
        expect(received.every(([, n]) => n === 1)).toBe(true);
        expect(await states(db, id)).toEqual({ sent: valid, pruned: invalid });
        expect(await count(db, 'SELECT count(*) AS c FROM mp_push_devices WHERE pruned_at IS NOT NULL')).toBe(invalid);
        // Credentials: one OAuth exchange and one provider token for the whole fan-out; one APNs HTTP/2 session.
        expect(fakes.fcm.tokenRequests).toBe(1);
        expect(fakes.apns.providerTokens.size).toBe(1);
        expect(fakes.apns.sessions).toBe(1);
        const metrics = await (await fetch(`${push.url}/metrics`)).text();
        expect(metrics).toContain('mobileplane_push_provider_credentials_issued{provider="fcm"} 1');
        expect(metrics).toContain('mobileplane_push_provider_credentials_issued{provider="apns"} 1');
        expect(metrics).toMatch(/mobileplane_push_deliveries_total\{provider="apns",outcome="invalid-token"\} 250/);
      } finally {
        await push.shutdown();
        await db.close();
      }
    },
  );

  it(
    'a crash in the middle of a fan-out, then a restart: no device gets the message twice',
    { timeout: 120_000 },
    async () => {
      const pg = await createPostgresDatabase();
      drops.push(pg.drop);
      const db = new PgDatabase({ url: pg.url, poolSize: 2, logger });
      drops.push(() => db.close());
      await runMigrations(db, PUSH_MIGRATIONS);
      for (const fake of [fakes.fcm, fakes.apns]) {
        fake.received.clear();
        fake.validTokens.clear();
        fake.delayMs = 15;
      }
      const { valid } = await seedDevices(db, fakes, 3000);
      const configFile = join(tmpdir(), `mp-push-crash-${process.pid}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          workers: { superviseIntervalSeconds: 1 },
          auth: { apiKeys: API_KEYS },
          push: { ...fakes.settings, batchSize: 200, streamsPerJob: 10, concurrency: 2, jobLeaseSeconds: 3 },
        }),
      );
      const start = async (): Promise<{ child: ChildProcess; url: string }> => {
        const port = await freePort();
        const child = spawn(process.execPath, [MAIN, '--component=push'], {
          env: {
            ...process.env,
            ...fakes.env,
            MOBILEPLANE_CONFIG_FILE: configFile,
            DATABASE_URL: pg.url,
            HOST: '127.0.0.1',
            PORT: String(port),
            LOG_LEVEL: 'error',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        children.push(child);
        const url = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 30_000;
        while (
          (await fetch(`${url}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) !== 200
        ) {
          if (Date.now() > deadline) throw new Error('push component did not become ready');
          await new Promise((r) => setTimeout(r, 100));
        }
        return { child, url };
      };

      const first = await start();
      const res = await fetch(`${first.url}/v1/push/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ target: { segment: {} }, notification: { body: 'Crash test' } }),
      });
      const { id } = (await res.json()) as { id: string };
      const deadline = Date.now() + 60_000;
      while (
        (await count(db, `SELECT count(*) AS c FROM mp_push_deliveries WHERE message_id = $1 AND state = 'sent'`, [
          id,
        ])) < 600
      ) {
        if (Date.now() > deadline) throw new Error('fan-out made no progress');
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      const atCrash = await states(db, id);
      expect(atCrash['sent']).toBeLessThan(valid);

      const second = await start();
      await settled(db, id, 90_000);
      const received = [...fakes.fcm.received.entries(), ...fakes.apns.received.entries()];
      expect(received.every(([, n]) => n === 1)).toBe(true);
      const after = await states(db, id);
      const unknown = await count(
        db,
        `SELECT count(*) AS c FROM mp_push_deliveries WHERE message_id = $1 AND reason = 'outcome-unknown'`,
        [id],
      );
      // Every sent record is a device that got exactly one message; only requests in flight at the crash (at most
      // 2 jobs × 10 streams) have an unknown outcome, and none of them was sent again.
      const { rows: sentTokens } = await db.query<{ token: string }>(
        `SELECT d.token FROM mp_push_deliveries p JOIN mp_push_devices d ON d.id = p.device_id WHERE p.message_id = $1 AND p.state = 'sent'`,
        [id],
      );
      const got = new Map(received);
      expect(sentTokens.every((r) => got.get(r.token) === 1)).toBe(true);
      expect(unknown).toBeLessThanOrEqual(20);
      expect((after['sent'] ?? 0) + (after['pruned'] ?? 0) + (after['failed'] ?? 0)).toBe(3000);
      expect(after['failed'] ?? 0).toBe(unknown);
      expect((after['sent'] ?? 0) + unknown).toBeGreaterThanOrEqual(valid);
      expect(after['sent']).toBeGreaterThan(atCrash['sent']!);
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    },
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

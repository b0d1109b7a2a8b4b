/**
 * Push throughput to strict local HTTP/2 endpoints (FCM HTTP v1 and APNs, in their own process): 10,000 devices
 * per provider. "Provider" rows send straight through the runtime's providers with 200 streams in flight on one
 * HTTP/2 session (goal for APNs: ≥ 10,000/s on one core); the "fan-out" row runs a whole message through the push
 * component (delivery records, jobs, PostgreSQL). CPU is the sending process's own. Writes docs/benchmarks.md.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createProviders } from '../../src/push/push-component.ts';
import type { PushMessage, PushProvider } from '../../src/push/push-provider.ts';
import { pushSettingsSchema } from '../../src/push/push-settings.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import { apnsToken, fcmToken } from '../integration/support/push-test-setup.ts';
import { createPostgresDatabase } from '../integration/support/test-database.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEVICES = Number(process.env['BENCH_DEVICES'] ?? 10_000);
const STREAMS = 200;
const API_KEY = 'bench-push-key-0123456789';

interface Result {
  perSecond: number;
  cpuMsPer1000: number;
}

async function timed(count: number, fn: () => Promise<void>): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMsPer1000: ((used.user + used.system) / 1000 / count) * 1000 };
}

async function sendAll(provider: PushProvider, tokens: string[], message: PushMessage): Promise<void> {
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      while (next < tokens.length) {
        const i = next++;
        const outcome = await provider.send(tokens[i] as string, message, crypto.randomUUID());
        if (outcome.kind !== 'sent') failures++;
      }
    }),
  );
  if (failures > 0) throw new Error(`${provider.name}: ${failures} sends failed`);
}

async function main(): Promise<void> {
  const endpoints = fork(fileURLToPath(new URL('./push-endpoints-process.ts', import.meta.url)), [String(DEVICES)]);
  const setup = await new Promise<{ env: Record<string, string>; settings: Record<string, unknown> }>((resolve) =>
    endpoints.once('message', (m) => resolve(m as never)),
  );
  const stats = () =>
    new Promise<Record<string, number>>((resolve) => {
      endpoints.once('message', (m) => resolve(m as Record<string, number>));
      endpoints.send('stats');
    });
  try {
    const providers = createProviders(pushSettingsSchema.parse(setup.settings), setup.env);
    const message: PushMessage = {
      id: 'bench',
      title: 'Bench',
      body: 'One push',
      data: { k: 'v' },
      ttlSeconds: 3600,
      priority: 'high',
    };
    const apnsTokens = Array.from({ length: DEVICES }, (_, i) => apnsToken(i));
    const fcmTokens = Array.from({ length: DEVICES }, (_, i) => fcmToken(i));
    // Warm-up: credentials, sessions, JIT.
    await sendAll(providers.apns!, apnsTokens.slice(0, 500), message);
    await sendAll(providers.fcm!, fcmTokens.slice(0, 500), message);
    const apns = await timed(DEVICES, () => sendAll(providers.apns!, apnsTokens, message));
    const fcm = await timed(DEVICES, () => sendAll(providers.fcm!, fcmTokens, message));
    const apnsSessions = providers.apns!.sessionsOpened;
    console.log(
      `APNs ${apns.perSecond.toFixed(0)}/s ${apns.cpuMsPer1000.toFixed(0)} ms/1000; FCM ${fcm.perSecond.toFixed(0)}/s`,
    );
    providers.apns!.close();
    providers.fcm!.close();

    // The whole fan-out through the push component: 10,000 devices, half per provider.
    const pg = await createPostgresDatabase('mp_bench_push');
    let fanout: Result;
    try {
      const config = runtimeConfigSchema.parse({
        component: 'push',
        server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
        log: { level: 'error' },
        database: { url: pg.url, poolSize: 10 },
        workers: { superviseIntervalSeconds: 1 },
        auth: { apiKeys: [{ name: 'bench', sha256: createHash('sha256').update(API_KEY).digest('hex') }] },
        push: { ...setup.settings, batchSize: 500, streamsPerJob: 100, concurrency: 4 },
      });
      Object.assign(process.env, setup.env);
      const push = await startRuntime(config, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
      const logger = createLogger({ level: 'silent', component: 'push', backend: 'bench', revision: 'bench' });
      const db = new PgDatabase({ url: pg.url, poolSize: 2, logger });
      await fetch(`${push.url}/readyz`);
      const half = DEVICES / 2;
      await db.query(
        `INSERT INTO mp_push_devices (user_id, provider, token, platform)
         SELECT 'u' || i, CASE WHEN i < $1 THEN 'fcm' ELSE 'apns' END,
                CASE WHEN i < $1 THEN ($2::text[])[i + 1] ELSE ($3::text[])[i - $1 + 1] END,
                CASE WHEN i < $1 THEN 'android' ELSE 'ios' END
           FROM generate_series(0, $4 - 1) AS i`,
        [half, fcmTokens.slice(0, half), apnsTokens.slice(0, half), DEVICES],
      );
      fanout = await timed(DEVICES, async () => {
        const res = await fetch(`${push.url}/v1/push/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify({ target: { segment: {} }, notification: { body: 'fan-out' } }),
        });
        const { id } = (await res.json()) as { id: string };
        for (;;) {
          const { rows } = await db.query<{ open: string; fanned: boolean }>(
            `SELECT (SELECT count(*) FROM mp_push_deliveries WHERE message_id = $1 AND state IN ('queued', 'sending'))::text AS open,
                    (SELECT fanned_out_at IS NOT NULL FROM mp_push_messages WHERE id = $1) AS fanned`,
            [id],
          );
          if (rows[0]?.fanned && rows[0].open === '0') break;
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      await push.shutdown();
      await db.close();
    } finally {
      await pg.drop();
    }
    const s = await stats();
    const report = `## Push: notifications per second to local HTTP/2 endpoints

\`make bench-push\` (runtime/test/bench/bench-push.ts), ${new Date().toISOString().slice(0, 10)}: ${DEVICES} devices per
provider against strict local FCM HTTP v1 and APNs endpoints (cleartext HTTP/2, JWTs verified, in their own process),
on the shared 2-core machine. CPU is the sending process's own.

| path | pushes/s | sender CPU ms / 1000 pushes |
| --- | ---: | ---: |
| APNs provider, one HTTP/2 session, ${STREAMS} streams in flight | ${apns.perSecond.toFixed(0)} | ${apns.cpuMsPer1000.toFixed(0)} |
| FCM provider, one HTTP/2 session, ${STREAMS} streams in flight | ${fcm.perSecond.toFixed(0)} | ${fcm.cpuMsPer1000.toFixed(0)} |
| whole fan-out through the push component (jobs, per-device delivery records in PostgreSQL), both providers | ${fanout.perSecond.toFixed(0)} | ${fanout.cpuMsPer1000.toFixed(0)} |

APNs goal ≥ 10,000/s on one core: ${(1000 / apns.cpuMsPer1000).toFixed(1)} thousand pushes per CPU-second (${1000 / apns.cpuMsPer1000 >= 10 ? 'met' : 'not met'}),
${apns.perSecond.toFixed(0)}/s wall clock with the endpoint process sharing the two cores. Sessions opened for the
APNs run: ${apnsSessions}; credentials issued over the whole run: ${s['fcmTokenRequests']} FCM access token(s), ${s['apnsProviderTokens']}
APNs provider token(s). The fan-out row adds the jobs and the delivery records: each chunk of 100 deliveries is claimed
and recorded by one statement each (docs/decisions/0402), so crash-resume never resends an accepted push. Credential
counts cover two provider instances (the provider rows' and the component's).
`;
    const file = join(ROOT, 'docs/benchmarks.md');
    const [start, end] = ['<!-- bench-push:start -->', '<!-- bench-push:end -->'];
    const formatted = await format(report, { ...(await resolveConfig(file)), parser: 'markdown' });
    const section = `${start}\n\n${formatted}\n${end}`;
    const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    const next =
      doc.includes(start) && doc.includes(end)
        ? doc.slice(0, doc.indexOf(start)) + section + doc.slice(doc.indexOf(end) + end.length)
        : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, next);
    console.log(formatted);
  } finally {
    endpoints.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

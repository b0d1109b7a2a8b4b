import { z } from 'zod';
import type { Database } from '../data/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobQueue } from '../workers/job-queue.ts';
import type { TaskDefinition } from '../workers/task-definition.ts';
import type { PushMetrics } from './push-metrics.ts';
import type { PushMessage, PushProvider, SendOutcome } from './push-provider.ts';
import { pushTargetSchema, targetWhere } from './push-target.ts';

export const FANOUT_TASK = 'push-fanout';
export const SEND_TASK = 'push-send';

const fanoutJob = z.object({ messageId: z.uuid() }).strict();
const sendJob = z.object({ messageId: z.uuid(), deviceIds: z.array(z.uuid()).min(1) }).strict();
export const storedPayloadSchema = z.object({
  title: z.string().optional(),
  body: z.string().optional(),
  data: z.record(z.string(), z.string()),
  ttlSeconds: z.number().int(),
  priority: z.enum(['high', 'normal']),
  collapseKey: z.string().optional(),
});

/** Thrown when some devices must be tried again later; the job is retried with backoff. */
class ProviderBackoff extends Error {
  override name = 'ProviderBackoff';
}

/**
 * Fan-out in two tasks. `push-fanout` walks the target's devices in id order, page by page, and for each page
 * writes one `queued` delivery per device and one `push-send` job, in one transaction (dedup key: message and
 * first device), so a restarted fan-out re-creates nothing. `push-send` claims its page's `queued` deliveries
 * (→ `sending`), sends over the providers' HTTP/2 sessions with bounded concurrency and records each answer as
 * soon as it arrives. A delivery already `sent` is never sent again; one left in `sending` by a crashed attempt
 * is closed as `failed: outcome-unknown` rather than risk a second notification (docs/decisions/0402).
 */
export function createPushTasks(options: {
  database: Database;
  queue: () => JobQueue;
  providers: Partial<Record<'fcm' | 'apns', PushProvider>>;
  metrics: PushMetrics;
  logger: Logger;
  batchSize: number;
  streamsPerJob: number;
  concurrency: number;
  leaseSeconds: number;
}): TaskDefinition<never>[] {
  const { database, providers, metrics, batchSize, streamsPerJob } = options;
  const messages = new Map<string, PushMessage>();

  async function message(id: string): Promise<PushMessage | undefined> {
    const cached = messages.get(id);
    if (cached !== undefined) return cached;
    const { rows } = await database.query<{ payload: unknown }>('SELECT payload FROM mp_push_messages WHERE id = $1', [
      id,
    ]);
    if (rows[0] === undefined) return undefined;
    const payload = typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload;
    const loaded = { id, ...storedPayloadSchema.parse(payload) };
    if (messages.size > 1000) messages.clear();
    messages.set(id, loaded);
    return loaded;
  }

  const fanout: TaskDefinition<z.infer<typeof fanoutJob>> = {
    name: FANOUT_TASK,
    parse: (d) => fanoutJob.parse(d),
    retry: { limit: 10, baseDelaySeconds: 2, maxDelaySeconds: 300 },
    leaseSeconds: options.leaseSeconds,
    concurrency: 1,
    async handle({ data }) {
      const { rows } = await database.query<{ target: unknown }>('SELECT target FROM mp_push_messages WHERE id = $1', [
        data.messageId,
      ]);
      if (rows[0] === undefined) return;
      const rawTarget = typeof rows[0].target === 'string' ? JSON.parse(rows[0].target) : rows[0].target;
      const where = targetWhere(pushTargetSchema.parse(rawTarget), 3);
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await database.query<{ id: string }>(
          `SELECT d.id::text AS id FROM mp_push_devices d WHERE d.id > $1::uuid AND ${where.sql} ORDER BY d.id LIMIT $2`,
          [after, batchSize, ...where.params],
        );
        const ids = page.rows.map((r) => r.id);
        if (ids.length === 0) break;
        await database.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO mp_push_deliveries (message_id, device_id, state)
             SELECT $1::uuid, unnest($2::uuid[]), 'queued' ON CONFLICT DO NOTHING`,
            [data.messageId, ids],
          );
          await options
            .queue()
            .enqueue(
              SEND_TASK,
              { messageId: data.messageId, deviceIds: ids },
              { tx, dedupKey: `${data.messageId}:${ids[0]}` },
            );
        });
        after = ids[ids.length - 1] as string;
        if (ids.length < batchSize) break;
      }
      await database.query('UPDATE mp_push_messages SET fanned_out_at = now() WHERE id = $1', [data.messageId]);
    },
  };

  /** Records a chunk's answers: one statement for the deliveries, one for the devices to prune. */
  async function recordAll(
    messageId: string,
    results: { deviceId: string; provider: string; outcome: SendOutcome }[],
  ): Promise<void> {
    if (results.length === 0) return;
    const state = { sent: 'sent', 'invalid-token': 'pruned', rejected: 'failed', retry: 'queued' } as const;
    for (const r of results) metrics.delivery(r.provider, r.outcome.kind);
    const pruned = results.filter((r) => r.outcome.kind === 'invalid-token');
    await database.transaction(async (tx) => {
      await tx.query(
        `UPDATE mp_push_deliveries p SET state = v.state, reason = v.reason, provider_id = v.provider_id, updated_at = now()
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS v(device_id, state, reason, provider_id)
          WHERE p.message_id = $1 AND p.device_id = v.device_id`,
        [
          messageId,
          results.map((r) => r.deviceId),
          results.map((r) => state[r.outcome.kind]),
          results.map((r) => (r.outcome.kind === 'sent' ? null : r.outcome.reason)),
          results.map((r) => (r.outcome.kind === 'sent' ? (r.outcome.providerId ?? null) : null)),
        ],
      );
      if (pruned.length > 0)
        await tx.query(
          `UPDATE mp_push_devices d SET pruned_at = now(), prune_reason = v.reason
             FROM unnest($1::uuid[], $2::text[]) AS v(id, reason) WHERE d.id = v.id AND d.pruned_at IS NULL`,
          [
            pruned.map((r) => r.deviceId),
            pruned.map((r) => (r.outcome.kind === 'invalid-token' ? r.outcome.reason : '')),
          ],
        );
    });
  }

  const send: TaskDefinition<z.infer<typeof sendJob>> = {
    name: SEND_TASK,
    parse: (d) => sendJob.parse(d),
    retry: { limit: 12, baseDelaySeconds: 2, maxDelaySeconds: 600 },
    leaseSeconds: options.leaseSeconds,
    concurrency: options.concurrency,
    async handle({ data, attempt }) {
      const msg = await message(data.messageId);
      if (msg === undefined) return;
      if (attempt > 1) {
        // A previous attempt died holding these: they may or may not have reached the device.
        const { rows } = await database.query<{ n: string }>(
          `WITH closed AS (
             UPDATE mp_push_deliveries SET state = 'failed', reason = 'outcome-unknown', updated_at = now()
              WHERE message_id = $1 AND device_id = ANY($2::uuid[]) AND state = 'sending' RETURNING 1)
           SELECT count(*)::text AS n FROM closed`,
          [data.messageId, data.deviceIds],
        );
        const unknown = Number(rows[0]?.n ?? 0);
        if (unknown > 0) {
          metrics.outcomeUnknown(unknown);
          options.logger.warn({ message: data.messageId, unknown }, 'push deliveries of a crashed attempt not resent');
        }
      }
      for (let round = 0; round < 3; round++) {
        const { rows: queued } = await database.query<{ device_id: string }>(
          `SELECT device_id::text AS device_id FROM mp_push_deliveries
            WHERE message_id = $1 AND device_id = ANY($2::uuid[]) AND state = 'queued' ORDER BY device_id`,
          [data.messageId, data.deviceIds],
        );
        if (queued.length === 0) return;
        let wait = 0;
        let retries = 0;
        // Chunks of `streamsPerJob`: claimed (queued → sending) by one statement just before their requests and
        // recorded by one after, so at most one chunk per job can be in flight when a process dies.
        for (let i = 0; i < queued.length; i += streamsPerJob) {
          const ids = queued.slice(i, i + streamsPerJob).map((r) => r.device_id);
          const { rows: claimed } = await database.query<{
            device_id: string;
            id: string;
            provider: string;
            token: string;
          }>(
            `UPDATE mp_push_deliveries p SET state = 'sending', attempts = p.attempts + 1, updated_at = now()
               FROM mp_push_devices d
              WHERE p.message_id = $1 AND p.device_id = ANY($2::uuid[]) AND p.state = 'queued' AND d.id = p.device_id
             RETURNING p.device_id::text AS device_id, p.id::text AS id, d.provider, d.token`,
            [data.messageId, ids],
          );
          const results = await Promise.all(
            claimed.map(async (row) => {
              const provider = providers[row.provider as 'fcm' | 'apns'];
              let outcome: SendOutcome;
              if (provider === undefined) outcome = { kind: 'rejected', reason: `${row.provider} is not configured` };
              else {
                try {
                  outcome = await provider.send(row.token, msg, row.id);
                } catch (error) {
                  outcome = { kind: 'retry', reason: `network: ${(error as Error).message}` };
                }
              }
              if (outcome.kind === 'retry') {
                retries++;
                wait = Math.max(wait, outcome.retryAfterMs ?? 1000);
              }
              return { deviceId: row.device_id, provider: row.provider, outcome };
            }),
          );
          await recordAll(data.messageId, results);
        }
        if (retries === 0) return;
        // Honour Retry-After within the job when it is short; otherwise leave it to the queue's backoff.
        if (wait > 10_000) break;
        await new Promise((r) => setTimeout(r, wait));
      }
      throw new ProviderBackoff('providers asked to retry later');
    },
  };
  return [fanout as TaskDefinition<never>, send as TaskDefinition<never>];
}

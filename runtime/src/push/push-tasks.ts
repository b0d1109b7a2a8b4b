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

/** Runs `fn` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(lanes);
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

  async function record(messageId: string, deviceId: string, provider: string, outcome: SendOutcome): Promise<void> {
    metrics.delivery(provider, outcome.kind);
    switch (outcome.kind) {
      case 'sent':
        await database.query(
          `UPDATE mp_push_deliveries SET state = 'sent', provider_id = $3, reason = NULL, updated_at = now()
            WHERE message_id = $1 AND device_id = $2`,
          [messageId, deviceId, outcome.providerId ?? null],
        );
        return;
      case 'invalid-token':
        await database.transaction(async (tx) => {
          await tx.query(
            `UPDATE mp_push_deliveries SET state = 'pruned', reason = $3, updated_at = now()
              WHERE message_id = $1 AND device_id = $2`,
            [messageId, deviceId, outcome.reason],
          );
          await tx.query(
            'UPDATE mp_push_devices SET pruned_at = now(), prune_reason = $2 WHERE id = $1 AND pruned_at IS NULL',
            [deviceId, outcome.reason],
          );
        });
        return;
      case 'rejected':
      case 'retry':
        await database.query(
          `UPDATE mp_push_deliveries SET state = $3, reason = $4, updated_at = now()
            WHERE message_id = $1 AND device_id = $2`,
          [messageId, deviceId, outcome.kind === 'rejected' ? 'failed' : 'queued', outcome.reason],
        );
    }
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
        const { rows: claimed } = await database.query<{
          device_id: string;
          id: string;
          provider: string;
          token: string;
        }>(
          `SELECT p.device_id::text AS device_id, p.id::text AS id, d.provider, d.token
             FROM mp_push_deliveries p JOIN mp_push_devices d ON d.id = p.device_id
            WHERE p.message_id = $1 AND p.device_id = ANY($2::uuid[]) AND p.state = 'queued'`,
          [data.messageId, data.deviceIds],
        );
        if (claimed.length === 0) return;
        let wait = 0;
        let retries = 0;
        await eachLimited(claimed, streamsPerJob, async (row) => {
          // Claimed one by one, just before its request: only requests really in flight can be lost in a crash.
          const claim = await database.query(
            `UPDATE mp_push_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = now()
              WHERE message_id = $1 AND device_id = $2 AND state = 'queued' RETURNING 1`,
            [data.messageId, row.device_id],
          );
          if (claim.rows.length === 0) return;
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
          await record(data.messageId, row.device_id, row.provider, outcome);
        });
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

import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { JwtAuthenticator } from '../api/jwt-authenticator.ts';
import type { Database } from '../data/database.ts';
import { requireApiKey } from '../platform/admin-api-key.ts';
import { parseBearerToken } from '../platform/bearer-token.ts';
import { AppError, validationError } from '../platform/error-catalog.ts';
import type { JobQueue } from '../workers/job-queue.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { payloadProblems } from './push-payloads.ts';
import { pushTargetSchema, pushTopicSchema } from './push-target.ts';
import { FANOUT_TASK } from './push-tasks.ts';

const registerSchema = z
  .object({
    token: z.string().min(8).max(4096),
    platform: z.enum(['ios', 'android', 'web']),
    /** Defaults to APNs on iOS and FCM elsewhere. */
    provider: z.enum(['fcm', 'apns']).optional(),
    appVersion: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){0,2}$/, 'a version like 4.2.1')
      .optional(),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag')
      .optional(),
    topics: z.array(pushTopicSchema).max(100).default([]),
  })
  .strict();

const sendSchema = z
  .object({
    target: pushTargetSchema,
    notification: z
      .object({ title: z.string().min(1).max(1000).optional(), body: z.string().min(1).max(4000).optional() })
      .strict()
      .optional(),
    data: z.record(z.string().min(1).max(100), z.string()).default({}),
    /** How long the providers keep trying to deliver (FCM and APNs: at most 28 days). 0: now or never. */
    ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
    priority: z.enum(['high', 'normal']).default('high'),
    collapseKey: z.string().min(1).max(64).optional(),
    /** Scheduled send: not before this time. */
    sendAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })),
  );
}

const noStore = (res: Response, status: number, body: unknown) =>
  void res.status(status).setHeader('cache-control', 'no-store').json(body);

/**
 * The push component's API. Apps (a user's access token): register, list and remove their devices. Operators
 * (X-Api-Key): send to a user, a device, a topic or a segment, now or later, and read per-device delivery records.
 */
export function pushRouter(options: {
  database: Database;
  devices: DeviceRegistry;
  queue: JobQueue;
  authenticator: JwtAuthenticator | undefined;
  apiKeys: readonly { name: string; sha256: string }[];
  json: RequestHandler;
}): Router {
  const { database, devices, queue, authenticator, json } = options;
  const router = express.Router();
  const admin = requireApiKey(options.apiKeys);
  const user = async (req: Request): Promise<string> => {
    const header = req.headers.authorization;
    const token = header === undefined ? undefined : parseBearerToken(header);
    if (token === undefined) throw new AppError('unauthenticated', 'a user access token is required');
    if (authenticator === undefined) throw new AppError('invalid-token', 'this backend verifies no user tokens');
    return (await authenticator.verify(token)).userId;
  };

  router.post('/v1/push/devices', json, async (req, res) => {
    const userId = await user(req);
    const body = parse(registerSchema, req.body);
    const device = await devices.register({
      ...body,
      userId,
      provider: body.provider ?? (body.platform === 'ios' ? 'apns' : 'fcm'),
    });
    noStore(res, 201, device);
  });
  router.get('/v1/push/devices', async (req, res) => {
    noStore(res, 200, { devices: await devices.listForUser(await user(req)) });
  });
  router.delete('/v1/push/devices/:id', async (req, res) => {
    const userId = await user(req);
    const id = String(req.params['id']);
    if (!z.uuid().safeParse(id).success || !(await devices.unregister(userId, id)))
      throw new AppError('not-found', 'no such device');
    res.status(204).end();
  });

  router.post('/v1/push/messages', admin, json, async (req, res) => {
    const body = parse(sendSchema, req.body);
    const payload = {
      title: body.notification?.title,
      body: body.notification?.body,
      data: body.data,
      ttlSeconds: body.ttlSeconds,
      priority: body.priority,
      collapseKey: body.collapseKey,
    };
    const id = randomUUID();
    const problems = payloadProblems({ id, ...payload });
    if (problems.length > 0) throw validationError(problems.map((message) => ({ path: 'notification', message })));
    const sendAt = body.sendAt === undefined ? new Date() : new Date(body.sendAt);
    const createdBy = (res.locals as { apiKeyName?: string }).apiKeyName ?? 'api-key';
    await database.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO mp_push_messages (id, target, payload, send_at, created_by) VALUES ($1, $2, $3, $4, $5)',
        [id, JSON.stringify(body.target), JSON.stringify(payload), sendAt, createdBy],
      );
      await queue.enqueue(FANOUT_TASK, { messageId: id }, { tx, runAt: sendAt, dedupKey: id });
    });
    noStore(res, 202, { id, sendAt: sendAt.toISOString() });
  });

  router.get('/v1/push/messages/:id', admin, async (req, res) => {
    const id = String(req.params['id']);
    if (!z.uuid().safeParse(id).success) throw new AppError('not-found', 'no such message');
    const { rows } = await database.query<Record<string, unknown>>(
      `SELECT id::text AS id, target, payload, send_at AS "sendAt", created_at AS "createdAt",
              fanned_out_at AS "fannedOutAt" FROM mp_push_messages WHERE id = $1`,
      [id],
    );
    if (rows[0] === undefined) throw new AppError('not-found', 'no such message');
    const counts = await database.query<{ state: string; n: string }>(
      'SELECT state, count(*)::text AS n FROM mp_push_deliveries WHERE message_id = $1 GROUP BY state',
      [id],
    );
    const deliveries = { queued: 0, sending: 0, sent: 0, failed: 0, pruned: 0 } as Record<string, number>;
    for (const c of counts.rows) deliveries[c.state] = Number(c.n);
    noStore(res, 200, { ...rows[0], deliveries });
  });

  router.get('/v1/push/messages/:id/deliveries', admin, async (req, res) => {
    const id = String(req.params['id']);
    const query = z
      .object({
        state: z.enum(['queued', 'sending', 'sent', 'failed', 'pruned']).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        after: z.uuid().optional(),
      })
      .safeParse(req.query);
    if (!query.success || !z.uuid().safeParse(id).success)
      throw new AppError('invalid-parameter', query.success ? 'id: a message id' : query.error.issues[0]?.message);
    const { state, limit, after } = query.data;
    const { rows } = await database.query<Record<string, unknown>>(
      `SELECT device_id::text AS "deviceId", state, reason, provider_id AS "providerId", attempts,
              updated_at AS "updatedAt"
         FROM mp_push_deliveries
        WHERE message_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::uuid IS NULL OR device_id > $3::uuid)
        ORDER BY device_id LIMIT $4`,
      [id, state ?? null, after ?? null, limit],
    );
    noStore(res, 200, { deliveries: rows, next: rows.length === limit ? rows[rows.length - 1]?.['deviceId'] : null });
  });
  return router;
}

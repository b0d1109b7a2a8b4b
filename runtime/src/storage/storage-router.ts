import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Principal } from '../api/access-policy.ts';
import { mayCreate, resolveAccess } from '../api/access-policy.ts';
import type { JwtAuthenticator } from '../api/jwt-authenticator.ts';
import type { Database, SqlClient } from '../data/database.ts';
import { parseBearerToken } from '../platform/bearer-token.ts';
import { AppError, validationError } from '../platform/error-catalog.ts';
import { SNIFF_BYTES, checkContent, contentTypeAllowed } from './content-check.ts';
import type { StorageDriver } from './storage-driver.ts';
import type { StorageSettings } from './storage-settings.ts';

interface ObjectRow {
  id: string;
  ownerId: string;
  key: string;
  name: string | null;
  contentType: string;
  size: string | number;
  state: 'pending' | 'ready' | 'quarantined';
  reason: string | null;
  thumbnailKey: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

const COLUMNS = `id::text AS id, owner_id AS "ownerId", key, name, content_type AS "contentType", size, state,
  reason, thumbnail_key AS "thumbnailKey", created_at AS "createdAt", completed_at AS "completedAt"`;

const uploadSchema = z
  .object({
    contentType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a media type like image/png'),
    size: z.number().int().min(1),
    name: z.string().min(1).max(255).optional(),
  })
  .strict();

const present = (row: ObjectRow) => ({
  id: row.id,
  name: row.name,
  contentType: row.contentType,
  size: Number(row.size),
  state: row.state,
  ...(row.reason ? { reason: row.reason } : {}),
  thumbnail: row.thumbnailKey !== null,
  createdAt: row.createdAt,
  completedAt: row.completedAt,
});

/**
 * The storage API. Upload: ask for a URL (type and size checked against the limits, both bound in the signature),
 * PUT the bytes straight to storage, then `complete`: the bytes are checked against the declared type and the
 * object becomes `ready`, or is deleted and `quarantined` with the reason. Reads and deletes follow the
 * configured access rules, like collections' (default: owner only).
 */
export function storageRouter(options: {
  database: Database;
  driver: StorageDriver;
  settings: StorageSettings;
  authenticator: JwtAuthenticator | undefined;
  json: RequestHandler;
  /** Enqueues the thumbnail job of a checked image inside the transaction that marks it ready. */
  onImageReady?: (objectId: string, tx: SqlClient) => Promise<void>;
}): Router {
  const { database, driver, settings, authenticator, json } = options;
  const router = express.Router();
  const principalOf = async (req: Request): Promise<Principal | undefined> => {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const token = parseBearerToken(header);
    if (token === undefined) throw new AppError('invalid-token', 'use Authorization: Bearer <token>');
    if (authenticator === undefined) throw new AppError('invalid-token', 'this backend verifies no user tokens');
    return authenticator.verify(token);
  };
  /** The object if the caller may `op` it; 404 otherwise (never tell a stranger it exists). */
  const visible = async (req: Request, op: 'read' | 'delete'): Promise<{ row: ObjectRow; principal?: Principal }> => {
    const principal = await principalOf(req);
    const id = String(req.params['id']);
    if (!z.uuid().safeParse(id).success) throw new AppError('not-found', 'no such object');
    const { rows } = await database.query<ObjectRow>(`SELECT ${COLUMNS} FROM mp_storage_objects WHERE id = $1`, [id]);
    const row = rows[0];
    const scope = resolveAccess(settings.access[op], principal);
    if (row === undefined || scope === 'none' || (scope === 'own' && row.ownerId !== principal?.userId)) {
      if (principal === undefined && scope === 'none')
        throw new AppError('unauthenticated', 'sign in to access objects');
      throw new AppError('not-found', 'no such object');
    }
    return { row, ...(principal ? { principal } : {}) };
  };
  const send = (res: Response, status: number, body: unknown) =>
    void res.status(status).setHeader('cache-control', 'no-store').json(body);

  router.post('/v1/storage/uploads', json, async (req, res) => {
    const principal = await principalOf(req);
    if (!mayCreate(settings.access.create, principal))
      throw principal === undefined ? new AppError('unauthenticated', 'sign in to upload') : new AppError('forbidden');
    const parsed = uploadSchema.safeParse(req.body);
    if (!parsed.success)
      throw validationError(
        parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
      );
    const body = parsed.data;
    const errors = [];
    if (!contentTypeAllowed(body.contentType, settings.allowedContentTypes))
      errors.push({
        path: 'contentType',
        message: `not allowed here (allowed: ${settings.allowedContentTypes.join(', ')})`,
      });
    if (body.size > settings.maxObjectBytes)
      errors.push({ path: 'size', message: `larger than the limit of ${settings.maxObjectBytes} bytes` });
    if (errors.length > 0) throw validationError(errors);
    const id = randomUUID();
    const owner = principal?.userId ?? 'anonymous';
    const key = `objects/${id}`;
    await database.query(
      `INSERT INTO mp_storage_objects (id, owner_id, key, name, content_type, size, state) VALUES ($1, $2, $3, $4, $5, $6, 'pending')`,
      [id, owner, key, body.name ?? null, body.contentType, body.size],
    );
    const upload = await driver.presignUpload(key, body.contentType, body.size, settings.urlTtlSeconds);
    send(res, 201, { id, upload });
  });

  router.post('/v1/storage/objects/:id/complete', async (req, res) => {
    const { row, principal } = await visible(req, 'read');
    if (row.ownerId !== (principal?.userId ?? 'anonymous')) throw new AppError('not-found', 'no such object');
    if (row.state !== 'pending') return send(res, row.state === 'ready' ? 200 : 422, present(row));
    const info = await driver.head(row.key);
    if (info === undefined) throw new AppError('precondition-failed', 'nothing was uploaded to this object yet');
    let reason: string | undefined;
    if (info.size !== Number(row.size)) reason = `uploaded ${info.size} bytes, declared ${row.size}`;
    else {
      const verdict = await checkContent(row.contentType, await driver.readStart(row.key, SNIFF_BYTES));
      if (!verdict.ok) reason = verdict.reason;
    }
    if (reason !== undefined) {
      await driver.delete(row.key);
      await database.query(
        `UPDATE mp_storage_objects SET state = 'quarantined', reason = $2, completed_at = now() WHERE id = $1`,
        [row.id, reason],
      );
      throw new AppError('content-type-mismatch', reason, { extensions: { id: row.id, state: 'quarantined' } });
    }
    const ready = await database.transaction(async (tx) => {
      const { rows } = await tx.query<ObjectRow>(
        `UPDATE mp_storage_objects SET state = 'ready', completed_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [row.id],
      );
      if (row.contentType.startsWith('image/')) await options.onImageReady?.(row.id, tx);
      return rows[0] as ObjectRow;
    });
    send(res, 200, present(ready));
  });

  router.get('/v1/storage/objects/:id', async (req, res) => {
    send(res, 200, present((await visible(req, 'read')).row));
  });

  router.get('/v1/storage/objects/:id/download', async (req, res) => {
    const { row } = await visible(req, 'read');
    if (row.state !== 'ready') throw new AppError('not-found', `the object is ${row.state}`);
    const download = await driver.presignDownload(row.key, settings.urlTtlSeconds, row.name ?? undefined);
    send(res, 200, { download });
  });

  router.get('/v1/storage/objects/:id/thumbnail', async (req, res) => {
    const { row } = await visible(req, 'read');
    if (row.thumbnailKey === null) throw new AppError('not-found', 'no thumbnail (yet)');
    send(res, 200, { download: await driver.presignDownload(row.thumbnailKey, settings.urlTtlSeconds) });
  });

  router.delete('/v1/storage/objects/:id', async (req, res) => {
    const { row } = await visible(req, 'delete');
    await driver.delete(row.key);
    if (row.thumbnailKey !== null) await driver.delete(row.thumbnailKey);
    await database.query('DELETE FROM mp_storage_objects WHERE id = $1', [row.id]);
    res.status(204).end();
  });
  return router;
}

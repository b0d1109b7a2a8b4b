import type { Request, Response } from 'express';
import type { Database, SqlClient } from '../data/database.ts';
import { AppError } from '../platform/error-catalog.ts';
import { PROBLEM_CONTENT_TYPE } from '../platform/problem-details.ts';
import type { Collection } from './collection-registry.ts';
import { checkIdempotencyKey, requestFingerprint } from './idempotency-store.ts';
import type { IdempotencyStore, StoredResponse } from './idempotency-store.ts';
import type { RequestIdentity } from './request-identity.ts';

export interface MutationResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function toStored(result: MutationResult): StoredResponse {
  const headers: Record<string, string> = { ...result.headers };
  if (result.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  return { status: result.status, headers, body: result.body === undefined ? '' : JSON.stringify(result.body) };
}

function send(res: Response, response: StoredResponse, replayed: boolean): void {
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (replayed) res.setHeader('idempotent-replayed', 'true');
  res.status(response.status);
  if (response.body === '') res.end();
  else res.setHeader('content-length', Buffer.byteLength(response.body)).end(response.body);
}

/** Whose key space an Idempotency-Key lives in: the user's, else the API key's, else the client IP's. */
export function idempotencyScope(identity: RequestIdentity): string {
  if (identity.principal !== undefined) return `user:${identity.principal.userId}`;
  if (identity.apiKey !== undefined) return `key:${identity.apiKey}`;
  return `ip:${identity.ip}`;
}

/**
 * Runs a validated mutation, honouring `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the first
 * request claims the key, runs, and stores its response in the same transaction as its effect; a retry gets that
 * response replayed. Validation failures and server errors store nothing, so a corrected retry runs.
 */
export async function runMutation(
  req: Request,
  res: Response,
  options: {
    collection: Collection;
    identity: RequestIdentity;
    database: Database;
    idempotency: IdempotencyStore;
    execute: (client: SqlClient) => Promise<MutationResult>;
    /** Called once the mutation committed (not for replays). */
    committed: () => void;
  },
): Promise<void> {
  const header = req.headers['idempotency-key'];
  if (header === undefined) {
    if (options.collection.settings.requireIdempotencyKey)
      throw new AppError('idempotency-key-required', `mutations of ${options.collection.name} need an Idempotency-Key`);
    const response = toStored(await options.execute(options.database));
    options.committed();
    send(res, response, false);
    return;
  }
  const key = checkIdempotencyKey(String(header));
  const scope = idempotencyScope(options.identity);
  const claim = await options.idempotency.claim(scope, key, requestFingerprint(req.method, req.path, req.body));
  if (claim.kind === 'replay') {
    send(res, claim.response, true);
    return;
  }
  let stored: StoredResponse;
  try {
    stored = await options.database.transaction(async (tx) => {
      const response = toStored(await options.execute(tx));
      await options.idempotency.complete(tx, scope, key, response);
      return response;
    });
  } catch (error) {
    if (error instanceof AppError && error.status < 500 && error.code !== 'validation-failed') {
      const body = JSON.stringify(error.toProblem(req.originalUrl.split('?')[0]));
      await options.idempotency.complete(options.database, scope, key, {
        status: error.status,
        headers: { ...error.headers, 'content-type': PROBLEM_CONTENT_TYPE },
        body,
      });
    } else await options.idempotency.release(scope, key).catch(() => undefined);
    throw error;
  }
  options.committed();
  send(res, stored, false);
}

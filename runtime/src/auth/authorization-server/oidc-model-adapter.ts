import { createHash } from 'node:crypto';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Database } from '../../data/database.ts';

/** Models whose values never need storing: access tokens are our own JWTs (the token endpoint swaps them). */
const NOT_STORED = new Set(['AccessToken', 'ClientCredentials']);

/** Ids are bearer secrets (codes, session cookies, interaction ids): only their SHA-256 is kept. */
function hashId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/**
 * oidc-provider's storage adapter on the runtime's database: one table, jsonb payloads, hashed ids; the clear
 * `jti` is dropped from the payload and restored from the caller's id on read, so a database dump holds no usable
 * authorization code, session or interaction id.
 */
export function oidcModelAdapter(db: Database, now: () => number = Date.now): AdapterFactory {
  return (model: string): Adapter => {
    const stored = !NOT_STORED.has(model);

    async function select(where: string, value: string, id?: string): Promise<AdapterPayload | undefined> {
      const { rows } = await db.query<{ payload: AdapterPayload | string; consumed_at: Date | null; jti_hint: string }>(
        `SELECT payload, consumed_at FROM auth_oidc_models
          WHERE model = $1 AND ${where} = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        [model, value, new Date(now())],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as AdapterPayload) : row.payload;
      return {
        ...payload,
        ...(id === undefined ? {} : { jti: id }),
        ...(row.consumed_at === null ? {} : { consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) }),
      };
    }

    return {
      async upsert(id, payload, expiresIn) {
        if (!stored) return;
        const { jti: _jti, ...rest } = payload;
        await db.query(
          `INSERT INTO auth_oidc_models (model, id, payload, grant_id, user_code, uid, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
             user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
          [
            model,
            hashId(id),
            JSON.stringify(rest),
            payload.grantId ?? null,
            payload.userCode ?? null,
            payload.uid ?? null,
            expiresIn === undefined ? null : new Date(now() + expiresIn * 1000),
          ],
        );
      },
      async find(id) {
        return stored ? select('id', hashId(id), id) : undefined;
      },
      async findByUid(uid) {
        if (!stored) return undefined;
        const { rows } = await db.query<{ payload: AdapterPayload | string }>(
          `SELECT payload FROM auth_oidc_models WHERE model = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > $3)`,
          [model, uid, new Date(now())],
        );
        // Sessions are looked up by uid only to be destroyed/updated through their id, which the caller has.
        const row = rows[0];
        return row === undefined
          ? undefined
          : typeof row.payload === 'string'
            ? (JSON.parse(row.payload) as AdapterPayload)
            : row.payload;
      },
      async findByUserCode(userCode) {
        return stored ? select('user_code', userCode) : undefined;
      },
      async consume(id) {
        if (!stored) return;
        await db.query('UPDATE auth_oidc_models SET consumed_at = $3 WHERE model = $1 AND id = $2', [
          model,
          hashId(id),
          new Date(now()),
        ]);
      },
      async destroy(id) {
        if (!stored) return;
        await db.query('DELETE FROM auth_oidc_models WHERE model = $1 AND id = $2', [model, hashId(id)]);
      },
      async revokeByGrantId(grantId) {
        await db.query('DELETE FROM auth_oidc_models WHERE grant_id = $1', [grantId]);
      },
    };
  };
}

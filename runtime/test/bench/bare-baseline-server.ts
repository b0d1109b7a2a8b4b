import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import pg from 'pg';
import { collectionSchema } from '../../src/platform/config-schema.ts';
import { buildListSql, DOCUMENT_COLUMNS } from '../../src/api/document-sql.ts';
import { parseListQuery } from '../../src/api/list-query.ts';

/**
 * The bare baseline: node:http + pg running the runtime's SQL, with the same token check (ES256 JWT, iss, aud,
 * exp) but nothing else: no framework, validation, metrics, tracing, logging, rate limits or idempotency.
 * Env: BARE_PORT, BARE_DATABASE_URL, BARE_JWK (public JWK JSON), BARE_ISSUER, BARE_AUDIENCE.
 */
const env = (name: string) => process.env[name] ?? '';
const pool = new pg.Pool({ connectionString: env('BARE_DATABASE_URL'), max: 10 });
const key = await importJWK(JSON.parse(env('BARE_JWK')) as JWK, 'ES256');
const collection = collectionSchema.parse({ fields: {} });
const list = buildListSql('items', parseListQuery(collection, new URLSearchParams('limit=20')), 'own', 'u', undefined);
const readSql = `SELECT ${DOCUMENT_COLUMNS} FROM mp_documents d WHERE d.collection = $1 AND d.id = $2::uuid AND NOT d.deleted`;
const createSql = `INSERT INTO mp_documents AS d (collection, id, owner_id, data, version, xid)
  VALUES ($1, $2::uuid, $3, $4::jsonb, 1, pg_current_xact_id()) RETURNING ${DOCUMENT_COLUMNS}`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined) return send(res, 401, { error: 'unauthenticated' });
      const { payload } = await jwtVerify(token, key, { issuer: env('BARE_ISSUER'), audience: env('BARE_AUDIENCE') });
      const user = payload.sub ?? '';
      const url = req.url ?? '/';
      const one = /^\/items\/([0-9a-f-]{36})$/.exec(url);
      if (req.method === 'GET' && one !== null) {
        const { rows } = await pool.query(readSql, ['items', one[1]]);
        const row = rows[0] as { owner: string } | undefined;
        return row === undefined || row.owner !== user ? send(res, 404, { error: 'not found' }) : send(res, 200, row);
      }
      if (req.method === 'GET' && url.startsWith('/items')) {
        const values = [...list.values];
        values[1] = user;
        const { rows } = await pool.query(list.text, values);
        return send(res, 200, { items: rows.slice(0, 20) });
      }
      if (req.method === 'POST' && url === '/items') {
        const data = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
        const { rows } = await pool.query(createSql, ['items', randomUUID(), user, JSON.stringify(data)]);
        return send(res, 201, rows[0]);
      }
      send(res, 404, { error: 'no route' });
    })().catch(() => send(res, 400, { error: 'bad request' }));
  });
});
server.listen(Number(env('BARE_PORT')), '127.0.0.1');

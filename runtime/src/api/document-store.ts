import type { Database, SqlClient } from '../data/database.ts';
import { sqlState } from '../data/database.ts';
import { AppError } from '../platform/error-catalog.ts';
import type { AccessScope } from './access-policy.ts';
import type { ChangeCursor, ListCursor } from './cursor-codec.ts';
import type { DocumentData } from './document-schema.ts';
import { preparedSql } from '../data/prepared-statements.ts';
import { DOCUMENT_COLUMNS, buildListSql } from './document-sql.ts';

/** By primary key only (see DocumentStore.get), so the prepared statement's generic plan is the key lookup. */
const GET_SQL = preparedSql(
  `SELECT ${DOCUMENT_COLUMNS} FROM mp_documents d WHERE d.collection = $1 AND d.id = $2::uuid AND NOT d.deleted`,
);
const CREATE_SQL = preparedSql(
  `INSERT INTO mp_documents AS d (collection, id, owner_id, data, version, xid)
   VALUES ($1, $2::uuid, $3, $4::jsonb, 1, pg_current_xact_id()) RETURNING ${DOCUMENT_COLUMNS}`,
);
import type { ListQuery } from './list-query.ts';

export interface StoredDocument {
  id: string;
  owner: string;
  data: DocumentData;
  version: number;
  deleted: boolean;
  /** The xid8 (as decimal text) of the transaction that wrote this version: its delta-sync position. */
  xid: string;
  createdAt: string;
  updatedAt: string;
}

interface DocumentRow {
  id: string;
  owner: string;
  data: DocumentData;
  version: number | string;
  deleted: boolean;
  xid: string;
  created_at: string;
  updated_at: string;
  [key: `k${number}`]: string | null;
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    owner: row.owner,
    data: row.data,
    version: Number(row.version),
    deleted: row.deleted,
    xid: String(row.xid),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface WriteTarget {
  collection: string;
  id: string;
  /** Set when the caller may only touch their own documents. */
  ownerId: string | undefined;
  /** Optimistic concurrency: the versions the caller accepts (If-Match), or any. */
  expectedVersions: readonly number[] | undefined;
}

export class DocumentStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /**
   * A live document by id. The SQL is by primary key only and ownership (immutable after create) is checked here:
   * with an owner predicate in the SQL the planner, on missing statistics, chose the owner index and scanned every
   * document of the owner.
   */
  async get(
    collection: string,
    id: string,
    ownerId: string | undefined,
    client: SqlClient = this.db,
  ): Promise<StoredDocument | undefined> {
    const { rows } = await client.query<DocumentRow>(GET_SQL, [collection, id]);
    const row = rows[0];
    return row === undefined || (ownerId !== undefined && row.owner !== ownerId) ? undefined : toDocument(row);
  }

  async list(
    collection: string,
    query: ListQuery,
    scope: AccessScope,
    userId: string | undefined,
    cursor: ListCursor | undefined,
  ): Promise<{ documents: StoredDocument[]; next: ListCursor | undefined }> {
    const sql = buildListSql(collection, query, scope, userId, cursor);
    let rows: DocumentRow[];
    try {
      rows = (await this.db.query<DocumentRow>(sql.text, sql.values)).rows;
    } catch (error) {
      // Class 22 (data exception): a value PostgreSQL could not cast. Input was checked; this is the backstop.
      if (sqlState(error)?.startsWith('22'))
        throw new AppError('invalid-parameter', 'a parameter value is out of range');
      throw error;
    }
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next =
      rows.length > query.limit && last !== undefined
        ? {
            sort: query.sortSignature,
            keys: Array.from({ length: sql.keyCount }, (_, i) => last[`k${i}`] ?? null),
            id: last.id,
          }
        : undefined;
    return { documents: page.map(toDocument), next };
  }

  async create(
    client: SqlClient,
    collection: string,
    id: string,
    ownerId: string,
    data: DocumentData,
  ): Promise<StoredDocument> {
    const { rows } = await client.query<DocumentRow>(CREATE_SQL, [collection, id, ownerId, JSON.stringify(data)]);
    return toDocument(rows[0] as DocumentRow);
  }

  /**
   * Replaces a document's data (or tombstones it when `data` is undefined): read by primary key (ownership checked
   * as in `get`), then update by primary key if the version is still the one read. 404 when there is no such
   * document for the caller; 412 when If-Match (`expectedVersions`) does not match; without If-Match a lost race is
   * retried, last writer wins.
   */
  async write(client: SqlClient, target: WriteTarget, data: DocumentData | undefined): Promise<StoredDocument> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(target.collection, target.id, target.ownerId, client);
      if (current === undefined) throw new AppError('not-found', 'no such document');
      if (target.expectedVersions !== undefined && !target.expectedVersions.includes(current.version))
        throw new AppError('precondition-failed', `the document is at version ${current.version}`, {
          headers: { etag: documentEtag(current) },
        });
      const { rows } = await client.query<DocumentRow>(
        `UPDATE mp_documents AS d SET data = $3::jsonb, deleted = ${data === undefined ? 'true' : 'false'},
           version = d.version + 1, xid = pg_current_xact_id(), updated_at = now()
         WHERE d.collection = $1 AND d.id = $2::uuid AND NOT d.deleted AND d.version = $4
         RETURNING ${DOCUMENT_COLUMNS}`,
        [target.collection, target.id, data === undefined ? '{}' : JSON.stringify(data), current.version],
      );
      if (rows[0] !== undefined) return toDocument(rows[0]);
    }
    throw new AppError('precondition-failed', 'the document is being changed concurrently; retry');
  }

  /**
   * Changes after the cursor, in (xid, id) order: live documents and tombstones, limited to transactions that ended
   * before this statement's snapshot xmin. Every transaction below xmin is finished and visible, and every later
   * write gets a larger xid, so a cursor never passes a change that has yet to commit — however late it commits.
   * `pending` says committed changes wait above the horizon (an older writing transaction, possibly in another
   * database of the cluster, is still open): ask again shortly. A first sync (`includeTombstones` false) leaves
   * tombstones out: an empty replica has nothing to delete.
   */
  async changes(
    collection: string,
    after: ChangeCursor,
    limit: number,
    ownerId: string | undefined,
    includeTombstones = true,
  ): Promise<{ changes: StoredDocument[]; pending: boolean }> {
    const params: unknown[] = [collection, after.xid, after.id, limit];
    let owner = '';
    if (ownerId !== undefined) {
      params.push(ownerId);
      owner = ` AND d.owner_id = $${params.length}`;
    }
    const { rows } = await this.db.query<DocumentRow & { pending: boolean }>(
      `WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
       page AS (
         SELECT ${DOCUMENT_COLUMNS} FROM mp_documents d, horizon
         WHERE d.collection = $1 AND (d.xid, d.id) > ($2::xid8, $3::uuid) AND d.xid < horizon.xmin${owner}
           ${includeTombstones ? '' : 'AND NOT d.deleted'}
         ORDER BY d.xid, d.id LIMIT $4),
       held AS (
         SELECT EXISTS (SELECT 1 FROM mp_documents d, horizon WHERE d.collection = $1 AND d.xid >= horizon.xmin${owner})
           AS pending)
       SELECT page.*, held.pending FROM held LEFT JOIN page ON true ORDER BY page.xid::numeric, page.id`,
      params,
    );
    const changes = rows.filter((r) => r.id !== null).map(toDocument);
    return { changes, pending: rows[0]?.pending === true };
  }
}

/** A document's ETag is its version: strong, cheap, and what If-Match compares against. */
export function documentEtag(document: { version: number }): string {
  return `"v${document.version}"`;
}

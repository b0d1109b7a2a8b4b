export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, as an append-only list: a shipped migration never changes, a change is a new entry. Every statement
 * runs on PostgreSQL 15+ and on PGlite.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents with change xids, idempotency keys',
    sql: `
      -- xid: the writing transaction (pg_current_xact_id). Delta sync returns changes whose transaction ended
      -- before the reader's snapshot xmin, in (xid, id) order, so a transaction that commits late can never be
      -- skipped (docs/decisions/0101-delta-sync-snapshot-xmin.md).
      CREATE TABLE mp_documents (
        collection text NOT NULL,
        id uuid NOT NULL,
        owner_id text NOT NULL,
        data jsonb NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (collection, id)
      );
      -- Delta sync order (xid, id) and default list order (created_at, id), whole collection and per owner; with
      -- id included the scan stops at the page size. Lookups by id use the primary key only (see DocumentStore.get).
      CREATE INDEX mp_documents_changes ON mp_documents (collection, xid, id);
      CREATE INDEX mp_documents_owner_changes ON mp_documents (collection, owner_id, xid, id);
      CREATE INDEX mp_documents_created ON mp_documents (collection, created_at, id) WHERE NOT deleted;
      CREATE INDEX mp_documents_owner_created ON mp_documents (collection, owner_id, created_at, id) WHERE NOT deleted;

      CREATE TABLE mp_idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_flight', 'done')),
        status integer,
        headers jsonb,
        body text,
        locked_until timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX mp_idempotency_keys_expiry ON mp_idempotency_keys (expires_at);
    `,
  },
];

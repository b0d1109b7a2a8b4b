import type { Migration } from '../data/schema-migrations.ts';

/** The storage component's object metadata, from version 420. Append-only. */
export const STORAGE_MIGRATIONS: readonly Migration[] = [
  {
    version: 420,
    name: 'storage: object metadata',
    sql: `
      CREATE TABLE mp_storage_objects (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        key text NOT NULL UNIQUE,
        name text,
        content_type text NOT NULL,
        size bigint NOT NULL,
        -- pending: URL handed out; ready: bytes checked; quarantined: refused and deleted (reason says why).
        state text NOT NULL CHECK (state IN ('pending', 'ready', 'quarantined')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      );
      CREATE INDEX mp_storage_objects_owner ON mp_storage_objects (owner_id, created_at);
    `,
  },
  {
    version: 421,
    name: 'storage: thumbnails',
    sql: `ALTER TABLE mp_storage_objects ADD COLUMN thumbnail_key text;`,
  },
];

import type { Migration } from '../data/schema-migrations.ts';

/** The push component's tables, from version 410 (workers/e-mail use 400s, auth 500s). Append-only. */
export const PUSH_MIGRATIONS: readonly Migration[] = [
  {
    version: 410,
    name: 'push: devices, messages, per-device deliveries',
    sql: `
      CREATE TABLE mp_push_devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        provider text NOT NULL CHECK (provider IN ('fcm', 'apns')),
        token text NOT NULL,
        platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
        app_version text,
        -- major·10⁶ + minor·10³ + patch, for app-version range segments.
        app_version_key bigint,
        locale text,
        topics text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        pruned_at timestamptz,
        prune_reason text,
        UNIQUE (provider, token)
      );
      CREATE INDEX mp_push_devices_user ON mp_push_devices (user_id) WHERE pruned_at IS NULL;
      CREATE INDEX mp_push_devices_topics ON mp_push_devices USING gin (topics);
      CREATE TABLE mp_push_messages (
        id uuid PRIMARY KEY,
        target jsonb NOT NULL,
        payload jsonb NOT NULL,
        send_at timestamptz NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        fanned_out_at timestamptz
      );
      -- One row per (message, device): queued → sending → sent | failed | pruned. A row in 'sending' belongs to
      -- one job attempt; a later attempt never sends it again (docs/decisions/0402-push-fan-out.md).
      CREATE TABLE mp_push_deliveries (
        message_id uuid NOT NULL REFERENCES mp_push_messages (id) ON DELETE CASCADE,
        device_id uuid NOT NULL REFERENCES mp_push_devices (id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'pruned')),
        reason text,
        provider_id text,
        attempts integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, device_id)
      );
      CREATE INDEX mp_push_deliveries_state ON mp_push_deliveries (message_id, state);
    `,
  },
];

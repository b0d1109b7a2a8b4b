import type { Migration } from '../data/schema-migrations.ts';

/**
 * The auth component's schema, applied by the platform's migration runner (same table, same advisory lock) from
 * version 500 up, so it never collides with the api's numbers. Append-only, like MIGRATIONS. Every secret-bearing
 * column holds a hash (refresh, one-time and recovery tokens) or AES-GCM ciphertext (signing keys, TOTP secrets).
 */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    version: 500,
    name: 'auth: accounts, keys, sessions, refresh tokens, MFA, throttle, outbox',
    sql: `
      CREATE TABLE auth_users (
        id uuid PRIMARY KEY,
        email text UNIQUE,
        email_verified boolean NOT NULL DEFAULT false,
        name text,
        password_hash text,
        custom_claims jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE auth_user_roles (
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        role text NOT NULL,
        PRIMARY KEY (user_id, role)
      );
      CREATE TABLE auth_upstream_links (
        provider text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, subject)
      );
      CREATE TABLE auth_signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_jwk_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Published in the JWKS from creation, signs from signs_from until the next key's signs_from, then stays
        -- published for the longest access-token lifetime (docs/decisions/0302-signing-key-rotation.md).
        signs_from timestamptz NOT NULL
      );
      CREATE TABLE auth_devices (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        installation_id text NOT NULL,
        name text NOT NULL,
        platform text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        UNIQUE (user_id, installation_id)
      );
      -- A session is one refresh-token family: one sign-in on one device.
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        device_id uuid NOT NULL REFERENCES auth_devices(id) ON DELETE CASCADE,
        client_id text NOT NULL,
        scope text NOT NULL,
        amr text[] NOT NULL,
        acr text NOT NULL,
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE revoked_at IS NULL;
      CREATE TABLE auth_refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        generation integer NOT NULL,
        state text NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        child_hash bytea,
        -- The child token sealed with a key derived from this (parent) token: only its holder can open it, and only
        -- within the reuse grace (RFC 9700 §4.14 rotation, with a retry window for mobile networks).
        child_sealed text
      );
      CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);
      CREATE TABLE auth_totp (
        user_id uuid PRIMARY KEY REFERENCES auth_users(id) ON DELETE CASCADE,
        secret_sealed text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE auth_recovery_codes (
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      );
      CREATE TABLE auth_one_time_tokens (
        token_hash bytea PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
        user_id uuid NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      -- Messages for the workers component to deliver (transactional outbox).
      CREATE TABLE auth_outbox (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        recipient text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE TABLE auth_login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        blocked_until timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- oidc-provider's models (authorization codes, grants, interactions, sessions); ids of tokens are hashed.
      CREATE TABLE auth_oidc_models (
        model text NOT NULL,
        id text NOT NULL,
        payload jsonb NOT NULL,
        grant_id text,
        user_code text,
        uid text,
        expires_at timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (model, id)
      );
      CREATE INDEX auth_oidc_models_grant ON auth_oidc_models (grant_id);
      CREATE INDEX auth_oidc_models_uid ON auth_oidc_models (uid);
      -- Device chosen at the authorization request, picked up when the code is exchanged.
      CREATE TABLE auth_pending_devices (
        grant_id text PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES auth_devices(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE auth_upstream_states (
        state_hash bytea PRIMARY KEY,
        provider text NOT NULL,
        interaction_uid text NOT NULL,
        code_verifier text NOT NULL,
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
];

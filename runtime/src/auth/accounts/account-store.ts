import { randomUUID } from 'node:crypto';
import type { Database } from '../../data/database.ts';

export interface Account {
  id: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  passwordHash: string | null;
  roles: string[];
  customClaims: Record<string, unknown>;
  mfaEnabled: boolean;
}

interface AccountRow {
  id: string;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  password_hash: string | null;
  custom_claims: Record<string, unknown> | string;
  roles: string[] | null;
  mfa_enabled: boolean;
}

const SELECT_ACCOUNT = `SELECT u.id::text AS id, u.email, u.email_verified, u.name, u.password_hash, u.custom_claims,
    ARRAY(SELECT role FROM auth_user_roles r WHERE r.user_id = u.id ORDER BY role) AS roles,
    EXISTS (SELECT 1 FROM auth_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS mfa_enabled
  FROM auth_users u`;

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified,
    name: row.name,
    passwordHash: row.password_hash,
    roles: row.roles ?? [],
    customClaims:
      typeof row.custom_claims === 'string'
        ? (JSON.parse(row.custom_claims) as Record<string, unknown>)
        : row.custom_claims,
    mfaEnabled: row.mfa_enabled,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Local accounts: identity, password hash, roles and custom claims (RBAC), links to upstream identities. */
export class AccountStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async byId(id: string): Promise<Account | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.db.query<AccountRow>(`${SELECT_ACCOUNT} WHERE u.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async byEmail(email: string): Promise<Account | undefined> {
    const { rows } = await this.db.query<AccountRow>(`${SELECT_ACCOUNT} WHERE u.email = $1`, [normalizeEmail(email)]);
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  /** Creates an account; undefined when the email is taken. */
  async create(input: {
    email: string | null;
    passwordHash: string | null;
    name?: string | null;
    emailVerified?: boolean;
  }): Promise<string | undefined> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO auth_users (id, email, password_hash, name, email_verified) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO NOTHING RETURNING id::text AS id`,
      [
        randomUUID(),
        input.email === null ? null : normalizeEmail(input.email),
        input.passwordHash,
        input.name ?? null,
        input.emailVerified ?? false,
      ],
    );
    return rows[0]?.id;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE auth_users SET password_hash = $2, updated_at = now() WHERE id = $1', [
      userId,
      passwordHash,
    ]);
  }

  async markEmailVerified(userId: string): Promise<void> {
    await this.db.query('UPDATE auth_users SET email_verified = true, updated_at = now() WHERE id = $1', [userId]);
  }

  async setRoles(userId: string, roles: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM auth_user_roles WHERE user_id = $1', [userId]);
      for (const role of new Set(roles))
        await tx.query('INSERT INTO auth_user_roles (user_id, role) VALUES ($1, $2)', [userId, role]);
    });
  }

  async setCustomClaims(userId: string, claims: Record<string, unknown>): Promise<void> {
    await this.db.query('UPDATE auth_users SET custom_claims = $2, updated_at = now() WHERE id = $1', [
      userId,
      JSON.stringify(claims),
    ]);
  }

  async findLinked(provider: string, subject: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ user_id: string }>(
      'SELECT user_id::text AS user_id FROM auth_upstream_links WHERE provider = $1 AND subject = $2',
      [provider, subject],
    );
    return rows[0]?.user_id;
  }

  async link(provider: string, subject: string, userId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO auth_upstream_links (provider, subject, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [provider, subject, userId],
    );
  }
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../../data/database.ts';

/** What the app tells us about the device it runs on; the installation id is generated once per install. */
export const deviceRegistrationSchema = z
  .object({
    installationId: z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, '8-128 characters of A-Z a-z 0-9 . _ : -'),
    name: z.string().trim().min(1).max(100).default('Unnamed device'),
    platform: z.enum(['ios', 'android', 'web', 'other']).default('other'),
  })
  .strict();
export type DeviceRegistration = z.infer<typeof deviceRegistrationSchema>;

export interface DeviceRecord {
  id: string;
  installationId: string;
  name: string;
  platform: string;
  createdAt: string;
  lastSeenAt: string;
}

/**
 * Registered devices. Every session (refresh-token family) is bound to one; revoking a device ends its sessions.
 * Signing in again on a revoked device registers it again (the user proved who they are).
 */
export class DeviceStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async register(userId: string, device: DeviceRegistration): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO auth_devices (id, user_id, installation_id, name, platform) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, installation_id)
       DO UPDATE SET name = EXCLUDED.name, platform = EXCLUDED.platform, revoked_at = NULL, last_seen_at = now()
       RETURNING id::text AS id`,
      [randomUUID(), userId, device.installationId, device.name, device.platform],
    );
    return (rows[0] as { id: string }).id;
  }

  async list(userId: string): Promise<DeviceRecord[]> {
    const { rows } = await this.db.query<{
      id: string;
      installation_id: string;
      name: string;
      platform: string;
      created_at: Date;
      last_seen_at: Date;
    }>(
      `SELECT id::text AS id, installation_id, name, platform, created_at, last_seen_at FROM auth_devices
        WHERE user_id = $1 AND revoked_at IS NULL ORDER BY last_seen_at DESC`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      installationId: r.installation_id,
      name: r.name,
      platform: r.platform,
      createdAt: new Date(r.created_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
    }));
  }

  /** Returns whether a device of this user was revoked. */
  async revoke(userId: string, deviceId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      'UPDATE auth_devices SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id::text AS id',
      [deviceId, userId],
    );
    return rows.length > 0;
  }
}

import type { Database } from '../data/database.ts';
import { appVersionKey } from './push-target.ts';

export interface DeviceRegistration {
  userId: string;
  token: string;
  platform: 'ios' | 'android' | 'web';
  provider: 'fcm' | 'apns';
  appVersion?: string | undefined;
  locale?: string | undefined;
  topics: string[];
}

export interface RegisteredDevice {
  id: string;
  platform: string;
  provider: string;
  appVersion: string | null;
  locale: string | null;
  topics: string[];
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id::text AS id, platform, provider, app_version AS "appVersion", locale, topics,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Device tokens per user. A token is unique per provider: registering it again moves it to the caller. */
export class DeviceRegistry {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async register(device: DeviceRegistration): Promise<RegisteredDevice> {
    const { rows } = await this.db.query<RegisteredDevice>(
      `INSERT INTO mp_push_devices (user_id, provider, token, platform, app_version, app_version_key, locale, topics)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider, token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform,
         app_version = EXCLUDED.app_version, app_version_key = EXCLUDED.app_version_key, locale = EXCLUDED.locale,
         topics = EXCLUDED.topics, updated_at = now(), pruned_at = NULL, prune_reason = NULL
       RETURNING ${COLUMNS}`,
      [
        device.userId,
        device.provider,
        device.token,
        device.platform,
        device.appVersion ?? null,
        device.appVersion === undefined ? null : appVersionKey(device.appVersion),
        device.locale ?? null,
        device.topics,
      ],
    );
    return rows[0] as RegisteredDevice;
  }

  async listForUser(userId: string): Promise<RegisteredDevice[]> {
    const { rows } = await this.db.query<RegisteredDevice>(
      `SELECT ${COLUMNS} FROM mp_push_devices WHERE user_id = $1 AND pruned_at IS NULL ORDER BY created_at`,
      [userId],
    );
    return rows;
  }

  /** Removes the user's device; false when it is not theirs (or does not exist). */
  async unregister(userId: string, id: string): Promise<boolean> {
    const { rows } = await this.db.query('DELETE FROM mp_push_devices WHERE id = $1 AND user_id = $2 RETURNING 1', [
      id,
      userId,
    ]);
    return rows.length > 0;
  }
}

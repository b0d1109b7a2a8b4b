import sharp from 'sharp';
import { z } from 'zod';
import type { Database } from '../data/database.ts';
import { PermanentJobError } from '../workers/task-definition.ts';
import type { TaskDefinition } from '../workers/task-definition.ts';
import type { StorageDriver } from './storage-driver.ts';

export const THUMBNAIL_TASK = 'storage-thumbnail';
/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 256;

const thumbnailJob = z.object({ objectId: z.uuid() }).strict();

/**
 * Renders a WebP thumbnail (at most 256 × 256, EXIF orientation applied) of a checked image and stores it beside
 * the object. Idempotent: a rerun overwrites the same key. Images libvips cannot decode fail permanently.
 */
export function createThumbnailTask(
  database: Database,
  driver: StorageDriver,
): TaskDefinition<z.infer<typeof thumbnailJob>> {
  return {
    name: THUMBNAIL_TASK,
    parse: (d) => thumbnailJob.parse(d),
    retry: { limit: 5, baseDelaySeconds: 5, maxDelaySeconds: 300 },
    leaseSeconds: 120,
    concurrency: 2,
    async handle({ data }) {
      const { rows } = await database.query<{ key: string; state: string }>(
        'SELECT key, state FROM mp_storage_objects WHERE id = $1',
        [data.objectId],
      );
      const row = rows[0];
      if (row === undefined || row.state !== 'ready') return;
      const image = await driver.read(row.key);
      // limitInputPixels guards against decompression bombs (libvips refuses larger images).
      let thumbnail: Buffer;
      try {
        thumbnail = await sharp(image, { limitInputPixels: 100_000_000 })
          .rotate()
          .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer();
      } catch (error) {
        // The bytes passed the type check but libvips cannot render them: retrying changes nothing.
        throw new PermanentJobError(`cannot render a thumbnail: ${(error as Error).message}`);
      }
      const key = `thumbnails/${data.objectId}.webp`;
      await driver.put(key, thumbnail, 'image/webp');
      await database.query('UPDATE mp_storage_objects SET thumbnail_key = $2 WHERE id = $1', [data.objectId, key]);
    },
  };
}

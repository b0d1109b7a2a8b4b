import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { defaulted } from '../schema/defaulted.ts';
import { duration, parseDuration } from '../schema/duration.ts';
import { listSet } from '../schema/list-types.ts';
import { celQuantity, parseQuantity, quantity } from '../schema/quantity.ts';
import { secretReference } from '../schema/secret-key-selector.ts';

/** S3 (SigV4) caps presigned URLs at seven days. */
export const MAX_PRESIGNED_URL_TTL = '168h';

const StorageLimitsSchema = defaulted(
  withCelRules(
    z
      .object({
        maxObjectSize: quantity('Largest object a client may upload, for example 25Mi. Must be positive.').default(
          '25Mi',
        ),
        allowedContentTypes: listSet(
          z
            .string()
            .max(127)
            .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/, {
              error: 'must be a media type such as image/png or image/*',
            }),
          50,
        )
          .default(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'video/mp4', 'application/pdf'])
          .describe(
            'Media types clients may upload (checked against the bytes, not just the header); image/* allowed.',
          ),
        presignedURLTTL: duration(
          `How long presigned upload and download URLs stay valid, at most ${MAX_PRESIGNED_URL_TTL}. Defaults to 15m.`,
        ).default('15m'),
      })
      .describe('Upload limits.'),
    [
      {
        rule: `${celQuantity('self.maxObjectSize')}.isGreaterThan(quantity('0'))`,
        message: 'maxObjectSize must be greater than zero',
        fieldPath: '.maxObjectSize',
        holds: (self) => parseQuantity(self.maxObjectSize) > 0,
      },
      {
        rule: `duration(self.presignedURLTTL) > duration('0s') && duration(self.presignedURLTTL) <= duration('${MAX_PRESIGNED_URL_TTL}')`,
        message: `presignedURLTTL must be greater than zero and at most ${MAX_PRESIGNED_URL_TTL}`,
        fieldPath: '.presignedURLTTL',
        holds: (self) => {
          const ttl = parseDuration(self.presignedURLTTL);
          return ttl > 0 && ttl <= parseDuration(MAX_PRESIGNED_URL_TTL);
        },
      },
    ],
  ),
  {},
);

export const StorageSpecSchema = z
  .object({
    bucket: z
      .string()
      .min(3)
      .max(63)
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, { error: 'must be a valid S3 bucket name' })
      .describe('Bucket that holds the uploaded objects.'),
    endpoint: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/, { error: 'must be an http:// or https:// URL' })
      .optional()
      .describe('S3-compatible endpoint URL, for example https://minio.storage.svc:9000. Omit for AWS S3.'),
    region: z.string().min(1).max(64).default('us-east-1').describe('Region of the bucket.'),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe('Address the bucket as <endpoint>/<bucket> instead of <bucket>.<endpoint> (MinIO and most others).'),
    credentialsSecretRef: secretReference(
      'Secret with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Omit to use the pod identity.',
    ).optional(),
    limits: StorageLimitsSchema,
  })
  .describe('Object storage for uploads; required when components.storage is enabled.');

export type StorageSpec = z.output<typeof StorageSpecSchema>;

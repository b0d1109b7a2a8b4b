import { z } from 'zod';
import { secretKeySelector } from '../schema/secret-key-selector.ts';

export const DatabaseSpecSchema = z
  .object({
    secretRef: secretKeySelector(
      'Secret holding the PostgreSQL connection string (postgres://user:password@host:5432/db?sslmode=verify-full).',
      'dsn',
    ),
    maxConnections: z
      .int()
      .min(1)
      .max(500)
      .default(10)
      .describe('Connection pool size per pod. Mind PostgreSQL max_connections across all replicas.'),
  })
  .describe(
    'PostgreSQL database. When omitted each pod uses an embedded database, which only suits a laptop or a demo.',
  );

export type DatabaseSpec = z.output<typeof DatabaseSpecSchema>;

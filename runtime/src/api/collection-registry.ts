import type { z } from 'zod';
import type { CollectionSettings, DeprecationSettings } from '../platform/config-schema.ts';
import { AppError } from '../platform/error-catalog.ts';
import type { AccessScope, Principal } from './access-policy.ts';
import { resolveAccess } from './access-policy.ts';
import { documentSchema } from './document-schema.ts';

export interface Collection {
  name: string;
  settings: CollectionSettings;
  schema: z.ZodObject;
}

/** The collections declared in runtime config, with their document schemas built once at start. */
export class CollectionRegistry {
  private readonly byName = new Map<string, Collection>();

  constructor(collections: Record<string, CollectionSettings>) {
    for (const [name, settings] of Object.entries(collections))
      this.byName.set(name, { name, settings, schema: documentSchema(settings) });
  }

  all(): Collection[] {
    return [...this.byName.values()];
  }

  get(name: string): Collection {
    const collection = this.byName.get(name);
    if (collection === undefined) throw new AppError('not-found', 'no such collection');
    return collection;
  }
}

/** The caller's scope for an operation, or 401/403 when it has none. */
export function requireAccess(
  collection: Collection,
  operation: 'read' | 'create' | 'update' | 'delete',
  principal: Principal | undefined,
): Exclude<AccessScope, 'none'> {
  const scope = resolveAccess(collection.settings.access[operation], principal);
  if (scope !== 'none') return scope;
  if (principal === undefined)
    throw new AppError('unauthenticated', `${operation} on ${collection.name} requires a signed-in user`, {
      headers: { 'www-authenticate': 'Bearer' },
    });
  throw new AppError('forbidden', `${operation} on ${collection.name} is not allowed for this user`);
}

/** RFC 9745 `Deprecation` (a structured date), RFC 8594 `Sunset` (an HTTP-date) and a `Link` to the notice. */
export function deprecationHeaders(deprecation: DeprecationSettings | undefined): Record<string, string> {
  if (deprecation === undefined) return {};
  const headers: Record<string, string> = {
    deprecation: `@${Math.floor(Date.parse(deprecation.deprecatedAt) / 1000)}`,
  };
  if (deprecation.sunsetAt !== undefined) headers['sunset'] = new Date(deprecation.sunsetAt).toUTCString();
  if (deprecation.link !== undefined) headers['link'] = `<${deprecation.link}>; rel="deprecation"; type="text/html"`;
  return headers;
}

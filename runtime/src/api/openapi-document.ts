import { z } from 'zod';
import { ERROR_CATALOG } from '../platform/error-catalog.ts';
import { PROBLEM_TYPE_BASE } from '../platform/problem-details.ts';
import type { CollectionRegistry } from './collection-registry.ts';
import { FILTER_OPERATORS } from './list-query.ts';

const problemSchema = z
  .object({
    type: z.url().describe(`${PROBLEM_TYPE_BASE}<code>; see docs/problems.md`),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details');

function envelope(data: z.ZodType) {
  return z.object({
    id: z.uuid(),
    owner: z.string(),
    version: z.int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    data,
  });
}

/** JSON Schema 2020-12 from zod, without the `$schema` key (OpenAPI 3.1 schemas are 2020-12 already). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/**
 * The OpenAPI 3.1 document of `/v1`, generated from the same zod schemas that validate requests, so it cannot drift
 * from what the server accepts. Served at `/v1/openapi.json`.
 */
export function buildOpenApiDocument(
  collections: CollectionRegistry,
  info: { revision: string },
): Record<string, unknown> {
  const schemas: Record<string, unknown> = { Problem: jsonSchema(problemSchema) };
  const paths: Record<string, unknown> = {};
  const errors = Object.fromEntries(
    [400, 401, 403, 404, 409, 412, 413, 415, 422, 429].map((status) => [
      String(status),
      problemResponse(
        Object.entries(ERROR_CATALOG)
          .filter(([, e]) => e.status === status)
          .map(([code]) => code)
          .join(', '),
      ),
    ]),
  );
  const pick = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), errors[String(s)]]));
  const idempotencyKey = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    description: 'Retries with the same key replay the first response (24 h, per user).',
  };
  const ifMatch = { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } };

  for (const collection of collections.all()) {
    const name = collection.name;
    const title = name.charAt(0).toUpperCase() + name.slice(1);
    const fields = Object.keys(collection.settings.fields);
    schemas[`${title}Data`] = jsonSchema(collection.schema, 'input');
    schemas[`${title}Document`] = jsonSchema(envelope(collection.schema));
    schemas[`${title}Page`] = {
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: {
        items: { type: 'array', items: ref(`${title}Document`) },
        nextCursor: { type: ['string', 'null'] },
      },
    };
    schemas[`${title}Changes`] = {
      type: 'object',
      required: ['changes', 'nextSince', 'hasMore', 'pending'],
      properties: {
        changes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['op', 'id', 'version', 'updatedAt'],
            properties: {
              op: { enum: ['upsert', 'delete'] },
              id: { type: 'string', format: 'uuid' },
              version: { type: 'integer' },
              updatedAt: { type: 'string', format: 'date-time' },
              document: ref(`${title}Document`),
            },
          },
        },
        nextSince: { type: 'string' },
        hasMore: { type: 'boolean', description: 'More changes are ready: ask again now.' },
        pending: {
          type: 'boolean',
          description: 'Committed changes wait behind an older open transaction: ask again shortly.',
        },
      },
    };
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
    const fieldsParam = {
      name: 'fields',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: `Sparse fieldset: comma-separated of ${fields.join(', ')}`,
    };
    const documentResponse = (status: string, description: string) => ({
      [status]: {
        description,
        headers: { ETag: { schema: { type: 'string' } } },
        content: json(ref(`${title}Document`)),
      },
    });
    const deprecated = collection.settings.deprecation !== undefined;
    paths[`/v1/collections/${name}/documents`] = {
      get: {
        operationId: `list${title}`,
        tags: [name],
        deprecated,
        summary: `List ${name} (cursor pagination)`,
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: collection.settings.maxPageSize },
          },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          {
            name: 'sort',
            in: 'query',
            schema: { type: 'string' },
            description: `Comma-separated, '-' for descending: ${[...fields, 'createdAt', 'updatedAt'].join(', ')}`,
          },
          fieldsParam,
          {
            name: 'filter',
            in: 'query',
            style: 'deepObject',
            explode: true,
            schema: { type: 'object' },
            description: `filter[field][op]=value, op one of ${FILTER_OPERATORS.join(', ')}`,
          },
        ],
        responses: {
          '200': { description: 'A page', content: json(ref(`${title}Page`)) },
          '304': { description: 'Not modified' },
          ...pick(400, 401, 403, 429),
        },
      },
      post: {
        operationId: `create${title}`,
        tags: [name],
        deprecated,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref(`${title}Data`)) },
        responses: { ...documentResponse('201', 'Created'), ...pick(400, 401, 403, 409, 413, 415, 422, 429) },
      },
    };
    paths[`/v1/collections/${name}/documents/{id}`] = {
      get: {
        operationId: `get${title}`,
        tags: [name],
        deprecated,
        parameters: [idParam, fieldsParam],
        responses: {
          ...documentResponse('200', 'The document'),
          '304': { description: 'Not modified' },
          ...pick(400, 401, 403, 404, 429),
        },
      },
      put: {
        operationId: `replace${title}`,
        tags: [name],
        deprecated,
        parameters: [idParam, ifMatch, idempotencyKey],
        requestBody: { required: true, content: json(ref(`${title}Data`)) },
        responses: {
          ...documentResponse('200', 'Replaced'),
          ...pick(400, 401, 403, 404, 409, 412, 413, 415, 422, 429),
        },
      },
      patch: {
        operationId: `patch${title}`,
        tags: [name],
        deprecated,
        parameters: [idParam, ifMatch, idempotencyKey],
        requestBody: { required: true, content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
        responses: { ...documentResponse('200', 'Patched'), ...pick(400, 401, 403, 404, 409, 412, 413, 415, 422, 429) },
      },
      delete: {
        operationId: `delete${title}`,
        tags: [name],
        deprecated,
        parameters: [idParam, ifMatch, idempotencyKey],
        responses: {
          '204': { description: 'Deleted (a tombstone stays for delta sync)' },
          ...pick(400, 401, 403, 404, 409, 412, 429),
        },
      },
    };
    paths[`/v1/collections/${name}/changes`] = {
      get: {
        operationId: `sync${title}`,
        tags: [name],
        deprecated,
        summary: 'Delta sync: changes since a cursor, deletes as tombstones',
        parameters: [
          { name: 'since', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          '200': { description: 'Changes in commit order', content: json(ref(`${title}Changes`)) },
          ...pick(400, 401, 403, 429),
        },
      },
    };
    paths[`/v1/collections/${name}/events`] = {
      get: {
        operationId: `stream${title}`,
        tags: [name],
        deprecated,
        summary: 'Realtime change feed (Server-Sent Events); resumes from Last-Event-ID. WebSocket: /socket',
        parameters: [
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
          { name: 'since', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'An event stream of change entries',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...pick(400, 401, 403, 429),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mobileplane data API',
      version: `v1 (${info.revision})`,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }, {}],
    paths,
  };
}

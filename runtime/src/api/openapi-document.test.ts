import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config-loader.ts';
import { CollectionRegistry } from './collection-registry.ts';
import { buildOpenApiDocument } from './openapi-document.ts';

const config = loadConfig({
  argv: ['--component=api'],
  env: { MOBILEPLANE_CONFIG_FILE: new URL('../../config/demo.json', import.meta.url).pathname },
});
const document = buildOpenApiDocument(new CollectionRegistry(config.collections), { revision: 'test' });

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document['openapi']).toBe('3.1.0');
  });

  it('derives the document schemas from the same zod schemas that validate requests', () => {
    const schemas = (
      document['components'] as {
        schemas: Record<
          string,
          { properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean }
        >;
      }
    ).schemas;
    const notes = schemas['NotesData']!;
    expect(Object.keys(notes.properties).sort()).toEqual(['body', 'due', 'pinned', 'priority', 'title']);
    expect(notes.required).toEqual(['title']);
    expect(notes.additionalProperties).toBe(false);
    expect(notes.properties['priority']).toMatchObject({ type: 'integer', minimum: 0, maximum: 5 });
    expect(Object.keys(document['paths'] as object)).toContain('/v1/collections/todos/changes');
  });

  it('fails validation when the document is broken (the validator is not a no-op)', async () => {
    const broken = { ...document, paths: { '/x': { get: { responses: { '200': { content: 5 } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});

import { z } from 'zod';
import type { CollectionSettings, FieldDeclaration } from '../platform/config-schema.ts';
import { validationError } from '../platform/error-catalog.ts';

export type DocumentData = Record<string, string | number | boolean>;

function fieldSchema(field: FieldDeclaration): z.ZodType {
  let schema: z.ZodType;
  switch (field.type) {
    case 'string':
      schema = z.string().max(field.maxLength ?? 10_000);
      break;
    case 'number':
    case 'integer': {
      let n = field.type === 'integer' ? z.int() : z.number();
      if (field.minimum !== undefined) n = n.min(field.minimum);
      if (field.maximum !== undefined) n = n.max(field.maximum);
      schema = n;
      break;
    }
    case 'boolean':
      schema = z.boolean();
      break;
    case 'datetime':
      schema = z.iso.datetime({ offset: true });
      break;
  }
  if (field.description !== undefined) schema = schema.describe(field.description);
  return field.required ? schema : schema.optional();
}

/** The zod schema of a collection's documents, built from its declared fields; unknown fields are refused. */
export function documentSchema(collection: CollectionSettings): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(collection.fields)) shape[name] = fieldSchema(field);
  return z.strictObject(shape);
}

/** Datetimes are stored as UTC ISO strings of one fixed width, so their text order is their time order. */
function normalise(collection: CollectionSettings, data: Record<string, unknown>): DocumentData {
  const out: DocumentData = {};
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    out[name] =
      collection.fields[name]?.type === 'datetime' ? new Date(value as string).toISOString() : (value as string);
  }
  return out;
}

/** Validates a full document body; throws `validation-failed` listing every field and reason. */
export function validateDocument(schema: z.ZodObject, collection: CollectionSettings, body: unknown): DocumentData {
  const result = schema.safeParse(body);
  if (!result.success)
    throw validationError(
      result.error.issues.map((issue) => ({
        path:
          issue.path.length > 0
            ? issue.path.map(String).join('.')
            : issue.code === 'unrecognized_keys'
              ? issue.keys.join(',')
              : '(body)',
        message: issue.message,
      })),
    );
  return normalise(collection, result.data);
}

/** RFC 7396 JSON merge patch for flat documents: `null` removes a field, other values replace it. */
export function mergePatch(current: DocumentData, patch: unknown): Record<string, unknown> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw validationError([{ path: '(body)', message: 'a merge patch must be a JSON object' }]);
  const merged = new Map<string, unknown>(Object.entries(current));
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) merged.delete(name);
    else merged.set(name, value);
  }
  return Object.fromEntries(merged);
}

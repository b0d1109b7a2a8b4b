import { describe, expect, it } from 'vitest';
import { collectionSchema } from '../platform/config-schema.ts';
import { AppError } from '../platform/error-catalog.ts';
import { documentSchema, mergePatch, validateDocument } from './document-schema.ts';

const todos = collectionSchema.parse({
  fields: {
    title: { type: 'string', required: true, maxLength: 20 },
    priority: { type: 'integer', minimum: 0, maximum: 5 },
    weight: { type: 'number' },
    done: { type: 'boolean' },
    due: { type: 'datetime' },
  },
});
const schema = documentSchema(todos);

function errorsOf(body: unknown): unknown {
  try {
    validateDocument(schema, todos, body);
  } catch (error) {
    return (error as AppError).extensions['errors'];
  }
  return undefined;
}

describe('validateDocument', () => {
  it('accepts a valid document and normalises datetimes to UTC', () => {
    expect(validateDocument(schema, todos, { title: 'a', priority: 2, due: '2025-01-01T10:00:00+02:00' })).toEqual({
      title: 'a',
      priority: 2,
      due: '2025-01-01T08:00:00.000Z',
    });
  });

  it.each([
    [{}, 'title'],
    [{ title: 1 }, 'title'],
    [{ title: 'x'.repeat(21) }, 'title'],
    [{ title: 'a', priority: 1.5 }, 'priority'],
    [{ title: 'a', priority: 6 }, 'priority'],
    [{ title: 'a', done: 'yes' }, 'done'],
    [{ title: 'a', due: 'tomorrow' }, 'due'],
    [{ title: 'a', extra: true }, 'extra'],
    [{ title: 'a', nested: { deep: [1] } }, 'nested'],
    [[], '(body)'],
    ['text', '(body)'],
    [null, '(body)'],
  ])('refuses %j naming %s', (body, path) => {
    expect(errorsOf(body)).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });
});

describe('mergePatch', () => {
  it('sets, replaces and removes fields (RFC 7396)', () => {
    expect(mergePatch({ title: 'a', done: false }, { done: true, priority: 3, title: null })).toEqual({
      done: true,
      priority: 3,
    });
  });

  it('refuses a non-object patch', () => {
    expect(() => mergePatch({}, [1])).toThrow(AppError);
  });
});

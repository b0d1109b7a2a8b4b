import { describe, expect, it } from 'vitest';
import { collectionSchema } from '../platform/config-schema.ts';
import { AppError } from '../platform/error-catalog.ts';
import { decodeListCursor, encodeListCursor } from './cursor-codec.ts';
import { buildListSql } from './document-sql.ts';
import { parseListQuery } from './list-query.ts';

const todos = collectionSchema.parse({
  fields: {
    title: { type: 'string', required: true },
    priority: { type: 'integer' },
    done: { type: 'boolean' },
    due: { type: 'datetime' },
  },
  maxPageSize: 50,
});

const parse = (qs: string) => parseListQuery(todos, new URLSearchParams(qs));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'other';
  }
  return undefined;
}

const INJECTIONS = [
  "' OR 1=1 --",
  "title'; DROP TABLE mp_documents; --",
  '"title"',
  'data->>0',
  '1); SELECT pg_sleep(1)--',
];

describe('parseListQuery', () => {
  it('parses filters, sort, fields and limit', () => {
    const q = parse(
      'filter[title][prefix]=bu&filter[priority][gte]=2&filter[done]=false&sort=-priority,title&fields=title&limit=5',
    );
    expect(q.filters.map((f) => [f.field.name, f.op, f.values])).toEqual([
      ['title', 'prefix', ['bu']],
      ['priority', 'gte', [2]],
      ['done', 'eq', [false]],
    ]);
    expect(q.sortSignature).toBe('-priority,title');
    expect(q.fields).toEqual(['title']);
    expect(q.limit).toBe(5);
  });

  it('sorts by creation time by default', () => {
    expect(parse('').sortSignature).toBe('createdAt');
  });

  it.each([
    'filter[nope]=1',
    'filter[title][like]=x',
    'filter[priority]=high',
    'filter[priority]=1.5',
    'filter[done]=yes',
    'filter[due][gt]=soon',
    'filter[priority][prefix]=1',
    'sort=nope',
    'sort=title,title',
    'fields=nope',
    'limit=0',
    'limit=51',
    'limit=ten',
    'unknown=1',
    'limit=1&limit=2',
    ...INJECTIONS.flatMap((s) => [
      `sort=${encodeURIComponent(s)}`,
      `fields=${encodeURIComponent(s)}`,
      `filter[${encodeURIComponent(s)}]=1`,
    ]),
    ...INJECTIONS.map((s) => `filter[priority]=${encodeURIComponent(s)}`),
  ])('refuses %s with invalid-parameter', (qs) => expect(codeOf(() => parse(qs))).toBe('invalid-parameter'));
});

describe('buildListSql', () => {
  it('keeps every value out of the SQL text', () => {
    for (const s of INJECTIONS) {
      const q = parse(`filter[title]=${encodeURIComponent(s)}&sort=-priority`);
      const sql = buildListSql('todos', q, 'own', "alice'--", undefined);
      expect(sql.text).not.toContain(s);
      expect(sql.text).not.toContain('alice');
      expect(sql.values).toContain(s);
    }
  });

  it('expands the keyset condition over mixed directions with nulls last', () => {
    const q = parse('sort=-priority,title');
    const sql = buildListSql('todos', q, 'all', undefined, {
      sort: q.sortSignature,
      keys: ['3', 'b'],
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(sql.text).toMatch(/ORDER BY .* IS NULL, .* DESC, .* IS NULL, .* ASC, d\.id ASC/s);
    expect(sql.text).toContain(' < $');
    expect(sql.values).toEqual(expect.arrayContaining(['3', 'b', '00000000-0000-4000-8000-000000000000']));
  });

  it.each([
    [['abc'], 'createdAt'],
    [[null], 'createdAt'],
    [['1; DROP'], 'priority'],
  ])('refuses tampered cursor values %j for sort %s', (keys, sort) => {
    const q = parse(`sort=${sort}`);
    const cursor = { sort, keys, id: '00000000-0000-4000-8000-000000000000' };
    expect(codeOf(() => buildListSql('todos', q, 'all', undefined, cursor))).toBe('invalid-cursor');
  });
});

describe('list cursors', () => {
  it('round-trip and are bound to their sort order', () => {
    const cursor = { sort: 'title', keys: ['x', null], id: '00000000-0000-4000-8000-000000000001' };
    const text = encodeListCursor(cursor);
    expect(decodeListCursor(text, 'title', 2)).toEqual(cursor);
    expect(codeOf(() => decodeListCursor(text, '-title', 2))).toBe('invalid-cursor');
    expect(codeOf(() => decodeListCursor('not*base64', 'title', 2))).toBe('invalid-cursor');
    expect(
      codeOf(() => decodeListCursor(Buffer.from('{"s":"title","k":[1],"i":"x"}').toString('base64url'), 'title', 1)),
    ).toBe('invalid-cursor');
  });
});

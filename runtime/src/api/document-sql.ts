import type { AccessScope } from './access-policy.ts';
import type { ListCursor } from './cursor-codec.ts';
import type { FieldRef, Filter, ListQuery } from './list-query.ts';
import { AppError } from '../platform/error-catalog.ts';

/** Collects parameters; every value reaches PostgreSQL as `$n`, never inside the SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** Columns of a document row, formatted the same by both drivers. */
export const DOCUMENT_COLUMNS = `d.id::text AS id, d.owner_id AS owner, d.data, d.version, d.deleted, d.xid::text AS xid,
  to_char(d.created_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS created_at,
  to_char(d.updated_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS updated_at`;

type SqlType = 'text' | 'numeric' | 'boolean' | 'timestamptz';

interface FieldSql {
  expr: string;
  type: SqlType;
  nullable: boolean;
  /** The key as text, for cursors; the same text cast back to `type` compares equal. */
  keyText: string;
}

function fieldSql(field: FieldRef, params: SqlParams): FieldSql {
  if (field.kind !== 'data') {
    const column = field.kind === 'createdAt' ? 'd.created_at' : 'd.updated_at';
    return {
      expr: column,
      type: 'timestamptz',
      nullable: false,
      keyText: `to_char(${column} AT TIME ZONE 'UTC', ${ISO_UTC})`,
    };
  }
  const name = params.add(field.name);
  const typed = (jsonType: string, cast: string) =>
    `(CASE WHEN jsonb_typeof(d.data->${name}::text) = '${jsonType}' THEN (d.data->>${name}::text)::${cast} END)`;
  switch (field.type) {
    case 'number':
    case 'integer': {
      const expr = typed('number', 'numeric');
      return { expr, type: 'numeric', nullable: true, keyText: `${expr}::text` };
    }
    case 'boolean': {
      const expr = typed('boolean', 'boolean');
      return { expr, type: 'boolean', nullable: true, keyText: `${expr}::text` };
    }
    default: {
      // COLLATE "C": byte order, identical on every server and on PGlite whatever their default collation.
      const expr = `(d.data->>${name}::text) COLLATE "C"`;
      return { expr, type: 'text', nullable: true, keyText: expr };
    }
  }
}

const CURSOR_VALUE: Record<SqlType, RegExp> = {
  text: /^[\s\S]*$/,
  numeric: /^-?\d{1,1000}(\.\d{1,1000})?$/,
  boolean: /^(true|false)$/,
  timestamptz: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
};

function filterSql(filter: Filter, params: SqlParams): string {
  if (filter.op === 'exists') {
    const test = `(d.data ? ${params.add(filter.field.name)}::text)`;
    return filter.values[0] === true ? test : `NOT ${test}`;
  }
  const { expr, type } = fieldSql(filter.field, params);
  const value = (v: unknown) => `${params.add(v)}::${type}`;
  const [first] = filter.values;
  switch (filter.op) {
    case 'eq':
      return `${expr} = ${value(first)}`;
    case 'ne':
      return `${expr} IS DISTINCT FROM ${value(first)}`;
    case 'lt':
      return `${expr} < ${value(first)}`;
    case 'lte':
      return `${expr} <= ${value(first)}`;
    case 'gt':
      return `${expr} > ${value(first)}`;
    case 'gte':
      return `${expr} >= ${value(first)}`;
    case 'in':
      return `${expr} IN (${filter.values.map(value).join(', ')})`;
    case 'prefix':
      return `starts_with(${expr}, ${value(first)})`;
  }
}

/**
 * Keyset pagination: rows strictly after the cursor in the order (key1 nulls last, key2 ..., id). Expanded as
 * OR over "equal on the keys before, after on this one" so mixed directions work; stable under concurrent inserts
 * and deletes because it never counts rows (no OFFSET).
 */
function afterCursorSql(
  keys: (FieldSql & { direction: 'asc' | 'desc' })[],
  cursor: ListCursor,
  params: SqlParams,
): string {
  const equal: string[] = [];
  const branches: string[] = [];
  keys.forEach((key, i) => {
    const raw = cursor.keys[i] ?? null;
    if (raw !== null && !CURSOR_VALUE[key.type].test(raw))
      throw new AppError('invalid-cursor', 'cursor value out of range');
    if (raw === null) {
      if (!key.nullable) throw new AppError('invalid-cursor', 'cursor value out of range');
      equal.push(`${key.expr} IS NULL`); // nulls sort last: nothing is after a null on this key but more nulls
      return;
    }
    const value = `${params.add(raw)}::${key.type}`;
    const after = `${key.expr} ${key.direction === 'asc' ? '>' : '<'} ${value}`;
    branches.push([...equal, key.nullable ? `(${after} OR ${key.expr} IS NULL)` : after].join(' AND '));
    equal.push(`${key.expr} = ${value}`);
  });
  branches.push([...equal, `d.id > ${params.add(cursor.id)}::uuid`].join(' AND '));
  return `(${branches.map((b) => `(${b})`).join(' OR ')})`;
}

export interface ListSql {
  text: string;
  values: unknown[];
  keyCount: number;
}

/** The one SELECT behind `GET /v1/collections/{c}/documents`; fetches one row more than the page to know if more follow. */
export function buildListSql(
  collection: string,
  query: ListQuery,
  scope: AccessScope,
  userId: string | undefined,
  cursor: ListCursor | undefined,
): ListSql {
  const params = new SqlParams();
  const where = [`d.collection = ${params.add(collection)}`, 'NOT d.deleted'];
  if (scope === 'own') where.push(`d.owner_id = ${params.add(userId)}`);
  for (const filter of query.filters) where.push(filterSql(filter, params));
  const keys = query.sort.map((s) => ({ ...fieldSql(s.field, params), direction: s.direction }));
  if (cursor !== undefined) where.push(afterCursorSql(keys, cursor, params));
  const order = keys.flatMap((k) => [
    ...(k.nullable ? [`${k.expr} IS NULL`] : []),
    `${k.expr} ${k.direction.toUpperCase()}`,
  ]);
  const text = `SELECT ${DOCUMENT_COLUMNS}${keys.map((k, i) => `, ${k.keyText} AS k${i}`).join('')}
    FROM mp_documents d WHERE ${where.join(' AND ')}
    ORDER BY ${[...order, 'd.id ASC'].join(', ')} LIMIT ${params.add(query.limit + 1)}`;
  return { text, values: params.values, keyCount: keys.length };
}

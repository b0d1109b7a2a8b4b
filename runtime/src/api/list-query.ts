import type { CollectionSettings, FieldDeclaration } from '../platform/config-schema.ts';
import { AppError } from '../platform/error-catalog.ts';

export const FILTER_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'prefix', 'exists'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Typed values only: a filter value is parsed by its field's declared type before it reaches SQL (as a parameter). */
export type FilterValue = string | number | boolean;

export interface FieldRef {
  kind: 'data' | 'createdAt' | 'updatedAt';
  name: string;
  type: FieldDeclaration['type'] | 'timestamp';
}

export interface Filter {
  field: FieldRef;
  op: FilterOperator;
  values: FilterValue[];
}

export interface SortKey {
  field: FieldRef;
  direction: 'asc' | 'desc';
}

export interface ListQuery {
  limit: number;
  sort: SortKey[];
  /** Normalised sort parameter; a cursor is only valid for the sort it was issued for. */
  sortSignature: string;
  filters: Filter[];
  fields: string[] | undefined;
  cursor: string | undefined;
}

const DEFAULT_LIMIT = 20;
const MAX_IN_VALUES = 50;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const INTEGER = /^-?(0|[1-9]\d*)$/;

function bad(detail: string): AppError {
  return new AppError('invalid-parameter', detail);
}

function fieldRef(collection: CollectionSettings, name: string, parameter: string): FieldRef {
  if (name === 'createdAt' || name === 'updatedAt') return { kind: name, name, type: 'timestamp' };
  const declared = Object.hasOwn(collection.fields, name) ? collection.fields[name] : undefined;
  if (declared === undefined) throw bad(`${parameter}: unknown field ${JSON.stringify(name.slice(0, 64))}`);
  return { kind: 'data', name, type: declared.type };
}

export function parseFilterValue(field: FieldRef, raw: string, parameter: string): FilterValue {
  switch (field.type) {
    case 'string':
      if (raw.length > 1000) throw bad(`${parameter}: value too long`);
      return raw;
    case 'number':
      if (!NUMBER.test(raw) || !Number.isFinite(Number(raw))) throw bad(`${parameter}: not a number`);
      return Number(raw);
    case 'integer':
      if (!INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) throw bad(`${parameter}: not an integer`);
      return Number(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad(`${parameter}: must be true or false`);
      return raw === 'true';
    case 'datetime':
    case 'timestamp': {
      const time = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw)
        ? Date.parse(raw)
        : NaN;
      if (!Number.isFinite(time)) throw bad(`${parameter}: not an ISO 8601 date-time`);
      return new Date(time).toISOString();
    }
  }
}

function parseFilter(collection: CollectionSettings, name: string, op: string, raw: string, parameter: string): Filter {
  const field = fieldRef(collection, name, parameter);
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) throw bad(`${parameter}: unknown operator`);
  const operator = op as FilterOperator;
  if (operator === 'exists') {
    if (field.kind !== 'data') throw bad(`${parameter}: exists applies to document fields`);
    if (raw !== 'true' && raw !== 'false') throw bad(`${parameter}: must be true or false`);
    return { field, op: operator, values: [raw === 'true'] };
  }
  if (operator === 'prefix' && field.type !== 'string') throw bad(`${parameter}: prefix applies to string fields`);
  if (operator === 'in') {
    const parts = raw.split(',');
    if (parts.length > MAX_IN_VALUES) throw bad(`${parameter}: at most ${MAX_IN_VALUES} values`);
    return { field, op: operator, values: parts.map((p) => parseFilterValue(field, p, parameter)) };
  }
  return { field, op: operator, values: [parseFilterValue(field, raw, parameter)] };
}

/**
 * Parses a list request's query string against the collection's declared fields. Anything not understood is a
 * 400 naming the parameter, never passed on: `filter[field][op]=value` (or `filter[field]=value` for eq),
 * `sort=a,-b`, `fields=a,b`, `limit`, `cursor`.
 */
export function parseListQuery(collection: CollectionSettings, params: URLSearchParams): ListQuery {
  const query: ListQuery = {
    limit: DEFAULT_LIMIT,
    sort: [],
    sortSignature: '',
    filters: [],
    fields: undefined,
    cursor: undefined,
  };
  const seen = new Set<string>();
  for (const [parameter, raw] of params) {
    const label = parameter.slice(0, 80);
    if (seen.has(parameter)) throw bad(`${label}: given more than once`);
    seen.add(parameter);
    const filter = /^filter\[([^\]]{1,64})\](?:\[([a-z]{1,10})\])?$/.exec(parameter);
    if (filter !== null) {
      if (query.filters.length >= 20) throw bad('filter: at most 20 filters');
      query.filters.push(parseFilter(collection, filter[1] as string, filter[2] ?? 'eq', raw, label));
    } else if (parameter === 'limit') {
      if (!INTEGER.test(raw) || Number(raw) < 1 || Number(raw) > collection.maxPageSize)
        throw bad(`limit: must be an integer from 1 to ${collection.maxPageSize}`);
      query.limit = Number(raw);
    } else if (parameter === 'sort') {
      const names = raw.split(',');
      if (names.length > 3) throw bad('sort: at most 3 fields');
      query.sort = names.map((n) => {
        const desc = n.startsWith('-');
        return { field: fieldRef(collection, desc ? n.slice(1) : n, 'sort'), direction: desc ? 'desc' : 'asc' };
      });
      if (new Set(query.sort.map((s) => s.field.name)).size !== query.sort.length) throw bad('sort: a field repeats');
    } else if (parameter === 'fields') {
      query.fields = raw.split(',').map((name) => {
        if (!Object.hasOwn(collection.fields, name))
          throw bad(`fields: unknown field ${JSON.stringify(name.slice(0, 64))}`);
        return name;
      });
    } else if (parameter === 'cursor') {
      query.cursor = raw;
    } else throw bad(`${label}: unknown parameter`);
  }
  if (query.sort.length === 0) query.sort = [{ field: fieldRef(collection, 'createdAt', 'sort'), direction: 'asc' }];
  query.sortSignature = query.sort.map((s) => (s.direction === 'desc' ? '-' : '') + s.field.name).join(',');
  query.limit = Math.min(query.limit, collection.maxPageSize);
  return query;
}

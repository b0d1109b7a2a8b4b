import { AppError } from '../platform/error-catalog.ts';

/** A list cursor: the sort signature it belongs to and the last row's sort key values (as text) and id. */
export interface ListCursor {
  sort: string;
  keys: (string | null)[];
  id: string;
}

/** Opaque to clients (base64url JSON); validated field by field when it comes back. */
export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.keys, i: cursor.id })).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function decodeJson(text: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(text)) throw new AppError('invalid-cursor', 'not a cursor issued by this API');
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new AppError('invalid-cursor', 'not a cursor issued by this API');
  }
}

export function decodeListCursor(text: string, expectedSort: string, keyCount: number): ListCursor {
  const raw = decodeJson(text) as { s?: unknown; k?: unknown; i?: unknown } | null;
  if (
    typeof raw !== 'object' ||
    raw === null ||
    typeof raw.s !== 'string' ||
    typeof raw.i !== 'string' ||
    !isUuid(raw.i) ||
    !Array.isArray(raw.k) ||
    raw.k.length !== keyCount ||
    !raw.k.every((k) => k === null || (typeof k === 'string' && k.length <= 20_000))
  )
    throw new AppError('invalid-cursor', 'not a cursor issued by this API');
  if (raw.s !== expectedSort) throw new AppError('invalid-cursor', 'the cursor belongs to a different sort order');
  return { sort: raw.s, keys: raw.k as (string | null)[], id: raw.i };
}

/**
 * A delta-sync cursor: the (transaction id, document id) of the last change the client has. Changes are ordered by
 * the writing transaction's xid8, then document id.
 */
export interface ChangeCursor {
  xid: string;
  id: string;
}

export const INITIAL_CHANGE_CURSOR: ChangeCursor = { xid: '0', id: '00000000-0000-0000-0000-000000000000' };
const XID8_MAX = 18446744073709551615n;

export function encodeChangeCursor(cursor: ChangeCursor): string {
  return Buffer.from(JSON.stringify({ x: cursor.xid, i: cursor.id })).toString('base64url');
}

export function decodeChangeCursor(text: string): ChangeCursor {
  const raw = decodeJson(text) as { x?: unknown; i?: unknown } | null;
  const xid = typeof raw === 'object' && raw !== null ? raw.x : undefined;
  const id = typeof raw === 'object' && raw !== null ? raw.i : undefined;
  if (
    typeof xid !== 'string' ||
    !/^\d{1,20}$/.test(xid) ||
    BigInt(xid) > XID8_MAX ||
    typeof id !== 'string' ||
    !isUuid(id)
  )
    throw new AppError('invalid-cursor', 'not a change cursor issued by this API');
  return { xid, id };
}

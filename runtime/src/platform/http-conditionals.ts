import { createHash } from 'node:crypto';

/** A strong ETag for a byte representation (RFC 9110 §8.8.3). */
export function etagOf(bytes: Buffer | string): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
}

/** The opaque part of an entity tag, without `W/` and without the content-coding suffix we add. */
function opaque(tag: string): string {
  let t = tag.trim();
  if (t.startsWith('W/')) t = t.slice(2);
  return t.replace(/-(br|gzip)"$/, '"');
}

function parseTagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): true means "answer 304". */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseTagList(header);
  return tags.includes('*') || tags.some((t) => opaque(t) === opaque(etag));
}

/**
 * If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag never matches. Returns the set of
 * acceptable opaque tags, or `'*'`.
 */
export function parseIfMatch(header: string): '*' | string[] {
  const tags = parseTagList(header);
  if (tags.includes('*')) return '*';
  return tags.filter((t) => !t.startsWith('W/')).map(opaque);
}

export function strongMatch(accepted: '*' | string[], etag: string): boolean {
  return accepted === '*' || accepted.includes(opaque(etag));
}

/** Picks br or gzip from Accept-Encoding (q-values honoured, br preferred on a tie), or undefined. */
export function negotiateEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  if (header === undefined) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*') ?? 0;
  const br = q.get('br') ?? star;
  const gzip = q.get('gzip') ?? star;
  if (br <= 0 && gzip <= 0) return undefined;
  return br >= gzip ? 'br' : 'gzip';
}

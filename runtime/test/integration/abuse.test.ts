import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE mp_documents; --",
  '1; DELETE FROM mp_documents',
  "title') OR 1=1 --",
  '" OR ""="',
  "\\'; SELECT pg_sleep(5); --",
  '$1',
  "data->>'title'",
];

function rawPost(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let type: string | undefined;
          try {
            type = (JSON.parse(text) as { type?: string }).type;
          } catch {
            type = undefined;
          }
          resolve({ status: res.statusCode ?? 0, type });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(BACKENDS)('abuse on $name', (backend) => {
  let suite: Suite;
  const notes = () => `${suite.url}/v1/collections/notes/documents`;
  const snapshot = async () =>
    (
      await suite.runtime.database.query<{ s: string }>(
        `SELECT coalesce(string_agg(id::text || ':' || version || ':' || data::text, ',' ORDER BY id), '') ||
                (SELECT count(*)::text FROM pg_tables WHERE tablename LIKE 'mp_%') AS s FROM mp_documents`,
      )
    ).rows[0]?.s;

  beforeAll(async () => {
    suite = await startSuite(backend);
    for (const title of ['alpha', 'beta', 'gamma']) await fetch(notes(), jsonRequest('POST', { title, priority: 1 }));
  });
  afterAll(async () => suite?.stop());

  it('treats SQL injection in filters, sort, fields and cursors as data or a 4xx, never SQL', async () => {
    const before = await snapshot();
    for (const s of INJECTIONS) {
      const e = encodeURIComponent(s);
      // As a string filter value it is just a value that matches nothing.
      const asValue = await fetch(`${notes()}?filter[title]=${e}`);
      expect(asValue.status).toBe(200);
      expect(((await asValue.json()) as { items: unknown[] }).items).toEqual([]);
      for (const qs of [
        `filter[priority]=${e}`,
        `filter[${e}]=1`,
        `filter[title][${e}]=1`,
        `sort=${e}`,
        `sort=-${e}`,
        `fields=${e}`,
        `cursor=${e}`,
        `${e}=1`,
        `limit=${e}`,
      ]) {
        const res = await fetch(`${notes()}?${qs}`);
        expect(res.status, qs).toBeGreaterThanOrEqual(400);
        expect(res.status, qs).toBeLessThan(500);
      }
      const forged = Buffer.from(
        JSON.stringify({ s: 'createdAt', k: [s], i: '00000000-0000-4000-8000-000000000000' }),
      ).toString('base64url');
      expect((await fetch(`${notes()}?cursor=${forged}`)).status).toBe(400);
      expect((await fetch(`${suite.url}/v1/collections/notes/changes?since=${e}`)).status).toBe(400);
      expect((await fetch(`${notes()}/${e}`)).status).toBe(404);
      expect((await fetch(`${suite.url}/v1/collections/${e}/documents`)).status).toBe(404);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses a 10 MB body with 413', async () => {
    const before = await snapshot();
    const big = Buffer.from(JSON.stringify({ title: 'x'.repeat(10 * 1024 * 1024) }));
    const res = await rawPost(notes(), big, { 'content-type': 'application/json' });
    expect(res).toEqual({ status: 413, type: 'https://mobileplane.io/problems/body-too-large' });
    const chunked = await fetch(notes(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    [
      'deeply nested JSON',
      Buffer.from(`{"title":${'['.repeat(50_000)}${']'.repeat(50_000)}}`),
      'application/json',
      'json-too-deep',
    ],
    [
      'invalid UTF-8',
      Buffer.from([...Buffer.from('{"title":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
      'application/json',
      'invalid-encoding',
    ],
    [
      'overlong UTF-8',
      Buffer.from([...Buffer.from('{"title":"'), 0xc0, 0xaf, ...Buffer.from('"}')]),
      'application/json',
      'invalid-encoding',
    ],
    ['malformed JSON', Buffer.from('{"title": "x",}'), 'application/json', 'malformed-json'],
    ['truncated JSON', Buffer.from('{"title": "x'), 'application/json', 'malformed-json'],
    ['an empty body', Buffer.from(''), 'application/json', 'malformed-json'],
    ['text/plain', Buffer.from('{"title":"x"}'), 'text/plain', 'unsupported-media-type'],
    ['form data', Buffer.from('title=x'), 'application/x-www-form-urlencoded', 'unsupported-media-type'],
    ['latin1 charset', Buffer.from('{"title":"x"}'), 'application/json; charset=iso-8859-1', 'unsupported-media-type'],
    ['an unknown field', Buffer.from('{"title":"x","admin":true}'), 'application/json', 'validation-failed'],
    ['a wrong type', Buffer.from('{"title":["x"]}'), 'application/json', 'validation-failed'],
    ['an array body', Buffer.from('[{"title":"x"}]'), 'application/json', 'validation-failed'],
    ['a nested object', Buffer.from('{"title":"x","body":{"$gt":""}}'), 'application/json', 'validation-failed'],
    [
      'a prototype key',
      Buffer.from('{"title":"x","__proto__":{"admin":true}}'),
      'application/json',
      'validation-failed',
    ],
    ['a huge number', Buffer.from('{"title":"x","priority":1e400}'), 'application/json', 'validation-failed'],
  ])('refuses %s with a clear 4xx', async (_name, body, contentType, code) => {
    const before = await snapshot();
    const res = await rawPost(notes(), body, { 'content-type': contentType });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.type).toBe(`https://mobileplane.io/problems/${code}`);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a POST without a content type', async () => {
    const res = await fetch(notes(), { method: 'POST', body: '{"title":"x"}', headers: { 'content-type': '' } });
    expect(res.status).toBe(415);
  });
});

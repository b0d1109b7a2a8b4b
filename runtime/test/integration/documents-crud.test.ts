import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

interface Doc {
  id: string;
  version: number;
  data: Record<string, unknown>;
}

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe.each(BACKENDS)('documents CRUD on $name', (backend) => {
  let suite: Suite;
  const notes = () => `${suite.url}/v1/collections/notes/documents`;
  const create = async (data: Record<string, unknown>): Promise<Doc> => {
    const res = await fetch(notes(), jsonRequest('POST', data));
    expect(res.status).toBe(201);
    return (await res.json()) as Doc;
  };

  beforeAll(async () => {
    suite = await startSuite(backend);
  });
  afterAll(async () => suite?.stop());

  it('creates, reads, replaces, patches and deletes a document', async () => {
    const created = await fetch(notes(), jsonRequest('POST', { title: 'first', priority: 1 }));
    expect(created.status).toBe(201);
    const doc = (await created.json()) as Doc;
    expect(created.headers.get('location')).toBe(`/v1/collections/notes/documents/${doc.id}`);
    expect(created.headers.get('etag')).toBe('"v1"');
    expect(doc).toMatchObject({ version: 1, owner: 'anonymous', data: { title: 'first', priority: 1 } });

    const read = await fetch(`${notes()}/${doc.id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as Doc).data).toEqual({ title: 'first', priority: 1 });

    const replaced = await fetch(`${notes()}/${doc.id}`, jsonRequest('PUT', { title: 'second' }));
    expect(replaced.status).toBe(200);
    expect((await replaced.json()) as Doc).toMatchObject({ version: 2, data: { title: 'second' } });

    const patched = await fetch(`${notes()}/${doc.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ done: true, title: 'third' }),
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()) as Doc).toMatchObject({ version: 3, data: { title: 'third', done: true } });

    const removeTitle = await fetch(`${notes()}/${doc.id}`, jsonRequest('PATCH', { title: null }));
    expect(removeTitle.status).toBe(422);

    const deleted = await fetch(`${notes()}/${doc.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${notes()}/${doc.id}`)).status).toBe(404);
    expect((await fetch(`${notes()}/${doc.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers If-None-Match with 304 and If-Match mismatches with 412', async () => {
    const doc = await create({ title: 'etag' });
    const first = await fetch(`${notes()}/${doc.id}`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(`${notes()}/${doc.id}`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const ok = await fetch(`${notes()}/${doc.id}`, jsonRequest('PUT', { title: 'v2' }, { 'if-match': etag }));
    expect(ok.status).toBe(200);
    const stale = await fetch(`${notes()}/${doc.id}`, jsonRequest('PUT', { title: 'lost' }, { 'if-match': etag }));
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(((await stale.json()) as { type: string }).type).toBe('https://mobileplane.io/problems/precondition-failed');
    expect(stale.headers.get('etag')).toBe('"v2"');
    expect((await fetch(`${notes()}/${doc.id}`, { headers: { 'if-none-match': etag } })).status).toBe(200);

    const list = await fetch(`${notes()}?filter[title]=v2`);
    const listEtag = list.headers.get('etag')!;
    expect((await fetch(`${notes()}?filter[title]=v2`, { headers: { 'if-none-match': listEtag } })).status).toBe(304);
    const patchStale = await fetch(
      `${notes()}/${doc.id}`,
      jsonRequest('PATCH', { title: 'x' }, { 'if-match': '"v1"' }),
    );
    expect(patchStale.status).toBe(412);
    const deleteStale = await fetch(`${notes()}/${doc.id}`, { method: 'DELETE', headers: { 'if-match': '"v1"' } });
    expect(deleteStale.status).toBe(412);
    expect((await fetch(`${notes()}/${doc.id}`)).status).toBe(200);
  });

  it('returns sparse fieldsets', async () => {
    const doc = await create({ title: 'sparse', body: 'long text', priority: 7 });
    const one = (await (await fetch(`${notes()}/${doc.id}?fields=title,priority`)).json()) as Doc;
    expect(one.data).toEqual({ title: 'sparse', priority: 7 });
    const page = (await (await fetch(`${notes()}?filter[title]=sparse&fields=body`)).json()) as { items: Doc[] };
    expect(page.items.map((d) => d.data)).toEqual([{ body: 'long text' }]);
    expect((await fetch(`${notes()}/${doc.id}?fields=secret`)).status).toBe(400);
  });

  it('filters with typed operators and sorts with nulls last', async () => {
    const tag = `t${Date.now()}`;
    for (const [title, priority] of [
      ['a', 3],
      ['b', 1],
      ['c', undefined],
      ['d', 2],
    ] as const)
      await create({ title, tag, ...(priority === undefined ? {} : { priority }) });
    const titles = async (qs: string) =>
      ((await (await fetch(`${notes()}?filter[tag]=${tag}&${qs}`)).json()) as { items: Doc[] }).items.map(
        (d) => d.data['title'],
      );
    expect(await titles('sort=priority')).toEqual(['b', 'd', 'a', 'c']);
    expect(await titles('sort=-priority')).toEqual(['a', 'd', 'b', 'c']);
    expect(await titles('filter[priority][gte]=2&sort=title')).toEqual(['a', 'd']);
    expect(await titles('filter[priority][in]=1,3&sort=title')).toEqual(['a', 'b']);
    expect(await titles('filter[priority][exists]=false')).toEqual(['c']);
    expect(await titles('filter[priority][ne]=3&sort=title')).toEqual(['b', 'c', 'd']);
    expect(await titles('filter[title][prefix]=c')).toEqual(['c']);
  });

  it('pages with opaque cursors bound to their sort order', async () => {
    const tag = `p${Date.now()}`;
    for (let i = 0; i < 7; i++) await create({ title: `n${i}`, tag, priority: i % 3 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Response = await fetch(
        `${notes()}?filter[tag]=${tag}&sort=-priority,title&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = (await res.json()) as { items: Doc[]; nextCursor: string | null };
      seen.push(...page.items.map((d) => d.data['title'] as string));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(['n2', 'n5', 'n1', 'n4', 'n0', 'n3', 'n6']);
    const first = (await (await fetch(`${notes()}?filter[tag]=${tag}&sort=title&limit=2`)).json()) as {
      nextCursor: string;
    };
    expect((await fetch(`${notes()}?sort=-title&cursor=${first.nextCursor}`)).status).toBe(400);
  });

  it('compresses large responses with brotli or gzip, small ones not at all', async () => {
    const tag = `z${Date.now()}`;
    for (let i = 0; i < 10; i++) await create({ title: `compress ${i}`, tag, body: 'lorem ipsum '.repeat(20) });
    const url = `${notes()}?filter[tag]=${tag}`;
    const br = await rawGet(url, { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    expect(JSON.parse(brotliDecompressSync(br.body).toString()).items).toHaveLength(10);
    const gz = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString()).items).toHaveLength(10);
    const plain = await rawGet(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    const small = await rawGet(`${notes()}?filter[tag]=nothing`, { 'accept-encoding': 'br' });
    expect(small.headers['content-encoding']).toBeUndefined();
    const conditional = await rawGet(url, { 'accept-encoding': 'br', 'if-none-match': String(br.headers['etag']) });
    expect(conditional.status).toBe(304);
  });

  it('marks deprecated collections with Deprecation, Sunset and Link headers', async () => {
    const res = await fetch(`${suite.url}/v1/collections/legacy/documents`);
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBe(`@${Date.parse('2025-01-01T00:00:00Z') / 1000}`);
    expect(res.headers.get('sunset')).toBe('Fri, 01 Jan 2027 00:00:00 GMT');
    expect(res.headers.get('link')).toContain('rel="deprecation"');
    expect((await fetch(notes())).headers.get('deprecation')).toBeNull();
  });

  it('answers unknown routes, collections and methods with problem documents', async () => {
    for (const [url, init, status] of [
      [`${suite.url}/v1/collections/nope/documents`, {}, 404],
      [`${suite.url}/v2/anything`, {}, 404],
      [`${notes()}/not-a-uuid`, {}, 404],
      [`${notes()}/00000000-0000-4000-8000-000000000000`, {}, 404],
      [notes(), { method: 'DELETE' }, 405],
      [`${suite.url}/v1/collections/%E0%A4%A/documents`, {}, 400],
    ] as const) {
      const res = await fetch(url, init);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

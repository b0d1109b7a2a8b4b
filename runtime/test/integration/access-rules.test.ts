import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.ts';
import { TEST_AUDIENCE, TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

describe.each(BACKENDS)('JWT authentication and access rules on $name', (backend) => {
  let suite: Suite;
  let issuer: TestIssuer;
  const url = (collection: string, rest = '') => `${suite.url}/v1/collections/${collection}/documents${rest}`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {}, issuer.jwksUrl);
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it.each([
    ['wrong issuer', { iss: 'https://evil.example' }, /iss/],
    ['wrong audience', { aud: 'someone-else' }, /aud/],
    ['expired', { expiresIn: -60 }, /expired/],
    ['not yet valid', { notBefore: 120 }, /nbf/],
  ])('refuses a token with %s', async (_name, options, detail) => {
    const token = await issuer.mint('alice', options);
    const res = await fetch(url('todos'), { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    const body = (await res.json()) as { type: string; detail: string };
    expect(body.type).toBe('https://mobileplane.io/problems/invalid-token');
    expect(body.detail).toMatch(detail);
  });

  it('refuses tampered, malformed and unsigned tokens', async () => {
    const token = await issuer.mint('alice');
    const [h, p] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'root', iss: 'x', aud: TEST_AUDIENCE, exp: 9e9 })).toString(
      'base64url',
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    for (const t of [`${h}.${forged}.${token.split('.')[2]}`, 'garbage', none]) {
      expect((await fetch(url('todos'), { headers: bearer(t) })).status).toBe(401);
    }
    expect((await fetch(url('todos'), { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('refetches the JWKS when a token names an unknown kid (key rotation)', async () => {
    const before = issuer.requests.length;
    const kid = await issuer.addKey();
    const token = await issuer.mint('alice', { kid });
    expect((await fetch(url('todos'), { headers: bearer(token) })).status).toBe(200);
    expect(issuer.requests.length).toBe(before + 1);
    // Cached afterwards: no more fetches for known keys.
    expect((await fetch(url('todos'), { headers: bearer(token) })).status).toBe(200);
    expect(issuer.requests.length).toBe(before + 1);
  });

  it('keeps owner-only documents private to their owner', async () => {
    const alice = bearer(await issuer.mint('alice'));
    const bob = bearer(await issuer.mint('bob'));
    const admin = bearer(await issuer.mint('carol', { roles: ['admin'] }));
    expect((await fetch(url('todos'), jsonRequest('POST', { title: 'anon' }))).status).toBe(401);
    const created = await fetch(url('todos'), jsonRequest('POST', { title: 'alice secret' }, alice));
    expect(created.status).toBe(201);
    const doc = (await created.json()) as { id: string; owner: string };
    expect(doc.owner).toBe('alice');

    expect((await fetch(url('todos', `/${doc.id}`), { headers: alice })).status).toBe(200);
    expect((await fetch(url('todos', `/${doc.id}`), { headers: bob })).status).toBe(404);
    const bobList = (await (await fetch(url('todos'), { headers: bob })).json()) as { items: unknown[] };
    expect(bobList.items).toEqual([]);
    expect((await fetch(url('todos', `/${doc.id}`), jsonRequest('PUT', { title: 'bob was here' }, bob))).status).toBe(
      404,
    );
    expect((await fetch(url('todos', `/${doc.id}`), { method: 'DELETE', headers: bob })).status).toBe(404);
    const bobChanges = (await (await fetch(`${suite.url}/v1/collections/todos/changes`, { headers: bob })).json()) as {
      changes: unknown[];
    };
    expect(bobChanges.changes).toEqual([]);
    // delete: { roles: [admin], orOwner: true }
    expect((await fetch(url('todos', `/${doc.id}`), { method: 'DELETE', headers: admin })).status).toBe(204);
  });

  it('applies role-based rules from the token', async () => {
    const reader = bearer(await issuer.mint('dave'));
    const editor = bearer(await issuer.mint('erin', { roles: ['editor'] }));
    expect((await fetch(url('board'))).status).toBe(401);
    expect((await fetch(url('board'), jsonRequest('POST', { title: 'x' }, reader))).status).toBe(403);
    const created = await fetch(url('board'), jsonRequest('POST', { title: 'news' }, editor));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await fetch(url('board', `/${id}`), { headers: reader })).status).toBe(200);
    expect((await fetch(url('board', `/${id}`), { method: 'DELETE', headers: editor })).status).toBe(403);
  });
});

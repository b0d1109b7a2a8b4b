import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../src/api/idempotency-store.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

describe.each(BACKENDS)('idempotency keys and concurrency on $name', (backend) => {
  let suite: Suite;
  let issuer: TestIssuer;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  const url = (collection: string, rest = '') => `${suite.url}/v1/collections/${collection}/documents${rest}`;
  const count = async (collection: string) => {
    const { rows } = await suite.runtime.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mp_documents WHERE collection = $1 AND NOT deleted',
      [collection],
    );
    return Number(rows[0]?.n);
  };
  const keyRows = async (key: string) =>
    (await suite.runtime.database.query('SELECT state FROM mp_idempotency_keys WHERE key = $1', [key])).rows;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {}, issuer.jwksUrl);
    alice = { authorization: `Bearer ${await issuer.mint('alice')}` };
    bob = { authorization: `Bearer ${await issuer.mint('bob')}` };
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('replays the first response for a retry with the same key', async () => {
    const headers = { ...alice, 'idempotency-key': 'replay-1' };
    const first = await fetch(url('payments'), jsonRequest('POST', { amount: 100 }, headers));
    expect(first.status).toBe(201);
    const body = await first.text();
    const retry = await fetch(url('payments'), jsonRequest('POST', { amount: 100 }, headers));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await retry.text()).toBe(body);
    expect(await count('payments')).toBe(1);
  });

  it('refuses the same key with a different body (422) and scopes keys per user', async () => {
    const key = { 'idempotency-key': 'scoped-1' };
    expect((await fetch(url('payments'), jsonRequest('POST', { amount: 5 }, { ...alice, ...key }))).status).toBe(201);
    const reused = await fetch(url('payments'), jsonRequest('POST', { amount: 6 }, { ...alice, ...key }));
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { type: string }).type).toBe(
      'https://mobileplane.io/problems/idempotency-key-reused',
    );
    const other = await fetch(url('payments'), jsonRequest('POST', { amount: 6 }, { ...bob, ...key }));
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('requires a key where the collection says so, and checks its syntax', async () => {
    const missing = await fetch(url('payments'), jsonRequest('POST', { amount: 1 }, alice));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { type: string }).type).toBe(
      'https://mobileplane.io/problems/idempotency-key-required',
    );
    const bad = await fetch(
      url('payments'),
      jsonRequest('POST', { amount: 1 }, { ...alice, 'idempotency-key': 'x'.repeat(300) }),
    );
    expect(bad.status).toBe(400);
  });

  it('stores nothing for a request that failed validation', async () => {
    const headers = { ...alice, 'idempotency-key': 'invalid-first' };
    expect((await fetch(url('payments'), jsonRequest('POST', { amount: 'lots' }, headers))).status).toBe(422);
    expect(await keyRows('invalid-first')).toEqual([]);
    const fixed = await fetch(url('payments'), jsonRequest('POST', { amount: 7 }, headers));
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 409 while the first request with the key is in flight', async () => {
    // The state a first request leaves while it runs: claimed, not completed.
    const fingerprint = requestFingerprint('POST', '/v1/collections/payments/documents', { amount: 1 });
    await suite.runtime.database.query(
      `INSERT INTO mp_idempotency_keys (scope, key, fingerprint, state, locked_until, expires_at)
       VALUES ('user:alice', 'busy', $1, 'in_flight', now() + interval '1 minute', now() + interval '1 day')`,
      [fingerprint],
    );
    const res = await fetch(
      url('payments'),
      jsonRequest('POST', { amount: 1 }, { ...alice, 'idempotency-key': 'busy' }),
    );
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { type: string }).type).toBe(
      'https://mobileplane.io/problems/idempotency-key-in-use',
    );
    // A claim abandoned by a crashed replica is taken over once its lock expires.
    await suite.runtime.database.query(
      `UPDATE mp_idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = 'busy'`,
    );
    expect(
      (await fetch(url('payments'), jsonRequest('POST', { amount: 1 }, { ...alice, 'idempotency-key': 'busy' })))
        .status,
    ).toBe(201);
  });

  it('forgets keys after 24 hours', async () => {
    const headers = { ...alice, 'idempotency-key': 'expiring' };
    expect((await fetch(url('payments'), jsonRequest('POST', { amount: 9 }, headers))).status).toBe(201);
    const expiry = await suite.runtime.database.query<{ hours: number }>(
      `SELECT round(extract(epoch FROM expires_at - now()) / 3600)::int AS hours FROM mp_idempotency_keys WHERE key = 'expiring'`,
    );
    expect(Number(expiry.rows[0]?.hours)).toBe(24);
    await suite.runtime.database.query(
      `UPDATE mp_idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'expiring'`,
    );
    const after = await fetch(url('payments'), jsonRequest('POST', { amount: 10 }, headers));
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
  });

  it('replays a stored 412 rather than re-running the update', async () => {
    const doc = (await (await fetch(url('notes'), jsonRequest('POST', { title: 'x' }))).json()) as { id: string };
    const headers = { 'idempotency-key': 'stale-put', 'if-match': '"v9"' };
    expect((await fetch(url('notes', `/${doc.id}`), jsonRequest('PUT', { title: 'y' }, headers))).status).toBe(412);
    const retry = await fetch(url('notes', `/${doc.id}`), jsonRequest('PUT', { title: 'y' }, headers));
    expect(retry.status).toBe(412);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('creates exactly one document from 50 parallel identical idempotent POSTs', async () => {
    const before = await count('payments');
    const headers = { ...alice, 'idempotency-key': 'parallel-50' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(url('payments'), jsonRequest('POST', { amount: 50 }, headers))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const fresh = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    expect(await count('payments')).toBe(before + 1);
  });

  it('lets exactly one of 50 parallel If-Match updates win; the rest get 412', async () => {
    const created = await fetch(url('notes'), jsonRequest('POST', { title: 'contended' }));
    const { id } = (await created.json()) as { id: string };
    const etag = created.headers.get('etag')!;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(url('notes', `/${id}`), jsonRequest('PUT', { title: `writer ${i}` }, { 'if-match': etag })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const final = (await (await fetch(url('notes', `/${id}`))).json()) as { version: number };
    expect(final.version).toBe(2);
  });
});

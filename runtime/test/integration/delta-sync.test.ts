import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../src/api/document-store.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

interface Change {
  op: 'upsert' | 'delete';
  id: string;
  document?: { data: Record<string, unknown> };
}

type Replica = Map<string, Record<string, unknown>>;

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), title: fc.string({ maxLength: 5 }), done: fc.boolean() }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), done: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('sync' as const) }),
);

describe.each(BACKENDS)('delta sync on $name', (backend) => {
  let suite: Suite;
  let issuer: TestIssuer;
  let users = 0;
  const todos = (rest = '') => `${suite.url}/v1/collections/todos/documents${rest}`;

  /** Pulls every change after `since` in pages of `limit`, applying them to the replica; returns the new cursor. */
  async function sync(
    auth: Record<string, string>,
    replica: Replica,
    since: string | undefined,
    limit: number,
  ): Promise<string> {
    let cursor = since;
    for (;;) {
      const res = await fetch(
        `${suite.url}/v1/collections/todos/changes?limit=${limit}${cursor === undefined ? '' : `&since=${cursor}`}`,
        { headers: auth },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { changes: Change[]; nextSince: string; hasMore: boolean; pending: boolean };
      for (const change of body.changes) {
        if (change.op === 'delete') replica.delete(change.id);
        else replica.set(change.id, change.document!.data);
      }
      cursor = body.nextSince;
      // `pending`: another transaction of the cluster holds the horizon back for a moment; ask again, as clients do.
      if (body.pending) await new Promise((r) => setTimeout(r, 20));
      else if (!body.hasMore) return cursor;
    }
  }

  async function serverState(auth: Record<string, string>): Promise<Replica> {
    const state: Replica = new Map();
    let cursor: string | null = null;
    do {
      const page = (await (
        await fetch(`${todos()}?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`, { headers: auth })
      ).json()) as {
        items: { id: string; data: Record<string, unknown> }[];
        nextCursor: string | null;
      };
      for (const d of page.items) state.set(d.id, d.data);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return state;
  }

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {}, issuer.jwksUrl);
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('converges to the server state when replayed from any cursor (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        async (ops, limit) => {
          const auth = { authorization: `Bearer ${await issuer.mint(`sync-${users++}`)}` };
          const live: string[] = [];
          // Checkpoints a client could have saved: a cursor and the replica it had then.
          const checkpoints: { cursor: string | undefined; replica: Replica }[] = [
            { cursor: undefined, replica: new Map() },
          ];
          for (const op of ops) {
            if (op.kind === 'create') {
              const res = await fetch(todos(), jsonRequest('POST', { title: op.title, done: op.done }, auth));
              live.push(((await res.json()) as { id: string }).id);
            } else if (op.kind === 'update' && live.length > 0) {
              const id = live[op.pick % live.length]!;
              expect((await fetch(todos(`/${id}`), jsonRequest('PATCH', { done: op.done }, auth))).status).toBe(200);
            } else if (op.kind === 'delete' && live.length > 0) {
              const [id] = live.splice(op.pick % live.length, 1);
              expect((await fetch(todos(`/${id}`), { method: 'DELETE', headers: auth })).status).toBe(204);
            } else if (op.kind === 'sync') {
              const last = checkpoints[checkpoints.length - 1]!;
              const replica = new Map(last.replica);
              checkpoints.push({ cursor: await sync(auth, replica, last.cursor, limit), replica });
            }
          }
          const server = await serverState(auth);
          for (const checkpoint of checkpoints) {
            const replica = new Map(checkpoint.replica);
            await sync(auth, replica, checkpoint.cursor, limit);
            expect(replica).toEqual(server);
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('never skips changes of concurrent writers while a reader follows the cursor', async () => {
    const auth = { authorization: `Bearer ${await issuer.mint(`concurrent-${users++}`)}` };
    const created: string[] = [];
    const replica: Replica = new Map();
    let cursor: string | undefined;
    let writing = true;
    const reader = (async () => {
      while (writing) cursor = await sync(auth, replica, cursor, 7);
    })();
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 15; i++) {
          const res = await fetch(todos(), jsonRequest('POST', { title: `w${w}-${i}` }, auth));
          created.push(((await res.json()) as { id: string }).id);
        }
      }),
    );
    writing = false;
    await reader;
    // One last pull after the writers finished; nothing committed earlier may be missing from the stream.
    await sync(auth, replica, cursor, 7);
    expect([...replica.keys()].sort()).toEqual([...created].sort());
  });
});

describe('delta sync and a transaction that commits late (postgres)', () => {
  it('holds the cursor before a change that is still uncommitted, even when later ones committed', async () => {
    const suite = await startSuite(BACKENDS[0]!);
    const client = new pg.Client({ connectionString: suite.database.url });
    await client.connect();
    try {
      const read = async (since?: string) =>
        (await (
          await fetch(`${suite.url}/v1/collections/notes/changes${since === undefined ? '' : `?since=${since}`}`)
        ).json()) as { changes: { id: string }[]; nextSince: string; pending: boolean };
      /** Reads until nothing is pending (other test files may hold the cluster-wide horizon for a moment). */
      const changes = async (since?: string) => {
        for (;;) {
          const body = await read(since);
          if (!body.pending) return body;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const notes = `${suite.url}/v1/collections/notes/documents`;
      expect((await fetch(notes, jsonRequest('POST', { title: 'before' }))).status).toBe(201);
      const start = await changes();
      expect(start.changes).toHaveLength(1);

      // A slow transaction writes first (older xid) and stays open; a fast one writes and commits after it.
      await client.query('BEGIN');
      const tx = {
        query: async <R>(sql: string, params?: readonly unknown[]) => ({
          rows: (await client.query(sql, params as unknown[])).rows as R[],
        }),
        exec: async () => undefined,
      };
      const slow = await new DocumentStore(suite.runtime.database).create(
        tx,
        'notes',
        '11111111-1111-4111-8111-111111111111',
        'slow',
        { title: 'slow' },
      );
      const fast = await fetch(notes, jsonRequest('POST', { title: 'fast' }));
      expect(fast.status).toBe(201);
      const fastId = ((await fast.json()) as { id: string }).id;

      // The fast change is committed and visible, but handing it out would move the cursor past the slow one.
      const during = await read(start.nextSince);
      expect(during.changes).toEqual([]);
      expect(during.pending).toBe(true);
      expect(during.nextSince).toBe(start.nextSince);

      await client.query('COMMIT');
      const after = await changes(during.nextSince);
      expect(after.changes.map((c) => c.id)).toEqual([slow.id, fastId]);
    } finally {
      await client.end();
      await suite.stop();
    }
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

const SORTS = ['createdAt', '-createdAt', 'priority', '-priority', 'title', '-title', '-priority,title', 'done,-score'];

const docArb = fc.record({
  title: fc.constantFrom('a', 'b', 'c', 'ab', 'B', ''),
  priority: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  score: fc.option(fc.constantFrom(-1.5, 0, 2.25), { nil: undefined }),
  done: fc.option(fc.boolean(), { nil: undefined }),
});

/** Between two page requests, another client inserts documents or deletes ones that were not there throughout. */
const interferenceArb = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), docs: fc.array(docArb, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('none' as const) }),
);

describe.each(BACKENDS)('cursor pagination under concurrent writes on $name (property)', (backend) => {
  let suite: Suite;
  let run = 0;
  const notes = () => `${suite.url}/v1/collections/notes/documents`;
  const create = async (tag: string, doc: Record<string, unknown>) => {
    const clean = Object.fromEntries(Object.entries({ ...doc, tag }).filter(([, v]) => v !== undefined));
    const res = await fetch(notes(), jsonRequest('POST', clean));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    suite = await startSuite(backend);
  });
  afterAll(async () => suite?.stop());

  it('never duplicates or loses a document that existed throughout', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(docArb, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...SORTS),
        fc.integer({ min: 1, max: 4 }),
        fc.array(interferenceArb, { minLength: 1, maxLength: 8 }),
        async (initial, sort, limit, interference) => {
          const tag = `page-${run++}-${Date.now()}`;
          const throughout = new Set<string>();
          for (const doc of initial) throughout.add(await create(tag, doc));
          const transient: string[] = [];
          const seen: string[] = [];
          let cursor: string | null = null;
          let step = 0;
          do {
            const qs: string = `filter[tag]=${tag}&sort=${sort}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
            const res = await fetch(`${notes()}?${qs}`);
            expect(res.status).toBe(200);
            const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
            seen.push(...page.items.map((d) => d.id));
            cursor = page.nextCursor;
            // Each interference happens once, between two pages. Cycling through them forever never ends when the
            // inserts land after the cursor faster than pages of `limit` consume them (limit 1, 4 inserts a page).
            const action = interference[step++] ?? { kind: 'none' as const };
            if (step > 200) throw new Error(`paging did not end after ${step} pages`);
            if (action.kind === 'insert') for (const doc of action.docs) transient.push(await create(tag, doc));
            if (action.kind === 'delete')
              for (const id of transient.splice(0, action.count))
                expect((await fetch(`${notes()}/${id}`, { method: 'DELETE' })).status).toBe(204);
          } while (cursor !== null);
          expect(new Set(seen).size).toBe(seen.length);
          for (const id of throughout) expect(seen).toContain(id);
        },
      ),
      { numRuns: 12 },
    );
  });
});

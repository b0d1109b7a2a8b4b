import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

interface FeedEvent {
  id: string;
  change: { op: string; id: string; document?: { data: { title: string } } };
}

/** Reads Server-Sent Events from a streaming fetch until `count` change events arrived. */
async function readSse(res: Response, count: number): Promise<FeedEvent[]> {
  // A TextDecoder rather than pipeThrough(new TextDecoderStream()): @types/node's web-stream types and lib.dom's
  // disagree on TextDecoderStream, which fails a clean (non-incremental) typecheck.
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: FeedEvent[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id !== undefined && data !== undefined) events.push({ id, change: JSON.parse(data) as FeedEvent['change'] });
    }
  }
  await reader.cancel();
  return events;
}

function readSocket(ws: WebSocket, count: number): Promise<FeedEvent[]> {
  return new Promise((resolve, reject) => {
    const events: FeedEvent[] = [];
    ws.on('message', (data: Buffer) => {
      events.push(JSON.parse(data.toString()) as FeedEvent);
      if (events.length === count) resolve(events);
    });
    ws.on('error', reject);
  });
}

describe.each(BACKENDS)('realtime change feed on $name', (backend) => {
  let suite: Suite;
  let issuer: TestIssuer;
  let alice: string;
  let bob: string;
  const todos = () => `${suite.url}/v1/collections/todos/documents`;
  const post = async (token: string, title: string) => {
    const res = await fetch(todos(), jsonRequest('POST', { title }, { authorization: `Bearer ${token}` }));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {}, issuer.jwksUrl);
    alice = await issuer.mint('alice');
    bob = await issuer.mint('bob');
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('streams changes over SSE, only those the caller may read, and resumes from Last-Event-ID', async () => {
    const stream = await fetch(`${suite.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const received = readSse(stream, 2);
    await post(bob, 'bob private');
    await post(alice, 'alice one');
    const deleted = await post(alice, 'alice two');
    const events = await received;
    expect(events.map((e) => e.change.document?.data.title)).toEqual(['alice one', 'alice two']);

    await fetch(`${todos()}/${deleted}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice}` } });
    await post(alice, 'alice three');
    const resumed = await fetch(`${suite.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${alice}`, 'last-event-id': events[1]!.id },
    });
    const after = await readSse(resumed, 2);
    expect(after.map((e) => [e.change.op, e.change.document?.data.title ?? e.change.id])).toEqual([
      ['delete', deleted],
      ['upsert', 'alice three'],
    ]);
  });

  it('accepts the SSE token as a query parameter and refuses anonymous readers of private collections', async () => {
    expect((await fetch(`${suite.url}/v1/collections/todos/events`)).status).toBe(401);
    const viaQuery = await fetch(`${suite.url}/v1/collections/todos/events?access_token=${alice}`);
    expect(viaQuery.status).toBe(200);
    await viaQuery.body?.cancel();
    expect(
      (
        await fetch(`${suite.url}/v1/collections/todos/events?since=garbage`, {
          headers: { authorization: `Bearer ${alice}` },
        })
      ).status,
    ).toBe(400);
  });

  it('streams changes over WebSocket with access rules, resumable with ?since=', async () => {
    const wsUrl = `${suite.url.replace('http', 'ws')}/v1/collections/todos/socket`;
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${bob}` } });
    // Listen before 'open': the catch-up message can arrive in the same packet as the upgrade response.
    const first = readSocket(ws, 2); // bob's earlier document, then the new one
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await post(alice, 'not for bob');
    await post(bob, 'bob live');
    const events = await first;
    expect(events.map((e) => e.change.document?.data.title)).toEqual(['bob private', 'bob live']);
    ws.close();

    await post(bob, 'bob later');
    const resumed = new WebSocket(`${wsUrl}?since=${events[1]!.id}&access_token=${bob}`);
    const later = await readSocket(resumed, 1);
    expect(later[0]!.change.document?.data.title).toBe('bob later');
    resumed.close();

    const anonymous = new WebSocket(wsUrl);
    const status = await new Promise((resolve) =>
      anonymous.on('unexpected-response', (_req, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(401);
  });
});

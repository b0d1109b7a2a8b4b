import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MOBILE_CLIENT_ID, startApiTrusting, startAuthServer } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';
import type { TestRuntime } from './support/test-runtime.ts';

/** Reads an SSE response to its end (bounded by `timeoutMs`); returns the `end` event's reason and the time taken. */
async function readUntilEnd(res: Response, timeoutMs: number): Promise<{ reason: string | undefined; ms: number }> {
  const started = Date.now();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  const data = /event: end\ndata: (.*)\n/.exec(text)?.[1];
  return {
    reason: data === undefined ? undefined : (JSON.parse(data) as { reason: string }).reason,
    ms: Date.now() - started,
  };
}

function socketClose(ws: WebSocket, timeoutMs: number): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
  });
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe.each(BACKENDS)('streams end with their token on $name', (backend) => {
  let suite: Awaited<ReturnType<typeof startSuite>>;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {}, issuer.jwksUrl);
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('an SSE stream and a WebSocket close when the token that opened them expires', async () => {
    // Long enough to open both streams on a loaded machine, short enough to wait for.
    const token = await issuer.mint('erin', { expiresIn: 5 });
    const wsUrl = `${suite.url.replace('http', 'ws')}/v1/collections/todos/socket?access_token=${token}`;
    const [sse, ws] = await Promise.all([
      fetch(`${suite.url}/v1/collections/todos/events`, { headers: { authorization: `Bearer ${token}` } }),
      openSocket(wsUrl),
    ]);
    expect(sse.status).toBe(200);
    const [sseEnd, wsEnd] = await Promise.all([readUntilEnd(sse, 12_000), socketClose(ws, 12_000)]);
    expect(sseEnd.reason).toBe('token-expired');
    expect(sseEnd.ms).toBeLessThan(7000);
    expect(wsEnd).toEqual({ code: 4001, reason: 'token-expired' });
    // The expired token opens nothing new.
    const again = await fetch(`${suite.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(401);
  });

  it('a stream opened with a long-lived token stays open', async () => {
    const token = await issuer.mint('frank', { expiresIn: 300 });
    const sse = await fetch(`${suite.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const end = await readUntilEnd(sse, 2500);
    expect(end.reason).toBeUndefined();
    expect(end.ms).toBeGreaterThanOrEqual(2400);
  });
});

/**
 * Revocation from the real auth component to the api, through the database they share in a deployed backend
 * (PostgreSQL LISTEN/NOTIFY). PGlite is one process's embedded database: two components never share it.
 */
describe('revoked sessions reach the api within seconds (PostgreSQL)', () => {
  const postgres = BACKENDS.find((b) => b.name === 'postgres')!;
  const EMAIL = 'rev@example.com';
  const PASSWORD = 'revocation is a long password';
  const device = { installationId: 'revocation-device', name: 'Phone', platform: 'ios' };
  let auth: AuthTestServer;
  let api: TestRuntime;

  const signIn = async () => {
    const res = await fetch(
      `${auth.url}/v1/auth/sign-in`,
      jsonRequest('POST', { client_id: MOBILE_CLIENT_ID, email: EMAIL, password: PASSWORD, device }),
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const list = (token: string) =>
    fetch(`${api.url}/v1/collections/todos/documents`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    auth = await startAuthServer({}, postgres);
    await auth.createUser(EMAIL, PASSWORD);
    api = await startApiTrusting(auth, auth.database);
    // Ready means listening: revocations from now on reach this replica.
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });
  afterAll(async () => {
    await api?.stop();
    await auth?.stop();
  });

  it('sign-out closes the session’s streams and refuses its token on plain requests; other sessions go on', async () => {
    const token = await signIn();
    const other = await signIn();
    expect((await list(token)).status).toBe(200);
    const sse = await fetch(`${api.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(sse.status).toBe(200);
    const ws = await openSocket(`${api.url.replace('http', 'ws')}/v1/collections/todos/socket?access_token=${token}`);
    const otherSse = await fetch(`${api.url}/v1/collections/todos/events`, {
      headers: { authorization: `Bearer ${other}` },
    });

    const signedOutAt = Date.now();
    const signOut = await fetch(`${auth.url}/v1/auth/sign-out`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(signOut.status).toBe(204);

    const [sseEnd, wsEnd] = await Promise.all([readUntilEnd(sse, 5000), socketClose(ws, 5000)]);
    expect(sseEnd.reason).toBe('session-revoked');
    expect(Date.now() - signedOutAt).toBeLessThan(5000);
    expect(wsEnd).toEqual({ code: 4002, reason: 'session-revoked' });
    const refused = await list(token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/revoked/);

    // The other session's token and stream are untouched.
    expect((await list(other)).status).toBe(200);
    const otherEnd = await readUntilEnd(otherSse, 1000);
    expect(otherEnd.reason).toBeUndefined();
  });

  it('a replica that starts after the revocation learns it from the database', async () => {
    const token = await signIn();
    expect((await list(token)).status).toBe(200);
    const signOut = await fetch(`${auth.url}/v1/auth/sign-out`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(signOut.status).toBe(204);
    const late = await startApiTrusting(auth, auth.database);
    try {
      expect((await fetch(`${late.url}/readyz`)).status).toBe(200);
      const res = await fetch(`${late.url}/v1/collections/todos/documents`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
    } finally {
      await late.stop();
    }
  });
});

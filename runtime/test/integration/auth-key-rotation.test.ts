import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILE_CLIENT_ID, startApiTrusting, startAuthServer } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { BACKENDS } from './support/test-database.ts';
import type { TestDatabase } from './support/test-database.ts';
import { jsonRequest } from './support/test-runtime.ts';
import type { TestRuntime } from './support/test-runtime.ts';

const EMAIL = 'rotation@example.com';
const PASSWORD = 'rotate all the keys 2024';
/** The api refetches the JWKS for an unknown `kid` at most this often (jose's cooldown). */
const COOLDOWN_SECONDS = 2;

function kidOf(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}

describe.each(BACKENDS)('signing-key rotation with requests in flight on $name', (backend) => {
  let auth: AuthTestServer;
  let apiDatabase: TestDatabase;
  const apis: TestRuntime[] = [];

  async function startApi(): Promise<TestRuntime> {
    const api = await startApiTrusting(auth, apiDatabase, { jwksCooldownSeconds: COOLDOWN_SECONDS });
    apis.push(api);
    return api;
  }

  async function signIn(installationId: string): Promise<{ access_token: string; refresh_token: string }> {
    const response = await fetch(
      `${auth.url}/v1/auth/sign-in`,
      jsonRequest('POST', {
        client_id: MOBILE_CLIENT_ID,
        email: EMAIL,
        password: PASSWORD,
        device: { installationId, name: 'p', platform: 'android' },
      }),
    );
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  }

  async function refresh(token: string): Promise<{ access_token: string; refresh_token: string }> {
    const response = await fetch(`${auth.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: MOBILE_CLIENT_ID, refresh_token: token }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  }

  const list = (api: TestRuntime, token: string) =>
    fetch(`${api.url}/v1/collections/todos/documents`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.status,
    );

  beforeAll(async () => {
    auth = await startAuthServer({ keys: { prePublishSeconds: COOLDOWN_SECONDS + 1 } }, backend);
    await auth.createUser(EMAIL, PASSWORD);
    apiDatabase = await backend.create();
  });
  afterAll(async () => {
    for (const api of apis) await api.stop();
    await apiDatabase?.drop();
    await auth?.stop();
  });

  it('control: a key that signs the moment it is created is refused by a verifier in its JWKS cooldown', async () => {
    const api = await startApi();
    const session = await signIn('control-device-01');
    expect(await list(api, session.access_token)).toBe(200); // the api fetched the JWKS just now
    await auth.component.services.keys.rotate(0);
    const next = await refresh(session.refresh_token);
    expect(kidOf(next.access_token)).not.toBe(kidOf(session.access_token));
    expect(await list(api, next.access_token)).toBe(401);
  });

  it('pre-published keys: every valid token is accepted before, during and after two rotations', async () => {
    const api = await startApi();
    const keys = auth.component.services.keys;
    const statuses: number[] = [];
    const kids = new Set<string>();
    const oldTokens: string[] = [];
    let running = true;

    async function client(n: number): Promise<void> {
      let pair = await signIn(`inflight-device-${n}`);
      while (running) {
        pair = await refresh(pair.refresh_token);
        kids.add(kidOf(pair.access_token));
        oldTokens.push(pair.access_token);
        statuses.push(await list(api, pair.access_token));
        // Tokens signed by a retired key stay valid until they expire.
        statuses.push(await list(api, oldTokens[Math.floor(Math.random() * oldTokens.length)]!));
      }
    }

    const clients = [0, 1, 2, 3].map((n) => client(n));
    const published: string[][] = [];
    for (let round = 0; round < 2; round++) {
      const kid = await keys.rotate((COOLDOWN_SECONDS + 1) * 1000);
      published.push(
        ((await (await fetch(`${auth.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid),
      );
      expect(published[round]).toContain(kid); // published before it signs
      expect(kidOf((await signIn(`probe-${round}-device`)).access_token)).not.toBe(kid);
      await new Promise((resolve) => setTimeout(resolve, (COOLDOWN_SECONDS + 1.5) * 1000));
      expect(kidOf((await signIn(`probe-${round}-device`)).access_token)).toBe(kid);
    }
    running = false;
    await Promise.all(clients);

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(kids.size).toBeGreaterThanOrEqual(3);
  });
});

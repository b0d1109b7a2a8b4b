import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, REDIS_URL } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

/**
 * GCRA admits the budget at once and then one request per window/limit: over `elapsedMs` at most
 * `limit + floor(elapsedMs / interval)` may pass, never a second window's worth.
 */
function admissible(limit: number, windowSeconds: number, elapsedMs: number): number {
  return limit + Math.floor(elapsedMs / ((windowSeconds * 1000) / limit));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, elapsedMs: performance.now() - started };
}

const API_KEY = 'k-test-1234';

/** PostgreSQL runs with Redis (the production shape), PGlite with the in-process limiter (the embedded shape). */
const SHAPES = [
  { backend: BACKENDS[0]!, redis: true, limiter: 'redis' },
  { backend: BACKENDS[1]!, redis: false, limiter: 'memory' },
];

describe.each(SHAPES)('rate limits on $backend.name with the $limiter limiter', ({ backend, redis }) => {
  let suite: Suite;
  let issuer: TestIssuer;
  const url = () => `${suite.url}/v1/collections/notes/documents?limit=1`;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    suite = await startSuite(backend, {
      redis: redis ? { url: REDIS_URL, keyPrefix: `mp:test:${randomBytes(6).toString('hex')}:` } : {},
      // Behind one trusted proxy hop, so each test can act from its own client IP (X-Forwarded-For).
      server: { host: '127.0.0.1', port: 0, trustProxyHops: 1 },
      rateLimits: {
        ip: { limit: 250, windowSeconds: 3600 },
        user: { limit: 50, windowSeconds: 60 },
        apiKey: { limit: 30, windowSeconds: 60 },
      },
      auth: {
        jwksUrl: issuer.jwksUrl,
        issuer: 'https://auth.test.mobileplane.io',
        audience: 'mobileplane-api',
        apiKeys: [{ name: 'ios-app', sha256: createHash('sha256').update(API_KEY).digest('hex') }],
      },
    });
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
  });

  it('admits exactly the user budget out of 200 concurrent requests', async () => {
    const token = await issuer.mint(`user-${randomBytes(4).toString('hex')}`);
    const { value: responses, elapsedMs } = await timed(() =>
      Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(url(), { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '198.51.100.1' } }),
        ),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(50);
    expect(ok.length).toBeLessThanOrEqual(admissible(50, 60, elapsedMs));
    expect(ok.length + limited.length).toBe(200);
    const refused = limited[0]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-policy')).toContain('"user";q=50;w=60');
    expect(refused.headers.get('ratelimit')).toMatch(/"user";r=0;t=\d+/);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(((await refused.json()) as { type: string }).type).toBe('https://mobileplane.io/problems/rate-limited');
    // Another user has a budget of their own.
    const other = await issuer.mint('someone-else');
    expect(
      (await fetch(url(), { headers: { authorization: `Bearer ${other}`, 'x-forwarded-for': '198.51.100.2' } })).status,
    ).toBe(200);
  });

  it('limits per API key and refuses unknown keys', async () => {
    const { value: responses, elapsedMs } = await timed(() =>
      Promise.all(
        Array.from({ length: 60 }, () =>
          fetch(url(), { headers: { 'x-api-key': API_KEY, 'x-forwarded-for': '198.51.100.3' } }),
        ),
      ),
    );
    const ok = responses.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(30);
    expect(ok).toBeLessThanOrEqual(admissible(30, 60, elapsedMs));
    expect(responses.filter((r) => r.status === 429)).toHaveLength(60 - ok);
    expect((await fetch(url(), { headers: { 'x-api-key': 'nope' } })).status).toBe(401);
  });

  it('limits per client IP before any token work', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer not-even-a-jwt' };
    const { value: responses, elapsedMs } = await timed(() =>
      Promise.all(Array.from({ length: 300 }, () => fetch(url(), { headers }))),
    );
    // Within the IP budget the bad token is refused (401); beyond it the IP limit answers first (429).
    const passed = responses.filter((r) => r.status === 401).length;
    expect(passed).toBeGreaterThanOrEqual(250);
    expect(passed).toBeLessThanOrEqual(admissible(250, 3600, elapsedMs));
    expect(responses.filter((r) => r.status === 429)).toHaveLength(300 - passed);
    expect(responses.find((r) => r.status === 429)?.headers.get('ratelimit-policy')).toBe('"ip";q=250;w=3600');
  });
});

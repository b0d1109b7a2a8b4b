import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis } from './support/private-redis.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { startSuite } from './support/test-runtime.ts';

/** GCRA admits the budget at once, then one request per window/limit. */
const admissible = (limit: number, windowSeconds: number, elapsedMs: number) =>
  limit + Math.floor(elapsedMs / ((windowSeconds * 1000) / limit));

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * Decision 0751: when Redis stops answering, rate limits are decided in process (per replica) instead of failing
 * open, the switch is logged once and shown in metrics, and decisions go back to Redis when it answers again.
 * Redis here is a private redis-server this test kills and restarts mid-run.
 */
describe('rate limits while Redis is down', () => {
  let redis: PrivateRedis;
  let issuer: TestIssuer;
  let suite: Awaited<ReturnType<typeof startSuite>>;
  const LIMIT = 20;
  const url = () => `${suite.url}/v1/collections/notes/documents?limit=1`;
  const burst = async (user: string, count: number) => {
    const token = await issuer.mint(user);
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: count }, () => fetch(url(), { headers: { authorization: `Bearer ${token}` } })),
    );
    return {
      ok: responses.filter((r) => r.status === 200).length,
      limited: responses.filter((r) => r.status === 429).length,
      elapsedMs: performance.now() - started,
    };
  };
  const warnings = () => suite.logs.filter((l) => String(l['msg']).startsWith('rate-limit store (Redis) unavailable'));

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    issuer = await TestIssuer.start();
    suite = await startSuite(
      BACKENDS.find((b) => b.name === 'postgres')!,
      {
        redis: { url: redis.url },
        rateLimits: { ip: null, user: { limit: LIMIT, windowSeconds: 60 }, apiKey: null },
        auth: {
          jwksUrl: issuer.jwksUrl,
          issuer: 'https://auth.test.mobileplane.io',
          audience: 'mobileplane-api',
          jwksCooldownSeconds: 0,
        },
      },
    );
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
    await redis?.stop();
  });

  it('limits in process while Redis is down, says so once, and shares limits again when it is back', async () => {
    const before = await burst('user-before', 2 * LIMIT);
    expect(before.ok).toBeGreaterThanOrEqual(LIMIT);
    expect(before.ok).toBeLessThanOrEqual(admissible(LIMIT, 60, before.elapsedMs));
    expect(await metric(suite.url, 'mobileplane_rate_limit_store_up')).toBe(1);

    await redis.stop();
    const during = await burst('user-during', 2 * LIMIT);
    // Not open: the budget holds, decided in process.
    expect(during.ok).toBeGreaterThanOrEqual(LIMIT);
    expect(during.ok).toBeLessThanOrEqual(admissible(LIMIT, 60, during.elapsedMs));
    expect(during.ok + during.limited).toBe(2 * LIMIT);
    // A second burst while down: still limited, still one warning.
    const again = await burst('user-during', 5);
    expect(again.limited).toBe(5);
    expect(warnings()).toHaveLength(1);
    expect(await metric(suite.url, 'mobileplane_rate_limit_store_up')).toBe(0);
    expect(await metric(suite.url, 'mobileplane_rate_limit_fallback_decisions_total')).toBeGreaterThanOrEqual(45);
    // The service stays ready: Redis only holds rate limits.
    expect((await fetch(`${suite.url}/readyz`)).status).toBe(200);

    await redis.resume();
    // ioredis reconnects with backoff; the next decision taken by Redis flips the gauge back.
    const back = await until(async () => {
      await fetch(url(), { headers: { authorization: `Bearer ${await issuer.mint('user-probe')}` } });
      return (await metric(suite.url, 'mobileplane_rate_limit_store_up')) === 1;
    }, 15_000);
    expect(back).toBe(true);
    expect(suite.logs.some((l) => String(l['msg']).startsWith('rate-limit store (Redis) answers again'))).toBe(true);
    // Redis was restarted empty: a user gets a fresh shared budget, limited by Redis again.
    const after = await burst('user-after', 2 * LIMIT);
    expect(after.ok).toBeGreaterThanOrEqual(LIMIT);
    expect(after.ok).toBeLessThanOrEqual(admissible(LIMIT, 60, after.elapsedMs));
  });
});

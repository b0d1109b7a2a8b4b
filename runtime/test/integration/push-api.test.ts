import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import type { RunningRuntime } from '../../src/runtime-server.ts';
import { APNS_TOPIC, apnsToken, fcmToken, startPushFakes } from './support/push-test-setup.ts';
import type { PushFakes } from './support/push-test-setup.ts';
import { createPostgresDatabase } from './support/test-database.ts';
import { TEST_AUDIENCE, TEST_ISSUER, TestIssuer } from './support/test-issuer.ts';

const API_KEY = 'push-operator-key-0123456789';

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('push component: device registry, targeting, providers', () => {
  let fakes: PushFakes;
  let issuer: TestIssuer;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let push: RunningRuntime;
  const as = async (user: string) => ({ authorization: `Bearer ${await issuer.mint(user)}` });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${push.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };
  const operator = { 'x-api-key': API_KEY };
  const send = (body: unknown) => call('POST', '/v1/push/messages', body, operator);
  const message = (id: string) => call('GET', `/v1/push/messages/${id}`, undefined, operator);
  const settled = (id: string) =>
    until(
      () => message(id),
      (m) => m.body?.fannedOutAt !== null && m.body?.deliveries.queued === 0 && m.body?.deliveries.sending === 0,
    );

  beforeAll(async () => {
    fakes = await startPushFakes();
    issuer = await TestIssuer.start();
    db = await createPostgresDatabase();
    Object.assign(process.env, fakes.env);
    const config = runtimeConfigSchema.parse({
      component: 'push',
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
      log: { level: 'warn' },
      database: { url: db.url },
      workers: { superviseIntervalSeconds: 1 },
      auth: {
        jwksUrl: issuer.jwksUrl,
        issuer: TEST_ISSUER,
        audience: TEST_AUDIENCE,
        apiKeys: [{ name: 'ops', sha256: createHash('sha256').update(API_KEY).digest('hex') }],
      },
      push: fakes.settings,
    });
    const logDestination = new Writable({ write: (_c, _e, cb) => cb() });
    push = await startRuntime(config, { logDestination });
  });
  afterAll(async () => {
    await push?.shutdown();
    await fakes?.close();
    await issuer?.stop();
    await db?.drop();
  });

  it('registers, lists and removes a user’s devices; field-named errors; other users’ devices are not theirs', async () => {
    const ann = await as('ann');
    fakes.fcm.validTokens.add(fcmToken(1));
    fakes.apns.validTokens.add(apnsToken(1));
    const android = await call(
      'POST',
      '/v1/push/devices',
      { token: fcmToken(1), platform: 'android', appVersion: '4.2.0', locale: 'de-AT', topics: ['rides'] },
      ann,
    );
    expect(android.status).toBe(201);
    expect(android.body).toMatchObject({
      provider: 'fcm',
      platform: 'android',
      appVersion: '4.2.0',
      topics: ['rides'],
    });
    const ios = await call(
      'POST',
      '/v1/push/devices',
      { token: apnsToken(1), platform: 'ios', appVersion: '3.9' },
      ann,
    );
    expect(ios.body).toMatchObject({ provider: 'apns' });
    expect((await call('GET', '/v1/push/devices', undefined, ann)).body.devices).toHaveLength(2);

    const bad = await call('POST', '/v1/push/devices', { token: 'x', platform: 'blackberry', topics: ['a b'] }, ann);
    expect(bad.status).toBe(422);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['platform', 'token', 'topics.0']);
    expect((await call('POST', '/v1/push/devices', { token: fcmToken(9), platform: 'android' })).status).toBe(401);
    const bob = await as('bob');
    expect((await call('DELETE', `/v1/push/devices/${android.body.id}`, undefined, bob)).status).toBe(404);
    const temp = await call('POST', '/v1/push/devices', { token: fcmToken(2), platform: 'web' }, bob);
    expect((await call('DELETE', `/v1/push/devices/${temp.body.id}`, undefined, bob)).status).toBe(204);
  });

  it('sends to a user on both providers with the protocols’ headers and payloads', async () => {
    const anonymous = await call('POST', '/v1/push/messages', { target: { userId: 'ann' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    const sent = await send({
      target: { userId: 'ann' },
      notification: { title: 'Your ride', body: 'Arriving in 2 min' },
      data: { rideId: 'r1' },
      ttlSeconds: 600,
      priority: 'high',
      collapseKey: 'ride-r1',
    });
    expect(sent.status).toBe(202);
    const done = await settled(sent.body.id);
    expect(done.body.deliveries).toMatchObject({ sent: 2, failed: 0, pruned: 0 });
    const android = fakes.fcm.lastMessage.get(fcmToken(1))!;
    expect(android).toMatchObject({
      notification: { title: 'Your ride', body: 'Arriving in 2 min' },
      data: { rideId: 'r1' },
      android: { ttl: '600s', priority: 'HIGH', collapse_key: 'ride-r1' },
    });
    const ios = fakes.apns.lastRequest.get(apnsToken(1))!;
    expect(ios.headers).toMatchObject({
      'apns-topic': APNS_TOPIC,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-collapse-id': 'ride-r1',
    });
    expect(Number(ios.headers['apns-expiration'])).toBeGreaterThan(Date.now() / 1000 + 590);
    expect(ios.payload).toEqual({ rideId: 'r1', aps: { alert: { title: 'Your ride', body: 'Arriving in 2 min' } } });
  });

  it('targets topics and segments (platform, app-version range, locale)', async () => {
    const carl = await as('carl');
    const tokens = [fcmToken(10), fcmToken(11), fcmToken(12)];
    for (const t of tokens) fakes.fcm.validTokens.add(t);
    await call(
      'POST',
      '/v1/push/devices',
      { token: tokens[0], platform: 'android', appVersion: '5.0.1', locale: 'de-CH' },
      carl,
    );
    await call(
      'POST',
      '/v1/push/devices',
      { token: tokens[1], platform: 'android', appVersion: '4.9.9', locale: 'de' },
      carl,
    );
    await call(
      'POST',
      '/v1/push/devices',
      { token: tokens[2], platform: 'web', appVersion: '5.1', locale: 'fr', topics: ['promo'] },
      carl,
    );
    const before = new Map(tokens.map((t) => [t, fakes.fcm.received.get(t) ?? 0]));
    const segment = await send({
      target: { segment: { platform: 'android', appVersion: { min: '5' }, locale: 'de' } },
      data: { kind: 'silent' },
    });
    await settled(segment.body.id);
    const topic = await send({ target: { topic: 'promo' }, notification: { body: 'Sale' } });
    await settled(topic.body.id);
    const delta = tokens.map((t) => (fakes.fcm.received.get(t) ?? 0) - before.get(t)!);
    expect(delta).toEqual([1, 0, 1]);
  });

  it('prunes an unregistered token, keeps the record, and the device is not targeted again', async () => {
    const dana = await as('dana');
    await call('POST', '/v1/push/devices', { token: apnsToken(99), platform: 'ios' }, dana); // not valid at "Apple"
    const first = await send({ target: { userId: 'dana' }, notification: { body: 'x' } });
    const done = await settled(first.body.id);
    expect(done.body.deliveries).toMatchObject({ pruned: 1, sent: 0 });
    const records = await call(
      'GET',
      `/v1/push/messages/${first.body.id}/deliveries?state=pruned`,
      undefined,
      operator,
    );
    expect(records.body.deliveries[0].reason).toContain('410 Unregistered');
    expect((await call('GET', '/v1/push/devices', undefined, dana)).body.devices).toEqual([]);
    const second = await send({ target: { userId: 'dana' }, notification: { body: 'x' } });
    expect((await settled(second.body.id)).body.deliveries).toMatchObject({ pruned: 0, sent: 0, queued: 0 });
  });

  it('retries FCM UNAVAILABLE after its Retry-After and delivers once', async () => {
    fakes.fcm.failNext(2);
    const before = fakes.fcm.received.get(fcmToken(1)) ?? 0;
    const sent = await send({
      target: { deviceId: (await call('GET', '/v1/push/devices', undefined, await as('ann'))).body.devices[0].id },
      notification: { body: 'retry' },
    });
    const done = await settled(sent.body.id);
    expect(done.body.deliveries.sent).toBe(1);
    expect(fakes.fcm.received.get(fcmToken(1))).toBe(before + 1);
    const metrics = await (await fetch(`${push.url}/metrics`)).text();
    expect(metrics).toMatch(/mobileplane_push_deliveries_total\{provider="fcm",outcome="retry"\} [1-9]/);
  });

  it('holds a scheduled send until its time, and refuses payloads over the providers’ limits', async () => {
    const before = fakes.fcm.received.get(fcmToken(1)) ?? 0;
    const at = new Date(Date.now() + 2500);
    const scheduled = await send({
      target: { userId: 'ann' },
      notification: { body: 'later' },
      sendAt: at.toISOString(),
    });
    expect(scheduled.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fakes.fcm.received.get(fcmToken(1))).toBe(before);
    await settled(scheduled.body.id);
    expect(fakes.fcm.received.get(fcmToken(1))).toBe(before + 1);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());

    const huge = await send({ target: { userId: 'ann' }, data: { blob: 'x'.repeat(5000) } });
    expect(huge.status).toBe(422);
    expect(huge.body.detail).toMatch(/APNs payload is \d+ bytes; the limit is 4096/);
  });
});

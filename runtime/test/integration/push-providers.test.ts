import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApnsProvider } from '../../src/push/apns-provider.ts';
import { FcmProvider, serviceAccountSchema } from '../../src/push/fcm-provider.ts';
import type { PushMessage } from '../../src/push/push-provider.ts';
import { APNS_KEY_ID, APNS_TEAM, APNS_TOPIC, apnsToken, fcmToken, startPushFakes } from './support/push-test-setup.ts';
import type { PushFakes } from './support/push-test-setup.ts';

const message: PushMessage = { id: 'm1', title: 'Hi', data: {}, ttlSeconds: 60, priority: 'high' };

/** The providers alone against the strict endpoints: credential lifetimes and every error class they map. */
describe('push providers against strict local endpoints', () => {
  let fakes: PushFakes;
  const fcm = (): FcmProvider =>
    new FcmProvider({
      serviceAccount: serviceAccountSchema.parse(JSON.parse(fakes.env['FCM_SERVICE_ACCOUNT_JSON']!)),
      endpoint: fakes.fcm.origin,
    });

  beforeAll(async () => {
    fakes = await startPushFakes();
    fakes.fcm.validTokens.add(fcmToken(1));
    fakes.apns.validTokens.add(apnsToken(1));
  });
  afterAll(async () => {
    await fakes?.close();
  });

  it('FCM: one OAuth token for many sends, renewed only near its expiry', async () => {
    const provider = fcm();
    const before = fakes.fcm.tokenRequests;
    for (let i = 0; i < 20; i++) expect((await provider.send(fcmToken(1), message)).kind).toBe('sent');
    expect(fakes.fcm.tokenRequests - before).toBe(1);
    provider.close();
    // A token that lives 301 s is renewed once less than 5 minutes are left: right away here.
    fakes.fcm.tokenLifetimeSeconds = 301;
    const shortLived = fcm();
    await shortLived.send(fcmToken(1), message);
    await new Promise((r) => setTimeout(r, 1100));
    await shortLived.send(fcmToken(1), message);
    expect(fakes.fcm.tokenRequests - before).toBe(3);
    fakes.fcm.tokenLifetimeSeconds = 3599;
    shortLived.close();
  });

  it('FCM: QUOTA_EXCEEDED, UNAVAILABLE and INTERNAL retry after Retry-After; bad tokens prune; bad messages drop', async () => {
    const provider = fcm();
    fakes.fcm.failNext(1, 'QUOTA_EXCEEDED', 7);
    expect(await provider.send(fcmToken(1), message)).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    fakes.fcm.failNext(1, 'INTERNAL', 2);
    expect(await provider.send(fcmToken(1), message)).toMatchObject({ kind: 'retry', retryAfterMs: 2000 });
    fakes.fcm.failNext(1, 'UNAVAILABLE', 1);
    expect(await provider.send(fcmToken(1), message)).toMatchObject({ kind: 'retry', retryAfterMs: 1000 });
    expect(await provider.send(fcmToken(2), message)).toMatchObject({ kind: 'invalid-token' });
    expect(await provider.send('short', message)).toMatchObject({ kind: 'invalid-token' });
    const bad = await provider.send(fcmToken(1), { ...message, ttlSeconds: -1 });
    expect(bad).toMatchObject({ kind: 'rejected' });
    provider.close();
  });

  it('APNs: the provider token is reused for its refresh period and never renewed within 20 minutes', async () => {
    let now = Date.now();
    const provider = new ApnsProvider({
      teamId: APNS_TEAM,
      keyId: APNS_KEY_ID,
      topic: APNS_TOPIC,
      environment: 'production',
      endpoint: fakes.apns.origin,
      privateKeyPem: fakes.env['APNS_AUTH_KEY']!,
      tokenRefreshMinutes: 50,
      now: () => now,
    });
    for (let i = 0; i < 10; i++)
      expect((await provider.send(apnsToken(1), message, crypto.randomUUID())).kind).toBe('sent');
    expect(provider.tokensSigned).toBe(1);
    now += 49 * 60_000;
    await provider.send(apnsToken(1), message, crypto.randomUUID());
    expect(provider.tokensSigned).toBe(1);
    now += 2 * 60_000;
    await provider.send(apnsToken(1), message, crypto.randomUUID());
    expect(provider.tokensSigned).toBe(2);
    // 429: back off, and keep the token (renewing on errors would be TooManyProviderTokenUpdates).
    fakes.apns.throttleNext(1);
    expect(await provider.send(apnsToken(1), message, crypto.randomUUID())).toMatchObject({ kind: 'retry' });
    expect(await provider.send(apnsToken(2), message, crypto.randomUUID())).toMatchObject({
      kind: 'invalid-token',
      reason: '410 Unregistered',
    });
    expect(await provider.send('zz', message, crypto.randomUUID())).toMatchObject({
      kind: 'invalid-token',
      reason: '400 BadDeviceToken',
    });
    expect(provider.tokensSigned).toBe(2);
    expect(provider.sessionsOpened).toBe(1);
    provider.close();
  });
});

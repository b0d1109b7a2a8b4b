import { describe, expect, it } from 'vitest';
import { apnsPayload, fcmMessage, payloadProblems } from './push-payloads.ts';
import { retryAfterMs } from './push-provider.ts';

const base = { id: 'm', data: {}, ttlSeconds: 60, priority: 'high' as const };

describe('push payloads', () => {
  it('builds a visible APNs alert or a background push', () => {
    expect(JSON.parse(apnsPayload({ ...base, title: 'T', data: { k: 'v' } }))).toEqual({
      k: 'v',
      aps: { alert: { title: 'T' } },
    });
    expect(JSON.parse(apnsPayload({ ...base, data: { k: 'v' } }))).toEqual({ k: 'v', aps: { 'content-available': 1 } });
  });

  it('builds an FCM v1 message with Android TTL, priority and collapse key', () => {
    expect(fcmMessage({ ...base, body: 'B', priority: 'normal', collapseKey: 'c' }, 'tok')).toEqual({
      token: 'tok',
      notification: { body: 'B' },
      android: { ttl: '60s', priority: 'NORMAL', collapse_key: 'c' },
    });
  });

  it('reports payloads over 4 KB and collapse keys over 64 bytes before sending', () => {
    expect(payloadProblems({ ...base, body: 'ok' })).toEqual([]);
    const problems = payloadProblems({ ...base, data: { blob: 'x'.repeat(4100) }, collapseKey: 'c'.repeat(65) });
    expect(problems).toHaveLength(3);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5000)).toBe(5000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

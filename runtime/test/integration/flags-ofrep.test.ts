/**
 * Feature flags over OFREP, end to end in one api component: the official OpenFeature providers (the web
 * provider with its SSE change stream, the server provider) read flags from the runtime unchanged; a flag change
 * is the file a ConfigMap mount swaps, so "the CR edit" here is the operator's rendered file being replaced.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerFeatures } from '@openfeature/server-sdk';
import { OpenFeature as WebFeatures, ProviderEvents } from '@openfeature/web-sdk';
import { EventSource } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { jsonRequest, startSuite } from './support/test-runtime.ts';

type Suite = Awaited<ReturnType<typeof startSuite>>;

const API_KEY = 'flags-test-app-key';
const pglite = BACKENDS.find((b) => b.name === 'pglite')!;

function flagsDocument(checkoutOnFrom: string): string {
  return JSON.stringify({
    flags: {
      'new-checkout': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          if: [
            {
              and: [{ '==': [{ var: 'platform' }, 'ios'] }, { sem_ver: [{ var: 'appVersion' }, '>=', checkoutOnFrom] }],
            },
            'on',
            'off',
          ],
        },
      },
      'staff-menu': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ in: ['staff', { var: 'roles' }] }, 'on', 'off'] },
      },
      'home-layout': {
        state: 'ENABLED',
        variants: { grid: 'grid', list: 'list' },
        defaultVariant: 'list',
        targeting: {
          fractional: [
            ['grid', 50],
            ['list', 50],
          ],
        },
      },
      retired: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
    },
  });
}

/** Replaces the file the way kubelet does for a ConfigMap volume: write aside, then rename over it. */
async function publish(path: string, text: string): Promise<void> {
  await writeFile(`${path}.next`, text);
  await rename(`${path}.next`, path);
}

async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('feature flags over OFREP', () => {
  let suite: Suite;
  let issuer: TestIssuer;
  let directory: string;
  let file: string;
  const app = { 'x-api-key': API_KEY };

  const post = (path: string, body: unknown, headers: Record<string, string> = app) =>
    fetch(`${suite.url}/ofrep/v1/evaluate/flags${path}`, jsonRequest('POST', body, headers));

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mp-flags-'));
    file = join(directory, 'flags.json');
    await writeFile(file, flagsDocument('2.3.0'));
    issuer = await TestIssuer.start();
    suite = await startSuite(
      pglite,
      {
        auth: {
          jwksUrl: issuer.jwksUrl,
          issuer: 'https://auth.test.mobileplane.io',
          audience: 'mobileplane-api',
          jwksCooldownSeconds: 0,
          apiKeys: [{ name: 'app', sha256: createHash('sha256').update(API_KEY).digest('hex') }],
        },
        flags: { file, pollSeconds: 1 },
      },
      issuer.jwksUrl,
    );
  });

  afterAll(async () => {
    await WebFeatures.close();
    await ServerFeatures.close();
    await suite?.stop();
    await issuer?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('evaluates one flag with targeting on the mobile context', async () => {
    const res = await post('/new-checkout', { context: { targetingKey: 'i-1', platform: 'ios', appVersion: '2.4.0' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      key: 'new-checkout',
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(res.headers.get('x-flags-revision')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('answers errors with OFREP codes and bodies', async () => {
    const missing = await post('/nope', { context: {} });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ key: 'nope', errorCode: 'FLAG_NOT_FOUND' });
    expect((await post('/retired', { context: {} })).status).toBe(404);

    const noKey = await post('/home-layout', { context: { platform: 'ios' } });
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({ key: 'home-layout', errorCode: 'TARGETING_KEY_MISSING' });

    const badContext = await post('/new-checkout', { context: { platform: 42 } });
    expect(badContext.status).toBe(400);
    const body = (await badContext.json()) as { errorCode: string; errorDetails: string };
    expect(body.errorCode).toBe('INVALID_CONTEXT');
    expect(body.errorDetails).toContain('context.platform');

    const malformed = await fetch(`${suite.url}/ofrep/v1/evaluate/flags/new-checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...app },
      body: '{"context": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errorCode: 'PARSE_ERROR' });

    const anonymous = await post('/new-checkout', { context: {} }, {});
    expect(anonymous.status).toBe(401);
    const wrongKey = await post('/new-checkout', { context: {} }, { 'x-api-key': 'not-the-key' });
    expect(wrongKey.status).toBe(401);
  });

  it('takes userId and roles from the access token, never from the body', async () => {
    const claimed = await post('/staff-menu', { context: { roles: ['staff'], userId: 'boss' } });
    expect(await claimed.json()).toMatchObject({ value: false });
    const token = await issuer.mint('u-42', { roles: ['staff'] });
    const signedIn = await post('/staff-menu', { context: {} }, { authorization: `Bearer ${token}` });
    expect(await signedIn.json()).toMatchObject({ value: true });
  });

  it('bulk: a 304 for the same context, a 200 with another ETag when the context changed', async () => {
    const context = { targetingKey: 'i-2', platform: 'ios', appVersion: '2.2.0' };
    const first = await post('', { context });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const body = (await first.json()) as { flags: { key: string }[]; eventStreams: unknown[] };
    expect(body.flags.map((f) => f.key).sort()).toEqual(['home-layout', 'new-checkout', 'staff-menu']);
    expect(body.eventStreams).toEqual([
      { type: 'sse', endpoint: { requestUri: '/ofrep/v1/events' }, inactivityDelaySec: 120 },
    ]);

    const reordered = { appVersion: '2.2.0', platform: 'ios', targetingKey: 'i-2' };
    const again = await post('', { context: reordered }, { ...app, 'if-none-match': etag });
    expect(again.status).toBe(304);

    const upgraded = await post(
      '',
      { context: { ...context, appVersion: '2.3.0' } },
      { ...app, 'if-none-match': etag },
    );
    expect(upgraded.status).toBe(200);
    expect(upgraded.headers.get('etag')).not.toBe(etag);
  });

  it('the official web provider: 304 round trip, context change, refetch over SSE after a flag change', async () => {
    const statuses: number[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    (globalThis as { EventSource?: unknown }).EventSource = EventSource;
    const provider = new OFREPWebProvider({
      baseUrl: suite.url,
      headers: [['x-api-key', API_KEY]],
      fetchImplementation: recordingFetch,
      cacheMode: 'disabled',
    });
    const context = { targetingKey: 'install-7', platform: 'ios', appVersion: '2.2.0' };
    await WebFeatures.setContext(context);
    await WebFeatures.setProviderAndWait(provider);
    const client = WebFeatures.getClient();
    expect(client.getBooleanValue('new-checkout', true)).toBe(false);
    expect(statuses).toEqual([200]);

    // Same context again: the provider sends its ETag and the runtime answers 304.
    await WebFeatures.setContext({ ...context });
    expect(statuses).toEqual([200, 304]);
    expect(client.getBooleanValue('new-checkout', true)).toBe(false);

    // Same install, newer app: the old ETag must not match.
    await WebFeatures.setContext({ ...context, appVersion: '2.3.1' });
    expect(statuses).toEqual([200, 304, 200]);
    expect(client.getBooleanValue('new-checkout', false)).toBe(true);

    // The flag changes (the operator re-rendered the ConfigMap): the SSE stream makes the provider refetch.
    const changed = new Promise<void>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, () => resolve()),
    );
    const started = Date.now();
    await publish(file, flagsDocument('3.0.0'));
    await changed;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(client.getBooleanValue('new-checkout', true)).toBe(false);
    await publish(file, flagsDocument('2.3.0'));
    await eventually(
      () => client.getBooleanValue('new-checkout', false),
      (v) => v,
    );
  });

  it('the official server provider evaluates single flags', async () => {
    await ServerFeatures.setProviderAndWait(
      new OFREPProvider({ baseUrl: suite.url, headers: [['x-api-key', API_KEY]] }),
    );
    const client = ServerFeatures.getClient();
    const details = await client.getBooleanDetails('new-checkout', false, {
      targetingKey: 'i-9',
      platform: 'ios',
      appVersion: '2.5.0',
    });
    expect(details).toMatchObject({ value: true, variant: 'on', reason: 'TARGETING_MATCH' });
    const missing = await client.getStringDetails('nope', 'fallback', { targetingKey: 'i-9' });
    expect(missing).toMatchObject({ value: 'fallback', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('keeps serving the last good set when an update is invalid', async () => {
    const before = (await post('/new-checkout', { context: {} })).headers.get('x-flags-revision');
    await publish(
      file,
      JSON.stringify({
        flags: {
          'new-checkout': { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', targeting: { nope: [] } },
        },
      }),
    );
    const metrics = await eventually(
      async () => (await fetch(`${suite.url}/metrics`)).text(),
      (text) => /mobileplane_flags_config_reloads_total\{[^}]*outcome="invalid"[^}]*\} [1-9]/.test(text),
    );
    expect(metrics).toContain(`mobileplane_flags_config_info{revision="${before}"} 1`);
    const after = await post('/new-checkout', { context: { platform: 'ios', appVersion: '2.4.0' } });
    expect(after.headers.get('x-flags-revision')).toBe(before);
    expect(await after.json()).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(
      suite.logs.some(
        (l) =>
          l['msg'] === 'flag configuration refused; still serving the last good one' &&
          l['field'] === 'flags.new-checkout.targeting',
      ),
    ).toBe(true);
    await publish(file, flagsDocument('2.3.0'));
  });

  it('counts evaluations by flag, variant and reason', async () => {
    await post('/new-checkout', { context: { platform: 'ios', appVersion: '2.4.0' } });
    const text = await (await fetch(`${suite.url}/metrics`)).text();
    expect(text).toMatch(
      /mobileplane_flag_evaluations_total\{flag="new-checkout",variant="on",reason="TARGETING_MATCH"\} [1-9]/,
    );
    expect(text).toMatch(/mobileplane_flag_evaluations_total\{flag="home-layout",variant="",reason="ERROR"\} [1-9]/);
  });
});

describe('OFREP rate limits', () => {
  let suite: Suite;
  beforeAll(async () => {
    suite = await startSuite(pglite, {
      auth: { apiKeys: [{ name: 'app', sha256: createHash('sha256').update(API_KEY).digest('hex') }] },
      rateLimits: { ip: null, user: null, apiKey: { limit: 2, windowSeconds: 60 } },
    });
  });
  afterAll(async () => {
    await suite?.stop();
  });

  it('answers 429 with Retry-After past the API key policy', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(
        `${suite.url}/ofrep/v1/evaluate/flags`,
        jsonRequest('POST', { context: {} }, { 'x-api-key': API_KEY }),
      );
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

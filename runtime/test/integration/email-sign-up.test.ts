import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { totpCode } from '../../src/auth/mfa/totp-policy.ts';
import { OutboxTokenSealer } from '../../src/email/outbox-token-sealer.ts';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import type { RunningRuntime } from '../../src/runtime-server.ts';
import { MOBILE_CLIENT_ID, TEST_SECRETS, startAuthServer } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { startSmtpTestServer } from './support/smtp-test-server.ts';
import type { SmtpTestServer } from './support/smtp-test-server.ts';

const SMTP = { user: 'mailer', pass: 'smtp-secret-0123456789' };
const device = { installationId: 'mail-device-01', name: 'Pixel', platform: 'android' };
const API_KEY = 'jobs-admin-key-0123456789';

/**
 * The default auth config (requireVerifiedEmail: true) with the workers component beside it on the same
 * PostgreSQL, sending through a real SMTP server: sign-up → verification mail → link → sign-in.
 */
describe('auth mail through the workers component and SMTP', () => {
  let auth: AuthTestServer;
  let smtp: SmtpTestServer;
  let workers: RunningRuntime;
  const logs: string[] = [];
  const logsText = () => logs.join('') + auth.logLines.join('\n');
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${auth.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    smtp = await startSmtpTestServer(SMTP);
    auth = await startAuthServer();
    const config = runtimeConfigSchema.parse({
      component: 'workers',
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
      log: { level: 'debug' },
      database: { url: auth.database.url },
      workers: { superviseIntervalSeconds: 1 },
      auth: { apiKeys: [{ name: 'ops', sha256: await sha256(API_KEY) }] },
      email: {
        from: 'Ride <no-reply@ride.example>',
        productName: 'Ride',
        linkBaseUrl: 'https://ride.example/app',
        smtp: { host: smtp.host, port: smtp.port, connectionTimeoutMs: 2000 },
      },
    });
    // The deployment gives the workers the auth component's encryption key (or MOBILEPLANE_OUTBOX_KEY) and the
    // SMTP Secret through the environment.
    process.env['AUTH_ENCRYPTION_KEY'] = TEST_SECRETS.encryptionKey;
    process.env['SMTP_USERNAME'] = SMTP.user;
    process.env['SMTP_PASSWORD'] = SMTP.pass;
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString());
        callback();
      },
    });
    workers = await startRuntime(config, { logDestination });
  });
  afterAll(async () => {
    await workers?.shutdown();
    await auth?.stop();
    await smtp?.close();
  });

  it('sign-up sends a verification mail (text and HTML) whose link verifies; then sign-in works', async () => {
    const email = 'rider@example.com';
    const password = 'a long enough password';
    expect((await post('/v1/auth/sign-up', { email, password })).status).toBe(202);
    const denied = await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device });
    expect(denied.status).toBe(403);

    const [mail] = await smtp.waitFor(email);
    expect(mail!.parsed.subject).toBe('Confirm your e-mail address for Ride');
    expect(mail!.parsed.from?.text).toContain('no-reply@ride.example');
    const text = mail!.parsed.text ?? '';
    const html = typeof mail!.parsed.html === 'string' ? mail!.parsed.html : '';
    const link = /https:\/\/ride\.example\/verify-email\?token=[A-Za-z0-9_.~-]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    expect(html).toContain(link!.replace(/&/g, '&amp;'));

    const token = new URL(link!).searchParams.get('token')!;
    expect((await post('/v1/auth/email/verify', { token })).status).toBe(204);
    const signIn = await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toHaveProperty('access_token');
  });

  it('never stores the one-time token in clear: the job holds it sealed, the token table its hash', async () => {
    const email = 'sealed@example.com';
    expect((await post('/v1/auth/sign-up', { email, password: 'another long password' })).status).toBe(202);
    const [mail] = await smtp.waitFor(email);
    const token = new URL(/https:\/\/\S+/.exec(mail!.parsed.text ?? '')![0]).searchParams.get('token')!;
    const { rows: jobs } = await auth.db.query<{ sealed: string }>(
      `SELECT data->>'sealedToken' AS sealed FROM mp_jobs.job WHERE name = 'email-send' AND data->>'to' = $1`,
      [email],
    );
    expect(new OutboxTokenSealer(TEST_SECRETS.encryptionKey).open(jobs[0]!.sealed, email)).toBe(token);
    expect(new OutboxTokenSealer(TEST_SECRETS.encryptionKey).open(jobs[0]!.sealed, 'other@example.com')).toBe(
      undefined,
    );
    const { rows } = await auth.db.query<{ dump: string }>(
      `SELECT (SELECT coalesce(string_agg(data::text || coalesce(output::text, ''), ' '), '') FROM mp_jobs.job) ||
              (SELECT coalesce(string_agg(encode(token_hash, 'hex'), ' '), '') FROM auth_one_time_tokens) AS dump`,
    );
    expect(rows[0]!.dump.length).toBeGreaterThan(100);
    expect(rows[0]!.dump).not.toContain(token);
    expect(logsText()).not.toContain(token);
  });

  it('a permanent SMTP refusal dead-letters the mail; the jobs API lists it for an admin only', async () => {
    const email = 'nobody@example.com';
    smtp.reject(email, 550);
    expect((await post('/v1/auth/password/forgot', { email: 'rider@example.com' })).status).toBe(202);
    await smtp.waitFor('rider@example.com', 2);
    expect((await post('/v1/auth/sign-up', { email, password: 'yet another password' })).status).toBe(202);
    const deadline = Date.now() + 15_000;
    let body: { deadLetters: { data: { to: string }; error: unknown }[] } = { deadLetters: [] };
    while (Date.now() < deadline) {
      const res = await fetch(`${workers.url}/v1/jobs/queues/email-send/dead-letters`, {
        headers: { 'x-api-key': API_KEY },
      });
      expect(res.status).toBe(200);
      body = (await res.json()) as typeof body;
      if (body.deadLetters.some((d) => d.data.to === email)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const dead = body.deadLetters.find((d) => d.data.to === email) as { id: string; error: unknown } | undefined;
    expect(JSON.stringify(dead?.error)).toContain('550');
    // Redrive by API: the job runs again (and, still refused, comes back to the dead letters).
    const redrive = await fetch(`${workers.url}/v1/jobs/queues/email-send/dead-letters/redrive?id=${dead!.id}`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
    });
    expect(await redrive.json()).toEqual({ redriven: 1 });

    const anonymous = await fetch(`${workers.url}/v1/jobs/queues/email-send/dead-letters`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const wrongKey = await fetch(`${workers.url}/v1/jobs/queues`, { headers: { 'x-api-key': 'nope' } });
    expect(((await wrongKey.json()) as { type: string }).type).toContain('invalid-api-key');
    const metrics = await (await fetch(`${workers.url}/metrics`)).text();
    expect(metrics).toMatch(/mobileplane_job_failures_total\{task="email-send",permanent="true"\} [1-9]/);
  });

  it('a password reset mails the link, then a password-changed notice; enrolling MFA mails a notice', async () => {
    const email = 'resetter@example.com';
    expect((await post('/v1/auth/sign-up', { email, password: 'first long password' })).status).toBe(202);
    const [verify] = await smtp.waitFor(email);
    const verifyToken = new URL(/https:\/\/\S+/.exec(verify!.parsed.text ?? '')![0]).searchParams.get('token')!;
    expect((await post('/v1/auth/email/verify', { token: verifyToken })).status).toBe(204);
    expect((await post('/v1/auth/password/forgot', { email })).status).toBe(202);
    const reset = (await smtp.waitFor(email, 2))[1]!;
    expect(reset.parsed.subject).toBe('Reset your Ride password');
    const link = /https:\/\/ride\.example\/reset-password\?token=\S+/.exec(reset.parsed.text ?? '')![0];
    const token = new URL(link).searchParams.get('token')!;
    expect((await post('/v1/auth/password/reset', { token, password: 'second long password' })).status).toBe(204);
    const changed = (await smtp.waitFor(email, 3))[2]!;
    expect(changed.parsed.subject).toBe('Your Ride password was changed');
    const signIn = await post('/v1/auth/sign-in', {
      client_id: MOBILE_CLIENT_ID,
      email,
      password: 'second long password',
      device: { ...device, installationId: 'mail-device-02' },
    });
    expect(signIn.status).toBe(200);
    const { access_token: accessToken } = (await signIn.json()) as { access_token: string };
    const begin = await post('/v1/auth/mfa/totp', {}, accessToken);
    expect(begin.status).toBe(201);
    const { secret } = (await begin.json()) as { secret: string };
    const confirm = await post('/v1/auth/mfa/totp/confirm', { code: totpCode(secret, auth.clock.now()) }, accessToken);
    expect(confirm.status).toBe(200);
    const mfa = (await smtp.waitFor(email, 4))[3]!;
    expect(mfa.parsed.subject).toBe('Two-step verification changed on your Ride account');
  });
});

async function sha256(value: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(value).digest('hex');
}

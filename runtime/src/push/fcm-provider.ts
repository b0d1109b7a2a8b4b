import { SignJWT, importPKCS8 } from 'jose';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { Http2Client } from './http2-client.ts';
import { fcmMessage } from './push-payloads.ts';
import { retryAfterMs } from './push-provider.ts';
import type { PushMessage, PushProvider, SendOutcome } from './push-provider.ts';

export const serviceAccountSchema = z.object({
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  project_id: z.string().min(1),
  token_uri: z.url().default('https://oauth2.googleapis.com/token'),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Renew the OAuth access token this long before Google says it expires. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

const fcmErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().default(''),
    status: z.string().default(''),
    details: z.array(z.object({ '@type': z.string(), errorCode: z.string().optional() }).loose()).default([]),
  }),
});

/**
 * Firebase Cloud Messaging HTTP v1: a service-account JWT (RS256) exchanged for an OAuth 2.0 access token at the
 * token URI (RFC 7523), cached until shortly before it expires and shared by concurrent sends, then
 * `POST /v1/projects/{project}/messages:send` per device over one HTTP/2 session.
 */
export class FcmProvider implements PushProvider {
  readonly name = 'fcm' as const;
  private readonly account: ServiceAccount;
  private readonly projectId: string;
  private readonly api: Http2Client;
  private readonly tokenClient: Http2Client;
  private key: Promise<KeyObject | CryptoKey> | undefined;
  private accessToken: { value: string; renewAt: number } | undefined;
  private refreshing: Promise<string> | undefined;
  /** Access tokens fetched so far (the acceptance test counts them). */
  tokenRequests = 0;

  constructor(options: { serviceAccount: ServiceAccount; projectId?: string | undefined; endpoint: string }) {
    this.account = options.serviceAccount;
    this.projectId = options.projectId ?? options.serviceAccount.project_id;
    this.api = new Http2Client(new URL(options.endpoint).origin);
    this.tokenClient = new Http2Client(new URL(this.account.token_uri).origin);
  }

  get sessionsOpened(): number {
    return this.api.sessionsOpened;
  }

  private async token(now = Date.now()): Promise<string> {
    if (this.accessToken !== undefined && now < this.accessToken.renewAt) return this.accessToken.value;
    this.refreshing ??= this.fetchToken().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetchToken(): Promise<string> {
    this.key ??= importPKCS8(this.account.private_key, 'RS256');
    const issuedAt = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(this.account.client_email)
      .setAudience(this.account.token_uri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(await this.key);
    this.tokenRequests++;
    const url = new URL(this.account.token_uri);
    const response = await this.tokenClient.request(
      'POST',
      url.pathname + url.search,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    );
    if (response.status !== 200) throw new Error(`FCM token endpoint answered ${response.status}: ${response.body}`);
    const body = z.object({ access_token: z.string().min(1), expires_in: z.number() }).parse(JSON.parse(response.body));
    this.accessToken = { value: body.access_token, renewAt: Date.now() + body.expires_in * 1000 - EXPIRY_MARGIN_MS };
    return body.access_token;
  }

  async send(token: string, message: PushMessage): Promise<SendOutcome> {
    const response = await this.api.request(
      'POST',
      `/v1/projects/${encodeURIComponent(this.projectId)}/messages:send`,
      { authorization: `Bearer ${await this.token()}`, 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ message: fcmMessage(message, token) }),
    );
    if (response.status === 200) {
      const name = (JSON.parse(response.body) as { name?: string }).name;
      return { kind: 'sent', providerId: name };
    }
    return this.classify(response.status, response.body, retryAfterMs(response.headers['retry-after']));
  }

  /** FCM v1 error codes (FcmError.errorCode, else the google.rpc status) → what we do with the device. */
  private classify(status: number, text: string, retryAfter: number | undefined): SendOutcome {
    let code = '';
    let detail = text.slice(0, 200);
    try {
      const parsed = fcmErrorSchema.parse(JSON.parse(text)).error;
      code = parsed.details.find((d) => d['@type'].endsWith('FcmError'))?.errorCode ?? parsed.status;
      detail = parsed.message;
    } catch {
      code = '';
    }
    const reason = `${code || status}: ${detail}`;
    switch (code) {
      case 'UNREGISTERED':
      case 'SENDER_ID_MISMATCH':
        return { kind: 'invalid-token', reason };
      case 'INVALID_ARGUMENT':
        // FCM answers a malformed registration token with INVALID_ARGUMENT; anything else is our message's fault.
        return /registration token/i.test(detail) ? { kind: 'invalid-token', reason } : { kind: 'rejected', reason };
      case 'QUOTA_EXCEEDED':
      case 'UNAVAILABLE':
      case 'INTERNAL':
        return { kind: 'retry', reason, retryAfterMs: retryAfter };
      case 'UNAUTHENTICATED':
      case 'THIRD_PARTY_AUTH_ERROR':
        this.accessToken = undefined;
        return { kind: 'retry', reason, retryAfterMs: retryAfter };
      default:
        return status >= 500 || status === 429
          ? { kind: 'retry', reason, retryAfterMs: retryAfter }
          : { kind: 'rejected', reason };
    }
  }

  close(): void {
    this.api.close();
    this.tokenClient.close();
  }
}

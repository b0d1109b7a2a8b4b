import type { KeyObject } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { Http2Client } from './http2-client.ts';
import { apnsPayload } from './push-payloads.ts';
import { retryAfterMs } from './push-provider.ts';
import type { PushMessage, PushProvider, SendOutcome } from './push-provider.ts';

const ORIGINS = {
  production: 'https://api.push.apple.com',
  sandbox: 'https://api.sandbox.push.apple.com',
} as const;
/** Apple refuses provider tokens refreshed more often than every 20 minutes (TooManyProviderTokenUpdates). */
const MIN_TOKEN_AGE_MS = 20 * 60 * 1000;

/**
 * Apple Push Notification service over HTTP/2 with token-based authentication: an ES256 provider token
 * (`iss` team id, `kid` key id) reused for `tokenRefreshMinutes` (20–55) and never renewed faster than every
 * 20 minutes, every request a stream on one HTTP/2 session: `POST /3/device/{token}` with `apns-topic`,
 * `apns-push-type`, `apns-priority`, `apns-expiration` and `apns-collapse-id`.
 */
export class ApnsProvider implements PushProvider {
  readonly name = 'apns' as const;
  private readonly options: {
    teamId: string;
    keyId: string;
    topic: string;
    privateKeyPem: string;
    tokenRefreshMinutes: number;
  };
  private readonly client: Http2Client;
  private key: Promise<KeyObject | CryptoKey> | undefined;
  private providerToken: { value: string; issuedAt: number } | undefined;
  private signing: Promise<string> | undefined;
  /** Provider tokens signed so far (the acceptance test counts them). */
  tokensSigned = 0;
  private readonly now: () => number;

  constructor(options: {
    teamId: string;
    keyId: string;
    topic: string;
    environment: 'production' | 'sandbox';
    endpoint?: string | undefined;
    privateKeyPem: string;
    tokenRefreshMinutes: number;
    /** Milliseconds since the epoch (tests move it to check the provider-token policy). */
    now?: () => number;
  }) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.client = new Http2Client(new URL(options.endpoint ?? ORIGINS[options.environment]).origin);
  }

  get sessionsOpened(): number {
    return this.client.sessionsOpened;
  }

  private async token(forceRenew = false): Promise<string> {
    const now = this.now();
    const current = this.providerToken;
    const age = current === undefined ? Infinity : now - current.issuedAt;
    if (
      current !== undefined &&
      age < this.options.tokenRefreshMinutes * 60_000 &&
      !(forceRenew && age >= MIN_TOKEN_AGE_MS)
    )
      return current.value;
    this.signing ??= this.sign().finally(() => (this.signing = undefined));
    return this.signing;
  }

  private async sign(): Promise<string> {
    this.key ??= importPKCS8(this.options.privateKeyPem, 'ES256');
    const issuedAt = this.now();
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.options.keyId })
      .setIssuer(this.options.teamId)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .sign(await this.key);
    this.tokensSigned++;
    this.providerToken = { value, issuedAt };
    return value;
  }

  async send(token: string, message: PushMessage, deliveryId: string): Promise<SendOutcome> {
    const visible = message.title !== undefined || message.body !== undefined;
    const headers: Record<string, string> = {
      authorization: `bearer ${await this.token()}`,
      'apns-topic': this.options.topic,
      'apns-push-type': visible ? 'alert' : 'background',
      // Background pushes must use priority 5 (Apple drops priority-10 background pushes).
      'apns-priority': visible && message.priority === 'high' ? '10' : '5',
      'apns-expiration': String(message.ttlSeconds === 0 ? 0 : Math.floor(Date.now() / 1000) + message.ttlSeconds),
      'apns-id': deliveryId,
      'content-type': 'application/json',
    };
    if (message.collapseKey !== undefined) headers['apns-collapse-id'] = message.collapseKey;
    const response = await this.client.request(
      'POST',
      `/3/device/${encodeURIComponent(token)}`,
      headers,
      apnsPayload(message),
    );
    if (response.status === 200) return { kind: 'sent', providerId: String(response.headers['apns-id'] ?? deliveryId) };
    let reason = '';
    try {
      reason = (JSON.parse(response.body) as { reason?: string }).reason ?? '';
    } catch {
      reason = response.body.slice(0, 100);
    }
    const described = `${response.status} ${reason}`;
    switch (reason) {
      case 'BadDeviceToken':
      case 'Unregistered':
      case 'DeviceTokenNotForTopic':
        return { kind: 'invalid-token', reason: described };
      case 'ExpiredProviderToken':
      case 'InvalidProviderToken':
        await this.token(true);
        return { kind: 'retry', reason: described };
      case 'TooManyRequests':
      case 'TooManyProviderTokenUpdates':
      case 'InternalServerError':
      case 'ServiceUnavailable':
      case 'Shutdown':
        return { kind: 'retry', reason: described, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
      default:
        return response.status >= 500 || response.status === 429
          ? { kind: 'retry', reason: described, retryAfterMs: retryAfterMs(response.headers['retry-after']) }
          : { kind: 'rejected', reason: described };
    }
  }

  close(): void {
    this.client.close();
  }
}

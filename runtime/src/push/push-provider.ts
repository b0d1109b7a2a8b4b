/** What a provider sends: the message as the API accepted it, per device. */
export interface PushMessage {
  id: string;
  title?: string | undefined;
  body?: string | undefined;
  data: Record<string, string>;
  ttlSeconds: number;
  priority: 'high' | 'normal';
  collapseKey?: string | undefined;
}

/** A provider's answer for one device, mapped from its own error codes. */
export type SendOutcome =
  | { kind: 'sent'; providerId?: string | undefined }
  /** The token will never work again: the device is pruned. */
  | { kind: 'invalid-token'; reason: string }
  /** This message cannot be delivered (payload, topic, credentials): dropped for this device, not retried. */
  | { kind: 'rejected'; reason: string }
  /** Try again later (throttled, unavailable); `retryAfterMs` from the provider's Retry-After when it sent one. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number | undefined };

export interface PushProvider {
  readonly name: 'fcm' | 'apns';
  send(token: string, message: PushMessage, deliveryId: string): Promise<SendOutcome>;
  close(): void;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

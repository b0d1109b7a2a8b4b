import type { PushMessage } from './push-provider.ts';

/** Apple: 4 KB for a regular remote notification. FCM: 4 KB for the message's data and notification. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;
export const FCM_MAX_PAYLOAD_BYTES = 4096;

/** The APNs JSON body: `aps.alert` for a visible notification, `content-available` for a background one. */
export function apnsPayload(message: PushMessage): string {
  const visible = message.title !== undefined || message.body !== undefined;
  const aps = visible
    ? { alert: { ...(message.title ? { title: message.title } : {}), ...(message.body ? { body: message.body } : {}) } }
    : { 'content-available': 1 };
  return JSON.stringify({ ...message.data, aps });
}

/** The FCM HTTP v1 `message` for one token. */
export function fcmMessage(message: PushMessage, token: string): Record<string, unknown> {
  const visible = message.title !== undefined || message.body !== undefined;
  return {
    token,
    ...(visible
      ? {
          notification: {
            ...(message.title ? { title: message.title } : {}),
            ...(message.body ? { body: message.body } : {}),
          },
        }
      : {}),
    ...(Object.keys(message.data).length > 0 ? { data: message.data } : {}),
    android: {
      ttl: `${message.ttlSeconds}s`,
      priority: message.priority === 'high' ? 'HIGH' : 'NORMAL',
      ...(message.collapseKey ? { collapse_key: message.collapseKey } : {}),
    },
  };
}

/** Size problems of a message on either provider, checked before anything is sent (empty when it fits). */
export function payloadProblems(message: PushMessage): string[] {
  const problems: string[] = [];
  const apns = Buffer.byteLength(apnsPayload(message));
  if (apns > APNS_MAX_PAYLOAD_BYTES)
    problems.push(`APNs payload is ${apns} bytes; the limit is ${APNS_MAX_PAYLOAD_BYTES}`);
  const fcm = Buffer.byteLength(
    JSON.stringify({ notification: fcmMessage(message, '')['notification'] ?? {}, data: message.data }),
  );
  if (fcm > FCM_MAX_PAYLOAD_BYTES) problems.push(`FCM payload is ${fcm} bytes; the limit is ${FCM_MAX_PAYLOAD_BYTES}`);
  if (message.collapseKey !== undefined && Buffer.byteLength(message.collapseKey) > 64)
    problems.push('collapseKey is longer than 64 bytes (apns-collapse-id limit)');
  return problems;
}

/**
 * The strict FCM and APNs endpoints in their own process for bench-push (so the benchmark's CPU figures are the
 * sender's alone). Sends `{ env, settings }` over IPC once listening; every device token 0..count-1 is valid.
 */
import { apnsToken, fcmToken, startPushFakes } from '../integration/support/push-test-setup.ts';

const count = Number(process.argv[2] ?? 10_000);
const fakes = await startPushFakes();
for (let i = 0; i < count; i++) {
  fakes.fcm.validTokens.add(fcmToken(i));
  fakes.apns.validTokens.add(apnsToken(i));
}
process.on('message', (message) => {
  if (message === 'stats')
    process.send?.({
      fcmReceived: [...fakes.fcm.received.values()].reduce((a, b) => a + b, 0),
      apnsReceived: [...fakes.apns.received.values()].reduce((a, b) => a + b, 0),
      fcmTokenRequests: fakes.fcm.tokenRequests,
      apnsProviderTokens: fakes.apns.providerTokens.size,
      apnsSessions: fakes.apns.sessions,
    });
});
process.send?.({ env: fakes.env, settings: fakes.settings });

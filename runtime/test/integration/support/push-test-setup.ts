import { generateKeyPairSync } from 'node:crypto';
import { startFakeApns } from './fake-apns-server.ts';
import type { FakeApns } from './fake-apns-server.ts';
import { startFakeFcm } from './fake-fcm-server.ts';
import type { FakeFcm } from './fake-fcm-server.ts';

export const APNS_TEAM = 'TEAM123456';
export const APNS_KEY_ID = 'KEY1234567';
export const APNS_TOPIC = 'io.mobileplane.ride';
export const FCM_PROJECT = 'ride-test';

export interface PushFakes {
  fcm: FakeFcm;
  apns: FakeApns;
  /** Environment the push component reads its credentials from (mounted Secrets in a cluster). */
  env: Record<string, string>;
  /** The runtime config's `push` block pointing at the fakes. */
  settings: Record<string, unknown>;
  close(): Promise<void>;
}

/** Fresh provider credentials and strict local FCM and APNs endpoints that verify them. */
export async function startPushFakes(): Promise<PushFakes> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (
    key: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer },
    type: 'pkcs8' | 'spki',
  ) => String(key.export({ type, format: 'pem' }));
  const clientEmail = `push@${FCM_PROJECT}.iam.gserviceaccount.com`;
  const fcm = await startFakeFcm({ publicKeyPem: pem(rsa.publicKey, 'spki'), clientEmail, projectId: FCM_PROJECT });
  const apns = await startFakeApns({
    publicKeyPem: pem(ec.publicKey, 'spki'),
    teamId: APNS_TEAM,
    keyId: APNS_KEY_ID,
    topic: APNS_TOPIC,
  });
  return {
    fcm,
    apns,
    env: {
      FCM_SERVICE_ACCOUNT_JSON: JSON.stringify({
        type: 'service_account',
        project_id: FCM_PROJECT,
        client_email: clientEmail,
        private_key: pem(rsa.privateKey, 'pkcs8'),
        token_uri: fcm.tokenUri,
      }),
      APNS_AUTH_KEY: pem(ec.privateKey, 'pkcs8'),
    },
    settings: {
      fcm: { endpoint: fcm.origin },
      apns: { teamId: APNS_TEAM, keyId: APNS_KEY_ID, topic: APNS_TOPIC, endpoint: apns.origin },
    },
    async close() {
      await fcm.close();
      await apns.close();
    },
  };
}

/** A well-formed FCM registration token / APNs device token for device number `n`. */
export const fcmToken = (n: number) => `fcm_${String(n).padStart(8, '0')}_${'x'.repeat(140)}`;
export const apnsToken = (n: number) => `a${n.toString(16).padStart(63, '0')}`;

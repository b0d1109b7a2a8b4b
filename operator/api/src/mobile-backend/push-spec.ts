import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { secretKeySelector } from '../schema/secret-key-selector.ts';

const FcmSchema = z
  .object({
    serviceAccountSecretRef: secretKeySelector(
      'Secret holding the Firebase service-account JSON key.',
      'service-account.json',
    ),
  })
  .describe('Firebase Cloud Messaging (HTTP v1 API) for Android and web.');

/** The APNs fields that only make sense together (token-based auth needs all four). */
const APNS_REQUIRED_TOGETHER = ['keySecretRef', 'teamID', 'keyID', 'topic'] as const;

const ApnsSchema = withCelRules(
  z
    .object({
      keySecretRef: secretKeySelector('Secret holding the APNs signing key (.p8).', 'key.p8').optional(),
      teamID: z
        .string()
        .length(10)
        .regex(/^[A-Z0-9]{10}$/, { error: 'must be the 10-character Apple team id' })
        .optional()
        .describe('Apple Developer team id (10 characters).'),
      keyID: z
        .string()
        .length(10)
        .regex(/^[A-Z0-9]{10}$/, { error: 'must be the 10-character APNs key id' })
        .optional()
        .describe('Id of the APNs signing key (10 characters).'),
      topic: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[A-Za-z0-9.-]+$/, { error: 'must be an app bundle id such as com.example.rides' })
        .optional()
        .describe('Bundle id of the app, sent as apns-topic.'),
      environment: z
        .enum(['production', 'sandbox'])
        .default('production')
        .describe('APNs environment: production, or sandbox for development builds.'),
    })
    .describe(
      'Apple Push Notification service with token-based (.p8) authentication. Set all of keySecretRef, teamID, keyID and topic, or none.',
    ),
  [
    {
      rule: APNS_REQUIRED_TOGETHER.slice(1)
        .map((field) => `has(self.${APNS_REQUIRED_TOGETHER[0]}) == has(self.${field})`)
        .join(' && '),
      message: `${APNS_REQUIRED_TOGETHER.join(', ')} must be set together`,
      holds: (self) => {
        const set = APNS_REQUIRED_TOGETHER.map((field) => self[field] !== undefined);
        return set.every((isSet) => isSet === set[0]);
      },
    },
  ],
);

export const PushSpecSchema = z
  .object({
    fcm: FcmSchema.optional(),
    apns: ApnsSchema.optional(),
  })
  .describe('Push providers; required when components.push is enabled.');

export type PushSpec = z.output<typeof PushSpecSchema>;

/** True when the push spec configures at least one provider. */
export function hasPushProvider(push: PushSpec | undefined): boolean {
  return push?.fcm !== undefined || push?.apns?.keySecretRef !== undefined;
}

import { z } from 'zod';

const topicName = z.string().regex(/^[A-Za-z0-9_.~%-]{1,128}$/, 'letters, digits and _.~%- (at most 128)');
const version = z.string().regex(/^\d{1,3}(\.\d{1,3}){0,2}$/, 'a version like 4, 4.2 or 4.2.1');

/** Who a message goes to: one user's devices, one device, a topic's subscribers, or a segment. */
export const pushTargetSchema = z.union([
  z.object({ userId: z.string().min(1).max(200) }).strict(),
  z.object({ deviceId: z.uuid() }).strict(),
  z.object({ topic: topicName }).strict(),
  z
    .object({
      segment: z
        .object({
          platform: z.enum(['ios', 'android', 'web']).optional(),
          /** Inclusive range of app versions. */
          appVersion: z.object({ min: version.optional(), max: version.optional() }).strict().optional(),
          /** A BCP 47 tag or its language: `de` matches `de`, `de-AT`, `de-CH`. */
          locale: z
            .string()
            .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag')
            .optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type PushTarget = z.infer<typeof pushTargetSchema>;

export { topicName as pushTopicSchema };

/** `4.2.1` → 4002001: versions compare as integers (each part 0–999). */
export function appVersionKey(value: string): number {
  const [major = 0, minor = 0, patch = 0] = value.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

/**
 * The target as a parameterised WHERE clause over `mp_push_devices d` (live devices only), parameters numbered
 * from `$first`.
 */
export function targetWhere(target: PushTarget, first = 1): { sql: string; params: unknown[] } {
  const clauses = ['d.pruned_at IS NULL'];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${first + params.length - 1}`));
  };
  if ('userId' in target) add((p) => `d.user_id = ${p}`, target.userId);
  else if ('deviceId' in target) add((p) => `d.id = ${p}::uuid`, target.deviceId);
  else if ('topic' in target) add((p) => `d.topics @> ARRAY[${p}::text]`, target.topic);
  else {
    const s = target.segment;
    if (s.platform !== undefined) add((p) => `d.platform = ${p}`, s.platform);
    if (s.appVersion?.min !== undefined) add((p) => `d.app_version_key >= ${p}`, appVersionKey(s.appVersion.min));
    if (s.appVersion?.max !== undefined) {
      // `4` means every 4.x.y, `4.2` every 4.2.y.
      const parts = s.appVersion.max.split('.').length;
      const slack = parts === 1 ? 999_999 : parts === 2 ? 999 : 0;
      add((p) => `d.app_version_key <= ${p}`, appVersionKey(s.appVersion.max) + slack);
    }
    if (s.locale !== undefined) {
      add((p) => `(lower(d.locale) = lower(${p}) OR lower(d.locale) LIKE lower(${p}) || '-%')`, s.locale);
    }
  }
  return { sql: clauses.join(' AND '), params };
}

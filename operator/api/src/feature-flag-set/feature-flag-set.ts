import { z } from 'zod';
import { AGE_COLUMN, MOBILEPLANE_CATEGORY, type CustomResourceSource } from '../crd/custom-resource-source.ts';
import { API_VERSION } from '../group-version.ts';
import { conditionList, timestamp } from '../schema/condition.ts';
import { ObjectMetaSchema } from '../schema/object-meta.ts';
import { FeatureFlagSetSpecSchema } from './feature-flag-set-spec.ts';

/**
 * Condition types a FeatureFlagSet reports. Accepted: the set passed flagd's schema and merges with the other
 * sets of its backend. Delivered: the api pods serve the revision that contains it. KillSwitchEngaged: its kill
 * switches are on because the backend rollout aborted.
 */
export const FEATURE_FLAG_SET_CONDITION_TYPES = ['Accepted', 'Delivered', 'KillSwitchEngaged'] as const;

const count = (description: string) => z.int().min(0).describe(description);

export const FeatureFlagSetStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('The .metadata.generation this status was computed from.'),
    conditions: conditionList('Accepted, Delivered and KillSwitchEngaged.').optional(),
    flags: z
      .object({
        total: count('Flags in the set.'),
        enabled: count('Flags with state ENABLED.'),
        disabled: count('Flags with state DISABLED.'),
        killSwitched: count('Flags currently forced to their safe variant.'),
      })
      .optional()
      .describe('Flags per state.'),
    revision: z
      .string()
      .max(64)
      .optional()
      .describe('Revision of the backend flag configuration that includes this set (what the api pods should serve).'),
    killSwitch: z
      .object({
        engagedAt: timestamp('When the kill switches were engaged.'),
        reason: z
          .enum(['RolloutAborted', 'RolloutRolledBack'])
          .describe('The backend rollout phase that engaged them: Aborted or RolledBack.'),
        stableVersion: z
          .string()
          .max(128)
          .optional()
          .describe('The backend stable version when they were engaged; a new stable version releases them.'),
      })
      .optional()
      .describe('Set while the kill switches are engaged; absent while they are off.'),
  })
  .describe('Observed state of the flag set, written by the operator.');

export const FeatureFlagSetSchema = z
  .object({
    apiVersion: z.literal(API_VERSION).describe('mobileplane.io/v1alpha1'),
    kind: z.literal('FeatureFlagSet').describe('FeatureFlagSet'),
    metadata: ObjectMetaSchema,
    spec: FeatureFlagSetSpecSchema,
    status: FeatureFlagSetStatusSchema.optional(),
  })
  .describe(
    "FeatureFlagSet is a set of feature flags in flagd's format for one MobileBackend, served to apps over OFREP without restarting anything; flag editors need no rights on the backend itself.",
  );

export type FeatureFlagSet = z.output<typeof FeatureFlagSetSchema>;
export type FeatureFlagSetInput = z.input<typeof FeatureFlagSetSchema>;
export type FeatureFlagSetStatus = z.output<typeof FeatureFlagSetStatusSchema>;

const conditionColumn = (type: string, description: string) => ({
  name: type,
  type: 'string' as const,
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
  description,
});

export const FEATURE_FLAG_SET_CRD_SOURCE: CustomResourceSource = {
  kind: 'FeatureFlagSet',
  schema: FeatureFlagSetSchema,
  categories: [MOBILEPLANE_CATEGORY],
  printerColumns: [
    { name: 'Backend', type: 'string', jsonPath: '.spec.backendRef.name', description: 'The MobileBackend served.' },
    conditionColumn('Accepted', 'Status of the Accepted condition.'),
    conditionColumn('Delivered', 'Status of the Delivered condition.'),
    { name: 'Flags', type: 'integer', jsonPath: '.status.flags.total', description: 'Flags in the set.' },
    {
      name: 'Revision',
      type: 'string',
      jsonPath: '.status.revision',
      description: 'Flag configuration revision.',
      priority: 1,
    },
    AGE_COLUMN,
  ],
};

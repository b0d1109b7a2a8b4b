import { z } from 'zod';
import {
  AGE_COLUMN,
  MOBILEPLANE_CATEGORY,
  READY_COLUMN,
  type CustomResourceSource,
} from '../crd/custom-resource-source.ts';
import { API_VERSION } from '../group-version.ts';
import { withCelRules } from '../schema/cel-rules.ts';
import { conditionList } from '../schema/condition.ts';
import { DNS1123_LABEL_PATTERN, ObjectMetaSchema } from '../schema/object-meta.ts';
import { MobileEnvironmentSpecSchema } from './mobile-environment-spec.ts';

/** Condition types a MobileEnvironment reports. */
export const MOBILE_ENVIRONMENT_CONDITION_TYPES = ['Ready', 'Degraded'] as const;

export const MobileEnvironmentStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('The .metadata.generation this status was computed from.'),
    namespace: z.string().max(63).optional().describe('Namespace the environment lives in.'),
    conditions: conditionList('Ready and Degraded.').optional(),
  })
  .describe('Observed state of the environment, written by the operator.');

const NAMESPACE_NAME = new RegExp(DNS1123_LABEL_PATTERN);

export const MobileEnvironmentSchema = withCelRules(
  z
    .object({
      apiVersion: z.literal(API_VERSION).describe('mobileplane.io/v1alpha1'),
      kind: z.literal('MobileEnvironment').describe('MobileEnvironment'),
      metadata: ObjectMetaSchema,
      spec: MobileEnvironmentSpecSchema,
      status: MobileEnvironmentStatusSchema.optional(),
    })
    .describe(
      "MobileEnvironment is a team's dev, staging or prod space: a Namespace with Pod Security restricted, quota, limits, default-deny network policies and RoleBindings for the team's groups.",
    ),
  [
    {
      rule: `has(self.spec.__namespace__) || (self.metadata.name.size() <= 63 && self.metadata.name.matches('${DNS1123_LABEL_PATTERN}'))`,
      message:
        'metadata.name must be a valid namespace name (at most 63 characters, no dots) unless spec.namespace is set',
      fieldPath: '.metadata.name',
      holds: (self) => {
        const name = self.metadata.name;
        return (
          self.spec.namespace !== undefined || name === undefined || (name.length <= 63 && NAMESPACE_NAME.test(name))
        );
      },
    },
  ],
);

export type MobileEnvironment = z.output<typeof MobileEnvironmentSchema>;
export type MobileEnvironmentInput = z.input<typeof MobileEnvironmentSchema>;
export type MobileEnvironmentStatus = z.output<typeof MobileEnvironmentStatusSchema>;

export const MOBILE_ENVIRONMENT_CRD_SOURCE: CustomResourceSource = {
  kind: 'MobileEnvironment',
  schema: MobileEnvironmentSchema,
  categories: [MOBILEPLANE_CATEGORY],
  printerColumns: [
    { name: 'Tier', type: 'string', jsonPath: '.spec.tier', description: 'dev, staging or prod.' },
    { name: 'Team', type: 'string', jsonPath: '.spec.team', description: 'Owning team.' },
    { name: 'Namespace', type: 'string', jsonPath: '.status.namespace', description: 'Namespace of the environment.' },
    READY_COLUMN,
    AGE_COLUMN,
  ],
  selectableFields: ['.spec.tier', '.spec.team'],
};

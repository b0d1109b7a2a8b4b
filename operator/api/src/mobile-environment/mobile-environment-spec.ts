import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { listMap } from '../schema/list-types.ts';
import { dnsLabel } from '../schema/object-meta.ts';
import { quantity } from '../schema/quantity.ts';
import { computeResources, notGreaterThan } from '../schema/resource-requirements.ts';

/** Tiers; the Namespace gets the tier as label `mobileplane.io/tier`, which admission policies select on. */
export const ENVIRONMENT_TIERS = ['dev', 'staging', 'prod'] as const;
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** What deleting a MobileEnvironment does to its namespace and the MobileBackends in it. */
export const DELETION_POLICIES = ['Delete', 'Retain', 'Block'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** `spec.deletionPolicy`, or the tier's default when unset: Block in prod, Delete elsewhere. */
export function effectiveDeletionPolicy(spec: { tier: EnvironmentTier; deletionPolicy?: DeletionPolicy | undefined }) {
  return spec.deletionPolicy ?? (spec.tier === 'prod' ? 'Block' : 'Delete');
}

/** ClusterRoles a team group can be bound to in its namespace. */
export const ENVIRONMENT_ROLES = ['admin', 'edit', 'view'] as const;

const GroupBindingSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(256)
      .describe('Group name as the cluster authenticator reports it (OIDC groups claim).'),
    role: z
      .enum(ENVIRONMENT_ROLES)
      .default('edit')
      .describe('ClusterRole bound in the namespace: admin, edit or view. Defaults to edit.'),
  })
  .describe('A group of the team and its role in the namespace.');

const count = (description: string) => z.int().min(0).max(100_000).optional().describe(description);

const ResourceQuotaSchema = withCelRules(
  z
    .object({
      requests: computeResources('Total CPU and memory all pods may request.').optional(),
      limits: computeResources('Total CPU and memory limits of all pods.').optional(),
      storage: quantity('Total storage all PersistentVolumeClaims may request.').optional(),
      pods: count('Most pods in the namespace.'),
      services: count('Most Services in the namespace.'),
      persistentVolumeClaims: count('Most PersistentVolumeClaims in the namespace.'),
      mobileBackends: count('Most MobileBackends in the namespace.'),
    })
    .describe('ResourceQuota for the namespace. Omit for the operator defaults of the tier.'),
  [
    notGreaterThan(
      { path: 'requests', get: (self) => self.requests },
      { path: 'limits', get: (self) => self.limits },
      'cpu',
    ),
    notGreaterThan(
      { path: 'requests', get: (self) => self.requests },
      { path: 'limits', get: (self) => self.limits },
      'memory',
    ),
  ],
);

const LimitRangeSchema = withCelRules(
  z
    .object({
      defaultRequest: computeResources('Requests given to containers that set none.').optional(),
      default: computeResources('Limits given to containers that set none.').optional(),
      max: computeResources('Most any container may set as its limit.').optional(),
    })
    .describe('Container LimitRange for the namespace. Omit for the operator defaults of the tier.'),
  (['cpu', 'memory'] as const).flatMap((resource) => [
    notGreaterThan(
      { path: 'defaultRequest', get: (self) => self.defaultRequest },
      { path: 'default', get: (self) => self.default },
      resource,
    ),
    notGreaterThan(
      { path: 'default', get: (self) => self.default },
      { path: 'max', get: (self) => self.max },
      resource,
    ),
  ]),
);

export const MobileEnvironmentSpecSchema = withCelRules(
  z
    .object({
      tier: z
        .enum(ENVIRONMENT_TIERS)
        .describe('dev, staging or prod. Admission policies apply stricter rules to higher tiers.'),
      team: dnsLabel('Team that owns the environment; becomes the mobileplane.io/team label.'),
      namespace: dnsLabel('Namespace to create. Defaults to the MobileEnvironment name. Cannot be changed.').optional(),
      groups: listMap(GroupBindingSchema, ['name'], 20)
        .optional()
        .describe('Groups of the team, each bound to a ClusterRole in the namespace with a RoleBinding.'),
      resourceQuota: ResourceQuotaSchema.optional(),
      limitRange: LimitRangeSchema.optional(),
      deletionPolicy: z
        .enum(DELETION_POLICIES)
        .optional()
        .describe(
          'What deleting the MobileEnvironment does. Delete: the namespace and everything in it, MobileBackends included, are deleted. Retain: the MobileEnvironment goes, the namespace and its contents stay (no longer managed). Block: the MobileEnvironment is not deleted while MobileBackends remain in the namespace (condition Terminating, reason BackendsRemaining, names them); once they are gone it is deleted as with Delete. Defaults to Block in the prod tier and Delete elsewhere.',
        ),
    })
    .describe('Desired state of the environment.'),
  [],
  [
    {
      // `namespace` is a CEL keyword: the API server exposes the field as __namespace__.
      rule: 'has(self.__namespace__) == has(oldSelf.__namespace__) && (!has(self.__namespace__) || self.__namespace__ == oldSelf.__namespace__)',
      message: 'namespace is immutable',
      fieldPath: '.namespace',
    },
  ],
);

export type MobileEnvironmentSpec = z.output<typeof MobileEnvironmentSpecSchema>;
export type MobileEnvironmentSpecInput = z.input<typeof MobileEnvironmentSpecSchema>;

import { AuthorizeResult, isPermission } from '@backstage/plugin-permission-common';
import type { PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  mobileBackendDeletePermission,
  mobileBackendFlagsUpdatePermission,
  mobileBackendRolloutPermission,
  mobileBackendUpdatePermission,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import { createMobileBackendConditionalDecision, mobileBackendConditions } from './permission-rules';

/** Tiers in which only the owning team may change, promote, abort or delete a backend. */
export const PROTECTED_TIERS = ['prod'] as const;

/**
 * The portal's default policy: everyone signed in may read and create; in `prod`, only members of the owning team
 * (a `group:<ns>/<team>` ownership ref) may update, promote/abort, delete a backend or switch its flags. Other plugins' permissions are
 * allowed. An app with its own policy can call `mobileplanePolicyDecision` from it and keep the same rule.
 */
export function mobileplanePolicyDecision(request: PolicyQuery, user?: PolicyQueryUser): PolicyDecision | undefined {
  const guarded = [
    mobileBackendUpdatePermission,
    mobileBackendDeletePermission,
    mobileBackendRolloutPermission,
    mobileBackendFlagsUpdatePermission,
  ];
  const permission = guarded.find((p) => isPermission(request.permission, p));
  if (!permission) return undefined;
  return createMobileBackendConditionalDecision(permission, {
    anyOf: [
      { not: mobileBackendConditions.isInTier({ tiers: [...PROTECTED_TIERS] }) },
      mobileBackendConditions.isOwnedByTeamOf({ claims: user?.info.ownershipEntityRefs ?? [] }),
    ],
  });
}

export class MobileplanePermissionPolicy implements PermissionPolicy {
  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    return mobileplanePolicyDecision(request, user) ?? { result: AuthorizeResult.ALLOW };
  }
}

/** Installs `MobileplanePermissionPolicy` as the permission backend's policy. */
export const permissionModuleMobileplanePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mobileplane-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new MobileplanePermissionPolicy());
      },
    });
  },
});

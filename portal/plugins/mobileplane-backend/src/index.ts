/**
 * Backstage backend plugin for Mobileplane: the portal's HTTP API over the mobileplane.io resources of the configured
 * clusters, under Backstage permissions, with a permission policy module that keeps `prod` to the owning team.
 *
 * @packageDocumentation
 */
export { mobileplanePlugin as default } from './plugin';
export {
  MobileplanePermissionPolicy,
  PROTECTED_TIERS,
  mobileplanePolicyDecision,
  permissionModuleMobileplanePolicy,
} from './permissions/mobileplane-permission-policy';
export {
  createMobileBackendConditionalDecision,
  mobileBackendConditions,
  mobileBackendPermissionResourceRef,
  mobileBackendPermissionRules,
} from './permissions/permission-rules';

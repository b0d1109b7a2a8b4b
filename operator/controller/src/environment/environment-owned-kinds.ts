import type { KindName } from '../kube/resource-kinds.ts';

/** Kinds a MobileEnvironment owns; each gets an informer restricted to the operator's own objects. */
export const ENVIRONMENT_OWNED_KINDS: KindName[] = [
  'Namespace',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'RoleBinding',
];

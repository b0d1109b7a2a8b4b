import { effectiveDeletionPolicy, type DeletionPolicy, type EnvironmentTier } from '@mobileplane/api';
import type { KubeObject } from '../kube/kube-object.ts';

/** Held by every MobileEnvironment the operator manages, so deleting one waits for its deletion policy. */
export const ENVIRONMENT_FINALIZER = 'mobileplane.io/environment-protection';

/** What the operator does with a MobileEnvironment that is being deleted. */
export type DeletionStep =
  { action: 'release' } | { action: 'orphan-then-release' } | { action: 'wait'; backends: string[] };

/**
 * The deletion policy applied to what is left in the namespace (pure). The policy is read leniently from the
 * raw spec: an environment whose spec no longer validates must still be deletable, and when in doubt (no tier)
 * the safe choice is Block.
 */
export function deletionStep(environment: KubeObject, backendsInNamespace: readonly string[]): DeletionStep {
  const spec = (environment.spec ?? {}) as { tier?: EnvironmentTier; deletionPolicy?: DeletionPolicy };
  const policy: DeletionPolicy =
    spec.tier === undefined ? (spec.deletionPolicy ?? 'Block') : effectiveDeletionPolicy({ ...spec, tier: spec.tier });
  if (policy === 'Retain') return { action: 'orphan-then-release' };
  if (policy === 'Block' && backendsInNamespace.length > 0) {
    return { action: 'wait', backends: [...backendsInNamespace].sort() };
  }
  return { action: 'release' };
}

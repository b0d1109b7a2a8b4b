import type { KindName } from '@mobileplane/api';

/**
 * A Kubernetes `metav1.Condition` as the operator writes it into `status.conditions`.
 *
 * Defined here until the zod-derived types land in @mobileplane/api; keep it a structural subset of those so the
 * switch is a change of import only.
 */
export interface ResourceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** The parts of a mobileplane.io resource the portal needs to show its health. */
export interface ResourceStatusView {
  apiVersion: string;
  kind: KindName;
  metadata: { name: string; namespace?: string; generation?: number };
  status?: { observedGeneration?: number; conditions?: ResourceCondition[] };
}

import type { ResourceCondition, ResourceStatusView } from './resource-status';

export type ReadinessState = 'Ready' | 'NotReady' | 'Reconciling' | 'Unknown';

export interface Readiness {
  state: ReadinessState;
  reason?: string;
  message?: string;
}

/**
 * Summarises a resource's health from its `Ready` condition, the way `kubectl wait --for=condition=Ready` and kstatus
 * read it: a condition written for an older generation says nothing about the current spec, so the resource is still
 * reconciling whatever that condition says.
 */
export function readiness(resource: ResourceStatusView): Readiness {
  const ready = resource.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) {
    return { state: 'Unknown', message: 'The operator has not reported a Ready condition yet.' };
  }
  const { generation } = resource.metadata;
  const observed = ready.observedGeneration ?? resource.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return {
      state: 'Reconciling',
      reason: 'GenerationNotObserved',
      message: `The operator has observed generation ${observed} of ${generation}.`,
    };
  }
  const state: ReadinessState = ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  return { state, reason: ready.reason, message: ready.message };
}

/** The conditions in display order: `Ready` first, then the rest in the order the operator wrote them. */
export function orderConditions(conditions: readonly ResourceCondition[]): ResourceCondition[] {
  return [...conditions.filter((c) => c.type === 'Ready'), ...conditions.filter((c) => c.type !== 'Ready')];
}

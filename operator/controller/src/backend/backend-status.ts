import type { ComponentName, ComponentStatus, MobileBackendStatus } from '@mobileplane/api';
import { APPLIED_HASH_ANNOTATION } from '../apply/object-applier.ts';
import type { Reason } from '../controller/condition-reasons.ts';
import type { ConditionUpdate } from '../controller/conditions.ts';
import type { ReconcileError } from '../controller/reconcile-error.ts';
import type { KubeObject } from '../kube/kube-object.ts';

interface DeploymentView extends KubeObject {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

export interface ComponentHealth {
  component: ComponentName;
  available: boolean;
  /** Why not, for the Ready condition's message. */
  waitingFor: string | undefined;
  /**
   * Set when the Deployment reports it cannot make progress on its own (kstatus' "Failed"): a ReplicaFailure
   * (pods refused, e.g. by a ResourceQuota) or a missed progress deadline. Waiting will not fix it.
   */
  failure?: string;
  status: ComponentStatus;
  /** Since when the Deployment has not been Available (its condition's transition time), if it is not. */
  unavailableSince?: number;
  /** The pod-level reason of `failure` when it comes from a stuck container (e.g. ErrImageNeverPull). */
  failureReason?: Reason;
}

/** The part of a Deployment's status that componentHealth reads: all the operator caches of it. */
export function deploymentStatusView(status: unknown): DeploymentView['status'] {
  const s = (status ?? {}) as NonNullable<DeploymentView['status']>;
  const view: NonNullable<DeploymentView['status']> = {};
  for (const field of [
    'observedGeneration',
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
  ] as const) {
    if (s[field] !== undefined) view[field] = s[field];
  }
  if (s.conditions !== undefined) {
    view.conditions = s.conditions.map(({ type, status: conditionStatus, reason, message, lastTransitionTime }) => ({
      type,
      status: conditionStatus,
      ...(reason !== undefined ? { reason } : {}),
      ...(message !== undefined ? { message } : {}),
      // Kept for the Available condition: how long a component has been waiting decides whether its pods are read.
      ...(type === 'Available' && lastTransitionTime !== undefined ? { lastTransitionTime } : {}),
    }));
  }
  return view;
}

/**
 * Whether a component's Deployment has finished rolling out and is Available — `kubectl rollout status`'s
 * rules: the controller observed the latest generation, every replica runs the new template, the old ones are
 * gone, and all are available.
 */
export function componentHealth(component: ComponentName, deployment: KubeObject | undefined): ComponentHealth {
  const d = deployment as DeploymentView | undefined;
  if (d === undefined) return { component, available: false, waitingFor: 'Deployment not created yet', status: {} };
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const status: ComponentStatus = {
    replicas: s.replicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    ...(d.metadata.annotations?.[APPLIED_HASH_ANNOTATION]
      ? { revision: d.metadata.annotations[APPLIED_HASH_ANNOTATION] }
      : {}),
  };
  const available = s.conditions?.find((c) => c.type === 'Available');
  let waitingFor: string | undefined;
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 1)) waitingFor = 'rollout not observed yet';
  else if ((s.updatedReplicas ?? 0) < desired) waitingFor = `${s.updatedReplicas ?? 0}/${desired} replicas updated`;
  else if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0))
    waitingFor = `${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas pending termination`;
  else if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0))
    waitingFor = `${s.availableReplicas ?? 0}/${desired} replicas available`;
  else if (desired > 0 && available?.status !== 'True')
    waitingFor = `not Available: ${available?.message ?? 'no condition yet'}`;
  const failure = deploymentFailure(s.conditions ?? []);
  const since =
    available?.status === 'False' && available.lastTransitionTime ? Date.parse(available.lastTransitionTime) : NaN;
  return {
    component,
    available: waitingFor === undefined,
    waitingFor,
    status,
    ...(failure ? { failure } : {}),
    ...(Number.isFinite(since) && waitingFor !== undefined ? { unavailableSince: since } : {}),
  };
}

function deploymentFailure(conditions: NonNullable<NonNullable<DeploymentView['status']>['conditions']>) {
  const failed = conditions.find(
    (c) =>
      (c.type === 'ReplicaFailure' && c.status === 'True') ||
      (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded'),
  );
  return failed === undefined ? undefined : `${failed.reason ?? failed.type}: ${failed.message ?? ''}`.trim();
}

/** Ready / Progressing / Degraded from the components' health, or from the error that stopped the reconcile. */
export function backendConditions(
  health: readonly ComponentHealth[],
  error: ReconcileError | undefined,
): ConditionUpdate[] {
  if (error !== undefined) {
    return [
      { type: 'Ready', status: 'False', reason: error.reason, message: error.message },
      { type: 'Progressing', status: 'False', reason: error.reason, message: error.message },
      { type: 'Degraded', status: 'True', reason: error.reason, message: error.message },
    ];
  }
  const waiting = health.filter((h) => !h.available);
  const notDegraded: ConditionUpdate = {
    type: 'Degraded',
    status: 'False',
    reason: 'NotDegraded',
    message: 'The last reconcile succeeded.',
  };
  if (waiting.length === 0) {
    const message = `All ${health.length} components are available.`;
    return [
      { type: 'Ready', status: 'True', reason: 'Reconciled', message },
      { type: 'Progressing', status: 'False', reason: 'Reconciled', message },
      notDegraded,
    ];
  }
  const message = `Waiting for ${waiting.map((h) => `${h.component} (${h.waitingFor})`).join(', ')}.`;
  const failing = waiting.filter((h) => h.failure !== undefined);
  if (failing.length > 0) {
    const failures = `${failing.map((h) => `${h.component}: ${h.failure}`).join('; ')}.`;
    // One pod-level reason for every failing component (e.g. ErrImageNeverPull) is the condition's reason.
    const [only, ...others] = new Set<Reason>(failing.map((h) => h.failureReason ?? 'ComponentsFailing'));
    const reason: Reason = only !== undefined && others.length === 0 ? only : 'ComponentsFailing';
    return [
      { type: 'Ready', status: 'False', reason, message: `${message} ${failures}` },
      { type: 'Progressing', status: 'True', reason: 'ComponentsProgressing', message },
      { type: 'Degraded', status: 'True', reason, message: failures },
    ];
  }
  return [
    { type: 'Ready', status: 'False', reason: 'ComponentsProgressing', message },
    { type: 'Progressing', status: 'True', reason: 'ComponentsProgressing', message },
    notDegraded,
  ];
}

/** status.components and status.rollout from the components' health (conditions are merged separately). */
export function backendStatusFields(
  health: readonly ComponentHealth[],
  version: string,
): Pick<MobileBackendStatus, 'components' | 'rollout'> {
  const components = Object.fromEntries(health.map((h) => [h.component, h.status]));
  const settled = health.every((h) => h.available);
  return { components, rollout: { phase: settled ? 'Stable' : 'Progressing', stableVersion: version } };
}

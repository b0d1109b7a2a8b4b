import type { Reason } from '../controller/condition-reasons.ts';
import type { KubeObject } from '../kube/kube-object.ts';

/**
 * Container waiting reasons that will not resolve by waiting: the kubelet reports them while it backs off. A
 * component whose pods show one is failing, not progressing (what `kubectl rollout status` cannot tell, and
 * Argo CD's health checks call Degraded).
 */
export const STUCK_CONTAINER_REASONS: ReadonlySet<string> = new Set<Reason>([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

interface ContainerStatusView {
  name: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

interface PodView extends KubeObject {
  status?: { initContainerStatuses?: ContainerStatusView[]; containerStatuses?: ContainerStatusView[] };
}

export interface PodFailure {
  /** The kubelet's reason, e.g. ErrImageNeverPull: a valid condition reason as it is. */
  reason: Reason;
  message: string;
}

/** The first stuck container among a component's pods (terminating pods ignored), or undefined. */
export function podFailure(pods: readonly KubeObject[]): PodFailure | undefined {
  for (const pod of pods as readonly PodView[]) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const container of statuses) {
      const waiting = container.state?.waiting;
      if (waiting?.reason === undefined || !STUCK_CONTAINER_REASONS.has(waiting.reason)) continue;
      const detail = waiting.message ? `: ${waiting.message}` : '';
      return {
        reason: waiting.reason as Reason,
        message: `pod ${pod.metadata.name ?? ''} container ${container.name} ${waiting.reason}${detail}`,
      };
    }
  }
  return undefined;
}

/**
 * Every condition reason and Event reason the operator writes, with its meaning (STYLE.md §6: reasons live in
 * one module). Reasons are CamelCase identifiers, as metav1.Condition requires; tools and alerts match on them,
 * so never rename one.
 */
export const REASONS = {
  // Ready / Progressing
  Reconciled: { severity: 'info', meaning: 'Every desired object is applied and every component is Available.' },
  ComponentsProgressing: {
    severity: 'info',
    meaning: 'Objects are applied; at least one component Deployment is not yet Available or is rolling out.',
  },
  ComponentsFailing: {
    severity: 'info',
    meaning:
      'A component Deployment reports ReplicaFailure (e.g. pods refused by a ResourceQuota) or ProgressDeadlineExceeded; waiting alone will not make it Available.',
  },
  // Ready / Degraded from a component's pods, after it has been unavailable for 10 s: the kubelet's own reasons.
  ErrImagePull: { severity: 'info', meaning: 'An image of a component cannot be pulled.' },
  ImagePullBackOff: { severity: 'info', meaning: 'The kubelet backs off pulling an image of a component.' },
  ErrImageNeverPull: { severity: 'info', meaning: 'An image is not on the node and the pull policy is Never.' },
  InvalidImageName: { severity: 'info', meaning: 'The image reference of a component is not valid.' },
  CrashLoopBackOff: { severity: 'info', meaning: 'A component container keeps exiting; the kubelet backs off.' },
  CreateContainerConfigError: { severity: 'info', meaning: 'A container cannot be configured (e.g. a missing key).' },
  CreateContainerError: { severity: 'info', meaning: 'The container runtime cannot create a component container.' },
  RunContainerError: { severity: 'info', meaning: 'The container runtime cannot start a component container.' },
  NamespaceReady: {
    severity: 'info',
    meaning: 'The environment namespace and its guardrails are applied and its ResourceQuota enforces every resource.',
  },
  QuotaPending: {
    severity: 'info',
    meaning:
      'The ResourceQuota is applied but the quota controller has not yet counted every resource in `hard`; the API server would refuse those objects ("status unknown for quota") until it has.',
  },
  // Terminating (a MobileEnvironment being deleted)
  BackendsRemaining: {
    severity: 'info',
    meaning:
      'The MobileEnvironment is being deleted with deletionPolicy Block and MobileBackends remain in its namespace; it is deleted once they are gone.',
  },
  // Degraded, transient (retried with per-key exponential backoff)
  SecretNotFound: {
    severity: 'transient',
    meaning: 'A Secret the spec references does not exist in the resource namespace; retried with backoff.',
  },
  ApplyFailed: {
    severity: 'transient',
    meaning: 'The API server refused or failed a server-side apply of a child object; retried with backoff.',
  },
  PruneFailed: { severity: 'transient', meaning: 'Deleting an object that is no longer desired failed.' },
  ApiUnavailable: { severity: 'transient', meaning: 'The API server could not be reached or timed out.' },
  // Degraded, terminal (not retried until the spec changes)
  InvalidSpec: {
    severity: 'terminal',
    meaning: 'The spec fails the operator-side validation (the API server admitted it, e.g. an old CRD).',
  },
  NamespaceConflict: {
    severity: 'terminal',
    meaning: 'The environment namespace exists and is owned by something else; the operator will not adopt it.',
  },
  // FeatureFlagSet (Accepted, Delivered, KillSwitchEngaged)
  FlagsAccepted: {
    severity: 'info',
    meaning: "The set passes flagd's schema, its targeting compiles and it merges with the backend's other sets.",
  },
  InvalidFlags: {
    severity: 'terminal',
    meaning:
      "The set fails flagd's schema or a targeting rule does not compile; the message names the flag and field. The api keeps serving the last good configuration.",
  },
  FlagKeyConflict: {
    severity: 'terminal',
    meaning:
      'A flag key or $evaluators entry is already defined by another FeatureFlagSet of the backend (earlier by name).',
  },
  BackendNotFound: { severity: 'transient', meaning: 'spec.backendRef names no MobileBackend in the namespace.' },
  FlagsDelivered: { severity: 'info', meaning: 'Every ready api pod serves the revision that contains the set.' },
  FlagsDelivering: {
    severity: 'info',
    meaning:
      'The ConfigMap holds the revision; not every ready api pod serves it yet (kubelet refreshes mounted ConfigMaps within about a minute).',
  },
  NoApiPods: { severity: 'info', meaning: 'No ready api pod of the backend to serve the flags yet.' },
  NotAccepted: { severity: 'info', meaning: 'The set is not accepted, so it is not delivered.' },
  RolloutAborted: {
    severity: 'info',
    meaning: 'Kill switches engaged: the backend rollout was aborted; the named flags serve their safe variants.',
  },
  RolloutRolledBack: {
    severity: 'info',
    meaning:
      'Kill switches engaged: the backend rollout was rolled back by analysis; the named flags serve their safe variants.',
  },
  KillSwitchReleased: {
    severity: 'info',
    meaning: 'Kill switches off: no aborted rollout, or a new rollout has succeeded since.',
  },
  // Degraded cleared
  NotDegraded: { severity: 'info', meaning: 'The last reconcile succeeded.' },
} as const satisfies Record<string, { severity: 'info' | 'transient' | 'terminal'; meaning: string }>;

export type Reason = keyof typeof REASONS;

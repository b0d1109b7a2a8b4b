/** Kill-switch state a FeatureFlagSet keeps in its status between reconciles. */
export interface KillSwitchState {
  /** When the switches were engaged (RFC 3339). */
  engagedAt: string;
  /** Why: the rollout phase that engaged them (Aborted or RolledBack). */
  reason: 'RolloutAborted' | 'RolloutRolledBack';
  /** The backend's stable version when they were engaged; a different stable version means a rollout succeeded. */
  stableVersion?: string | undefined;
}

/** The part of a MobileBackend's rollout status the kill switch reads. */
export interface RolloutObservation {
  phase?: string | undefined;
  stableVersion?: string | undefined;
}

/**
 * Next kill-switch state, level-triggered from the backend's rollout status and the set's own previous state:
 * an Aborted or RolledBack rollout engages the switches; they stay engaged through the next rollout's steps and
 * disengage only once a rollout has succeeded, that is when the rollout is Stable on a stable version other
 * than the one that was stable when they were engaged. A backend that was never rolled out keeps them off.
 */
export function nextKillSwitchState(
  previous: KillSwitchState | undefined,
  rollout: RolloutObservation | undefined,
  now: string,
): KillSwitchState | undefined {
  const phase = rollout?.phase;
  if (phase === 'Aborted' || phase === 'RolledBack') {
    const reason = phase === 'Aborted' ? 'RolloutAborted' : 'RolloutRolledBack';
    if (previous !== undefined && previous.reason === reason) return previous;
    return { engagedAt: previous?.engagedAt ?? now, reason, stableVersion: rollout?.stableVersion };
  }
  if (previous === undefined) return undefined;
  if (phase === 'Stable' && rollout?.stableVersion !== previous.stableVersion) return undefined;
  return previous;
}

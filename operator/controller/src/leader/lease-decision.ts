/** The spec of a coordination.k8s.io/v1 Lease, as leader election uses it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** What this candidate saw of the lease, on its own clock (client-go: never trust another host's clock). */
export interface Observation {
  /** The holder and renewTime last seen, and when (local ms) they last changed. */
  holderIdentity: string | undefined;
  renewTime: string | undefined;
  observedAtMs: number;
}

export type LeaseAction =
  | { action: 'renew' }
  | { action: 'acquire'; transitions: number }
  | { action: 'wait'; holder: string; expiresInMs: number };

/**
 * Pure core of leader election (client-go's tryAcquireOrRenew): renew when we hold the lease; acquire it when
 * it is free (no holder, released) or when its holder has not renewed for a full lease duration as measured
 * on this process's clock since the holder's renewTime was last seen changing; otherwise wait.
 */
export function decideLease(
  spec: LeaseSpec | undefined,
  identity: string,
  observation: Observation | undefined,
  nowMs: number,
  leaseDurationMs: number,
): LeaseAction {
  const holder = spec?.holderIdentity ?? '';
  if (holder === identity) return { action: 'renew' };
  const transitions = (spec?.leaseTransitions ?? 0) + (holder === '' ? 0 : 1);
  if (holder === '') return { action: 'acquire', transitions };
  const duration = spec?.leaseDurationSeconds !== undefined ? spec.leaseDurationSeconds * 1000 : leaseDurationMs;
  const unchangedSince =
    observation !== undefined && observation.holderIdentity === holder && observation.renewTime === spec?.renewTime
      ? observation.observedAtMs
      : nowMs;
  const expiresInMs = unchangedSince + duration - nowMs;
  if (expiresInMs > 0) return { action: 'wait', holder, expiresInMs };
  return { action: 'acquire', transitions };
}

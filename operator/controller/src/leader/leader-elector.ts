import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { resourceKind } from '../kube/resource-kinds.ts';
import { sleep } from '../kube/sleep.ts';
import { microTime } from '../kube/meta-time.ts';
import { decideLease, type LeaseSpec, type Observation } from './lease-decision.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a standby waits after the last renewal it saw before taking over. */
  leaseDurationMs: number;
  /** The leader gives up when it could not renew for this long (must be < leaseDuration). */
  renewDeadlineMs: number;
  /** Time between attempts to acquire or renew. */
  retryPeriodMs: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-go's leaderelection): optimistic concurrency on
 * the Lease's resourceVersion, expiry judged on the local clock, release on graceful shutdown so a standby
 * takes over at once instead of after the lease duration.
 */
export class LeaderElector {
  readonly #client: KubeClient;
  readonly #options: LeaderElectionOptions;
  readonly #logger: Logger;
  #observation: Observation | undefined;
  #lease: Lease | undefined;
  #leading = false;

  constructor(client: KubeClient, options: LeaderElectionOptions, logger: Logger) {
    this.#client = client;
    this.#options = options;
    this.#logger = logger.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Resolves once this process holds the lease (or never, if `signal` aborts first: then false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    let lastHolder: string | undefined;
    while (!signal.aborted) {
      const outcome = await this.#tryAcquireOrRenew().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'leader election attempt failed');
        return undefined;
      });
      if (outcome === true) {
        this.#leading = true;
        this.#logger.info('acquired leader lease');
        return true;
      }
      if (typeof outcome === 'string' && outcome !== lastHolder) {
        lastHolder = outcome;
        this.#logger.info({ holder: outcome }, 'waiting for the leader lease');
      }
      await sleep(this.#options.retryPeriodMs, signal);
    }
    return false;
  }

  /**
   * Renews the lease every retry period until `signal` aborts (returns normally) or renewal fails for longer
   * than the renew deadline (rejects: the caller must stop reconciling at once, like controller-runtime exits).
   */
  async holdUntil(signal: AbortSignal): Promise<void> {
    let lastRenewMs = Date.now();
    while (!signal.aborted) {
      await sleep(this.#options.retryPeriodMs, signal);
      if (signal.aborted) break;
      const renewed = await this.#tryAcquireOrRenew().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'renewing the leader lease failed');
        return false;
      });
      if (renewed === true) {
        lastRenewMs = Date.now();
      } else if (typeof renewed === 'string' || Date.now() - lastRenewMs > this.#options.renewDeadlineMs) {
        this.#leading = false;
        throw new Error(`lost the leader lease (holder: ${typeof renewed === 'string' ? renewed : 'unknown'})`);
      }
    }
  }

  /** Gives the lease up so a standby can take over immediately (best effort). */
  async release(): Promise<void> {
    if (!this.#leading || this.#lease === undefined) return;
    this.#leading = false;
    const now = microTime(Date.now());
    try {
      await this.#client.update({
        ...this.#lease,
        spec: { ...this.#lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      this.#logger.info('released leader lease');
    } catch (error) {
      this.#logger.warn({ err: error }, 'releasing the leader lease failed');
    }
  }

  /** true: we hold the lease now; a string: who else holds it; false: lost a write race, try again. */
  async #tryAcquireOrRenew(): Promise<boolean | string> {
    const { namespace, name, identity, leaseDurationMs } = this.#options;
    const leases = resourceKind('Lease');
    const now = Date.now();
    const current = await this.#client.get<Lease>(leases, { namespace, name });
    const spec = current?.spec;
    if (
      this.#observation === undefined ||
      this.#observation.holderIdentity !== spec?.holderIdentity ||
      this.#observation.renewTime !== spec?.renewTime
    ) {
      this.#observation = { holderIdentity: spec?.holderIdentity, renewTime: spec?.renewTime, observedAtMs: now };
    }
    const decision = decideLease(spec, identity, this.#observation, now, leaseDurationMs);
    if (decision.action === 'wait') return decision.holder;
    const renewTime = microTime(now);
    const nextSpec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      renewTime,
      acquireTime: decision.action === 'acquire' ? renewTime : (spec?.acquireTime ?? renewTime),
      leaseTransitions: decision.action === 'acquire' ? decision.transitions : (spec?.leaseTransitions ?? 0),
    };
    try {
      this.#lease =
        current === undefined
          ? await this.#client.create<Lease>({
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name, namespace },
              spec: nextSpec,
            })
          : await this.#client.update<Lease>({ ...current, spec: nextSpec });
    } catch (error) {
      // 409: someone else wrote the lease between our read and our write; they hold it now.
      if (error instanceof KubeApiError && error.code === 409) return false;
      throw error;
    }
    this.#observation = { holderIdentity: identity, renewTime, observedAtMs: now };
    return true;
  }
}

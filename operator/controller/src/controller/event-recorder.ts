import type { Logger } from 'pino';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { metaTime } from '../kube/meta-time.ts';
import type { Reason } from './condition-reasons.ts';

/** Namespace for Events about cluster-scoped objects (as kubectl describe looks them up). */
const CLUSTER_EVENTS_NAMESPACE = 'default';

/**
 * Records core/v1 Events, the ones `kubectl describe` and `kubectl get events` show. Best effort: a failed
 * Event never fails a reconcile. Callers record transitions only, so a steady state sends none.
 */
export class EventRecorder {
  readonly #client: KubeClient;
  readonly #instance: string;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();

  constructor(client: KubeClient, instance: string, logger: Logger) {
    this.#client = client;
    this.#instance = instance;
    this.#logger = logger;
  }

  /** Records an Event in the background (best effort: a failure is logged); `flush` waits for all of them. */
  record(object: KubeObject, type: 'Normal' | 'Warning', reason: Reason, message: string): void {
    const sending = this.#send(object, type, reason, message).finally(() => this.#pending.delete(sending));
    this.#pending.add(sending);
  }

  /** Resolves once every Event recorded so far has been sent (or failed): before the leader Lease is released. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #send(object: KubeObject, type: 'Normal' | 'Warning', reason: Reason, message: string): Promise<void> {
    const now = metaTime();
    const namespace = object.metadata.namespace ?? CLUSTER_EVENTS_NAMESPACE;
    try {
      await this.#client.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${object.metadata.name ?? 'object'}.`, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
          uid: object.metadata.uid,
          resourceVersion: object.metadata.resourceVersion,
        },
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component: 'mobileplane-operator' },
        reportingComponent: 'mobileplane.io/operator',
        reportingInstance: this.#instance.slice(0, 128),
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch (error) {
      this.#logger.warn({ err: error, reason }, 'recording an Event failed');
    }
  }
}

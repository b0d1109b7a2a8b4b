import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import { Controller } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject, type PodToleration } from '../kube/kube-object.ts';
import { resourceKind, type KindName } from '../kube/resource-kinds.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { BackendReconciler } from './backend-reconciler.ts';

/** Kinds a MobileBackend owns; each gets an informer restricted to the operator's own objects. */
export const BACKEND_OWNED_KINDS: KindName[] = [
  'ServiceAccount',
  'ConfigMap',
  'Deployment',
  'Service',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'NetworkPolicy',
];

const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},app.kubernetes.io/name=mobileplane-runtime`;

export interface ControllerSetup {
  controller: Controller;
  informers: Informer[];
}

/** Wires the MobileBackend controller: its informers, the applier, the reconciler and the event mapping. */
export function createBackendController(deps: {
  client: KubeClient;
  metrics: OperatorMetrics;
  logger: Logger;
  events: EventRecorder;
  namespace: string | undefined;
  concurrency: number;
  resyncMs: number;
  rateLimiter: RateLimiterOptions;
  defaultImage: string;
  podTolerations: readonly PodToleration[];
}): ControllerSetup {
  const informer = (kind: KindName, labelSelector?: string) => {
    const resource = resourceKind(kind);
    return new Informer(deps.client, {
      resource,
      namespace: deps.namespace,
      labelSelector,
      logger: deps.logger,
      onRelist: () => deps.metrics.informerRelists.inc({ resource: resource.plural }),
      onWatchError: () => deps.metrics.informerWatchErrors.inc({ resource: resource.plural }),
    });
  };
  const backends = informer('MobileBackend');
  const owned = new Map(BACKEND_OWNED_KINDS.map((kind) => [kind as string, informer(kind, OWNED_SELECTOR)]));
  const applier = new ObjectApplier({
    client: deps.client,
    informers: owned,
    metrics: deps.metrics,
    controller: 'mobilebackend',
  });
  const controller = new Controller({
    name: 'mobilebackend',
    reconciler: new BackendReconciler({
      client: deps.client,
      backends,
      applier,
      events: deps.events,
      defaultImage: deps.defaultImage,
      podTolerations: deps.podTolerations,
    }),
    concurrency: deps.concurrency,
    resyncMs: deps.resyncMs,
    rateLimiter: deps.rateLimiter,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  controller.watchPrimary(backends, objectKey);
  for (const child of owned.values()) controller.watchRelated(child, ownerKeys('MobileBackend'));
  return { controller, informers: [backends, ...owned.values()] };
}

/** Maps a child object to the key of its controlling owner of `kind` (same namespace). */
export function ownerKeys(kind: string): (object: KubeObject) => string[] {
  return (object) => {
    const owner = object.metadata.ownerReferences?.find((ref) => ref.controller === true && ref.kind === kind);
    if (owner === undefined) return [];
    return [object.metadata.namespace ? `${object.metadata.namespace}/${owner.name}` : owner.name];
  };
}

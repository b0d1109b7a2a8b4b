import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import { Controller, specOrMetadataChanged } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { informerFactory, ownerKeys, type ControllerSetup } from '../controller/owned-informers.ts';
import { stripBookkeeping } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject, type PodToleration } from '../kube/kube-object.ts';
import type { KindName } from '../kube/resource-kinds.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { BackendReconciler } from './backend-reconciler.ts';
import { componentHealth, deploymentStatusView } from './backend-status.ts';

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
  const informer = informerFactory(deps);
  const backends = informer('MobileBackend');
  const owned = new Map(
    BACKEND_OWNED_KINDS.map((kind) => [
      kind as string,
      informer(kind, { labelSelector: OWNED_SELECTOR, transform: cachedChild }),
    ]),
  );
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
  for (const [kind, child] of owned) {
    controller.watchRelated(
      child,
      ownerKeys('MobileBackend'),
      // A Deployment's status is the components' health: its changes matter, other kinds' status does not.
      kind === 'Deployment'
        ? { changed: (old, object) => specOrMetadataChanged(old, object) || healthChanged(old, object) }
        : {},
    );
  }
  return { controller, informers: [backends, ...owned.values()] };
}

/**
 * What the backend controller caches of a child: what it sets (for the no-op comparison) and, of a
 * Deployment, the status fields its health check reads. Other kinds' status is written by other controllers and
 * never read here.
 */
export function cachedChild(object: KubeObject): KubeObject {
  const { status, ...rest } = stripBookkeeping(object);
  if (object.kind !== 'Deployment' || status === undefined) return rest;
  return { ...rest, status: deploymentStatusView(status) };
}

function healthChanged(old: KubeObject, object: KubeObject): boolean {
  return JSON.stringify(componentHealth('api', old)) !== JSON.stringify(componentHealth('api', object));
}

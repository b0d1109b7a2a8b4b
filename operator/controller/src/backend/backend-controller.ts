import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import { Controller, specOrMetadataChanged } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { informerFactory, ownerKeys, type ControllerSetup } from '../controller/owned-informers.ts';
import { stripBookkeeping, type Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject, type PodToleration } from '../kube/kube-object.ts';
import type { KindName } from '../kube/resource-kinds.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, labelValue } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { BackendReconciler } from './backend-reconciler.ts';
import { componentHealth, deploymentStatusView } from './backend-status.ts';
import { podFailure } from './pod-failures.ts';

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
  // The components' pods, for stuck containers (ErrImagePull, CrashLoopBackOff…) a Deployment does not report.
  const pods = informer('Pod', { labelSelector: OWNED_SELECTOR, transform: cachedPod });
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
      pods,
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
      // A Deployment's status is the components' health: becoming available or failing matters at once, a
      // step of progress (one more replica updated) can wait; other kinds' status does not matter.
      kind === 'Deployment'
        ? {
            changed: (old, object) => specOrMetadataChanged(old, object) || availabilityChanged(old, object),
            progressed: healthChanged,
          }
        : {},
    );
  }
  controller.watchRelated(pods, (pod) => podOwnerKeys(pod, backends), {
    relevant: (pod) => podFailure([pod]) !== undefined,
    changed: (old, pod) => JSON.stringify(podFailure([old])) !== JSON.stringify(podFailure([pod])),
  });
  return { controller, informers: [backends, pods, ...owned.values()] };
}

/**
 * What the backend controller caches of a child: what it sets (for the no-op comparison) and, of a
 * Deployment, the status fields its health check reads. Other kinds' status is written by other controllers and
 * never read here.
 */
export function cachedChild(object: KubeObject): KubeObject {
  const { status, ...rest } = stripBookkeeping(object);
  if (object.kind !== 'Deployment') return rest;
  // The Deployment controller's revision annotation: never read, and its first write would re-queue the backend.
  const { [REVISION_ANNOTATION]: _revision, ...annotations } = rest.metadata.annotations ?? {};
  const trimmed = { ...rest, metadata: { ...rest.metadata, annotations } };
  return status === undefined ? trimmed : { ...trimmed, status: deploymentStatusView(status) };
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** The backend a component pod belongs to: its instance label, matched against the backends in its namespace. */
function podOwnerKeys(pod: KubeObject, backends: Informer): string[] {
  const instance = pod.metadata.labels?.['app.kubernetes.io/instance'];
  const namespace = pod.metadata.namespace;
  if (instance === undefined || namespace === undefined) return [];
  if (backends.get(`${namespace}/${instance}`) !== undefined) return [`${namespace}/${instance}`];
  const match = backends
    .list()
    .find((b) => b.metadata.namespace === namespace && labelValue(b.metadata.name ?? '') === instance);
  return match === undefined ? [] : [`${namespace}/${match.metadata.name ?? ''}`];
}

/** What is cached of a component pod: identity, labels and each container's waiting reason. */
export function cachedPod(pod: KubeObject): KubeObject {
  const { metadata } = stripBookkeeping(pod);
  const status = (pod.status ?? {}) as Record<string, unknown>;
  const waiting = (list: unknown) =>
    ((list as { name: string; state?: { waiting?: { reason?: string; message?: string } } }[] | undefined) ?? []).map(
      (c) => ({ name: c.name, ...(c.state?.waiting ? { state: { waiting: c.state.waiting } } : {}) }),
    );
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      labels: metadata.labels,
      ...(metadata.deletionTimestamp ? { deletionTimestamp: metadata.deletionTimestamp } : {}),
    },
    status: {
      initContainerStatuses: waiting(status.initContainerStatuses),
      containerStatuses: waiting(status.containerStatuses),
    },
  };
}

function availabilityChanged(old: KubeObject, object: KubeObject): boolean {
  const view = (d: KubeObject) => {
    const health = componentHealth('api', d);
    return JSON.stringify([health.available, health.failure]);
  };
  return view(old) !== view(object);
}

function healthChanged(old: KubeObject, object: KubeObject): boolean {
  return JSON.stringify(componentHealth('api', old)) !== JSON.stringify(componentHealth('api', object));
}

import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import { Controller } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { informerFactory, ownerKeys, type ControllerSetup } from '../controller/owned-informers.ts';
import { stripBookkeeping } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import { resourceKind } from '../kube/resource-kinds.ts';
import { HTTP_PORT } from '../backend/component-topology.ts';
import { managedLabels } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { probeServedRevisions, type ApiPod, type PodRevision } from './delivery-probe.ts';
import { FlagsReconciler, flagsLabels } from './flags-reconciler.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../managed-labels.ts';

const FLAGS_CONFIGMAP_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},app.kubernetes.io/name=mobileplane-flags`;

function rolloutOf(object: KubeObject): string {
  return JSON.stringify((object.status as { rollout?: unknown } | undefined)?.rollout ?? null);
}

/** Lists the ready api pods of a backend and reads the flag revision each serves from its /metrics. */
export function podRevisionReader(
  client: KubeClient,
  options: { port: number; timeoutMs: number },
): (namespace: string, backend: string) => Promise<PodRevision[]> {
  return async (namespace, backend) => {
    const labels = managedLabels({ name: backend, component: 'api' });
    const selector = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component']
      .map((key) => `${key}=${labels[key] ?? ''}`)
      .join(',');
    const { items } = await client.list(resourceKind('Pod'), { namespace, labelSelector: selector });
    const pods: ApiPod[] = items.map((pod) => {
      const status = pod.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
      const containers = (pod.spec as { containers?: { ports?: { name?: string; containerPort?: number }[] }[] })
        ?.containers;
      return {
        name: pod.metadata.name ?? '',
        ip: status?.podIP,
        ready: status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
        port: containers?.flatMap((c) => c.ports ?? []).find((p) => p.name === 'http')?.containerPort,
      };
    });
    return probeServedRevisions(pods, options);
  };
}

/**
 * Wires the FeatureFlagSet controller. Its work-queue key is the backend (`namespace/name`): all sets of a
 * backend merge into one ConfigMap, so they are reconciled together. It re-runs when a set's spec changes, when
 * the backend's spec or rollout status changes (kill switches), and when its ConfigMap is changed or deleted.
 */
export function createFlagsController(deps: {
  client: KubeClient;
  metrics: OperatorMetrics;
  logger: Logger;
  events: EventRecorder;
  namespace: string | undefined;
  concurrency: number;
  resyncMs: number;
  rateLimiter: RateLimiterOptions;
  /** Reads what the api pods serve; the default lists pods and reads their /metrics. */
  servedRevisions?: (namespace: string, backend: string) => Promise<PodRevision[]>;
}): ControllerSetup {
  const informer = informerFactory(deps);
  const sets = informer('FeatureFlagSet');
  const backends = informer('MobileBackend', {
    // Only what this controller reads: identity, spec generation and the rollout status.
    transform: (object) => {
      const { spec: _spec, status, ...rest } = stripBookkeeping(object);
      const rollout = (status as { rollout?: unknown } | undefined)?.rollout;
      return rollout === undefined ? rest : { ...rest, status: { rollout } };
    },
  });
  const configMaps = informer('ConfigMap', { labelSelector: FLAGS_CONFIGMAP_SELECTOR });
  const applier = new ObjectApplier({
    client: deps.client,
    informers: new Map([['ConfigMap', configMaps]]),
    metrics: deps.metrics,
    controller: 'featureflagset',
  });
  const controller = new Controller({
    name: 'featureflagset',
    reconciler: new FlagsReconciler({
      client: deps.client,
      sets,
      backends,
      applier,
      events: deps.events,
      servedRevisions: deps.servedRevisions ?? podRevisionReader(deps.client, { port: HTTP_PORT, timeoutMs: 2_000 }),
    }),
    concurrency: deps.concurrency,
    resyncMs: deps.resyncMs,
    rateLimiter: deps.rateLimiter,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  controller.watchPrimary(backends, objectKey);
  controller.watchRelated(backends, (backend) => [objectKey(backend)], {
    changed: (old, object) => rolloutOf(old) !== rolloutOf(object),
  });
  controller.watchRelated(sets, (set) => {
    const backend = (set.spec as { backendRef?: { name?: string } } | undefined)?.backendRef?.name;
    return backend === undefined ? [] : [`${set.metadata.namespace ?? ''}/${backend}`];
  });
  controller.watchRelated(configMaps, ownerKeys('MobileBackend'));
  return { controller, informers: [sets, backends, configMaps] };
}

export { flagsLabels };

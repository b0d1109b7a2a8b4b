import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import type { ControllerSetup } from '../backend/backend-controller.ts';
import { Controller } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey } from '../kube/kube-object.ts';
import { resourceKind, type KindName } from '../kube/resource-kinds.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { EnvironmentReconciler } from './environment-reconciler.ts';

export const ENVIRONMENT_OWNED_KINDS: KindName[] = [
  'Namespace',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'RoleBinding',
];

const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},app.kubernetes.io/name=mobileplane-environment`;

/** Wires the MobileEnvironment controller (cluster-scoped: its informers watch every namespace). */
export function createEnvironmentController(deps: {
  client: KubeClient;
  metrics: OperatorMetrics;
  logger: Logger;
  events: EventRecorder;
  concurrency: number;
  resyncMs: number;
  rateLimiter: RateLimiterOptions;
  selector: string | undefined;
}): ControllerSetup {
  const informer = (kind: KindName, labelSelector?: string) => {
    const resource = resourceKind(kind);
    return new Informer(deps.client, {
      resource,
      labelSelector,
      logger: deps.logger,
      onRelist: () => deps.metrics.informerRelists.inc({ resource: resource.plural }),
      onWatchError: () => deps.metrics.informerWatchErrors.inc({ resource: resource.plural }),
    });
  };
  const environments = informer('MobileEnvironment', deps.selector);
  const owned = new Map(ENVIRONMENT_OWNED_KINDS.map((kind) => [kind as string, informer(kind, OWNED_SELECTOR)]));
  const applier = new ObjectApplier({
    client: deps.client,
    informers: owned,
    metrics: deps.metrics,
    controller: 'mobileenvironment',
  });
  const controller = new Controller({
    name: 'mobileenvironment',
    reconciler: new EnvironmentReconciler({ client: deps.client, environments, applier, events: deps.events }),
    concurrency: deps.concurrency,
    resyncMs: deps.resyncMs,
    rateLimiter: deps.rateLimiter,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  controller.watchPrimary(environments, objectKey);
  for (const child of owned.values()) {
    controller.watchRelated(child, (object) => {
      const owner = object.metadata.ownerReferences?.find(
        (ref) => ref.controller === true && ref.kind === 'MobileEnvironment',
      );
      return owner === undefined ? [] : [owner.name];
    });
  }
  return { controller, informers: [environments, ...owned.values()] };
}

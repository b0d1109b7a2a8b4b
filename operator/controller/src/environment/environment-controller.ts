import type { Logger } from 'pino';
import { ObjectApplier } from '../apply/object-applier.ts';
import { Controller, specOrMetadataChanged } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { informerFactory, ownerKeys, type ControllerSetup } from '../controller/owned-informers.ts';
import { stripBookkeeping } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../managed-labels.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { ENVIRONMENT_OWNED_KINDS } from './environment-owned-kinds.ts';
import { EnvironmentReconciler } from './environment-reconciler.ts';
import { quotaStatusView } from './quota-readiness.ts';

export { ENVIRONMENT_OWNED_KINDS };

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
  const informer = informerFactory(deps);
  const environments = informer('MobileEnvironment', { labelSelector: deps.selector });
  const owned = new Map(
    ENVIRONMENT_OWNED_KINDS.map((kind) => [
      kind as string,
      informer(kind, { labelSelector: OWNED_SELECTOR, transform: cachedChild }),
    ]),
  );
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
  for (const [kind, child] of owned) {
    controller.watchRelated(
      child,
      ownerKeys('MobileEnvironment', false),
      // The quota's status decides Ready (QuotaPending): its changes matter, other kinds' status does not.
      kind === 'ResourceQuota'
        ? {
            changed: (old, object) =>
              specOrMetadataChanged(old, object) || JSON.stringify(old.status) !== JSON.stringify(object.status),
          }
        : {},
    );
  }
  return { controller, informers: [environments, ...owned.values()] };
}

/** What the environment controller caches of a child: no status, except what a ResourceQuota enforces. */
export function cachedChild(object: KubeObject): KubeObject {
  const { status, ...rest } = stripBookkeeping(object);
  if (object.kind !== 'ResourceQuota' || status === undefined) return rest;
  return { ...rest, status: quotaStatusView(status) };
}

import type { Logger } from 'pino';
import type { Controller } from './controller.ts';
import { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { resourceKind, type KindName } from '../kube/resource-kinds.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';

/** A wired controller and the informers that feed it (started by the operator process). */
export interface ControllerSetup {
  controller: Controller;
  informers: Informer[];
}

/** What every informer of a controller shares: the client, the scope, the logger and the relist metrics. */
export function informerFactory(deps: {
  client: KubeClient;
  metrics: OperatorMetrics;
  logger: Logger;
  namespace?: string | undefined;
}): (
  kind: KindName,
  options?: { labelSelector?: string | undefined; transform?: (o: KubeObject) => KubeObject },
) => Informer {
  return (kind, options = {}) => {
    const resource = resourceKind(kind);
    return new Informer(deps.client, {
      resource,
      namespace: deps.namespace,
      labelSelector: options.labelSelector,
      ...(options.transform ? { transform: options.transform } : {}),
      logger: deps.logger,
      onRelist: () => deps.metrics.informerRelists.inc({ resource: resource.plural }),
      onWatchError: () => deps.metrics.informerWatchErrors.inc({ resource: resource.plural }),
    });
  };
}

/** Maps a child object to the work-queue key of its controlling owner of `kind` (same namespace, or cluster-scoped). */
export function ownerKeys(kind: string, ownerNamespaced = true): (object: KubeObject) => string[] {
  return (object) => {
    const owner = object.metadata.ownerReferences?.find((ref) => ref.controller === true && ref.kind === kind);
    if (owner === undefined) return [];
    return [ownerNamespaced && object.metadata.namespace ? `${object.metadata.namespace}/${owner.name}` : owner.name];
  };
}

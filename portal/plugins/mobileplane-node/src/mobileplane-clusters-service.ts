import { coreServices, createServiceFactory, createServiceRef } from '@backstage/backend-plugin-api';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { MobileplaneClusterClient, MobileplaneClusters } from './cluster-client';
import { readClusterConfigs } from './cluster-config';
import type { MobileplaneClusterConfig } from './cluster-config';
import { KubeClusterClient } from './kube-cluster-client';

/** Clusters from a list of clients (the service's implementation; tests pass in-memory clients). */
export class ClusterRegistry implements MobileplaneClusters {
  readonly #clients: MobileplaneClusterClient[];
  constructor(clients: MobileplaneClusterClient[]) {
    if (clients.length === 0) throw new Error('mobileplane: at least one cluster is needed');
    this.#clients = clients;
  }
  list(): MobileplaneClusterClient[] {
    return [...this.#clients];
  }
  get(name?: string): MobileplaneClusterClient {
    const client = name === undefined ? this.#clients[0] : this.#clients.find((c) => c.config.name === name);
    if (!client) throw new NotFoundError(`no cluster named "${name}" is configured`);
    return client;
  }
}

/** Clusters from config, each through @kubernetes/client-node. */
export function clustersFromConfig(configs: MobileplaneClusterConfig[], logger: LoggerService): MobileplaneClusters {
  return new ClusterRegistry(configs.map((c) => new KubeClusterClient(c, logger)));
}

/**
 * The clusters the Mobileplane plugins talk to, shared by the backend plugin, the catalog module and the scaffolder
 * module. Root-scoped: one set of Kubernetes clients per backend process.
 */
export const mobileplaneClustersServiceRef = createServiceRef<MobileplaneClusters>({
  id: 'mobileplane.clusters',
  scope: 'root',
  defaultFactory: async (service) =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
      factory: ({ config, logger }) => clustersFromConfig(readClusterConfigs(config), logger),
    }),
});

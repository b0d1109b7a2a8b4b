import { mockServices } from '@backstage/backend-test-utils';
import type { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { ClusterRegistry } from '@mobileplane/backstage-plugin-mobileplane-node';
import { InMemoryClusterClient } from '@mobileplane/backstage-plugin-mobileplane-node/testing';
import { MobileplaneEntityProvider } from './mobileplane-entity-provider';

function recordingConnection() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async (mutation) => {
      mutations.push(mutation);
    },
    refresh: async () => undefined,
  };
  return { connection, mutations };
}

const names = (mutation: EntityProviderMutation | undefined) =>
  mutation?.type === 'full'
    ? mutation.entities.map((e) => `${e.entity.kind}:${e.entity.metadata.namespace}/${e.entity.metadata.name}`)
    : [];

async function seed(cluster: InMemoryClusterClient) {
  await cluster.createEnvironment({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileEnvironment',
    metadata: { name: 'shop-prod' },
    spec: { tier: 'prod', team: 'shop' },
  });
  await cluster.createBackend({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileBackend',
    metadata: { name: 'shop', namespace: 'shop-prod' },
    spec: { runtime: { version: '1.2.0' } },
  });
}

describe('MobileplaneEntityProvider', () => {
  it('publishes environments as Resources and backends as Components with owner and dependsOn', async () => {
    const cluster = new InMemoryClusterClient();
    await seed(cluster);
    const provider = new MobileplaneEntityProvider({
      clusters: new ClusterRegistry([cluster]),
      logger: mockServices.logger.mock(),
    });
    const { connection, mutations } = recordingConnection();
    await provider.connect(connection);
    await provider.refresh();

    expect(mutations).toHaveLength(1);
    const mutation = mutations[0];
    if (mutation?.type !== 'full') throw new Error('expected a full mutation');
    const [environment, backend] = mutation.entities.map((e) => e.entity);
    expect(environment).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'shop-prod', namespace: 'local' },
      spec: { type: 'environment', owner: 'group:default/shop' },
    });
    expect(backend).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'shop-prod.shop',
        namespace: 'local',
        title: 'shop',
        annotations: { 'mobileplane.io/backend': 'local:shop-prod/shop' },
      },
      spec: {
        type: 'mobile-backend',
        lifecycle: 'production',
        owner: 'group:default/shop',
        dependsOn: ['resource:local/shop-prod'],
      },
    });
  });

  it('refreshes after watched changes, coalescing a burst, and drops deleted backends', async () => {
    const cluster = new InMemoryClusterClient();
    const provider = new MobileplaneEntityProvider({
      clusters: new ClusterRegistry([cluster]),
      logger: mockServices.logger.mock(),
      debounceMs: 20,
    });
    const { connection, mutations } = recordingConnection();
    await provider.connect(connection);
    provider.startWatching();
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      mutations.length = 0; // the initial resync
      await seed(cluster);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(mutations).toHaveLength(1);
      expect(names(mutations[0])).toEqual(['Resource:local/shop-prod', 'Component:local/shop-prod.shop']);

      await cluster.deleteBackend('shop-prod', 'shop');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(names(mutations.at(-1))).toEqual(['Resource:local/shop-prod']);
    } finally {
      provider.stop();
    }
  });
});

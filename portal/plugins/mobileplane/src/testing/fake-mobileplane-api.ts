import type { MobileBackend } from '@mobileplane/api';
import type { MobileBackendView, MobileEnvironmentView } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileplaneApi } from '../api/mobileplane-api';

/** A MobileBackend view as the API returns it, defaults applied. */
export function backendView(overrides: {
  name?: string;
  namespace?: string;
  team?: string;
  tier?: 'dev' | 'staging' | 'prod';
  status?: MobileBackend['status'];
  version?: string;
}): MobileBackendView {
  const name = overrides.name ?? 'shop';
  const namespace = overrides.namespace ?? 'shop-dev';
  const component = (enabled: boolean) => ({ enabled, replicas: 1 });
  return {
    cluster: 'local',
    namespace,
    name,
    environment: namespace,
    team: overrides.team ?? 'shop',
    tier: overrides.tier ?? 'dev',
    resource: {
      apiVersion: 'mobileplane.io/v1alpha1',
      kind: 'MobileBackend',
      metadata: { name, namespace, generation: 1 },
      spec: {
        runtime: { version: overrides.version ?? '1.0.0' },
        components: {
          api: component(true),
          auth: component(true),
          workers: component(false),
          push: component(false),
          storage: component(false),
        },
        rollout: {
          steps: [
            { weight: 25, awaitPromotion: true },
            { weight: 100, awaitPromotion: false },
          ],
        },
      },
      status: overrides.status,
    } as unknown as MobileBackend,
  };
}

export function environmentView(name: string, tier: 'dev' | 'staging' | 'prod', team: string): MobileEnvironmentView {
  return {
    cluster: 'local',
    name,
    resource: {
      apiVersion: 'mobileplane.io/v1alpha1',
      kind: 'MobileEnvironment',
      metadata: { name },
      spec: { tier, team },
      status: {
        namespace: name,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Provisioned',
            lastTransitionTime: '2026-11-30T10:00:00Z',
            message: '',
          },
        ],
      },
    } as unknown as MobileEnvironmentView['resource'],
  };
}

/** A MobileplaneApi whose every method is a jest mock with a sensible default. */
export function fakeMobileplaneApi(overrides: Partial<MobileplaneApi> = {}): jest.Mocked<MobileplaneApi> {
  return {
    listClusters: jest.fn(async () => [{ name: 'local', metrics: false }]),
    listBackends: jest.fn(async () => ({ items: [] })),
    getBackend: jest.fn(async () => backendView({})),
    createBackend: jest.fn(async () => backendView({})),
    deleteBackend: jest.fn(async () => undefined),
    rollout: jest.fn(async () => backendView({})),
    listEnvironments: jest.fn(async () => ({ items: [] })),
    createEnvironment: jest.fn(async () => environmentView('shop-dev', 'dev', 'shop')),
    getMetrics: jest.fn(async () => ({ available: false, reason: 'no Prometheus is configured for cluster local' })),
    getFeatureFlags: jest.fn(async () => ({ served: false as const })),
    setFlagState: jest.fn(async () => undefined),
    ...overrides,
  } as jest.Mocked<MobileplaneApi>;
}

import { testKubeConfig, useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backendManifest,
  conditions,
  installCrds,
  kubectl,
  managedObjects,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// The platform engineer's path: apply the examples, wait for Ready, change the spec, break things by hand,
// delete. One operator per test, reconciling only the test's namespace.
const ns = useTestNamespace('mb-life');
let operator: OperatorProcess | undefined;

beforeAll(installCrds);
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

const kinds = [
  'serviceaccount',
  'configmap',
  'deployment.apps',
  'service',
  'poddisruptionbudget.policy',
  'networkpolicy.networking.k8s.io',
];
const objectsOf = (name: string, component: string) => kinds.map((kind) => `${kind}/${name}-${component}`);

describe('MobileBackend lifecycle', () => {
  it('applies the examples: every MobileBackend becomes Ready, kubectl wait works, printer columns show', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name });
    await kubectl([
      'apply',
      '-n',
      ns.name,
      '-f',
      'examples/mobilebackend-ride-hailing.yaml',
      '-f',
      'examples/mobilebackend-mvp.yaml',
    ]);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb', '--all', '--timeout=90s']);

    const table = await kubectl(['get', 'mb', '-n', ns.name]);
    const [header, ...rows] = table.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(expect.arrayContaining(['NAME', 'READY', 'VERSION', 'ROLLOUT', 'AGE']));
    expect(rows.map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      ['mvp', 'True', '1.4.2', 'Stable'],
      ['rides', 'True', '1.4.2', 'Stable'],
    ]);

    const rides = await managedObjects(ns.name, 'rides');
    for (const component of ['api', 'auth', 'workers', 'push', 'storage']) {
      for (const kind of [
        'serviceaccount',
        'configmap',
        'deployment.apps',
        'service',
        'poddisruptionbudget.policy',
        'networkpolicy.networking.k8s.io',
      ]) {
        expect(rides).toContain(`${kind}/rides-${component}`);
      }
    }
    expect(rides.filter((o) => o.startsWith('horizontalpodautoscaler'))).toEqual([
      'horizontalpodautoscaler.autoscaling/rides-api',
    ]);
    const apps = testKubeConfig().makeApiClient(AppsV1Api);
    const api = await apps.readNamespacedDeployment({ name: 'rides-api', namespace: ns.name });
    expect(api.metadata?.managedFields?.find((f) => f.manager === 'mobileplane-operator')?.fieldsV1).not.toHaveProperty(
      ['f:spec', 'f:replicas'],
    );
    const ready = (await conditions(ns.name, 'rides')).find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'Reconciled' });
    // Events are sent in the background, right after the status.
    const events = await waitFor('a Reconciled Event per backend', async () => {
      const names = await kubectl([
        'get',
        'events',
        '-n',
        ns.name,
        '--field-selector',
        'involvedObject.kind=MobileBackend,reason=Reconciled',
        '-o',
        'name',
      ]);
      const list = names.trim().split('\n').filter(Boolean);
      return list.length >= 2 ? list : undefined;
    });
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('reflects spec changes: replicas follow, a disabled component loses all its objects', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name });
    // More than one replica needs an external database (embedded ones would split the data).
    await kubectl([
      'create',
      'secret',
      'generic',
      'shop-db',
      '-n',
      ns.name,
      '--from-literal=dsn=postgres://shop@postgres.invalid/shop',
    ]);
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      backendManifest('shop', {
        runtime: { version: '2.0.0' },
        components: { api: { replicas: 1 }, auth: { replicas: 1 }, workers: { replicas: 1 } },
        database: { secretRef: { name: 'shop-db' } },
      }),
    );
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/shop', '--timeout=60s']);
    expect(await managedObjects(ns.name, 'shop')).toEqual(expect.arrayContaining(objectsOf('shop', 'workers')));

    await kubectl([
      'patch',
      'mb',
      'shop',
      '-n',
      ns.name,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { components: { api: { replicas: 3 }, workers: { enabled: false } } } }),
    ]);
    const apps = testKubeConfig().makeApiClient(AppsV1Api);
    await waitFor('api scaled to 3', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'shop-api', namespace: ns.name });
      return d.spec?.replicas === 3 ? true : undefined;
    });
    await waitFor('workers objects pruned', async () => {
      const objects = await managedObjects(ns.name, 'shop');
      return objects.some((o) => o.endsWith('shop-workers')) ? undefined : objects;
    });
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/shop', '--timeout=60s']);
    const status = JSON.parse(await kubectl(['get', 'mb', 'shop', '-n', ns.name, '-o', 'jsonpath={.status}'])) as {
      observedGeneration: number;
      components: Record<string, unknown>;
    };
    expect(status.observedGeneration).toBe(2);
    expect(Object.keys(status.components).sort()).toEqual(['api', 'auth']);
  });

  it('repairs drift: a deleted child is recreated, a hand-edited field the operator owns is put back', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name });
    await kubectl(['apply', '-n', ns.name, '-f', 'examples/mobilebackend-mvp.yaml']);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/mvp', '--timeout=60s']);
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    const before = await core.readNamespacedService({ name: 'mvp-auth', namespace: ns.name });

    await kubectl(['delete', 'service', 'mvp-auth', '-n', ns.name]);
    await kubectl(['set', 'image', 'deployment/mvp-api', 'runtime=registry.invalid/evil:1', '-n', ns.name]);
    await kubectl([
      'patch',
      'configmap',
      'mvp-workers',
      '-n',
      ns.name,
      '--type=merge',
      '-p',
      '{"data":{"config.json":"{}"}}',
    ]);

    const recreated = await waitFor('Service mvp-auth recreated', async () => {
      const s = await core.readNamespacedService({ name: 'mvp-auth', namespace: ns.name }).catch(() => undefined);
      return s !== undefined && s.metadata?.uid !== before.metadata?.uid ? s : undefined;
    });
    expect(recreated.metadata?.ownerReferences?.[0]?.kind).toBe('MobileBackend');
    await waitFor('image put back', async () => {
      const image = await kubectl([
        'get',
        'deployment',
        'mvp-api',
        '-n',
        ns.name,
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ]);
      return image === 'ghcr.io/mobileplane/runtime:1.4.2' ? true : undefined;
    });
    await waitFor('config put back', async () => {
      const config = await kubectl([
        'get',
        'configmap',
        'mvp-workers',
        '-n',
        ns.name,
        '-o',
        'jsonpath={.data.config\\.json}',
      ]);
      return config.includes('"component": "workers"') ? true : undefined;
    });
  });

  it('deletes every child when the MobileBackend is deleted (garbage collection)', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name });
    await kubectl(['apply', '-n', ns.name, '-f', 'examples/mobilebackend-mvp.yaml']);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/mvp', '--timeout=60s']);
    expect((await managedObjects(ns.name)).length).toBeGreaterThanOrEqual(18);
    const pods = (await kubectl(['get', 'pods', '-n', ns.name, '-o', 'name'])).trim().split('\n').filter(Boolean);
    expect(pods.length).toBeGreaterThanOrEqual(3); // one per component: there is something to collect
    await kubectl(['delete', 'mb', 'mvp', '-n', ns.name, '--wait=true']);
    await waitFor('children garbage-collected', async () =>
      (await managedObjects(ns.name)).length === 0 ? true : undefined,
    );
    await waitFor('pods gone', async () =>
      (await kubectl(['get', 'pods', '-n', ns.name, '-o', 'name'])).trim() === '' ? true : undefined,
    );
  });
});

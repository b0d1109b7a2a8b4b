import { testKubeConfig, testNamespaceName, useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Informer } from '../../src/informer/informer.ts';
import { KubeApiError, KubeClient, type Verb } from '../../src/kube/kube-client.ts';
import type { KubeObject } from '../../src/kube/kube-object.ts';
import { resourceKind } from '../../src/kube/resource-kinds.ts';

// The operator's own REST client and informer against the real API server: plain-JSON server-side apply
// (wire names such as x-kubernetes-validations survive), paginated lists, and a watch that recovers from
// 410 Gone and from silence.
const ns = useTestNamespace('kube');
const logger = pino({ level: 'silent' });

function countingClient(): { client: KubeClient; verbs: Verb[] } {
  const verbs: Verb[] = [];
  return { client: new KubeClient(testKubeConfig(), ({ verb }) => verbs.push(verb)), verbs };
}

describe('KubeClient', () => {
  const group = `${testNamespaceName('ssa')}.example.test`;
  const crdName = `gadgets.${group}`;
  const crds = resourceKind('CustomResourceDefinition');

  afterAll(async () => {
    await new KubeClient(testKubeConfig()).delete({
      apiVersion: crds.apiVersion,
      kind: crds.kind,
      metadata: { name: crdName },
    });
  });

  it('server-side applies plain JSON: hyphenated wire names survive, a second identical apply changes nothing', async () => {
    const { client, verbs } = countingClient();
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer' },
                      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                    'x-kubernetes-validations': [{ rule: 'self.size % 2 == 0', message: 'spec.size must be even' }],
                  },
                },
              },
            },
          },
        ],
      },
    };
    const first = await client.apply(crd);
    const spec = (
      first.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: Record<string, unknown> } } } }[] }
    ).versions[0]!;
    const specSchema = spec.schema.openAPIV3Schema.properties.spec as {
      properties: { extra: Record<string, unknown> };
    } & Record<string, unknown>;
    expect(specSchema['x-kubernetes-validations']).toEqual([
      { rule: 'self.size % 2 == 0', message: 'spec.size must be even' },
    ]);
    expect(specSchema.properties.extra['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const second = await client.apply(crd);
    expect(second.metadata.generation).toBe(first.metadata.generation); // the CRD controller may touch status, never spec
    expect(verbs).toEqual(['patch', 'patch']);
    expect(first.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'mobileplane-operator', operation: 'Apply' }),
    );
  });

  it('lists page by page and reads metadata without data', async () => {
    const { client, verbs } = countingClient();
    for (let i = 0; i < 5; i++) {
      await client.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `s${i}`, namespace: ns.name },
        stringData: { token: 'secret-value' },
      });
    }
    verbs.length = 0;
    const { items } = await client.list(resourceKind('Secret'), { namespace: ns.name, limit: 2 });
    expect(items.map((s) => s.metadata.name).filter((n) => n?.startsWith('s'))).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(verbs.filter((v) => v === 'list').length).toBeGreaterThanOrEqual(3);
    const metadata = await client.getMetadata(resourceKind('Secret'), { namespace: ns.name, name: 's0' });
    expect(metadata?.kind).toBe('PartialObjectMetadata');
    expect(JSON.stringify(metadata)).not.toContain('c2VjcmV0LXZhbHVl'); // base64 of the value
    expect(await client.getMetadata(resourceKind('Secret'), { namespace: ns.name, name: 'missing' })).toBeUndefined();
    const refused = await client
      .apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid', namespace: ns.name } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).code).toBe(422);
  });
});

describe('Informer', () => {
  it('caches, sees changes, re-lists after 410 Gone and restarts a silent watch', async () => {
    const { client } = countingClient();
    const configMaps = resourceKind('ConfigMap');
    let relists = 0;
    let watchErrors = 0;
    const informer = new Informer(client, {
      resource: configMaps,
      namespace: ns.name,
      labelSelector: 'test=informer',
      idleMs: 1_500,
      watchTimeoutSeconds: 60,
      backoffMs: { initial: 100, max: 500 },
      logger,
      onRelist: () => relists++,
      onWatchError: () => watchErrors++,
    });
    const events: string[] = [];
    informer.onEvent((type, object) => events.push(`${type}:${object.metadata.name}`));
    informer.onEvent(() => {
      throw new Error('a broken handler must not stop the informer');
    });
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await informer.synced();
    const cm = (name: string, value: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns.name, labels: { test: 'informer' } },
      data: { value },
    });

    await client.apply(cm('a', '1'));
    await waitFor('add event', async () => (events.includes('add:a') ? true : undefined), 10_000);
    await client.apply(cm('a', '2'));
    await waitFor('update event', async () => (events.includes('update:a') ? true : undefined), 10_000);
    expect((informer.get(`${ns.name}/a`)?.data as { value: string }).value).toBe('2');
    expect(informer.get(`${ns.name}/a`)?.metadata.managedFields).toBeUndefined();

    // Silence: nothing happens for longer than idleMs, the watchdog restarts the watch and events still flow.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(watchErrors).toBeGreaterThanOrEqual(1);
    await client.delete(cm('a', '2'));
    await waitFor('delete event', async () => (events.includes('delete:a') ? true : undefined), 10_000);
    stop.abort();
    await running;
    expect(relists).toBeGreaterThanOrEqual(1);
  });

  it('re-lists when the API server answers 410 Gone to a watch from a compacted resourceVersion', async () => {
    // The first list reports resourceVersion "1", long compacted out of the API server's watch cache, as a list
    // taken before a long partition would: the watch from it is refused with 410 Gone by the real server, and
    // the informer must re-list (not back off, not count a watch error) and then follow changes.
    const { client } = countingClient();
    // A young cluster (etcd not yet compacted, every 5 min) may still serve a watch from "1": wait until the
    // server refuses it, so the test always exercises a real 410.
    await waitFor(
      'the API server to answer 410 Gone for resourceVersion 1 (etcd compaction runs every 5 min)',
      async () => {
        const events = client.watch(resourceKind('ConfigMap'), {
          namespace: ns.name,
          resourceVersion: '1',
          timeoutSeconds: 2,
          idleMs: 5_000,
          signal: new AbortController().signal,
        });
        const first = await events.next().catch(() => undefined);
        await events.return(undefined); // closes the stream
        return first?.value?.type === 'ERROR' && first.value.object.code === 410 ? true : undefined;
      },
      360_000,
    );
    let lists = 0;
    const stale = new Proxy(client, {
      get(target, property) {
        if (property === 'list') {
          return async (...args: Parameters<KubeClient['list']>) => {
            const result = await target.list(...args);
            return ++lists === 1 ? { ...result, resourceVersion: '1' } : result;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    let relists = 0;
    let watchErrors = 0;
    const informer = new Informer(stale, {
      resource: resourceKind('ConfigMap'),
      namespace: ns.name,
      labelSelector: 'test=gone',
      backoffMs: { initial: 5_000, max: 5_000 },
      logger,
      onRelist: () => relists++,
      onWatchError: () => watchErrors++,
    });
    const events: string[] = [];
    informer.onEvent((type, object) => events.push(`${type}:${object.metadata.name}`));
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await waitFor('the re-list after 410', async () => (relists >= 2 ? true : undefined), 10_000);
    expect(watchErrors).toBe(0);
    await client.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after-gone', namespace: ns.name, labels: { test: 'gone' } },
      data: { a: '1' },
    });
    await waitFor('the watch after the re-list', async () => (events.includes('add:after-gone') ? true : undefined));
    stop.abort();
    await running;
    expect(relists).toBe(2);
  }, 420_000);
});

import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { testKubeConfig, testNamespaceName, useTestNamespace, waitFor } from '../../src/index.ts';

// Proves the local control plane is a real one: scheduling onto kwok nodes, CRD schema validation,
// garbage collection by the controller-manager, and ValidatingAdmissionPolicy in the API server.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const ns = useTestNamespace('smoke');

function apiErrorBody(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  return typeof body === 'string' ? body : JSON.stringify(body ?? (error as Error).message);
}

describe('local control plane', () => {
  it('has Ready kwok nodes', async () => {
    const nodes = await core.listNode();
    const kwok = nodes.items.filter((n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake');
    expect(kwok.length).toBeGreaterThan(0);
    for (const node of kwok) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('runs a Deployment to Available with Ready pods on kwok nodes', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            // kwok nodes are tainted so that ordinary workloads go to the real worker node; this one asks for them.
            spec: {
              nodeSelector: { type: 'kwok' },
              tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
              containers: [{ name: 'web', image: 'registry.invalid/web:1' }],
            },
          },
        },
      },
    });
    const available = await waitFor('Deployment web Available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
      const cond = d.status?.conditions?.find((c) => c.type === 'Available');
      return cond?.status === 'True' && d.status?.readyReplicas === 3 ? d : undefined;
    });
    expect(available.status?.availableReplicas).toBe(3);
    const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('garbage-collects dependents when their owner is deleted', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'owner' }, data: { role: 'owner' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: ns.name });
    await waitFor('dependent ConfigMap garbage-collected', async () => {
      const list = await core.listNamespacedConfigMap({ namespace: ns.name, fieldSelector: 'metadata.name=dependent' });
      return list.items.length === 0 ? true : undefined;
    });
  });
});

describe('custom resources', () => {
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const group = `${testNamespaceName('smoke')}.example.test`;
  const crd: V1CustomResourceDefinition = {
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
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
                  required: ['size'],
                  properties: { size: { type: 'integer', minimum: 1, maximum: 10 } },
                  // client-node's typed models name it x_kubernetes_validations and drop the wire name.
                  x_kubernetes_validations: [{ rule: 'self.size % 2 == 0', message: 'spec.size must be even' }],
                },
              },
            },
          },
        },
      ],
    },
  };

  afterAll(async () => {
    await extensions.deleteCustomResourceDefinition({ name: crd.metadata!.name! }).catch(() => undefined);
  });

  it('installs a CRD, serves its resources and rejects invalid ones naming the field', async () => {
    await extensions.createCustomResourceDefinition({ body: crd });
    await waitFor('CRD Established', async () => {
      const got = await extensions.readCustomResourceDefinition({ name: crd.metadata!.name! });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? got : undefined;
    });
    const target = { group, version: 'v1', namespace: ns.name, plural: 'widgets' };
    const widget = (name: string, size: unknown) => ({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name },
      spec: { size },
    });
    // Discovery for a new CRD can lag behind Established: retry the first create briefly.
    await waitFor('first Widget created', () =>
      custom.createNamespacedCustomObject({ ...target, body: widget('ok', 4) }),
    );
    const list = (await custom.listNamespacedCustomObject(target)) as { items: { metadata: { name: string } }[] };
    expect(list.items.map((i) => i.metadata.name)).toEqual(['ok']);

    const tooBig = await custom.createNamespacedCustomObject({ ...target, body: widget('big', 12) }).catch((e) => e);
    expect(tooBig.code).toBe(422);
    expect(apiErrorBody(tooBig)).toMatch(/spec\.size.*less than or equal to 10/);

    const odd = await custom.createNamespacedCustomObject({ ...target, body: widget('odd', 3) }).catch((e) => e);
    expect(odd.code).toBe(422);
    expect(apiErrorBody(odd)).toContain('spec.size must be even');

    const wrongType = await custom
      .createNamespacedCustomObject({ ...target, body: widget('str', 'two') })
      .catch((e) => e);
    expect(wrongType.code).toBe(422);
    expect(apiErrorBody(wrongType)).toMatch(/spec\.size.*integer/);
  });
});

describe('admission policies', () => {
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const name = testNamespaceName('deny-latest');

  afterAll(async () => {
    await admission.deleteValidatingAdmissionPolicyBinding({ name }).catch(() => undefined);
    await admission.deleteValidatingAdmissionPolicy({ name }).catch(() => undefined);
  });

  it('denies a Deployment whose image uses the latest tag', async () => {
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: ['apps'],
                apiVersions: ['v1'],
                operations: ['CREATE', 'UPDATE'],
                resources: ['deployments'],
              },
            ],
          },
          validations: [
            {
              expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))",
              message: 'images must be pinned, not :latest',
            },
          ],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name },
        spec: {
          policyName: name,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns.name } } },
        },
      },
    });
    const deployment = (image: string) => ({
      metadata: { name: image.endsWith(':latest') ? 'latest' : 'pinned' },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image }] } },
      },
    });
    // Policies take effect asynchronously: wait until the denial shows up.
    const denied = await waitFor('the policy to deny', async () => {
      const result = await apps
        .createNamespacedDeployment({ namespace: ns.name, body: deployment('registry.invalid/x:latest') })
        .then(async () => {
          await apps.deleteNamespacedDeployment({ name: 'latest', namespace: ns.name });
          return undefined;
        })
        .catch((e: unknown) => e);
      return result;
    });
    expect((denied as { code: number }).code).toBe(422);
    expect(apiErrorBody(denied)).toContain('images must be pinned, not :latest');
    await expect(
      apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('registry.invalid/x:1.2.3') }),
    ).resolves.toBeDefined();
  });
});

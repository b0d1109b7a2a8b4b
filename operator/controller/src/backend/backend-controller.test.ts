import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { cachedChild, cachedPod } from './backend-controller.ts';
import { podFailure } from './pod-failures.ts';
import { componentHealth } from './backend-status.ts';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'rides-api', namespace: 'apps', generation: 2, managedFields: [{ manager: 'kube' }] },
  spec: { replicas: 2 },
  status: {
    observedGeneration: 2,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    collisionCount: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok', lastUpdateTime: 't' },
    ],
  },
};

describe('cachedChild', () => {
  it('keeps of a Deployment exactly what the health check reads', () => {
    const cached = cachedChild(deployment);
    expect(cached.metadata.managedFields).toBeUndefined();
    expect(cached.status).not.toHaveProperty('collisionCount');
    expect(JSON.stringify(cached.status)).not.toContain('lastUpdateTime');
    expect(componentHealth('api', cached)).toEqual(componentHealth('api', deployment));
  });

  it('drops the status of kinds whose status the operator never reads', () => {
    const pdb = { ...deployment, kind: 'PodDisruptionBudget', status: { currentHealthy: 1 } };
    expect(cachedChild(pdb)).not.toHaveProperty('status');
    expect(cachedChild(pdb).spec).toEqual({ replicas: 2 });
  });
});

describe('cachedPod', () => {
  it('keeps labels and waiting reasons, enough to find a stuck container, and nothing else', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'rides-api-x',
        namespace: 'apps',
        labels: { a: 'b' },
        managedFields: [{}],
        annotations: { x: 'y' },
      },
      spec: { containers: [{ name: 'runtime', image: 'r:1', env: [{ name: 'A', value: 'B' }] }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'runtime',
            image: 'r:1',
            state: { waiting: { reason: 'ErrImageNeverPull', message: 'not present' } },
          },
        ],
      },
    };
    const cached = cachedPod(pod);
    expect(cached).not.toHaveProperty('spec');
    expect(cached.metadata).toEqual({ name: 'rides-api-x', namespace: 'apps', labels: { a: 'b' } });
    expect(podFailure([cached])).toEqual(podFailure([pod]));
    expect(podFailure([cached])?.reason).toBe('ErrImageNeverPull');
  });

  it("drops the Deployment controller's revision annotation from a cached Deployment", () => {
    const annotated = {
      ...deployment,
      metadata: { ...deployment.metadata, annotations: { 'deployment.kubernetes.io/revision': '1', keep: 'x' } },
    };
    expect(cachedChild(annotated).metadata.annotations).toEqual({ keep: 'x' });
  });
});

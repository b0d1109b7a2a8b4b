import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { cachedChild } from './backend-controller.ts';
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

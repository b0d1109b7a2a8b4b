import { describe, expect, it } from 'vitest';
import { ReconcileError } from '../controller/reconcile-error.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { backendConditions, componentHealth } from './backend-status.ts';

function deployment(generation: number, replicas: number, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec: { replicas }, status };
}
const availableTrue = { conditions: [{ type: 'Available', status: 'True' }] };

describe('componentHealth', () => {
  it.each([
    ['missing', undefined, false, 'Deployment not created yet'],
    ['not observed', deployment(2, 2, { observedGeneration: 1, ...availableTrue }), false, 'rollout not observed yet'],
    [
      'updating',
      deployment(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 1 }),
      false,
      '1/2 replicas updated',
    ],
    [
      'old pods left',
      deployment(1, 2, { observedGeneration: 1, replicas: 3, updatedReplicas: 2 }),
      false,
      '1 old replicas pending termination',
    ],
    [
      'not yet available',
      deployment(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      false,
      '1/2 replicas available',
    ],
    [
      'complete',
      deployment(1, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        readyReplicas: 2,
        ...availableTrue,
      }),
      true,
      undefined,
    ],
    ['scaled to zero', deployment(1, 0, { observedGeneration: 1 }), true, undefined],
  ])('%s', (_name, d, available, waitingFor) => {
    const health = componentHealth('api', d);
    expect(health.available).toBe(available);
    expect(health.waitingFor).toBe(waitingFor);
  });
});

describe('backendConditions', () => {
  const ok = componentHealth('api', deployment(1, 0, { observedGeneration: 1 }));
  const waiting = componentHealth('auth', undefined);

  it('is Ready when every component is available', () => {
    expect(backendConditions([ok], undefined).map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['Progressing', 'False', 'Reconciled'],
      ['Degraded', 'False', 'NotDegraded'],
    ]);
  });

  it('is Progressing and names what it waits for', () => {
    const [ready, progressing] = backendConditions([ok, waiting], undefined);
    expect(ready).toMatchObject({ status: 'False', reason: 'ComponentsProgressing' });
    expect(progressing?.message).toBe('Waiting for auth (Deployment not created yet).');
  });

  it('is Degraded when a component cannot create pods (quota) or missed its progress deadline', () => {
    const quota = componentHealth(
      'api',
      deployment(1, 3, {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: 'pods "x" is forbidden: exceeded quota: mobileplane-quota',
          },
        ],
      }),
    );
    const deadline = componentHealth(
      'push',
      deployment(1, 1, {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }],
      }),
    );
    expect(quota.failure).toBe('FailedCreate: pods "x" is forbidden: exceeded quota: mobileplane-quota');
    expect(deadline.failure).toBe('ProgressDeadlineExceeded: too slow');
    const conditions = backendConditions([ok, quota, deadline], undefined);
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'ComponentsFailing'],
      ['Progressing', 'True', 'ComponentsProgressing'],
      ['Degraded', 'True', 'ComponentsFailing'],
    ]);
    expect(conditions[2]?.message).toBe(
      'api: FailedCreate: pods "x" is forbidden: exceeded quota: mobileplane-quota; push: ProgressDeadlineExceeded: too slow.',
    );
  });

  it("is Degraded with the kubelet's reason when a component's pods are stuck (e.g. ErrImageNeverPull)", () => {
    const unavailable = {
      conditions: [{ type: 'Available', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
    const health = componentHealth(
      'api',
      deployment(1, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, ...unavailable }),
    );
    expect(health.unavailableSince).toBe(Date.parse('2026-01-01T00:00:00Z'));
    const stuck = {
      ...health,
      failure: 'pod api-1 container runtime ErrImageNeverPull',
      failureReason: 'ErrImageNeverPull' as const,
    };
    const conditions = backendConditions([stuck], undefined);
    expect(conditions.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ErrImageNeverPull',
    });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ErrImageNeverPull' });
    const other = { ...stuck, component: 'auth' as const, failureReason: 'CrashLoopBackOff' as const };
    expect(backendConditions([stuck, other], undefined).find((c) => c.type === 'Degraded')?.reason).toBe(
      'ComponentsFailing',
    );
  });

  it('is Degraded with the error reason', () => {
    const error = new ReconcileError('SecretNotFound', 'Secret db (spec.database.secretRef) not found');
    expect(backendConditions([ok], error).find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'SecretNotFound',
    });
  });
});

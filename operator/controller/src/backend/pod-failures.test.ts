import { describe, expect, it } from 'vitest';
import { podFailure } from './pod-failures.ts';

function pod(name: string, waiting?: { reason: string; message?: string }, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', ...extra },
    status: { containerStatuses: [{ name: 'runtime', state: waiting ? { waiting } : { running: {} } }] },
  };
}

describe('podFailure', () => {
  it('names the pod, container and kubelet reason of an image that cannot be pulled', () => {
    const failure = podFailure([
      pod('api-1'),
      pod('api-2', { reason: 'ErrImageNeverPull', message: 'Container image "x:1" is not present' }),
    ]);
    expect(failure).toEqual({
      reason: 'ErrImageNeverPull',
      message: 'pod api-2 container runtime ErrImageNeverPull: Container image "x:1" is not present',
    });
  });

  it('reports crash loops and init containers too', () => {
    expect(podFailure([pod('a', { reason: 'CrashLoopBackOff' })])?.reason).toBe('CrashLoopBackOff');
    const init = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'b' },
      status: { initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    };
    expect(podFailure([init])?.message).toBe('pod b container migrate ImagePullBackOff');
  });

  it('treats starting containers and terminating pods as not failing', () => {
    expect(podFailure([pod('a', { reason: 'ContainerCreating' }), pod('b', { reason: 'PodInitializing' })])).toBe(
      undefined,
    );
    expect(podFailure([pod('c', { reason: 'ErrImagePull' }, { deletionTimestamp: '2026-01-01T00:00:00Z' })])).toBe(
      undefined,
    );
  });
});

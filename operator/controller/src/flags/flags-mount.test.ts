import { validateMobileBackendSpec, type MobileBackendSpec } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import { backendObjects } from '../backend/backend-objects.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { FLAGS_FILE_PATH, FLAGS_MOUNT_DIRECTORY, flagsConfigMapName } from './flags-mount.ts';

const backend: KubeObject = {
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileBackend',
  metadata: { name: 'rides', namespace: 'team-a', uid: 'uid-1', generation: 1 },
};

function spec(): MobileBackendSpec {
  const result = validateMobileBackendSpec({ runtime: { version: '1.0.0' } });
  if (!result.valid) throw new Error('invalid spec');
  return result.value;
}

type PodSpec = {
  volumes: { name: string; configMap?: { name: string; optional?: boolean } }[];
  containers: { volumeMounts: { name: string; mountPath: string; subPath?: string }[] }[];
};

function deployment(objects: KubeObject[], name: string): PodSpec {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  return (found?.spec as { template: { spec: PodSpec } }).template.spec;
}

describe('flags reach the api pods', () => {
  const objects = backendObjects({ backend, spec: spec(), defaultImage: 'registry.test/runtime' });

  it('the api Deployment mounts the flags ConfigMap as an optional directory (no subPath: kubelet refreshes it)', () => {
    const pod = deployment(objects, 'rides-api');
    const volume = pod.volumes.find((v) => v.configMap?.name === flagsConfigMapName('rides'));
    expect(volume?.configMap?.optional).toBe(true);
    const mount = pod.containers[0]?.volumeMounts.find((m) => m.name === volume?.name);
    expect(mount).toMatchObject({ mountPath: FLAGS_MOUNT_DIRECTORY });
    expect(mount?.subPath).toBeUndefined();
  });

  it('the api runtime config points at the mounted file; other components have no flags', () => {
    const config = (name: string) => {
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
      return JSON.parse((map?.data as Record<string, string>)['config.json'] ?? '{}') as { flags?: { file: string } };
    };
    expect(config('rides-api').flags).toEqual({ file: FLAGS_FILE_PATH });
    expect(config('rides-auth').flags).toBeUndefined();
    const auth = deployment(objects, 'rides-auth');
    expect(auth.volumes.some((v) => v.configMap?.name === flagsConfigMapName('rides'))).toBe(false);
  });
});

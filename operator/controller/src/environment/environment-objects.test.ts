import { validateMobileEnvironmentSpec, type MobileEnvironmentSpec } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { environmentObjects, roleBindingName } from './environment-objects.ts';

const environment: KubeObject = {
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileEnvironment',
  metadata: { name: 'rides-prod', uid: 'e1' },
};

function spec(input: unknown): MobileEnvironmentSpec {
  const result = validateMobileEnvironmentSpec(input);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

/** Parsed JSON, navigated freely in assertions (a wrong path fails the test, which is the point). */
type ParsedJson = ReturnType<typeof JSON.parse>;

function find(objects: KubeObject[], kind: string, name?: string): ParsedJson {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found === undefined) throw new Error(`${kind}/${name} not built`);
  return found;
}

describe('environmentObjects', () => {
  const objects = environmentObjects(
    environment,
    spec({
      tier: 'prod',
      team: 'rides',
      groups: [
        { name: 'rides-devs', role: 'view' },
        { name: 'org:Rides Admins', role: 'admin' },
      ],
      resourceQuota: { pods: 99 },
    }),
  );

  it('makes a restricted, labelled Namespace named after the environment', () => {
    const ns = find(objects, 'Namespace');
    expect(ns.metadata.name).toBe('rides-prod');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'mobileplane.io/tier': 'prod',
      'mobileplane.io/team': 'rides',
      'app.kubernetes.io/managed-by': 'mobileplane-operator',
    });
  });

  it('puts everything else in that namespace, owned by the environment', () => {
    for (const object of objects) {
      expect(object.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'MobileEnvironment',
        uid: 'e1',
        controller: true,
      });
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('rides-prod');
    }
  });

  it('uses the spec quota over the tier defaults', () => {
    expect(find(objects, 'ResourceQuota').spec.hard).toMatchObject({
      pods: '99',
      'requests.cpu': '32',
      'count/mobilebackends.mobileplane.io': '20',
    });
    expect(find(objects, 'LimitRange').spec.limits[0]).toMatchObject({
      type: 'Container',
      max: { cpu: '8', memory: '16Gi' },
    });
  });

  it('denies ingress and egress by default', () => {
    expect(find(objects, 'NetworkPolicy', 'default-deny-ingress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    expect(find(objects, 'NetworkPolicy', 'default-deny-egress').spec.policyTypes).toEqual(['Egress']);
  });

  it('binds each group to its ClusterRole', () => {
    const bindings = objects.filter((o) => o.kind === 'RoleBinding') as ParsedJson[];
    expect(bindings.map((b) => [b.metadata.name, b.roleRef.name, b.subjects[0].name])).toEqual([
      ['team-rides-devs', 'view', 'rides-devs'],
      [roleBindingName('org:Rides Admins'), 'admin', 'org:Rides Admins'],
    ]);
  });

  it('honours spec.namespace', () => {
    const objects2 = environmentObjects(environment, spec({ tier: 'dev', team: 'rides', namespace: 'rides-sandbox' }));
    expect(find(objects2, 'Namespace').metadata.name).toBe('rides-sandbox');
    expect(find(objects2, 'ResourceQuota').metadata.namespace).toBe('rides-sandbox');
  });
});

describe('roleBindingName', () => {
  it.each(['rides-devs', 'org:Rides Admins', 'x'.repeat(200), 'UPPER'])('%s gives a valid, distinct name', (group) => {
    const name = roleBindingName(group);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });
  it('keeps names that only differ in case apart', () => {
    expect(roleBindingName('Admins')).not.toBe(roleBindingName('admins'));
  });
});

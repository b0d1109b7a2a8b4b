import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { APPLIED_HASH_ANNOTATION, selectStale, stableStringify, withAppliedHash } from './object-applier.ts';

const owner: KubeObject = {
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileBackend',
  metadata: { name: 'rides', namespace: 'ns', uid: 'u1' },
};
const child = (kind: string, name: string, uid = 'u1', extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: {
    name,
    namespace: 'ns',
    ownerReferences: [{ apiVersion: 'x', kind: 'MobileBackend', name: 'rides', uid, controller: true }],
    ...extra,
  },
});

describe('selectStale (prune)', () => {
  const all = [
    child('Service', 'rides-api'),
    child('Service', 'rides-push'),
    child('Service', 'other-push', 'u2'),
    child('ConfigMap', 'rides-push', 'u1', { deletionTimestamp: '2025-01-01T00:00:00Z' }),
    { ...child('Service', 'unowned'), metadata: { name: 'unowned', namespace: 'ns' } },
  ];

  it('selects objects this owner controls that are no longer desired', () => {
    const stale = selectStale(owner, all, new Set(['Service/ns/rides-api']), () => true);
    expect(stale.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/rides-push']);
  });

  it('never selects objects out of scope', () => {
    expect(selectStale(owner, all, new Set(), (o) => o.kind !== 'Service')).toEqual([]);
  });
});

describe('withAppliedHash', () => {
  const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { b: '1', a: '2' } };

  it('is stable across key order and changes with content', () => {
    const reordered: KubeObject = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      data: { a: '2', b: '1' },
      metadata: { name: 'a' },
    };
    const hash = withAppliedHash(object).metadata.annotations?.[APPLIED_HASH_ANNOTATION];
    expect(withAppliedHash(reordered).metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(hash);
    const changed = { ...object, data: { a: '3' } };
    expect(withAppliedHash(changed).metadata.annotations?.[APPLIED_HASH_ANNOTATION]).not.toBe(hash);
  });

  it('stableStringify sorts keys and drops undefined', () => {
    expect(stableStringify({ b: 1, a: [{ d: undefined, c: 2 }] })).toBe('{"a":[{"c":2}],"b":1}');
  });
});

import { describe, expect, it } from 'vitest';
import { firstDifference, parseQuantity } from './apply-diff.ts';

describe('firstDifference', () => {
  it.each([
    ['equal scalars', { a: 1 }, { a: 1 }, undefined],
    ['fields the server adds are ignored', { a: 1 }, { a: 1, b: 2, status: {} }, undefined],
    ['a changed value', { spec: { replicas: 2 } }, { spec: { replicas: 3 } }, 'spec.replicas'],
    ['a missing field', { spec: { x: 'y' } }, { spec: {} }, 'spec.x'],
    [
      'a hand-edited label',
      { metadata: { labels: { a: 'b' } } },
      { metadata: { labels: { a: 'c' } } },
      'metadata.labels.a',
    ],
    [
      'list items compared in order',
      { c: [{ name: 'a', image: 'x:1' }] },
      { c: [{ name: 'a', image: 'x:2', imagePullPolicy: 'Always' }] },
      'c[0].image',
    ],
    ['a list of another length', { c: [1, 2] }, { c: [1] }, 'c'],
    [
      'a container another manager added (associative list by name)',
      { containers: [{ name: 'runtime', image: 'r:1' }] },
      {
        containers: [
          { name: 'istio-proxy', image: 'p:1' },
          { name: 'runtime', image: 'r:1' },
        ],
      },
      undefined,
    ],
    [
      'an env var another manager added',
      { env: [{ name: 'A', value: '1' }] },
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'INJECTED', value: 'x' },
        ],
      },
      undefined,
    ],
    [
      'a keyed item of ours that is missing',
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'C', value: '3' },
        ],
      },
      'env[1]',
    ],
    [
      'a keyed item of ours that changed',
      { volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }] },
      { volumeMounts: [{ mountPath: '/tmp', name: 'scratch' }] },
      'volumeMounts[0].name',
    ],
    [
      'a list without merge keys stays exact',
      { policyTypes: ['Ingress'] },
      { policyTypes: ['Ingress', 'Egress'] },
      'policyTypes',
    ],
    [
      'server-defaulted fields inside list items',
      { c: [{ name: 'a' }] },
      { c: [{ name: 'a', tty: false }] },
      undefined,
    ],
    ['an empty object the server omits', { s: { emptyDir: {} } }, { s: {} }, undefined],
    [
      'canonicalised CPU',
      { resources: { requests: { cpu: '0.5' } } },
      { resources: { requests: { cpu: '500m' } } },
      undefined,
    ],
    ['canonicalised memory', { limits: { memory: '1024Mi' } }, { limits: { memory: '1Gi' } }, undefined],
    ['different quantities', { limits: { memory: '1Gi' } }, { limits: { memory: '2Gi' } }, 'limits.memory'],
    ['quantity-like strings elsewhere', { data: { version: '1.0' } }, { data: { version: '1' } }, 'data.version'],
    ['number vs string', { port: 8080 }, { port: '8080' }, 'port'],
    ['zero values the server omits', { minReadySeconds: 0, hostNetwork: false, x: '' }, {}, undefined],
    ['a zero value that differs', { minReadySeconds: 0 }, { minReadySeconds: 5 }, 'minReadySeconds'],
  ])('%s', (_name, desired, live, expected) => {
    expect(firstDifference(desired, live)).toBe(expected);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
    ['abc', undefined],
  ])('%s is %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
});

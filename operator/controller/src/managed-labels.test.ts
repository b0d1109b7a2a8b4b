import { describe, expect, it } from 'vitest';
import { labelValue, managedLabels } from './managed-labels.ts';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('managedLabels', () => {
  it('uses the app.kubernetes.io recommended labels', () => {
    expect(managedLabels({ name: 'rides', component: 'api' })).toEqual({
      'app.kubernetes.io/name': 'mobileplane-runtime',
      'app.kubernetes.io/instance': 'rides',
      'app.kubernetes.io/managed-by': 'mobileplane-operator',
      'app.kubernetes.io/component': 'api',
    });
  });
});

describe('labelValue', () => {
  it.each(['rides', 'a'.repeat(63), `${'b'.repeat(80)}`, '-leading-and-trailing-', 'with spaces/and:colons'])(
    'makes %s a valid label value',
    (raw) => {
      const value = labelValue(raw);
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(LABEL_VALUE);
    },
  );

  it('keeps two long names that share a prefix apart', () => {
    const prefix = 'x'.repeat(70);
    expect(labelValue(`${prefix}-one`)).not.toBe(labelValue(`${prefix}-two`));
  });
});

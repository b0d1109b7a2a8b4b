import { describe, expect, it } from 'vitest';
import { customResourceDefinition } from '../crd/custom-resource-definition.ts';
import { API_VERSION } from '../group-version.ts';
import { FEATURE_FLAG_SET_CRD_SOURCE, type FeatureFlagSetInput } from './feature-flag-set.ts';
import { validateFeatureFlagSet } from './validate-feature-flag-set.ts';

export function checkoutFlags(name = 'checkout'): FeatureFlagSetInput {
  return {
    apiVersion: API_VERSION,
    kind: 'FeatureFlagSet',
    metadata: { name },
    spec: {
      backendRef: { name: 'rides' },
      flags: {
        'new-checkout': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', '2.3.0'] }, 'on', 'off'] },
        },
        'home-layout': { state: 'DISABLED', variants: { grid: { columns: 2 }, list: { columns: 1 } } },
      },
      $evaluators: { ios: { '==': [{ var: 'platform' }, 'ios'] } },
      killSwitches: [{ flag: 'new-checkout', variant: 'off' }],
    },
  };
}

describe('FeatureFlagSet schema', () => {
  it('accepts flags in flagd format with free-form variants and targeting', () => {
    const result = validateFeatureFlagSet(checkoutFlags());
    expect(result.valid).toBe(true);
  });

  it.each([
    [
      'a default variant that is not a variant',
      (s: FeatureFlagSetInput) => {
        s.spec.flags['new-checkout']!.defaultVariant = 'maybe';
      },
      'spec.flags.new-checkout.defaultVariant',
    ],
    [
      'a kill switch on an unknown flag',
      (s: FeatureFlagSetInput) => {
        s.spec.killSwitches = [{ flag: 'gone', variant: 'off' }];
      },
      'spec.killSwitches[0].flag',
    ],
    [
      'a kill switch to an unknown variant',
      (s: FeatureFlagSetInput) => {
        s.spec.killSwitches = [{ flag: 'new-checkout', variant: 'maybe' }];
      },
      'spec.killSwitches[0].variant',
    ],
    [
      'a bad state',
      (s: FeatureFlagSetInput) => {
        (s.spec.flags['new-checkout'] as { state: string }).state = 'ON';
      },
      'spec.flags.new-checkout.state',
    ],
    [
      'a backend name that is not a DNS label',
      (s: FeatureFlagSetInput) => {
        s.spec.backendRef.name = 'Rides!';
      },
      'spec.backendRef.name',
    ],
  ])('refuses %s naming the field', (_title, mutate, field) => {
    const resource = checkoutFlags();
    mutate(resource);
    const result = validateFeatureFlagSet(resource);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.map((e) => e.field)).toContain(field);
  });
});

describe('FeatureFlagSet CRD', () => {
  const crd = customResourceDefinition(FEATURE_FLAG_SET_CRD_SOURCE);
  const schema = crd.spec.versions[0]!.schema.openAPIV3Schema as {
    properties: { spec: { properties: Record<string, Record<string, unknown>> } };
  };
  const spec = schema.properties.spec.properties;

  it('is namespaced with a short name, a category and columns', () => {
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.shortNames).toEqual(['ffs']);
    expect(crd.spec.versions[0]!.additionalPrinterColumns.map((c) => c['name'])).toEqual([
      'Backend',
      'Accepted',
      'Delivered',
      'Flags',
      'Revision',
      'Age',
    ]);
  });

  it('keeps variants and targeting as free-form JSON, bounded for CEL', () => {
    const flag = (spec['flags'] as { additionalProperties: { properties: Record<string, Record<string, unknown>> } })
      .additionalProperties.properties;
    expect((flag['variants'] as { additionalProperties: unknown }).additionalProperties).toMatchObject({
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(flag['targeting']).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec['flags']).toMatchObject({ maxProperties: 200 });
  });
});

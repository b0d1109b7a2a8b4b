import { describe, expect, it } from 'vitest';
import {
  INVALID_BACKENDS,
  INVALID_ENVIRONMENTS,
  fullBackend,
  fullEnvironment,
  minimalBackend,
  minimalEnvironment,
} from '../../test/fixtures/resource-cases.ts';
import {
  InvalidResourceError,
  formatFieldPath,
  parseMobileBackend,
  parseMobileEnvironment,
  validateMobileBackend,
  validateMobileBackendSpec,
  validateMobileEnvironment,
} from './validate-resource.ts';

describe('validateMobileBackend', () => {
  it.each([
    ['minimal', minimalBackend()],
    ['full', fullBackend()],
  ])('accepts the %s example', (_, resource) => {
    const result = validateMobileBackend(resource);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it.each(INVALID_BACKENDS)('refuses $title, naming $field', ({ resource, field, message }) => {
    const result = validateMobileBackend(resource);
    expect(result.valid).toBe(false);
    const errors = result.valid ? [] : result.errors;
    // Exactly one error: each case breaks one rule, so the API server reaches the CEL rules too.
    expect(errors).toEqual([{ field, message: expect.stringContaining(message ?? '') }]);
  });

  it('applies the defaults the CRD applies', () => {
    const { spec } = parseMobileBackend(minimalBackend());
    expect(spec.components.api).toEqual({ enabled: true, replicas: 1 });
    expect(spec.components.push.enabled).toBe(false);
    expect(spec.security).toEqual({ mtls: 'STRICT', certificates: { lifetime: '24h', renewBefore: '8h' } });
    expect(spec.rollout.steps).toEqual([
      { weight: 10, pause: '5m', awaitPromotion: false },
      { weight: 50, pause: '10m', awaitPromotion: false },
    ]);
    expect(spec.auth.mfa.policy).toBe('Optional');
    expect(spec.rateLimits.perIP).toEqual({ requestsPerMinute: 300, burst: 60 });
  });

  it('does not share default objects between parses', () => {
    const first = parseMobileBackend(minimalBackend());
    first.spec.rollout.steps.push({ weight: 100, awaitPromotion: false });
    expect(parseMobileBackend(minimalBackend()).spec.rollout.steps).toHaveLength(2);
  });

  it('reports every bad field at once', () => {
    const result = validateMobileBackendSpec({ runtime: {}, components: { api: { replicas: -1 } } });
    expect(result.valid ? [] : result.errors.map((e) => e.field)).toEqual([
      'spec.runtime.version',
      'spec.components.api.replicas',
    ]);
  });

  it('parseMobileBackend throws an error listing the fields', () => {
    expect(() => parseMobileBackend({ ...minimalBackend(), kind: 'Deployment' })).toThrow(InvalidResourceError);
    expect(() => parseMobileBackend({ ...minimalBackend(), kind: 'Deployment' })).toThrow(/kind:/);
  });
});

describe('validateMobileEnvironment', () => {
  it.each([
    ['minimal', minimalEnvironment()],
    ['full', fullEnvironment()],
  ])('accepts the %s example', (_, resource) => {
    const result = validateMobileEnvironment(resource);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it.each(INVALID_ENVIRONMENTS)('refuses $title, naming $field', ({ resource, field, message }) => {
    const result = validateMobileEnvironment(resource);
    const errors = result.valid ? [] : result.errors;
    expect(errors).toEqual([{ field, message: expect.stringContaining(message ?? '') }]);
  });

  it('defaults group roles to edit', () => {
    const environment = parseMobileEnvironment(fullEnvironment());
    expect(environment.spec.groups?.find((g) => g.name === 'rides-devs')?.role).toBe('edit');
  });

  it('accepts a dotted name when spec.namespace is set', () => {
    const resource = {
      ...minimalEnvironment('rides.dev'),
      spec: { tier: 'dev', team: 'rides', namespace: 'rides-dev' },
    };
    expect(validateMobileEnvironment(resource).valid).toBe(true);
  });
});

describe('formatFieldPath', () => {
  it.each([
    [['spec', 'rollout', 'steps', 1, 'weight'], 'spec.rollout.steps[1].weight'],
    [['spec', 'groups', 0], 'spec.groups[0]'],
    [[], ''],
  ])('%j → %s', (path, expected) => {
    expect(formatFieldPath(path)).toBe(expected);
  });
});

import { validateCreateMobileBackendRequest, validateCreateMobileEnvironmentRequest } from './resource-requests';

describe('validateCreateMobileBackendRequest', () => {
  it('accepts the smallest backend and keeps the spec as written (the API server applies defaults)', () => {
    const result = validateCreateMobileBackendRequest({
      namespace: 'shop-dev',
      name: 'shop',
      spec: { runtime: { version: '1.0.0' } },
    });
    expect(result).toEqual({
      valid: true,
      value: {
        cluster: undefined,
        manifest: {
          apiVersion: 'mobileplane.io/v1alpha1',
          kind: 'MobileBackend',
          metadata: { name: 'shop', namespace: 'shop-dev' },
          spec: { runtime: { version: '1.0.0' } },
        },
      },
    });
  });

  it('names every bad field with the schema message', () => {
    const result = validateCreateMobileBackendRequest({
      cluster: '',
      namespace: 'Shop_Dev',
      name: 'Shop',
      spec: { runtime: { version: 'not a tag!' }, components: { api: { replicas: -1 } } },
    });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const fields = result.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'cluster',
        'metadata.namespace',
        'metadata.name',
        'spec.runtime.version',
        'spec.components.api.replicas',
      ]),
    );
    expect(result.errors.find((e) => e.field === 'spec.runtime.version')?.message).toBe(
      'must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>',
    );
  });

  it('reports a missing spec and a body that is not an object', () => {
    expect(validateCreateMobileBackendRequest([])).toEqual({
      valid: false,
      errors: [{ field: '<root>', message: 'must be a JSON object' }],
    });
    const result = validateCreateMobileBackendRequest({ namespace: 'a', name: 'b' });
    expect(result.valid || result.errors.map((e) => e.field)).toEqual(['spec']);
  });
});

describe('validateCreateMobileEnvironmentRequest', () => {
  it('accepts an environment and names a bad tier', () => {
    expect(
      validateCreateMobileEnvironmentRequest({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } }).valid,
    ).toBe(true);
    const result = validateCreateMobileEnvironmentRequest({ name: 'shop-dev', spec: { tier: 'qa', team: 'shop' } });
    expect(result.valid || result.errors.map((e) => e.field)).toEqual(['spec.tier']);
  });
});

import { describe, expect, it } from 'vitest';
import { formSchema } from './form-schema.ts';

describe('formSchema', () => {
  it.each(['MobileBackend', 'MobileEnvironment'] as const)('is a draft-07 schema of the %s spec', (kind) => {
    const schema = formSchema(kind);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(JSON.stringify(schema)).not.toMatch(/x-kubernetes-|"\$ref"/);
  });

  it('keeps the order fields are declared in, which is the order a form shows them', () => {
    const properties = Object.keys(formSchema('MobileBackend').properties as object);
    expect(properties.slice(0, 3)).toEqual(['runtime', 'components', 'auth']);
  });

  it('marks only fields without a default as required', () => {
    expect(formSchema('MobileBackend').required).toEqual(['runtime']);
    expect(formSchema('MobileEnvironment').required).toEqual(['tier', 'team']);
  });
});

import { describe, expect, it } from 'vitest';
import { API_VERSION, crdName, isMobileplaneKind } from './group-version.ts';

describe('group-version', () => {
  it('names CRDs <plural>.<group>', () => {
    expect(crdName('MobileBackend')).toBe('mobilebackends.mobileplane.io');
    expect(crdName('MobileEnvironment')).toBe('mobileenvironments.mobileplane.io');
  });

  it.each([
    [API_VERSION, 'MobileBackend', true],
    [API_VERSION, 'MobileEnvironment', true],
    ['mobileplane.io/v1', 'MobileBackend', false],
    [API_VERSION, 'Deployment', false],
    [API_VERSION, 'toString', false],
    [API_VERSION, undefined, false],
  ])('isMobileplaneKind(%s, %s) is %s', (apiVersion, kind, expected) => {
    expect(isMobileplaneKind(apiVersion, kind)).toBe(expected);
  });
});

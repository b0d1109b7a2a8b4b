import { mobileBackendResourceRef, parseMobileBackendResourceRef } from './resource-views';

describe('MobileBackend resource refs', () => {
  it('round-trips and refuses what is not a ref', () => {
    const ref = { cluster: 'local', namespace: 'shop-prod', name: 'shop' };
    expect(mobileBackendResourceRef(ref)).toBe('local:shop-prod/shop');
    expect(parseMobileBackendResourceRef('local:shop-prod/shop')).toEqual(ref);
    expect(parseMobileBackendResourceRef('shop-prod/shop')).toBeUndefined();
    expect(parseMobileBackendResourceRef('a:b/c/d')).toBeUndefined();
  });
});

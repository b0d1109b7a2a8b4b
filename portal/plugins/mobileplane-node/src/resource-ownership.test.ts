import type { MobileBackend, MobileEnvironment } from '@mobileplane/api';
import { describeBackend, environmentNamespace } from './resource-ownership';

const environment = (name: string, spec: Partial<MobileEnvironment['spec']>, statusNamespace?: string) =>
  ({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileEnvironment',
    metadata: { name },
    spec: { tier: 'dev', team: 'shop', ...spec },
    ...(statusNamespace && { status: { namespace: statusNamespace } }),
  }) as MobileEnvironment;

const backend = { metadata: { name: 'shop', namespace: 'shop-live' } } as MobileBackend;

describe('resource ownership', () => {
  it('finds the namespace from status, then spec, then the name', () => {
    expect(environmentNamespace(environment('a', {}, 'from-status'))).toBe('from-status');
    expect(environmentNamespace(environment('a', { namespace: 'from-spec' }))).toBe('from-spec');
    expect(environmentNamespace(environment('a', {}))).toBe('a');
  });

  it('gives a backend the team and tier of the environment owning its namespace', () => {
    const view = describeBackend('local', backend, [
      environment('shop-dev', { tier: 'dev', team: 'shop' }),
      environment('shop-prod', { tier: 'prod', team: 'payments', namespace: 'shop-live' }),
    ]);
    expect(view).toMatchObject({ cluster: 'local', namespace: 'shop-live', name: 'shop' });
    expect(view).toMatchObject({ environment: 'shop-prod', team: 'payments', tier: 'prod' });
    expect(describeBackend('local', backend, []).team).toBeUndefined();
  });
});

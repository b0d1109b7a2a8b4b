import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ClusterRegistry } from '@mobileplane/backstage-plugin-mobileplane-node';
import { InMemoryClusterClient } from '@mobileplane/backstage-plugin-mobileplane-node/testing';
import { createBackendAction, createEnvironmentAction } from './create-actions';

function setup(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW) {
  const cluster = new InMemoryClusterClient();
  const deps = { clusters: new ClusterRegistry([cluster]), permissions: mockServices.permissions({ result }) };
  return { cluster, backend: createBackendAction(deps), environment: createEnvironmentAction(deps) };
}

/** The mock context ignores `isDryRun` and `getInitiatorCredentials` options, so they are set afterwards. */
function context<T extends object>(input: T, isDryRun = false) {
  const ctx = createMockActionContext({ input: input as never });
  return Object.assign(ctx, { isDryRun, getInitiatorCredentials: async () => mockCredentials.user() });
}

describe('mobileplane scaffolder actions', () => {
  it('create an environment, then a backend in it, with outputs', async () => {
    const { cluster, backend, environment } = setup();
    await environment.handler(context({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } }));
    const ctx = context({ namespace: 'shop-dev', name: 'shop', spec: { runtime: { version: '1.0.0' } } });
    await backend.handler(ctx);
    expect(await cluster.getBackend('shop-dev', 'shop')).toBeDefined();
    expect(ctx.output).toHaveBeenCalledWith('resourceRef', 'local:shop-dev/shop');
  });

  it('store nothing in a dry run', async () => {
    const { cluster, backend, environment } = setup();
    await environment.handler(context({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } }, true));
    expect(await cluster.listEnvironments()).toEqual([]);
    await environment.handler(context({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } }));
    await backend.handler(
      context({ namespace: 'shop-dev', name: 'shop', spec: { runtime: { version: '1.0.0' } } }, true),
    );
    expect(await cluster.listBackends()).toEqual([]);
  });

  it('name each bad field and create nothing', async () => {
    const { cluster, backend, environment } = setup();
    await environment.handler(context({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } }));
    const failure = backend.handler(
      context({ namespace: 'shop-dev', name: 'Shop', spec: { runtime: { version: '' } } }),
    );
    await expect(failure).rejects.toThrow(/spec\.runtime\.version: must be an image tag/);
    await expect(failure).rejects.toThrow(/metadata\.name: metadata\.name must be at most 48 characters/);
    await expect(environment.handler(context({ name: 'x', spec: { tier: 'qa', team: 'shop' } }))).rejects.toThrow(
      /^spec\.tier: /,
    );
    expect(await cluster.listBackends()).toEqual([]);
  });

  it('refuse an initiator without permission', async () => {
    const { cluster, environment } = setup(AuthorizeResult.DENY);
    await expect(
      environment.handler(context({ name: 'shop-dev', spec: { tier: 'dev', team: 'shop' } })),
    ).rejects.toThrow('not allowed: mobileplane.environment.create');
    expect(await cluster.listEnvironments()).toEqual([]);
  });
});

import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import type { BackstageCredentials, BackstageUserPrincipal, ServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ClusterRegistry, mobileplaneClustersServiceRef } from '@mobileplane/backstage-plugin-mobileplane-node';
import { InMemoryClusterClient } from '@mobileplane/backstage-plugin-mobileplane-node/testing';
import permissionBackend from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { mockHttpAuthWithActors } from './testing/mock-auth-with-actors';
import { permissionModuleMobileplanePolicy } from './permissions/mobileplane-permission-policy';
import { mobileplanePlugin } from './plugin';

const ALICE = 'user:default/alice'; // member of team shop
const BOB = 'user:default/bob'; // in no team

/** Ownership refs as the catalog would resolve them: alice is in group shop. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = (credentials.principal as BackstageUserPrincipal).userEntityRef;
      return { userEntityRef: user, ownershipEntityRefs: user === ALICE ? [user, 'group:default/shop'] : [user] };
    },
  }),
});

async function start(cluster = new InMemoryClusterClient(), extra: ServiceFactory[] = []) {
  await cluster.createEnvironment({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileEnvironment',
    metadata: { name: 'shop-dev' },
    spec: { tier: 'dev', team: 'shop' },
  });
  await cluster.createEnvironment({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileEnvironment',
    metadata: { name: 'shop-prod' },
    spec: { tier: 'prod', team: 'shop' },
  });
  const { server } = await startTestBackend({
    features: [
      mobileplanePlugin,
      permissionBackend,
      permissionModuleMobileplanePolicy,
      userInfo,
      mockHttpAuthWithActors,
      mockServices.rootConfig.factory({ data: { permission: { enabled: true } } }),
      createServiceFactory({
        service: mobileplaneClustersServiceRef,
        deps: {},
        factory: () => new ClusterRegistry([cluster]),
      }),
      ...extra,
    ],
  });
  return { server, cluster };
}

const as = (user: string) => ({ Authorization: mockCredentials.user.header(user) });
const shop = (namespace: string, spec: object = { runtime: { version: '1.0.0' } }) => ({
  namespace,
  name: 'shop',
  spec,
});

describe('mobileplane backend plugin', () => {
  it('lists the mobileplane.io kinds from @mobileplane/api and answers /health without credentials', async () => {
    const { server } = await start();
    await request(server).get('/api/mobileplane/health').expect(200, { status: 'ok' });
    const res = await request(server).get('/api/mobileplane/kinds').set(as(ALICE)).expect(200);
    expect(res.body.items.map((k: { crd: string }) => k.crd)).toEqual(
      expect.arrayContaining(['mobilebackends.mobileplane.io', 'mobileenvironments.mobileplane.io']),
    );
  });

  it('creates a backend, then lists and gets it with the team and tier of its environment', async () => {
    const { server, cluster } = await start();
    const created = await request(server).post('/api/mobileplane/backends').set(as(BOB)).send(shop('shop-dev'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      cluster: 'local',
      namespace: 'shop-dev',
      name: 'shop',
      team: 'shop',
      tier: 'dev',
    });
    expect(await cluster.getBackend('shop-dev', 'shop')).toBeDefined();

    const list = await request(server).get('/api/mobileplane/backends').set(as(BOB)).expect(200);
    expect(list.body.items.map((b: { name: string }) => b.name)).toEqual(['shop']);
    const one = await request(server).get('/api/mobileplane/backends/local/shop-dev/shop').set(as(BOB)).expect(200);
    expect(one.body.resource.spec.runtime.version).toBe('1.0.0');
    await request(server).get('/api/mobileplane/backends/local/shop-dev/nope').set(as(BOB)).expect(404);
    await request(server).post('/api/mobileplane/backends').set(as(BOB)).send(shop('shop-dev')).expect(409);
  });

  it('answers 400 naming each bad field and creates nothing', async () => {
    const { server, cluster } = await start();
    const res = await request(server)
      .post('/api/mobileplane/backends')
      .set(as(ALICE))
      .send(shop('shop-dev', { runtime: { version: 'not a tag!' } }));
    expect(res.status).toBe(400);
    expect(res.body.fieldErrors).toEqual([
      {
        field: 'spec.runtime.version',
        message: 'must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>',
      },
    ]);
    expect(res.body.error.message).toContain('spec.runtime.version');
    expect(await cluster.listBackends()).toEqual([]);

    const outside = await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('elsewhere'));
    expect(outside.status).toBe(400);
    expect(outside.body.fieldErrors[0].field).toBe('metadata.namespace');
  });

  it('dry-runs a create without storing it', async () => {
    const { server, cluster } = await start();
    await request(server)
      .post('/api/mobileplane/backends?dryRun=true')
      .set(as(ALICE))
      .send(shop('shop-dev'))
      .expect(200);
    expect(await cluster.listBackends()).toEqual([]);
  });

  it('refuses anonymous callers', async () => {
    const { server } = await start();
    await request(server).get('/api/mobileplane/backends').expect(401);
    await request(server).post('/api/mobileplane/backends').send(shop('shop-dev')).expect(401);
  });

  it('lets only the owning team promote or delete in prod, and anyone in dev', async () => {
    const { server, cluster } = await start();
    for (const ns of ['shop-dev', 'shop-prod']) {
      await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop(ns)).expect(201);
      cluster.setBackendStatus(ns, 'shop', { rollout: { phase: 'Paused', step: 1, weight: 25 } });
    }

    await request(server)
      .post('/api/mobileplane/backends/local/shop-prod/shop/rollout')
      .set(as(BOB))
      .send({ action: 'promote' })
      .expect(403);
    await request(server).delete('/api/mobileplane/backends/local/shop-prod/shop').set(as(BOB)).expect(403);
    expect((await cluster.getBackend('shop-prod', 'shop'))?.metadata.annotations).toBeUndefined();

    const promoted = await request(server)
      .post('/api/mobileplane/backends/local/shop-prod/shop/rollout')
      .set(as(ALICE))
      .send({ action: 'promote' });
    expect(promoted.status).toBe(202);
    expect((await cluster.getBackend('shop-prod', 'shop'))?.metadata.annotations).toMatchObject({
      'mobileplane.io/rollout-action': 'promote',
    });

    await request(server)
      .post('/api/mobileplane/backends/local/shop-dev/shop/rollout')
      .set(as(BOB))
      .send({ action: 'abort' })
      .expect(202);
    await request(server).delete('/api/mobileplane/backends/local/shop-dev/shop').set(as(BOB)).expect(204);
    await request(server).delete('/api/mobileplane/backends/local/shop-prod/shop').set(as(ALICE)).expect(204);
    expect(await cluster.listBackends()).toEqual([]);
  });

  it('refuses a rollout action that is unknown or does not fit the phase', async () => {
    const { server } = await start();
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-dev')).expect(201);
    const unknown = await request(server)
      .post('/api/mobileplane/backends/local/shop-dev/shop/rollout')
      .set(as(ALICE))
      .send({ action: 'skip' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fieldErrors).toEqual([{ field: 'action', message: 'must be one of promote, abort' }]);
    const stable = await request(server)
      .post('/api/mobileplane/backends/local/shop-dev/shop/rollout')
      .set(as(ALICE))
      .send({ action: 'promote' });
    expect(stable.status).toBe(409);
    expect(stable.body.error.message).toBe('cannot promote a rollout in phase Stable');
  });

  it('updates a backend spec and requests environments', async () => {
    const { server, cluster } = await start();
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-dev')).expect(201);
    const updated = await request(server)
      .put('/api/mobileplane/backends/local/shop-dev/shop')
      .set(as(ALICE))
      .send({ spec: { runtime: { version: '1.1.0' } } });
    expect(updated.status).toBe(200);
    expect((await cluster.getBackend('shop-dev', 'shop'))?.spec.runtime.version).toBe('1.1.0');

    const env = await request(server)
      .post('/api/mobileplane/environments')
      .set(as(ALICE))
      .send({ name: 'shop-staging', spec: { tier: 'staging', team: 'shop' } });
    expect(env.status).toBe(201);
    const bad = await request(server)
      .post('/api/mobileplane/environments')
      .set(as(ALICE))
      .send({ name: 'x', spec: { tier: 'qa', team: 'shop' } });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors.map((e: { field: string }) => e.field)).toEqual(['spec.tier']);
    const list = await request(server).get('/api/mobileplane/environments').set(as(ALICE)).expect(200);
    expect(list.body.items.map((e: { name: string }) => e.name)).toEqual(['shop-dev', 'shop-prod', 'shop-staging']);
  });

  it('says honestly that there are no metrics without a Prometheus, and refuses other queries', async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/mobileplane/backends/local/shop-dev/shop/metrics?component=api&range=1h')
      .set(as(ALICE))
      .expect(200);
    expect(res.body).toEqual({ available: false, reason: 'no Prometheus is configured for cluster local' });
    const bad = await request(server)
      .get('/api/mobileplane/backends/local/shop-dev/shop/metrics?component=up&range=1y')
      .set(as(ALICE))
      .expect(400);
    expect(bad.body.fieldErrors.map((e: { field: string }) => e.field)).toEqual(['component', 'range']);
  });

  it("lists the backend's FeatureFlagSets, or says the kind is not served", async () => {
    const cluster = new InMemoryClusterClient();
    const { server } = await start(cluster);
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-dev')).expect(201);
    const notServed = await request(server)
      .get('/api/mobileplane/backends/local/shop-dev/shop/feature-flags')
      .set(as(BOB));
    expect(notServed.status).toBe(200);
    expect(notServed.body).toEqual({ served: false });

    const set = (name: string, backend: string) => ({
      apiVersion: 'mobileplane.io/v1alpha1' as const,
      kind: 'FeatureFlagSet' as const,
      metadata: { name, namespace: 'shop-dev' },
      spec: {
        backendRef: { name: backend },
        flags: { checkout: { state: 'ENABLED' as const, variants: { on: true, off: false }, defaultVariant: 'off' } },
      },
    });
    cluster.serveFeatureFlagSets([set('shop-flags', 'shop'), set('other-flags', 'other')]);
    const served = await request(server)
      .get('/api/mobileplane/backends/local/shop-dev/shop/feature-flags')
      .set(as(BOB));
    expect(served.body.served).toBe(true);
    expect(served.body.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(['shop-flags']);
    await request(server).get('/api/mobileplane/backends/local/shop-dev/shop/feature-flags').expect(401);

    const flagState = '/api/mobileplane/backends/local/shop-dev/shop/feature-flags/shop-flags/flags/checkout/state';
    await request(server).put(flagState).set(as(BOB)).send({ state: 'maybe' }).expect(400);
    await request(server).put(flagState).set(as(BOB)).send({ state: 'DISABLED' }).expect(200);
    const [stored] = (await cluster.listFeatureFlagSets('shop-dev')) ?? [];
    expect(stored?.spec.flags.checkout?.state).toBe('DISABLED');
    await request(server)
      .put('/api/mobileplane/backends/local/shop-dev/shop/feature-flags/other-flags/flags/checkout/state')
      .set(as(BOB))
      .send({ state: 'DISABLED' })
      .expect(404);
  });

  it("keeps another team's prod flags from a user outside it", async () => {
    const cluster = new InMemoryClusterClient();
    const { server } = await start(cluster);
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-prod')).expect(201);
    cluster.serveFeatureFlagSets([
      {
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'FeatureFlagSet',
        metadata: { name: 'prod-flags', namespace: 'shop-prod' },
        spec: {
          backendRef: { name: 'shop' },
          flags: { checkout: { state: 'ENABLED', variants: { on: true, off: false } } },
        },
      },
    ]);
    const path = '/api/mobileplane/backends/local/shop-prod/shop/feature-flags/prod-flags/flags/checkout/state';
    await request(server).put(path).set(as(BOB)).send({ state: 'DISABLED' }).expect(403);
    await request(server).put(path).set(as(ALICE)).send({ state: 'DISABLED' }).expect(200);
  });

  it('records an audit event for each change, with its outcome', async () => {
    const events: { eventId: string; meta?: object; outcome?: string }[] = [];
    const auditor = createServiceFactory({
      service: coreServices.auditor,
      deps: {},
      factory: () => ({
        async createEvent(options: { eventId: string; meta?: object }) {
          const event: { eventId: string; meta?: object; outcome?: string } = {
            eventId: options.eventId,
            meta: options.meta,
          };
          events.push(event);
          return {
            success: async () => {
              event.outcome = 'succeeded';
            },
            fail: async ({ error }: { error: Error }) => {
              event.outcome = `failed: ${error.message}`;
            },
          };
        },
      }),
    });
    const { server } = await start(new InMemoryClusterClient(), [auditor]);
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-dev')).expect(201);
    await request(server).post('/api/mobileplane/backends').set(as(ALICE)).send(shop('shop-dev')).expect(409);
    expect(events).toEqual([
      {
        eventId: 'backend-create',
        meta: { cluster: 'local', name: 'shop', namespace: 'shop-dev', dryRun: false },
        outcome: 'succeeded',
      },
      {
        eventId: 'backend-create',
        meta: { cluster: 'local', name: 'shop', namespace: 'shop-dev', dryRun: false },
        outcome: 'failed: MobileBackend shop-dev/shop already exists',
      },
    ]);
  });
});

import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { mobileplanePlugin } from './plugin';

describe('mobileplane backend plugin', () => {
  it('lists the mobileplane.io kinds from @mobileplane/api', async () => {
    const { server } = await startTestBackend({ features: [mobileplanePlugin] });

    const res = await request(server).get('/api/mobileplane/kinds');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ group: 'mobileplane.io', version: 'v1alpha1' });
    expect(res.body.items).toEqual([
      {
        kind: 'MobileBackend',
        apiVersion: 'mobileplane.io/v1alpha1',
        crd: 'mobilebackends.mobileplane.io',
        plural: 'mobilebackends',
        singular: 'mobilebackend',
        shortNames: ['mb'],
        scope: 'Namespaced',
      },
      {
        kind: 'MobileEnvironment',
        apiVersion: 'mobileplane.io/v1alpha1',
        crd: 'mobileenvironments.mobileplane.io',
        plural: 'mobileenvironments',
        singular: 'mobileenvironment',
        shortNames: ['menv'],
        scope: 'Cluster',
      },
    ]);
  });

  it('answers /health without credentials but guards /kinds', async () => {
    const { server } = await startTestBackend({
      features: [mobileplanePlugin, mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() })],
    });

    await request(server).get('/api/mobileplane/health').expect(200, { status: 'ok' });
    await request(server).get('/api/mobileplane/kinds').expect(401);
    await request(server).get('/api/mobileplane/kinds').set('Authorization', mockCredentials.user.header()).expect(200);
  });
});

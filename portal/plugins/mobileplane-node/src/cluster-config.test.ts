import { mockServices } from '@backstage/backend-test-utils';
import { readClusterConfigs } from './cluster-config';

const read = (data: object) => readClusterConfigs(mockServices.rootConfig({ data }));

describe('readClusterConfigs', () => {
  it('defaults to one cluster "local" from the default kubeconfig', () => {
    expect(read({})).toEqual([{ name: 'local', title: 'Local cluster' }]);
  });

  it('reads several clusters with their kubeconfig, context and metrics URLs', () => {
    const clusters = read({
      mobileplane: {
        clusters: [
          { name: 'eu-prod', kubeconfig: '/etc/eu.yaml', context: 'admin', prometheusUrl: 'http://prom:9090' },
          { name: 'us-prod', title: 'US', grafanaUrl: 'http://grafana' },
        ],
      },
    });
    expect(clusters.map((c) => c.name)).toEqual(['eu-prod', 'us-prod']);
    expect(clusters[0]).toMatchObject({
      kubeconfig: '/etc/eu.yaml',
      context: 'admin',
      prometheusUrl: 'http://prom:9090',
    });
    expect(clusters[1]).toMatchObject({ title: 'US', grafanaUrl: 'http://grafana' });
  });

  it('names the bad entry when a name is invalid or repeated', () => {
    expect(() => read({ mobileplane: { clusters: [{ name: 'EU_prod' }] } })).toThrow(
      'mobileplane.clusters[0].name: must be a lowercase DNS label, got "EU_prod"',
    );
    expect(() => read({ mobileplane: { clusters: [{ name: 'a' }, { name: 'a' }] } })).toThrow(
      'mobileplane.clusters[1].name: "a" is configured twice',
    );
  });
});

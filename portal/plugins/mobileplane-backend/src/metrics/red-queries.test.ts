import { redQueries } from './red-queries';

describe('redQueries', () => {
  it('builds the three RED queries by revision for one component', () => {
    const q = redQueries({ namespace: 'shop-dev', backend: 'shop', component: 'api' });
    const selector = 'namespace="shop-dev",backend="shop",component="api"';
    expect(q.rate).toBe(`sum by (revision) (rate(http_server_request_duration_seconds_count{${selector}}[5m]))`);
    expect(q.errors).toContain(`{${selector},status=~"5.."}`);
    expect(q.p99).toBe(
      `histogram_quantile(0.99, sum by (revision, le) (rate(http_server_request_duration_seconds_bucket{${selector}}[5m])))`,
    );
  });

  it('escapes label values and refuses unknown components', () => {
    expect(redQueries({ namespace: 'a"b', backend: 'c\\d', component: 'auth' }).rate).toContain(
      'namespace="a\\"b",backend="c\\\\d"',
    );
    expect(() => redQueries({ namespace: 'a', backend: 'b', component: 'db' as never })).toThrow(
      'unknown component db',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { quotaStatusView, uncoveredQuotaResources } from './quota-readiness.ts';

const hard = { pods: '50', 'requests.cpu': '4', 'count/mobilebackends.mobileplane.io': '5' };
const quota = (status: unknown): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'mobileplane-quota', namespace: 'rides-dev' },
  spec: { hard },
  ...(status === undefined ? {} : { status }),
});

describe('uncoveredQuotaResources', () => {
  it('is every resource while the quota has no status (just created)', () => {
    expect(uncoveredQuotaResources(quota(undefined), hard)).toEqual([
      'count/mobilebackends.mobileplane.io',
      'pods',
      'requests.cpu',
    ]);
    expect(uncoveredQuotaResources(undefined, hard)).toHaveLength(3);
  });

  it('names a custom resource the quota controller has not counted yet (the fresh-machine failure)', () => {
    const status = { hard, used: { pods: '0', 'requests.cpu': '0' } };
    expect(uncoveredQuotaResources(quota(status), hard)).toEqual(['count/mobilebackends.mobileplane.io']);
  });

  it('waits for a changed limit to reach status.hard, comparing quantities by value', () => {
    const used = { pods: '0', 'requests.cpu': '0', 'count/mobilebackends.mobileplane.io': '0' };
    expect(uncoveredQuotaResources(quota({ hard: { ...hard, pods: '40' }, used }), hard)).toEqual(['pods']);
    expect(uncoveredQuotaResources(quota({ hard: { ...hard, 'requests.cpu': '4000m' }, used }), hard)).toEqual([]);
  });

  it('is empty once every resource is enforced, also through the cached view', () => {
    const status = { hard, used: { pods: '3', 'requests.cpu': '150m', 'count/mobilebackends.mobileplane.io': '1' } };
    expect(uncoveredQuotaResources(quota(status), hard)).toEqual([]);
    expect(uncoveredQuotaResources(quota(quotaStatusView(status)), hard)).toEqual([]);
  });
});

describe('quotaStatusView', () => {
  it('keeps which resources are counted but not the counts (pods coming and going change nothing)', () => {
    const a = quotaStatusView({ hard, used: { pods: '3' } });
    const b = quotaStatusView({ hard, used: { pods: '4' } });
    expect(a).toEqual(b);
    expect(quotaStatusView({ hard, used: { pods: '3', 'requests.cpu': '1' } })).not.toEqual(a);
  });
});

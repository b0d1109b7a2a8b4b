import { parseQuantity } from '../apply/apply-diff.ts';
import type { KubeObject } from '../kube/kube-object.ts';

interface QuotaView {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/**
 * The resources of `hard` that a ResourceQuota cannot enforce yet, i.e. for which the API server would refuse a
 * create with "status unknown for quota": the quota controller has not copied the limit into `status.hard`
 * (or copied an older one) or has not counted the usage into `status.used`. It counts a custom resource only
 * after discovering it and recomputes on its sync period, so a fresh quota can stay pending for minutes.
 */
export function uncoveredQuotaResources(quota: KubeObject | undefined, hard: Record<string, string>): string[] {
  const status = (quota as QuotaView | undefined)?.status;
  return Object.keys(hard)
    .filter((resource) => {
      const enforced = status?.hard?.[resource];
      const desired = hard[resource];
      const sameLimit =
        enforced !== undefined &&
        desired !== undefined &&
        (enforced === desired || parseQuantity(enforced) === parseQuantity(desired));
      return !sameLimit || status?.used?.[resource] === undefined;
    })
    .sort();
}

/**
 * What of a quota's status the operator keeps: the enforced limits and which resources are counted (not the
 * counts, which change with every pod and would re-queue the environment for nothing).
 */
export function quotaStatusView(status: unknown): { hard?: Record<string, string>; used?: Record<string, string> } {
  const { hard, used } = (status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
  return {
    ...(hard !== undefined ? { hard } : {}),
    ...(used !== undefined ? { used: Object.fromEntries(Object.keys(used).map((k) => [k, ''])) } : {}),
  };
}

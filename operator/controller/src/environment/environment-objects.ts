import { createHash } from 'node:crypto';
import type { EnvironmentTier, MobileEnvironmentSpec } from '@mobileplane/api';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { typedQuantities } from '../kube/cdk8s-quantities.ts';
import { controllerReference, type KubeObject } from '../kube/kube-object.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, labelValue } from '../managed-labels.ts';

/** The label admission policies select on. */
export const TIER_LABEL = 'mobileplane.io/tier';
export const TEAM_LABEL = 'mobileplane.io/team';
export const ENVIRONMENT_LABEL = 'mobileplane.io/environment';
/** The environment's ResourceQuota. */
export const QUOTA_NAME = 'mobileplane-quota';

interface Amounts {
  cpu: string;
  memory: string;
}

/** Quota and container limits per tier when the spec sets none. */
export const TIER_DEFAULTS: Record<
  EnvironmentTier,
  {
    quota: {
      requests: Amounts;
      limits: Amounts;
      pods: number;
      services: number;
      persistentVolumeClaims: number;
      mobileBackends: number;
    };
    limitRange: { defaultRequest: Amounts; default: Amounts; max: Amounts };
  }
> = {
  dev: {
    quota: {
      requests: { cpu: '4', memory: '8Gi' },
      limits: { cpu: '8', memory: '16Gi' },
      pods: 50,
      services: 30,
      persistentVolumeClaims: 10,
      mobileBackends: 5,
    },
    limitRange: {
      defaultRequest: { cpu: '50m', memory: '64Mi' },
      default: { cpu: '500m', memory: '512Mi' },
      max: { cpu: '2', memory: '4Gi' },
    },
  },
  staging: {
    quota: {
      requests: { cpu: '8', memory: '16Gi' },
      limits: { cpu: '16', memory: '32Gi' },
      pods: 100,
      services: 50,
      persistentVolumeClaims: 20,
      mobileBackends: 10,
    },
    limitRange: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '1', memory: '1Gi' },
      max: { cpu: '4', memory: '8Gi' },
    },
  },
  prod: {
    quota: {
      requests: { cpu: '32', memory: '64Gi' },
      limits: { cpu: '64', memory: '128Gi' },
      pods: 300,
      services: 100,
      persistentVolumeClaims: 50,
      mobileBackends: 20,
    },
    limitRange: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '1', memory: '1Gi' },
      max: { cpu: '8', memory: '16Gi' },
    },
  },
};

/** The namespace an environment lives in. */
export function environmentNamespace(environment: KubeObject, spec: MobileEnvironmentSpec): string {
  return spec.namespace ?? environment.metadata.name ?? '';
}

export function environmentLabels(environment: KubeObject): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'mobileplane-environment',
    'app.kubernetes.io/instance': labelValue(environment.metadata.name ?? ''),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  };
}

/**
 * Everything a MobileEnvironment should have: a Namespace with Pod Security `restricted` (enforce, audit and
 * warn) and the tier and team labels; a ResourceQuota and a LimitRange (spec or tier defaults); default-deny
 * ingress and egress NetworkPolicies (egress open only to DNS, the namespace itself and outside the cluster);
 * and a RoleBinding per team group to the chosen ClusterRole.
 */
export function environmentObjects(environment: KubeObject, spec: MobileEnvironmentSpec): KubeObject[] {
  const namespace = environmentNamespace(environment, spec);
  const labels = environmentLabels(environment);
  const chart = new Chart(new App(), 'environment', { disableResourceNameHashes: true });
  const defaults = TIER_DEFAULTS[spec.tier];

  new kplus.Namespace(chart, 'namespace', {
    metadata: {
      name: namespace,
      labels: {
        ...labels,
        [TIER_LABEL]: spec.tier,
        [TEAM_LABEL]: spec.team,
        [ENVIRONMENT_LABEL]: labelValue(environment.metadata.name ?? ''),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'latest',
      },
    },
  });

  const meta = (name: string) => ({ name, namespace, labels });
  const quota = spec.resourceQuota;
  const hard: Record<string, string> = {
    'requests.cpu': String(quota?.requests?.cpu ?? defaults.quota.requests.cpu),
    'requests.memory': String(quota?.requests?.memory ?? defaults.quota.requests.memory),
    'limits.cpu': String(quota?.limits?.cpu ?? defaults.quota.limits.cpu),
    'limits.memory': String(quota?.limits?.memory ?? defaults.quota.limits.memory),
    pods: String(quota?.pods ?? defaults.quota.pods),
    services: String(quota?.services ?? defaults.quota.services),
    persistentvolumeclaims: String(quota?.persistentVolumeClaims ?? defaults.quota.persistentVolumeClaims),
    'count/mobilebackends.mobileplane.io': String(quota?.mobileBackends ?? defaults.quota.mobileBackends),
    ...(quota?.storage !== undefined ? { 'requests.storage': String(quota.storage) } : {}),
  };
  new kplus.k8s.KubeResourceQuota(chart, 'quota', {
    metadata: meta(QUOTA_NAME),
    spec: { hard: typedQuantities(hard) },
  });

  const limits = spec.limitRange;
  const amounts = (given: { cpu?: string | number; memory?: string | number } | undefined, fallback: Amounts) =>
    typedQuantities({ cpu: String(given?.cpu ?? fallback.cpu), memory: String(given?.memory ?? fallback.memory) });
  new kplus.k8s.KubeLimitRange(chart, 'limits', {
    metadata: meta('mobileplane-limits'),
    spec: {
      limits: [
        {
          type: 'Container',
          defaultRequest: amounts(limits?.defaultRequest, defaults.limitRange.defaultRequest),
          default: amounts(limits?.default, defaults.limitRange.default),
          max: amounts(limits?.max, defaults.limitRange.max),
        },
      ],
    },
  });

  new kplus.k8s.KubeNetworkPolicy(chart, 'deny-ingress', {
    metadata: meta('default-deny-ingress'),
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
  new kplus.k8s.KubeNetworkPolicy(chart, 'deny-egress', {
    metadata: meta('default-deny-egress'),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(53) },
          ],
        },
        { to: [{ podSelector: {} }] },
        {
          to: [
            {
              ipBlock: {
                cidr: '0.0.0.0/0',
                except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'],
              },
            },
          ],
        },
      ],
    },
  });

  for (const group of spec.groups ?? []) {
    new kplus.k8s.KubeRoleBinding(chart, `group-${group.name}`, {
      metadata: meta(roleBindingName(group.name)),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: group.role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group.name }],
    });
  }

  const owner = controllerReference(environment);
  return (chart.toJson() as KubeObject[]).map((object) => ({
    ...object,
    metadata: { ...object.metadata, ownerReferences: [owner] },
  }));
}

/** `team-<group>` as a valid object name; a hash suffix keeps sanitised or long names apart. */
export function roleBindingName(group: string): string {
  const clean = group
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean === group && clean.length <= 50) return `team-${clean}`;
  const hash = createHash('sha256').update(group).digest('hex').slice(0, 8);
  return `team-${clean.slice(0, 40).replace(/-+$/, '')}-${hash}`;
}

import { API_VERSION, KINDS } from '@mobileplane/api';

/** Where the API server serves a kind: enough to build REST paths without a discovery round trip. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const kinds = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  { apiVersion: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true },
  { apiVersion: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', namespaced: true },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
  {
    apiVersion: API_VERSION,
    kind: 'MobileBackend',
    plural: KINDS.MobileBackend.plural,
    namespaced: (KINDS.MobileBackend.scope as string) === 'Namespaced',
  },
  {
    apiVersion: API_VERSION,
    kind: 'FeatureFlagSet',
    plural: KINDS.FeatureFlagSet.plural,
    namespaced: (KINDS.FeatureFlagSet.scope as string) === 'Namespaced',
  },
  {
    apiVersion: API_VERSION,
    kind: 'MobileEnvironment',
    plural: KINDS.MobileEnvironment.plural,
    namespaced: (KINDS.MobileEnvironment.scope as string) === 'Namespaced',
  },
] as const satisfies readonly ResourceKind[];

export type KindName = (typeof kinds)[number]['kind'];

const byKind = new Map<string, ResourceKind>(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k]));
const byName = new Map<string, ResourceKind>(kinds.map((k) => [k.kind, k]));

/** The resource for a kind the operator knows (a fixed table: the operator only touches these kinds). */
export function resourceKind(kind: KindName): ResourceKind {
  const found = byName.get(kind);
  if (found === undefined) throw new Error(`unknown kind ${kind}`);
  return found;
}

/** The resource for an object's apiVersion and kind; throws for kinds outside the table. */
export function resourceKindOf(object: { apiVersion?: string; kind?: string }): ResourceKind {
  const found = byKind.get(`${object.apiVersion}/${object.kind}`);
  if (found === undefined) throw new Error(`the operator does not manage ${object.apiVersion}/${object.kind}`);
  return found;
}

/** REST path of a collection (`name` omitted) or of one object, optionally a subresource. */
export function resourcePath(
  resource: ResourceKind,
  where: { namespace?: string | undefined; name?: string | undefined; subresource?: string },
): string {
  const base = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
  const ns =
    resource.namespaced && where.namespace !== undefined ? `/namespaces/${encodeURIComponent(where.namespace)}` : '';
  const name = where.name !== undefined ? `/${encodeURIComponent(where.name)}` : '';
  const sub = where.name !== undefined && where.subresource !== undefined ? `/${where.subresource}` : '';
  return `${base}${ns}/${resource.plural}${name}${sub}`;
}

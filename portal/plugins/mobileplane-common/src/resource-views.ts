import type { EnvironmentTier, FeatureFlagSet, MobileBackend, MobileEnvironment } from '@mobileplane/api';

/** Where a MobileBackend is: the configured cluster's name, its namespace and its name. */
export interface MobileBackendRef {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * A MobileBackend as the portal's REST API returns it: the custom resource as the API server has it, plus what the
 * portal derives from its MobileEnvironment (the environment whose namespace holds it).
 */
export interface MobileBackendView extends MobileBackendRef {
  /** MobileEnvironment that owns the namespace, when there is one. */
  environment?: string;
  /** `spec.team` of that environment: the team that owns the backend. */
  team?: string;
  /** `spec.tier` of that environment. */
  tier?: EnvironmentTier;
  resource: MobileBackend;
}

/** A MobileEnvironment as the portal's REST API returns it. */
export interface MobileEnvironmentView {
  cluster: string;
  name: string;
  resource: MobileEnvironment;
}

/** A configured cluster, as `GET /clusters` lists it (never with credentials). */
export interface ClusterSummary {
  name: string;
  title?: string;
  /** Base URL of the Grafana the cluster's dashboards live in, for links. */
  grafanaUrl?: string;
  /** Whether a Prometheus is configured for the RED charts. */
  metrics: boolean;
}

/** A list response. `errors` names the clusters that could not be read (the others still answer). */
export interface ListResponse<T> {
  items: T[];
  errors?: { cluster: string; message: string }[];
}

/** `<cluster>:<namespace>/<name>`: the permission framework's resource ref of a MobileBackend. */
export function mobileBackendResourceRef(ref: MobileBackendRef): string {
  return `${ref.cluster}:${ref.namespace}/${ref.name}`;
}

/** The inverse of `mobileBackendResourceRef`; undefined when the ref is not one. */
export function parseMobileBackendResourceRef(resourceRef: string): MobileBackendRef | undefined {
  const match = /^([^:/]+):([^:/]+)\/([^:/]+)$/.exec(resourceRef);
  if (!match) return undefined;
  const [, cluster, namespace, name] = match as unknown as [string, string, string, string];
  return { cluster, namespace, name };
}

/** One line of a RED chart: a revision (stable or canary pod template) and its [unix seconds, value] points. */
export interface RedSeries {
  revision: string;
  points: [number, number][];
}

/**
 * `GET /backends/:cluster/:namespace/:name/metrics?component=&range=`: rate (requests/s), errors (ratio 0-1) and
 * p99 (seconds) by revision. `available: false` with a reason when the cluster has no Prometheus or it failed, so
 * the UI can say "no data" honestly.
 */
export interface RedMetrics {
  available: boolean;
  reason?: string;
  series?: { rate: RedSeries[]; errors: RedSeries[]; p99: RedSeries[] };
}

/**
 * `GET /backends/:cluster/:namespace/:name/feature-flags`: the FeatureFlagSets whose `spec.backendRef` names the
 * backend. `served: false` when the cluster does not serve the FeatureFlagSet kind (its CRD is not installed).
 */
export type FeatureFlagsResponse = { served: false } | { served: true; items: FeatureFlagSet[] };

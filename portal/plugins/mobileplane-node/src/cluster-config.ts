import type { RootConfigService as Config } from '@backstage/backend-plugin-api';

/** One cluster from `mobileplane.clusters[]` in app-config. */
export interface MobileplaneClusterConfig {
  /** Short name used in URLs and permission refs, for example `local` or `eu-prod`. */
  name: string;
  title?: string;
  /** Kubeconfig file; when absent, the default loading rules ($KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** Context of that kubeconfig; its current context when absent. */
  context?: string;
  /** Prometheus base URL for the RED charts; the charts say "no data" when absent. */
  prometheusUrl?: string;
  /** Grafana base URL for the dashboard links. */
  grafanaUrl?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads `mobileplane.clusters`. Without it the portal talks to one cluster named `local` through the default
 * kubeconfig, which is what `make portal` wants.
 */
export function readClusterConfigs(config: Config): MobileplaneClusterConfig[] {
  const entries = config.getOptionalConfigArray('mobileplane.clusters');
  if (!entries || entries.length === 0) return [{ name: 'local', title: 'Local cluster' }];
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const name = entry.getString('name');
    if (!NAME.test(name) || name.length > 63) {
      throw new Error(`mobileplane.clusters[${index}].name: must be a lowercase DNS label, got "${name}"`);
    }
    if (seen.has(name)) throw new Error(`mobileplane.clusters[${index}].name: "${name}" is configured twice`);
    seen.add(name);
    return {
      name,
      title: entry.getOptionalString('title'),
      kubeconfig: entry.getOptionalString('kubeconfig'),
      context: entry.getOptionalString('context'),
      prometheusUrl: entry.getOptionalString('prometheusUrl'),
      grafanaUrl: entry.getOptionalString('grafanaUrl'),
    };
  });
}

/**
 * Node library of the Mobileplane Backstage plugins: the configured clusters and their mobileplane.io resources,
 * shared by the backend plugin, the catalog module and the scaffolder module.
 *
 * @packageDocumentation
 */
export { PORTAL_FIELD_MANAGER } from './cluster-client';
export type { MobileplaneClusterClient, MobileplaneClusters, ResourceChange, WriteOptions } from './cluster-client';
export { readClusterConfigs } from './cluster-config';
export type { MobileplaneClusterConfig } from './cluster-config';
export { KubeClusterClient } from './kube-cluster-client';
export { FieldValidationError, toBackstageError } from './kube-errors';
export { ClusterRegistry, clustersFromConfig, mobileplaneClustersServiceRef } from './mobileplane-clusters-service';
export {
  describeBackend,
  describeEnvironment,
  environmentForNamespace,
  environmentNamespace,
} from './resource-ownership';
export { prepareMobileBackend, prepareMobileEnvironment } from './resource-preparation';
export type { PreparedBackend } from './resource-preparation';

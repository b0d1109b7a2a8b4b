import type { FeatureFlagSet, MobileBackend, MobileEnvironment } from '@mobileplane/api';
import type {
  MobileBackendManifest,
  MobileEnvironmentManifest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileplaneClusterConfig } from './cluster-config';

/** The field manager of every write the portal sends (server-side apply and patches). */
export const PORTAL_FIELD_MANAGER = 'mobileplane-portal';

export interface WriteOptions {
  /** Server-side dry run: the API server validates and admits, nothing is stored. */
  dryRun?: boolean;
}

/** What changed, for watchers: a kind and the object as the API server sent it. */
export interface ResourceChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: 'MobileBackend' | 'MobileEnvironment';
  object: MobileBackend | MobileEnvironment;
}

/**
 * The mobileplane.io resources of one cluster. Errors are `@backstage/errors` types (NotFoundError, ConflictError,
 * InputError with the API server's field causes, NotAllowedError) so routes map them to HTTP statuses directly.
 */
export interface MobileplaneClusterClient {
  readonly config: MobileplaneClusterConfig;
  listBackends(namespace?: string): Promise<MobileBackend[]>;
  getBackend(namespace: string, name: string): Promise<MobileBackend | undefined>;
  /** Creates a backend (server-side apply); ConflictError when it exists already. */
  createBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend>;
  /** Sets the portal's fields of an existing backend (server-side apply, no force). */
  applyBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend>;
  /** Merges annotations into an existing backend (JSON merge patch); `null` removes one. */
  annotateBackend(namespace: string, name: string, annotations: Record<string, string | null>): Promise<MobileBackend>;
  deleteBackend(namespace: string, name: string, options?: WriteOptions): Promise<void>;
  listEnvironments(): Promise<MobileEnvironment[]>;
  /** The namespace's FeatureFlagSets, or undefined when the cluster does not serve that kind. */
  listFeatureFlagSets(namespace: string): Promise<FeatureFlagSet[] | undefined>;
  /** Sets one flag's state in a FeatureFlagSet (JSON merge patch of `spec.flags.<flag>.state`). */
  setFlagState(namespace: string, set: string, flag: string, state: 'ENABLED' | 'DISABLED'): Promise<FeatureFlagSet>;
  getEnvironment(name: string): Promise<MobileEnvironment | undefined>;
  createEnvironment(
    manifest: MobileEnvironmentManifest['manifest'],
    options?: WriteOptions,
  ): Promise<MobileEnvironment>;
  deleteEnvironment(name: string, options?: WriteOptions): Promise<void>;
  /**
   * Watches both kinds until the returned function is called, re-listing and reconnecting with backoff when a watch
   * ends. `onChange` sees every change; `onResync` is called after each (re)list, so a watcher can treat it as the
   * moment to do a full refresh.
   */
  watch(handlers: {
    onChange(change: ResourceChange): void;
    onResync?(): void;
    onError?(error: Error): void;
  }): () => void;
}

/** The configured clusters; `get()` without a name is the first one. */
export interface MobileplaneClusters {
  list(): MobileplaneClusterClient[];
  /** NotFoundError when no cluster has that name. */
  get(name?: string): MobileplaneClusterClient;
}

import { CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, KINDS, VERSION } from '@mobileplane/api';
import type { FeatureFlagSet, MobileBackend, MobileEnvironment } from '@mobileplane/api';
import type {
  MobileBackendManifest,
  MobileEnvironmentManifest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { PORTAL_FIELD_MANAGER } from './cluster-client';
import type { MobileplaneClusterClient, ResourceChange, WriteOptions } from './cluster-client';
import type { MobileplaneClusterConfig } from './cluster-config';
import { toBackstageError } from './kube-errors';

const BACKENDS = KINDS.MobileBackend.plural;
const ENVIRONMENTS = KINDS.MobileEnvironment.plural;
const FLAG_SETS = KINDS.FeatureFlagSet.plural;

function kubeConfigFor(config: MobileplaneClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
  else kc.loadFromDefault();
  if (config.context) kc.setCurrentContext(config.context);
  return kc;
}

const dryRunParam = (options?: WriteOptions) => (options?.dryRun ? 'All' : undefined);

/** One cluster's mobileplane.io resources through @kubernetes/client-node. */
export class KubeClusterClient implements MobileplaneClusterClient {
  readonly config: MobileplaneClusterConfig;
  readonly #kc: KubeConfig;
  readonly #api: CustomObjectsApi;
  readonly #logger: LoggerService;

  constructor(config: MobileplaneClusterConfig, logger: LoggerService, kubeConfig?: KubeConfig) {
    this.config = config;
    this.#kc = kubeConfig ?? kubeConfigFor(config);
    this.#api = this.#kc.makeApiClient(CustomObjectsApi);
    this.#logger = logger.child({ cluster: config.name });
  }

  async #call<T>(what: string, call: () => Promise<unknown>): Promise<T> {
    try {
      return (await call()) as T;
    } catch (error) {
      throw toBackstageError(error, what);
    }
  }

  async listBackends(namespace?: string): Promise<MobileBackend[]> {
    const list = await this.#call<{ items: MobileBackend[] }>('MobileBackends', () =>
      namespace
        ? this.#api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: BACKENDS })
        : this.#api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: BACKENDS }),
    );
    return list.items;
  }

  async getBackend(namespace: string, name: string): Promise<MobileBackend | undefined> {
    try {
      return (await this.#api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: BACKENDS,
        name,
      })) as MobileBackend;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw toBackstageError(error, `MobileBackend ${namespace}/${name}`);
    }
  }

  async createBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend> {
    const { namespace, name } = manifest.metadata;
    if (await this.getBackend(namespace, name)) {
      throw new ConflictError(`MobileBackend ${namespace}/${name} already exists`);
    }
    return this.applyBackend(manifest, options);
  }

  applyBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend> {
    const { namespace, name } = manifest.metadata;
    return this.#call(`MobileBackend ${namespace}/${name}`, () =>
      this.#api.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: BACKENDS,
          name,
          body: manifest,
          fieldManager: PORTAL_FIELD_MANAGER,
          force: false,
          dryRun: dryRunParam(options),
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ),
    );
  }

  annotateBackend(namespace: string, name: string, annotations: Record<string, string | null>): Promise<MobileBackend> {
    return this.#call(`MobileBackend ${namespace}/${name}`, () =>
      this.#api.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: BACKENDS,
          name,
          body: { metadata: { annotations } },
          fieldManager: PORTAL_FIELD_MANAGER,
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async deleteBackend(namespace: string, name: string, options?: WriteOptions): Promise<void> {
    await this.#call(`MobileBackend ${namespace}/${name}`, () =>
      this.#api.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: BACKENDS,
        name,
        dryRun: dryRunParam(options),
      }),
    );
  }

  async listEnvironments(): Promise<MobileEnvironment[]> {
    const list = await this.#call<{ items: MobileEnvironment[] }>('MobileEnvironments', () =>
      this.#api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: ENVIRONMENTS }),
    );
    return list.items;
  }

  async listFeatureFlagSets(namespace: string): Promise<FeatureFlagSet[] | undefined> {
    try {
      const list = (await this.#api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: FLAG_SETS,
      })) as { items: FeatureFlagSet[] };
      return list.items;
    } catch (error) {
      // A 404 on a list means the API server does not serve the resource: the CRD is not installed.
      if ((error as { code?: number }).code === 404) return undefined;
      throw toBackstageError(error, 'FeatureFlagSets');
    }
  }

  setFlagState(namespace: string, set: string, flag: string, state: 'ENABLED' | 'DISABLED'): Promise<FeatureFlagSet> {
    // A merge patch of the one field: the set's other fields stay with whoever manages them (GitOps, kubectl).
    return this.#call(`FeatureFlagSet ${namespace}/${set}`, () =>
      this.#api.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: FLAG_SETS,
          name: set,
          body: { spec: { flags: { [flag]: { state } } } },
          fieldManager: PORTAL_FIELD_MANAGER,
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async getEnvironment(name: string): Promise<MobileEnvironment | undefined> {
    try {
      return (await this.#api.getClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: ENVIRONMENTS,
        name,
      })) as MobileEnvironment;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw toBackstageError(error, `MobileEnvironment ${name}`);
    }
  }

  async createEnvironment(
    manifest: MobileEnvironmentManifest['manifest'],
    options?: WriteOptions,
  ): Promise<MobileEnvironment> {
    const { name } = manifest.metadata;
    if (await this.getEnvironment(name)) throw new ConflictError(`MobileEnvironment ${name} already exists`);
    return this.#call(`MobileEnvironment ${name}`, () =>
      this.#api.patchClusterCustomObject(
        {
          group: GROUP,
          version: VERSION,
          plural: ENVIRONMENTS,
          name,
          body: manifest,
          fieldManager: PORTAL_FIELD_MANAGER,
          force: false,
          dryRun: dryRunParam(options),
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ),
    );
  }

  async deleteEnvironment(name: string, options?: WriteOptions): Promise<void> {
    await this.#call(`MobileEnvironment ${name}`, () =>
      this.#api.deleteClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: ENVIRONMENTS,
        name,
        dryRun: dryRunParam(options),
      }),
    );
  }

  watch(handlers: {
    onChange(change: ResourceChange): void;
    onResync?(): void;
    onError?(error: Error): void;
  }): () => void {
    let stopped = false;
    const controllers: AbortController[] = [];
    const watcher = new Watch(this.#kc);
    const watchKind = (kind: ResourceChange['kind'], plural: string, attempt = 0) => {
      if (stopped) return;
      const path = `/apis/${GROUP}/${VERSION}/${plural}`;
      const restart = (error?: unknown) => {
        if (stopped) return;
        if (error) handlers.onError?.(error instanceof Error ? error : new Error(String(error)));
        // Backoff 1 s doubling to 30 s; a watch that ended cleanly (server timeout) restarts at once.
        const delay = error ? Math.min(30_000, 1000 * 2 ** attempt) : 0;
        const timer = setTimeout(() => watchKind(kind, plural, error ? attempt + 1 : 0), delay);
        timer.unref?.();
      };
      // Each (re)start is a resync point: events between the list and the watch may have been missed.
      handlers.onResync?.();
      watcher
        .watch(
          path,
          { allowWatchBookmarks: false },
          (type, object) => {
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              handlers.onChange({ type, kind, object });
            }
          },
          (error) => restart(error),
        )
        .then((controller) => {
          if (stopped) controller.abort();
          else controllers.push(controller);
        })
        .catch((error) => restart(error));
    };
    watchKind('MobileBackend', BACKENDS);
    watchKind('MobileEnvironment', ENVIRONMENTS);
    this.#logger.debug('watching mobileplane.io resources');
    return () => {
      stopped = true;
      for (const controller of controllers) controller.abort();
    };
  }
}

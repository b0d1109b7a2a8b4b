import { validateMobileBackend, validateMobileEnvironment } from '@mobileplane/api';
import type {
  FeatureFlagSet,
  MobileBackend,
  MobileBackendStatus,
  MobileEnvironment,
  MobileEnvironmentStatus,
} from '@mobileplane/api';
import type {
  MobileBackendManifest,
  MobileEnvironmentManifest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { MobileplaneClusterClient, ResourceChange, WriteOptions } from '../cluster-client';
import type { MobileplaneClusterConfig } from '../cluster-config';
import { FieldValidationError } from '../kube-errors';

type Handlers = Parameters<MobileplaneClusterClient['watch']>[0];

/**
 * A cluster in memory for unit tests of the plugins: it validates with the same schemas the CRDs are generated from
 * (answering like the API server's 422 with field causes), applies defaults, counts generations, honours dry runs and
 * tells watchers. It is not Kubernetes: the integration suite runs the same routes against the local control plane.
 */
export class InMemoryClusterClient implements MobileplaneClusterClient {
  readonly config: MobileplaneClusterConfig;
  readonly #backends = new Map<string, MobileBackend>();
  readonly #environments = new Map<string, MobileEnvironment>();
  readonly #watchers = new Set<Handlers>();
  /** FeatureFlagSets by namespace; undefined until `serveFeatureFlagSets()` (the CRD is not installed). */
  #flagSets?: FeatureFlagSet[];
  #version = 1;

  constructor(config: Partial<MobileplaneClusterConfig> = {}) {
    this.config = { name: 'local', ...config };
  }

  #meta(previous: { metadata: { uid?: string; generation?: number; creationTimestamp?: string } } | undefined) {
    this.#version += 1;
    return {
      uid: previous?.metadata.uid ?? `uid-${this.#version}`,
      resourceVersion: String(this.#version),
      creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
    };
  }

  #emit(change: ResourceChange) {
    for (const watcher of this.#watchers) watcher.onChange(change);
  }

  async listBackends(namespace?: string): Promise<MobileBackend[]> {
    return [...this.#backends.values()].filter((b) => namespace === undefined || b.metadata.namespace === namespace);
  }

  async getBackend(namespace: string, name: string): Promise<MobileBackend | undefined> {
    return this.#backends.get(`${namespace}/${name}`);
  }

  async createBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend> {
    const { namespace, name } = manifest.metadata;
    if (this.#backends.has(`${namespace}/${name}`)) {
      throw new ConflictError(`MobileBackend ${namespace}/${name} already exists`);
    }
    return this.applyBackend(manifest, options);
  }

  async applyBackend(manifest: MobileBackendManifest['manifest'], options?: WriteOptions): Promise<MobileBackend> {
    const key = `${manifest.metadata.namespace}/${manifest.metadata.name}`;
    const previous = this.#backends.get(key);
    const result = validateMobileBackend(manifest);
    if (!result.valid) throw new FieldValidationError(`MobileBackend ${key} is invalid`, result.errors);
    const specChanged = JSON.stringify(previous?.spec) !== JSON.stringify(result.value.spec);
    const generation = (previous?.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    const stored: MobileBackend = {
      ...result.value,
      metadata: { ...previous?.metadata, ...result.value.metadata, ...this.#meta(previous), generation },
      status: previous?.status,
    };
    if (options?.dryRun) return stored;
    this.#backends.set(key, stored);
    this.#emit({ type: previous ? 'MODIFIED' : 'ADDED', kind: 'MobileBackend', object: stored });
    return stored;
  }

  async annotateBackend(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
  ): Promise<MobileBackend> {
    const previous = this.#backends.get(`${namespace}/${name}`);
    if (!previous) throw new NotFoundError(`MobileBackend ${namespace}/${name} not found`);
    // JSON merge patch (RFC 7386): null removes the key.
    const merged = Object.fromEntries(
      Object.entries({ ...previous.metadata.annotations, ...annotations }).filter(
        (entry): entry is [string, string] => entry[1] !== null,
      ),
    );
    const stored = { ...previous, metadata: { ...previous.metadata, ...this.#meta(previous), annotations: merged } };
    this.#backends.set(`${namespace}/${name}`, stored);
    this.#emit({ type: 'MODIFIED', kind: 'MobileBackend', object: stored });
    return stored;
  }

  async deleteBackend(namespace: string, name: string, options?: WriteOptions): Promise<void> {
    const previous = this.#backends.get(`${namespace}/${name}`);
    if (!previous) throw new NotFoundError(`MobileBackend ${namespace}/${name} not found`);
    if (options?.dryRun) return;
    this.#backends.delete(`${namespace}/${name}`);
    this.#emit({ type: 'DELETED', kind: 'MobileBackend', object: previous });
  }

  /** What the operator would write through the status subresource. */
  setBackendStatus(namespace: string, name: string, status: MobileBackendStatus): MobileBackend {
    const previous = this.#backends.get(`${namespace}/${name}`);
    if (!previous) throw new NotFoundError(`MobileBackend ${namespace}/${name} not found`);
    const stored = { ...previous, metadata: { ...previous.metadata, ...this.#meta(previous) }, status };
    this.#backends.set(`${namespace}/${name}`, stored);
    this.#emit({ type: 'MODIFIED', kind: 'MobileBackend', object: stored });
    return stored;
  }

  async listEnvironments(): Promise<MobileEnvironment[]> {
    return [...this.#environments.values()];
  }

  /** Installs the FeatureFlagSet kind with these sets (the operator's flag controller writes their status). */
  serveFeatureFlagSets(sets: FeatureFlagSet[]): void {
    this.#flagSets = sets;
  }

  async listFeatureFlagSets(namespace: string): Promise<FeatureFlagSet[] | undefined> {
    return this.#flagSets?.filter((set) => set.metadata.namespace === namespace);
  }

  async setFlagState(
    namespace: string,
    set: string,
    flag: string,
    state: 'ENABLED' | 'DISABLED',
  ): Promise<FeatureFlagSet> {
    const index = this.#flagSets?.findIndex((s) => s.metadata.namespace === namespace && s.metadata.name === set) ?? -1;
    const current = index >= 0 ? this.#flagSets?.[index] : undefined;
    if (!this.#flagSets || !current) throw new NotFoundError(`FeatureFlagSet ${namespace}/${set} not found`);
    const existing = current.spec.flags[flag];
    // As the API server would: the merge patch adds a flag without variants, which the schema refuses.
    if (!existing)
      throw new FieldValidationError('invalid FeatureFlagSet', [
        { field: `spec.flags.${flag}.variants`, message: 'Required' },
      ]);
    const updated = {
      ...current,
      spec: { ...current.spec, flags: { ...current.spec.flags, [flag]: { ...existing, state } } },
    };
    this.#flagSets[index] = updated;
    return updated;
  }

  async getEnvironment(name: string): Promise<MobileEnvironment | undefined> {
    return this.#environments.get(name);
  }

  async createEnvironment(
    manifest: MobileEnvironmentManifest['manifest'],
    options?: WriteOptions,
  ): Promise<MobileEnvironment> {
    const { name } = manifest.metadata;
    if (this.#environments.has(name)) throw new ConflictError(`MobileEnvironment ${name} already exists`);
    const result = validateMobileEnvironment(manifest);
    if (!result.valid) throw new FieldValidationError(`MobileEnvironment ${name} is invalid`, result.errors);
    const stored: MobileEnvironment = {
      ...result.value,
      metadata: { ...result.value.metadata, ...this.#meta(undefined), generation: 1 },
    };
    if (options?.dryRun) return stored;
    this.#environments.set(name, stored);
    this.#emit({ type: 'ADDED', kind: 'MobileEnvironment', object: stored });
    return stored;
  }

  async deleteEnvironment(name: string, options?: WriteOptions): Promise<void> {
    const previous = this.#environments.get(name);
    if (!previous) throw new NotFoundError(`MobileEnvironment ${name} not found`);
    if (options?.dryRun) return;
    this.#environments.delete(name);
    this.#emit({ type: 'DELETED', kind: 'MobileEnvironment', object: previous });
  }

  /** What the operator would write; the namespace defaults like the operator's (spec.namespace ?? name). */
  setEnvironmentStatus(name: string, status: MobileEnvironmentStatus): MobileEnvironment {
    const previous = this.#environments.get(name);
    if (!previous) throw new NotFoundError(`MobileEnvironment ${name} not found`);
    const stored = { ...previous, metadata: { ...previous.metadata, ...this.#meta(previous) }, status };
    this.#environments.set(name, stored);
    this.#emit({ type: 'MODIFIED', kind: 'MobileEnvironment', object: stored });
    return stored;
  }

  watch(handlers: Handlers): () => void {
    this.#watchers.add(handlers);
    handlers.onResync?.();
    return () => this.#watchers.delete(handlers);
  }
}

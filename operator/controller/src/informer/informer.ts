import type { Logger } from 'pino';
import { KubeApiError, type KubeClient } from '../kube/kube-client.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import type { ResourceKind } from '../kube/resource-kinds.ts';
import { sleep } from '../kube/sleep.ts';

export type InformerEventType = 'add' | 'update' | 'delete';
export type InformerHandler<T extends KubeObject> = (type: InformerEventType, object: T, old?: T) => void;

export interface InformerOptions<T extends KubeObject = KubeObject> {
  resource: ResourceKind;
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  /** Page size of a (re)list. */
  pageSize?: number;
  /** Server-side watch timeout; each watch picks a random value between this and twice this. */
  watchTimeoutSeconds?: number;
  /** A watch that sends nothing (not even a bookmark) for this long is considered dead and restarted. */
  idleMs?: number;
  /** Reconnect backoff: first delay, doubled per consecutive failure up to the max. */
  backoffMs?: { initial: number; max: number };
  /**
   * Shrinks an object before it is cached (and handed to handlers): drop what the operator never reads. The
   * default drops managedFields and kubectl's last-applied-configuration annotation.
   */
  transform?: (object: T) => T;
  logger: Logger;
  onRelist?: () => void;
  onWatchError?: () => void;
}

/**
 * A list+watch cache of one kind (client-go's reflector + store, written for the pitfalls of client-node's own
 * informer): paginated lists, resourceVersions kept as opaque strings, a re-list on 410 Gone, reconnects with
 * exponential backoff, a watchdog for silent watches, and handlers that are isolated from the watch loop (a
 * throwing handler is logged, never stops the informer). Handlers are meant to only enqueue keys.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly #client: KubeClient;
  readonly #options: InformerOptions<T>;
  readonly #transform: (object: T) => T;
  readonly #store = new Map<string, T>();
  readonly #handlers: InformerHandler<T>[] = [];
  readonly #synced: Promise<void>;
  #markSynced!: () => void;
  #hasSynced = false;
  #lastContact = Date.now();
  readonly #inFlight = new Map<string, number>();

  constructor(client: KubeClient, options: InformerOptions<T>) {
    this.#client = client;
    this.#options = options;
    this.#transform = options.transform ?? stripBookkeeping;
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  get resource(): ResourceKind {
    return this.#options.resource;
  }

  onEvent(handler: InformerHandler<T>): void {
    this.#handlers.push(handler);
  }

  get(key: string): T | undefined {
    return this.#store.get(key);
  }

  list(): T[] {
    return [...this.#store.values()];
  }

  get size(): number {
    return this.#store.size;
  }

  get hasSynced(): boolean {
    return this.#hasSynced;
  }

  /** Resolves after the first complete list. */
  synced(): Promise<void> {
    return this.#synced;
  }

  /** Milliseconds since the informer last heard from the API server. */
  silenceMs(): number {
    return Date.now() - this.#lastContact;
  }

  /**
   * Marks a write of `key` in flight (client-go's expectations): until `observeWrite` (or the returned release)
   * the watch still updates the cache but tells handlers nothing about that key, because the writer's reconcile
   * reads the cache after its write and a watch event can arrive before the write's own response.
   */
  expectWrite(key: string): () => void {
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, left);
    };
  }

  /**
   * Records an object the operator just wrote, so the next reconcile does not act on a stale copy before the
   * watch delivers it. Only replaces the cached copy the write was based on (`basedOn`), never a newer one.
   */
  observeWrite(object: T, basedOn: string | undefined): void {
    const key = objectKey(object);
    const cached = this.#store.get(key);
    if (cached === undefined || cached.metadata.resourceVersion === basedOn)
      this.#store.set(key, this.#transform(object));
  }

  /**
   * Lists and watches until `signal` aborts. A watch that ends normally (server timeout) resumes from the last
   * resourceVersion; 410 Gone re-lists at once; any other failure (403 while RBAC is being fixed, "too large
   * resource version", a dropped connection, a silent watch) re-lists after a jittered exponential backoff, as
   * client-go's reflector does: the cache may have missed events, and only a list repairs that.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.#options;
    const backoff = this.#options.backoffMs ?? { initial: 800, max: 30_000 };
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) resourceVersion = await this.#relist();
        resourceVersion = await this.#watch(resourceVersion, signal, () => (failures = 0));
      } catch (error) {
        if (signal.aborted) break;
        resourceVersion = undefined;
        if (error instanceof KubeApiError && error.code === 410) {
          logger.info({ resource: this.#options.resource.plural }, 'watch expired (410 Gone): re-listing');
          continue;
        }
        failures++;
        this.#options.onWatchError?.();
        const delay = Math.min(backoff.initial * 2 ** (failures - 1), backoff.max) * (0.8 + Math.random() * 0.4);
        logger.warn(
          { resource: this.#options.resource.plural, err: error, retryInMs: Math.round(delay) },
          'list/watch failed: re-listing after a backoff',
        );
        await sleep(delay, signal);
      }
    }
  }

  /** Watches until the server ends the watch; returns the resourceVersion to resume from. */
  async #watch(from: string, signal: AbortSignal, onContact: () => void): Promise<string> {
    const base = this.#options.watchTimeoutSeconds ?? 300;
    let resourceVersion = from;
    const events = this.#client.watch(this.#options.resource, {
      namespace: this.#options.namespace,
      labelSelector: this.#options.labelSelector,
      resourceVersion,
      timeoutSeconds: Math.round(base + Math.random() * base),
      idleMs: this.#options.idleMs ?? (base + 60) * 1000,
      signal,
    });
    for await (const event of events) {
      this.#lastContact = Date.now();
      onContact();
      if (event.type === 'ERROR') {
        const code = event.object.code ?? 500;
        throw new KubeApiError(code, event.object.reason ?? 'WatchError', event.object.message ?? 'watch error');
      }
      const object = event.object as T;
      if (object.metadata.resourceVersion) resourceVersion = object.metadata.resourceVersion;
      if (event.type === 'BOOKMARK') continue;
      const key = objectKey(object);
      const old = this.#store.get(key);
      if (event.type === 'DELETED') {
        this.#store.delete(key);
        this.#emit('delete', this.#transform(object));
      } else {
        // The echo of a write this process already recorded (observeWrite): nothing new to tell the handlers.
        if (old !== undefined && old.metadata.resourceVersion === object.metadata.resourceVersion) continue;
        const stripped = this.#transform(object);
        this.#store.set(key, stripped);
        if (this.#inFlight.has(key)) continue; // the echo of a write still in flight
        this.#emit(old === undefined ? 'add' : 'update', stripped, old);
      }
    }
    this.#lastContact = Date.now();
    return resourceVersion;
  }

  async #relist(): Promise<string> {
    this.#options.onRelist?.();
    const { items, resourceVersion } = await this.#client.list<T>(this.#options.resource, {
      namespace: this.#options.namespace,
      labelSelector: this.#options.labelSelector,
      limit: this.#options.pageSize ?? 500,
    });
    this.#lastContact = Date.now();
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.#store.get(key);
      if (old !== undefined && old.metadata.resourceVersion === item.metadata.resourceVersion) continue;
      const stripped = this.#transform(item);
      this.#store.set(key, stripped);
      if (old === undefined) this.#emit('add', stripped);
      else this.#emit('update', stripped, old);
    }
    for (const [key, old] of this.#store) {
      if (!seen.has(key)) {
        this.#store.delete(key);
        this.#emit('delete', old);
      }
    }
    if (!this.#hasSynced) {
      this.#hasSynced = true;
      this.#markSynced();
    }
    return resourceVersion;
  }

  #emit(type: InformerEventType, object: T, old?: T): void {
    for (const handler of this.#handlers) {
      try {
        handler(type, object, old);
      } catch (error) {
        this.#options.logger.error({ err: error, key: objectKey(object) }, 'informer handler threw');
      }
    }
  }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * managedFields are large and unused by the operator (dropping them roughly halves the cache); kubectl's
 * client-side apply keeps a second copy of the whole object in an annotation.
 */
export function stripBookkeeping<T extends KubeObject>(object: T): T {
  const { managedFields, annotations } = object.metadata;
  if (managedFields === undefined && annotations?.[LAST_APPLIED] === undefined) return object;
  const { managedFields: _, ...metadata } = object.metadata;
  if (annotations?.[LAST_APPLIED] !== undefined) {
    const { [LAST_APPLIED]: _last, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...object, metadata };
}

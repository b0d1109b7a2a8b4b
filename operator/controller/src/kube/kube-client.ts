import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { FIELD_MANAGER } from '../managed-labels.ts';
import type { KubeObject } from './kube-object.ts';
import { resourceKindOf, resourcePath, type ResourceKind } from './resource-kinds.ts';
import { sleep } from './sleep.ts';

/** Verbs as the API server's audit log and RBAC name them. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** Verbs that change state: a no-op reconcile must send none of them. */
export const WRITE_VERBS: ReadonlySet<Verb> = new Set(['create', 'update', 'patch', 'delete']);

export interface RequestObserver {
  (request: { verb: Verb; resource: string; code: number; seconds: number }): void;
}

/** A failed API request: `code` is the HTTP status (0 when the server could not be reached). */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly body: unknown;

  constructor(code: number, reason: string, message: string, body?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
    this.body = body;
  }
}

const PARTIAL_METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 404;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; the client follows `continue` tokens until the list is complete. */
  limit?: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

export interface KubeClientOptions {
  /** Counts every request (verb, resource, code, seconds). */
  observe?: RequestObserver;
  /** Most create/update/patch/delete requests in flight at once; more wait their turn (0: no cap). */
  maxConcurrentWrites?: number;
  /** Timeout of one request (a watch excepted). */
  requestTimeoutMs?: number;
  /** How often a request answered with 429 Too Many Requests is retried (after its Retry-After). */
  maxThrottleRetries?: number;
}

/** A counting semaphore: at most `limit` holders; the rest wait in order. */
class Semaphore {
  readonly #limit: number;
  readonly #waiting: (() => void)[] = [];
  #held = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#limit <= 0) return task();
    if (this.#held >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#held++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#held--;
    }
  }
}

/** Seconds (or an HTTP date) from a Retry-After header, as milliseconds; the API server sends whole seconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - now);
}

/**
 * A small REST client over the kubeconfig's transport (TLS, auth) that sends plain JSON. client-node's typed
 * models rename wire fields (`x-kubernetes-validations` → `x_kubernetes_validations`) and its generic object
 * API defaults to strategic merge, which custom resources reject; this client does neither (decision 0200).
 */
export class KubeClient {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #observe: RequestObserver;
  readonly #writes: Semaphore;
  readonly #timeoutMs: number;
  readonly #maxThrottleRetries: number;

  /**
   * Client-side flow control (client-go's, in short): at most `maxConcurrentWrites` writes in flight, and a 429
   * from the API server's priority and fairness is retried after its Retry-After, up to `maxThrottleRetries`
   * times, instead of failing the reconcile and re-sending at once.
   */
  constructor(kc: KubeConfig, options: KubeClientOptions | RequestObserver = {}) {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const o = typeof options === 'function' ? { observe: options } : options;
    this.#kc = kc;
    this.#server = cluster.server.replace(/\/$/, '');
    this.#observe = o.observe ?? (() => undefined);
    this.#writes = new Semaphore(o.maxConcurrentWrites ?? 0);
    this.#timeoutMs = o.requestTimeoutMs ?? 30_000;
    this.#maxThrottleRetries = o.maxThrottleRetries ?? 5;
  }

  async get<T extends KubeObject = KubeObject>(
    resource: ResourceKind,
    where: { namespace?: string | undefined; name: string },
  ): Promise<T | undefined> {
    try {
      return (await this.#request('get', resource, 'GET', resourcePath(resource, where))) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Reads only an object's metadata (PartialObjectMetadata): how the operator checks that a referenced Secret
   * exists without ever receiving its data.
   */
  async getMetadata(
    resource: ResourceKind,
    where: { namespace?: string | undefined; name: string },
  ): Promise<KubeObject | undefined> {
    try {
      return (await this.#request(
        'get',
        resource,
        'GET',
        resourcePath(resource, where),
        undefined,
        PARTIAL_METADATA,
      )) as KubeObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Lists every object, page by page; returns the items and the list's resourceVersion (for a watch). */
  async list<T extends KubeObject = KubeObject>(
    resource: ResourceKind,
    options: ListOptions = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams();
      query.set('limit', String(options.limit ?? 500));
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (continueToken) query.set('continue', continueToken);
      const path = `${resourcePath(resource, { namespace: options.namespace })}?${query}`;
      const page = (await this.#request('list', resource, 'GET', path)) as {
        items: T[];
        metadata: { resourceVersion: string; continue?: string };
      };
      // Lists omit each item's apiVersion/kind; put them back so items look like the objects a watch sends.
      for (const item of page.items) items.push({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
      continueToken = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (continueToken !== undefined);
    return { items, resourceVersion };
  }

  /**
   * Opens a watch from `resourceVersion` and yields its events until the server ends it, `signal` aborts it, or
   * `idleMs` passes without a byte (a silent watch is treated as a dead one).
   */
  async *watch(
    resource: ResourceKind,
    options: ListOptions & { resourceVersion: string; timeoutSeconds: number; idleMs: number; signal: AbortSignal },
  ): AsyncGenerator<WatchEvent> {
    const query = new URLSearchParams({
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: options.resourceVersion,
      timeoutSeconds: String(options.timeoutSeconds),
    });
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    const url = `${this.#server}${resourcePath(resource, { namespace: options.namespace })}?${query}`;
    const abort = new AbortController();
    const onAbort = () => abort.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    let body: Readable | undefined;
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => abort.abort(new Error(`watch silent for ${options.idleMs} ms`)), options.idleMs);
      idleTimer.unref();
    };
    try {
      resetIdle();
      const { headers, dispatcher } = await this.#auth(url, HttpMethod.GET);
      const response = await fetch(url, { headers, dispatcher, signal: abort.signal });
      this.#observe({ verb: 'watch', resource: resource.plural, code: response.status, seconds: 0 });
      if (response.status !== 200 || response.body === null) {
        throw await this.#error(response.status, await response.text(), 'watch', url);
      }
      body = Readable.fromWeb(response.body as WebReadableStream);
      // Aborting the request errors the stream; the loop below reports that, nothing else must throw.
      body.on('error', () => undefined);
      body.on('data', resetIdle);
      for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        yield JSON.parse(line) as WatchEvent;
      }
    } catch (error) {
      if (abort.signal.aborted && !options.signal.aborted) {
        throw new KubeApiError(0, 'Timeout', String(abort.signal.reason), undefined, { cause: error });
      }
      if (options.signal.aborted) return;
      throw error;
    } finally {
      clearTimeout(idleTimer);
      options.signal.removeEventListener('abort', onAbort);
      body?.destroy();
      abort.abort();
    }
  }

  /**
   * Server-side apply: sends the object as `application/apply-patch+yaml` (JSON is YAML) with the operator's
   * field manager, forcing conflicts on fields it owns. Returns the object as stored.
   */
  async apply<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options: { subresource?: 'status' } = {},
  ): Promise<T> {
    const resource = resourceKindOf(object);
    const path = resourcePath(resource, {
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      ...(options.subresource ? { subresource: options.subresource } : {}),
    });
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' });
    return (await this.#request('patch', resource, 'PATCH', `${path}?${query}`, {
      body: JSON.stringify(object),
      contentType: 'application/apply-patch+yaml',
    })) as T;
  }

  /** JSON merge patch (RFC 7386) of one object: `null` removes a field. */
  async mergePatch<T extends KubeObject = KubeObject>(
    object: { apiVersion: string; kind: string; metadata: { namespace?: string | undefined; name?: string } },
    patch: Record<string, unknown>,
  ): Promise<T> {
    const resource = resourceKindOf(object);
    const path = resourcePath(resource, { namespace: object.metadata.namespace, name: object.metadata.name });
    return (await this.#request('patch', resource, 'PATCH', path, {
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    })) as T;
  }

  async create<T extends KubeObject = KubeObject>(object: KubeObject): Promise<T> {
    const resource = resourceKindOf(object);
    const path = resourcePath(resource, { namespace: object.metadata.namespace });
    return (await this.#request('create', resource, 'POST', path, {
      body: JSON.stringify(object),
      contentType: 'application/json',
    })) as T;
  }

  /** Replaces an object; `metadata.resourceVersion` makes it a compare-and-swap (409 when stale). */
  async update<T extends KubeObject = KubeObject>(object: KubeObject): Promise<T> {
    const resource = resourceKindOf(object);
    const path = resourcePath(resource, { namespace: object.metadata.namespace, name: object.metadata.name });
    return (await this.#request('update', resource, 'PUT', path, {
      body: JSON.stringify(object),
      contentType: 'application/json',
    })) as T;
  }

  /** Deletes an object; a missing object counts as deleted. `uid` guards against deleting a successor. */
  async delete(
    object: { apiVersion: string; kind: string; metadata: { namespace?: string; name?: string; uid?: string } },
    options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
  ): Promise<void> {
    const resource = resourceKindOf(object);
    const path = resourcePath(resource, { namespace: object.metadata.namespace, name: object.metadata.name });
    const body: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy ?? 'Background',
    };
    if (object.metadata.uid) body.preconditions = { uid: object.metadata.uid };
    try {
      await this.#request('delete', resource, 'DELETE', path, {
        body: JSON.stringify(body),
        contentType: 'application/json',
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async #auth(
    url: string,
    method: HttpMethod,
  ): Promise<{ headers: Record<string, string>; dispatcher: Dispatcher | undefined }> {
    const ctx = new RequestContext(url, method);
    await this.#kc.applySecurityAuthentication(ctx);
    return { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() as Dispatcher | undefined };
  }

  async #request(
    verb: Verb,
    resource: ResourceKind,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    send?: { body: string; contentType: string },
    accept = 'application/json',
  ): Promise<unknown> {
    const once = () => this.#requestOnce(verb, resource, method, path, send, accept);
    for (let attempt = 0; ; attempt++) {
      const result = WRITE_VERBS.has(verb) ? await this.#writes.run(once) : await once();
      if (!('throttledMs' in result)) return result.body;
      if (attempt >= this.#maxThrottleRetries) throw result.error;
      // Wait outside the write slot: a throttled request must not hold back the others.
      await sleep(Math.min(result.throttledMs, 30_000));
    }
  }

  async #requestOnce(
    verb: Verb,
    resource: ResourceKind,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    send: { body: string; contentType: string } | undefined,
    accept: string,
  ): Promise<{ body: unknown } | { throttledMs: number; error: KubeApiError }> {
    const url = `${this.#server}${path}`;
    const started = performance.now();
    let code = 0;
    try {
      const { headers, dispatcher } = await this.#auth(url, HttpMethod[method]);
      headers.Accept = accept;
      if (send) headers['Content-Type'] = send.contentType;
      const response = await fetch(url, {
        method,
        headers,
        dispatcher,
        ...(send ? { body: send.body } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      code = response.status;
      const text = await response.text();
      if (code === 429) {
        return {
          throttledMs: retryAfterMs(response.headers.get('retry-after')),
          error: await this.#error(code, text, method, path),
        };
      }
      if (code < 200 || code >= 300) throw await this.#error(code, text, method, path);
      return { body: text === '' ? undefined : JSON.parse(text) };
    } catch (error) {
      if (error instanceof KubeApiError) throw error;
      throw new KubeApiError(0, 'ConnectionFailed', `${method} ${path}: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    } finally {
      this.#observe({ verb, resource: resource.plural, code, seconds: (performance.now() - started) / 1000 });
    }
  }

  async #error(code: number, text: string, method: string, path: string): Promise<KubeApiError> {
    let body: unknown = text;
    let reason = 'Unknown';
    let message = text.slice(0, 500);
    try {
      const status = JSON.parse(text) as { reason?: string; message?: string };
      body = status;
      reason = status.reason ?? reason;
      message = status.message ?? message;
    } catch {
      // not a Status object: keep the raw text
    }
    return new KubeApiError(code, reason, `${method} ${path}: ${code} ${reason}: ${message}`, body);
  }
}

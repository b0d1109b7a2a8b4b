import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { ReconcileError } from '../controller/reconcile-error.ts';
import type { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { controllerUid, objectKey, type KubeObject } from '../kube/kube-object.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import { firstDifference } from './apply-diff.ts';

/** Annotation holding a hash of the desired object the operator last applied (decision 0201). */
export const APPLIED_HASH_ANNOTATION = 'mobileplane.io/applied-hash';

/** Kinds applied before others: a Namespace before what lives in it; a Deployment after its ConfigMap and SA. */
const WAVE: Record<string, number> = { Namespace: 0, Deployment: 2, HorizontalPodAutoscaler: 3 };

export interface ApplyOutcome {
  applied: KubeObject[];
  unchanged: number;
  /** The live version of every desired object, after the apply. */
  live: KubeObject[];
}

/**
 * Applies desired objects with server-side apply, but only those whose live copy (from the informer cache)
 * differs in a field the operator sets or carries another applied-hash; prunes owned objects no longer desired.
 */
export class ObjectApplier {
  readonly #client: KubeClient;
  readonly #informers: ReadonlyMap<string, Informer>;
  readonly #metrics: OperatorMetrics;
  readonly #controller: string;

  constructor(options: {
    client: KubeClient;
    informers: ReadonlyMap<string, Informer>;
    metrics: OperatorMetrics;
    controller: string;
  }) {
    this.#client = options.client;
    this.#informers = options.informers;
    this.#metrics = options.metrics;
    this.#controller = options.controller;
  }

  /** Cached live copy of an object the operator owns, by kind and key. */
  live(kind: string, key: string): KubeObject | undefined {
    return this.#informers.get(kind)?.get(key);
  }

  /** Every cached object of one owned kind. */
  cached(kind: string): KubeObject[] {
    return this.#informers.get(kind)?.list() ?? [];
  }

  async apply(desired: readonly KubeObject[], logger: Logger): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: [], unchanged: 0, live: [] };
    const waves = new Map<number, KubeObject[]>();
    for (const object of desired) {
      const wave = WAVE[object.kind] ?? 1;
      waves.set(wave, [...(waves.get(wave) ?? []), withAppliedHash(object)]);
    }
    for (const wave of [...waves.keys()].sort()) {
      await Promise.all(
        (waves.get(wave) ?? []).map(async (object) => {
          const informer = this.#informers.get(object.kind);
          const cached = informer?.get(objectKey(object));
          const difference = cached === undefined ? 'missing' : firstDifference(object, cached);
          if (difference === undefined && cached !== undefined) {
            outcome.unchanged++;
            outcome.live.push(cached);
            return;
          }
          logger.debug({ kind: object.kind, name: object.metadata.name, difference }, 'applying');
          const release = informer?.expectWrite(objectKey(object));
          try {
            const stored = await this.#client.apply(object);
            informer?.observeWrite(stored, cached?.metadata.resourceVersion);
            release?.();
            outcome.applied.push(stored);
            outcome.live.push(stored);
            this.#metrics.objectWrites.inc({ controller: this.#controller, kind: object.kind, action: 'apply' });
          } catch (error) {
            release?.();
            throw new ReconcileError(
              'ApplyFailed',
              `applying ${object.kind} ${objectKey(object)}: ${(error as Error).message}`,
              { cause: error },
            );
          }
        }),
      );
    }
    return outcome;
  }

  /**
   * Deletes objects of the watched kinds that `owner` controls (owner reference uid) and that are not in
   * `desired`. The uid check means an object is only ever pruned by the resource that created it.
   */
  async prune(
    owner: KubeObject,
    desired: readonly KubeObject[],
    inScope: (object: KubeObject) => boolean,
    logger: Logger,
  ): Promise<KubeObject[]> {
    const wanted = new Set(desired.map((o) => `${o.kind}/${objectKey(o)}`));
    const stale = selectStale(
      owner,
      [...this.#informers.values()].flatMap((i) => i.list()),
      wanted,
      inScope,
    );
    for (const object of stale) {
      logger.info({ kind: object.kind, name: object.metadata.name }, 'pruning object no longer desired');
      try {
        await this.#client.delete(object);
        this.#metrics.objectWrites.inc({ controller: this.#controller, kind: object.kind, action: 'delete' });
      } catch (error) {
        throw new ReconcileError(
          'PruneFailed',
          `deleting ${object.kind} ${objectKey(object)}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    return stale;
  }
}

/** Pure core of prune: owned by this owner's uid, in scope, not desired, not already being deleted. */
export function selectStale(
  owner: KubeObject,
  candidates: readonly KubeObject[],
  wanted: ReadonlySet<string>,
  inScope: (object: KubeObject) => boolean,
): KubeObject[] {
  return candidates.filter(
    (object) =>
      controllerUid(object, owner.kind) === owner.metadata.uid &&
      object.metadata.deletionTimestamp === undefined &&
      inScope(object) &&
      !wanted.has(`${object.kind}/${objectKey(object)}`),
  );
}

/** The object with an annotation hashing its own content: any change to what the operator sets changes it. */
export function withAppliedHash(object: KubeObject): KubeObject {
  const hash = createHash('sha256').update(stableStringify(object)).digest('hex').slice(0, 16);
  return {
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } },
  };
}

/** JSON with object keys sorted, so equal objects hash equally whatever order they were built in. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

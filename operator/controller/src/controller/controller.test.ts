import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Informer, InformerEventType, InformerHandler } from '../informer/informer.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import { OperatorMetrics } from '../observability/operator-metrics.ts';
import { Controller, specOrMetadataChanged, type Reconciler } from './controller.ts';
import { ReconcileError } from './reconcile-error.ts';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls `check` every 10 ms for up to 5 s (a loaded machine may be slow; the assertions that follow decide). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
}

/** The two things a Controller uses of an informer: its handlers and its cached list. */
class InformerDouble {
  readonly objects = new Map<string, KubeObject>();
  readonly #handlers: InformerHandler<KubeObject>[] = [];
  onEvent(handler: InformerHandler<KubeObject>): void {
    this.#handlers.push(handler);
  }
  list(): KubeObject[] {
    return [...this.objects.values()];
  }
  emit(type: InformerEventType, object: KubeObject, old?: KubeObject): void {
    this.objects.set(objectKey(object), object);
    for (const handler of this.#handlers) handler(type, object, old);
  }
  as(): Informer {
    return this as unknown as Informer;
  }
}

const backend = (name: string, generation = 1): KubeObject => ({
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileBackend',
  metadata: { name, namespace: 'ns', generation, resourceVersion: String(generation) },
});
const deployment = (owner: string, rv: number, patch: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: `${owner}-api`,
    namespace: 'ns',
    resourceVersion: String(rv),
    generation: 1,
    ownerReferences: [{ apiVersion: 'x', kind: 'MobileBackend', name: owner, uid: 'u', controller: true }],
  },
  spec: { replicas: 1 },
  ...patch,
});
const ownerKey = (o: KubeObject) => [`ns/${o.metadata.ownerReferences?.[0]?.name}`];

function harness(
  reconcile: (key: string) => void | Promise<void>,
  options: { resyncMs?: number; related?: Parameters<Controller['watchRelated']>[2] } = {},
) {
  const counts = new Map<string, number>();
  const reconciler: Reconciler = {
    reconcile: async ({ key }) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      await reconcile(key);
      return undefined;
    },
  };
  const metrics = new OperatorMetrics();
  const controller = new Controller({
    name: 'test',
    reconciler,
    concurrency: 2,
    resyncMs: options.resyncMs ?? 0,
    coalesceMs: 50,
    rateLimiter: { baseDelayMs: 10, maxDelayMs: 100, qps: 1_000, burst: 1_000 },
    metrics,
    logger,
  });
  const primary = new InformerDouble();
  const children = new InformerDouble();
  controller.watchPrimary(primary.as(), objectKey);
  controller.watchRelated(children.as(), ownerKey, options.related);
  const stop = new AbortController();
  const running = controller.run(stop.signal);
  return {
    primary,
    children,
    counts,
    triggers: async () =>
      (await metrics.reconcileTriggers.get()).values.map((v) => `${v.labels.trigger}:${v.value}`).sort(),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    stop: async () => (stop.abort(), await running),
  };
}

describe('Controller', () => {
  it('ignores status-only updates of related objects (another controller writing their status)', async () => {
    const h = harness(() => undefined);
    const old = deployment('a', 1);
    h.children.emit('add', old);
    await until(() => h.total() === 1);
    expect(h.total()).toBe(1);
    expect(await h.triggers()).toEqual(['event:1']);
    h.children.emit('update', { ...old, metadata: { ...old.metadata, resourceVersion: '2' }, status: { x: 1 } }, old);
    await sleep(100);
    expect(h.total()).toBe(1);
    h.children.emit('update', deployment('a', 3, { spec: { replicas: 5 } }), old);
    await until(() => h.total() === 2);
    expect(h.total()).toBe(2);
    await h.stop();
  });

  it('coalesces a burst of related updates into one reconcile', async () => {
    const h = harness(() => undefined);
    let previous = deployment('a', 1);
    for (let rv = 2; rv <= 6; rv++) {
      const next = deployment('a', rv, { spec: { replicas: rv } });
      h.children.emit('update', next, previous);
      previous = next;
    }
    await until(() => h.counts.get('ns/a') === 1);
    await sleep(150);
    expect(h.counts.get('ns/a')).toBe(1);
    await h.stop();
  });

  it('reconciles every key exactly once per idle resync', async () => {
    const h = harness(() => undefined, { resyncMs: 200 });
    for (const name of ['a', 'b', 'c']) h.primary.objects.set(`ns/${name}`, backend(name));
    await sleep(300);
    expect([...h.counts.entries()].sort()).toEqual([
      ['ns/a', 1],
      ['ns/b', 1],
      ['ns/c', 1],
    ]);
    expect(await h.triggers()).toEqual(['resync:3']);
    await h.stop();
  });

  it('does not retry a terminal failure on resync, only after the object changes', async () => {
    const h = harness(
      (key) => {
        if (key === 'ns/bad') throw new ReconcileError('InvalidSpec', 'spec.x: wrong');
      },
      { resyncMs: 100 },
    );
    h.primary.emit('add', backend('bad'));
    await until(() => h.counts.get('ns/bad') === 1);
    await sleep(450);
    expect(h.counts.get('ns/bad')).toBe(1);
    h.primary.emit('update', backend('bad', 2), backend('bad'));
    await until(() => h.counts.get('ns/bad') === 2);
    expect(h.counts.get('ns/bad')).toBe(2);
    await h.stop();
  });
});

describe('Controller related-object options', () => {
  const replicas = (o: KubeObject) => (o.spec as { replicas: number }).replicas;
  const related = {
    changed: (old: KubeObject, o: KubeObject) => replicas(old) === 0 || replicas(o) === 0,
    progressed: (old: KubeObject, o: KubeObject) => replicas(old) !== replicas(o),
    relevant: (o: KubeObject) => replicas(o) !== 7,
  };

  it('lets progress wait (PROGRESS_DELAY_MS) and folds it into a sooner reconcile', async () => {
    const h = harness(() => undefined, { related });
    h.children.emit('update', deployment('a', 2, { spec: { replicas: 2 } }), deployment('a', 1));
    await sleep(300);
    expect(h.total()).toBe(0);
    h.children.emit(
      'update',
      deployment('a', 3, { spec: { replicas: 0 } }),
      deployment('a', 2, { spec: { replicas: 2 } }),
    );
    await until(() => h.total() === 1);
    await sleep(200);
    expect(h.total()).toBe(1);
    await h.stop();
  });

  it('ignores adds and deletes that are not relevant', async () => {
    const h = harness(() => undefined, { related });
    h.children.emit('add', deployment('a', 1, { spec: { replicas: 7 } }));
    h.children.emit('delete', deployment('b', 1, { spec: { replicas: 7 } }));
    h.children.emit('add', deployment('c', 1));
    await until(() => h.total() === 1);
    await sleep(200);
    expect([...h.counts.keys()]).toEqual(['ns/c']);
    await h.stop();
  });
});

describe('specOrMetadataChanged', () => {
  it('is false for status and bookkeeping, true for spec, labels and deletion', () => {
    const a = deployment('a', 1);
    expect(
      specOrMetadataChanged(a, { ...a, status: { ready: 1 }, metadata: { ...a.metadata, resourceVersion: '9' } }),
    ).toBe(false);
    expect(specOrMetadataChanged(a, { ...a, spec: { replicas: 2 } })).toBe(true);
    expect(specOrMetadataChanged(a, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } })).toBe(true);
    expect(specOrMetadataChanged(a, { ...a, metadata: { ...a.metadata, deletionTimestamp: 'now' } })).toBe(true);
  });
});

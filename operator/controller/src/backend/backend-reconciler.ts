import { validateMobileBackendSpec, type ComponentName, type MobileBackendSpec } from '@mobileplane/api';
import type { ObjectApplier } from '../apply/object-applier.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { ReconcileError, asReconcileError } from '../controller/reconcile-error.ts';
import { step } from '../controller/reconcile-step.ts';
import { validSpec } from '../controller/valid-spec.ts';
import { writeStatus } from '../controller/status-writer.ts';
import type { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject, PodToleration } from '../kube/kube-object.ts';
import { resourceKind } from '../kube/resource-kinds.ts';
import { managedLabels } from '../managed-labels.ts';
import { backendObjects, componentObjectName, enabledComponents } from './backend-objects.ts';
import { backendConditions, backendStatusFields, componentHealth, type ComponentHealth } from './backend-status.ts';
import { podFailure } from './pod-failures.ts';
import { secretReferences } from './secret-references.ts';

/**
 * A component that has not been Available for this long gets its pods read: a container stuck in
 * ErrImagePull, CrashLoopBackOff or the like makes the backend Degraded instead of Progressing forever (the
 * Deployment itself only says so at its progress deadline). Until then the backend is re-checked this often.
 */
export const STUCK_COMPONENT_AFTER_MS = 10_000;

export interface BackendReconcilerOptions {
  client: KubeClient;
  backends: Informer;
  applier: ObjectApplier;
  events: EventRecorder;
  defaultImage: string;
  podTolerations: readonly PodToleration[];
  /** The components' pods (cached: identity, labels, waiting reasons). */
  pods: Informer;
}

/**
 * Reconciles one MobileBackend: get → validate → check secrets → build → apply → prune → check health →
 * status. Level-triggered: every run computes the whole desired state from the spec and the caches, so a
 * missed event or a restart mid-way only delays convergence.
 */
export class BackendReconciler implements Reconciler {
  readonly #o: BackendReconcilerOptions;

  constructor(options: BackendReconcilerOptions) {
    this.#o = options;
  }

  async reconcile(ctx: ReconcileContext): Promise<ReconcileResult | undefined> {
    const backend = await step(ctx, 'get', () => this.#o.backends.get(ctx.key));
    // Deleted: owner references let the garbage collector remove every child; nothing to do here.
    if (backend === undefined || backend.metadata.deletionTimestamp !== undefined) return undefined;
    let health: ComponentHealth[] = [];
    let spec: MobileBackendSpec | undefined;
    try {
      spec = await step(ctx, 'validate', () => validSpec(backend, validateMobileBackendSpec));
      const validSpecValue = spec;
      await step(ctx, 'check-secrets', () => this.#checkSecrets(backend, validSpecValue));
      const desired = await step(ctx, 'build', () =>
        backendObjects({
          backend,
          spec: validSpecValue,
          defaultImage: this.#o.defaultImage,
          podTolerations: this.#o.podTolerations,
        }),
      );
      const applied = await step(ctx, 'apply', () => this.#o.applier.apply(desired, ctx.logger));
      const pruned = await step(ctx, 'prune', () =>
        this.#o.applier.prune(backend, desired, (o) => o.metadata.namespace === backend.metadata.namespace, ctx.logger),
      );
      if (applied.applied.length > 0 || pruned.length > 0) {
        ctx.logger.info(
          { applied: applied.applied.length, unchanged: applied.unchanged, pruned: pruned.length },
          'reconciled',
        );
      }
      health = await step(ctx, 'check-health', () => this.#health(backend, validSpecValue));
      health = await step(ctx, 'check-pods', () => this.#podFailures(backend, health));
      await step(ctx, 'status', () => this.#status(backend, validSpecValue, health, undefined));
      // Pods are watched (a container getting stuck re-queues the backend); one that got stuck before its
      // component was unavailable for STUCK_COMPONENT_AFTER_MS is looked at again when that time has come.
      const due = health
        .filter((h) => !h.available && h.failure === undefined && h.unavailableSince !== undefined)
        .filter((h) => podFailure(this.#componentPods(backend, h.component)) !== undefined)
        .map((h) => (h.unavailableSince ?? 0) + STUCK_COMPONENT_AFTER_MS - Date.now());
      return due.length > 0 ? { requeueAfterMs: Math.max(100, Math.min(...due)) } : undefined;
    } catch (thrown) {
      const error = asReconcileError(thrown);
      await step(ctx, 'status', () => this.#status(backend, spec, health, error)).catch((statusError: unknown) =>
        ctx.logger.warn({ err: statusError }, 'writing the Degraded status failed'),
      );
      throw error;
    }
  }

  async #checkSecrets(backend: KubeObject, spec: MobileBackendSpec): Promise<void> {
    const refs = secretReferences(spec, new Set(enabledComponents(spec)));
    const secrets = resourceKind('Secret');
    const missing: string[] = [];
    for (const ref of refs) {
      const found = await this.#o.client.getMetadata(secrets, {
        namespace: backend.metadata.namespace,
        name: ref.secret,
      });
      if (found === undefined) missing.push(`Secret ${ref.secret} (${ref.field})`);
    }
    if (missing.length > 0) {
      throw new ReconcileError(
        'SecretNotFound',
        `${missing.join(', ')} not found in namespace ${backend.metadata.namespace}`,
      );
    }
  }

  #health(backend: KubeObject, spec: MobileBackendSpec): ComponentHealth[] {
    const name = backend.metadata.name ?? '';
    return enabledComponents(spec).map((component) =>
      componentHealth(
        component,
        this.#o.applier.live('Deployment', `${backend.metadata.namespace}/${componentObjectName(name, component)}`),
      ),
    );
  }

  /** Reads the pods of components unavailable for STUCK_COMPONENT_AFTER_MS and records a stuck container. */
  #podFailures(backend: KubeObject, health: ComponentHealth[]): ComponentHealth[] {
    const now = Date.now();
    return health.map((h) => {
      if (h.available || h.failure !== undefined || h.unavailableSince === undefined) return h;
      if (now - h.unavailableSince < STUCK_COMPONENT_AFTER_MS) return h;
      const failure = podFailure(this.#componentPods(backend, h.component));
      return failure === undefined ? h : { ...h, failure: failure.message, failureReason: failure.reason };
    });
  }

  /** A component's pods, from the pod cache. */
  #componentPods(backend: KubeObject, component: ComponentName): KubeObject[] {
    const labels = managedLabels({ name: backend.metadata.name ?? '', component });
    return this.#o.pods
      .list()
      .filter(
        (pod) =>
          pod.metadata.namespace === backend.metadata.namespace &&
          Object.entries(labels).every(([k, v]) => pod.metadata.labels?.[k] === v),
      );
  }

  async #status(
    backend: KubeObject,
    spec: MobileBackendSpec | undefined,
    health: ComponentHealth[],
    error: ReconcileError | undefined,
  ): Promise<void> {
    const previous = (backend.status ?? {}) as Record<string, unknown>;
    const fields =
      spec !== undefined && error === undefined
        ? backendStatusFields(health, spec.runtime.version)
        : { components: previous.components, rollout: previous.rollout ?? { phase: 'Stable' } };
    await writeStatus({
      client: this.#o.client,
      informer: this.#o.backends,
      events: this.#o.events,
      object: backend,
      fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      conditions: backendConditions(health, error),
    });
  }
}

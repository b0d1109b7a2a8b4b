import { validateMobileEnvironmentSpec } from '@mobileplane/api';
import type { ObjectApplier } from '../apply/object-applier.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../controller/controller.ts';
import type { ConditionUpdate } from '../controller/conditions.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { ReconcileError, asReconcileError } from '../controller/reconcile-error.ts';
import { step } from '../controller/reconcile-step.ts';
import { validSpec } from '../controller/valid-spec.ts';
import { writeStatus } from '../controller/status-writer.ts';
import type { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { controllerUid, type KubeObject } from '../kube/kube-object.ts';
import { resourceKind } from '../kube/resource-kinds.ts';
import { QUOTA_NAME, environmentNamespace, environmentObjects } from './environment-objects.ts';
import { uncoveredQuotaResources } from './quota-readiness.ts';
import { ENVIRONMENT_FINALIZER, deletionStep } from './environment-deletion.ts';
import { ENVIRONMENT_OWNED_KINDS } from './environment-owned-kinds.ts';

export interface EnvironmentReconcilerOptions {
  client: KubeClient;
  environments: Informer;
  applier: ObjectApplier;
  events: EventRecorder;
}

/**
 * Reconciles one MobileEnvironment: get → finalizer → validate → claim namespace → build → apply → prune → check
 * quota → status; a deleted one: its deletion policy, then release the finalizer. Ready waits for the quota
 * controller to enforce every quota resource (QuotaPending), so a client that waits for Ready can create a
 * MobileBackend at once. The operator never adopts a Namespace someone else created (terminal
 * NamespaceConflict): taking it over would let a MobileEnvironment delete another team's namespace through
 * garbage collection.
 */
export class EnvironmentReconciler implements Reconciler {
  readonly #o: EnvironmentReconcilerOptions;

  constructor(options: EnvironmentReconcilerOptions) {
    this.#o = options;
  }

  async reconcile(ctx: ReconcileContext): Promise<ReconcileResult | undefined> {
    const environment = await step(ctx, 'get', () => this.#o.environments.get(ctx.key));
    if (environment === undefined) return undefined;
    if (environment.metadata.deletionTimestamp !== undefined) {
      return step(ctx, 'delete', () => this.#finalize(environment));
    }
    let namespace: string | undefined;
    try {
      await step(ctx, 'finalizer', () => this.#setFinalizer(environment, true));
      const spec = await step(ctx, 'validate', () => validSpec(environment, validateMobileEnvironmentSpec));
      namespace = environmentNamespace(environment, spec);
      const ns = namespace;
      await step(ctx, 'claim-namespace', () => this.#claimNamespace(environment, ns));
      const desired = await step(ctx, 'build', () => environmentObjects(environment, spec));
      const applied = await step(ctx, 'apply', () => this.#o.applier.apply(desired, ctx.logger));
      const pruned = await step(ctx, 'prune', () =>
        this.#o.applier.prune(environment, desired, () => true, ctx.logger),
      );
      if (applied.applied.length > 0 || pruned.length > 0) {
        ctx.logger.info(
          { applied: applied.applied.length, unchanged: applied.unchanged, pruned: pruned.length },
          'reconciled',
        );
      }
      const pending = await step(ctx, 'check-quota', () => this.#uncoveredQuota(ns, desired));
      const notDegraded = {
        type: 'Degraded',
        status: 'False',
        reason: 'NotDegraded',
        message: 'The last reconcile succeeded.',
      } as const;
      const ready: ConditionUpdate =
        pending.length > 0
          ? {
              type: 'Ready',
              status: 'False',
              reason: 'QuotaPending',
              message: `ResourceQuota ${QUOTA_NAME} does not enforce ${pending.join(', ')} yet (the quota controller has not counted them): creating them would be refused.`,
            }
          : {
              type: 'Ready',
              status: 'True',
              reason: 'NamespaceReady',
              message: `Namespace ${ns} with quota, limits, default-deny network policies and ${spec.groups?.length ?? 0} group bindings is applied.`,
            };
      // No requeue while the quota is pending: its status change re-queues the environment.
      await step(ctx, 'status', () => this.#status(environment, ns, [ready, notDegraded]));
      return undefined;
    } catch (thrown) {
      const error = asReconcileError(thrown);
      await this.#status(environment, namespace, [
        { type: 'Ready', status: 'False', reason: error.reason, message: error.message },
        { type: 'Degraded', status: 'True', reason: error.reason, message: error.message },
      ]).catch((statusError: unknown) => ctx.logger.warn({ err: statusError }, 'writing the Degraded status failed'));
      throw error;
    }
  }

  /**
   * Deletion policy (decision 0704): Block waits while MobileBackends remain in the namespace (condition
   * Terminating names them, re-checked every 10 s); Retain removes the owner references from the namespace and
   * the guardrails so garbage collection leaves them; Delete lets it delete them. Then the finalizer goes.
   */
  async #finalize(environment: KubeObject): Promise<ReconcileResult | undefined> {
    if (!(environment.metadata.finalizers as string[] | undefined)?.includes(ENVIRONMENT_FINALIZER)) return undefined;
    const namespace = (environment.status as { namespace?: string } | undefined)?.namespace;
    const backends =
      namespace === undefined
        ? []
        : (await this.#o.client.list(resourceKind('MobileBackend'), { namespace })).items.map(
            (b) => b.metadata.name ?? '',
          );
    const next = deletionStep(environment, backends);
    if (next.action === 'wait') {
      const shown = next.backends.slice(0, 10).join(', ') + (next.backends.length > 10 ? ', …' : '');
      await this.#status(environment, namespace, [
        {
          type: 'Terminating',
          status: 'True',
          reason: 'BackendsRemaining',
          message: `Deletion is blocked while ${next.backends.length} MobileBackends remain in namespace ${namespace}: ${shown}. Delete them, or set spec.deletionPolicy to Delete or Retain.`,
        },
      ]);
      return { requeueAfterMs: 10_000 };
    }
    if (next.action === 'orphan-then-release') {
      const owner = environment.metadata.uid;
      for (const kind of ENVIRONMENT_OWNED_KINDS) {
        for (const object of this.#o.applier.cached(kind)) {
          if (controllerUid(object, 'MobileEnvironment') !== owner) continue;
          await this.#o.client.mergePatch(object, { metadata: { ownerReferences: null } });
        }
      }
    }
    await this.#setFinalizer(environment, false);
    return undefined;
  }

  /** Adds or removes the operator's finalizer with server-side apply (other finalizers are left alone). */
  async #setFinalizer(environment: KubeObject, present: boolean): Promise<void> {
    const has = (environment.metadata.finalizers as string[] | undefined)?.includes(ENVIRONMENT_FINALIZER) ?? false;
    if (has === present) return;
    const stored = await this.#o.client.apply({
      apiVersion: environment.apiVersion,
      kind: environment.kind,
      metadata: { name: environment.metadata.name, ...(present ? { finalizers: [ENVIRONMENT_FINALIZER] } : {}) },
    });
    this.#o.environments.observeWrite(stored, environment.metadata.resourceVersion);
  }

  #uncoveredQuota(namespace: string, desired: readonly KubeObject[]): string[] {
    const quota = desired.find((o) => o.kind === 'ResourceQuota' && o.metadata.name === QUOTA_NAME);
    const hard = ((quota?.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {}) as Record<string, string>;
    return uncoveredQuotaResources(this.#o.applier.live('ResourceQuota', `${namespace}/${QUOTA_NAME}`), hard);
  }

  async #claimNamespace(environment: KubeObject, name: string): Promise<void> {
    if (this.#o.applier.live('Namespace', name) !== undefined) return;
    const existing = await this.#o.client.getMetadata(resourceKind('Namespace'), { name });
    if (existing === undefined) return;
    if (controllerUid(existing, 'MobileEnvironment') !== environment.metadata.uid) {
      throw new ReconcileError(
        'NamespaceConflict',
        `namespace ${name} exists and is not managed by this MobileEnvironment`,
      );
    }
  }

  async #status(environment: KubeObject, namespace: string | undefined, conditions: ConditionUpdate[]): Promise<void> {
    await writeStatus({
      client: this.#o.client,
      informer: this.#o.environments,
      events: this.#o.events,
      object: environment,
      fields: namespace !== undefined ? { namespace } : {},
      conditions,
    });
  }
}

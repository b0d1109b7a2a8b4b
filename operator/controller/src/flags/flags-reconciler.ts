import { validateFeatureFlagSet, type FeatureFlagSetSpec } from '@mobileplane/api';
import type { ObjectApplier } from '../apply/object-applier.ts';
import type { Reason } from '../controller/condition-reasons.ts';
import type { ConditionUpdate, Condition } from '../controller/conditions.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/event-recorder.ts';
import { step } from '../controller/reconcile-step.ts';
import { writeStatus } from '../controller/status-writer.ts';
import type { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { controllerReference, parseKey, type KubeObject } from '../kube/kube-object.ts';
import { metaTime } from '../kube/meta-time.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, labelValue } from '../managed-labels.ts';
import { deliveryCondition, type PodRevision } from './delivery-probe.ts';
import {
  flagConfigRevision,
  renderFlagConfiguration,
  type RenderedConfiguration,
} from './flag-configuration-render.ts';
import { flagdProblem, type FlagdProblem } from './flagd-validation.ts';
import { FLAGS_FILE_KEY, flagsConfigMapName } from './flags-mount.ts';
import { nextKillSwitchState, type KillSwitchState } from './kill-switch-state.ts';

/** Annotation with the revision on the ConfigMap, for humans and `kubectl get -o yaml`. */
export const FLAGS_REVISION_ANNOTATION = 'mobileplane.io/flags-revision';
/** How often delivery is checked again while some api pod has not caught up. */
export const DELIVERY_RECHECK_MS = 5_000;

/** Labels of the flags ConfigMap; a name of its own keeps it out of the backend controller's caches and prune. */
export function flagsLabels(backend: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'mobileplane-flags',
    'app.kubernetes.io/instance': labelValue(backend),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  };
}

export interface FlagsReconcilerOptions {
  client: KubeClient;
  sets: Informer;
  backends: Informer;
  applier: ObjectApplier;
  events: EventRecorder;
  /** Revisions the backend's ready api pods serve (delivery-probe.ts). */
  servedRevisions: (namespace: string, backend: string) => Promise<PodRevision[]>;
}

interface Judged {
  set: KubeObject;
  spec: FeatureFlagSetSpec | undefined;
  problem: (FlagdProblem & { reason: Reason }) | undefined;
  killSwitch: KillSwitchState | undefined;
}

/**
 * Reconciles the flags of one MobileBackend (key `namespace/backend`): every FeatureFlagSet that references it
 * → validate (CRD rules, then flagd's schema and targeting compilation) → kill-switch state from the backend's
 * rollout status → merge the accepted sets into one flagd document → apply it as the ConfigMap the api pods
 * mount → read back the revision the pods serve → status of every set (Accepted, Delivered, KillSwitchEngaged,
 * counts per state) and Events for kill-switch and acceptance changes.
 */
export class FlagsReconciler implements Reconciler {
  readonly #o: FlagsReconcilerOptions;

  constructor(options: FlagsReconcilerOptions) {
    this.#o = options;
  }

  async reconcile(ctx: ReconcileContext): Promise<ReconcileResult | undefined> {
    const { namespace = '', name: backendName } = parseKey(ctx.key);
    const sets = this.#o.sets
      .list()
      .filter(
        (set) =>
          set.metadata.namespace === namespace &&
          set.metadata.deletionTimestamp === undefined &&
          (set.spec as { backendRef?: { name?: string } } | undefined)?.backendRef?.name === backendName,
      );
    const backend = this.#o.backends.get(ctx.key);
    const now = metaTime();
    const rollout = (backend?.status as { rollout?: { phase?: string; stableVersion?: string } } | undefined)?.rollout;
    const judged = await step(ctx, 'validate', () =>
      sets.map((set) => judge(set, backend === undefined ? undefined : rollout, now)),
    );
    if (backend === undefined || backend.metadata.deletionTimestamp !== undefined) {
      for (const j of judged) {
        j.problem ??= {
          field: 'spec.backendRef.name',
          message: `MobileBackend ${backendName} not found in namespace ${namespace}`,
          reason: 'BackendNotFound',
        };
      }
      await step(ctx, 'status', () => this.#statuses(judged, undefined, undefined));
      return undefined;
    }
    // A backend that never had a flag set gets no ConfigMap (and no pod probe); one whose last set was deleted
    // gets an empty document, so apps stop seeing the deleted flags.
    if (
      sets.length === 0 &&
      this.#o.applier.live('ConfigMap', `${namespace}/${flagsConfigMapName(backendName)}`) === undefined
    ) {
      return undefined;
    }
    const accepted = judged.filter((j) => j.problem === undefined && j.spec !== undefined);
    const rendered = renderFlagConfiguration(
      accepted.map((j) => ({
        name: j.set.metadata.name ?? '',
        spec: j.spec as FeatureFlagSetSpec,
        killSwitch: j.killSwitch?.reason,
      })),
    );
    for (const j of judged) {
      const conflict = rendered.conflicts.get(j.set.metadata.name ?? '');
      if (conflict !== undefined) j.problem = { ...conflict, reason: 'FlagKeyConflict' };
    }
    await step(ctx, 'apply', () => this.#o.applier.apply([configMap(backend, rendered)], ctx.logger));
    const observed = await step(ctx, 'check-delivery', () => this.#o.servedRevisions(namespace, backendName));
    const delivery = deliveryCondition(rendered.revision, observed);
    await step(ctx, 'status', () => this.#statuses(judged, rendered, delivery));
    return delivery.status === 'True' || judged.every((j) => j.problem !== undefined)
      ? undefined
      : { requeueAfterMs: DELIVERY_RECHECK_MS };
  }

  async #statuses(
    judged: readonly Judged[],
    rendered: RenderedConfiguration | undefined,
    delivery: ReturnType<typeof deliveryCondition> | undefined,
  ): Promise<void> {
    for (const j of judged) {
      const { set, spec, problem, killSwitch } = j;
      const flags = Object.values(spec?.flags ?? {});
      const switched = problem === undefined ? (rendered?.killSwitched.get(set.metadata.name ?? '') ?? 0) : 0;
      const conditions: ConditionUpdate[] = [
        problem === undefined
          ? { type: 'Accepted', status: 'True', reason: 'FlagsAccepted', message: `${flags.length} flag(s) accepted` }
          : {
              type: 'Accepted',
              status: 'False',
              reason: problem.reason,
              message: `${problem.field}: ${problem.message}`,
            },
        problem === undefined && delivery !== undefined
          ? { type: 'Delivered', ...delivery }
          : { type: 'Delivered', status: 'False', reason: 'NotAccepted', message: 'the set is not served' },
        killSwitch === undefined
          ? { type: 'KillSwitchEngaged', status: 'False', reason: 'KillSwitchReleased', message: 'kill switches off' }
          : {
              type: 'KillSwitchEngaged',
              status: 'True',
              reason: killSwitch.reason,
              message: `${(spec?.killSwitches ?? []).map((k) => `${k.flag}=${k.variant}`).join(', ')} served to everyone: the rollout of the backend ${killSwitch.reason === 'RolloutAborted' ? 'was aborted' : 'was rolled back'}`,
            },
      ];
      const before = (set.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
      await writeStatus({
        client: this.#o.client,
        informer: this.#o.sets,
        events: this.#o.events,
        object: set,
        fields: {
          flags: {
            total: flags.length,
            enabled: flags.filter((f) => f.state === 'ENABLED').length,
            disabled: flags.filter((f) => f.state === 'DISABLED').length,
            killSwitched: switched,
          },
          ...(rendered === undefined || problem !== undefined ? {} : { revision: rendered.revision }),
          ...(killSwitch === undefined ? {} : { killSwitch }),
        },
        conditions,
      });
      await this.#events(set, before, conditions);
    }
  }

  /** Events for what a flag editor or an SRE must see: a refusal, and the kill switch going on or off. */
  async #events(set: KubeObject, before: readonly Condition[], after: readonly ConditionUpdate[]): Promise<void> {
    for (const condition of after) {
      const previous = before.find((c) => c.type === condition.type);
      if (previous?.status === condition.status && previous.reason === condition.reason) continue;
      if (condition.type === 'Accepted' && condition.status === 'False') {
        this.#o.events.record(set, 'Warning', condition.reason, condition.message);
      } else if (condition.type === 'KillSwitchEngaged' && condition.status === 'True') {
        this.#o.events.record(set, 'Warning', condition.reason, condition.message);
      } else if (condition.type === 'KillSwitchEngaged' && previous?.status === 'True') {
        this.#o.events.record(set, 'Normal', 'KillSwitchReleased', 'kill switches off: a new rollout succeeded');
      }
    }
  }
}

/** Validation and kill-switch state of one set; pure. */
function judge(set: KubeObject, rollout: { phase?: string; stableVersion?: string } | undefined, now: string): Judged {
  const previous = (set.status as { killSwitch?: KillSwitchState } | undefined)?.killSwitch;
  const result = validateFeatureFlagSet(set);
  if (!result.valid) {
    const first = result.errors[0];
    return {
      set,
      spec: undefined,
      problem: { field: first?.field ?? 'spec', message: first?.message ?? 'invalid', reason: 'InvalidFlags' },
      killSwitch: previous,
    };
  }
  const spec = result.value.spec;
  const problem = flagdProblem({
    flags: spec.flags,
    ...(spec.$evaluators === undefined ? {} : { $evaluators: spec.$evaluators }),
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
  });
  return {
    set,
    spec,
    problem: problem === undefined ? undefined : { ...problem, reason: 'InvalidFlags' },
    killSwitch: nextKillSwitchState(previous, rollout, now),
  };
}

/** The ConfigMap the backend's api pods mount: the merged flag document and its revision. */
export function configMap(backend: KubeObject, rendered: RenderedConfiguration): KubeObject {
  const name = backend.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: flagsConfigMapName(name),
      namespace: backend.metadata.namespace,
      labels: flagsLabels(name),
      annotations: { [FLAGS_REVISION_ANNOTATION]: rendered.revision },
      ownerReferences: [controllerReference(backend)],
    },
    data: { [FLAGS_FILE_KEY]: rendered.text },
  };
}

export { flagConfigRevision };

import type { Informer } from '../informer/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { metaTime } from '../kube/meta-time.ts';
import { stableStringify } from '../apply/object-applier.ts';
import type { EventRecorder } from './event-recorder.ts';
import { REASONS, type Reason } from './condition-reasons.ts';
import { mergeConditions, transitions, type Condition, type ConditionUpdate } from './conditions.ts';

/**
 * Writes a custom resource's status through the status subresource (server-side apply, the operator's field
 * manager owns the whole status), only when it differs from the cached one, and records an Event for every
 * condition that changed status or reason.
 */
export async function writeStatus(options: {
  client: KubeClient;
  informer: Informer;
  events: EventRecorder;
  object: KubeObject;
  fields: Record<string, unknown>;
  conditions: readonly ConditionUpdate[];
  now?: string;
}): Promise<boolean> {
  const { object } = options;
  const current = (object.status ?? {}) as { conditions?: Condition[] };
  const generation = object.metadata.generation;
  const conditions = mergeConditions(current.conditions, options.conditions, generation, options.now ?? metaTime());
  const next = { ...options.fields, observedGeneration: generation, conditions };
  if (stableStringify(next) === stableStringify(current)) return false;
  const stored = await options.client.apply(
    {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata.name,
        ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      },
      status: next,
    },
    { subresource: 'status' },
  );
  options.informer.observeWrite(stored, object.metadata.resourceVersion);
  for (const { condition, previous } of transitions(current.conditions, conditions)) {
    const event = eventFor(condition, previous);
    // Events are best effort and asynchronous (client-go's broadcaster): a reconcile never waits for one.
    if (event !== undefined) options.events.record(stored, event.type, condition.reason as Reason, event.message);
  }
  return true;
}

/**
 * Which condition transitions become Events: every change of Ready (unless caused by a failure); Degraded turning True (a Warning with the
 * failure's reason) and turning False again (recovered). Progressing repeats Ready and gets none.
 */
export function eventFor(
  condition: Condition,
  previous: Condition | undefined,
): { type: 'Normal' | 'Warning'; message: string } | undefined {
  if (condition.type === 'Ready') {
    // A failure's reason is reported once, by Degraded.
    const severity = REASONS[condition.reason as Reason]?.severity ?? 'info';
    return severity === 'info' ? { type: 'Normal', message: condition.message } : undefined;
  }
  if (condition.type === 'Degraded' && condition.status === 'True')
    return { type: 'Warning', message: condition.message };
  if (condition.type === 'Degraded' && previous?.status === 'True')
    return { type: 'Normal', message: `Recovered: ${condition.message}` };
  return undefined;
}

import type { Reason } from './condition-reasons.ts';

/** metav1.Condition as stored in status.conditions. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ConditionUpdate {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: Reason;
  message: string;
}

/**
 * Merges condition updates into the current list (meta.SetStatusCondition): `lastTransitionTime` only moves
 * when the status changes, so re-computing identical conditions yields an identical list and no write.
 */
export function mergeConditions(
  current: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  generation: number | undefined,
  now: string,
): Condition[] {
  const merged = [...(current ?? [])];
  for (const update of updates) {
    const index = merged.findIndex((c) => c.type === update.type);
    const previous = index >= 0 ? merged[index] : undefined;
    const next: Condition = {
      type: update.type,
      status: update.status,
      reason: update.reason,
      message: truncate(update.message),
      lastTransitionTime:
        previous !== undefined && previous.status === update.status ? previous.lastTransitionTime : now,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
    if (index >= 0) merged[index] = next;
    else merged.push(next);
  }
  return merged;
}

/** Conditions whose status changed between two lists: each becomes an Event. */
export function transitions(
  before: readonly Condition[] | undefined,
  after: readonly Condition[],
): { condition: Condition; previous: Condition | undefined }[] {
  return after
    .map((condition) => ({ condition, previous: before?.find((c) => c.type === condition.type) }))
    .filter(({ condition, previous }) => previous?.status !== condition.status || previous.reason !== condition.reason);
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function truncate(message: string): string {
  return message.length > 32_000 ? `${message.slice(0, 31_997)}...` : message;
}

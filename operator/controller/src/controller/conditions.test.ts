import { describe, expect, it } from 'vitest';
import { mergeConditions, transitions, type Condition } from './conditions.ts';

const t0 = '2025-01-01T00:00:00Z';
const t1 = '2025-01-01T00:05:00Z';

describe('mergeConditions', () => {
  const ready: Condition = {
    type: 'Ready',
    status: 'False',
    reason: 'ComponentsProgressing',
    message: 'm',
    lastTransitionTime: t0,
    observedGeneration: 1,
  };

  it('adds a new condition stamped now', () => {
    expect(
      mergeConditions([], [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'ok' }], 2, t1),
    ).toEqual([
      {
        type: 'Ready',
        status: 'True',
        reason: 'Reconciled',
        message: 'ok',
        lastTransitionTime: t1,
        observedGeneration: 2,
      },
    ]);
  });

  it('keeps lastTransitionTime when the status does not change', () => {
    const [merged] = mergeConditions(
      [ready],
      [{ type: 'Ready', status: 'False', reason: 'ComponentsProgressing', message: 'm2' }],
      1,
      t1,
    );
    expect(merged?.lastTransitionTime).toBe(t0);
    expect(merged?.message).toBe('m2');
  });

  it('moves lastTransitionTime when the status changes', () => {
    const [merged] = mergeConditions(
      [ready],
      [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'ok' }],
      1,
      t1,
    );
    expect(merged?.lastTransitionTime).toBe(t1);
  });

  it('is idempotent: merging the same update twice gives equal lists', () => {
    const update = [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'ok' }] as const;
    const once = mergeConditions([ready], update, 1, t1);
    expect(mergeConditions(once, update, 1, '2030-01-01T00:00:00Z')).toEqual(once);
  });
});

describe('transitions', () => {
  it('reports changed status or reason only', () => {
    const before: Condition[] = [
      { type: 'Ready', status: 'False', reason: 'ComponentsProgressing', message: '', lastTransitionTime: t0 },
      { type: 'Degraded', status: 'False', reason: 'NotDegraded', message: '', lastTransitionTime: t0 },
    ];
    const after: Condition[] = [
      { type: 'Ready', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: t1 },
      { type: 'Degraded', status: 'False', reason: 'NotDegraded', message: 'other', lastTransitionTime: t0 },
    ];
    expect(transitions(before, after).map((t) => t.condition.type)).toEqual(['Ready']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Condition } from './conditions.ts';
import { eventFor } from './status-writer.ts';

const c = (type: string, status: Condition['status'], reason: string): Condition => ({
  type,
  status,
  reason,
  message: 'm',
  lastTransitionTime: '2025-01-01T00:00:00Z',
});

describe('eventFor', () => {
  it.each([
    ['Ready becomes True', c('Ready', 'True', 'Reconciled'), c('Ready', 'False', 'ComponentsProgressing'), 'Normal'],
    ['Ready appears False while progressing', c('Ready', 'False', 'ComponentsProgressing'), undefined, 'Normal'],
    [
      'Ready turns False from a failure',
      c('Ready', 'False', 'SecretNotFound'),
      c('Ready', 'True', 'Reconciled'),
      undefined,
    ],
    ['Degraded turns True', c('Degraded', 'True', 'SecretNotFound'), c('Degraded', 'False', 'NotDegraded'), 'Warning'],
    ['Degraded appears False', c('Degraded', 'False', 'NotDegraded'), undefined, undefined],
    ['Degraded recovers', c('Degraded', 'False', 'NotDegraded'), c('Degraded', 'True', 'ApplyFailed'), 'Normal'],
    ['Progressing changes', c('Progressing', 'True', 'ComponentsProgressing'), undefined, undefined],
  ])('%s', (_name, condition, previous, type) => {
    expect(eventFor(condition, previous)?.type).toBe(type);
  });
});

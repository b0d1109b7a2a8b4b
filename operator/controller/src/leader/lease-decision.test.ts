import { describe, expect, it } from 'vitest';
import { microTime } from '../kube/meta-time.ts';
import { decideLease, type LeaseSpec, type Observation } from './lease-decision.ts';

const me = 'me';
const held: LeaseSpec = { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: 'r1', leaseTransitions: 2 };
const seen = (atMs: number, renewTime = 'r1'): Observation => ({
  holderIdentity: 'other',
  renewTime,
  observedAtMs: atMs,
});

describe('decideLease', () => {
  it.each<[string, LeaseSpec | undefined, Observation | undefined, number, ReturnType<typeof decideLease>['action']]>([
    ['no lease yet', undefined, undefined, 0, 'acquire'],
    ['released lease (empty holder)', { holderIdentity: '', leaseTransitions: 3 }, undefined, 0, 'acquire'],
    ['we hold it', { ...held, holderIdentity: me }, undefined, 0, 'renew'],
    ['held, first seen now', held, undefined, 100_000, 'wait'],
    ['held, renewed 5 s ago by our clock', held, seen(95_000), 100_000, 'wait'],
    ['held, silent for a full duration', held, seen(85_000), 100_000, 'acquire'],
    ['held, renewTime moved since we looked', held, seen(0, 'r0'), 100_000, 'wait'],
  ])('%s → %s', (_name, spec, observation, now, expected) => {
    expect(decideLease(spec, me, observation, now, 15_000).action).toBe(expected);
  });

  it('counts a transition only when taking over from another holder', () => {
    expect(decideLease(held, me, seen(0), 100_000, 15_000)).toEqual({ action: 'acquire', transitions: 3 });
    expect(decideLease({ holderIdentity: '', leaseTransitions: 3 }, me, undefined, 0, 15_000)).toEqual({
      action: 'acquire',
      transitions: 3,
    });
  });
});

describe('microTime', () => {
  it('has six fractional digits', () => {
    expect(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe('2025-01-02T03:04:05.678000Z');
  });
});

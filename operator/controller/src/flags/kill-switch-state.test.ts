import { describe, expect, it } from 'vitest';
import { nextKillSwitchState, type KillSwitchState } from './kill-switch-state.ts';

const NOW = '2026-11-30T12:00:00Z';
const engaged: KillSwitchState = {
  engagedAt: '2026-11-30T11:00:00Z',
  reason: 'RolloutAborted',
  stableVersion: '1.0.0',
};

describe('nextKillSwitchState', () => {
  it.each([
    ['never rolled out', undefined, undefined, undefined],
    ['stable, off', undefined, { phase: 'Stable', stableVersion: '1.0.0' }, undefined],
    ['a rollout in progress does not engage', undefined, { phase: 'Progressing', stableVersion: '1.0.0' }, undefined],
    [
      'an abort engages',
      undefined,
      { phase: 'Aborted', stableVersion: '1.0.0' },
      { engagedAt: NOW, reason: 'RolloutAborted', stableVersion: '1.0.0' },
    ],
    [
      'a failed analysis engages',
      undefined,
      { phase: 'RolledBack', stableVersion: '1.0.0' },
      { engagedAt: NOW, reason: 'RolloutRolledBack', stableVersion: '1.0.0' },
    ],
    ['still aborted: unchanged (no new timestamp)', engaged, { phase: 'Aborted', stableVersion: '1.0.0' }, engaged],
    ['the next rollout progressing keeps them on', engaged, { phase: 'Progressing', stableVersion: '1.0.0' }, engaged],
    ['back to Stable on the old version keeps them on', engaged, { phase: 'Stable', stableVersion: '1.0.0' }, engaged],
    ['a rollout that succeeded turns them off', engaged, { phase: 'Stable', stableVersion: '1.1.0' }, undefined],
  ] as const)('%s', (_title, previous, rollout, expected) => {
    expect(nextKillSwitchState(previous, rollout, NOW)).toEqual(expected);
  });
});

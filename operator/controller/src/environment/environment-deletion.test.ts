import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { deletionStep } from './environment-deletion.ts';

const environment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileEnvironment',
  metadata: { name: 'rides', deletionTimestamp: '2026-01-01T00:00:00Z' },
  spec,
});

describe('deletionStep', () => {
  it.each([
    ['prod defaults to Block: waits while backends remain', { tier: 'prod', team: 't' }, ['b', 'a'], 'wait'],
    ['prod with no backends left is released', { tier: 'prod', team: 't' }, [], 'release'],
    ['dev defaults to Delete', { tier: 'dev', team: 't' }, ['a'], 'release'],
    [
      'Retain orphans the namespace',
      { tier: 'prod', team: 't', deletionPolicy: 'Retain' },
      ['a'],
      'orphan-then-release',
    ],
    ['Delete in prod deletes everything', { tier: 'prod', team: 't', deletionPolicy: 'Delete' }, ['a'], 'release'],
    ['Block in dev waits', { tier: 'dev', team: 't', deletionPolicy: 'Block' }, ['a'], 'wait'],
    ['an unreadable spec is treated as Block', {}, ['a'], 'wait'],
  ])('%s', (_title, spec, backends, action) => {
    expect(deletionStep(environment(spec), backends).action).toBe(action);
  });

  it('names the remaining backends, sorted', () => {
    expect(deletionStep(environment({ tier: 'prod', team: 't' }), ['b', 'a'])).toEqual({
      action: 'wait',
      backends: ['a', 'b'],
    });
  });
});

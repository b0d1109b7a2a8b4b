import { orderConditions, readiness } from './readiness';
import type { ResourceCondition, ResourceStatusView } from './resource-status';

function backend(
  conditions: ResourceCondition[] | undefined,
  generation = 2,
  observedGeneration = 2,
): ResourceStatusView {
  return {
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'MobileBackend',
    metadata: { name: 'shop', namespace: 'team-a', generation },
    status: conditions && { observedGeneration, conditions },
  };
}

describe('readiness', () => {
  it.each([
    ['Ready=True', backend([{ type: 'Ready', status: 'True', reason: 'Available' }]), 'Ready', 'Available'],
    [
      'Ready=False',
      backend([{ type: 'Ready', status: 'False', reason: 'RolloutFailed' }]),
      'NotReady',
      'RolloutFailed',
    ],
    ['Ready=Unknown', backend([{ type: 'Ready', status: 'Unknown', reason: 'Pending' }]), 'Unknown', 'Pending'],
    ['no Ready condition', backend([{ type: 'Progressing', status: 'True' }]), 'Unknown', undefined],
    ['no status at all', backend(undefined), 'Unknown', undefined],
    [
      'Ready=True for an older generation',
      backend([{ type: 'Ready', status: 'True', reason: 'Available' }], 3, 2),
      'Reconciling',
      'GenerationNotObserved',
    ],
    [
      "the condition's own observedGeneration wins",
      backend([{ type: 'Ready', status: 'True', reason: 'Available', observedGeneration: 3 }], 3, 2),
      'Ready',
      'Available',
    ],
  ])('%s', (_name, resource, state, reason) => {
    const result = readiness(resource);
    expect(result.state).toBe(state);
    expect(result.reason).toBe(reason);
  });
});

describe('orderConditions', () => {
  it('puts Ready first and keeps the operator order for the rest', () => {
    const types = orderConditions([
      { type: 'Progressing', status: 'True' },
      { type: 'Degraded', status: 'False' },
      { type: 'Ready', status: 'True' },
    ]).map((c) => c.type);
    expect(types).toEqual(['Ready', 'Progressing', 'Degraded']);
  });
});

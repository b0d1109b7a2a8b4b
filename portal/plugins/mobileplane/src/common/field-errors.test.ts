import { messageFor, specErrorSchema } from './field-errors';

describe('field errors', () => {
  it('nest spec errors the way the form expects and leave the rest out', () => {
    expect(
      specErrorSchema([
        { field: 'spec.runtime.version', message: 'must be an image tag' },
        { field: 'spec.rollout.steps[1].weight', message: 'too big' },
        { field: 'spec.rollout.steps[1].weight', message: 'must increase' },
        { field: 'spec', message: 'is required' },
        { field: 'metadata.name', message: 'bad name' },
      ]),
    ).toEqual({
      __errors: ['is required'],
      runtime: { version: { __errors: ['must be an image tag'] } },
      rollout: { steps: { 1: { weight: { __errors: ['too big', 'must increase'] } } } },
    });
  });

  it('joins the messages of one field', () => {
    const errors = [
      { field: 'metadata.name', message: 'a' },
      { field: 'metadata.name', message: 'b' },
    ];
    expect(messageFor(errors, 'metadata.name')).toBe('a; b');
    expect(messageFor(errors, 'metadata.namespace')).toBeUndefined();
  });
});

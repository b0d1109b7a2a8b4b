import { describe, expect, it } from 'vitest';
import { planKeySchedule } from './key-schedule.ts';

const minute = 60_000;
const policy = { rotationIntervalMs: 60 * minute, prePublishMs: 10 * minute, retainAfterRetireMs: 20 * minute };

describe('planKeySchedule', () => {
  it.each([
    {
      name: 'bootstraps a key that signs at once when there is none',
      keys: [],
      now: 0,
      expected: { signing: undefined, published: [], create: { signsFrom: 0 }, prune: [] },
    },
    {
      name: 'keeps signing with the only key before rotation is due',
      keys: [{ kid: 'a', signsFrom: 0 }],
      now: 49 * minute,
      expected: { signing: 'a', published: ['a'], create: undefined, prune: [] },
    },
    {
      name: 'creates the successor prePublish before it is due',
      keys: [{ kid: 'a', signsFrom: 0 }],
      now: 50 * minute,
      expected: { signing: 'a', published: ['a'], create: { signsFrom: 60 * minute }, prune: [] },
    },
    {
      name: 'never lets a late successor sign before it was published for prePublish',
      keys: [{ kid: 'a', signsFrom: 0 }],
      now: 200 * minute,
      expected: { signing: 'a', published: ['a'], create: { signsFrom: 210 * minute }, prune: [] },
    },
    {
      name: 'publishes a pending key next to the signing one',
      keys: [
        { kid: 'a', signsFrom: 0 },
        { kid: 'b', signsFrom: 60 * minute },
      ],
      now: 55 * minute,
      expected: { signing: 'a', published: ['a', 'b'], create: undefined, prune: [] },
    },
    {
      name: 'switches at signsFrom and keeps the retired key published',
      keys: [
        { kid: 'a', signsFrom: 0 },
        { kid: 'b', signsFrom: 60 * minute },
      ],
      now: 79 * minute,
      expected: { signing: 'b', published: ['a', 'b'], create: undefined, prune: [] },
    },
    {
      name: 'prunes a retired key once its last token has expired',
      keys: [
        { kid: 'a', signsFrom: 0 },
        { kid: 'b', signsFrom: 60 * minute },
      ],
      now: 80 * minute,
      expected: { signing: 'b', published: ['b'], create: undefined, prune: ['a'] },
    },
  ])('$name', ({ keys, now, expected }) => {
    expect(planKeySchedule(keys, now, policy)).toEqual(expected);
  });
});

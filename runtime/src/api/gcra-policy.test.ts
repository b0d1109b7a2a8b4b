import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcraStep } from './gcra-policy.ts';

describe('gcraStep', () => {
  it('admits exactly the limit in a burst, then says when to retry', () => {
    const policy = { limit: 3, windowMs: 60_000 };
    let tat: number | undefined;
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const step = gcraStep(tat, 1_000, policy);
      expect(step.decision.allowed).toBe(true);
      remaining.push(step.decision.remaining);
      tat = step.tat;
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = gcraStep(tat, 1_000, policy);
    expect(refused.decision).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 20, resetSeconds: 60 });
    expect(refused.tat).toBe(tat);
    expect(gcraStep(tat, 21_000, policy).decision.allowed).toBe(true);
  });

  it('never admits more than limit + elapsed/interval requests (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_000, max: 120_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (limit, windowMs, gaps) => {
          let now = 0;
          let tat: number | undefined;
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            const step = gcraStep(tat, now, { limit, windowMs });
            tat = step.tat;
            if (step.decision.allowed) admitted++;
          }
          return admitted <= limit + Math.floor(now / (windowMs / limit));
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { testNamespaceName, waitFor } from './test-namespace.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('testNamespaceName', () => {
  it('is a valid, unique namespace name', () => {
    const names = new Set(Array.from({ length: 100 }, () => testNamespaceName('smoke')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(DNS1123_LABEL);
  });
});

describe('waitFor', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    await expect(waitFor('third call', async () => (++calls === 3 ? 'done' : undefined), 5_000)).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('fails with what it waited for and the last error', async () => {
    const failing = waitFor(
      'something impossible',
      async () => {
        throw new Error('still broken');
      },
      300,
    );
    await expect(failing).rejects.toThrow(/something impossible/);
    await failing.catch((error: Error) => expect((error.cause as Error).message).toBe('still broken'));
  });
});

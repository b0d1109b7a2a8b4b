import { describe, expect, it } from 'vitest';
import { PasswordHasher, checkPasswordPolicy } from './password-hasher.ts';

// Lowered parameters keep the unit test quick; production defaults are in auth-config.ts.
const params = { memoryCostKiB: 256, timeCost: 1, parallelism: 1 };

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(params, 'p'.repeat(32));

  it('hashes with argon2id and verifies only the right password and pepper', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
    expect(stored).not.toContain('correct');
    expect(await hasher.verify(stored, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse batterx')).toBe(false);
    expect(await new PasswordHasher(params, 'q'.repeat(32)).verify(stored, 'correct horse battery')).toBe(false);
  });

  it('does the work for unknown accounts and says no', async () => {
    expect(await hasher.verify(undefined, 'anything')).toBe(false);
  });

  it('flags hashes made with other parameters', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(new PasswordHasher({ ...params, timeCost: 2 }, 'p'.repeat(32)).needsRehash(stored)).toBe(true);
  });
});

describe('checkPasswordPolicy', () => {
  it.each([
    ['short', 'abc', 'must be at least 10 characters'],
    ['repeated', 'aaaaaaaaaaaa', 'is too common'],
    ['contains the email local part', 'alice-secret-1', 'must not contain the email'],
    ['fine', 'purple monkey dishwasher', undefined],
  ])('%s', (_name, password, expected) => {
    expect(checkPasswordPolicy(password, 10, 'alice@example.com')).toBe(expected);
  });
});

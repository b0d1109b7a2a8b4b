import { describe, expect, it } from 'vitest';
import { OutboxTokenSealer } from './outbox-token-sealer.ts';

const KEY = 'k'.repeat(40);

describe('OutboxTokenSealer', () => {
  it('opens what it sealed for the same recipient only', () => {
    const sealer = new OutboxTokenSealer(KEY);
    const sealed = sealer.seal('mpot_secret', 'Ann@example.com');
    expect(sealed).not.toContain('mpot_secret');
    expect(sealer.open(sealed, 'ann@example.com')).toBe('mpot_secret');
    expect(sealer.open(sealed, 'bob@example.com')).toBeUndefined();
    expect(new OutboxTokenSealer('z'.repeat(40)).open(sealed, 'ann@example.com')).toBeUndefined();
  });

  it('takes MOBILEPLANE_OUTBOX_KEY before AUTH_ENCRYPTION_KEY, and refuses a short key', () => {
    const sealed = new OutboxTokenSealer(KEY).seal('t', 'a@b.c');
    expect(
      OutboxTokenSealer.fromEnv({ MOBILEPLANE_OUTBOX_KEY: KEY, AUTH_ENCRYPTION_KEY: 'x'.repeat(40) })?.open(
        sealed,
        'a@b.c',
      ),
    ).toBe('t');
    expect(OutboxTokenSealer.fromEnv({ AUTH_ENCRYPTION_KEY: KEY })?.open(sealed, 'a@b.c')).toBe('t');
    expect(OutboxTokenSealer.fromEnv({})).toBeUndefined();
    expect(() => OutboxTokenSealer.fromEnv({ MOBILEPLANE_OUTBOX_KEY: 'short' })).toThrow(/32 characters/);
  });
});

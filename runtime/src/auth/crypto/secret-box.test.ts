import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(32), 'test');

  it('round-trips and binds the associated data', () => {
    const sealed = box.seal('hello', 'user-1');
    expect(sealed).not.toContain('hello');
    expect(box.open(sealed, 'user-1')).toBe('hello');
    expect(box.open(sealed, 'user-2')).toBeUndefined();
  });

  it('refuses another key, another purpose and tampering', () => {
    const sealed = box.seal('hello');
    expect(new SecretBox('x'.repeat(32), 'test').open(sealed)).toBeUndefined();
    expect(new SecretBox('k'.repeat(32), 'other').open(sealed)).toBeUndefined();
    const [v, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(box.open(`${v}.${iv}.${flipped.toString('base64url')}`)).toBeUndefined();
    expect(box.open('garbage')).toBeUndefined();
  });
});

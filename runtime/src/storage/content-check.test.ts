import { describe, expect, it } from 'vitest';
import { checkContent, contentTypeAllowed } from './content-check.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.alloc(8),
  Buffer.from([2, 0, 0x3e, 0, 1, 0, 0, 0]),
  Buffer.alloc(64),
]);
const PE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(0x3a),
  Buffer.from([0x40, 0, 0, 0]),
  Buffer.from('PE\0\0'),
  Buffer.alloc(200),
]);

describe('checkContent', () => {
  it.each([
    ['image/png', PNG, true],
    ['image/jpeg', PNG, false],
    ['image/png', ELF, false],
    ['text/plain', ELF, false],
    ['text/plain', Buffer.from('hello, world\n'), true],
    ['text/plain', Buffer.from([0x68, 0x00, 0x69]), false],
    ['application/json', Buffer.from(' {"a": 1}'), true],
    ['application/json', Buffer.from('hello'), false],
    ['image/png', Buffer.from('not an image'), false],
  ])('%s with %#: %s', async (declared, bytes, ok) => {
    expect((await checkContent(declared, bytes)).ok).toBe(ok);
  });

  it('names executables whatever was declared', async () => {
    const verdict = await checkContent('image/png', ELF);
    expect(verdict).toMatchObject({ ok: false, detected: 'application/x-elf' });
    expect(verdict.ok ? '' : verdict.reason).toContain('executable');
    expect((await checkContent('image/png', PE)).ok).toBe(false);
  });
});

describe('contentTypeAllowed', () => {
  it('matches exact types and type/* wildcards', () => {
    expect(contentTypeAllowed('image/png', ['image/*'])).toBe(true);
    expect(contentTypeAllowed('imagex/png', ['image/*'])).toBe(false);
    expect(contentTypeAllowed('text/plain', ['text/plain'])).toBe(true);
    expect(contentTypeAllowed('text/html', ['text/plain'])).toBe(false);
  });
});

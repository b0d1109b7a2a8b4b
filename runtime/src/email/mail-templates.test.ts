import { describe, expect, it } from 'vitest';
import { renderMail } from './mail-templates.ts';

describe('renderMail', () => {
  it('puts the same link in the text and the HTML part', () => {
    const link = 'https://app.example/verify-email?token=abc&x=1';
    const mail = renderMail('verify-email', { productName: 'Ride', link });
    expect(mail.subject).toBe('Confirm your e-mail address for Ride');
    expect(mail.text).toContain(`Confirm e-mail address: ${link}`);
    expect(mail.html).toContain('href="https://app.example/verify-email?token=abc&#38;x=1"');
  });

  it('escapes the product name in HTML', () => {
    const mail = renderMail('account-exists', { productName: '<b>Ride</b>' });
    expect(mail.html).not.toContain('<b>Ride</b>');
    expect(mail.text).not.toContain('http');
  });

  it('refuses a link mail without a link', () => {
    expect(() => renderMail('reset-password', { productName: 'Ride' })).toThrow(/needs a link/);
  });
});

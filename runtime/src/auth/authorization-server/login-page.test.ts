import { describe, expect, it } from 'vitest';
import { renderLoginPage } from './login-page.ts';

describe('renderLoginPage', () => {
  it('labels every field, hints autocomplete and escapes what it echoes', () => {
    const html = renderLoginPage({
      uid: 'abc',
      appName: 'Demo',
      email: '"><script>alert(1)</script>',
      error: 'Wrong <b>',
      upstream: [{ name: 'corp', displayName: 'Corp & Co' }],
    });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('Continue with Corp &amp; Co');
  });
});

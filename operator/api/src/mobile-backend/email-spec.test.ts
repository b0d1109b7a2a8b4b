import { describe, expect, it } from 'vitest';
import { EmailSpecSchema } from './email-spec.ts';

describe('EmailSpec', () => {
  it('defaults the SMTP port and TLS mode', () => {
    expect(
      EmailSpecSchema.parse({
        from: 'Ride <no-reply@ride.example>',
        linkBaseURL: 'https://ride.example',
        smtp: { host: 'smtp.example' },
      }),
    ).toEqual({
      from: 'Ride <no-reply@ride.example>',
      linkBaseURL: 'https://ride.example',
      smtp: { host: 'smtp.example', port: 587, tls: 'starttls' },
    });
  });

  it('names the field of a bad link base or TLS mode', () => {
    const result = EmailSpecSchema.safeParse({
      from: 'a@b.c',
      linkBaseURL: 'ride.example',
      smtp: { host: 'smtp.example', tls: 'ssl', credentialsSecretRef: { name: 'smtp' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['linkBaseURL', 'smtp.tls']);
  });
});

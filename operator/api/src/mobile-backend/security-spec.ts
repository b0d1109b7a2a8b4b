import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { defaulted } from '../schema/defaulted.ts';
import { duration, parseDuration } from '../schema/duration.ts';

/** Shortest workload-certificate lifetime: rotation needs some slack. */
export const MIN_CERTIFICATE_LIFETIME = '1h';
/** Longest workload-certificate lifetime: short-lived certificates are the point of the design. */
export const MAX_CERTIFICATE_LIFETIME = '720h';

const CertificatesSchema = defaulted(
  withCelRules(
    z
      .object({
        lifetime: duration(
          `Lifetime of each workload certificate, ${MIN_CERTIFICATE_LIFETIME} to ${MAX_CERTIFICATE_LIFETIME}. Defaults to 24h.`,
        ).default('24h'),
        renewBefore: duration(
          'How long before expiry a certificate is reissued; must be shorter than lifetime. Defaults to 8h.',
        ).default('8h'),
      })
      .describe('Workload certificates (X.509 with a SPIFFE ID URI SAN) issued by the operator.'),
    [
      {
        rule: `duration(self.lifetime) >= duration('${MIN_CERTIFICATE_LIFETIME}') && duration(self.lifetime) <= duration('${MAX_CERTIFICATE_LIFETIME}')`,
        message: `lifetime must be between ${MIN_CERTIFICATE_LIFETIME} and ${MAX_CERTIFICATE_LIFETIME}`,
        fieldPath: '.lifetime',
        holds: (self) => {
          const lifetime = parseDuration(self.lifetime);
          return (
            lifetime >= parseDuration(MIN_CERTIFICATE_LIFETIME) && lifetime <= parseDuration(MAX_CERTIFICATE_LIFETIME)
          );
        },
      },
      {
        rule: 'duration(self.renewBefore) < duration(self.lifetime)',
        message: 'renewBefore must be shorter than lifetime',
        fieldPath: '.renewBefore',
        holds: (self) => parseDuration(self.renewBefore) < parseDuration(self.lifetime),
      },
    ],
  ),
  {},
);

export const SecuritySpecSchema = defaulted(
  z
    .object({
      mtls: z
        .enum(['STRICT', 'PERMISSIVE'])
        .default('STRICT')
        .describe(
          'Mutual TLS between components. STRICT: only mTLS callers whose SPIFFE ID is allowed. PERMISSIVE: also accept plain connections, for migrations only.',
        ),
      certificates: CertificatesSchema,
    })
    .describe('Zero-trust settings for traffic between the components.'),
  {},
);

export type SecuritySpec = z.output<typeof SecuritySpecSchema>;

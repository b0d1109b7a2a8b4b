import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { defaulted } from '../schema/defaulted.ts';
import { duration, parseDuration } from '../schema/duration.ts';
import { listMap, listSet } from '../schema/list-types.ts';
import { dnsLabel } from '../schema/object-meta.ts';
import { secretKeySelector } from '../schema/secret-key-selector.ts';

/** Longest access-token lifetime we accept: access tokens are bearer tokens that cannot be revoked. */
export const MAX_ACCESS_TOKEN_TTL = '1h';

const OidcProviderSchema = z
  .object({
    name: dnsLabel('Identifier of the provider, used in the login URL (/v1/auth/providers/<name>).', 32),
    displayName: z.string().min(1).max(64).optional().describe('Name shown on the login button, for example Google.'),
    issuerURL: z
      .string()
      .max(2048)
      .regex(/^https:\/\/[^\s]+$/, { error: 'must be an https:// URL' })
      .describe('OpenID Connect issuer URL; its /.well-known/openid-configuration must be reachable.'),
    clientID: z.string().min(1).max(256).describe('OAuth client id registered with the provider.'),
    clientSecretRef: secretKeySelector('Secret holding the OAuth client secret.', 'client-secret'),
    scopes: listSet(z.string().min(1).max(64), 20)
      .default(['openid', 'email', 'profile'])
      .describe('Scopes to request from the provider.'),
  })
  .describe('An upstream OpenID Connect identity provider users can sign in with.');

const MfaSchema = defaulted(
  z
    .object({
      policy: z
        .enum(['Disabled', 'Optional', 'Required'])
        .default('Optional')
        .describe('Whether users may (Optional) or must (Required) enrol a TOTP second factor.'),
      issuer: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .describe('Issuer name shown in authenticator apps. Defaults to the backend name.'),
    })
    .describe('Multi-factor authentication.'),
  {},
);

export const AuthSpecSchema = defaulted(
  withCelRules(
    z
      .object({
        accessTokenTTL: duration(
          `Lifetime of access tokens (JWT), at most ${MAX_ACCESS_TOKEN_TTL}. Defaults to 15m.`,
        ).default('15m'),
        refreshTokenTTL: duration(
          'Lifetime of a refresh token family; each use rotates the token. Defaults to 720h (30 days).',
        ).default('720h'),
        passwordLogin: z.boolean().default(true).describe('Allow sign-in with email and password.'),
        providers: listMap(OidcProviderSchema, ['name'], 10)
          .optional()
          .describe('Upstream OpenID Connect identity providers, keyed by name.'),
        mfa: MfaSchema,
      })
      .describe('Authentication: token lifetimes, login methods and MFA.'),
    [
      {
        rule: `duration(self.accessTokenTTL) <= duration('${MAX_ACCESS_TOKEN_TTL}')`,
        message: `accessTokenTTL must be at most ${MAX_ACCESS_TOKEN_TTL}`,
        fieldPath: '.accessTokenTTL',
        holds: (self) => parseDuration(self.accessTokenTTL) <= parseDuration(MAX_ACCESS_TOKEN_TTL),
      },
      {
        rule: 'duration(self.accessTokenTTL) < duration(self.refreshTokenTTL)',
        message: 'refreshTokenTTL must be longer than accessTokenTTL',
        fieldPath: '.refreshTokenTTL',
        holds: (self) => parseDuration(self.accessTokenTTL) < parseDuration(self.refreshTokenTTL),
      },
      {
        rule: 'self.passwordLogin || (has(self.providers) && size(self.providers) > 0)',
        message: 'providers must list at least one provider when passwordLogin is false',
        fieldPath: '.providers',
        reason: 'FieldValueRequired',
        holds: (self) => self.passwordLogin || (self.providers?.length ?? 0) > 0,
      },
    ],
  ),
  {},
);

export type AuthSpec = z.output<typeof AuthSpecSchema>;
export type OidcProviderSpec = z.output<typeof OidcProviderSchema>;

import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Settings of the auth component. They live beside the platform config (whose `auth` block configures token
 * *verification* in the other components) until the two schemas are unified; secrets come from the environment
 * (mounted Secrets), never from the config file.
 */
const secret = (name: string) =>
  z.string().min(32, `${name} must be at least 32 characters (use 32 random bytes, base64)`).describe('secret');

const redirectUri = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.hash === '' && !url.protocol.startsWith('javascript');
  } catch {
    return false;
  }
}, 'must be an absolute URI without fragment');

export const clientSchema = z
  .object({
    clientId: z.string().min(1),
    /** RFC 8252: private-use URI schemes (reverse domain), claimed https links, or loopback. Matched exactly. */
    redirectUris: z.array(redirectUri).min(1),
    postLogoutRedirectUris: z.array(redirectUri).default([]),
    /** The app's own screens may sign in with email + password (first-party API); third parties never can. */
    firstParty: z.boolean().default(false),
    scopes: z.array(z.string()).default(['openid', 'profile', 'email', 'offline_access']),
  })
  .strict();
export type ClientSettings = z.infer<typeof clientSchema>;

export const upstreamProviderSchema = z
  .object({
    /** Path segment and button id, e.g. `google`, `apple`, `corp`. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and -'),
    displayName: z.string().min(1),
    issuer: z.url(),
    clientId: z.string().min(1),
    /** Read from the environment variable named here (a mounted Secret); absent for public PKCE clients. */
    clientSecretEnv: z.string().optional(),
    scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
    /** Test and development only: allow an http:// upstream issuer. */
    allowInsecureRequests: z.boolean().default(false),
  })
  .strict();
export type UpstreamProviderSettings = z.infer<typeof upstreamProviderSchema>;

export const authConfigSchema = z
  .object({
    /** The `iss` of every token; the public base URL of the auth component. */
    issuer: z.url(),
    /** The `aud` of access tokens: what the api component (and others) expect. */
    audience: z.string().min(1),
    clients: z.array(clientSchema).min(1),
    tokens: z
      .object({
        accessTokenTtlSeconds: z.coerce
          .number()
          .int()
          .min(300, 'at least 5 minutes')
          .max(3600, 'at most 60 minutes')
          .default(900),
        signingAlg: z.enum(['ES256', 'EdDSA']).default('ES256'),
        refreshTokenIdleTtlSeconds: z.coerce
          .number()
          .int()
          .min(3600)
          .default(30 * 24 * 3600),
        refreshTokenAbsoluteTtlSeconds: z.coerce
          .number()
          .int()
          .min(3600)
          .default(180 * 24 * 3600),
        /** Mobile networks retry: the immediate parent of the active token is honoured this long after rotation. */
        reuseGraceSeconds: z.coerce.number().int().min(0).max(60).default(10),
        rolesClaim: z.string().min(1).default('roles'),
      })
      .strict()
      .prefault({}),
    keys: z
      .object({
        rotationIntervalSeconds: z.coerce
          .number()
          .int()
          .min(60)
          .default(7 * 24 * 3600),
        /** A new key is published this long before it signs, so verifiers' JWKS caches (10 min) have it. */
        prePublishSeconds: z.coerce
          .number()
          .int()
          .min(0)
          .default(30 * 60),
        /** How often replicas re-read the key table to pick up rotations done by another replica. */
        refreshIntervalSeconds: z.coerce.number().int().min(1).default(60),
      })
      .strict()
      .prefault({}),
    passwords: z
      .object({
        /** OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1. */
        memoryCostKiB: z.coerce.number().int().min(8).default(19_456),
        timeCost: z.coerce.number().int().min(1).default(2),
        parallelism: z.coerce.number().int().min(1).max(16).default(1),
        minLength: z.coerce.number().int().min(8).max(128).default(10),
        requireVerifiedEmail: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    throttle: z
      .object({
        freeFailuresPerAccount: z.coerce.number().int().min(1).default(5),
        freeFailuresPerIp: z.coerce.number().int().min(1).default(30),
        baseDelaySeconds: z.coerce.number().min(0.1).default(1),
        maxDelaySeconds: z.coerce.number().min(1).default(900),
      })
      .strict()
      .prefault({}),
    mfa: z
      .object({
        totpIssuer: z.string().min(1).default('Mobileplane'),
        /** Actions that need a recent second factor (acr `urn:mobileplane:acr:mfa`). */
        sensitiveActions: z
          .array(z.enum(['mfa.disable', 'password.change', 'devices.revoke', 'roles.update']))
          .default(['mfa.disable', 'password.change', 'roles.update']),
        stepUpMaxAgeSeconds: z.coerce.number().int().min(30).default(300),
      })
      .strict()
      .prefault({}),
    rbac: z
      .object({
        adminRole: z.string().min(1).default('admin'),
        /** Custom claims may not shadow these. */
        reservedClaims: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    upstream: z.array(upstreamProviderSchema).default([]),
    secrets: z
      .object({
        /** argon2id `secret` input (pepper), from AUTH_PASSWORD_PEPPER. */
        passwordPepper: secret('passwordPepper'),
        /** Encrypts signing keys and TOTP secrets at rest, from AUTH_ENCRYPTION_KEY. */
        encryptionKey: secret('encryptionKey'),
        /** Signs oidc-provider cookies and MFA challenges, from AUTH_COOKIE_SECRET. */
        cookieSecret: secret('cookieSecret'),
      })
      .strict(),
  })
  .strict();

export type AuthConfig = z.infer<typeof authConfigSchema>;
export type AuthConfigInput = z.input<typeof authConfigSchema>;

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

/**
 * Reads the auth config: JSON from MOBILEPLANE_AUTH_CONFIG_FILE, issuer/audience defaulting to the platform's
 * AUTH_ISSUER / AUTH_AUDIENCE, secrets from AUTH_PASSWORD_PEPPER, AUTH_ENCRYPTION_KEY and AUTH_COOKIE_SECRET.
 * Fails naming the field, never echoing a secret.
 */
export function loadAuthConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  fileContents?: string,
): AuthConfig {
  let raw: Record<string, unknown> = {};
  const file = env['MOBILEPLANE_AUTH_CONFIG_FILE'];
  const text = fileContents ?? (file ? readFileSync(file, 'utf8') : undefined);
  if (text !== undefined) {
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new AuthConfigError(`invalid auth config: not JSON: ${(error as Error).message}`);
    }
  }
  raw['issuer'] ??= env['AUTH_ISSUER'];
  raw['audience'] ??= env['AUTH_AUDIENCE'];
  raw['secrets'] = {
    passwordPepper: env['AUTH_PASSWORD_PEPPER'],
    encryptionKey: env['AUTH_ENCRYPTION_KEY'],
    cookieSecret: env['AUTH_COOKIE_SECRET'],
  };
  const result = authConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  throw new AuthConfigError(`invalid auth config: ${lines.join('; ')}`);
}

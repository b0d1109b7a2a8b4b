/** What an access token says about its holder: the session it belongs to and how the user authenticated. */
export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  clientId: string;
  scope: string;
  roles: readonly string[];
  /** RFC 8176 authentication method references, e.g. ['pwd'], ['pwd', 'otp'], ['fed']. */
  amr: readonly string[];
  acr: string;
  /** Epoch seconds of the authentication event. */
  authTime: number;
  customClaims: Record<string, unknown>;
}

/** acr values: single factor, and a verified second factor (what step-up asks for). */
export const ACR_SINGLE_FACTOR = 'urn:mobileplane:acr:sf';
export const ACR_MFA = 'urn:mobileplane:acr:mfa';

/** Claims a custom claim may never shadow (RFC 7519, RFC 9068, OIDC Core). */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
  'sid',
  'roles',
  'acr',
  'amr',
  'auth_time',
  'cnf',
  'azp',
  'typ',
  'nonce',
  'at_hash',
  'email',
  'email_verified',
]);

/** Custom claims minus the reserved ones; pure. */
export function sanitizeCustomClaims(
  claims: Record<string, unknown>,
  extraReserved: readonly string[] = [],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims))
    if (!RESERVED_CLAIMS.has(name) && !extraReserved.includes(name)) result[name] = value;
  return result;
}

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>` (scheme case-insensitive, one or more spaces). */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The token of an `Authorization: Bearer` header, or undefined when the header is missing or malformed. The one
 * parser of the runtime: the api component and the auth component's own endpoints both use it; each maps a
 * missing token to its own problem type.
 */
export function parseBearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * RFC 9457 problem details. Every error the runtime returns is one of these, with a stable `type` URI per
 * kind of error so clients can branch on it without parsing text.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://mobileplane.io/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Builds a problem document; `code` becomes the `type` URI, extensions are copied but may not override. */
export function problem(
  code: string,
  status: number,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code)) throw new Error(`problem code must be kebab-case: ${code}`);
  if (!Number.isInteger(status) || status < 400 || status > 599)
    throw new Error(`problem status must be 4xx or 5xx: ${status}`);
  const body: ProblemDetails = { ...extensions, type: `${PROBLEM_TYPE_BASE}${code}`, title, status };
  if (detail !== undefined) body.detail = detail;
  return body;
}

import { problem } from './problem-details.ts';
import type { ProblemDetails } from './problem-details.ts';

/**
 * Every error the runtime answers with, in one place (STYLE.md §5). The code is the last segment of the
 * problem `type` URI and never changes once shipped; docs/problems.md documents each one and a test keeps the
 * two in step.
 */
export const ERROR_CATALOG = {
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'invalid-encoding': { status: 400, title: 'Request body is not valid UTF-8' },
  'json-too-deep': { status: 400, title: 'JSON nesting too deep' },
  'invalid-parameter': { status: 400, title: 'Invalid query or path parameter' },
  'invalid-cursor': { status: 400, title: 'Invalid cursor' },
  'idempotency-key-required': { status: 400, title: 'Idempotency-Key header required' },
  'invalid-idempotency-key': { status: 400, title: 'Invalid Idempotency-Key header' },
  'invalid-one-time-token': { status: 400, title: 'Invalid or expired link' },
  'invalid-client': { status: 400, title: 'Unknown or not first-party client' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  'invalid-token': { status: 401, title: 'Invalid access token' },
  'invalid-api-key': { status: 401, title: 'Invalid API key' },
  'invalid-credentials': { status: 401, title: 'Invalid credentials' },
  'mfa-required': { status: 401, title: 'A second factor is required' },
  'invalid-mfa-code': { status: 401, title: 'Invalid second-factor code' },
  'step-up-required': { status: 401, title: 'A recent second factor is required for this action' },
  forbidden: { status: 403, title: 'Forbidden' },
  'email-not-verified': { status: 403, title: 'Email address not verified' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'idempotency-key-in-use': { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  'mfa-already-enabled': { status: 409, title: 'A second factor is already enabled' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'body-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'validation-failed': { status: 422, title: 'Validation failed' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'weak-password': { status: 422, title: 'Password does not meet the policy' },
  'content-type-mismatch': { status: 422, title: 'Uploaded bytes do not match the declared content type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'login-throttled': { status: 429, title: 'Too many sign-in attempts' },
  'internal-error': { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface FieldError {
  path: string;
  message: string;
}

/** A domain error: services throw these, the edge error middleware turns them into problem+json. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    const body = problem(this.code, this.status, ERROR_CATALOG[this.code].title, this.message, this.extensions);
    if (instance !== undefined) body.instance = instance;
    return body;
  }
}

export function validationError(errors: FieldError[]): AppError {
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new AppError('validation-failed', detail, { extensions: { errors } });
}

import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';

/** A `metav1.Status` cause: the API server names the field it refuses. */
export interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** InputError carrying the API server's field causes, so the REST API can answer 400 naming each field. */
export class FieldValidationError extends InputError {
  readonly fieldErrors: { field: string; message: string }[];
  constructor(message: string, fieldErrors: { field: string; message: string }[]) {
    super(message);
    this.fieldErrors = fieldErrors;
  }
}

function statusOf(body: unknown): { message?: string; details?: { causes?: StatusCause[] } } {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string; details?: { causes?: StatusCause[] } };
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as { message?: string; details?: { causes?: StatusCause[] } };
}

/**
 * Maps an `ApiException` from @kubernetes/client-node to the `@backstage/errors` type of the same meaning. The
 * portal's own credentials being refused (401/403) is a server-side problem, not the user's: it stays a
 * NotAllowedError with the API server's message so an operator can fix the RBAC.
 */
export function toBackstageError(error: unknown, what: string): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'number') return error instanceof Error ? error : new Error(String(error));
  const status = statusOf((error as { body?: unknown }).body);
  const message = status.message ?? `${what}: HTTP ${code}`;
  switch (code) {
    case 404:
      return new NotFoundError(`${what} not found`);
    case 409:
      return new ConflictError(message);
    case 400:
    case 422: {
      const causes = status.details?.causes ?? [];
      return new FieldValidationError(
        message,
        causes.map((c) => ({ field: c.field ?? '<root>', message: c.message ?? c.reason ?? 'is invalid' })),
      );
    }
    case 401:
    case 403:
      return new NotAllowedError(`the portal may not do this in the cluster: ${message}`);
    default:
      return new ServiceUnavailableError(`${what}: the cluster answered ${code}: ${message}`);
  }
}

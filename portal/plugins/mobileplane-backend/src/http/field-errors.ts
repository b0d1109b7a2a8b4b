import type { FieldError } from '@mobileplane/api';
import { FieldValidationError } from '@mobileplane/backstage-plugin-mobileplane-node';
import type { ErrorRequestHandler, Response } from 'express';

/**
 * 400 naming every bad field. The body keeps Backstage's error shape (`error.name`, `error.message`, read by
 * `ResponseError`) and adds `fieldErrors`, which the form shows next to each field.
 */
export function sendFieldErrors(res: Response, errors: readonly FieldError[]): void {
  res.status(400).json({
    error: { name: 'InputError', message: errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
    fieldErrors: errors,
    response: { statusCode: 400 },
  });
}

/** The API server refused a write (422 with causes): the same 400 as our own validation. */
export const fieldValidationErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof FieldValidationError && error.fieldErrors.length > 0) {
    sendFieldErrors(res, error.fieldErrors);
    return;
  }
  next(error);
};

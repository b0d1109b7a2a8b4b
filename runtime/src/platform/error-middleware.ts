import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError } from './error-catalog.ts';
import type { Logger } from './logger.ts';
import { PROBLEM_CONTENT_TYPE } from './problem-details.ts';

/** Errors raised by Express or Node themselves (bad percent-encoding in a path, ...) carry a 4xx `status`. */
function fromFrameworkError(error: unknown): AppError | undefined {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 404) return new AppError('not-found');
  if (status === 413) return new AppError('body-too-large');
  if (status === 415) return new AppError('unsupported-media-type');
  return new AppError('invalid-parameter', 'the request could not be decoded');
}

export function sendProblem(req: Request, res: Response, error: AppError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const body = JSON.stringify(error.toProblem(req.originalUrl.split('?')[0]));
  res.status(error.status).setHeader('content-type', PROBLEM_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** The one place errors become `application/problem+json`; unknown errors are 500 without details or stack. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let appError = error instanceof AppError ? error : fromFrameworkError(error);
    if (appError === undefined) {
      logger.error({ err: error, path: req.path }, 'unhandled error');
      appError = new AppError('internal-error', 'an unexpected error occurred; see the server log for this trace');
    } else if (appError.status >= 500) logger.error({ err: error, path: req.path }, appError.code);
    sendProblem(req, res, appError);
  };
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new AppError('not-found', 'no such route'));
}

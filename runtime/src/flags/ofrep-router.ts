import { createHash } from 'node:crypto';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { identityOf } from '../api/request-identity.ts';
import { AppError } from '../platform/error-catalog.ts';
import { ifNoneMatchHits } from '../platform/http-conditionals.ts';
import { jsonBodyParser } from '../platform/json-body-parser.ts';
import { requestPipeline } from '../platform/request-pipeline.ts';
import { canonicalContext, evaluationContext, InvalidContextError } from './evaluation-context.ts';
import type { FlagConfiguration } from './flag-configuration.ts';
import { evaluateAll, evaluateFlag, isFailure, type EvaluationObserver } from './flag-evaluator.ts';
import type { FlagEventStream } from './flag-event-stream.ts';

export const OFREP_BASE = '/ofrep/v1';
export const EVENTS_REQUEST_URI = `${OFREP_BASE}/events`;
/** Header with the configuration revision a response was computed from. */
export const REVISION_HEADER = 'x-flags-revision';

export interface OfrepRouterOptions {
  configuration: () => FlagConfiguration;
  events: FlagEventStream;
  observe: EvaluationObserver;
  bodyLimitBytes: number;
  maxJsonDepth: number;
  /** The api component's steps (per-IP limit, identity, per-user and per-key limits), run before every route. */
  pipeline: readonly RequestHandler[];
  /** Seconds a hidden web client keeps the stream open (OFREP `inactivityDelaySec`). */
  inactivityDelaySec: number;
}

/** OFREP error body (`{key?, errorCode, errorDetails}`) with the status the spec gives each code. */
function sendError(res: Response, status: 400 | 404, errorCode: string, errorDetails: string, key?: string): void {
  res.status(status).json({ ...(key === undefined ? {} : { key }), errorCode, errorDetails });
}

/**
 * The entity tag of a bulk evaluation: the configuration revision and a hash of the canonical context, so a
 * client whose context changed (another app version, a different signed-in user) never gets a 304 for the
 * answer computed for its old context, and every client refetches after a configuration change.
 */
export function bulkEtag(revision: string, contextText: string, now?: number): string {
  const hash = createHash('sha256').update(contextText).digest('hex').slice(0, 20);
  // A rule on $flagd.timestamp (seconds) can change its answer any second: the tag changes with it.
  return now === undefined ? `"${revision}.${hash}"` : `"${revision}.${hash}.${Math.floor(now / 1000)}"`;
}

/** The verified caller must be an app (API key) or a signed-in user (access token); OFREP answers 401 otherwise. */
function requireCaller(res: Response): void {
  const identity = identityOf(res);
  if (identity.principal === undefined && identity.apiKey === undefined) {
    throw new AppError('unauthenticated', 'send the app API key (X-Api-Key) or an access token (Bearer)', {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
}

/**
 * Parses the JSON body; OFREP answers malformed JSON with 400 `PARSE_ERROR` and a bad context with 400
 * `INVALID_CONTEXT` (its own error body, not problem+json: that is what OFREP clients read).
 */
function withContext(
  options: OfrepRouterOptions,
  handle: (req: Request, res: Response, context: ReturnType<typeof evaluationContext>) => void,
): RequestHandler {
  const parse = jsonBodyParser({ limitBytes: options.bodyLimitBytes, maxDepth: options.maxJsonDepth });
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      requireCaller(res);
    } catch (error) {
      next(error);
      return;
    }
    parse(req, res, (error?: unknown) => {
      const key = typeof req.params['key'] === 'string' ? req.params['key'] : undefined;
      if (error instanceof AppError && error.status === 400) {
        sendError(res, 400, 'PARSE_ERROR', `the request body is not valid JSON: ${error.message}`, key);
        return;
      }
      if (error !== undefined) {
        next(error);
        return;
      }
      let context;
      try {
        context = evaluationContext(req.body, identityOf(res).principal);
      } catch (invalid) {
        if (!(invalid instanceof InvalidContextError)) {
          next(invalid);
          return;
        }
        sendError(res, 400, 'INVALID_CONTEXT', invalid.message, key);
        return;
      }
      handle(req, res, context);
    });
  };
}

/** Mounts OFREP: single and bulk evaluation and the change stream, behind the api component's pipeline. */
export function mountOfrepRoutes(app: Express, options: OfrepRouterOptions): void {
  app.use(OFREP_BASE, requestPipeline(options.pipeline));

  app.post(
    `${OFREP_BASE}/evaluate/flags/:key`,
    withContext(options, (req, res, context) => {
      const configuration = options.configuration();
      const key = String(req.params['key']);
      const result = evaluateFlag(configuration, key, context, options.observe);
      res.setHeader(REVISION_HEADER, configuration.revision);
      res.setHeader('cache-control', 'private, no-cache');
      if (!isFailure(result)) {
        res.status(200).json(result);
        return;
      }
      const { errorCode, errorDetails } = result;
      sendError(res, errorCode === 'FLAG_NOT_FOUND' ? 404 : 400, errorCode, errorDetails, key);
    }),
  );

  app.post(
    `${OFREP_BASE}/evaluate/flags`,
    withContext(options, (req, res, context) => {
      const configuration = options.configuration();
      const etag = bulkEtag(
        configuration.revision,
        canonicalContext(context),
        configuration.readsTimestamp ? Date.now() : undefined,
      );
      res.setHeader(REVISION_HEADER, configuration.revision);
      res.setHeader('cache-control', 'private, no-cache');
      res.setHeader('etag', etag);
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatchHits(ifNoneMatch, etag)) {
        res.status(304).end();
        return;
      }
      res.status(200).json({
        flags: evaluateAll(configuration, context, options.observe),
        metadata: configuration.core.getFlagSetMetadata(),
        eventStreams: [
          {
            type: 'sse',
            endpoint: { requestUri: EVENTS_REQUEST_URI },
            inactivityDelaySec: options.inactivityDelaySec,
          },
        ],
      });
    }),
  );

  app.get(EVENTS_REQUEST_URI, (req: Request, res: Response, next: NextFunction) => {
    try {
      options.events.handle(req, res, options.configuration().revision);
    } catch (error) {
      next(error);
    }
  });
}

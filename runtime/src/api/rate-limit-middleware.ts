import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../platform/error-catalog.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from './gcra-policy.ts';

interface Evaluated {
  policy: RateLimitPolicy;
  decision: RateLimitDecision;
}

function evaluated(res: Response): Evaluated[] {
  const locals = res.locals as { rateLimits?: Evaluated[] };
  locals.rateLimits ??= [];
  return locals.rateLimits;
}

/**
 * IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy` lists each policy applied
 * (`q` quota, `w` window seconds), `RateLimit` its remaining quota `r` and seconds to reset `t`.
 */
function writeHeaders(res: Response, all: Evaluated[]): void {
  res.setHeader(
    'ratelimit-policy',
    all.map((e) => `"${e.policy.name}";q=${e.policy.limit};w=${e.policy.windowMs / 1000}`).join(', '),
  );
  res.setHeader(
    'ratelimit',
    all.map((e) => `"${e.policy.name}";r=${e.decision.remaining};t=${e.decision.resetSeconds}`).join(', '),
  );
}

/**
 * One rate-limit step of the pipeline: `keyOf` names the bucket (IP, user, API key) or skips the policy.
 * A Redis outage never reaches this step: FallbackRateLimiter decides in process meanwhile (decision 0751). Should
 * a limiter still fail, the request is admitted and a warning logged: limits protect the service, they should not
 * take it down.
 */
export function rateLimitStep(
  limiter: RateLimiter,
  policy: RateLimitPolicy | undefined,
  keyOf: (req: Request, res: Response) => string | undefined,
  logger: Logger,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = policy === undefined ? undefined : keyOf(req, res);
    if (policy === undefined || key === undefined) {
      next();
      return;
    }
    limiter.consume(key, policy).then(
      (decision) => {
        const all = evaluated(res);
        all.push({ policy, decision });
        writeHeaders(res, all);
        if (decision.allowed) next();
        else
          next(
            new AppError(
              'rate-limited',
              `the ${policy.name} policy allows ${policy.limit} requests per ${policy.windowMs / 1000} s`,
              {
                headers: { 'retry-after': String(decision.retryAfterSeconds) },
              },
            ),
          );
      },
      (error: unknown) => {
        logger.warn({ err: error, policy: policy.name }, 'rate limiter unavailable; admitting request');
        next();
      },
    );
  };
}

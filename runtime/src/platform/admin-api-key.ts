import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './error-catalog.ts';

/**
 * Middleware for operator APIs (jobs, push sends): the caller must present one of the configured API keys
 * (`auth.apiKeys`, X-Api-Key, compared by SHA-256 in constant time). With no key configured the API is closed.
 */
export function requireApiKey(apiKeys: readonly { name: string; sha256: string }[]) {
  const digests = apiKeys.map((k) => ({ name: k.name, digest: Buffer.from(k.sha256, 'hex') }));
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string') throw new AppError('unauthenticated', 'this API needs an X-Api-Key');
    const digest = createHash('sha256').update(key).digest();
    const match = digests.find((d) => d.digest.length === digest.length && timingSafeEqual(d.digest, digest));
    if (match === undefined) throw new AppError('invalid-api-key', 'unknown X-Api-Key');
    (res.locals as { apiKeyName?: string }).apiKeyName = match.name;
    next();
  };
}

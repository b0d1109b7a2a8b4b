import { z } from 'zod';
import { defaulted } from '../schema/defaulted.ts';

function rateLimit(who: string, defaults: { requestsPerMinute: number; burst: number }) {
  const schema = z
    .object({
      requestsPerMinute: z
        .int()
        .min(1)
        .max(1_000_000)
        .default(defaults.requestsPerMinute)
        .describe(`Sustained requests per minute allowed for each ${who}.`),
      burst: z
        .int()
        .min(1)
        .max(1_000_000)
        .default(defaults.burst)
        .describe(`Requests a ${who} may send at once above the sustained rate (token bucket size).`),
    })
    .describe(`Limit per ${who}; over it the API answers 429 with Retry-After and RateLimit headers.`);
  return defaulted(schema, {});
}

export const RateLimitsSpecSchema = defaulted(
  z
    .object({
      enabled: z.boolean().default(true).describe('Enforce rate limits.'),
      perUser: rateLimit('signed-in user', { requestsPerMinute: 600, burst: 100 }),
      perIP: rateLimit('client IP address', { requestsPerMinute: 300, burst: 60 }),
      perAPIKey: rateLimit('API key', { requestsPerMinute: 6000, burst: 600 }),
    })
    .describe('Request rate limits of the public API (token buckets per user, IP address and API key).'),
  {},
);

export type RateLimitsSpec = z.output<typeof RateLimitsSpecSchema>;

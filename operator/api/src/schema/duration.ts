import { z } from 'zod';

/**
 * A duration in Go's `time.ParseDuration` syntax restricted to h/m/s/ms units (`90s`, `15m`, `1h30m`), which
 * is also what CEL's `duration()` parses, so cross-field rules can compare durations on the API server.
 */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(h|ms|m|s))+$';

const DURATION_REGEX = new RegExp(DURATION_PATTERN);
const UNIT_MILLISECONDS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** The duration in milliseconds (`1h30m` → 5400000). Throws on anything the pattern does not accept. */
export function parseDuration(duration: string): number {
  if (!DURATION_REGEX.test(duration)) throw new Error(`not a duration: ${JSON.stringify(duration)}`);
  let total = 0;
  for (const [, value, unit] of duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|ms|m|s)/g)) {
    total += Number(value) * (UNIT_MILLISECONDS[unit ?? ''] ?? Number.NaN);
  }
  return total;
}

/** A duration field (`15m`, `1h30m`). */
export function duration(description: string) {
  return z
    .string()
    .max(32)
    .regex(DURATION_REGEX, { error: 'must be a duration such as 90s, 15m or 1h30m' })
    .describe(description);
}

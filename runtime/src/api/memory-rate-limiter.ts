import { gcraStep } from './gcra-policy.ts';
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from './gcra-policy.ts';

/** In-process GCRA, for a single replica or when no Redis is configured. */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = 'memory' as const;
  private readonly tats = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, tat] of this.tats) if (tat < now) this.tats.delete(key);
    }, 60_000);
    this.sweeper.unref();
  }

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const mapKey = `${policy.name}:${key}`;
    const step = gcraStep(this.tats.get(mapKey), Date.now(), policy);
    this.tats.set(mapKey, step.tat);
    return step.decision;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

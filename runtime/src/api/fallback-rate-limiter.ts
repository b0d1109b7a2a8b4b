import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from '../platform/logger.ts';
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from './gcra-policy.ts';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';

/**
 * The shared limiter (Redis) with the in-process one behind it (docs/decisions/0751). While Redis does not answer,
 * every decision is taken in process, so limits still hold per replica (a client spread over N replicas gets up
 * to N× its budget) instead of failing open. The switch is logged once each way and visible in
 * `mobileplane_rate_limit_store_up` (1: Redis decides, 0: in process) and
 * `mobileplane_rate_limit_fallback_decisions_total`.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly kind = 'redis' as const;
  private readonly primary: RateLimiter;
  private readonly fallback = new MemoryRateLimiter();
  private readonly logger: Logger;
  private readonly up: Gauge;
  private readonly fallbackDecisions: Counter;
  private degraded = false;

  constructor(primary: RateLimiter, options: { logger: Logger; registry?: Registry | undefined }) {
    this.primary = primary;
    this.logger = options.logger;
    const registers = options.registry === undefined ? [] : [options.registry];
    this.up = new Gauge({
      name: 'mobileplane_rate_limit_store_up',
      help: 'Whether the shared rate-limit store (Redis) takes the decisions (1) or this process does (0).',
      registers,
    });
    this.up.set(1);
    this.fallbackDecisions = new Counter({
      name: 'mobileplane_rate_limit_fallback_decisions_total',
      help: 'Rate-limit decisions taken in process because the shared store (Redis) did not answer.',
      registers,
    });
  }

  get usingFallback(): boolean {
    return this.degraded;
  }

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    let decision: RateLimitDecision;
    try {
      decision = await this.primary.consume(key, policy);
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.up.set(0);
        this.logger.warn(
          { err: error },
          'rate-limit store (Redis) unavailable: limiting in process, per replica, until it answers again',
        );
      }
      this.fallbackDecisions.inc();
      return this.fallback.consume(key, policy);
    }
    if (this.degraded) {
      this.degraded = false;
      this.up.set(1);
      this.logger.info('rate-limit store (Redis) answers again: limits are shared across replicas');
    }
    return decision;
  }

  async close(): Promise<void> {
    await this.primary.close();
    await this.fallback.close();
  }
}

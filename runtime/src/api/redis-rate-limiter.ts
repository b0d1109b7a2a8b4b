import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from './gcra-policy.ts';

/**
 * GCRA in one Lua script: read TAT, decide, write TAT, atomically, with the Redis server's clock so replicas with
 * skewed clocks agree. Same arithmetic as gcraStep (gcra-policy.ts). Returns allowed, remaining, and the retry
 * and reset delays in milliseconds (as strings: Redis truncates Lua numbers to integers).
 */
const SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = window / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local nexttat = tat + interval
local allowat = nexttat - window
if allowat > now + 0.001 then
  return {0, 0, tostring(allowat - now), tostring(tat - now)}
end
redis.call('SET', KEYS[1], tostring(nexttat), 'PX', math.ceil(nexttat - now) + 1)
return {1, math.floor((now - allowat) / interval + 0.001), '0', tostring(nexttat - now)}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix = 'mp:rl:') {
    this.redis = redis;
    this.prefix = prefix;
  }

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const redisKey = `${this.prefix}${policy.name}:${key}`;
    const args = [String(policy.limit), String(policy.windowMs)];
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(SCRIPT_SHA, 1, redisKey, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      reply = await this.redis.eval(SCRIPT, 1, redisKey, ...args);
    }
    const [allowed, remaining, retryMs, resetMs] = reply as [number, number, string, string];
    return {
      allowed: allowed === 1,
      remaining: Math.max(0, Number(remaining)),
      retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(Number(retryMs) / 1000)),
      resetSeconds: Math.max(0, Math.ceil(Number(resetMs) / 1000)),
    };
  }

  async close(): Promise<void> {
    // The Redis connection belongs to the runtime, which closes it.
  }
}

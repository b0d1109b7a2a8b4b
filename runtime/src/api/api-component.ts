import type { ComponentContext, RuntimeComponent } from '../platform/component.ts';
import { Registry } from 'prom-client';
import { createFlagsFeature } from '../flags/flags-feature.ts';
import { requestPipeline } from '../platform/request-pipeline.ts';
import { SessionRevocations } from '../platform/session-revocations.ts';
import { CollectionRegistry, deprecationHeaders } from './collection-registry.ts';
import { FallbackRateLimiter } from './fallback-rate-limiter.ts';
import { ChangeFeed } from './change-feed.ts';
import { ChangeNotifier } from './change-notifier.ts';
import { mountDocumentRoutes } from './documents-router.ts';
import { DocumentStore } from './document-store.ts';
import type { RateLimitPolicy, RateLimiter } from './gcra-policy.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { JwtAuthenticator } from './jwt-authenticator.ts';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';
import { buildOpenApiDocument } from './openapi-document.ts';
import { rateLimitStep } from './rate-limit-middleware.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';
import { identifyStep, identityOf } from './request-identity.ts';

function policy(name: string, settings: { limit: number; windowSeconds: number } | null): RateLimitPolicy | undefined {
  return settings === null ? undefined : { name, limit: settings.limit, windowMs: settings.windowSeconds * 1000 };
}

/** The `api` component: /v1 collections, delta sync, realtime feed and the OpenAPI document. */
export function createApiComponent(context: ComponentContext): RuntimeComponent {
  const { config, logger, database } = context;
  const collections = new CollectionRegistry(config.collections);
  const store = new DocumentStore(database);
  const idempotency = new IdempotencyStore(database);
  const redisPrefix = config.redis.keyPrefix ?? `mp:${config.identity.backend}:`;
  const limiter: RateLimiter =
    context.redis === undefined
      ? new MemoryRateLimiter()
      : new FallbackRateLimiter(new RedisRateLimiter(context.redis, `${redisPrefix}rl:`), {
          logger,
          registry: context.registry,
        });
  const auth = config.auth;
  // Only tokens can be revoked: without a JWKS there is nothing to listen for.
  const revocations = auth.jwksUrl === undefined ? undefined : new SessionRevocations(database, logger);
  const authenticator =
    auth.jwksUrl === undefined
      ? undefined
      : new JwtAuthenticator({
          jwksUrl: auth.jwksUrl,
          issuer: auth.issuer ?? '',
          audience: auth.audience ?? '',
          rolesClaim: auth.rolesClaim,
          clockToleranceSeconds: auth.clockToleranceSeconds,
          jwksCooldownMs: auth.jwksCooldownSeconds * 1000,
          verifiedTokenCacheSize: auth.verifiedTokenCacheSize,
          revocations,
        });
  const apiKeys = new Map(auth.apiKeys.map((k) => [k.sha256, k.name]));
  const notifier = new ChangeNotifier(database, logger);
  const feed = new ChangeFeed({ database, store, collections, logger, authenticator, apiKeys, revocations });
  // Listening starts now; /readyz waits for it, so no replica serves tokens before it hears revocations.
  const revocationsStarted = revocations?.start();
  revocationsStarted?.catch((error: unknown) => logger.error({ err: error }, 'session revocations unavailable'));
  const openApi = JSON.stringify(buildOpenApiDocument(collections, { revision: config.identity.revision }));
  const sweeper = setInterval(
    () => {
      idempotency.sweepExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency sweep failed'));
    },
    10 * 60 * 1000,
  );
  sweeper.unref();
  const versionHeaders = Object.entries(deprecationHeaders(config.api.deprecation));
  const limits = config.rateLimits;
  // Feature flags over OFREP (runtime/src/flags, docs/decisions/0500).
  const flags = createFlagsFeature({ config, logger, registry: context.registry ?? new Registry() });

  return {
    readiness:
      revocationsStarted === undefined ? [] : [{ name: 'session-revocations', check: () => revocationsStarted }],
    mount(app) {
      // The /v1 pipeline, in order: version headers, per-IP limit (before any token work), who is calling,
      // per-user and per-API-key limits. Routes follow.
      app.use(
        '/v1',
        requestPipeline([
          (_req, res, next) => {
            for (const [name, value] of versionHeaders) res.setHeader(name, value);
            next();
          },
          rateLimitStep(limiter, policy('ip', limits.ip), (req) => req.ip ?? req.socket.remoteAddress, logger),
          identifyStep({ authenticator, apiKeys }),
          rateLimitStep(limiter, policy('user', limits.user), (_req, res) => identityOf(res).principal?.userId, logger),
          rateLimitStep(limiter, policy('api-key', limits.apiKey), (_req, res) => identityOf(res).apiKey, logger),
        ]),
      );
      app.get('/v1/openapi.json', (_req, res) => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('cache-control', 'public, max-age=300');
        res.end(openApi);
      });
      mountDocumentRoutes(app, {
        collections,
        store,
        idempotency,
        database,
        notifier,
        bodyLimitBytes: config.server.bodyLimitBytes,
        maxJsonDepth: config.server.maxJsonDepth,
        compressionThresholdBytes: config.server.compressionThresholdBytes,
      });
      feed.mountSse(app);
      // OFREP behind the same caller steps as /v1 (no version headers: OFREP is versioned in its path).
      flags.mount(app, [
        rateLimitStep(limiter, policy('ip', limits.ip), (req) => req.ip ?? req.socket.remoteAddress, logger),
        identifyStep({ authenticator, apiKeys }),
        rateLimitStep(limiter, policy('user', limits.user), (_req, res) => identityOf(res).principal?.userId, logger),
        rateLimitStep(limiter, policy('api-key', limits.apiKey), (_req, res) => identityOf(res).apiKey, logger),
      ]);
    },
    attach(server) {
      feed.attachWebSocket(server);
      flags.attach(server);
    },
    async close() {
      clearInterval(sweeper);
      flags.close();
      await notifier.close();
      await feed.close();
      await revocations?.close();
      await limiter.close();
    },
  };
}

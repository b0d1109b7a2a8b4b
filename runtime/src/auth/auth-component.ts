import type { Express, NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { runMigrations } from '../data/migration-runner.ts';
import { OutboxTokenSealer } from '../email/outbox-token-sealer.ts';
import type { ComponentContext, RuntimeComponent } from '../platform/component.ts';
import { AccountStore } from './accounts/account-store.ts';
import { SecurityAudit } from './audit/security-audit.ts';
import { loadAuthConfig } from './auth-config.ts';
import type { AuthConfig } from './auth-config.ts';
import { authErrorMiddleware } from './auth-error-catalog.ts';
import { AUTH_MIGRATIONS } from './auth-migrations.ts';
import type { AuthServices } from './auth-services.ts';
import { interactionRouter } from './authorization-server/interaction-router.ts';
import { loginCompletion } from './authorization-server/login-completion.ts';
import { oauthEndpointsRouter } from './authorization-server/oauth-endpoints-router.ts';
import { OidcProviderHost } from './authorization-server/oidc-provider-host.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { DeviceStore } from './devices/device-store.ts';
import { selfServiceRouter } from './devices/self-service-router.ts';
import { accountRouter } from './first-party/account-router.ts';
import { requireUser } from './http/request-helpers.ts';
import { SigningKeyRing } from './keys/signing-key-ring.ts';
import { MfaChallengeSealer } from './mfa/mfa-challenge.ts';
import { mfaRouter, stepUpGuard } from './mfa/mfa-router.ts';
import { MfaStore } from './mfa/mfa-store.ts';
import { AuthOutbox } from './one-time/auth-outbox.ts';
import { OneTimeTokenStore } from './one-time/one-time-token-store.ts';
import { PasswordHasher } from './passwords/password-hasher.ts';
import { PasswordSignIn } from './passwords/password-sign-in.ts';
import { rolesRouter } from './rbac/roles-router.ts';
import { LoginThrottle } from './throttle/login-throttle.ts';
import { AccessTokenIssuer } from './tokens/access-token-issuer.ts';
import { AccessTokenVerifier } from './tokens/access-token-verifier.ts';
import { SessionStore } from './tokens/session-store.ts';
import { TokenService } from './tokens/token-service.ts';
import { upstreamRouter } from './upstream/upstream-router.ts';

/** Paths oidc-provider answers (discovery, authorization, token, logout, PAR); ours are mounted before it. */
const PROVIDER_PATHS =
  /^\/(\.well-known\/openid-configuration|auth(\/[^/]+)?|token|session\/end(\/confirm|\/success)?|request)$/;

export interface AuthComponentOptions {
  /** Defaults to loadAuthConfig(process.env), with issuer/audience from the platform's `auth` block. */
  authConfig?: AuthConfig;
  /** The runtime's Prometheus registry (the platform's HttpMetrics.registry). */
  registry?: Registry;
  clock?: Clock;
}

export interface AuthComponent extends RuntimeComponent {
  /** Migrates and loads (or creates) signing keys; requests wait for it. Idempotent. */
  start(): Promise<void>;
  services: AuthServices;
}

/** Builds every service of the auth component from its config; pure wiring, no I/O. */
export function buildAuthServices(
  context: ComponentContext,
  config: AuthConfig,
  options: AuthComponentOptions = {},
): AuthServices {
  const db = context.database;
  const logger = context.logger;
  const clock = options.clock ?? systemClock;
  const audit = new SecurityAudit(logger, options.registry);
  const keys = new SigningKeyRing({
    db,
    alg: config.tokens.signingAlg,
    encryptionKey: config.secrets.encryptionKey,
    clock,
    logger,
    policy: {
      rotationIntervalMs: config.keys.rotationIntervalSeconds * 1000,
      prePublishMs: config.keys.prePublishSeconds * 1000,
      // The longest access-token lifetime plus clock skew: every token a retired key signed has expired by then.
      retainAfterRetireMs: (config.tokens.accessTokenTtlSeconds + 300) * 1000,
    },
  });
  const accounts = new AccountStore(db);
  const sessions = new SessionStore(db, clock, {
    idleTtlMs: config.tokens.refreshTokenIdleTtlSeconds * 1000,
    absoluteTtlMs: config.tokens.refreshTokenAbsoluteTtlSeconds * 1000,
    graceMs: config.tokens.reuseGraceSeconds * 1000,
  });
  const issuer = new AccessTokenIssuer({
    keys,
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.tokens.accessTokenTtlSeconds,
    rolesClaim: config.tokens.rolesClaim,
    reservedClaims: config.rbac.reservedClaims,
    clock,
  });
  const verifier = new AccessTokenVerifier({
    keys,
    alg: config.tokens.signingAlg,
    issuer: config.issuer,
    audience: config.audience,
    rolesClaim: config.tokens.rolesClaim,
    clockToleranceSeconds: 5,
    clock,
  });
  const hasher = new PasswordHasher(config.passwords, config.secrets.passwordPepper);
  const mfa = new MfaStore(db, config.secrets.encryptionKey, clock);
  const seconds = (s: number) => s * 1000;
  const throttle = new LoginThrottle(db, clock, {
    account: {
      freeFailures: config.throttle.freeFailuresPerAccount,
      baseDelayMs: seconds(config.throttle.baseDelaySeconds),
      maxDelayMs: seconds(config.throttle.maxDelaySeconds),
    },
    ip: {
      freeFailures: config.throttle.freeFailuresPerIp,
      baseDelayMs: seconds(config.throttle.baseDelaySeconds),
      maxDelayMs: seconds(config.throttle.maxDelaySeconds),
    },
  });
  const clients = new Map(config.clients.map((c) => [c.clientId, c]));
  return {
    config,
    db,
    logger,
    clock,
    accounts,
    devices: new DeviceStore(db),
    sessions,
    keys,
    tokens: new TokenService({ accounts, sessions, issuer, audit }),
    verifier,
    hasher,
    passwordSignIn: new PasswordSignIn({
      accounts,
      hasher,
      throttle,
      mfa,
      audit,
      requireVerifiedEmail: config.passwords.requireVerifiedEmail,
    }),
    mfa,
    mfaChallenges: new MfaChallengeSealer(config.secrets.cookieSecret, clock),
    oneTimeTokens: new OneTimeTokenStore(db, clock),
    outbox: new AuthOutbox({
      db,
      logger,
      sealer: OutboxTokenSealer.fromEnv() ?? new OutboxTokenSealer(config.secrets.encryptionKey),
    }),
    audit,
    client: (clientId) => clients.get(clientId),
  };
}

/**
 * The `auth` component: OAuth 2.0 / OpenID Connect for native apps (oidc-provider), first-party password
 * sign-in, upstream providers (openid-client), JWT access tokens from a rotating key ring, rotating refresh
 * tokens with reuse detection, TOTP MFA with step-up, RBAC claims, and the security audit trail.
 */
export function createAuthComponent(context: ComponentContext, options: AuthComponentOptions = {}): AuthComponent {
  const config =
    options.authConfig ??
    loadAuthConfig({
      AUTH_ISSUER: context.config.auth.issuer,
      AUTH_AUDIENCE: context.config.auth.audience,
      ...process.env,
    });
  const services = buildAuthServices(context, config, options);
  const host = new OidcProviderHost(services);
  let started: Promise<void> | undefined;
  const timers: NodeJS.Timeout[] = [];

  function start(): Promise<void> {
    started ??= (async () => {
      await runMigrations(context.database, AUTH_MIGRATIONS);
      await services.outbox.start();
      await services.keys.maintain();
      host.provider();
      const maintain = setInterval(() => {
        services.keys
          .maintain()
          .catch((error: unknown) => context.logger.error({ err: error }, 'signing key maintenance failed'));
      }, config.keys.refreshIntervalSeconds * 1000);
      maintain.unref();
      timers.push(maintain);
    })();
    started.catch((error: unknown) => context.logger.error({ err: error }, 'auth component failed to start'));
    return started;
  }

  const awaitStart = (_req: Request, _res: Response, next: NextFunction) => {
    start().then(() => next(), next);
  };
  const requireUserStep = requireUser(services.verifier, services.sessions);
  const stepUp = stepUpGuard(services);

  return {
    services,
    start,
    readiness: [{ name: 'auth', check: () => start() }],
    mount(app: Express) {
      app.use(awaitStart);
      app.use(oauthEndpointsRouter(services));
      app.use(interactionRouter(services, host));
      app.use(upstreamRouter(services, host, loginCompletion(services, host)));
      app.use(accountRouter(services));
      app.use(selfServiceRouter(services, requireUserStep, stepUp));
      app.use(mfaRouter(services, requireUserStep));
      app.use(rolesRouter(services, requireUserStep, stepUp));
      app.use(authErrorMiddleware());
      app.use((req, res, next) => {
        if (PROVIDER_PATHS.test(req.path)) host.handle(req, res);
        else next();
      });
    },
    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await services.outbox.close();
    },
  };
}

import { Writable } from 'node:stream';
import { verify as argon2Verify } from '@node-rs/argon2';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import pg from 'pg';
import { JwtAuthenticator } from '../../src/api/jwt-authenticator.ts';
import { buildAuthServices } from '../../src/auth/auth-component.ts';
import { authConfigSchema } from '../../src/auth/auth-config.ts';
import type { AuthConfigInput } from '../../src/auth/auth-config.ts';
import { ACR_SINGLE_FACTOR } from '../../src/auth/tokens/access-token-claims.ts';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closedLoop } from './closed-loop.ts';
import type { LoopResult } from './closed-loop.ts';

/**
 * The in-process half of `bench-auth.ts`, started by it pinned to the server's core (`taskset -c 0`) while the
 * server idles: the bare costs (argon2id verify, ES256 sign, ES256 sign + one PostgreSQL round trip, jose
 * jwtVerify with a local key), the auth component's service layer without HTTP (sign-in, refresh), and the two
 * access-token verifiers (auth's AccessTokenVerifier, the api component's JwtAuthenticator). Input: JSON in
 * BENCH_AUTH_INPUT; output: one JSON line on stdout.
 */
export interface BareCostsInput {
  databaseUrl: string;
  authConfig: AuthConfigInput;
  clientId: string;
  jwksUrl: string;
  accessToken: string;
  users: { email: string; password: string }[];
  concurrency: number;
  seconds: number;
  warmUpSeconds: number;
}

const input = JSON.parse(process.env['BENCH_AUTH_INPUT'] ?? '{}') as BareCostsInput;
const config = authConfigSchema.parse(input.authConfig);
const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const logger = createLogger({ level: 'info', component: 'auth', backend: 'bench', revision: 'bench' }, discard);
const db = new PgDatabase({ url: input.databaseUrl, poolSize: 10, logger });
const services = buildAuthServices(
  {
    config: runtimeConfigSchema.parse({
      component: 'auth',
      auth: { issuer: config.issuer, audience: config.audience },
    }),
    logger,
    database: db,
    redis: undefined,
  },
  config,
);
await services.keys.load();
const pgPool = new pg.Pool({ connectionString: input.databaseUrl, max: 10 });
const results: Record<string, LoopResult> = {};
/** More than the api verifier's default cache of 10,000 verified tokens. */
const TOKEN_POOL = 12_000;
const loop = { concurrency: input.concurrency, seconds: input.seconds, warmUpSeconds: input.warmUpSeconds };
const measure = async (name: string, op: (worker: number) => Promise<void>) => {
  results[name] = await closedLoop(loop, op);
  const r = results[name];
  console.error(`  ${name.padEnd(32)} ${r.perSecond.toFixed(1).padStart(9)} /s  ${r.cpuMsPerOp.toFixed(3)} ms CPU`);
};
const userOf = (worker: number) => input.users[worker % input.users.length]!;
const ipOf = (worker: number) => `10.1.0.${(worker % 250) + 1}`;
const accounts = await Promise.all(input.users.map((u) => services.accounts.byEmail(u.email)));
const stored = accounts.map((a) => a!.passwordHash!);
const pepper = Buffer.from(config.secrets.passwordPepper, 'utf8');

// (1) Password sign-in: bare argon2id verify (same stored hashes, parameters and pepper) and the service layer.
await measure('argon2id verify', async (w) => {
  if (!(await argon2Verify(stored[w % stored.length]!, userOf(w).password, { secret: pepper })))
    throw new Error('argon2 verify failed');
});
await measure('sign-in service', async (w) => {
  const result = await services.passwordSignIn.verify(userOf(w).email, userOf(w).password, {
    ip: ipOf(w),
    clientId: input.clientId,
  });
  const deviceId = await services.devices.register(result.account.id, {
    installationId: `bench-service-${w}`,
    name: 'bench',
    platform: 'other',
  });
  await services.tokens.startSession({
    account: result.account,
    deviceId,
    clientId: input.clientId,
    scope: 'openid profile email offline_access',
    amr: ['pwd'],
    acr: ACR_SINGLE_FACTOR,
    authTime: Math.floor(Date.now() / 1000),
  });
});

// (2) Refresh: bare ES256 sign of the same claims, plus one PostgreSQL round trip, and the service layer.
const claims = decodeJwt(input.accessToken);
const header = decodeProtectedHeader(input.accessToken);
const { privateKey } = await generateKeyPair('ES256');
const signBare = () =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid ?? 'bench', typ: 'at+jwt' }).sign(privateKey);
await measure('ES256 sign', async () => void (await signBare()));
await measure('ES256 sign + 1 DB round trip', async () => {
  await signBare();
  await pgPool.query('SELECT 1');
});
const refreshTokens = await Promise.all(
  Array.from({ length: input.concurrency }, async (_, w) => {
    const account = accounts[w % accounts.length]!;
    const deviceId = await services.devices.register(account.id, {
      installationId: `bench-refresh-${w}`,
      name: 'bench',
      platform: 'other',
    });
    const { response } = await services.tokens.startSession({
      account,
      deviceId,
      clientId: input.clientId,
      scope: 'openid offline_access',
      amr: ['pwd'],
      acr: ACR_SINGLE_FACTOR,
      authTime: Math.floor(Date.now() / 1000),
    });
    return response.refresh_token;
  }),
);
await measure('refresh service', async (w) => {
  const result = await services.tokens.refresh(refreshTokens[w]!, input.clientId, ipOf(w));
  if (!result.ok) throw new Error(`refresh refused: ${result.reason}`);
  refreshTokens[w] = result.response.refresh_token;
});

// (3) Verification. Distinct real access tokens, cycled (more of them than the api verifier's cache of verified
// tokens holds, and that cache switched off): every call pays the signature check, as for a token's first use.
const session = await services.sessions.get(decodeJwt(input.accessToken)['sid'] as string);
const tokenPool: string[] = [];
for (let i = 0; i < TOKEN_POOL; i++)
  tokenPool.push((await services.tokens.accessTokenFor(accounts[0]!, session!)).token);
let next = 0;
const anyToken = () => tokenPool[next++ % tokenPool.length]!;
const jwks = (await (await fetch(input.jwksUrl)).json()) as { keys: JWK[] };
const publicKey = await importJWK(
  jwks.keys.find((k) => k.kid === header.kid)!,
  'ES256',
);
await measure('jwtVerify, local key', async () => {
  await jwtVerify(anyToken(), publicKey, { issuer: config.issuer, audience: config.audience, algorithms: ['ES256'] });
});
await measure('AccessTokenVerifier (auth)', async () => void (await services.verifier.verify(anyToken())));
const settings = {
  jwksUrl: input.jwksUrl,
  issuer: config.issuer,
  audience: config.audience,
  rolesClaim: config.tokens.rolesClaim,
  clockToleranceSeconds: 5,
};
// A variable, not a literal: builds without the cache option (before docs/decisions/0104) still compile.
const uncached = { ...settings, verifiedTokenCacheSize: 0 };
const cold = new JwtAuthenticator(uncached);
await measure('JwtAuthenticator (api), cold', async () => void (await cold.verify(anyToken())));
// The same token on every call, as a client sends it with each request of its session (cache hits, if cached).
const warm = new JwtAuthenticator(settings);
await measure('JwtAuthenticator (api), reused', async () => void (await warm.verify(input.accessToken)));

await pgPool.end();
await db.close();
process.stdout.write(`${JSON.stringify(results)}\n`);

import type { Database } from '../data/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { AccountStore } from './accounts/account-store.ts';
import type { SecurityAudit } from './audit/security-audit.ts';
import type { AuthConfig, ClientSettings } from './auth-config.ts';
import type { Clock } from './clock.ts';
import type { DeviceStore } from './devices/device-store.ts';
import type { SigningKeyRing } from './keys/signing-key-ring.ts';
import type { MfaChallengeSealer } from './mfa/mfa-challenge.ts';
import type { MfaStore } from './mfa/mfa-store.ts';
import type { AuthOutbox } from './one-time/auth-outbox.ts';
import type { OneTimeTokenStore } from './one-time/one-time-token-store.ts';
import type { PasswordHasher } from './passwords/password-hasher.ts';
import type { PasswordSignIn } from './passwords/password-sign-in.ts';
import type { AccessTokenVerifier } from './tokens/access-token-verifier.ts';
import type { SessionStore } from './tokens/session-store.ts';
import type { TokenService } from './tokens/token-service.ts';

/** Everything the auth component's routers need, built once by createAuthComponent. */
export interface AuthServices {
  config: AuthConfig;
  db: Database;
  logger: Logger;
  clock: Clock;
  accounts: AccountStore;
  devices: DeviceStore;
  sessions: SessionStore;
  keys: SigningKeyRing;
  tokens: TokenService;
  verifier: AccessTokenVerifier;
  hasher: PasswordHasher;
  passwordSignIn: PasswordSignIn;
  mfa: MfaStore;
  mfaChallenges: MfaChallengeSealer;
  oneTimeTokens: OneTimeTokenStore;
  outbox: AuthOutbox;
  audit: SecurityAudit;
  client(clientId: string): ClientSettings | undefined;
}

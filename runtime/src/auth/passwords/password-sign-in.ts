import type { Account, AccountStore } from '../accounts/account-store.ts';
import type { SecurityAudit } from '../audit/security-audit.ts';
import { AuthError } from '../auth-error-catalog.ts';
import type { MfaStore } from '../mfa/mfa-store.ts';
import { LoginThrottle } from '../throttle/login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';

export type PasswordSignInResult = { kind: 'signed-in'; account: Account } | { kind: 'mfa-required'; account: Account };

/**
 * Email + password check shared by the first-party API and the login page: throttle first (no argon2 work for
 * throttled attempts), then one generic failure for unknown account and wrong password alike, with the same
 * argon2 cost for both; the verified-email rule is applied only after the password was proven.
 */
export class PasswordSignIn {
  private readonly deps: {
    accounts: AccountStore;
    hasher: PasswordHasher;
    throttle: LoginThrottle;
    mfa: MfaStore;
    audit: SecurityAudit;
    requireVerifiedEmail: boolean;
  };

  constructor(deps: PasswordSignIn['deps']) {
    this.deps = deps;
  }

  async verify(
    email: string,
    password: string,
    context: { ip: string; clientId?: string },
  ): Promise<PasswordSignInResult> {
    const { accounts, hasher, throttle, mfa, audit } = this.deps;
    const accountKey = LoginThrottle.accountKey(email);
    const ipKey = LoginThrottle.ipKey(context.ip);
    const ticket = await throttle.attempt(accountKey, ipKey);
    if (!ticket.allowed) {
      audit.record('sign-in-throttled', { ip: context.ip, clientId: context.clientId });
      throw new AuthError('login-throttled', 'too many attempts; try again later', {
        headers: { 'retry-after': String(ticket.retryAfterSeconds) },
      });
    }
    const account = await accounts.byEmail(email);
    const ok = await hasher.verify(account?.passwordHash, password);
    if (!ok || account === undefined) {
      audit.record('sign-in-failed', {
        userId: account?.id,
        ip: context.ip,
        clientId: context.clientId,
        method: 'pwd',
      });
      throw new AuthError('invalid-credentials', 'the email or password is wrong');
    }
    await throttle.succeeded(accountKey, ipKey);
    if (account.passwordHash !== null && hasher.needsRehash(account.passwordHash))
      await accounts.setPasswordHash(account.id, await hasher.hash(password));
    if (this.deps.requireVerifiedEmail && !account.emailVerified)
      throw new AuthError('email-not-verified', 'verify your email address first; a new link can be requested');
    if (await mfa.isEnabled(account.id)) return { kind: 'mfa-required', account };
    return { kind: 'signed-in', account };
  }

  /** Second step: a TOTP code or a recovery code, throttled per account like passwords. */
  async verifySecondFactor(
    account: Account,
    input: { code?: string | undefined; recoveryCode?: string | undefined },
    context: { ip: string; clientId?: string },
  ): Promise<string[]> {
    const { throttle, mfa, audit } = this.deps;
    const accountKey = `mfa:${account.id}`;
    const ipKey = LoginThrottle.ipKey(context.ip);
    const ticket = await throttle.attempt(accountKey, ipKey);
    if (!ticket.allowed)
      throw new AuthError('login-throttled', 'too many attempts; try again later', {
        headers: { 'retry-after': String(ticket.retryAfterSeconds) },
      });
    let method: string | undefined;
    if (input.code !== undefined && (await mfa.verifyCode(account.id, input.code, 'confirmed'))) method = 'otp';
    else if (input.recoveryCode !== undefined && (await mfa.useRecoveryCode(account.id, input.recoveryCode))) {
      method = 'otp';
      audit.record('recovery-code-used', { userId: account.id, ip: context.ip });
    }
    if (method === undefined) {
      audit.record('mfa-challenge-failed', { userId: account.id, ip: context.ip, clientId: context.clientId });
      throw new AuthError('invalid-mfa-code', 'the code is wrong or was already used');
    }
    await throttle.succeeded(accountKey, ipKey);
    return [method];
  }
}

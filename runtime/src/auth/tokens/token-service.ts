import type { AccountStore, Account } from '../accounts/account-store.ts';
import type { SecurityAudit } from '../audit/security-audit.ts';
import type { AccessTokenIssuer } from './access-token-issuer.ts';
import type { SessionRecord, SessionStore } from './session-store.ts';

/** RFC 6749 §5.1 token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

export type RefreshResult =
  | { ok: true; response: TokenResponse }
  | { ok: false; reason: 'unknown' | 'session-ended' | 'expired' | 'wrong-client' | 'reuse-detected' | 'account-gone' };

/** Issues token pairs for new sessions and rotates them on refresh; every grant path ends here. */
export class TokenService {
  private readonly accounts: AccountStore;
  private readonly sessions: SessionStore;
  private readonly issuer: AccessTokenIssuer;
  private readonly audit: SecurityAudit;

  constructor(deps: {
    accounts: AccountStore;
    sessions: SessionStore;
    issuer: AccessTokenIssuer;
    audit: SecurityAudit;
  }) {
    this.accounts = deps.accounts;
    this.sessions = deps.sessions;
    this.issuer = deps.issuer;
    this.audit = deps.audit;
  }

  async accessTokenFor(
    account: Account,
    session: SessionRecord,
    overrides: Partial<Pick<SessionRecord, 'amr' | 'acr' | 'authTime'>> = {},
  ) {
    return this.issuer.issue({
      userId: account.id,
      sessionId: session.id,
      clientId: session.clientId,
      scope: session.scope,
      roles: account.roles,
      amr: overrides.amr ?? session.amr,
      acr: overrides.acr ?? session.acr,
      authTime: overrides.authTime ?? session.authTime,
      customClaims: account.customClaims,
    });
  }

  async startSession(input: {
    account: Account;
    deviceId: string;
    clientId: string;
    scope: string;
    amr: readonly string[];
    acr: string;
    authTime: number;
  }): Promise<{ response: TokenResponse; session: SessionRecord }> {
    const { session, refreshToken } = await this.sessions.create({
      userId: input.account.id,
      deviceId: input.deviceId,
      clientId: input.clientId,
      scope: input.scope,
      amr: input.amr,
      acr: input.acr,
      authTime: input.authTime,
    });
    const access = await this.accessTokenFor(input.account, session);
    return {
      session,
      response: {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresIn,
        refresh_token: refreshToken,
        scope: session.scope,
      },
    };
  }

  async refresh(refreshToken: string, clientId: string, ip?: string): Promise<RefreshResult> {
    const outcome = await this.sessions.refresh(refreshToken, clientId);
    if (outcome.kind === 'reuse-detected') {
      this.audit.record('refresh-token-reused', {
        userId: outcome.session.userId,
        sessionId: outcome.session.id,
        clientId,
        ip,
      });
      return { ok: false, reason: 'reuse-detected' };
    }
    if (outcome.kind === 'refused') {
      this.audit.record('refresh-refused', { clientId, ip, reason: outcome.reason });
      return { ok: false, reason: outcome.reason };
    }
    const account = await this.accounts.byId(outcome.session.userId);
    if (account === undefined) return { ok: false, reason: 'account-gone' };
    const access = await this.accessTokenFor(account, outcome.session);
    this.audit.record('token-refreshed', {
      userId: account.id,
      sessionId: outcome.session.id,
      clientId,
      ip,
      ...(outcome.kind === 'replayed' ? { reason: 'retry-within-grace' } : {}),
    });
    return {
      ok: true,
      response: {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresIn,
        refresh_token: outcome.refreshToken,
        scope: outcome.session.scope,
      },
    };
  }
}

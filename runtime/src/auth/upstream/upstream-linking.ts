import type { IDToken } from 'openid-client';
import type { Account } from '../accounts/account-store.ts';
import type { AuthServices } from '../auth-services.ts';

/**
 * Maps an upstream identity to a local account: an existing link by (provider, sub) first; otherwise a new
 * account. An upstream e-mail is never trusted to take over an existing password account (the upstream may not
 * own the address): a clash returns undefined and the user signs in with their password and links from there.
 */
export async function linkUpstreamIdentity(
  services: AuthServices,
  provider: string,
  claims: IDToken,
): Promise<Account | undefined> {
  const { accounts, audit } = services;
  const linked = await accounts.findLinked(provider, claims.sub);
  if (linked !== undefined) return accounts.byId(linked);
  const email = typeof claims['email'] === 'string' && claims['email_verified'] === true ? claims['email'] : null;
  const name = typeof claims['name'] === 'string' ? claims['name'] : null;
  const userId = await accounts.create({ email, passwordHash: null, name, emailVerified: email !== null });
  if (userId === undefined) return undefined;
  await accounts.link(provider, claims.sub, userId);
  audit.record('upstream-linked', { userId, provider });
  return accounts.byId(userId);
}

import type { Request, Response } from 'express';
import type { Account } from '../accounts/account-store.ts';
import type { AuthServices } from '../auth-services.ts';
import { deviceRegistrationSchema } from '../devices/device-store.ts';
import { ACR_MFA, ACR_SINGLE_FACTOR } from '../tokens/access-token-claims.ts';
import type { OidcProviderHost } from './oidc-provider-host.ts';

export type LoginCompletion = (req: Request, res: Response, account: Account, amr: string[]) => Promise<void>;

/**
 * Ends a successful interaction (password, second factor or upstream provider): records the device named in the
 * authorization request for the code exchange, grants the requested scopes (every client is the backend's own
 * app, so consent is implied) and hands control back to oidc-provider with what the user actually did (`amr`).
 */
export function loginCompletion(services: AuthServices, host: OidcProviderHost): LoginCompletion {
  return async (req: Request, res: Response, account: Account, amr: string[]): Promise<void> => {
    const provider = host.provider();
    const interaction = await provider.interactionDetails(req, res);
    const params = interaction.params as Record<string, unknown>;
    const clientId = String(params['client_id']);
    const grant = new provider.Grant({ accountId: account.id, clientId });
    grant.addOIDCScope(String(params['scope'] ?? 'openid'));
    const grantId = await grant.save();
    const device = deviceRegistrationSchema.safeParse({
      installationId: params['device_id'] ?? `interaction:${interaction.uid}`,
      name: params['device_name'] ?? 'Unnamed device',
      platform: params['device_platform'] ?? 'other',
    });
    const deviceId = await services.devices.register(
      account.id,
      device.success
        ? device.data
        : { installationId: `interaction:${interaction.uid}`, name: 'Unnamed device', platform: 'other' },
    );
    await services.db.query(
      'INSERT INTO auth_pending_devices (grant_id, device_id) VALUES ($1, $2) ON CONFLICT (grant_id) DO UPDATE SET device_id = EXCLUDED.device_id',
      [grantId, deviceId],
    );
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: account.id, amr, acr: amr.includes('otp') ? ACR_MFA : ACR_SINGLE_FACTOR, remember: false },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  };
}

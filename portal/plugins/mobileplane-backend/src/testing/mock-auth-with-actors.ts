import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import type { BackstageCredentials, HttpAuthService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import type { Request } from 'express';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * `mockServices.httpAuth` (no default credentials) with one fix: a plugin-to-plugin token issued on behalf of a user
 * keeps its actor (the calling plugin), as real tokens do. The mock drops it, and the permission registry refuses user
 * credentials without an actor, so without this no conditional decision (the permission backend asking this plugin
 * to apply conditions on behalf of the user) could be tested.
 */
export const mockHttpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId(), defaultCredentials: mockCredentials.none() });
    const credentials = (async (req: Request, options?: { allow?: string[]; allowLimitedAccess?: boolean }) => {
      const token = /^Bearer[ ]+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (token?.startsWith(SERVICE_TOKEN_PREFIX)) {
        const { sub, obo } = JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length)) as { sub?: string; obo?: string };
        if (obo) {
          if (options?.allow && !options.allow.includes('user')) {
            throw new NotAllowedError(`This endpoint does not allow 'user' credentials`);
          }
          const user = mockCredentials.user(obo);
          return {
            ...user,
            principal: { ...user.principal, actor: { type: 'service', subject: sub ?? 'external:test' } },
          } as BackstageCredentials;
        }
      }
      const result = await inner.credentials(req, options as never);
      if (!result) throw new AuthenticationError('no credentials');
      return result;
    }) as HttpAuthService['credentials'];
    return { credentials, issueUserCookie: (res, options) => inner.issueUserCookie(res, options) };
  },
});

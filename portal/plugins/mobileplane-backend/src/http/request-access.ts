import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';

/**
 * Every route's first step: who is calling, and may they. Users and other plugins (the scaffolder acts with the
 * initiator's credentials) are both subject to the permission policy.
 */
export class RequestAccess {
  readonly #httpAuth: HttpAuthService;
  readonly #permissions: PermissionsService;
  readonly #auditor: AuditorService;

  constructor(deps: { httpAuth: HttpAuthService; permissions: PermissionsService; auditor: AuditorService }) {
    this.#httpAuth = deps.httpAuth;
    this.#permissions = deps.permissions;
    this.#auditor = deps.auditor;
  }

  async #decide(
    req: Request,
    request: { permission: BasicPermission } | { permission: ResourcePermission; resourceRef: string },
  ): Promise<BackstageCredentials> {
    const credentials = await this.#httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await this.#permissions.authorize([request], { credentials });
    if (decision?.result !== AuthorizeResult.ALLOW) {
      const on = 'resourceRef' in request ? ` on ${request.resourceRef}` : '';
      throw new NotAllowedError(`not allowed: ${request.permission.name}${on}`);
    }
    return credentials;
  }

  /** Throws NotAllowedError (403) unless the policy allows `permission`. */
  allow(req: Request, permission: BasicPermission): Promise<BackstageCredentials> {
    return this.#decide(req, { permission });
  }

  /** Throws NotAllowedError (403) unless the policy allows `permission` on this resource. */
  allowOn(req: Request, permission: ResourcePermission, resourceRef: string): Promise<BackstageCredentials> {
    return this.#decide(req, { permission, resourceRef });
  }

  /**
   * Runs a change as an audit event: one line when it starts is not needed, one when it succeeds or fails is. The
   * auditor records the caller from the request; `meta` says what was changed (never secrets: specs only hold refs).
   */
  async audited<T>(req: Request, eventId: string, meta: JsonObject, change: () => Promise<T>): Promise<T> {
    const event = await this.#auditor.createEvent({ eventId, request: req, meta, severityLevel: 'medium' });
    try {
      const result = await change();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error instanceof Error ? error : new Error(String(error)) });
      throw error;
    }
  }
}
